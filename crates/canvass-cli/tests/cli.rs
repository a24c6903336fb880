//! The `canvass` binary as scripts use it: exit codes, JSON shapes, error sentences.

use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data")
        .join(name)
}

fn canvass(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_canvass")).args(args).output().unwrap();
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn freq_json_has_the_public_shape_and_hand_counted_numbers() {
    let file = data("one-header-row.csv");
    let (ok, stdout, stderr) = canvass(&["freq", file.to_str().unwrap(), "@2", "--json"]);
    assert!(ok, "{stderr}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["question"], "Which language do you use most?");
    assert_eq!(v["base"]["kind"], "answered");
    assert_eq!(v["base"]["n"], 11.0);
    let rows: Vec<(String, f64)> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["option"].as_str().unwrap().to_string(), r["count"].as_f64().unwrap()))
        .collect();
    // Counted by hand from the twelve rows of the file.
    assert_eq!(
        rows,
        [
            ("Python".into(), 6.0),
            ("Rust".into(), 2.0),
            ("Julia".into(), 1.0),
            ("C++".into(), 1.0),
            ("C, C++ or Fortran".into(), 1.0)
        ]
    );
    let python = &v["rows"][0];
    assert!((python["percent"].as_f64().unwrap() - 600.0 / 11.0).abs() < 1e-9);
    let ci = python["ci"].as_array().unwrap();
    assert!(ci[0].as_f64().unwrap() < 54.5 && ci[1].as_f64().unwrap() > 54.6);
}

#[test]
fn summary_json_lists_kinds_and_answer_counts() {
    let file = data("one-header-row.csv");
    let (ok, stdout, stderr) = canvass(&["summary", file.to_str().unwrap(), "--json"]);
    assert!(ok, "{stderr}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["respondents"], 12);
    assert_eq!(v["delimiter"], ",");
    assert_eq!(v["header_rows"], 1);
    let kinds: Vec<(&str, &str, u64)> = v["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            (
                q["id"].as_str().unwrap(),
                q["kind"].as_str().unwrap(),
                q["answered"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("Response ID", "identifier", 12),
            ("Which language do you use most?", "single", 11),
            // Daily/Weekly/Monthly/Rarely lie on a frequency scale.
            ("How often do you use NumPy?", "ordinal", 12),
            ("Age", "numeric", 11),
        ]
    );
}

#[test]
fn unknown_questions_and_unreadable_files_are_sentences_not_panics() {
    let file = data("one-header-row.csv");
    let (ok, _, stderr) = canvass(&["freq", file.to_str().unwrap(), "@99"]);
    assert!(!ok);
    assert!(
        stderr.contains("no question \"@99\"") && stderr.contains("canvass summary"),
        "{stderr}"
    );
    let (ok, _, stderr) = canvass(&["summary", "/no/such/file.csv"]);
    assert!(!ok);
    assert!(stderr.starts_with("canvass: cannot read /no/such/file.csv"), "{stderr}");
}
