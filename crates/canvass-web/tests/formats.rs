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

/// The message of a load error as JS sees it.
fn error_message(bytes: &[u8]) -> String {
    let err = Survey::load(bytes, None).err().expect("the file is refused");
    let value: wasm_bindgen::JsValue = err.into();
    js_sys::Reflect::get(&value, &"message".into())
        .unwrap()
        .as_string()
        .unwrap()
}

/// `(line, message)` of every load warning.
fn warnings(survey: &Survey) -> Vec<(u64, String)> {
    let report: Value = serde_json::from_str(&survey.load_report_json().unwrap()).unwrap();
    report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| (w["line"].as_u64().unwrap(), w["message"].as_str().unwrap().to_string()))
        .collect()
}

/// `options` of question `idx`, from the handle's JSON.
fn options(survey: &Survey, idx: usize) -> Vec<String> {
    let json: Value = serde_json::from_str(&survey.questions_json().unwrap()).unwrap();
    json[idx]["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o.as_str().unwrap().to_string())
        .collect()
}

// The small files of the broken-input battery (`crates/canvass-core/tests/battery.rs`
// holds the hand-derived outcomes) reach the same outcome in the wasm build.

#[wasm_bindgen_test]
fn battery_refusals_are_the_native_sentences() {
    assert!(
        error_message(include_bytes!("../../../tests/data/fail-empty.csv")).starts_with("line 1: the file is empty")
    );
    assert!(error_message(include_bytes!("../../../tests/data/fail-bom-only.csv"))
        .starts_with("line 1: the file holds only a UTF-8 byte-order mark"));
    assert!(
        error_message(include_bytes!("../../../tests/data/fail-header-only.csv"))
            .starts_with("line 2: the file ends after its 1 header row")
    );
    assert!(error_message(include_bytes!("../../../tests/data/fail-binary-nul.csv"))
        .starts_with("line 2: this is not survey text but binary data (a NUL byte)"));
}

#[wasm_bindgen_test]
fn battery_messy_files_are_shown_with_their_warnings() {
    let survey = Survey::load(include_bytes!("../../../tests/data/messy-ragged-rows.csv"), None).unwrap();
    assert_eq!(survey.respondents(), 5);
    let lines: Vec<u64> = warnings(&survey).iter().map(|w| w.0).collect();
    assert_eq!(lines, [3, 4, 5, 6]);

    let survey = Survey::load(include_bytes!("../../../tests/data/battery-backslash-quotes.csv"), None).unwrap();
    assert_eq!(options(&survey, 0), ["say \\hi\\\"\"", "plain"]);
    assert_eq!(warnings(&survey)[0].0, 2);

    let survey = Survey::load(
        include_bytes!("../../../tests/data/battery-blank-whitespace-lines.csv"),
        None,
    )
    .unwrap();
    assert_eq!(survey.respondents(), 3);
    assert_eq!(
        warnings(&survey),
        [(2, "4 blank lines were skipped, the first here".to_string())]
    );

    let survey = Survey::load(
        include_bytes!("../../../tests/data/battery-duplicate-empty-headers.csv"),
        None,
    )
    .unwrap();
    assert_eq!(
        questions(&survey),
        owned(&[
            ("lang", "single", 2),
            ("lang (2)", "single", 2),
            ("column_3", "single", 2),
            ("level", "single", 2),
            ("column_5", "numeric", 2),
        ])
    );
    assert_eq!(warnings(&survey).len(), 3);

    let survey = Survey::load(
        include_bytes!("../../../tests/data/battery-control-characters.csv"),
        None,
    )
    .unwrap();
    assert_eq!(options(&survey, 1), ["ok\u{FFFD}\u{FFFD}[31m", "bell\u{FFFD}\u{FFFD}"]);

    let survey = Survey::load(
        include_bytes!("../../../tests/data/battery-invalid-utf8-middle.csv"),
        None,
    )
    .unwrap();
    assert_eq!(options(&survey, 1), ["café", "bad \u{FFFD} byte", "naïve"]);
    assert_eq!(warnings(&survey)[0].0, 3);

    let survey = Survey::load(include_bytes!("../../../tests/data/battery-utf16le-no-bom.csv"), None).unwrap();
    assert_eq!(options(&survey, 1), ["France", "Deutschland"]);
}

#[wasm_bindgen_test]
fn battery_hostile_labels_cross_into_js_unchanged() {
    let survey = Survey::load(include_bytes!("../../../tests/data/battery-hostile-labels.csv"), None).unwrap();
    let json: Value = serde_json::from_str(&survey.questions_json().unwrap()).unwrap();
    let ids: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["<b>Lang</b>", "__proto__", "constructor", "=SUM(A1:A9)", "dir"]);
    assert_eq!(
        options(&survey, 0),
        ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "plain"]
    );
    assert_eq!(options(&survey, 1), ["__proto__", "constructor", "prototype"]);
    assert_eq!(
        options(&survey, 4),
        ["abc\u{202E}dcba", "zero\u{200B}width", "zerowidth"]
    );
    assert_eq!(warnings(&survey)[0].0, 1);
}

#[wasm_bindgen_test]
fn identifying_columns_are_flagged_in_the_questions_list() {
    let survey = Survey::load(
        include_bytes!("../../../tests/data/layout-qualtrics-identifying.csv"),
        None,
    )
    .unwrap();
    let json: Value = serde_json::from_str(&survey.questions_json().unwrap()).unwrap();
    let flags: Vec<(&str, bool, bool)> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            (
                q["id"].as_str().unwrap(),
                q["identifying"].as_bool().unwrap(),
                q["chartable"].as_bool().unwrap(),
            )
        })
        .collect();
    // The hand-read flags of `crates/canvass-core/tests/identifying.rs`.
    assert_eq!(
        flags,
        [
            ("StartDate", false, false),
            ("IPAddress", true, false),
            ("ResponseId", true, false),
            ("RecipientLastName", true, false),
            ("RecipientFirstName", true, false),
            ("RecipientEmail", true, false),
            ("LocationLatitude", true, false),
            ("LocationLongitude", true, false),
            ("Q1", false, true),
            ("Q2", false, true),
            ("Q3", true, false),
            ("Q4", true, false),
        ]
    );
    assert_eq!(warnings(&survey).len(), 1);
}
