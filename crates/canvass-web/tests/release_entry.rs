//! The release module's entry as the release worker calls it, in a browser: the
//! bundled NumPy 2020 responses read into an `InputBuffer`, roles suggested, a release
//! made and scored. Its files must load back with the core's loader, report.json must
//! carry a verdict for every gate, and the side-by-side tables must hold the raw
//! file's own percentages.

use canvass_core::freq::{frequencies, BaseKind};
use canvass_core::{load, LoadOptions};
use canvass_web::{InputBuffer, RawRelease};
use serde_json::Value;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const RESPONSES: &[u8] = include_bytes!("../../../www/data/numpy-2020/responses.tsv");
const CODEBOOK: &[u8] = include_bytes!("../../../www/data/numpy-2020/codebook.json");

fn read(bytes: &[u8], codebook: Option<&[u8]>) -> RawRelease {
    let mut input = InputBuffer::new(bytes.len()).unwrap();
    input.view().copy_from(bytes);
    let progress = js_sys::Function::new_no_args("");
    RawRelease::read(input, codebook.map(<[u8]>::to_vec), &progress).unwrap_or_else(|_| panic!("the raw file reads"))
}

#[wasm_bindgen_test]
fn columns_come_with_a_role_and_a_reason() {
    let raw = read(RESPONSES, Some(CODEBOOK));
    let columns: Value = serde_json::from_str(&raw.columns_json(5).unwrap()).unwrap();
    let loaded = load(
        RESPONSES,
        &LoadOptions {
            codebook: Some(canvass_core::codebook::parse_codebook(CODEBOOK).unwrap()),
            ..LoadOptions::default()
        },
    )
    .unwrap();
    assert_eq!(columns["respondents"], loaded.dataset.n_rows());
    let cols = columns["columns"].as_array().unwrap();
    assert_eq!(cols.len(), loaded.dataset.questions().len());
    let roles = ["identifying", "free_text", "quasi", "answer", "withheld"];
    for c in cols {
        assert!(roles.contains(&c["role"].as_str().unwrap()), "{c}");
        assert!(!c["reason"].as_str().unwrap().is_empty(), "{c}");
    }
    // Free-text questions of the survey are never suggested for release.
    for (q, c) in loaded.dataset.questions().iter().zip(cols) {
        assert_eq!(c["id"], q.id.as_str());
        if q.kind == canvass_core::QuestionKind::Text {
            assert_eq!(c["released"], false, "{c}");
        }
    }
    assert!(cols.iter().any(|c| c["role"] == "quasi"), "the demographics are found");
}

#[wasm_bindgen_test]
fn a_release_is_made_scored_and_loads_back() {
    let raw = read(RESPONSES, Some(CODEBOOK));
    let seen = js_sys::Array::new();
    let progress = js_sys::Function::new_with_args("phase, done, total", "this.push([phase, done, total]);");
    let progress = progress.bind0(&seen);
    let request = r#"{"seed": 7, "rows": 300, "min_leaf": 5, "disjoint": false, "accept_risk": false, "quasi": null}"#;
    let made = raw
        .make(request, &progress)
        .unwrap_or_else(|_| panic!("the release is made"));
    // One count from 0 to its total across synthesis and scoring, never backwards.
    let calls: Vec<(String, f64, f64)> = seen
        .iter()
        .map(|c| {
            let c = js_sys::Array::from(&c);
            (
                c.get(0).as_string().unwrap(),
                c.get(1).as_f64().unwrap(),
                c.get(2).as_f64().unwrap(),
            )
        })
        .collect();
    assert!(calls.iter().all(|c| c.0 == "making" && c.2 == calls[0].2), "{calls:?}");
    assert_eq!(calls.first().map(|c| c.1), Some(0.0));
    assert_eq!(calls.last().map(|c| c.1), Some(calls[0].2));
    assert!(calls.windows(2).all(|w| w[0].1 <= w[1].1), "{calls:?}");

    let names: Vec<String> = serde_json::from_str(&made.names_json().unwrap()).unwrap();
    for needed in [
        "responses.tsv",
        "codebook.json",
        "manifest.json",
        "report.json",
        "report.md",
    ] {
        assert!(names.iter().any(|n| n == needed), "{needed} missing from {names:?}");
    }
    let file = |name: &str| made.file(names.iter().position(|n| n == name).unwrap()).unwrap();
    let codebook = canvass_core::codebook::parse_codebook(&file("codebook.json")).unwrap();
    let synthetic = load(
        &file("responses.tsv"),
        &LoadOptions {
            codebook: Some(codebook),
            ..LoadOptions::default()
        },
    )
    .unwrap_or_else(|e| panic!("responses.tsv loads back: {e}"));
    assert_eq!(synthetic.dataset.n_rows(), 300);
    // The manifest lists every other file, the report's included, and its figures
    // are the report's.
    let manifest: Value = serde_json::from_slice(&file("manifest.json")).unwrap();
    let listed = manifest["files"].as_object().unwrap();
    assert_eq!(listed.len(), names.len() - 1, "{names:?}");
    for name in names.iter().filter(|n| *n != "manifest.json") {
        assert_eq!(
            listed[name.as_str()]["bytes"].as_u64(),
            Some(file(name).len() as u64),
            "{name}"
        );
    }
    assert_eq!(file("report.json"), made.report_json().into_bytes());

    let report: Value = serde_json::from_str(&made.report_json()).unwrap();
    let gates = report["gates"].as_array().unwrap();
    assert!(gates.len() >= 4, "{gates:?}");
    for g in gates {
        assert!(g["passed"].is_boolean() && g["meaning"].is_string(), "{g}");
    }
    assert_eq!(manifest["metrics"]["gates"].as_array().unwrap().len(), gates.len());
    assert_eq!(manifest["accept_risk"], false);

    // The raw column of each table is the raw file's own frequencies.
    let compare: Value = serde_json::from_str(&made.compare_json()).unwrap();
    let raw_ds = load(
        RESPONSES,
        &LoadOptions {
            codebook: Some(canvass_core::codebook::parse_codebook(CODEBOOK).unwrap()),
            ..LoadOptions::default()
        },
    )
    .unwrap()
    .dataset;
    let compared = compare.as_array().unwrap();
    assert!(!compared.is_empty());
    for q in compared {
        let idx = raw_ds
            .questions()
            .iter()
            .position(|r| r.id == q["id"].as_str().unwrap())
            .unwrap();
        let f = frequencies(&raw_ds, idx, BaseKind::Answered).unwrap();
        assert_eq!(q["raw_n"].as_f64().unwrap(), f.base.n);
        for r in &f.rows {
            let row = q["rows"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["answer"] == r.option.as_str())
                .unwrap();
            // Through JSON text, a float may come back one unit in the last place off.
            let shown = row["raw_percent"].as_f64();
            let close = match (shown, r.percent) {
                (Some(a), Some(b)) => (a - b).abs() < 1e-9,
                (a, b) => a == b,
            };
            assert!(close, "{}: {}: {shown:?} against {:?}", q["id"], r.option, r.percent);
        }
    }
}

#[wasm_bindgen_test]
fn bad_requests_are_sentences() {
    let raw = read(RESPONSES, Some(CODEBOOK));
    let progress = js_sys::Function::new_no_args("");
    let request = r#"{"seed": 1, "rows": 100, "min_leaf": 5, "disjoint": false, "accept_risk": false, "quasi": ["no-such-question"]}"#;
    let err = raw
        .make(request, &progress)
        .err()
        .expect("an unknown quasi-identifier is refused");
    let message = wasm_bindgen::JsValue::from(err);
    let text = js_sys::Reflect::get(&message, &"message".into())
        .unwrap()
        .as_string()
        .unwrap();
    assert!(text.contains("no-such-question"), "{text}");
    assert!(raw.make("{", &progress).is_err());
}

#[wasm_bindgen_test]
fn a_disjoint_release_has_two_files_and_says_which_holds_each_question() {
    let raw = read(RESPONSES, Some(CODEBOOK));
    let progress = js_sys::Function::new_no_args("");
    let request = r#"{"seed": 3, "rows": 200, "min_leaf": 5, "disjoint": true, "accept_risk": false, "quasi": null}"#;
    let made = raw
        .make(request, &progress)
        .unwrap_or_else(|_| panic!("the release is made"));
    let names: Vec<String> = serde_json::from_str(&made.names_json().unwrap()).unwrap();
    assert!(names.iter().any(|n| n == "demographics.tsv"), "{names:?}");
    assert!(names.iter().any(|n| n == "answers.tsv"), "{names:?}");
    assert!(!names.iter().any(|n| n == "responses.tsv"), "{names:?}");
    let compare: Value = serde_json::from_str(&made.compare_json()).unwrap();
    let files: Vec<&str> = compare
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|q| q["file"].as_str())
        .collect();
    assert_eq!(
        files.len(),
        compare.as_array().unwrap().len(),
        "every question names its file"
    );
    assert!(files.contains(&"demographics.tsv") && files.contains(&"answers.tsv"));
}
