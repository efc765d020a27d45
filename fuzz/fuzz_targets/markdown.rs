//! Fuzz target `markdown`: see `gongkai_kiosk::fuzzing::markdown`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| gongkai_kiosk::fuzzing::markdown(data));
