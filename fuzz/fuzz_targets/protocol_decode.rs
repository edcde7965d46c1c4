#![no_main]
//! `cargo +nightly fuzz run protocol_decode`: see `estate_core::fuzzing::protocol_decode`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| estate_core::fuzzing::protocol_decode(data));
