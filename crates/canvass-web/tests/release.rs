//! Every question of the bundled NumPy 2020 release, drawn the way the page draws it:
//! a protected view at the release's k, painted into a canvas. Each chart must paint
//! its bars where its layout says, and a bar chart must show exactly the counts its
//! table shows (a withheld count is neither a bar's number nor a table's).

use canvass_web::Survey;
use serde_json::Value;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

wasm_bindgen_test_configure!(run_in_browser);

const RESPONSES: &[u8] = include_bytes!("../../../www/data/numpy-2020/responses.tsv");
const CODEBOOK: &[u8] = include_bytes!("../../../www/data/numpy-2020/codebook.json");
const RELEASE_K: usize = 10;

fn canvas(width: u32, height: u32) -> HtmlCanvasElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let canvas: HtmlCanvasElement = document.create_element("canvas").unwrap().dyn_into().unwrap();
    canvas.set_width(width);
    canvas.set_height(height);
    canvas
}

fn pixel(canvas: &HtmlCanvasElement, x: f64, y: f64) -> [u8; 3] {
    let ctx: CanvasRenderingContext2d = canvas.get_context("2d").unwrap().unwrap().dyn_into().unwrap();
    let data = ctx.get_image_data(x, y, 1.0, 1.0).unwrap().data();
    [data[0], data[1], data[2]]
}

/// A layout colour, serialised as `"#rrggbb"`.
fn rgb(fill: &Value) -> [u8; 3] {
    let hex = fill.as_str().unwrap();
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).unwrap();
    [byte(1), byte(3), byte(5)]
}

/// `(label, count)` pairs with a shown count, sorted, from a bar chart input.
fn shown_bars(chart: &Value) -> Vec<(String, u64)> {
    let categories = chart["categories"].as_array().unwrap();
    let counts = chart["counts"].as_array().unwrap();
    let mut shown: Vec<(String, u64)> = categories
        .iter()
        .zip(counts)
        .filter_map(|(c, n)| Some((c.as_str()?.to_string(), n.as_f64()?.round() as u64)))
        .collect();
    shown.sort();
    shown
}

/// `(option, count)` pairs with a shown count, sorted, from a frequency table.
fn shown_rows(table: &Value) -> Vec<(String, u64)> {
    let no_rows = Vec::new();
    let mut shown: Vec<(String, u64)> = table["rows"]
        .as_array()
        .unwrap_or(&no_rows)
        .iter()
        .filter_map(|r| Some((r["option"].as_str()?.to_string(), r["count"].as_f64()?.round() as u64)))
        .collect();
    shown.sort();
    shown
}

#[wasm_bindgen_test]
fn every_release_question_draws_at_the_release_k_and_agrees_with_its_table() {
    let survey = Survey::load(RESPONSES, Some(CODEBOOK.to_vec())).unwrap();
    assert_eq!(survey.respondents(), 1236);
    let questions: Value = serde_json::from_str(&survey.questions_json().unwrap()).unwrap();
    let mut kinds_drawn = std::collections::BTreeSet::new();
    let mut bar_charts_checked = 0;
    let mut fully_withheld = 0;
    for question in questions.as_array().unwrap() {
        if !question["chartable"].as_bool().unwrap() || question["answered"].as_u64().unwrap() == 0 {
            continue;
        }
        let id = question["id"].as_str().unwrap();
        // Scales of agreement or satisfaction are also drawn as diverging bars when asked.
        let kinds: &[&str] = if question["kind"] == "ordinal" && question["bipolar"] == true {
            &["", "diverging"]
        } else {
            &[""]
        };
        for chart_kind in kinds {
            let mut spec = serde_json::json!({"question": id, "k": RELEASE_K});
            if !chart_kind.is_empty() {
                spec["chart"] = (*chart_kind).into();
            }
            let spec = spec.to_string();
            let answer: Value = match survey.view_json(&spec) {
                Ok(json) => serde_json::from_str(&json).unwrap(),
                // A question answered by fewer than k is refused as a whole; that is a
                // sentence for the page, not a chart.
                Err(_) => {
                    assert!(
                        question["answered"].as_u64().unwrap() < RELEASE_K as u64,
                        "{id} refused"
                    );
                    continue;
                }
            };
            let chart_json = answer["chart"].to_string();
            let height = canvass_web::chart_height_json(&chart_json, 640).unwrap();
            assert!(height >= 120, "{id}: {height} px tall");
            let canvas = canvas(640, height);
            let layout: Value =
                serde_json::from_str(&canvass_web::draw_chart_json(&chart_json, canvas.clone(), 1.0, false).unwrap())
                    .unwrap();
            let kind = layout["kind"].as_str().unwrap().to_string();
            let mut painted = 0;
            for bar in layout["bars"].as_array().unwrap() {
                let (x, y, w, h) = (
                    bar["x_px"].as_f64().unwrap(),
                    bar["y_px"].as_f64().unwrap(),
                    bar["w_px"].as_f64().unwrap(),
                    bar["h_px"].as_f64().unwrap(),
                );
                if w < 5.0 || h < 5.0 {
                    continue;
                }
                assert_eq!(
                    pixel(&canvas, x + 2.0, y + 2.0),
                    rgb(&bar["fill"]),
                    "{id} ({kind}): {bar}"
                );
                painted += 1;
            }
            if painted == 0 {
                // Only a chart whose every count is withheld (or zero) may be empty.
                let shown = shown_rows(&answer["table"]);
                assert!(
                    shown.iter().all(|(_, n)| *n == 0),
                    "{id} ({kind}): no bar drawn for {shown:?}"
                );
                fully_withheld += 1;
            }
            if let Some(bars) = answer["chart"]["chart"].get("Bars") {
                assert_eq!(shown_bars(bars), shown_rows(&answer["table"]), "{id}");
                bar_charts_checked += 1;
            }
            kinds_drawn.insert(kind);
        }
    }
    // The release has single-choice, multi-select and scale questions (bars), ages
    // (a histogram) and a ranking.
    assert!(bar_charts_checked >= 20, "{bar_charts_checked} bar charts");
    web_sys::console::log_1(
        &format!("{bar_charts_checked} bar charts, {fully_withheld} fully withheld, kinds {kinds_drawn:?}").into(),
    );
    assert!(kinds_drawn.len() >= 4, "{kinds_drawn:?}");
    // Only questions asked of a small subgroup can lose every count.
    assert!(fully_withheld <= 3, "{fully_withheld} charts with every count withheld");
}
