//! Any bytes as a survey file; see `canvass_fuzz::load`.
#![no_main]
libfuzzer_sys::fuzz_target!(|bytes: &[u8]| canvass_fuzz::load(bytes));
