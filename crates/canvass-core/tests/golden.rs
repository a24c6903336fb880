//! A handful of charts compared with reviewed SVG files in `tests/golden/`.
//!
//! Layout is tested as numbers in the chart module; these files catch what numbers
//! miss (painting order, colours, text attributes) and can be opened in a browser to
//! be looked at. After an intended change, regenerate them with
//! `UPDATE_SNAPSHOTS=1 cargo test -p canvass-core --test golden` and review the diff;
//! a mismatch writes `NAME.new.svg` beside the reference to compare.

use canvass_core::chart::{draw, preferred_height_with_footnote, samples, Chart, ChartStyle, Footnote};
use plotters::prelude::*;
use std::path::PathBuf;

fn check(name: &str, chart: &Chart, footnote: &Footnote, width: u32) {
    let style = ChartStyle::svg();
    let height = preferred_height_with_footnote(chart, footnote, width as i32, &style) as u32;
    let mut svg = String::new();
    {
        let area = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        draw(&area, chart, footnote, &style).unwrap();
    }
    svg.push('\n');
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let path = dir.join(format!("{name}.svg"));
    let new_path = dir.join(format!("{name}.new.svg"));
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &svg).unwrap();
        let _ = std::fs::remove_file(&new_path);
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    if expected == svg {
        let _ = std::fs::remove_file(&new_path);
        return;
    }
    std::fs::write(&new_path, &svg).unwrap();
    panic!(
        "{name}: the drawn SVG differs from {}; compare it with {} and, if the change is \
         intended, run UPDATE_SNAPSHOTS=1 cargo test -p canvass-core --test golden",
        path.display(),
        new_path.display()
    );
}

#[test]
fn nominal_bars_with_intervals() {
    check(
        "nominal",
        &samples::nominal(),
        &samples::footnote("Base: 1,216 respondents who answered"),
        560,
    );
}

#[test]
fn stacked_crosstab() {
    let foot = samples::footnote("Base: 1,015 respondents who answered both questions");
    check("stacked", &Chart::Stacked(samples::crosstab()), &foot, 560);
}

#[test]
fn heatmap_crosstab() {
    let foot = samples::footnote("Base: 1,015 respondents who answered both questions");
    check("heatmap", &Chart::Heatmap(samples::crosstab()), &foot, 560);
}

#[test]
fn diverging_likert() {
    check(
        "diverging",
        &samples::likert(),
        &samples::footnote("Base: 1,130 respondents who answered"),
        560,
    );
}
