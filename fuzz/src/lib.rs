//! What each fuzz target checks, as plain functions of the input's bytes.
//!
//! The fuzz targets (`fuzz_targets/*.rs`) call these under libFuzzer, and canvass-core's
//! `fuzz_corpus` test calls them on every committed input in `fuzz/corpus/<target>/`, so a
//! plain `cargo test` replays what fuzzing found without nightly or libFuzzer. This file is
//! compiled into that test as a module, so it names nothing but canvass-core and std.
//!
//! `fuzz/corpus/<target>/` holds what fuzzing found, minimised (`cargo xtask fuzz`);
//! `fuzz/seeds/` and `tests/data/` hold the hand-picked inputs it starts from.

use canvass_core::freq::{frequencies, BaseKind};
use canvass_core::view_state::{parse_hash, to_hash};
use canvass_core::{load as load_survey, LoadOptions};

/// A target's check: returns when the input is handled as it must be, panics otherwise.
pub type Check = fn(&[u8]);

/// A fuzz target: its name (its folder under `fuzz/corpus/`), its check, and the folders
/// of hand-picked inputs it starts from, relative to `fuzz/`. `cargo xtask fuzz` passes
/// the same folders (`FUZZ_TARGETS` in xtask); minimising the corpus never touches them.
pub struct Target {
    pub name: &'static str,
    pub check: Check,
    pub seeds: &'static [&'static str],
}

pub const TARGETS: [Target; 6] = [
    Target {
        name: "load",
        check: load,
        seeds: &["../tests/data"],
    },
    Target {
        name: "codebook",
        check: codebook,
        seeds: &["../tests/data"],
    },
    Target {
        name: "snapshot",
        check: snapshot,
        seeds: &["seeds/snapshot"],
    },
    Target {
        name: "view_state",
        check: view_state_bytes,
        seeds: &["seeds/view_state"],
    },
    Target {
        name: "sav",
        check: sav,
        seeds: &["../tests/data/labelled"],
    },
    Target {
        name: "dta",
        check: dta,
        seeds: &["../tests/data/labelled"],
    },
];

/// Bytes read as an SPSS file (`$FL2` is put in front of any that do not start with an
/// SPSS signature): a dataset or an error, never a panic, a hang or an allocation the
/// bytes do not justify.
pub fn sav(bytes: &[u8]) {
    let file = if bytes.starts_with(b"$FL2") || bytes.starts_with(b"$FL3") {
        bytes.to_vec()
    } else {
        [b"$FL2".as_slice(), bytes].concat()
    };
    labelled(&file);
}

/// Bytes read as a Stata file (`<stata_dta>` is put in front of any that do not start
/// with a Stata signature, binary or tagged), checked as [`sav`] is.
pub fn dta(bytes: &[u8]) {
    // A binary release's first four bytes: release, byte order (0 in release 102),
    // file type, padding.
    let binary = matches!(
        bytes,
        [102, 0..=2, 1, 0, ..] | [103 | 104 | 105 | 108 | 110 | 111 | 113 | 114 | 115, 1 | 2, 1, 0, ..]
    );
    let file = if bytes.starts_with(b"<stata_dta>") || binary {
        bytes.to_vec()
    } else {
        [b"<stata_dta>".as_slice(), bytes].concat()
    };
    labelled(&file);
}

/// A labelled file loads into columns of the dataset's length, with a weight that is
/// one of its questions, or is refused.
fn labelled(file: &[u8]) {
    if let Ok(loaded) = load_survey(file, &LoadOptions::default()) {
        let dataset = &loaded.dataset;
        for question in dataset.questions() {
            assert_eq!(question.column.len(), dataset.n_rows());
        }
        assert!(loaded.weight.is_none_or(|w| w < dataset.questions().len()));
    }
}

/// Any bytes: the loader answers with a dataset or an error, never a panic or a hang,
/// and whatever it loads holds together.
pub fn load(bytes: &[u8]) {
    if let Ok(loaded) = load_survey(bytes, &LoadOptions::default()) {
        let dataset = &loaded.dataset;
        for (idx, question) in dataset.questions().iter().enumerate() {
            assert_eq!(question.column.len(), dataset.n_rows());
            if let Ok(f) = frequencies(dataset, idx, BaseKind::Answered) {
                let counted: f64 = f.rows.iter().filter_map(|r| r.count).sum();
                assert!(counted.is_finite());
            }
        }
    }
}

/// Any bytes as a codebook: parsed or refused with an error, never a panic.
pub fn codebook(bytes: &[u8]) {
    let _ = canvass_core::codebook::parse_codebook(bytes);
}

/// Any bytes as the body of a snapshot, sealed with a matching checksum so that the
/// damage reaches the structure: read or refused with an error, never a panic, and
/// never allocating more than the input's size calls for.
pub fn snapshot(body: &[u8]) {
    if let Ok(snapshot) = canvass_core::snapshot::read(&canvass_core::snapshot::seal(body)) {
        let dataset = &snapshot.loaded.dataset;
        assert!(dataset.questions().iter().all(|q| q.column.len() == dataset.n_rows()));
    }
}

/// Any text as a permalink hash: parsing never fails, and writing what was parsed and
/// parsing it again gives the same state.
pub fn view_state(text: &str) {
    let first = parse_hash(text);
    let again = parse_hash(&to_hash(&first.state));
    assert_eq!(again.state, first.state);
    assert!(again.problems.is_empty(), "{:?}", again.problems);
}

/// [`view_state`] on bytes as libFuzzer hands them to a `&str` target: input that is
/// not UTF-8 is skipped.
pub fn view_state_bytes(bytes: &[u8]) {
    if let Ok(text) = std::str::from_utf8(bytes) {
        view_state(text);
    }
}
