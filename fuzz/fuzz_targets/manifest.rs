//! Fuzz target `manifest`: see `gongkai_kiosk::fuzzing::manifest`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| gongkai_kiosk::fuzzing::manifest(data));
