//! Any bytes as a codebook; see `canvass_fuzz::codebook`.
#![no_main]
libfuzzer_sys::fuzz_target!(|bytes: &[u8]| canvass_fuzz::codebook(bytes));
