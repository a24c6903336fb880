//! Horizontal bars, one per category: nominal, ordinal and multi-select questions, and
//! rankings (as mean Borda scores).

use super::frame::{frame, text, LegendItem, Metrics};
use super::geom::{BarGeom, ChartLayout, HAlign, LineGeom, TextRole, VAlign};
use super::input::{order_by_value, value_at, BarOrder, BarSeries, Footnote, RankScores, Unit};
use super::rows::{h_axis, lay_rows, whisker_lines};
use super::style::ChartStyle;
use super::text::{fmt_count, fmt_number, fmt_percent, text_width_px};

pub(crate) const SIGNIFICANT_NOTE: &str = "* differs significantly (95% level)";

fn format_value(unit: Unit, v: f64) -> String {
    match unit {
        Unit::Percent => fmt_percent(v),
        Unit::Count => fmt_count(v),
        Unit::Score => format!("{v:.1}"),
    }
}

fn tick_label(unit: Unit, v: f64, step_hint: f64) -> String {
    match unit {
        Unit::Percent => format!("{}%", fmt_number(v, step_hint)),
        Unit::Count => fmt_number(v, step_hint),
        Unit::Score => fmt_number(v, step_hint),
    }
}

/// The label printed beside bar `idx`: the given one, or the value with its count.
fn value_label(series: &BarSeries, idx: usize) -> String {
    let mut label = match series.value_labels.get(idx) {
        Some(given) => given.clone(),
        None => match value_at(&series.values, idx) {
            None => "–".to_string(),
            Some(v) => match (series.unit, value_at(&series.counts, idx)) {
                (Unit::Percent, Some(n)) => format!("{} (n={})", fmt_percent(v), fmt_count(n)),
                (unit, _) => format_value(unit, v),
            },
        },
    };
    if series.significant.get(idx).copied().unwrap_or(false) {
        label.push_str(" *");
    }
    label
}

/// Lays out `series` as horizontal bars in a `width_px` × `height_px` area.
pub fn bar_layout(
    series: &BarSeries,
    footnote: &Footnote,
    width_px: i32,
    height_px: i32,
    style: &ChartStyle,
) -> ChartLayout {
    bar_layout_kind(series, footnote, width_px, height_px, style, "bar")
}

fn bar_layout_kind(
    series: &BarSeries,
    footnote: &Footnote,
    width_px: i32,
    height_px: i32,
    style: &ChartStyle,
    kind: &'static str,
) -> ChartLayout {
    let m = Metrics::of(style);
    let (w, h) = (width_px.max(1) as f64, height_px.max(1) as f64);
    let order: Vec<usize> = match series.order {
        BarOrder::ByValue => order_by_value(&series.categories, &series.values),
        BarOrder::AsGiven => (0..series.categories.len()).collect(),
    };
    let has_intervals = series.intervals.iter().any(Option::is_some);
    let mut footnote = footnote.clone();
    if has_intervals {
        footnote
            .notes
            .push("Whiskers show 95% confidence intervals".to_string());
    }
    let mut legend = Vec::new();
    if series.significant.iter().any(|&s| s) {
        legend.push(LegendItem::Note(SIGNIFICANT_NOTE.to_string()));
    }
    let fr = frame(&series.title, "", &footnote, &legend, w, h, style);
    let labels: Vec<String> = order.iter().map(|&i| series.categories[i].clone()).collect();
    let value_labels: Vec<String> = order.iter().map(|&i| value_label(series, i)).collect();
    let value_w = value_labels
        .iter()
        .map(|l| text_width_px(l, m.font))
        .fold(0.0, f64::max);
    let rows = lay_rows(
        &fr,
        &labels,
        0.0,
        value_w + 8.0 * m.s,
        !series.axis_label.is_empty(),
        style,
    );

    let mut hi: f64 = 0.0;
    for &i in &order {
        if let Some(v) = value_at(&series.values, i) {
            hi = hi.max(v);
        }
        if let Some(Some([_, upper])) = series.intervals.get(i) {
            if upper.is_finite() {
                hi = hi.max(*upper);
            }
        }
    }
    if hi <= 0.0 {
        hi = if series.unit == Unit::Percent { 100.0 } else { 1.0 };
    }
    if series.unit == Unit::Percent {
        hi = hi.min(100.0);
    }
    let mut ticks = Vec::new();
    let mut grid = Vec::new();
    let mut texts = fr.texts;
    let unit = series.unit;
    let axis = h_axis(
        &rows,
        0.0,
        hi,
        &|v, step| tick_label(unit, v, step),
        &series.axis_label,
        style,
        &mut ticks,
        &mut grid,
        &mut texts,
    );
    texts.extend(rows.labels.iter().cloned());

    let bar_h = (rows.slot_h * 0.7).round().max(1.0);
    let value_font = m.font.min(rows.slot_h / 1.25).max(6.0 * m.s);
    let mut bars = Vec::new();
    let mut lines = Vec::new();
    for (slot, &idx) in order.iter().enumerate() {
        let mid = rows.mid(slot);
        let y = (mid - bar_h / 2.0).round();
        let value = value_at(&series.values, idx).map(|v| v.clamp(axis.lo, axis.hi));
        let w_bar = value.map_or(0.0, |v| (axis.x(v) - axis.x0).round());
        bars.push(BarGeom {
            label: labels[slot].clone(),
            value_label: value_labels[slot].clone(),
            x_px: axis.x0.round() as i32,
            y_px: y as i32,
            w_px: w_bar as i32,
            h_px: bar_h as i32,
            fill: style.bar,
            pattern: super::geom::Pattern::Solid,
            category: idx,
            series: 0,
        });
        let mut label_x = axis.x0 + w_bar;
        // A suppressed or empty value has no interval to show either.
        if let (Some(_), Some(Some([lo, up]))) = (value, series.intervals.get(idx)) {
            if lo.is_finite() && up.is_finite() {
                let (xl, xu) = (axis.x(lo.clamp(axis.lo, axis.hi)), axis.x(up.clamp(axis.lo, axis.hi)));
                let cap = (bar_h * 0.25).round();
                let my = mid.round() as i32;
                lines.extend(whisker_lines(xl, xu, my, cap as i32, style, &m));
                label_x = label_x.max(xu);
            }
        }
        texts.push(text(
            value_labels[slot].clone(),
            label_x + 6.0 * m.s,
            mid,
            value_font,
            style.muted,
            HAlign::Left,
            VAlign::Middle,
            TextRole::Value,
        ));
    }
    // The zero line, over the bars' left ends.
    lines.push(LineGeom {
        x0_px: axis.x0.round() as i32,
        y0_px: rows.y0.round() as i32,
        x1_px: axis.x0.round() as i32,
        y1_px: rows.y1.round() as i32,
        colour: style.muted,
        width_px: 1,
    });
    ChartLayout {
        kind,
        width_px,
        height_px,
        background: style.background,
        title: series.title.clone(),
        plot_x0_px: axis.x0.round() as i32,
        plot_x1_px: axis.x1.round() as i32,
        plot_y0_px: rows.y0.round() as i32,
        plot_y1_px: rows.y1.round() as i32,
        ticks,
        grid,
        bars,
        lines,
        boxes: fr.boxes,
        texts,
        footnote: fr.footnote,
    }
}

/// A ranking as bars of mean Borda score, largest first, each labelled with its score
/// and the share of respondents who put it first.
pub fn rank_layout(
    rank: &RankScores,
    footnote: &Footnote,
    width_px: i32,
    height_px: i32,
    style: &ChartStyle,
) -> ChartLayout {
    let value_labels = (0..rank.items.len())
        .map(|i| {
            let score = value_at(&rank.borda, i).map_or("–".to_string(), |v| format!("{v:.1}"));
            match value_at(&rank.first_place, i) {
                Some(p) => format!("{score} · {} first", fmt_percent(p)),
                None => score,
            }
        })
        .collect();
    let max = if rank.max_score.is_finite() && rank.max_score > 0.0 {
        format!(" ({} = ranked first, 0 = last)", fmt_number(rank.max_score, 0.1))
    } else {
        String::new()
    };
    let series = BarSeries {
        title: rank.title.clone(),
        categories: rank.items.clone(),
        values: rank.borda.clone(),
        value_labels,
        unit: Unit::Score,
        // Short enough for a card's width; `rank_note` says what a score is.
        axis_label: format!("Mean score{max}"),
        order: BarOrder::ByValue,
        ..BarSeries::default()
    };
    bar_layout_kind(&series, footnote, width_px, height_px, style, "rank")
}
