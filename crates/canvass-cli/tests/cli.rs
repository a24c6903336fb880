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
    assert_eq!(v["warnings"][0]["kind"], "general");
}

#[test]
fn summary_json_marks_a_quote_that_swallowed_rows() {
    let file = data("battery-quote-swallows-row.csv");
    let (ok, stdout, stderr) = canvass(&["summary", file.to_str().unwrap(), "--json"]);
    assert!(ok, "{stderr}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    // Three respondents in the file; the quote opened on line 2 took line 3 with it.
    assert_eq!(v["respondents"], 2);
    let w = &v["warnings"][0];
    assert_eq!(
        (&w["line"], &w["kind"]),
        (&Value::from(2), &Value::from("quote_swallowed_rows"))
    );
    assert!(w["message"]
        .as_str()
        .unwrap()
        .starts_with("lines 2–3: a quote opened on line 2"));
}

#[test]
fn summary_json_flags_identifying_columns() {
    let file = data("layout-qualtrics-identifying.csv");
    let (ok, stdout, stderr) = canvass(&["summary", file.to_str().unwrap(), "--json"]);
    assert!(ok, "{stderr}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    let flagged: Vec<&str> = v["questions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|q| q["identifying"] == true)
        .map(|q| q["id"].as_str().unwrap())
        .collect();
    // Read off the file's header and answers: Q3 holds phone numbers, Q4 coordinates.
    assert_eq!(
        flagged,
        [
            "IPAddress",
            "ResponseId",
            "RecipientLastName",
            "RecipientFirstName",
            "RecipientEmail",
            "LocationLatitude",
            "LocationLongitude",
            "Q3",
            "Q4"
        ]
    );
    let q1 = &v["questions"][8];
    assert_eq!(
        (&q1["id"], &q1["identifying"], &q1["chartable"]),
        (&Value::from("Q1"), &Value::from(false), &Value::from(true))
    );
    assert!(v["warnings"][0]["message"]
        .as_str()
        .unwrap()
        .contains("identify respondents"));
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
        // The expected layout below is the core's chart, whiskers and all.
        "--intervals",
        "--png",
        png.to_str().unwrap(),
        "--width",
        "640",
        "--height",
        "400",
        // The file's twelve rows are all below the default threshold.
        "--k",
        "0",
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
        "--k",
        "0",
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
    // --k 0: the file's twelve rows are all below the default threshold.
    let (ok, _, stderr) = canvass(&["chart", f, "@2", "--svg", s, "--k", "0"]);
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

    let (ok, _, stderr) = canvass(&["chart", f, "Age", "--svg", s, "--k", "0"]);
    assert!(ok, "{stderr}");
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.contains("Respondents"), "a histogram has a count axis");

    for kind in ["grouped", "stacked", "heatmap"] {
        let (ok, _, stderr) = canvass(&[
            "chart", f, "@2", "--by", "@3", "--kind", kind, "--svg", s, "--dark", "--k", "0",
        ]);
        assert!(ok, "{kind}: {stderr}");
        let text = std::fs::read_to_string(&svg).unwrap();
        assert!(text.contains("Weekly") && text.contains("Python"), "{kind}");
        assert!(text.contains("answered both questions"), "{kind}");
    }
    let (ok, _, stderr) = canvass(&["chart", f, "@3", "--svg", s, "--synthetic", "--k", "0"]);
    assert!(ok, "{stderr}");
    assert!(std::fs::read_to_string(&svg).unwrap().contains("SYNTHETIC DATA"));
    // How often has no "disagree" side: diverging bars are refused, with the reason.
    let (ok, _, stderr) = canvass(&["chart", f, "@3", "--kind", "diverging", "--svg", s, "--k", "0"]);
    assert!(!ok);
    assert!(stderr.contains("agreement or satisfaction"), "{stderr}");
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
    // The question by its text, and why in words.
    assert!(stderr.contains("“Response ID”: identifies respondents"), "{stderr}");
    let (ok, _, stderr) = canvass(&["chart", f, "@2", "--by", "@1", "--svg", s]);
    assert!(!ok);
    assert!(
        stderr.contains("needs a categorical, multi-select or numeric question for a crosstab"),
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

/// Text lines of an SVG (plotters writes each string on a line of its own).
fn svg_strings(path: &std::path::Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('<'))
        .map(str::to_string)
        .collect()
}

#[test]
fn chart_by_shows_only_what_the_protected_crosstab_shows() {
    let file = data("one-header-row.csv");
    let f = file.to_str().unwrap();
    let svg = out_path("language-by-frequency.svg");
    let s = svg.to_str().unwrap();
    // By hand from the file: Python is 2 of the 2 weekly users and 4 of the 6 daily
    // ones; every other cell holds one respondent or none. At k = 2 the ones are
    // withheld, so of the raw column percents (Rust, C++: 1 of 6 daily = 17%; Julia,
    // C, C++ or Fortran: 1 of 2 monthly = 50%; Rust: 1 of 1 rarely = 100%) only
    // Python's could appear. The lone rarely user must be free to be 0 or 2. The
    // frequency table beside withholds the monthly 2 with the rarely 1, so neither is
    // known: rarely and monthly share the 3 that the grand total of 11 leaves, and the
    // weekly 2 stays, with Python's 100% of the weekly users and 4 of 6 daily ones.
    let (ok, _, stderr) = canvass(&["chart", f, "@2", "--by", "@3", "--k", "2", "--svg", s]);
    assert!(ok, "{stderr}");
    let strings = svg_strings(&svg);
    let cell_labels: Vec<&str> = strings
        .iter()
        .map(String::as_str)
        .filter(|t| t.ends_with('%') && !t.contains(' ') || *t == "–")
        .collect();
    // The axis ticks come first, then the 20 cells of 5 answers × 4 groups.
    let cells = &cell_labels[cell_labels.len() - 20..];
    assert!(cell_labels[..cell_labels.len() - 20].iter().all(|t| *t != "–"));
    assert_eq!(
        cells.iter().filter(|t| **t != "–").collect::<Vec<_>>(),
        [&"100%", &"67%"]
    );
    assert!(
        strings.iter().any(|t| t.contains("fewer than 2 respondents")),
        "{strings:?}"
    );

    // A filter narrows the base to the 8 weekly or daily users who named a language.
    let (ok, _, stderr) = canvass(&[
        "chart",
        f,
        "@2",
        "--by",
        "@3",
        "--k",
        "0",
        "--filter",
        "@3=Daily|Weekly",
        "--svg",
        s,
    ]);
    assert!(ok, "{stderr}");
    let text = svg_strings(&svg).join(" ");
    assert!(
        text.contains("Base: 8 respondents who answered both questions"),
        "{text}"
    );
    assert!(text.contains("Filtered to"), "{text}");

    // At the default k of 10 every cell of this small file is withheld: the chart says
    // so, with no bar, dash or axis that could read as zero.
    let (ok, _, stderr) = canvass(&["chart", f, "@2", "--by", "@3", "--svg", s]);
    assert!(ok, "{stderr}");
    let strings = svg_strings(&svg);
    assert!(
        strings.contains(&"All counts withheld (fewer than 10 respondents)".to_string()),
        "{strings:?}"
    );
    assert!(!strings.iter().any(|t| t == "–" || t.ends_with('%')), "{strings:?}");
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
    // The loader reads the NumPy question as a frequency scale, in scale order.
    assert_eq!(
        v["col_labels"],
        serde_json::json!(["Rarely", "Monthly", "Weekly", "Daily"])
    );
    // Counted by hand from the file; R10 has no language and is left out.
    assert_eq!(
        v["counts"],
        serde_json::json!([
            [0.0, 0.0, 2.0, 4.0],
            [1.0, 0.0, 0.0, 1.0],
            [0.0, 1.0, 0.0, 0.0],
            [0.0, 0.0, 0.0, 1.0],
            [0.0, 1.0, 0.0, 0.0]
        ])
    );
    assert_eq!(v["row_totals"], serde_json::json!([6.0, 2.0, 1.0, 1.0, 1.0]));
    assert_eq!(v["col_totals"], serde_json::json!([1.0, 2.0, 2.0, 6.0]));
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
        (
            vec!["crosstab", f, "region", "Response ID"],
            "categorical, multi-select or numeric",
        ),
        (
            vec!["crosstab", f, "region", "age", "--bin-width", "0"],
            "positive number",
        ),
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

#[test]
fn k_comes_from_the_release_manifest_unless_given() {
    let dir = std::env::temp_dir().join(format!("canvass-k-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // Twelve answers: a 8, b 4. With k = 3 both show; with the default 10, b does not.
    let csv = dir.join("answers.csv");
    std::fs::write(&csv, "q\na\na\na\na\na\na\na\na\nb\nb\nb\nb\n").unwrap();
    let f = csv.to_str().unwrap();
    let counts = |v: &Value| -> Vec<Value> {
        v["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["count"].clone())
            .collect()
    };
    let v = json_of(&["freq", f, "q", "--json"]);
    assert_eq!(v["k"], 10);
    assert_eq!(counts(&v), [Value::Null, Value::Null]);
    std::fs::write(dir.join("manifest.json"), r#"{"disclosure_threshold_k": 3}"#).unwrap();
    let v = json_of(&["freq", f, "q", "--json"]);
    assert_eq!(v["k"], 3);
    assert_eq!(counts(&v), [serde_json::json!(8.0), serde_json::json!(4.0)]);
    let v = json_of(&["freq", f, "q", "--json", "--k", "0"]);
    assert_eq!(v["k"], 0);
    // The cell-key method shows the small count, moved by at most 2 and never to 0.
    std::fs::write(
        dir.join("manifest.json"),
        r#"{"disclosure": "cell-key", "cell_key_secret": "s"}"#,
    )
    .unwrap();
    let v = json_of(&["freq", f, "q", "--json"]);
    assert_eq!(v["perturbed"], true);
    let shown: Vec<f64> = counts(&v).iter().map(|c| c.as_f64().unwrap()).collect();
    assert!(
        (shown[0] - 8.0).abs() <= 2.0 && shown[1] >= 2.0 && shown[1] <= 6.0,
        "{shown:?}"
    );
    let v = json_of(&["freq", f, "q", "--json", "--k", "3"]);
    assert!(v.get("perturbed").is_none(), "--k chooses suppression");
    std::fs::write(dir.join("manifest.json"), r#"{"disclosure": "cell-key"}"#).unwrap();
    let (ok, _, stderr) = canvass(&["freq", f, "q"]);
    assert!(!ok && stderr.contains("cell_key_secret"), "{stderr}");
    std::fs::write(dir.join("manifest.json"), "{not json").unwrap();
    let (ok, _, stderr) = canvass(&["freq", f, "q"]);
    assert!(
        !ok && stderr.contains("manifest.json") && stderr.contains("--k"),
        "{stderr}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn chart_intervals_draw_whiskers_only_when_asked() {
    let file = data("one-header-row.csv");
    let f = file.to_str().unwrap();
    let svg = out_path("whiskers.svg");
    let s = svg.to_str().unwrap();
    // Each whisker is three lines (span and two caps) in the text colour, which no
    // other line uses.
    let whiskers = |svg: &str| svg.matches("stroke=\"#1F2328\"").count();
    let lines_and_text = |extra: &[&str]| {
        let mut cli = vec![
            "chart", f, "@2", "--by", "@3", "--kind", "grouped", "--k", "0", "--svg", s,
        ];
        cli.extend_from_slice(extra);
        let (ok, _, stderr) = canvass(&cli);
        assert!(ok, "{stderr}");
        let text = std::fs::read_to_string(&svg).unwrap();
        (whiskers(&text), svg_strings(&svg).join(" "))
    };
    let (plain, plain_text) = lines_and_text(&[]);
    let (with, with_text) = lines_and_text(&["--intervals"]);
    // By hand: 5 languages × 4 frequencies, all shown at k = 0, each with a Wilson
    // interval (defined for 0 of n too): 20 whiskers.
    assert_eq!(with - plain, 20 * 3);
    assert_eq!(plain, 0);
    assert!(with_text.contains("Whiskers show 95%"), "{with_text}");
    assert!(!plain_text.contains("Whiskers"), "{plain_text}");
    // One question: five bars, five whiskers with the flag, none without.
    let count = |extra: &[&str]| {
        let mut cli = vec!["chart", f, "@2", "--k", "0", "--svg", s];
        cli.extend_from_slice(extra);
        assert!(canvass(&cli).0);
        whiskers(&std::fs::read_to_string(&svg).unwrap())
    };
    assert_eq!((count(&["--intervals"]), count(&[])), (5 * 3, 0));
}

/// Attack by the CLI's JSON: on the NumPy release at its manifest's k = 10, a
/// crosstab's JSON withholds exactly what the core's table withholds, with no percent,
/// interval or residual left on a withheld count or beside a withheld margin, and its
/// shown margins never pin a withheld cell: each withheld cell keeps some slack in its
/// row (its row total, if shown, minus the shown cells, is shared with another
/// withheld cell or the total is withheld too).
#[test]
fn attack_by_the_cli_json_finds_nothing_the_table_withholds() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../www/data/numpy-2020");
    let file = root.join("responses.tsv");
    let codebook = root.join("codebook.json");
    let (f, cb) = (file.to_str().unwrap(), codebook.to_str().unwrap());
    let v = json_of(&[
        "crosstab",
        f,
        "demographics.role",
        "demographics.gender",
        "--codebook",
        cb,
        "--json",
    ]);
    assert_eq!(v["k"], 10);
    let counts = v["counts"].as_array().unwrap();
    let mut withheld = 0;
    for (i, row) in counts.iter().enumerate() {
        let row = row.as_array().unwrap();
        let nulls = row.iter().filter(|c| c.is_null()).count();
        withheld += nulls;
        // A row with a shown total and exactly one withheld cell would give it away.
        if !v["row_totals"][i].is_null() {
            assert_ne!(nulls, 1, "row {i}: one withheld cell beside a shown total");
        }
        for (j, c) in row.iter().enumerate() {
            let cell = &v["cells"][i][j];
            if c.is_null() {
                for field in [
                    "row_percent",
                    "row_ci",
                    "col_percent",
                    "col_ci",
                    "total_percent",
                    "total_ci",
                    "residual",
                ] {
                    assert!(cell[field].is_null(), "cell {i},{j}: {field} of a withheld count");
                }
            }
            if v["row_totals"][i].is_null() {
                assert!(cell["row_percent"].is_null(), "cell {i},{j}: percent of a withheld row");
            }
            if v["col_totals"][j].is_null() {
                assert!(
                    cell["col_percent"].is_null(),
                    "cell {i},{j}: percent of a withheld column"
                );
            }
        }
    }
    for j in 0..v["col_labels"].as_array().unwrap().len() {
        if !v["col_totals"][j].is_null() {
            let nulls = counts.iter().filter(|row| row[j].is_null()).count();
            assert_ne!(nulls, 1, "column {j}: one withheld cell beside a shown total");
        }
    }
    assert!(withheld > 0, "nothing was withheld, so nothing was attacked");
}

#[test]
fn summary_json_says_why_a_timestamp_is_not_charted() {
    let file = data("layout-google-forms.csv");
    let (ok, stdout, stderr) = canvass(&["summary", file.to_str().unwrap(), "--json"]);
    assert!(ok, "{stderr}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    let q = &v["questions"][0];
    assert_eq!(
        (&q["id"], &q["kind"], &q["chartable"]),
        (&Value::from("Timestamp"), &Value::from("datetime"), &Value::from(false))
    );
    assert_eq!(q["not_charted"], "dates and times of answering, not charted");
    // Free text is listed, and a chartable question has no reason.
    let comments = v["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == "Any other comments?")
        .unwrap();
    assert_eq!(comments["not_charted"], "free text, listed rather than charted");
    assert_eq!(v["questions"][2]["not_charted"], Value::Null);
}

/// SPSS and Stata files go through every table subcommand as CSV does, recognised by
/// their bytes whatever their name.
#[test]
fn spss_and_stata_files_work_like_csv() {
    let sav = data("labelled/survey-mrsets.sav");
    let sav = sav.to_str().unwrap();
    let v = json_of(&["summary", sav, "--json"]);
    assert_eq!(v["respondents"], 60);
    assert_eq!(v["layout"], "spss-sav");
    assert_eq!(v["weight"], "wt");
    assert_eq!(v["delimiter"], "");
    let warnings = v["warnings"].to_string();
    assert!(warnings.contains("code 6 has no label"), "{warnings}");
    let q1 = v["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == "q1")
        .unwrap();
    assert_eq!(q1["kind"], "ordinal");
    assert_eq!(q1["options"][0], "Very dissatisfied");

    // Counts from tests/data/labelled/expected.json, which pyreadstat wrote.
    let v = json_of(&["freq", sav, "q1", "--json", "--k", "0"]);
    let satisfied = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["option"] == "Satisfied")
        .unwrap();
    assert_eq!(satisfied["count"], 11.0);
    let v = json_of(&["freq", sav, "news", "--json", "--k", "0", "--weight", "wt"]);
    assert!(v["rows"].as_array().unwrap().len() == 3, "{v}");
    let v = json_of(&["crosstab", sav, "region", "q1", "--json", "--k", "0"]);
    assert_eq!(v["row_labels"][0], "Île-de-France");

    // A codebook's texts, kinds and option order apply as they do to a CSV file.
    let codebook = data("labelled/survey-codebook.json");
    let codebook = codebook.to_str().unwrap();
    let v = json_of(&["summary", sav, "--codebook", codebook, "--json"]);
    let q1 = v["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == "q1")
        .unwrap();
    assert_eq!(q1["text"], "How satisfied are you with the service?");
    assert_eq!(q1["options"][0], "Very satisfied");
    assert!(
        v["warnings"]
            .to_string()
            .contains("codebook question is not in the file"),
        "{v}"
    );
    let v = json_of(&["freq", sav, "q1", "--codebook", codebook, "--json", "--k", "0"]);
    assert_eq!(v["rows"][1]["option"], "Satisfied");
    assert_eq!(v["rows"][1]["count"], 11.0);

    let dta = data("labelled/survey-118.dta");
    let v = json_of(&["summary", dta.to_str().unwrap(), "--json"]);
    assert_eq!(v["layout"], "stata-dta");
    let out = std::env::temp_dir().join(format!("canvass-labelled-{}.svg", std::process::id()));
    let (ok, _, stderr) = canvass(&[
        "chart",
        dta.to_str().unwrap(),
        "q1",
        "--svg",
        out.to_str().unwrap(),
        "--k",
        "0",
    ]);
    assert!(ok, "{stderr}");
    let _ = std::fs::remove_file(out);

    // A file that is neither text nor a format the loader reads says so.
    let junk = std::env::temp_dir().join(format!("canvass-junk-{}.sav", std::process::id()));
    std::fs::write(&junk, b"$FL9\0\0\0\x01\x02binary").unwrap();
    let (ok, _, stderr) = canvass(&["summary", junk.to_str().unwrap()]);
    let _ = std::fs::remove_file(&junk);
    assert!(!ok);
    assert!(stderr.contains("SPSS (.sav, .zsav) or Stata (.dta)"), "{stderr}");
}
