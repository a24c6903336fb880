//! The loader compiled to WebAssembly reads the same authored files as the native
//! tests (`crates/canvass-core/tests/formats.rs`) and reaches the same answers; the
//! expected values are the hand counts written there.

use canvass_web::Survey;
use serde_json::Value;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// `(id, kind, answered)` of every question, from the handle's JSON.
fn questions(survey: &Survey) -> Vec<(String, String, u64)> {
    let json: Value = serde_json::from_str(&survey.questions_json().unwrap()).unwrap();
    json.as_array()
        .unwrap()
        .iter()
        .map(|q| {
            (
                q["id"].as_str().unwrap().to_string(),
                q["kind"].as_str().unwrap().to_string(),
                q["answered"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn owned(expect: &[(&str, &str, u64)]) -> Vec<(String, String, u64)> {
    expect
        .iter()
        .map(|&(i, k, n)| (i.to_string(), k.to_string(), n))
        .collect()
}

#[wasm_bindgen_test]
fn utf16_without_a_bom_reads_as_in_the_native_build() {
    let survey = Survey::load(include_bytes!("../../../tests/data/encoding-utf16be-no-bom.csv"), None).unwrap();
    assert_eq!(survey.respondents(), 2);
    assert_eq!(
        questions(&survey),
        owned(&[("Pays", "single", 2), ("Réponse", "single", 2)])
    );
    let report: Value = serde_json::from_str(&survey.load_report_json().unwrap()).unwrap();
    assert_eq!(report["encoding"], "utf-16be");
}

#[wasm_bindgen_test]
fn qualtrics_three_rows_with_a_ranking() {
    let survey = Survey::load(include_bytes!("../../../tests/data/layout-qualtrics-3-rows.csv"), None).unwrap();
    assert_eq!(survey.respondents(), 5);
    assert_eq!(
        questions(&survey),
        owned(&[
            ("StartDate", "datetime", 5),
            ("EndDate", "datetime", 5),
            ("ResponseId", "identifier", 5),
            ("Q1", "ordinal", 4),
            ("Q2", "multi", 5),
            ("Q3_1", "rank", 4),
            ("Q3_2", "rank", 4),
            ("Q3_3", "rank", 4),
            ("Q4", "text", 2),
        ])
    );
}

#[wasm_bindgen_test]
fn google_forms_grid_and_multi_select() {
    let survey = Survey::load(include_bytes!("../../../tests/data/layout-google-forms.csv"), None).unwrap();
    assert_eq!(
        questions(&survey),
        owned(&[
            ("Timestamp", "datetime", 5),
            ("Email Address", "identifier", 5),
            ("Which languages do you use?", "multi", 5),
            ("How do you rate the docs? [Reference]", "grid", 5),
            ("How do you rate the docs? [Tutorials]", "grid", 4),
            ("How do you rate the docs? [Examples]", "grid", 5),
            ("How many years have you used Python?", "ordinal", 4),
            ("Any other comments?", "text", 3),
        ])
    );
}

#[wasm_bindgen_test]
fn an_unterminated_quote_reaches_js_as_its_sentence() {
    let err = Survey::load(include_bytes!("../../../tests/data/fail-unterminated-quote.csv"), None)
        .err()
        .expect("an unterminated quote is an error");
    let value: wasm_bindgen::JsValue = err.into();
    let message = js_sys::Reflect::get(&value, &"message".into())
        .unwrap()
        .as_string()
        .unwrap();
    assert!(message.starts_with("line 2, field 2: a quote opens here"), "{message}");
}
