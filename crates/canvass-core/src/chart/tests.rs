//! Layout checked as numbers: where bars start and end, which way they are sorted,
//! that no two strings collide and nothing leaves the canvas, for every kind.

use super::*;
use crate::freq::{frequencies, BaseKind};
use crate::load::{load, LoadOptions};

fn overlap(a: (f64, f64, f64, f64), b: (f64, f64, f64, f64)) -> bool {
    // One pixel of tolerance: neighbours may touch.
    a.0 < b.2 - 1.0 && b.0 < a.2 - 1.0 && a.1 < b.3 - 1.0 && b.1 < a.3 - 1.0
}

/// No two texts collide, every text and bar stays on the canvas, and every bar stays
/// in the plot area.
fn assert_tidy(name: &str, l: &ChartLayout) {
    let (w, h) = (l.width_px as f64, l.height_px as f64);
    for (i, a) in l.texts.iter().enumerate() {
        let ba = a.bbox();
        assert!(
            ba.0 >= -0.5 && ba.2 <= w + 0.5 && ba.1 >= -0.5 && ba.3 <= h + 0.5,
            "{name}: {:?} leaves the {w}×{h} canvas: {ba:?}",
            a.text
        );
        for b in &l.texts[i + 1..] {
            assert!(
                !overlap(ba, b.bbox()),
                "{name}: {:?} {:?} overlaps {:?} {:?}",
                a.text,
                ba,
                b.text,
                b.bbox()
            );
        }
    }
    // Tick labels say exactly their value (an axis at 2.5 steps reads 7.5, not 8).
    for t in &l.ticks {
        let shown: f64 = t.label.trim_end_matches('%').replace(',', "").parse().unwrap();
        assert!((shown - t.value.abs()).abs() < 1e-9, "{name}: tick {t:?}");
    }
    for bar in &l.bars {
        assert!(bar.w_px >= 0 && bar.h_px >= 0, "{name}: {bar:?}");
        assert!(
            bar.x_px >= l.plot_x0_px - 1 && bar.x_px + bar.w_px <= l.plot_x1_px + 1,
            "{name}: bar {bar:?} outside plot {}..{}",
            l.plot_x0_px,
            l.plot_x1_px
        );
        assert!(
            bar.y_px >= l.plot_y0_px - 1 && bar.y_px + bar.h_px <= l.plot_y1_px + 1,
            "{name}: bar {bar:?} outside plot {}..{}",
            l.plot_y0_px,
            l.plot_y1_px
        );
    }
}

fn lay(chart: &Chart, foot: &Footnote, w: i32, h: i32) -> ChartLayout {
    layout(chart, foot, w, h, &ChartStyle::default())
}

fn values(l: &ChartLayout, role: TextRole) -> Vec<String> {
    l.texts_of(role).iter().map(|t| t.text.clone()).collect()
}

#[test]
fn every_kind_is_tidy_at_common_sizes_and_scales() {
    for (name, chart, foot) in samples::all() {
        for width in [480, 720, 1200] {
            for scale in [1.0, 2.0] {
                for dark in [false, true] {
                    let base = ChartStyle {
                        scale,
                        ..ChartStyle::default()
                    };
                    let style = if dark { base.dark() } else { base };
                    let w = (width as f64 * scale) as i32;
                    let h = preferred_height_px(&chart, w, &style);
                    let l = layout(&chart, &foot, w, h, &style);
                    assert_tidy(&format!("{name} {width}px ×{scale} dark={dark}"), &l);
                    assert!(!l.bars.is_empty(), "{name}");
                    assert_eq!(l.kind, chart.kind_name());
                    assert_eq!(l.background, style.background);
                }
            }
        }
    }
}

#[test]
fn odd_input_never_panics_and_stays_on_canvas() {
    let nasty = Chart::Bars(BarSeries {
        title: String::new(),
        categories: vec!["a".into(), "b".into(), "c".into()],
        values: vec![Some(f64::NAN), Some(-5.0)],
        counts: vec![Some(f64::INFINITY)],
        intervals: vec![Some([f64::NAN, 1e300])],
        significant: vec![true; 7],
        value_labels: Vec::new(),
        unit: Unit::Percent,
        axis_label: String::new(),
        order: BarOrder::ByValue,
    });
    let many = Chart::Bars(BarSeries {
        title: "x".repeat(500),
        categories: (0..300).map(|i| format!("option {i} ").repeat(i % 7 + 1)).collect(),
        values: (0..300).map(|i| Some(i as f64 / 3.0)).collect(),
        ..BarSeries::default()
    });
    let empty_hist = Chart::Histogram(Histogram {
        edges: vec![1.0, f64::NAN, 3.0, 2.0],
        counts: vec![Some(1.0), None, Some(2.0), Some(4.0), Some(9.0)],
        ..Histogram::default()
    });
    let ragged = GroupedTable {
        row_labels: vec!["r".into(), "s".into()],
        col_labels: vec!["a".into(), "b".into(), "c".into()],
        cells: vec![vec![Some(10.0)], vec![]],
        significant: vec![vec![true, true, true, true]],
        ..GroupedTable::default()
    };
    let likert = Chart::Diverging(LikertRows {
        items: vec!["i".into()],
        levels: vec![],
        cells: vec![vec![Some(50.0), Some(50.0)]],
        ..LikertRows::default()
    });
    let rank = Chart::Rank(RankScores {
        items: vec!["x".into(), "y".into()],
        max_score: f64::NAN,
        ..RankScores::default()
    });
    let charts = [
        nasty,
        many,
        empty_hist,
        Chart::Grouped(ragged.clone()),
        Chart::Stacked(ragged.clone()),
        Chart::Heatmap(ragged),
        likert,
        rank,
        Chart::Grouped(GroupedTable::default()),
        Chart::Heatmap(GroupedTable::default()),
        Chart::Stacked(GroupedTable::default()),
        Chart::Diverging(LikertRows::default()),
        Chart::Bars(BarSeries::default()),
        Chart::Histogram(Histogram::default()),
    ];
    let foot = samples::footnote(&"long base ".repeat(60));
    for chart in &charts {
        for (w, h) in [(0, 0), (1, 1), (50, 40), (320, 200), (640, 480), (-5, 100000)] {
            let l = lay(chart, &foot, w, h);
            for t in &l.texts {
                assert!(t.size_px.is_finite() && t.size_px > 0.0, "{t:?}");
            }
            let odd_style = ChartStyle {
                scale: f64::NAN,
                font_px: -3.0,
                ..ChartStyle::default()
            };
            let _ = layout(chart, &foot, w, h, &odd_style);
        }
        // At a workable size the result is tidy too.
        let l = lay(chart, &Footnote::default(), 640, 480);
        if !matches!(chart, Chart::Bars(s) if s.categories.len() > 100) {
            assert_tidy(chart.kind_name(), &l);
        }
    }
}

#[test]
fn nominal_bars_sort_by_size_with_other_and_refusal_last() {
    let l = lay(&samples::nominal(), &Footnote::default(), 720, 480);
    let order: Vec<&str> = l.bars.iter().map(|b| b.label.as_str()).collect();
    assert_eq!(
        order,
        [
            "Python",
            "C or C++",
            "R",
            "Julia",
            "Rust",
            "Fortran",
            "Other (please specify)",
            "Prefer not to answer"
        ]
    );
    // Lengths are proportional to the percentages: Python 742 of 1,216 respondents.
    let full = (l.plot_x1_px - l.plot_x0_px) as f64;
    let axis_max = l.ticks.last().unwrap().value;
    // The axis ends at the first round value past the widest whisker (63.7%).
    assert!((63.7..=80.0).contains(&axis_max), "{axis_max}");
    let python = 100.0 * 742.0 / 1216.0;
    assert!((l.bars[0].w_px as f64 - full * python / axis_max).abs() <= 1.0);
    let rust = 100.0 * 37.0 / 1216.0;
    assert!((l.bars[4].w_px as f64 - full * rust / axis_max).abs() <= 1.0);
    assert_eq!(l.bars[0].value_label, "61% (n=742)");
    // Bars are evenly spaced, the same height, and do not touch.
    for pair in l.bars.windows(2) {
        assert!(pair[0].y_px + pair[0].h_px < pair[1].y_px);
        assert_eq!(pair[0].h_px, pair[1].h_px);
        assert_eq!(pair[0].x_px, l.plot_x0_px);
    }
    // Ticks at round values, labelled as percentages.
    let step = l.ticks[1].value;
    assert!([10.0, 20.0].contains(&step), "{step}");
    for (i, t) in l.ticks.iter().enumerate() {
        assert_eq!(t.label, format!("{}%", i as f64 * step));
    }
    assert_eq!(l.ticks[0].pos_px, l.plot_x0_px);
    assert_eq!(l.ticks.last().unwrap().pos_px, l.plot_x1_px);
}

#[test]
fn whiskers_span_the_interval_and_value_labels_clear_them() {
    let chart = samples::nominal();
    let Chart::Bars(series) = &chart else { unreachable!() };
    let l = lay(&chart, &Footnote::default(), 720, 480);
    let axis_max = l.ticks.last().unwrap().value;
    let x_of = |v: f64| l.plot_x0_px as f64 + v / axis_max * (l.plot_x1_px - l.plot_x0_px) as f64;
    let [lo, hi] = series.intervals[0].unwrap();
    // Three lines per whisker (span and two caps), then the zero line.
    let span = &l.lines[0];
    assert_eq!(span.y0_px, span.y1_px);
    assert!((span.x0_px as f64 - x_of(lo)).abs() <= 1.0, "{span:?}");
    assert!((span.x1_px as f64 - x_of(hi)).abs() <= 1.0, "{span:?}");
    let mid = l.bars[0].y_px + l.bars[0].h_px / 2;
    assert!((span.y0_px - mid).abs() <= 1);
    let label = l.texts_of(TextRole::Value)[0];
    assert!(label.x_px as f64 > x_of(hi), "{label:?}");
    assert_eq!(l.lines.len(), 8 * 3 + 1);
    assert!(l.footnote.join(" ").contains("Whiskers show 95% confidence intervals"));
}

#[test]
fn suppressed_values_draw_exactly_like_empty_ones() {
    let series = |values: Vec<Option<f64>>, counts: Vec<Option<f64>>| {
        Chart::Bars(BarSeries {
            title: "q".into(),
            categories: vec!["a".into(), "b".into(), "c".into()],
            values,
            counts,
            axis_label: "%".into(),
            order: BarOrder::AsGiven,
            ..BarSeries::default()
        })
    };
    let withheld = lay(
        &series(vec![Some(40.0), None, Some(60.0)], vec![Some(4.0), None, Some(6.0)]),
        &Footnote::default(),
        480,
        300,
    );
    let missing = lay(
        &series(vec![Some(40.0), Some(f64::NAN), Some(60.0)], vec![Some(4.0)]),
        &Footnote::default(),
        480,
        300,
    );
    let absent = lay(
        &series(vec![Some(40.0)], vec![Some(4.0)]),
        &Footnote::default(),
        480,
        300,
    );
    assert_eq!(withheld.bars[1], missing.bars[1]);
    assert_eq!(withheld.bars[1].w_px, 0);
    assert_eq!(withheld.bars[1].value_label, "–");
    assert_eq!(withheld.bars[1], absent.bars[1]);
    // In a crosstab too: a withheld cell is a blank cell.
    let mut table = samples::crosstab();
    let heat = lay(&Chart::Heatmap(table.clone()), &Footnote::default(), 720, 400);
    let cell = heat.bars.iter().find(|b| b.category == 2 && b.series == 2).unwrap();
    assert_eq!(
        (cell.fill, cell.value_label.as_str()),
        (ChartStyle::default().background, "–")
    );
    table.cells[2][2] = Some(f64::INFINITY);
    let heat2 = lay(&Chart::Heatmap(table), &Footnote::default(), 720, 400);
    assert_eq!(heat.bars, heat2.bars);
}

#[test]
fn multi_select_axis_says_percent_of_respondents() {
    let l = lay(&samples::multi(), &Footnote::default(), 720, 400);
    assert_eq!(values(&l, TextRole::Axis), ["% of respondents"]);
    // Shares add up past 100%, each bar still on the 0–100 axis.
    let total: f64 = l
        .bars
        .iter()
        .map(|b| {
            b.value_label
                .trim_end_matches(|c: char| c != '%')
                .trim_end_matches('%')
                .parse::<f64>()
                .unwrap()
        })
        .sum();
    assert!(total > 100.0, "{total}");
    assert_eq!(l.bars.last().unwrap().label, "None of the above");
}

#[test]
fn ordinal_bars_keep_scale_order() {
    let l = lay(&samples::ordinal(), &Footnote::default(), 720, 400);
    let order: Vec<&str> = l.bars.iter().map(|b| b.label.as_str()).collect();
    assert_eq!(
        order,
        [
            "Every day",
            "A few times a week",
            "A few times a month",
            "Less often",
            "Never"
        ]
    );
}

#[test]
fn long_labels_wrap_to_two_lines_and_elide_the_rest() {
    let long = "I use it for teaching, for my own research projects, and for a large number of other purposes that I will now describe at length";
    let chart = Chart::Bars(BarSeries {
        title: "t".into(),
        categories: vec![long.into(), "short".into()],
        values: vec![Some(10.0), Some(20.0)],
        ..BarSeries::default()
    });
    let l = lay(&chart, &Footnote::default(), 600, 300);
    let labels = l.texts_of(TextRole::Label);
    let lines: Vec<&str> = labels
        .iter()
        .map(|t| t.text.as_str())
        .filter(|t| *t != "short")
        .collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[1].ends_with('…'), "{lines:?}");
    for t in &labels {
        assert!(t.bbox().2 <= l.plot_x0_px as f64, "{t:?}");
    }
    // The full text stays in the layout for the table beside the chart.
    assert_eq!(l.bars.iter().find(|b| b.category == 0).unwrap().label, long);
    assert_tidy("long", &l);
}

#[test]
fn histogram_bins_sit_on_their_edges() {
    let l = lay(&samples::histogram(), &Footnote::default(), 720, 400);
    assert_eq!(l.bars.len(), 11);
    let x_of = |v: f64| l.plot_x0_px as f64 + (v - 15.0) / (70.0 - 15.0) * (l.plot_x1_px - l.plot_x0_px) as f64;
    for (i, bar) in l.bars.iter().enumerate() {
        let lo = 15.0 + 5.0 * i as f64;
        assert!((bar.x_px as f64 - x_of(lo)).abs() <= 1.0, "{bar:?}");
        assert!(((bar.x_px + bar.w_px) as f64 - x_of(lo + 5.0)).abs() <= 2.0, "{bar:?}");
        assert_eq!(bar.y_px + bar.h_px, l.plot_y1_px);
    }
    // 298 is the tallest; 149 would be half as tall.
    let tallest = l.bars[2].h_px as f64;
    assert!((l.bars[3].h_px as f64 / tallest - 263.0 / 298.0).abs() < 0.01);
    assert!(values(&l, TextRole::Axis).contains(&"Respondents".to_string()));
    assert!(values(&l, TextRole::Tick).contains(&"25".to_string()));
}

#[test]
fn grouped_bars_colour_each_group_and_mark_significant_cells() {
    let l = lay(&Chart::Grouped(samples::crosstab()), &Footnote::default(), 720, 480);
    assert_eq!(l.bars.len(), 12);
    for bar in &l.bars {
        assert_eq!(bar.fill, style::OKABE_ITO[bar.series]);
    }
    let sig: Vec<&str> = l
        .bars
        .iter()
        .filter(|b| b.value_label.ends_with('*'))
        .map(|b| b.value_label.as_str())
        .collect();
    assert_eq!(sig, ["52%*", "41%*"]);
    let legend = values(&l, TextRole::Legend);
    assert_eq!(values(&l, TextRole::Subtitle), ["By Role"]);
    assert!(legend.contains(&"Student (n=312)".to_string()), "{legend:?}");
    assert!(
        legend.iter().any(|t| t.starts_with("* differs significantly")),
        "{legend:?}"
    );
    // Legend sits between title and plot.
    let title_bottom = l.texts_of(TextRole::Title)[0].bbox().3;
    for t in l.texts_of(TextRole::Legend) {
        assert!(t.bbox().1 >= title_bottom && t.bbox().3 <= l.plot_y0_px as f64, "{t:?}");
    }
    // Within an answer, the bars are stacked one under the other and 52% is 52/18 of 18%.
    let (a, c) = (&l.bars[0], &l.bars[2]);
    assert!(a.y_px < c.y_px);
    assert!((a.w_px as f64 / c.w_px as f64 - 52.0 / 18.0).abs() < 0.03);
    // The withheld cell has no bar.
    assert_eq!(l.bars[8].w_px, 0);
}

#[test]
fn stacked_bars_fill_the_axis_without_gaps() {
    let l = lay(&Chart::Stacked(samples::crosstab()), &Footnote::default(), 720, 400);
    for group in 0..3 {
        let segs: Vec<&BarGeom> = l.bars.iter().filter(|b| b.series == group).collect();
        assert_eq!(segs.len(), 4);
        assert_eq!(segs[0].x_px, l.plot_x0_px);
        for pair in segs.windows(2) {
            assert_eq!(pair[0].x_px + pair[0].w_px, pair[1].x_px);
        }
        let end = segs[3].x_px + segs[3].w_px;
        assert!((end - l.plot_x1_px).abs() <= 1, "{end} vs {}", l.plot_x1_px);
    }
    let bar_labels = values(&l, TextRole::Label);
    assert_eq!(
        bar_labels,
        ["Student (n=312)", "Researcher (n=405)", "Engineer (n=298)"]
    );
    // Labels inside segments are readable on their colour.
    for t in l.texts_of(TextRole::Value) {
        let seg = l.bars.iter().find(|b| {
            let (x0, y0, x1, y1) = t.bbox();
            x0 >= b.x_px as f64
                && x1 <= (b.x_px + b.w_px) as f64
                && y0 >= b.y_px as f64 - 2.0
                && y1 <= (b.y_px + b.h_px) as f64 + 2.0
        });
        let seg = seg.unwrap_or_else(|| panic!("{t:?} is not inside a segment"));
        let contrast = (t.colour.luminance() + 0.05).max(seg.fill.luminance() + 0.05)
            / (t.colour.luminance() + 0.05).min(seg.fill.luminance() + 0.05);
        assert!(contrast >= 3.0, "{t:?} on {:?}: {contrast}", seg.fill);
    }
}

#[test]
fn heatmap_shades_by_value_and_prints_every_value() {
    let l = lay(&Chart::Heatmap(samples::crosstab()), &Footnote::default(), 720, 400);
    assert_eq!(l.bars.len(), 12);
    let max = l.bars.iter().find(|b| b.value_label == "52%*").unwrap();
    assert_eq!(max.fill, style::sequential(1.0, false));
    let low = l.bars.iter().find(|b| b.value_label == "8%").unwrap();
    assert_eq!(low.fill, style::sequential(8.0 / 52.0, false));
    // Cells are equal and tile the plot.
    assert!(l.bars.windows(2).all(|p| (p[0].w_px - p[1].w_px).abs() <= 1));
    let printed = values(&l, TextRole::Value);
    assert_eq!(printed.len(), 12, "{printed:?}");
    assert_eq!(
        values(&l, TextRole::Label)[..3],
        ["Student (n=312)", "Researcher (n=405)", "Engineer (n=298)"]
    );
    // The colour scale runs from 0% to the largest value.
    let ticks = values(&l, TextRole::Tick);
    assert_eq!(ticks, ["0%", "52%"]);
    assert_eq!(l.boxes.iter().filter(|b| b.fill.is_some()).count(), 20);
}

#[test]
fn diverging_bars_centre_the_neutral_level() {
    let chart = samples::likert();
    let l = lay(&chart, &Footnote::default(), 720, 400);
    let centre = l.lines[0].x0_px;
    assert_eq!(centre, (l.plot_x0_px + l.plot_x1_px) / 2);
    for item in 0..4 {
        let segs: Vec<&BarGeom> = l.bars.iter().filter(|b| b.category == item).collect();
        assert_eq!(segs.len(), 5, "Don't know is left out");
        let neutral = segs[2];
        // Neutral straddles the centre; disagreement ends where it starts.
        assert!((neutral.x_px + neutral.w_px / 2 - centre).abs() <= 1, "{neutral:?}");
        assert_eq!(segs[1].x_px + segs[1].w_px, neutral.x_px);
        assert_eq!(neutral.x_px + neutral.w_px, segs[3].x_px);
    }
    assert_eq!(l.bars[0].fill, style::diverging(5)[0]);
    // Totals at the ends: 4 + 12 disagree, 44 + 17 agree.
    let totals = values(&l, TextRole::Value);
    assert!(
        totals.contains(&"16%".to_string()) && totals.contains(&"61%".to_string()),
        "{totals:?}"
    );
    assert!(l.footnote.join(" ").contains("Not shown: Don't know"));
    // Symmetric ticks through zero, ending at the first round value past 61%.
    let ticks: Vec<f64> = l.ticks.iter().map(|t| t.value).collect();
    assert!(ticks.contains(&0.0), "{ticks:?}");
    assert_eq!(ticks.first().map(|v| -v), ticks.last().copied());
    assert!((61.0..=80.0).contains(ticks.last().unwrap()), "{ticks:?}");
    assert_eq!(l.ticks[0].label, l.ticks.last().unwrap().label);
}

#[test]
fn rank_bars_follow_borda_score_with_first_place_share() {
    let l = lay(&samples::rank(), &Footnote::default(), 720, 400);
    assert_eq!(l.kind, "rank");
    let labels: Vec<&str> = l.bars.iter().map(|b| b.value_label.as_str()).collect();
    assert_eq!(labels[0], "2.6 · 34% first");
    assert_eq!(labels[2], "2.0 · 18% first");
    assert_eq!(values(&l, TextRole::Axis)[0], "Mean score (4 = ranked first, 0 = last)");
    // Whole at an overview card's width, not cut off.
    let card = lay(&samples::rank(), &Footnote::default(), 330, 300);
    assert_eq!(
        values(&card, TextRole::Axis)[0],
        "Mean score (4 = ranked first, 0 = last)"
    );
    let ticks: Vec<&str> = l.ticks.iter().map(|t| t.label.as_str()).collect();
    assert_eq!(ticks, ["0", "0.5", "1", "1.5", "2", "2.5", "3"]);
}

#[test]
fn footnote_and_synthetic_mark() {
    let foot = samples::footnote("Base: 12 respondents");
    let l = lay(&samples::ordinal(), &foot, 720, 400);
    assert_eq!(values(&l, TextRole::Badge), ["SYNTHETIC DATA"]);
    let text = l.footnote.join(" ");
    assert!(text.starts_with("Base: 12 respondents."), "{text}");
    assert!(text.contains("Data: canvass examples, version 1."), "{text}");
    // The badge sits top right and the title keeps clear of it.
    let badge = l.texts_of(TextRole::Badge)[0].bbox();
    assert!(badge.2 <= 720.0 - 15.0 && badge.1 <= 20.0);
    let real = Footnote {
        synthetic: false,
        ..foot
    };
    let l = lay(&samples::ordinal(), &real, 720, 400);
    assert!(values(&l, TextRole::Badge).is_empty());
    assert!(l.boxes.is_empty());
    // Footnote lines are the last texts and sit under everything else.
    let foot_top = l.texts_of(TextRole::Footnote)[0].bbox().1;
    for t in l.texts.iter().filter(|t| t.role != TextRole::Footnote) {
        assert!(t.bbox().3 <= foot_top, "{t:?}");
    }
}

#[test]
fn narrow_legends_wrap_into_rows() {
    let wide = lay(&Chart::Stacked(samples::crosstab()), &Footnote::default(), 1200, 400);
    let narrow = lay(&Chart::Stacked(samples::crosstab()), &Footnote::default(), 360, 400);
    let rows = |l: &ChartLayout| {
        let mut ys: Vec<i32> = l.texts_of(TextRole::Legend).iter().map(|t| t.y_px).collect();
        ys.dedup();
        ys.len()
    };
    assert_eq!(rows(&wide), 1);
    assert!(rows(&narrow) >= 3, "{}", rows(&narrow));
    assert!(narrow.plot_y0_px > wide.plot_y0_px);
    assert_tidy("narrow legend", &narrow);
}

#[test]
fn dark_theme_changes_colours_not_geometry() {
    let light = lay(&samples::nominal(), &Footnote::default(), 720, 400);
    let dark = layout(
        &samples::nominal(),
        &Footnote::default(),
        720,
        400,
        &ChartStyle::default().dark(),
    );
    assert_eq!(light.bars.len(), dark.bars.len());
    for (a, b) in light.bars.iter().zip(&dark.bars) {
        assert_eq!((a.x_px, a.y_px, a.w_px, a.h_px), (b.x_px, b.y_px, b.w_px, b.h_px));
    }
    assert!(dark.background.luminance() < 0.05);
    let title = dark.texts_of(TextRole::Title)[0];
    let contrast = (title.colour.luminance() + 0.05) / (dark.background.luminance() + 0.05);
    assert!(contrast > 7.0, "{contrast}");
    assert_ne!(light.bars[0].fill, dark.bars[0].fill);
}

fn freq_of(csv: &str) -> crate::freq::Frequencies {
    let loaded = load(csv.as_bytes(), &LoadOptions::default()).unwrap();
    frequencies(&loaded.dataset, 0, BaseKind::Answered).unwrap()
}

#[test]
fn frequencies_become_bars_with_base_footnote() {
    let f = freq_of("lang,id\nPython,1\nRust,2\nPython,3\n,4\nOther,5\n");
    let series = BarSeries::from_frequencies(&f, BarOrder::ByValue);
    assert_eq!(series.categories, ["Python", "Rust", "Other"]);
    assert_eq!(series.counts, [Some(2.0), Some(1.0), Some(1.0)]);
    assert_eq!(series.values[0], Some(50.0));
    assert_eq!(series.intervals.len(), 3);
    assert_eq!(
        Footnote::from_frequencies(&f).base,
        "Base: 4 respondents who answered (1 no answer)"
    );
}

#[test]
fn svg_output_contains_every_bar_and_label() {
    let f = freq_of("Favourite,id\nPython,1\nRust,2\nPython,3\n,4\n");
    let mut svg = String::new();
    {
        let area = SVGBackend::with_string(&mut svg, (480, 240)).into_drawing_area();
        draw_frequencies(&area, &f, &ChartStyle::svg()).unwrap();
    }
    // 13 px labels, as on the canvas, after plotters' SVG backend divides by 1.24.
    let sizes: Vec<f64> = svg
        .split("font-size=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next()?.parse().ok())
        .collect();
    assert!(sizes.iter().any(|s| (s - 13.0).abs() < 1e-6), "{sizes:?}");
    assert!(svg.contains("fill=\"#0072B2\""), "{svg}");
    for text in [
        "Python",
        "Rust",
        "67% (n=2)",
        "33% (n=1)",
        "Base: 3 respondents who answered (1 no answer).",
    ] {
        assert!(svg.contains(text), "missing {text}: {svg}");
    }
}

#[test]
fn adapters_reshape_without_changing_numbers() {
    let t = GroupedTable::from_counts(
        "q",
        "by",
        vec!["yes".into(), "no".into()],
        vec!["a".into(), "b".into()],
        &[vec![Some(3.0), Some(0.0)], vec![Some(1.0), None]],
    );
    // Column a: 3 of 4 and 1 of 4; column b: 0 of 0 known, so no percentages.
    assert_eq!(t.cells, [vec![Some(75.0), None], vec![Some(25.0), None]]);
    assert_eq!(t.col_bases, [Some(4.0), Some(0.0)]);

    // Three items ranked by four respondents: points are 2 for first, 1, 0 for third.
    // Rank positions as a loader gives them for a ranking item: levels "1", "2", "3".
    let ranks = |text: &str, counts: [f64; 3]| crate::freq::Frequencies {
        question: text.into(),
        text: text.into(),
        base: crate::freq::Base {
            kind: BaseKind::Answered,
            n: counts.iter().sum(),
        },
        rows: counts
            .iter()
            .enumerate()
            .map(|(i, &c)| crate::freq::FreqRow {
                option: (i + 1).to_string(),
                count: Some(c),
                percent: None,
                ci: None,
                withheld: None,
            })
            .collect(),
        missing: Vec::new(),
        percent_of: "respondents".into(),
        respondents: 4,
        ..Default::default()
    };
    let a = ranks("Rank [Speed]", [2.0, 1.0, 1.0]);
    let b = ranks("Rank [Docs]", [2.0, 1.0, 1.0]);
    let c = ranks("Rank [GPU]", [0.0, 2.0, 2.0]);
    let r = RankScores::from_frequencies("Rank", &[a, b, c]);
    assert_eq!(r.items, ["Speed", "Docs", "GPU"]);
    // Speed: 2×2 + 1×1 + 1×0 = 5 points over 4; GPU: 2×1 = 2 over 4.
    assert_eq!(r.borda, [Some(5.0 / 4.0), Some(5.0 / 4.0), Some(2.0 / 4.0)]);
    assert_eq!(r.first_place, [Some(50.0), Some(50.0), Some(0.0)]);
    assert_eq!(r.max_score, 2.0);

    let x = freq_of("Docs [Clear]\nAgree\nDisagree\nAgree\nNeutral\n");
    let y = freq_of("Docs [Current]\nNeutral\nAgree\n");
    let likert = LikertRows::from_frequencies("Docs", &[x, y]);
    assert_eq!(likert.items, ["Clear", "Current"]);
    // The loader recognises an agreement scale and puts it in scale order.
    assert_eq!(likert.levels, ["Disagree", "Neutral", "Agree"]);
    assert_eq!(likert.cells[1], [None, Some(50.0), Some(50.0)]);

    let h = Histogram::from_values("Age", &[18.0, 25.0, 39.0, 70.0, f64::NAN]);
    assert_eq!(h.edges, [10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0]);
    assert_eq!(h.counts.iter().flatten().sum::<f64>(), 4.0);
}

#[test]
fn a_question_gets_the_chart_its_answers_call_for() {
    use adapt::{chart_for_question, ChartError, ChartKind};
    let loaded = load(
        b"Response ID,lang,age\nR1,Python,30\nR2,Rust,41\nR3,Python,\n",
        &LoadOptions::default(),
    )
    .unwrap();
    let ds = &loaded.dataset;
    let (chart, foot) = chart_for_question(ds, 1, None).unwrap();
    assert_eq!(chart.kind_name(), "bar");
    assert_eq!(foot.base, "Base: 3 respondents who answered");
    assert_eq!(chart_for_question(ds, 2, None).unwrap().0.kind_name(), "histogram");
    // Languages have no "disagree" side: diverging bars are refused.
    assert_eq!(
        chart_for_question(ds, 1, Some(ChartKind::Diverging)).unwrap_err(),
        ChartError::NotBipolar("lang".into())
    );
    assert_eq!(
        chart_for_question(ds, 1, Some(ChartKind::Heatmap)).unwrap_err(),
        ChartError::NeedsTwoQuestions("heatmap")
    );
    let err = chart_for_question(ds, 0, None).unwrap_err().to_string();
    // Named by its text, with why in words.
    assert!(err.starts_with("“Response ID”: identifies respondents"), "{err}");
    assert!(chart_for_question(ds, 9, None).is_err());
}

#[test]
fn preferred_height_grows_with_rows_and_with_a_wrapping_legend() {
    let style = ChartStyle::default();
    let few = samples::ordinal();
    let Chart::Bars(mut series) = samples::ordinal() else {
        unreachable!()
    };
    series.categories.extend((0..20).map(|i| format!("more {i}")));
    let many = Chart::Bars(series);
    assert!(preferred_height_px(&many, 640, &style) > preferred_height_px(&few, 640, &style) + 20 * 20);
    let stacked = Chart::Stacked(samples::crosstab());
    assert!(preferred_height_px(&stacked, 300, &style) > preferred_height_px(&stacked, 1200, &style));
    // Twice the scale, twice the pixels.
    let double = ChartStyle {
        scale: 2.0,
        ..ChartStyle::default()
    };
    let (h1, h2) = (
        preferred_height_px(&few, 640, &style),
        preferred_height_px(&few, 1280, &double),
    );
    assert!((h2 - 2 * h1).abs() <= 4, "{h1} {h2}");
}

#[test]
fn grids_rankings_scales_and_multi_selects_get_their_charts() {
    use crate::dataset::{Bitset, Categorical, Column, Dataset, MultiSelect, Question, QuestionKind};
    use adapt::chart_for_question;
    let categorical = |id: &str, kind, group: Option<&str>, levels: &[&str], codes: &[u16]| Question {
        id: id.into(),
        text: id.into(),
        kind,
        group: group.map(String::from),
        column: Column::Categorical(
            Categorical::new(levels.iter().map(|s| s.to_string()).collect(), codes.to_vec()).unwrap(),
        ),
    };
    let agree = ["Disagree", "Neutral", "Agree"];
    let ranks = ["1", "2", "3"];
    let mut picked = [Bitset::new(4), Bitset::new(4)];
    for row in [0, 1, 2] {
        picked[0].insert(row);
    }
    for row in [1, 2, 3] {
        picked[1].insert(row);
    }
    let multi = Question {
        id: "tools".into(),
        text: "Which tools do you use?".into(),
        kind: QuestionKind::Multi,
        group: None,
        column: Column::Multi(
            MultiSelect::new(vec!["Jupyter".into(), "VS Code".into()], picked.to_vec(), vec![None; 4]).unwrap(),
        ),
    };
    let ds = Dataset::new(
        4,
        vec![
            categorical("Docs [Clear]", QuestionKind::Grid, Some("Docs"), &agree, &[2, 2, 1, 0]),
            categorical(
                "Docs [Current]",
                QuestionKind::Grid,
                Some("Docs"),
                &agree,
                &[2, 1, 1, 1],
            ),
            categorical("Rank [Speed]", QuestionKind::Rank, Some("Rank"), &ranks, &[0, 0, 1, 2]),
            categorical("Rank [Docs]", QuestionKind::Rank, Some("Rank"), &ranks, &[1, 2, 0, 0]),
            categorical("Rank [GPU]", QuestionKind::Rank, Some("Rank"), &ranks, &[2, 1, 2, 1]),
            categorical(
                "often",
                QuestionKind::Ordinal,
                None,
                &["Daily", "Weekly", "Never"],
                &[2, 2, 2, 0],
            ),
            multi,
        ],
    )
    .unwrap();

    let (grid, foot) = chart_for_question(&ds, 1, None).unwrap();
    let Chart::Diverging(likert) = &grid else {
        panic!("{grid:?}")
    };
    assert_eq!(likert.title, "Docs");
    assert_eq!(likert.items, ["Clear", "Current"]);
    assert_eq!(likert.cells[1], [Some(0.0), Some(75.0), Some(25.0)]);
    assert_eq!(foot.base, "Base: respondents who answered each item (4 to 4)");

    let (rank, _) = chart_for_question(&ds, 2, None).unwrap();
    let Chart::Rank(rank) = &rank else { panic!("{rank:?}") };
    assert_eq!(rank.items, ["Speed", "Docs", "GPU"]);
    // Speed: ranks 1, 1, 2, 3 earn 2 + 2 + 1 + 0 points over 4 respondents.
    assert_eq!(rank.borda[0], Some(5.0 / 4.0));
    assert_eq!(rank.first_place[1], Some(50.0));

    // A scale keeps its order even when a later level is the most common.
    let (scale, _) = chart_for_question(&ds, 5, None).unwrap();
    let l = lay(&scale, &Footnote::default(), 600, 300);
    let order: Vec<&str> = l.bars.iter().map(|b| b.label.as_str()).collect();
    assert_eq!(order, ["Daily", "Weekly", "Never"]);

    let (tools, foot) = chart_for_question(&ds, 6, None).unwrap();
    let Chart::Bars(series) = &tools else {
        panic!("{tools:?}")
    };
    assert_eq!(series.axis_label, "% of respondents");
    assert_eq!(series.values, [Some(75.0), Some(75.0)]);
    assert!(foot.notes[0].contains("more than one answer"), "{foot:?}");
}

#[test]
fn a_narrow_chart_keeps_its_axis_title_whole() {
    let l = lay(&samples::nominal(), &Footnote::default(), 340, 420);
    let axis = l.texts_of(TextRole::Axis)[0];
    assert_eq!(axis.text, "% of respondents who answered");
    assert!(axis.bbox().2 - axis.bbox().0 > (l.plot_x1_px - l.plot_x0_px) as f64);
    assert_tidy("narrow", &l);
}

/// Two answers by two groups with intervals, one cell withheld (its interval too, as a
/// protected table gives it).
fn with_intervals() -> GroupedTable {
    GroupedTable {
        title: "Uses numpy.random".into(),
        col_title: "Role".into(),
        row_labels: vec!["Yes".into(), "No".into()],
        col_labels: vec!["Student".into(), "Engineer".into()],
        cells: vec![vec![Some(40.0), Some(55.0)], vec![Some(60.0), None]],
        intervals: vec![
            vec![Some([30.0, 50.0]), Some([45.0, 65.0])],
            vec![Some([50.0, 70.0]), Some([1.0, 2.0])],
        ],
        k: 10,
        ..GroupedTable::default()
    }
}

#[test]
fn grouped_whiskers_sit_on_the_value_scale() {
    let chart = Chart::Grouped(with_intervals());
    let l = lay(&chart, &Footnote::default(), 720, 480);
    assert_tidy("grouped whiskers", &l);
    // The axis reaches the highest upper end, 70%, rounded up to a tick.
    let axis_max = l.ticks.last().unwrap().value;
    assert!(axis_max >= 70.0, "{axis_max}");
    let x_of = |v: f64| l.plot_x0_px as f64 + v / axis_max * (l.plot_x1_px - l.plot_x0_px) as f64;
    // Three whiskers of three lines (span and two caps), then the zero line: the
    // withheld cell (row 1, column 1) has neither bar nor whisker though an interval
    // came with it.
    assert_eq!(l.lines.len(), 3 * 3 + 1);
    let spans: Vec<&LineGeom> = l.lines.iter().step_by(3).take(3).collect();
    let expected = [(0, 0, 30.0, 50.0), (0, 1, 45.0, 65.0), (1, 0, 50.0, 70.0)];
    for (span, (row, col, lo, hi)) in spans.iter().zip(expected) {
        let bar = l.bars.iter().find(|b| b.category == row && b.series == col).unwrap();
        assert_eq!(span.y0_px, span.y1_px, "{span:?}");
        assert!((span.x0_px as f64 - x_of(lo)).abs() <= 1.0, "{span:?} vs {}", x_of(lo));
        assert!((span.x1_px as f64 - x_of(hi)).abs() <= 1.0, "{span:?} vs {}", x_of(hi));
        assert!(
            span.y0_px >= bar.y_px && span.y0_px <= bar.y_px + bar.h_px,
            "{span:?} {bar:?}"
        );
        // The value label starts right of the whisker.
        let label = l
            .texts_of(TextRole::Value)
            .into_iter()
            .find(|t| t.bbox().1 <= span.y0_px as f64 && t.bbox().3 >= span.y0_px as f64)
            .unwrap();
        assert!(label.bbox().0 > x_of(hi), "{label:?}");
    }
    let withheld = l.bars.iter().find(|b| b.category == 1 && b.series == 1).unwrap();
    assert_eq!(withheld.w_px, 0);
    assert!(l.footnote.join(" ").contains("Whiskers show 95% confidence intervals"));
    // Without intervals: no whiskers, no note, and the axis need only reach 60%.
    let plain = lay(&chart.without_intervals(), &Footnote::default(), 720, 480);
    assert_eq!(plain.lines.len(), 1);
    assert!(!plain.footnote.join(" ").contains("Whiskers"));
    assert!(plain.ticks.last().unwrap().value < axis_max + 1e-9);
}

#[test]
fn stacked_and_heatmap_charts_draw_no_whiskers() {
    for chart in [Chart::Stacked(with_intervals()), Chart::Heatmap(with_intervals())] {
        let l = lay(&chart, &Footnote::default(), 720, 480);
        assert!(l.lines.is_empty(), "{}: {:?}", chart.kind_name(), l.lines);
        assert!(!l.footnote.join(" ").contains("Whiskers"));
    }
}

/// `n` groups with long names, every cell shown.
fn many_groups(n: usize) -> GroupedTable {
    GroupedTable {
        title: "How did you first learn NumPy?".into(),
        col_title: "Country of residence".into(),
        row_labels: vec!["Course".into(), "Tutorial".into(), "Documentation".into()],
        col_labels: (0..n).map(|i| format!("Country {i} of the world")).collect(),
        cells: (0..3)
            .map(|r| (0..n).map(|c| Some(10.0 + ((r * 7 + c * 3) % 40) as f64)).collect())
            .collect(),
        col_bases: (0..n).map(|c| Some(20.0 + c as f64)).collect(),
        ..GroupedTable::default()
    }
}

#[test]
fn grouped_bars_beyond_the_palette_name_every_bar() {
    // Seven groups: one Okabe–Ito colour each, all different, named in the legend.
    let seven = lay(&Chart::Grouped(many_groups(7)), &Footnote::default(), 900, 900);
    let fills: std::collections::HashSet<Rgb> = seven.bars.iter().map(|b| b.fill).collect();
    assert_eq!(fills.len(), 7);
    assert_eq!(seven.boxes.iter().filter(|b| b.fill.is_some()).count(), 7);
    // Fifteen: a colour would repeat, so one colour, no swatches, and each bar's label
    // starts with its group's name.
    let chart = Chart::Grouped(many_groups(15));
    let style = ChartStyle::default();
    let h = preferred_height_px(&chart, 900, &style);
    let l = lay(&chart, &Footnote::default(), 900, h);
    assert_tidy("15 groups", &l);
    assert!(l.bars.iter().all(|b| b.fill == style.bar));
    assert_eq!(l.boxes.iter().filter(|b| b.fill.is_some()).count(), 0);
    assert!(values(&l, TextRole::Legend)
        .iter()
        .any(|t| t.contains("each bar is named")));
    let printed = values(&l, TextRole::Value);
    assert_eq!(printed.len(), 45, "{printed:?}");
    // Within a row, bars come in group order, each named by its group.
    for (i, text) in printed.iter().enumerate() {
        assert!(
            text.starts_with(&format!("Country {} of the world: ", i % 15)),
            "{text}"
        );
    }
}

#[test]
fn heatmap_headers_turn_upright_when_they_would_be_cut() {
    // Three short headers wrap within their columns, horizontally and whole.
    let few = lay(&Chart::Heatmap(samples::crosstab()), &Footnote::default(), 720, 400);
    assert!(few.texts.iter().all(|t| !t.vertical));
    // Fifteen long ones cannot: they stand upright, whole, over their own column, and
    // no header overlaps another or leaves the canvas.
    let table = many_groups(15);
    for width in [480, 720, 1200] {
        let chart = Chart::Heatmap(table.clone());
        let style = ChartStyle::default();
        let h = preferred_height_px(&chart, width, &style);
        let l = lay(&chart, &Footnote::default(), width, h);
        assert_tidy(&format!("heatmap 15 groups at {width}px"), &l);
        let heads: Vec<&TextGeom> = l.texts.iter().filter(|t| t.vertical).collect();
        assert_eq!(heads.len(), 15, "{width}px");
        let col_w = (l.plot_x1_px - l.plot_x0_px) as f64 / 15.0;
        for (c, head) in heads.iter().enumerate() {
            assert_eq!(head.text, format!("Country {c} of the world (n={})", 20 + c));
            let (x0, y0, x1, y1) = head.bbox();
            let (col_x0, col_x1) = (
                l.plot_x0_px as f64 + c as f64 * col_w,
                l.plot_x0_px as f64 + (c + 1) as f64 * col_w,
            );
            assert!(
                x0 >= col_x0 - 0.5 && x1 <= col_x1 + 0.5,
                "{width}px: {head:?} outside its column"
            );
            assert!(y1 <= l.plot_y0_px as f64 && y0 >= 0.0, "{width}px: {head:?}");
        }
    }
}

#[test]
fn an_all_withheld_crosstab_says_so_instead_of_an_empty_axis() {
    let table = GroupedTable {
        title: "Uses numpy.random".into(),
        row_labels: vec!["Yes".into(), "No".into()],
        col_labels: vec!["Student".into(), "Engineer".into()],
        cells: vec![vec![None, None], vec![None, None]],
        k: 10,
        ..GroupedTable::default()
    };
    for chart in [
        Chart::Grouped(table.clone()),
        Chart::Stacked(table.clone()),
        Chart::Heatmap(table.clone()),
    ] {
        let l = lay(&chart, &Footnote::default(), 640, 360);
        assert_tidy(chart.kind_name(), &l);
        assert!(
            l.ticks.is_empty() && l.bars.is_empty() && l.grid.is_empty(),
            "{}",
            chart.kind_name()
        );
        assert_eq!(
            values(&l, TextRole::Note),
            ["All counts withheld (fewer than 10 respondents)"],
            "{}",
            chart.kind_name()
        );
        assert!(!l.texts.iter().any(|t| t.text.ends_with('%')), "{}", chart.kind_name());
    }
    let none_to_show = GroupedTable { k: 0, ..table };
    let l = lay(&Chart::Grouped(none_to_show), &Footnote::default(), 640, 360);
    assert_eq!(values(&l, TextRole::Note), ["No answers to show"]);
}

/// WCAG 2 contrast ratio of two colours.
fn contrast(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (a.luminance() + 0.05, b.luminance() + 0.05);
    la.max(lb) / la.min(lb)
}

#[test]
fn chart_text_colours_reach_wcag_aa_on_their_background() {
    // The luminance formula against WCAG's own reference values: black on white is
    // 21:1, and #777777 on white is the well-known 4.48:1 that just fails AA.
    assert!((contrast(Rgb(0, 0, 0), Rgb(255, 255, 255)) - 21.0).abs() < 1e-9);
    assert!((contrast(Rgb(0x77, 0x77, 0x77), Rgb(255, 255, 255)) - 4.48).abs() < 0.01);
    for style in [ChartStyle::default(), ChartStyle::default().dark()] {
        for (name, ink) in [("text", style.text), ("muted", style.muted), ("badge", style.warning)] {
            let ratio = contrast(ink, style.background);
            assert!(ratio >= 4.5, "dark={} {name} {}: {ratio:.2}", style.dark, ink.hex());
        }
        // Whiskers and the zero line are graphics: 3:1 against the background.
        assert!(contrast(style.text, style.background) >= 3.0);
    }
}

#[test]
fn seven_series_get_seven_colours_in_both_themes() {
    for style in [ChartStyle::default(), ChartStyle::default().dark()] {
        let colours: std::collections::HashSet<Rgb> = (0..7).map(|i| style.series(i)).collect();
        assert_eq!(colours.len(), 7, "dark={}", style.dark);
        assert_eq!(style.series(0), style.bar);
        // The eighth comes round again, hatched.
        assert_eq!(style.series(7), style.series(0));
        assert_eq!(style.series_pattern(7), geom::Pattern::Rising);
    }
}

#[test]
fn stacked_answers_past_the_palette_are_hatched_apart() {
    // Sixteen answers in three groups: colours repeat after seven, so the second pass
    // is hatched rising, the third (answers 14 and 15) falling.
    let n = 16;
    let table = GroupedTable {
        title: "Which country do you live in?".into(),
        row_labels: (0..n).map(|i| format!("Answer {i}")).collect(),
        col_labels: vec!["A".into(), "B".into(), "C".into()],
        cells: (0..n).map(|_| vec![Some(100.0 / n as f64); 3]).collect(),
        ..GroupedTable::default()
    };
    let chart = Chart::Stacked(table);
    let style = ChartStyle::default();
    let l = lay(
        &chart,
        &Footnote::default(),
        900,
        preferred_height_px(&chart, 900, &style),
    );
    assert_tidy("stacked 16", &l);
    let looks: std::collections::HashSet<(Rgb, geom::Pattern)> = l.bars.iter().map(|b| (b.fill, b.pattern)).collect();
    assert_eq!(looks.len(), n, "every answer looks different");
    for bar in &l.bars {
        let expected = match bar.category {
            0..=6 => geom::Pattern::Solid,
            7..=13 => geom::Pattern::Rising,
            _ => geom::Pattern::Falling,
        };
        assert_eq!(bar.pattern, expected, "{bar:?}");
    }
    // The legend's swatches, in answer order, look like the answers' segments.
    let swatches: Vec<(Rgb, geom::Pattern)> = l.boxes.iter().filter_map(|b| b.fill.map(|f| (f, b.pattern))).collect();
    let first_group: Vec<(Rgb, geom::Pattern)> = l
        .bars
        .iter()
        .filter(|b| b.series == 0)
        .map(|b| (b.fill, b.pattern))
        .collect();
    assert_eq!(swatches, first_group);
}

#[test]
fn hatch_lines_stay_inside_their_rectangle_at_their_spacing() {
    use geom::Pattern;
    assert!(Pattern::Solid.segments(0, 0, 30, 20, 6).is_empty());
    // Rising lines x + y = 3, 9, 15, …, 45 in a 30 × 20 box: eight lines, by hand.
    let rising = Pattern::Rising.segments(0, 0, 30, 20, 6);
    assert_eq!(rising.len(), 8);
    assert_eq!(rising[0], [(0, 3), (3, 0)]);
    // The last, x + y = 45, enters at the bottom edge (x = 45 − 20) and leaves at the right.
    assert_eq!(rising[7], [(25, 20), (30, 15)]);
    for [a, b] in Pattern::Crossed.segments(10, 5, 40, 25, 6) {
        for (x, y) in [a, b] {
            assert!((10..=40).contains(&x) && (5..=25).contains(&y), "{a:?} {b:?}");
        }
        assert_eq!((b.0 - a.0).abs(), (b.1 - a.1).abs(), "45° lines");
    }
    assert_eq!(Pattern::Crossed.segments(0, 0, 30, 20, 6).len(), 16);
    assert!(Pattern::Rising.segments(5, 5, 5, 9, 6).is_empty());
}

#[test]
fn at_a_phones_width_titles_subtitles_and_footnotes_wrap_whole() {
    let style = ChartStyle::default();
    let mut foot = samples::footnote("Base: 1,015 respondents who answered both questions");
    foot.filters = vec!["What is your gender? is Male".into()];
    foot.suppression =
        Some("Cells based on fewer than 10 respondents, and cells that would reveal them, are not shown".into());
    for (name, chart, _) in samples::all() {
        let h = preferred_height_with_footnote(&chart, &foot, 343, &style);
        let l = layout(&chart, &foot, 343, h, &style);
        for role in [TextRole::Title, TextRole::Subtitle, TextRole::Footnote] {
            let cut: Vec<String> = values(&l, role).into_iter().filter(|t| t.contains('…')).collect();
            assert!(cut.is_empty(), "{name} {role:?} cut: {cut:?}");
        }
        assert_eq!(values(&l, TextRole::Title).join(" "), chart.title(), "{name}");
        // Nothing leaves the canvas or overlaps (the heatmap's colour scale did).
        assert_tidy(&format!("{name} at 343 px"), &l);
        assert!(h >= preferred_height_px(&chart, 343, &style), "{name}");
    }
}

#[test]
fn a_frequency_grid_is_stacked_and_refuses_diverging_bars() {
    use crate::dataset::{Categorical, Column, Dataset, Question, QuestionKind};
    use adapt::{chart_for_question, ChartError, ChartKind};
    let often = ["Daily", "Weekly", "Monthly", "Less frequently"];
    let item = |id: &str, codes: &[u16]| Question {
        id: id.into(),
        text: format!("How often do you use - {id}"),
        kind: QuestionKind::Grid,
        group: Some("often".into()),
        column: Column::Categorical(
            Categorical::new(often.iter().map(|s| s.to_string()).collect(), codes.to_vec()).unwrap(),
        ),
    };
    let ds = Dataset::new(4, vec![item("Pandas", &[0, 0, 1, 3]), item("NumPy", &[0, 1, 2, 2])]).unwrap();
    // Frequencies have no "disagree" side: no diverging axis by default…
    let (chart, _) = chart_for_question(&ds, 0, None).unwrap();
    let Chart::Stacked(table) = &chart else {
        panic!("{chart:?}")
    };
    assert_eq!(table.row_labels, often);
    assert_eq!(table.col_labels, ["Pandas", "NumPy"]);
    assert_eq!(table.cells[0], [Some(50.0), Some(25.0)]);
    // …and none when asked for.
    let err = chart_for_question(&ds, 0, Some(ChartKind::Diverging)).unwrap_err();
    assert!(matches!(err, ChartError::NotBipolar(_)), "{err}");
}
