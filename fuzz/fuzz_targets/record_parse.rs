#![no_main]
//! `cargo +nightly fuzz run record_parse`: see `estate_core::fuzzing::record_parse`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| estate_core::fuzzing::record_parse(data));
