#![no_main]
//! `cargo +nightly fuzz run engine_frames`: see `estate_core::fuzzing::engine_frames`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| estate_core::fuzzing::engine_frames(data));
