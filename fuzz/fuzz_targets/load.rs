//! Any bytes: the loader answers with a dataset or an error, never a panic or a hang,
//! and whatever it loads holds together.
#![no_main]
use canvass_core::freq::{frequencies, BaseKind};
use canvass_core::{load, LoadOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    if let Ok(loaded) = load(bytes, &LoadOptions::default()) {
        let dataset = &loaded.dataset;
        for (idx, question) in dataset.questions().iter().enumerate() {
            assert_eq!(question.column.len(), dataset.n_rows());
            if let Ok(f) = frequencies(dataset, idx, BaseKind::Answered) {
                let counted: f64 = f.rows.iter().filter_map(|r| r.count).sum();
                assert!(counted.is_finite());
            }
        }
    }
});
