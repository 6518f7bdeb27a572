//! Fuzz target: arbitrary bytes as a creator analytics .xlsx through read_workbook.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ssi_fuzz::workbook(data));
