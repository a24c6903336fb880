//! Bytes as a Stata file; see `canvass_fuzz::dta`.
#![no_main]
libfuzzer_sys::fuzz_target!(|bytes: &[u8]| canvass_fuzz::dta(bytes));
