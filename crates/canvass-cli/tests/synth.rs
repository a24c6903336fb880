//! `canvass synth` as CI and release maintainers use it.

use std::path::PathBuf;
use std::process::Command;

fn release() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../www/data/numpy-2020")
}

fn canvass(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_canvass")).args(args).output().unwrap();
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("canvass-synth-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn check_passes_on_the_committed_release() {
    let (ok, stdout, stderr) = canvass(&["synth", "--check", release().to_str().unwrap()]);
    assert!(ok, "{stdout}{stderr}");
    assert!(stdout.contains(" 0 failed"), "{stdout}");
    assert!(stdout.contains("structure: 0 problems"));
    assert!(stdout.contains("exact duplicate rows"));
    assert!(stdout.trim_end().ends_with("PASS"));
}

#[test]
fn regenerating_from_the_committed_codebook_gives_the_same_bytes() {
    let out = scratch("regen");
    let codebook = release().join("codebook.json");
    let (ok, _, stderr) = canvass(&[
        "synth",
        "--codebook",
        codebook.to_str().unwrap(),
        "--seed",
        "2020",
        "--rows",
        "1236",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(ok, "{stderr}");
    for name in ["responses.tsv", "codebook.json", "model.md", "manifest.json"] {
        let a = std::fs::read(out.join(name)).unwrap();
        let b = std::fs::read(release().join(name)).unwrap();
        assert!(a == b, "{name} differs");
    }
    // A tampered copy fails the check with a non-zero exit.
    let tsv = std::fs::read_to_string(out.join("responses.tsv")).unwrap();
    std::fs::write(
        out.join("responses.tsv"),
        tsv.replacen("\tUnited States\t", "\tJapan\t", 40),
    )
    .unwrap();
    let (ok, stdout, _) = canvass(&["synth", "--check", out.to_str().unwrap()]);
    assert!(!ok);
    assert!(
        stdout.contains("sha256 differs") && stdout.trim_end().ends_with("FAIL"),
        "{stdout}"
    );
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn usage_errors_are_sentences() {
    let (ok, _, stderr) = canvass(&["synth", "--check", "/nonexistent/release"]);
    assert!(!ok);
    assert!(stderr.contains("no codebook.json"), "{stderr}");
    let (ok, _, stderr) = canvass(&["synth", "--codebook", "x.json"]);
    assert!(!ok);
    assert!(stderr.contains("--seed"), "{stderr}");
}
