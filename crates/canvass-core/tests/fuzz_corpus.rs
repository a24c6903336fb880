//! Replays the fuzz corpus: every committed input of each fuzz target (what fuzzing found,
//! in `fuzz/corpus/<target>/`, and the hand-picked seeds it starts from) goes through the
//! same check the target runs (`fuzz/src/lib.rs`), so what fuzzing once found stays fixed
//! without nightly or libFuzzer. `cargo xtask fuzz` grows the corpus.

#[path = "../../../fuzz/src/lib.rs"]
mod checks;

use std::path::{Path, PathBuf};

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

#[test]
fn every_corpus_input_passes_its_targets_check() {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    let mut failed = Vec::new();
    for target in checks::TARGETS {
        let mut inputs = files_in(&fuzz.join("corpus").join(target.name));
        for seeds in target.seeds {
            inputs.extend(files_in(&fuzz.join(seeds)));
        }
        assert!(!inputs.is_empty(), "fuzz target {} has no inputs", target.name);
        for input in inputs {
            let bytes = std::fs::read(&input).unwrap();
            if std::panic::catch_unwind(|| (target.check)(&bytes)).is_err() {
                failed.push(format!("{}: {}", target.name, input.display()));
            }
        }
    }
    assert!(
        failed.is_empty(),
        "these inputs fail their fuzz target's check (the panics are printed above; rerun \
         one with `RUSTC_BOOTSTRAP=1 cargo fuzz run --sanitizer none <target> <file>` in fuzz/):\n{}",
        failed.join("\n")
    );
}
