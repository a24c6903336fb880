//! The web crate's glue, run in headless Chromium by wasm-bindgen-test-runner.

use canvass_web::Survey;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

wasm_bindgen_test_configure!(run_in_browser);

const SAMPLE: &[u8] = b"lang,years\nPython,3\nRust,5\nPython,\nPython,10\n";

fn canvas(width: u32, height: u32) -> HtmlCanvasElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let canvas: HtmlCanvasElement = document.create_element("canvas").unwrap().dyn_into().unwrap();
    canvas.set_width(width);
    canvas.set_height(height);
    document.body().unwrap().append_child(&canvas).unwrap();
    canvas
}

#[wasm_bindgen_test]
fn loads_bytes_and_answers_with_json() {
    let survey = Survey::load(SAMPLE).unwrap();
    assert_eq!(survey.respondents(), 4);
    let questions = survey.questions_json().unwrap();
    assert!(
        questions.contains(r#""id":"lang","text":"lang","kind":"single","answered":4"#),
        "{questions}"
    );
    assert!(
        questions.contains(r#""id":"years","text":"years","kind":"numeric","answered":3"#),
        "{questions}"
    );
    let freq = survey.frequencies_json(0, None).unwrap();
    assert!(freq.contains(r#""option":"Python","count":3.0"#), "{freq}");
    let all = survey.frequencies_json(1, Some("all".into())).unwrap();
    assert!(all.contains(r#""base":{"kind":"all","n":4.0}"#), "{all}");
    assert!(survey.frequencies_json(0, Some("everyone".into())).is_err());
}

#[wasm_bindgen_test]
fn load_errors_reach_js_as_sentences() {
    // JsError only converts to a JsValue on wasm; its message is the core's sentence.
    let err = Survey::load(b"only,a,header\n")
        .err()
        .expect("a header-only file is an error");
    let value: wasm_bindgen::JsValue = err.into();
    let message = js_sys::Reflect::get(&value, &"message".into())
        .unwrap()
        .as_string()
        .unwrap();
    assert!(message.contains("no responses"), "{message}");
}

#[wasm_bindgen_test]
fn draws_bars_into_a_canvas() {
    let survey = Survey::load(SAMPLE).unwrap();
    let canvas = canvas(400, 200);
    let layout = survey.draw_frequencies(0, canvas.clone(), 1.0).unwrap();
    let layout: serde_json::Value = serde_json::from_str(&layout).unwrap();
    let ctx: CanvasRenderingContext2d = canvas.get_context("2d").unwrap().unwrap().dyn_into().unwrap();
    let bars = layout["bars"].as_array().unwrap();
    assert_eq!(bars.len(), 2);
    for bar in bars {
        let x = bar["x_px"].as_f64().unwrap() + 2.0;
        let y = bar["y_px"].as_f64().unwrap() + bar["h_px"].as_f64().unwrap() / 2.0;
        let pixel = ctx.get_image_data(x, y, 1.0, 1.0).unwrap().data();
        // Okabe–Ito blue, the bar colour, not the white background.
        assert_eq!(&pixel[..3], &[0x00, 0x72, 0xB2], "at ({x}, {y})");
    }
    // Python (3) is three times as long as Rust (1).
    let w0 = bars[0]["w_px"].as_f64().unwrap();
    let w1 = bars[1]["w_px"].as_f64().unwrap();
    assert!((w0 / w1 - 3.0).abs() < 0.05, "{w0} {w1}");
}
