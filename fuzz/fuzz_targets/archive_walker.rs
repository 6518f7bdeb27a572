//! Fuzz target: arbitrary bytes as an export .zip through open_export, profile and events.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ssi_fuzz::archive_walker(data));
