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

fn out_path(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("canvass-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// The layout the CLI draws for question `q` of the test file at `width` × `height`.
fn expected_layout(q: &str, width: i32, height: i32) -> canvass_core::chart::ChartLayout {
    use canvass_core::chart::{adapt::chart_for_question, layout, ChartStyle};
    let file = data("one-header-row.csv");
    let loaded = canvass_core::load(&std::fs::read(&file).unwrap(), &Default::default()).unwrap();
    let idx = loaded.dataset.find(q).unwrap();
    let (chart, mut footnote) = chart_for_question(&loaded.dataset, idx, None).unwrap();
    footnote.dataset = Some("one-header-row.csv".into());
    layout(&chart, &footnote, width, height, &ChartStyle::bitmap())
}

#[test]
fn chart_writes_a_png_with_bars_where_the_layout_puts_them() {
    let file = data("one-header-row.csv");
    let png = out_path("language.png");
    let (ok, _, stderr) = canvass(&[
        "chart",
        file.to_str().unwrap(),
        "@2",
        "--png",
        png.to_str().unwrap(),
        "--width",
        "640",
        "--height",
        "400",
    ]);
    assert!(ok, "{stderr}");
    let img = image::open(&png).unwrap().to_rgb8();
    assert_eq!(img.dimensions(), (640, 400));
    assert_eq!(img.get_pixel(3, 3).0, [255, 255, 255]);
    let layout = expected_layout("@2", 640, 400);
    assert_eq!(layout.bars.len(), 5);
    for bar in &layout.bars {
        let (x, y) = ((bar.x_px + 2) as u32, (bar.y_px + 2) as u32);
        assert_eq!(img.get_pixel(x, y).0, [0x00, 0x72, 0xB2], "{bar:?}");
        // Just past the bar's end is not bar any more.
        let past = (bar.x_px + bar.w_px + 2) as u32;
        assert_ne!(img.get_pixel(past, y).0, [0x00, 0x72, 0xB2], "{bar:?}");
    }
    // Python's bar holds 6 of the 11 answers, Rust's 2: measured on the pixels.
    let run = |y: u32| {
        (0..640)
            .filter(|&x| img.get_pixel(x, y).0 == [0x00, 0x72, 0xB2])
            .count() as f64
    };
    let (python, rust) = (run(layout.bars[0].y_px as u32 + 2), run(layout.bars[1].y_px as u32 + 2));
    assert!((python / rust - 3.0).abs() < 0.05, "{python} {rust}");

    // Twice the pixels at --scale 2, and text drawn (dark pixels in the title row).
    let png2 = out_path("language@2x.png");
    let (ok, _, stderr) = canvass(&[
        "chart",
        file.to_str().unwrap(),
        "@2",
        "--png",
        png2.to_str().unwrap(),
        "--width",
        "640",
        "--height",
        "400",
        "--scale",
        "2",
    ]);
    assert!(ok, "{stderr}");
    let img2 = image::open(&png2).unwrap().to_rgb8();
    assert_eq!(img2.dimensions(), (1280, 800));
    let dark_title_pixels = (0..1280)
        .flat_map(|x| (32..60).map(move |y| (x, y)))
        .filter(|&(x, y)| img2.get_pixel(x, y).0.iter().all(|&c| c < 80))
        .count();
    assert!(dark_title_pixels > 200, "{dark_title_pixels}");
}

#[test]
fn chart_writes_svg_for_each_kind_of_question() {
    let file = data("one-header-row.csv");
    let f = file.to_str().unwrap();
    let svg = out_path("language.svg");
    let s = svg.to_str().unwrap();
    let (ok, _, stderr) = canvass(&["chart", f, "@2", "--svg", s]);
    assert!(ok, "{stderr}");
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.starts_with("<svg"), "{text}");
    for wanted in [
        "Which language do you use most?",
        "Python",
        "55% (n=6)",
        "one-header-row.csv",
    ] {
        assert!(text.contains(wanted), "missing {wanted}");
    }
    assert_eq!(text.matches("fill=\"#0072B2\"").count(), 5);

    let (ok, _, stderr) = canvass(&["chart", f, "Age", "--svg", s]);
    assert!(ok, "{stderr}");
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.contains("Respondents"), "a histogram has a count axis");

    for kind in ["grouped", "stacked", "heatmap"] {
        let (ok, _, stderr) = canvass(&["chart", f, "@2", "--by", "@3", "--kind", kind, "--svg", s, "--dark"]);
        assert!(ok, "{kind}: {stderr}");
        let text = std::fs::read_to_string(&svg).unwrap();
        assert!(text.contains("Weekly") && text.contains("Python"), "{kind}");
        assert!(text.contains("answered both questions"), "{kind}");
    }
    let (ok, _, stderr) = canvass(&["chart", f, "@3", "--kind", "diverging", "--svg", s, "--synthetic"]);
    assert!(ok, "{stderr}");
    assert!(std::fs::read_to_string(&svg).unwrap().contains("SYNTHETIC DATA"));
}

#[test]
fn chart_errors_are_sentences() {
    let file = data("one-header-row.csv");
    let f = file.to_str().unwrap();
    let svg = out_path("never.svg");
    let s = svg.to_str().unwrap();
    let (ok, _, stderr) = canvass(&["chart", f, "@2", "--kind", "heatmap", "--svg", s]);
    assert!(!ok);
    assert!(stderr.contains("name a second question with --by"), "{stderr}");
    let (ok, _, stderr) = canvass(&["chart", f, "@1", "--svg", s]);
    assert!(!ok);
    assert!(stderr.contains("identifier"), "{stderr}");
    let (ok, _, stderr) = canvass(&["chart", f, "@2", "--by", "Age", "--svg", s]);
    assert!(!ok);
    assert!(
        stderr.contains("--by compares answers of two single-choice questions"),
        "{stderr}"
    );
    let (ok, _, stderr) = canvass(&[
        "chart", f, "@2", "--png", s, "--width", "8000", "--height", "9000", "--scale", "8",
    ]);
    assert!(!ok);
    assert!(stderr.contains("too large"), "{stderr}");
    let (ok, _, stderr) = canvass(&["chart", f, "@2", "--svg", s, "--scale", "0"]);
    assert!(!ok);
    assert!(stderr.contains("--scale must be a positive number"), "{stderr}");
    let (ok, _, stderr) = canvass(&["chart", f, "@2"]);
    assert!(!ok, "an output file is required: {stderr}");
    let (ok, _, stderr) = canvass(&["chart", f, "@2", "--png", "/no/such/dir/x.png"]);
    assert!(!ok);
    assert!(stderr.contains("/no/such/dir/x.png"), "{stderr}");
}
