//! Bytes as an SPSS file; see `canvass_fuzz::sav`.
#![no_main]
libfuzzer_sys::fuzz_target!(|bytes: &[u8]| canvass_fuzz::sav(bytes));
