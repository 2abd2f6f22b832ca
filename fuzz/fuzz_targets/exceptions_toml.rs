#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| hardline_fuzzing::exceptions_toml(data));
