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

fn sha256sum(path: &std::path::Path) -> String {
    let out = Command::new("sha256sum").arg(path).output().unwrap();
    String::from_utf8(out.stdout).unwrap()[..64].to_string()
}

fn entries(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|d| d.map(|e| e.unwrap().file_name().into_string().unwrap()).collect())
        .unwrap_or_default();
    names.sort_unstable();
    names
}

/// A release that fails a gate is refused, naming each failed gate and what to change,
/// with nothing left behind; `--accept-risk` writes it, and the manifest records it and
/// lists every file (the report's too) with its sha256.
fn refused_then_accepted(name: &str, raw: &str, cb: &str, seed: &str) -> PathBuf {
    let dir = scratch(name);
    let out = dir.join("release");
    let (raw, cb) = (repo(raw), repo(cb));
    let args = [
        "release",
        raw.to_str().unwrap(),
        "--codebook",
        cb.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--seed",
        seed,
    ];
    let (ok, stdout, stderr) = canvass(&[&args[..], &["--json"]].concat());
    let summary: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let failed: Vec<&str> = summary["report"]["gates"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["passed"] == false)
        .map(|g| g["name"].as_str().unwrap())
        .collect();
    assert_eq!(ok, failed.is_empty(), "{stderr}");
    assert_eq!(summary["passed"], ok);
    assert_eq!(summary["written"], ok);
    if !ok {
        for gate in &failed {
            assert!(stderr.contains(&format!("\n  {gate} (value ")), "{stderr}");
        }
        assert!(stderr.contains("--accept-risk"), "{stderr}");
        assert!(entries(&dir).is_empty(), "{:?}", entries(&dir));
    } else {
        let _ = std::fs::remove_dir_all(&out);
    }

    let (ok, stdout, stderr) = canvass(&[&args[..], &["--accept-risk"]].concat());
    assert!(ok, "{stdout}{stderr}");
    assert!(stdout.contains("quasi-identifier"), "{stdout}");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["synthetic"], true);
    assert_eq!(manifest["seed"].to_string(), seed);
    assert_eq!(manifest["accept_risk"], !failed.is_empty());
    assert_eq!(manifest["metrics"]["passed"], failed.is_empty());
    let files = manifest["files"].as_object().unwrap();
    assert!(!files.contains_key("manifest.json"));
    let mut listed: Vec<String> = files.keys().cloned().collect();
    listed.push("manifest.json".into());
    listed.sort_unstable();
    assert_eq!(entries(&out), listed);
    for needed in ["report.json", "report.md", "responses.tsv", "codebook.json"] {
        assert!(files.contains_key(needed), "{needed}: {listed:?}");
    }
    for (name, entry) in files {
        let bytes = std::fs::read(out.join(name)).unwrap();
        assert_eq!(entry["bytes"].as_u64(), Some(bytes.len() as u64), "{name}");
        assert_eq!(entry["sha256"].as_str().unwrap(), sha256sum(&out.join(name)), "{name}");
    }
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(report["gates"].as_array().unwrap().len(), 4);
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    for gate in &failed {
        assert!(md.contains(&format!("**{gate}: FAILED**")), "{md}");
    }
    // The release opens in the loader, with its codebook.
    let (ok, stdout, stderr) = canvass(&[
        "summary",
        out.join("responses.tsv").to_str().unwrap(),
        "--codebook",
        out.join("codebook.json").to_str().unwrap(),
    ]);
    assert!(ok && !stdout.is_empty(), "{stderr}");
    // No temporary directory is left beside the release.
    assert_eq!(entries(&dir), ["release"]);
    dir
}

#[test]
fn a_release_failing_a_gate_is_refused_unless_the_risk_is_accepted() {
    let dir = refused_then_accepted(
        "numpy",
        "www/data/numpy-2020/responses.tsv",
        "www/data/numpy-2020/codebook.json",
        "3",
    );
    let _ = std::fs::remove_dir_all(&dir);
    let dir = refused_then_accepted(
        "r-community",
        "crates/canvass-synth/tests/data/r-community-survey-2019/responses.tsv",
        "crates/canvass-synth/tests/data/r-community-survey-2019/codebook.json",
        "1",
    );
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
