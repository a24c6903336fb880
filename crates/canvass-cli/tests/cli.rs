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

#[test]
fn summary_json_carries_groups_options_and_warnings() {
    let file = data("layout-kobo-0-1-columns.csv");
    let (ok, stdout, stderr) = canvass(&["summary", file.to_str().unwrap(), "--json"]);
    assert!(ok, "{stderr}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["respondents"], 4);
    assert_eq!(v["encoding"], "utf-8");
    let fruit = v["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == "fruit")
        .unwrap();
    // Counted by hand: rows 1, 2 and 4 select something; row 3 is blank throughout.
    assert_eq!(fruit["kind"], "multi");
    assert_eq!(fruit["options"], serde_json::json!(["apple", "banana", "cherry"]));
    assert_eq!(fruit["answered"], 3);
    assert_eq!(fruit["group"], Value::Null);
    assert_eq!(v["warnings"][0]["line"], 1);
    assert!(v["warnings"][0]["message"]
        .as_str()
        .unwrap()
        .contains("repeats the choices"));
}

#[test]
fn summary_takes_a_codebook_and_a_delimiter() {
    let file = data("codebook-skip-logic.tsv");
    let codebook = data("codebook-skip-logic.json");
    let (ok, stdout, stderr) = canvass(&[
        "summary",
        file.to_str().unwrap(),
        "--codebook",
        codebook.to_str().unwrap(),
        "--json",
    ]);
    assert!(ok, "{stderr}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["delimiter"], "\t");
    assert_eq!(v["header_rows"], 3);
    let kinds = &v["questions"][2];
    assert_eq!(kinds["kind"], "multi");
    assert_eq!(kinds["answered"], 2);

    // Forcing a comma on a tab-separated file gives one column per line, not an error.
    let (ok, stdout, stderr) = canvass(&["summary", file.to_str().unwrap(), "--delimiter", ",", "--json"]);
    assert!(ok, "{stderr}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["delimiter"], ",");

    let (ok, _, stderr) = canvass(&["summary", file.to_str().unwrap(), "--delimiter", "ab"]);
    assert!(!ok);
    assert!(stderr.contains("is not a delimiter"), "{stderr}");
}

#[test]
fn load_errors_name_the_line_and_what_to_do() {
    let file = data("fail-unterminated-quote.csv");
    let (ok, _, stderr) = canvass(&["summary", file.to_str().unwrap(), "--json"]);
    assert!(!ok);
    assert!(
        stderr.contains("line 2, field 2: a quote opens here and is never closed"),
        "{stderr}"
    );
}
