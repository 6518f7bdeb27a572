//! Fuzz target: every public date parser of ssi_import::dates on arbitrary text.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ssi_fuzz::dates(data));
