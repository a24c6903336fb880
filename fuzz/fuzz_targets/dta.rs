//! Bytes read as a Stata file (`<stata_dta>` is put in front of any that do not start
//! with a Stata signature, binary or tagged): the reader answers with a dataset or an
//! error, never a panic, a hang or an allocation the bytes do not justify. Seed it
//! with tests/data/labelled.
#![no_main]
use canvass_core::{load, LoadOptions};
use libfuzzer_sys::fuzz_target;

/// A binary release's first four bytes: release, byte order, file type, padding.
fn binary_signature(bytes: &[u8]) -> bool {
    matches!(bytes, [104 | 105 | 108 | 110 | 111 | 113 | 114 | 115, 1 | 2, 1, 0, ..])
}

fuzz_target!(|bytes: &[u8]| {
    let file = if bytes.starts_with(b"<stata_dta>") || binary_signature(bytes) {
        bytes.to_vec()
    } else {
        [b"<stata_dta>".as_slice(), bytes].concat()
    };
    if let Ok(loaded) = load(&file, &LoadOptions::default()) {
        let dataset = &loaded.dataset;
        for question in dataset.questions() {
            assert_eq!(question.column.len(), dataset.n_rows());
        }
    }
});
