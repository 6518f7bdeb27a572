//! Fuzz target: the importer's CSV layer (decoding, csv-core records, headers, row mapping) on arbitrary bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ssi_fuzz::csv_layer(data));
