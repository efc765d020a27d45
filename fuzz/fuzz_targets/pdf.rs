//! Fuzz target `pdf`: see `gongkai_kiosk::fuzzing::pdf`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| gongkai_kiosk::fuzzing::pdf(data));
