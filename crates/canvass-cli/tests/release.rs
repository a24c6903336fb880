//! `canvass release` as a survey team uses it: a release directory written whole or
//! not at all, the roles table, and a sentence for each failure.

use std::path::PathBuf;
use std::process::Command;

fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").join(path)
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
    let dir = std::env::temp_dir().join(format!("canvass-release-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn a_release_directory_holds_the_files_its_manifest_lists() {
    let dir = scratch("numpy");
    let out = dir.join("release");
    let raw = repo("www/data/numpy-2020/responses.tsv");
    let cb = repo("www/data/numpy-2020/codebook.json");
    let (ok, stdout, stderr) = canvass(&[
        "release",
        raw.to_str().unwrap(),
        "--codebook",
        cb.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--seed",
        "3",
    ]);
    assert!(ok, "{stdout}{stderr}");
    assert!(
        stdout.contains("demographics.age") && stdout.contains("quasi-identifier"),
        "{stdout}"
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["synthetic"], true);
    assert_eq!(manifest["seed"], 3);
    let files = manifest["files"].as_object().unwrap();
    let mut listed: Vec<&str> = files.keys().map(String::as_str).collect();
    listed.push("manifest.json");
    listed.sort_unstable();
    let mut present: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    present.sort_unstable();
    assert_eq!(present, listed);
    for (name, entry) in files {
        let bytes = std::fs::read(out.join(name)).unwrap();
        assert_eq!(entry["bytes"].as_u64(), Some(bytes.len() as u64), "{name}");
        assert_eq!(entry["sha256"].as_str().unwrap().len(), 64, "{name}");
    }
    // No temporary directory is left beside the release.
    let leftovers: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n != "release")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_failed_release_leaves_nothing_behind() {
    let dir = scratch("fail");
    let out = dir.join("release");
    let raw = repo("tests/data/export-google-forms-40.csv");
    let (ok, _, stderr) = canvass(&["release", raw.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(!ok);
    assert!(stderr.contains("40 respondents, fewer than the 50"), "{stderr}");
    let left: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");

    let raw = repo("tests/data/export-qualtrics-60.csv");
    let (ok, _, stderr) = canvass(&[
        "release",
        raw.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quasi",
        "Q9",
    ]);
    assert!(!ok);
    assert!(
        stderr.contains("--quasi names \"Q9\", which is no question of the file"),
        "{stderr}"
    );
    assert!(std::fs::read_dir(&dir).unwrap().next().is_none());

    let (ok, _, stderr) = canvass(&["release", "/nonexistent/raw.csv", "--out", out.to_str().unwrap()]);
    assert!(!ok && stderr.contains("cannot read /nonexistent/raw.csv"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_existing_release_is_never_overwritten() {
    let dir = scratch("exists");
    std::fs::write(dir.join("keep.txt"), "x").unwrap();
    let raw = repo("tests/data/export-qualtrics-60.csv");
    let (ok, _, stderr) = canvass(&["release", raw.to_str().unwrap(), "--out", dir.to_str().unwrap()]);
    assert!(
        !ok && stderr.contains("already exists and is not an empty directory"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(dir.join("keep.txt")).unwrap(), "x");
    let _ = std::fs::remove_dir_all(&dir);
}
