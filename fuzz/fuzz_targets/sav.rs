//! Bytes read as an SPSS file (`$FL2` is put in front of any that do not start with an
//! SPSS signature): the reader answers with a dataset or an error, never a panic, a
//! hang or an allocation the bytes do not justify. Seed it with tests/data/labelled.
#![no_main]
use canvass_core::{load, LoadOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let file = if bytes.starts_with(b"$FL2") || bytes.starts_with(b"$FL3") {
        bytes.to_vec()
    } else {
        [b"$FL2".as_slice(), bytes].concat()
    };
    if let Ok(loaded) = load(&file, &LoadOptions::default()) {
        let dataset = &loaded.dataset;
        for question in dataset.questions() {
            assert_eq!(question.column.len(), dataset.n_rows());
        }
        assert!(loaded.weight.is_none_or(|w| w < dataset.questions().len()));
    }
});
