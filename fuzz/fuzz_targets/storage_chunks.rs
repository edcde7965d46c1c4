#![no_main]
//! `cargo +nightly fuzz run storage_chunks`: see `estate_core::fuzzing::storage_chunks`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| estate_core::fuzzing::storage_chunks(data));
