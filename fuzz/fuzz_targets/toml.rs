//! Fuzz target `toml`: see `gongkai_kiosk::fuzzing::toml`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| gongkai_kiosk::fuzzing::toml(data));
