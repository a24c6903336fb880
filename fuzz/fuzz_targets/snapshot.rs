//! Any bytes as a snapshot's body; see `canvass_fuzz::snapshot`.
#![no_main]
libfuzzer_sys::fuzz_target!(|body: &[u8]| canvass_fuzz::snapshot(body));
