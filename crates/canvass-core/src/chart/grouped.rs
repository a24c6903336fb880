//! Crosstabs as bars: side by side (one colour per column group) and 100% stacked
//! (one bar per column group, one colour per answer).
//!
//! Stacked bars colour their answers from the same palette; past seven answers the
//! colours come round again hatched (rising, then falling, then crossed lines), so each
//! answer keeps a colour-and-pattern of its own in the segments and the legend alike.
//!
//! Grouped bars draw each shown percent's 95% interval as a whisker when the table
//! carries intervals; a withheld cell has neither bar nor whisker. Colour names the
//! group only while the Okabe–Ito palette lasts (seven colours): with more groups a
//! repeated colour would make the legend ambiguous, so every bar is drawn in the one
//! series colour and named by its group in its value label instead, and the legend
//! says so. (A view that does not ask for grouped bars gets a heatmap beyond seven
//! groups, see `crosstab_view.rs`.) A table whose every cell is withheld gets no axis at
//! all, which would read as a row of zeros, but a sentence saying why it is empty.
//! Nothing here decides what is withheld or significant: that arrives in the table.

use super::bars::SIGNIFICANT_NOTE;
use super::frame::{frame, text, LegendItem, Metrics};
use super::geom::{BarGeom, ChartLayout, HAlign, LineGeom, Pattern, TextRole, VAlign};
use super::input::{value_at, Footnote, GroupedTable};
use super::rows::{h_axis, lay_rows, whisker_lines};
use super::style::{ChartStyle, Rgb, OKABE_ITO};
use super::text::{elide, fmt_count, fmt_number, fmt_percent, text_width_px, wrap};

fn cell(table: &GroupedTable, row: usize, col: usize) -> Option<f64> {
    table.cells.get(row).and_then(|r| value_at(r, col))
}

fn significant(table: &GroupedTable, row: usize, col: usize) -> bool {
    table
        .significant
        .get(row)
        .and_then(|r| r.get(col))
        .copied()
        .unwrap_or(false)
}

fn any_significant(table: &GroupedTable) -> bool {
    table.significant.iter().flatten().any(|&s| s)
}

fn cell_label(table: &GroupedTable, row: usize, col: usize) -> String {
    let mut label = cell(table, row, col).map_or("–".to_string(), fmt_percent);
    if significant(table, row, col) {
        label.push('*');
    }
    label
}

/// Text colour readable on `fill`.
pub(crate) fn ink_on(fill: Rgb) -> Rgb {
    if fill.luminance() > 0.33 {
        Rgb(0x1f, 0x23, 0x28)
    } else {
        Rgb(0xff, 0xff, 0xff)
    }
}

pub(crate) fn finish_layout(
    kind: &'static str,
    title: &str,
    width_px: i32,
    height_px: i32,
    style: &ChartStyle,
    parts: Parts,
) -> ChartLayout {
    ChartLayout {
        kind,
        width_px,
        height_px,
        background: style.background,
        title: title.to_string(),
        plot_x0_px: parts.x0.round() as i32,
        plot_x1_px: parts.x1.round() as i32,
        plot_y0_px: parts.y0.round() as i32,
        plot_y1_px: parts.y1.round() as i32,
        ticks: parts.ticks,
        grid: parts.grid,
        bars: parts.bars,
        lines: parts.lines,
        boxes: parts.boxes,
        texts: parts.texts,
        footnote: parts.footnote,
    }
}

pub(crate) struct Parts {
    pub x0: f64,
    pub x1: f64,
    pub y0: f64,
    pub y1: f64,
    pub ticks: Vec<super::geom::Tick>,
    pub grid: Vec<LineGeom>,
    pub bars: Vec<BarGeom>,
    pub lines: Vec<LineGeom>,
    pub boxes: Vec<super::geom::BoxGeom>,
    pub texts: Vec<super::geom::TextGeom>,
    pub footnote: Vec<String>,
}

/// Legend note of grouped bars with more groups than colours.
pub(crate) const NAMED_BARS_NOTE: &str = "More groups than distinguishable colours: each bar is named";
/// Footnote sentence of a chart that draws whiskers.
pub(crate) const WHISKER_NOTE: &str = "Whiskers show 95% confidence intervals";

fn interval(table: &GroupedTable, row: usize, col: usize) -> Option<[f64; 2]> {
    let [lo, up] = table.intervals.get(row)?.get(col).copied().flatten()?;
    (lo.is_finite() && up.is_finite() && lo <= up).then_some([lo, up])
}

/// Whether `table` has any value to draw at all.
pub(crate) fn any_value(table: &GroupedTable) -> bool {
    (0..table.row_labels.len()).any(|r| (0..table.col_labels.len()).any(|c| cell(table, r, c).is_some()))
}

/// The sentence an empty crosstab chart shows in place of its data.
pub(crate) fn empty_message(table: &GroupedTable) -> String {
    if table.k > 0 {
        format!("All counts withheld (fewer than {} respondents)", table.k)
    } else {
        "No answers to show".to_string()
    }
}

/// A crosstab chart with no value to draw: its frame, and the reason in the middle.
pub(crate) fn empty_layout(
    kind: &'static str,
    table: &GroupedTable,
    footnote: &Footnote,
    width_px: i32,
    height_px: i32,
    style: &ChartStyle,
) -> ChartLayout {
    let m = Metrics::of(style);
    let (w, h) = (width_px.max(1) as f64, height_px.max(1) as f64);
    let fr = frame(&table.title, &by_line(table), footnote, &[], w, h, style);
    let mut texts = fr.texts;
    let lines = wrap(&empty_message(table), m.font, fr.right - fr.left, 2);
    let lh = Metrics::line(m.font);
    let mid = (fr.top + fr.bottom) / 2.0;
    for (i, line) in lines.iter().enumerate() {
        texts.push(text(
            line.clone(),
            (fr.left + fr.right) / 2.0,
            mid + (i as f64 - (lines.len() as f64 - 1.0) / 2.0) * lh,
            m.font,
            style.text,
            HAlign::Center,
            VAlign::Middle,
            TextRole::Note,
        ));
    }
    finish_layout(
        kind,
        &table.title,
        width_px,
        height_px,
        style,
        Parts {
            x0: fr.left,
            x1: fr.right,
            y0: fr.top,
            y1: fr.bottom,
            ticks: Vec::new(),
            grid: Vec::new(),
            bars: Vec::new(),
            lines: Vec::new(),
            boxes: fr.boxes,
            texts,
            footnote: fr.footnote,
        },
    )
}

/// One group of bars per answer (row), one bar per column group, coloured by group
/// while the palette lasts and named by group beyond it.
pub fn grouped_layout(
    table: &GroupedTable,
    footnote: &Footnote,
    width_px: i32,
    height_px: i32,
    style: &ChartStyle,
) -> ChartLayout {
    if !any_value(table) {
        return empty_layout("grouped", table, footnote, width_px, height_px, style);
    }
    let m = Metrics::of(style);
    let (w, h) = (width_px.max(1) as f64, height_px.max(1) as f64);
    let n_cols = table.col_labels.len();
    let named = n_cols > OKABE_ITO.len();
    let fill_of = |col: usize| if named { style.bar } else { style.series(col) };
    let mut legend: Vec<LegendItem> = if named {
        vec![LegendItem::Note(NAMED_BARS_NOTE.to_string())]
    } else {
        table
            .col_labels
            .iter()
            .enumerate()
            .map(|(c, l)| LegendItem::Swatch(group_label(table, c, l), fill_of(c), Pattern::Solid))
            .collect()
    };
    if any_significant(table) {
        legend.push(LegendItem::Note(SIGNIFICANT_NOTE.to_string()));
    }
    let has_intervals = (0..table.row_labels.len())
        .any(|r| (0..n_cols).any(|c| cell(table, r, c).is_some() && interval(table, r, c).is_some()));
    let mut footnote = footnote.clone();
    if has_intervals {
        footnote.notes.push(WHISKER_NOTE.to_string());
    }
    let fr = frame(&table.title, &by_line(table), &footnote, &legend, w, h, style);
    let value_font = m.small;
    let bar_text = |r: usize, c: usize| -> String {
        let value = cell_label(table, r, c);
        if named {
            format!("{}: {value}", elide(&table.col_labels[c], value_font, 160.0 * m.s))
        } else {
            value
        }
    };
    let value_w = (0..table.row_labels.len())
        .flat_map(|r| (0..n_cols).map(move |c| (r, c)))
        .map(|(r, c)| text_width_px(&bar_text(r, c), value_font))
        .fold(0.0, f64::max);
    let axis_label = "% of each group";
    let rows = lay_rows(&fr, &table.row_labels, 0.0, value_w + 8.0 * m.s, true, style);
    // The axis reaches the longest bar or whisker shown.
    let hi = (0..table.row_labels.len())
        .flat_map(|r| (0..n_cols).map(move |c| (r, c)))
        .filter_map(|(r, c)| {
            let v = cell(table, r, c)?;
            Some(interval(table, r, c).map_or(v, |[_, up]| v.max(up)))
        })
        .fold(0.0, f64::max)
        .clamp(1.0, 100.0);
    let (mut ticks, mut grid, mut texts) = (Vec::new(), Vec::new(), fr.texts);
    let axis = h_axis(
        &rows,
        0.0,
        hi,
        &|v, step| format!("{}%", fmt_number(v, step)),
        axis_label,
        style,
        &mut ticks,
        &mut grid,
        &mut texts,
    );
    texts.extend(rows.labels.iter().cloned());
    let group_h = rows.slot_h * 0.8;
    let bar_h = (group_h / n_cols.max(1) as f64).floor().max(1.0);
    let show_values = bar_h >= value_font * 0.9;
    let mut bars = Vec::new();
    let mut lines = Vec::new();
    for row in 0..table.row_labels.len() {
        let top = rows.mid(row) - bar_h * n_cols as f64 / 2.0;
        for col in 0..n_cols {
            let y = (top + col as f64 * bar_h).round();
            let value = cell(table, row, col).map(|v| v.clamp(axis.lo, axis.hi));
            let w_bar = value.map_or(0.0, |v| (axis.x(v) - axis.x0).round());
            let label = cell_label(table, row, col);
            let h_px = (bar_h - 1.0).max(1.0);
            bars.push(BarGeom {
                label: table.row_labels[row].clone(),
                value_label: label.clone(),
                x_px: axis.x0.round() as i32,
                y_px: y as i32,
                // One pixel of background between neighbours keeps them apart.
                w_px: w_bar as i32,
                h_px: h_px as i32,
                fill: fill_of(col),
                pattern: super::geom::Pattern::Solid,
                category: row,
                series: col,
            });
            let mut label_x = axis.x0 + w_bar;
            if let (Some(_), Some([lo, up])) = (value, interval(table, row, col)) {
                let (xl, xu) = (axis.x(lo.clamp(axis.lo, axis.hi)), axis.x(up.clamp(axis.lo, axis.hi)));
                let my = (y + (h_px / 2.0).floor()) as i32;
                let cap = ((h_px * 0.3).round() as i32).max(1);
                lines.extend(whisker_lines(xl, xu, my, cap, style, &m));
                label_x = label_x.max(xu.round());
            }
            if show_values {
                texts.push(text(
                    bar_text(row, col),
                    label_x + 4.0 * m.s,
                    y + bar_h / 2.0,
                    value_font.min(bar_h),
                    style.muted,
                    HAlign::Left,
                    VAlign::Middle,
                    TextRole::Value,
                ));
            }
        }
    }
    lines.push(LineGeom {
        x0_px: axis.x0.round() as i32,
        y0_px: rows.y0.round() as i32,
        x1_px: axis.x0.round() as i32,
        y1_px: rows.y1.round() as i32,
        colour: style.muted,
        width_px: 1,
    });
    finish_layout(
        "grouped",
        &table.title,
        width_px,
        height_px,
        style,
        Parts {
            x0: axis.x0,
            x1: axis.x1,
            y0: rows.y0,
            y1: rows.y1,
            ticks,
            grid,
            bars,
            lines,
            boxes: fr.boxes,
            texts,
            footnote: fr.footnote,
        },
    )
}

/// The subtitle of a crosstab: which question the groups come from.
pub(crate) fn by_line(table: &GroupedTable) -> String {
    if table.col_title.is_empty() {
        String::new()
    } else {
        format!("By {}", table.col_title)
    }
}

pub(crate) fn group_label(table: &GroupedTable, col: usize, label: &str) -> String {
    match table.col_bases.get(col).copied().flatten() {
        Some(n) if n.is_finite() => format!("{label} (n={})", fmt_count(n)),
        _ => label.to_string(),
    }
}

/// One bar per column group, split into its answers (rows), each bar filling 100%.
pub fn stacked_layout(
    table: &GroupedTable,
    footnote: &Footnote,
    width_px: i32,
    height_px: i32,
    style: &ChartStyle,
) -> ChartLayout {
    if !any_value(table) {
        return empty_layout("stacked", table, footnote, width_px, height_px, style);
    }
    let m = Metrics::of(style);
    let (w, h) = (width_px.max(1) as f64, height_px.max(1) as f64);
    let n_rows = table.row_labels.len();
    let mut legend: Vec<LegendItem> = table
        .row_labels
        .iter()
        .enumerate()
        .map(|(r, l)| LegendItem::Swatch(l.clone(), style.series(r), style.series_pattern(r)))
        .collect();
    if any_significant(table) {
        legend.push(LegendItem::Note(SIGNIFICANT_NOTE.to_string()));
    }
    let fr = frame(&table.title, &by_line(table), footnote, &legend, w, h, style);
    let bar_labels: Vec<String> = table
        .col_labels
        .iter()
        .enumerate()
        .map(|(c, l)| group_label(table, c, l))
        .collect();
    let rows = lay_rows(&fr, &bar_labels, 0.0, 8.0 * m.s, true, style);
    let (mut ticks, mut grid, mut texts) = (Vec::new(), Vec::new(), fr.texts);
    let axis = h_axis(
        &rows,
        0.0,
        100.0,
        &|v, step| format!("{}%", fmt_number(v, step)),
        "% of each group",
        style,
        &mut ticks,
        &mut grid,
        &mut texts,
    );
    texts.extend(rows.labels.iter().cloned());
    let bar_h = (rows.slot_h * 0.7).round().max(1.0);
    let value_font = m.small.min(bar_h * 0.8);
    let mut bars = Vec::new();
    for col in 0..table.col_labels.len() {
        // Segments are shares of what the group's known cells add up to, so a bar
        // always ends at 100% even when some cells were withheld or rounded.
        let total: f64 = (0..n_rows)
            .filter_map(|r| cell(table, r, col))
            .filter(|v| *v > 0.0)
            .sum();
        let y = (rows.mid(col) - bar_h / 2.0).round();
        let mut x = axis.x0;
        for row in 0..n_rows {
            let share = match cell(table, row, col) {
                Some(v) if v > 0.0 && total > 0.0 => 100.0 * v / total,
                _ => 0.0,
            };
            let x_end = axis.x(axis.lo + share * (axis.hi - axis.lo) / 100.0) - axis.x0 + x;
            let (x_px, x_end_px) = (x.round(), x_end.round());
            let fill = style.series(row);
            let label = cell_label(table, row, col);
            bars.push(BarGeom {
                label: table.row_labels[row].clone(),
                value_label: label.clone(),
                x_px: x_px as i32,
                y_px: y as i32,
                w_px: (x_end_px - x_px) as i32,
                h_px: bar_h as i32,
                fill,
                pattern: style.series_pattern(row),
                category: row,
                series: col,
            });
            if x_end_px - x_px >= text_width_px(&label, value_font) + 6.0 * m.s && share > 0.0 {
                texts.push(text(
                    label,
                    (x_px + x_end_px) / 2.0,
                    y + bar_h / 2.0,
                    value_font,
                    ink_on(fill),
                    HAlign::Center,
                    VAlign::Middle,
                    TextRole::Value,
                ));
            }
            x = x_end;
        }
    }
    finish_layout(
        "stacked",
        &table.title,
        width_px,
        height_px,
        style,
        Parts {
            x0: axis.x0,
            x1: axis.x1,
            y0: rows.y0,
            y1: rows.y1,
            ticks,
            grid,
            bars,
            lines: Vec::new(),
            boxes: fr.boxes,
            texts,
            footnote: fr.footnote,
        },
    )
}
