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
    // --k 0: twelve rows are all below the default threshold.
    let (ok, stdout, stderr) = canvass(&["freq", file.to_str().unwrap(), "@2", "--json", "--k", "0"]);
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
            ("How often do you use NumPy?", "single", 12),
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

fn survey_200() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../canvass-core/tests/data/survey-200.csv")
}

fn json_of(args: &[&str]) -> Value {
    let (ok, stdout, stderr) = canvass(args);
    assert!(ok, "{args:?}: {stderr}");
    serde_json::from_str(&stdout).unwrap()
}

#[test]
fn crosstab_json_has_the_public_shape_and_hand_counted_numbers() {
    let file = data("one-header-row.csv");
    let v = json_of(&["crosstab", file.to_str().unwrap(), "@2", "@3", "--k", "0", "--json"]);
    assert_eq!(
        v["row_labels"],
        serde_json::json!(["Python", "Rust", "Julia", "C++", "C, C++ or Fortran"])
    );
    assert_eq!(
        v["col_labels"],
        serde_json::json!(["Daily", "Weekly", "Monthly", "Rarely"])
    );
    // Counted by hand from the file; R10 has no language and is left out.
    assert_eq!(
        v["counts"],
        serde_json::json!([
            [4.0, 2.0, 0.0, 0.0],
            [1.0, 0.0, 0.0, 1.0],
            [0.0, 0.0, 1.0, 0.0],
            [1.0, 0.0, 0.0, 0.0],
            [0.0, 0.0, 1.0, 0.0]
        ])
    );
    assert_eq!(v["row_totals"], serde_json::json!([6.0, 2.0, 1.0, 1.0, 1.0]));
    assert_eq!(v["col_totals"], serde_json::json!([6.0, 2.0, 2.0, 1.0]));
    assert_eq!(v["total"], 11.0);
    // From tests/data/crosstab_one_header_row.py (scipy's chi2_contingency).
    let chi2 = &v["chi2"];
    assert!((chi2["statistic"].as_f64().unwrap() - 16.80555555555555).abs() < 1e-9);
    assert_eq!(chi2["df"], 12);
    assert!((chi2["p"].as_f64().unwrap() - 0.15705921510446166).abs() < 1e-9);
    assert!((chi2["cramers_v"].as_f64().unwrap() - 0.7136240321480626).abs() < 1e-9);
    assert!(chi2["warning"].as_str().unwrap().contains("below 5"));
}

#[test]
fn default_k_withholds_small_counts_as_nulls() {
    let file = data("one-header-row.csv");
    let v = json_of(&["freq", file.to_str().unwrap(), "@2", "--json"]);
    assert_eq!(v["base"]["n"], 11.0);
    for row in v["rows"].as_array().unwrap() {
        assert!(
            row["count"].is_null() && row["percent"].is_null() && row["ci"].is_null(),
            "{row}"
        );
    }
    let v = json_of(&["crosstab", file.to_str().unwrap(), "@2", "@3", "--json"]);
    assert!(v["counts"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r.as_array().unwrap())
        .all(Value::is_null));
    assert!(v["row_totals"].as_array().unwrap().iter().all(Value::is_null));
    assert!(v["chi2"].is_null());
    assert_eq!(v["total"], 11.0);
}

#[test]
fn small_views_and_differencing_filters_are_refused() {
    let file = data("one-header-row.csv");
    let (ok, _, stderr) = canvass(&["freq", file.to_str().unwrap(), "@2", "--filter", "@3=Daily"]);
    assert!(!ok);
    assert!(
        stderr.contains("fewer than 10 respondents match this filter"),
        "{stderr}"
    );
    // Plan is blank for a handful of the 200: "plan answered" sets them apart.
    let file = survey_200();
    let (ok, _, stderr) = canvass(&[
        "freq",
        file.to_str().unwrap(),
        "region",
        "--filter",
        "plan=Free|Pro|Team",
    ]);
    assert!(!ok);
    assert!(stderr.contains("sets apart fewer than 10"), "{stderr}");
    // --k 0 lifts both.
    let (ok, _, stderr) = canvass(&[
        "freq",
        file.to_str().unwrap(),
        "region",
        "--filter",
        "plan=Free|Pro|Team",
        "--k",
        "0",
    ]);
    assert!(ok, "{stderr}");
}

#[test]
fn filters_weights_and_bad_input_through_the_command_line() {
    let file = survey_200();
    let f = file.to_str().unwrap();
    // Hand-checkable: region=North keeps exactly the 81 North respondents.
    let v = json_of(&["freq", f, "region", "--filter", "region=North", "--json"]);
    assert_eq!(v["respondents"], 81);
    assert_eq!(v["rows"][0]["count"], 81.0);
    let v = json_of(&["freq", f, "region", "--weight", "weight", "--json"]);
    assert_eq!(v["weighted"], true);
    assert!(v["effective_n"].as_f64().unwrap() < 200.0);
    let v = json_of(&["freq", f, "age", "--json"]);
    assert_eq!(v["bins"]["rule"], "decades");
    assert!(v["summary"]["median"].is_number());
    for (args, needle) in [
        (
            vec!["freq", f, "region", "--filter", "region=Nowhere"],
            "no option \"Nowhere\"",
        ),
        (
            vec!["freq", f, "region", "--filter", "region>3"],
            "needs a numeric question",
        ),
        (
            vec!["freq", f, "region", "--filter", "nosuch=1"],
            "no question \"nosuch\"",
        ),
        (
            vec!["freq", f, "region", "--weight", "region"],
            "a weight must be numeric",
        ),
        (vec!["crosstab", f, "region", "age"], "categorical or multi-select"),
        (vec!["freq", f, "age", "--bin-width", "0"], "positive number"),
        (vec!["freq", f, "region", "--percent-of", "selections"], "multi-select"),
    ] {
        let (ok, _, stderr) = canvass(&args);
        assert!(!ok, "{args:?}");
        assert!(
            stderr.starts_with("canvass: ") && stderr.contains(needle),
            "{args:?}: {stderr}"
        );
    }
}
