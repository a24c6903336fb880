//! Any text as a permalink hash: parsing never fails, and writing what was parsed and
//! parsing it again gives the same state.
#![no_main]
use canvass_core::view_state::{parse_hash, to_hash};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let first = parse_hash(text);
    let again = parse_hash(&to_hash(&first.state));
    assert_eq!(again.state, first.state);
    assert!(again.problems.is_empty(), "{:?}", again.problems);
});
