//! Every question of the bundled NumPy 2020 release through `canvass chart`, to SVG
//! and to PNG, at the release's k. A bar chart's printed counts must be exactly the
//! counts `canvass freq --json` shows for the same question: a withheld count is in
//! neither, and nothing the table withholds reaches the chart.

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

fn release(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../www/data/numpy-2020")
        .join(name)
        .to_str()
        .unwrap()
        .to_string()
}

fn canvass(args: &[&str]) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_canvass")).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "canvass {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// The numbers printed as "(n=1,234)" beside the bars of an SVG chart, counted.
fn printed_counts(svg: &str) -> BTreeMap<u64, usize> {
    let mut counts = BTreeMap::new();
    for piece in svg.split("(n=").skip(1) {
        let digits: String = piece
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == ',')
            .filter(char::is_ascii_digit)
            .collect();
        *counts.entry(digits.parse().unwrap()).or_default() += 1;
    }
    counts
}

/// The shown (non-withheld, non-zero) counts of a `canvass freq --json` table, counted.
fn shown_counts(table: &Value) -> BTreeMap<u64, usize> {
    let mut counts = BTreeMap::new();
    for row in table["rows"].as_array().unwrap() {
        if let Some(n) = row["count"].as_f64().filter(|n| *n > 0.0) {
            *counts.entry(n.round() as u64).or_default() += 1;
        }
    }
    counts
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(png: &[u8]) -> (u32, u32) {
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    let be = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
    (be(16), be(20))
}

#[test]
fn every_release_question_charts_to_svg_and_png_with_the_numbers_of_its_table() {
    let (file, codebook) = (release("responses.tsv"), release("codebook.json"));
    let summary: Value =
        serde_json::from_slice(&canvass(&["summary", &file, "--codebook", &codebook, "--json"])).unwrap();
    let out_dir = std::env::temp_dir().join(format!("canvass-release-charts-{}", std::process::id()));
    std::fs::create_dir_all(&out_dir).unwrap();
    let (svg_path, png_path) = (out_dir.join("q.svg"), out_dir.join("q.png"));
    let (svg_out, png_out) = (svg_path.to_str().unwrap(), png_path.to_str().unwrap());
    let mut checked_bars = 0;
    let mut drawn = 0;
    let mut png_kinds = std::collections::BTreeSet::new();
    for q in summary["questions"].as_array().unwrap() {
        let kind = q["kind"].as_str().unwrap();
        if !matches!(kind, "single" | "multi" | "ordinal" | "numeric" | "rank") || q["answered"] == 0 {
            continue;
        }
        let id = q["id"].as_str().unwrap();
        canvass(&["chart", &file, id, "--codebook", &codebook, "--svg", svg_out]);
        let svg = std::fs::read_to_string(&svg_path).unwrap();
        assert!(svg.starts_with("<svg"), "{id}");
        // The release's manifest says the data are synthetic; every chart says so.
        assert!(svg.contains("SYNTHETIC DATA"), "{id}: no synthetic mark");
        assert!(
            svg.contains("version 1.0.0"),
            "{id}: no dataset version in the footnote"
        );
        // One PNG per kind of question: rasterising text is the slow part of a
        // debug build, and the PNG and SVG share the layout question by question.
        if png_kinds.insert(kind) {
            canvass(&[
                "chart",
                &file,
                id,
                "--codebook",
                &codebook,
                "--png",
                png_out,
                "--width",
                "640",
                "--scale",
                "2",
            ]);
            let (w, h) = png_size(&std::fs::read(&png_path).unwrap());
            assert_eq!(w, 1280, "{id}: PNG width");
            assert!(h > 200, "{id}: PNG height {h}");
        }
        if matches!(kind, "single" | "multi" | "ordinal") {
            let table: Value =
                serde_json::from_slice(&canvass(&["freq", &file, id, "--codebook", &codebook, "--json"])).unwrap();
            assert_eq!(table["k"], 10, "{id}: the manifest's k");
            assert_eq!(printed_counts(&svg), shown_counts(&table), "{id}");
            checked_bars += 1;
        }
        drawn += 1;
    }
    std::fs::remove_dir_all(&out_dir).ok();
    // 24 single-choice, 18 multi-select and 5 scale questions, an age and a ranking
    // (`canvass summary` of the release).
    assert!(checked_bars >= 40, "{checked_bars} bar charts checked");
    assert!(drawn >= checked_bars + 2, "{drawn} charts drawn");
    assert_eq!(png_kinds.len(), 5, "{png_kinds:?}");
}
