//! Any text as a permalink hash; see `canvass_fuzz::view_state`.
#![no_main]
libfuzzer_sys::fuzz_target!(|text: &str| canvass_fuzz::view_state(text));
