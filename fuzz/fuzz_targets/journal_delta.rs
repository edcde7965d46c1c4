#![no_main]
//! `cargo +nightly fuzz run journal_delta`: see `estate_core::fuzzing::journal_delta`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| estate_core::fuzzing::journal_delta(data));
