//! Fuzz target: parse_sales_api_json on arbitrary text.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ssi_fuzz::readings_json(data));
