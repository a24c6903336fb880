//! Any bytes as a codebook: parsed or refused with an error, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let _ = canvass_core::codebook::parse_codebook(bytes);
});
