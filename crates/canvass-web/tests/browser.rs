//! The web crate's glue, run in headless Chromium by wasm-bindgen-test-runner.

use canvass_web::Survey;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

wasm_bindgen_test_configure!(run_in_browser);

const SAMPLE: &[u8] = b"lang,years\nPython,3\nRust,15\nPython,\nPython,40\n";

/// A codebook for SAMPLE: wording, sections and the options' order.
const SAMPLE_CODEBOOK: &[u8] = br#"{"format": "canvass-codebook/1", "title": "t", "questions": [
    {"id": "lang", "text": "Which language?", "kind": "single", "section": "usage", "options": ["Rust", "Python"]},
    {"id": "years", "text": "Years", "kind": "numeric", "section": "demographics", "numeric": {"min": 0, "max": 80}}]}"#;

fn canvas(width: u32, height: u32) -> HtmlCanvasElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let canvas: HtmlCanvasElement = document.create_element("canvas").unwrap().dyn_into().unwrap();
    canvas.set_width(width);
    canvas.set_height(height);
    document.body().unwrap().append_child(&canvas).unwrap();
    canvas
}

/// The message of an error as JS sees it.
fn message_of(err: wasm_bindgen::JsError) -> String {
    let value: wasm_bindgen::JsValue = err.into();
    js_sys::Reflect::get(&value, &"message".into())
        .unwrap()
        .as_string()
        .unwrap()
}

#[wasm_bindgen_test]
fn loads_bytes_and_answers_with_json() {
    let survey = Survey::load(SAMPLE, None).unwrap();
    assert_eq!(survey.respondents(), 4);
    let questions: serde_json::Value = serde_json::from_str(&survey.questions_json().unwrap()).unwrap();
    assert_eq!(questions[0]["id"], "lang");
    assert_eq!(questions[0]["kind"], "single");
    assert_eq!(questions[0]["answered"], 4);
    assert_eq!(questions[0]["options"], serde_json::json!(["Python", "Rust"]));
    assert_eq!(questions[1]["id"], "years");
    assert_eq!(questions[1]["kind"], "numeric");
    assert_eq!(questions[1]["answered"], 3);
    let view = |spec: &str| -> serde_json::Value { serde_json::from_str(&survey.view_json(spec).unwrap()).unwrap() };
    let freq = view(r#"{"question": "@1", "k": 0}"#);
    assert_eq!(freq["table"]["rows"][0]["option"], "Python");
    assert_eq!(freq["table"]["rows"][0]["count"], 3.0);
    let all = view(r#"{"question": "@2", "base": "all", "k": 0}"#);
    assert_eq!(all["table"]["base"], serde_json::json!({"kind": "all", "n": 4.0}));
    assert!(survey.view_json(r#"{"question": "@1", "base": "everyone"}"#).is_err());
    // With the default k of 10, four respondents are too few to show anything.
    assert!(
        survey.view_json(r#"{"question": "@1"}"#).is_err() || {
            let shown = view(r#"{"question": "@1"}"#);
            shown["table"]["rows"]
                .as_array()
                .unwrap()
                .iter()
                .all(|r| r["count"].is_null())
        }
    );
}

#[wasm_bindgen_test]
fn a_codebook_sets_sections_and_a_broken_one_is_refused() {
    let survey = Survey::load(SAMPLE, Some(SAMPLE_CODEBOOK.to_vec())).unwrap();
    let questions: serde_json::Value = serde_json::from_str(&survey.questions_json().unwrap()).unwrap();
    assert_eq!(questions[0]["section"], "usage");
    assert_eq!(questions[0]["text"], "Which language?");
    assert_eq!(questions[0]["options"], serde_json::json!(["Rust", "Python"]));
    let err = Survey::load(SAMPLE, Some(b"{not json".to_vec()))
        .err()
        .expect("a broken codebook is an error");
    let message = message_of(err);
    assert!(message.starts_with("codebook: "), "{message}");
}

/// A worker hands a small survey to the page as a snapshot: read back with the digests
/// it was labelled with, it answers as the survey read from the file, codebook sections
/// included; with other digests it is refused as stale.
#[wasm_bindgen_test]
fn a_survey_handed_over_as_a_snapshot_answers_alike() {
    let read = Survey::load(SAMPLE, Some(SAMPLE_CODEBOOK.to_vec())).unwrap();
    let snapshot = read.snapshot("aa".repeat(32), Some("bb".repeat(32))).unwrap();
    let moved = Survey::from_snapshot(&snapshot, &"aa".repeat(32), Some("bb".repeat(32))).unwrap();
    assert_eq!(moved.respondents(), read.respondents());
    assert_eq!(moved.questions_json().unwrap(), read.questions_json().unwrap());
    for spec in [
        r#"{"question": "@1", "k": 0}"#,
        r#"{"question": "@2", "base": "all", "k": 0}"#,
        r#"{"question": "@1", "by": "@2", "k": 0, "csv": true}"#,
    ] {
        assert_eq!(moved.view_json(spec).unwrap(), read.view_json(spec).unwrap(), "{spec}");
    }
    let stale = Survey::from_snapshot(&snapshot, &"aa".repeat(32), None)
        .err()
        .expect("a snapshot of other files is refused");
    let message = message_of(stale);
    assert!(message.contains("snapshot"), "{message}");
}

#[wasm_bindgen_test]
fn load_errors_reach_js_as_sentences() {
    // JsError only converts to a JsValue on wasm; its message is the core's sentence.
    let err = Survey::load(b"only,a,header\n", None)
        .err()
        .expect("a header-only file is an error");
    let message = message_of(err);
    assert!(message.contains("no responses"), "{message}");
}

/// The colour of the pixel at (`x`, `y`) of `canvas`.
fn pixel(canvas: &HtmlCanvasElement, x: f64, y: f64) -> [u8; 3] {
    let ctx: CanvasRenderingContext2d = canvas.get_context("2d").unwrap().unwrap().dyn_into().unwrap();
    let data = ctx.get_image_data(x, y, 1.0, 1.0).unwrap().data();
    [data[0], data[1], data[2]]
}

fn hex(colour: &str) -> [u8; 3] {
    let byte = |i: usize| u8::from_str_radix(&colour[i..i + 2], 16).unwrap();
    [byte(1), byte(3), byte(5)]
}

#[wasm_bindgen_test]
fn draws_bars_into_a_canvas() {
    let survey = Survey::load(SAMPLE, None).unwrap();
    let canvas = canvas(400, 240);
    let answer: serde_json::Value =
        serde_json::from_str(&survey.view_json(r#"{"question": "@1", "k": 0}"#).unwrap()).unwrap();
    let layout = canvass_web::draw_chart_json(&answer["chart"].to_string(), canvas.clone(), 1.0, false).unwrap();
    let layout: serde_json::Value = serde_json::from_str(&layout).unwrap();
    let bars = layout["bars"].as_array().unwrap();
    assert_eq!(bars.len(), 2);
    for bar in bars {
        // Near the top-left corner: clear of the whisker through the bar's middle.
        let x = bar["x_px"].as_f64().unwrap() + 2.0;
        let y = bar["y_px"].as_f64().unwrap() + 2.0;
        // Okabe–Ito blue, the bar colour, not the white background.
        assert_eq!(pixel(&canvas, x, y), [0x00, 0x72, 0xB2], "at ({x}, {y})");
    }
    // Python (3) is three times as long as Rust (1).
    let w0 = bars[0]["w_px"].as_f64().unwrap();
    let w1 = bars[1]["w_px"].as_f64().unwrap();
    assert!((w0 / w1 - 3.0).abs() < 0.05, "{w0} {w1}");
}

#[wasm_bindgen_test]
fn every_chart_kind_paints_its_bars_where_the_layout_says() {
    for dark in [false, true] {
        for (name, chart, footnote) in canvass_core::chart::samples::all() {
            let canvas = canvas(640, 420);
            let layout = canvass_web::draw_on_canvas(canvas.clone(), &chart, &footnote, 1.0, dark).unwrap();
            assert_eq!(layout.kind, chart.kind_name());
            let mut checked = 0;
            for bar in layout.bars.iter().filter(|b| b.w_px >= 5 && b.h_px >= 5) {
                let (x, y) = ((bar.x_px + 2) as f64, (bar.y_px + 2) as f64);
                let want = hex(&bar.fill.hex());
                assert_eq!(pixel(&canvas, x, y), want, "{name} dark={dark}: {bar:?}");
                checked += 1;
            }
            assert!(checked >= 3, "{name}: only {checked} bars to check");
            // Outside the plot, in the page margin, is background.
            let bg = hex(&layout.background.hex());
            assert_eq!(pixel(&canvas, 3.0, 3.0), bg, "{name}");
        }
    }
}

#[wasm_bindgen_test]
fn preferred_height_grows_with_the_number_of_answers() {
    let many: String = std::iter::once("q\n".to_string())
        .chain((0..120).map(|i| format!("answer {}\n", i % 40)))
        .collect();
    let few = Survey::load(SAMPLE, None).unwrap();
    let many = Survey::load(many.as_bytes(), None).unwrap();
    let height = |survey: &Survey| {
        let answer: serde_json::Value =
            serde_json::from_str(&survey.view_json(r#"{"question": "@1", "k": 0}"#).unwrap()).unwrap();
        canvass_web::chart_height_json(&answer["chart"].to_string(), 640).unwrap()
    };
    assert!(height(&many) > height(&few));
    let err = few
        .view_json(r#"{"question": "@1", "chart": "pie", "k": 0}"#)
        .expect_err("no pie charts");
    let message = message_of(err);
    assert!(message.contains("pie"), "{message}");
}

/// Who uses which language how often, counted by hand: Python daily 3, weekly 1; Rust
/// daily 1, weekly 3. The frequencies are a known scale, so Weekly comes before Daily.
const PAIRS: &[u8] = b"lang,freq\nPython,Daily\nPython,Daily\nPython,Daily\nPython,Weekly\nRust,Daily\nRust,Weekly\nRust,Weekly\nRust,Weekly\n";

#[wasm_bindgen_test]
fn a_crosstab_view_answers_its_shown_table_csv_and_svg() {
    let survey = Survey::load(PAIRS, None).unwrap();
    let answer: serde_json::Value = serde_json::from_str(
        &survey
            .view_json(r#"{"question": "@1", "by": "@2", "percent": "col", "k": 0, "csv": true, "release": {"name": "Pairs", "synthetic": true}}"#)
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        answer["crosstab"]["counts"],
        serde_json::json!([[1.0, 3.0], [3.0, 1.0]])
    );
    assert_eq!(answer["shown"]["heading"], "Percent of each column");
    assert_eq!(answer["shown"]["col_labels"], serde_json::json!(["Weekly", "Daily"]));
    assert_eq!(answer["shown"]["cells"][0][1]["value"], 75.0);
    assert_eq!(answer["shown"]["cells"][1][0]["value"], 75.0);
    let csv = answer["csv"].as_str().unwrap();
    assert!(csv.starts_with("Dataset,Pairs\r\n"), "{csv}");
    assert!(csv.contains("\r\nPython,25.0,75.0,50.0\r\n"), "{csv}");
    let chart = answer["chart"].to_string();
    let svg = canvass_web::chart_svg(&chart, 640, false).unwrap();
    assert!(svg.starts_with("<svg"), "{svg}");
    assert!(svg.contains("SYNTHETIC DATA") && svg.contains("75%"), "{svg}");
    // A bar chart of one question cannot be asked of a crosstab.
    assert!(survey
        .view_json(r#"{"question": "@1", "by": "@2", "chart": "bar", "k": 0}"#)
        .is_err());
}

/// The hash the page writes for a state, by the hash syntax of `view_state.rs`; the
/// JSON is what `parseViewState` answers and `state.js` sends back.
#[wasm_bindgen_test]
fn a_view_state_reads_back_as_its_hash() {
    let state = r#"{"dataset":"numpy-2020@1.0.0","view":"question","question":"Q2","by":"Q5",
        "filters":["Q3=Yes"],"base":"asked","percent":"column","intervals":true,"chart":"heatmap"}"#;
    assert_eq!(
        canvass_web::view_state_hash(state).map_err(|_| "refused").unwrap(),
        "#d=numpy-2020%401.0.0&view=question&q=Q2&by=Q5&f=Q3%3DYes&base=asked&pct=col&ci=1&kind=heatmap"
    );
    let defaults = canvass_web::view_state_hash(r#"{"view":"overview","by":null}"#);
    assert_eq!(defaults.map_err(|_| "refused").unwrap(), "#");
    assert!(canvass_web::view_state_hash(r#"{"base":"some"}"#).is_err());
}
