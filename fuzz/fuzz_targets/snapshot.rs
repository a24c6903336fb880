//! Any bytes as the body of a snapshot, sealed with a matching checksum so that the
//! damage reaches the structure: read or refused with an error, never a panic, and
//! never allocating more than the input's size calls for.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    if let Ok(snapshot) = canvass_core::snapshot::read(&canvass_core::snapshot::seal(body)) {
        let dataset = &snapshot.loaded.dataset;
        assert!(dataset.questions().iter().all(|q| q.column.len() == dataset.n_rows()));
    }
});
