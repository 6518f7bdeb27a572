//! Fuzz target: parse_readings_csv on arbitrary bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ssi_fuzz::readings_csv(data));
