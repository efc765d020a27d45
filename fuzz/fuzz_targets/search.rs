//! Fuzz target `search`: see `gongkai_kiosk::fuzzing::search`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| gongkai_kiosk::fuzzing::search(data));
