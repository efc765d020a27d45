//! Fuzz target `source_tree`: see `gongkai_kiosk::fuzzing::source_tree`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| gongkai_kiosk::fuzzing::source_tree(data));
