//! Crosstabs as a heatmap: one cell per answer and group, shaded on a perceptually
//! uniform scale, with its value printed in it.
//!
//! Column headers wrap onto up to three lines inside their column; when any header
//! would still be cut (many groups, long names) every header turns vertical, reading
//! upwards, so a header may be as long as a fair share of the chart's height instead of
//! as wide as its column. A table with every cell withheld shows why instead of a grid
//! of dashes and a 0–1% scale.

use super::bars::SIGNIFICANT_NOTE;
use super::frame::{frame, text, LegendItem, Metrics};
use super::geom::{BarGeom, BoxGeom, ChartLayout, HAlign, TextRole, VAlign};
use super::grouped::{any_value, empty_layout, finish_layout, ink_on, Parts};
use super::input::{value_at, Footnote, GroupedTable};
use super::style::{sequential, ChartStyle};
use super::text::{elide, fmt_percent, text_width_px, wrap};

/// The column headers: each group with its respondents.
pub(crate) fn headers(table: &GroupedTable) -> Vec<String> {
    table
        .col_labels
        .iter()
        .enumerate()
        .map(|(c, l)| super::grouped::group_label(table, c, l))
        .collect()
}

/// Every header wrapped onto at most three lines within its column, or `None` when one
/// of them would be cut short.
pub(crate) fn column_headers(headers: &[String], font: f64, col_w: f64, s: f64) -> Option<Vec<Vec<String>>> {
    let room = col_w - 4.0 * s;
    headers
        .iter()
        .map(|label| {
            let lines = wrap(label, font, room.max(font), 3);
            let whole = lines.join(" ") == label.split_whitespace().collect::<Vec<_>>().join(" ");
            let fits = lines.iter().all(|l| text_width_px(l, font) <= room);
            (whole && fits).then_some(lines)
        })
        .collect()
}

/// Lays out `table` as a grid of shaded cells, answers down, groups across.
pub fn heatmap_layout(
    table: &GroupedTable,
    footnote: &Footnote,
    width_px: i32,
    height_px: i32,
    style: &ChartStyle,
) -> ChartLayout {
    if !any_value(table) {
        return empty_layout("heatmap", table, footnote, width_px, height_px, style);
    }
    let m = Metrics::of(style);
    let (w, h) = (width_px.max(1) as f64, height_px.max(1) as f64);
    let any_sig = table.significant.iter().flatten().any(|&s| s);
    let mut legend = Vec::new();
    if any_sig {
        legend.push(LegendItem::Note(SIGNIFICANT_NOTE.to_string()));
    }
    let fr = frame(
        &table.title,
        &super::grouped::by_line(table),
        footnote,
        &legend,
        w,
        h,
        style,
    );
    let n_rows = table.row_labels.len();
    let n_cols = table.col_labels.len().max(1);
    let hi = table
        .cells
        .iter()
        .flat_map(|r| r.iter().flatten())
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max)
        .max(1.0);

    // The colour scale sits under the grid: a strip with its ends labelled.
    let scale_h = (10.0 * m.s).round();
    let scale_block = scale_h + Metrics::line(m.small) + 12.0 * m.s;
    let avail = fr.right - fr.left;
    let label_max = (avail * 0.3).max(40.0 * m.s);
    let row_lines: Vec<Vec<String>> = table.row_labels.iter().map(|l| wrap(l, m.font, label_max, 2)).collect();
    let label_w = row_lines
        .iter()
        .flatten()
        .map(|l| text_width_px(l, m.font))
        .fold(0.0, f64::max);
    let x0 = fr.left + label_w + 8.0 * m.s;
    let x1 = fr.right.max(x0 + 1.0);
    let col_w = (x1 - x0) / n_cols as f64;
    let headers = headers(table);
    let col_lines = column_headers(&headers, m.small, col_w, m.s);
    let vertical = col_lines.is_none();
    let (head_font, col_lines) = match col_lines {
        Some(lines) => (m.small, lines),
        None => {
            // Upright lines stand side by side, one line height apart.
            let font = m.small.min((col_w - 2.0 * m.s) / 1.3).max(5.0 * m.s);
            let max_len = (fr.bottom - fr.top) * 0.5;
            let lines = headers.iter().map(|l| vec![elide(l, font, max_len)]).collect();
            (font, lines)
        }
    };
    let head_h = if vertical {
        col_lines
            .iter()
            .flatten()
            .map(|l: &String| text_width_px(l, head_font))
            .fold(0.0, f64::max)
            + 8.0 * m.s
    } else {
        let head_rows = col_lines.iter().map(Vec::len).max().unwrap_or(1) as f64;
        head_rows * Metrics::line(head_font) + 6.0 * m.s
    };
    let y0 = fr.top + head_h;
    let y1 = (fr.bottom - scale_block).max(y0 + 1.0);
    let row_h = (y1 - y0) / n_rows.max(1) as f64;
    let (frame_left, frame_right) = (fr.left, fr.right);
    let mut texts = fr.texts;
    for (c, lines) in col_lines.iter().enumerate() {
        let cx = x0 + (c as f64 + 0.5) * col_w;
        if vertical {
            let mut t = text(
                lines[0].clone(),
                cx,
                y0 - 4.0 * m.s,
                head_font,
                style.text,
                HAlign::Left,
                VAlign::Middle,
                TextRole::Label,
            );
            t.vertical = true;
            texts.push(t);
            continue;
        }
        let first = y0 - 4.0 * m.s - lines.len() as f64 * Metrics::line(head_font);
        for (i, line) in lines.iter().enumerate() {
            texts.push(text(
                line.clone(),
                cx,
                first + i as f64 * Metrics::line(head_font),
                head_font,
                style.text,
                HAlign::Center,
                VAlign::Top,
                TextRole::Label,
            ));
        }
    }
    let label_font = m.font.min(row_h / 1.25).max(6.0 * m.s);
    let value_font = m.small.min(row_h * 0.7).max(5.0 * m.s);
    let mut bars = Vec::new();
    for (r, lines) in row_lines.iter().enumerate() {
        let mid = y0 + (r as f64 + 0.5) * row_h;
        let lh = Metrics::line(label_font);
        let lines: Vec<String> = if row_h >= 2.0 * lh {
            lines.clone()
        } else {
            wrap(&table.row_labels[r], label_font, label_max, 1)
        };
        for (i, line) in lines.iter().enumerate() {
            texts.push(text(
                line.clone(),
                x0 - 8.0 * m.s,
                mid + (i as f64 - (lines.len() as f64 - 1.0) / 2.0) * lh,
                label_font,
                style.text,
                HAlign::Right,
                VAlign::Middle,
                TextRole::Label,
            ));
        }
        for c in 0..table.col_labels.len() {
            let value = table.cells.get(r).and_then(|row| value_at(row, c));
            let sig = table
                .significant
                .get(r)
                .and_then(|row| row.get(c))
                .copied()
                .unwrap_or(false);
            let (cx0, cx1) = ((x0 + c as f64 * col_w).round(), (x0 + (c + 1) as f64 * col_w).round());
            let (cy0, cy1) = ((y0 + r as f64 * row_h).round(), (y0 + (r + 1) as f64 * row_h).round());
            // A withheld or empty cell is left blank: background colour, a dash.
            let fill = match value {
                Some(v) => sequential(v / hi, style.dark),
                None => style.background,
            };
            let mut label = value.map_or("–".to_string(), fmt_percent);
            if sig && value.is_some() {
                label.push('*');
            }
            bars.push(BarGeom {
                label: table.row_labels[r].clone(),
                value_label: label.clone(),
                x_px: cx0 as i32,
                y_px: cy0 as i32,
                // A one-pixel gutter of background between cells.
                w_px: (cx1 - cx0 - 1.0).max(1.0) as i32,
                h_px: (cy1 - cy0 - 1.0).max(1.0) as i32,
                fill,
                pattern: super::geom::Pattern::Solid,
                category: r,
                series: c,
            });
            if cx1 - cx0 >= text_width_px(&label, value_font) + 4.0 * m.s && cy1 - cy0 >= value_font {
                texts.push(text(
                    label,
                    (cx0 + cx1) / 2.0,
                    (cy0 + cy1) / 2.0,
                    value_font,
                    if value.is_some() { ink_on(fill) } else { style.muted },
                    HAlign::Center,
                    VAlign::Middle,
                    TextRole::Value,
                ));
            }
        }
    }
    // Colour scale: twenty steps from 0 to the largest value.
    let mut boxes = fr.boxes;
    // The strip and its label beside it fit within the frame: on a phone's width the
    // strip starts at the frame's left rather than under the cells.
    const SCALE_LABEL: &str = "% of each group";
    let label_room = text_width_px(SCALE_LABEL, m.small) + 10.0 * m.s;
    let strip_x = if frame_right - x0 - label_room >= 80.0 * m.s {
        x0
    } else {
        frame_left
    };
    let strip_w = (x1 - strip_x)
        .min(220.0 * m.s)
        .min(frame_right - strip_x - label_room)
        .max(1.0);
    let sy = y1 + 10.0 * m.s;
    let steps = 20;
    for i in 0..steps {
        let (sx0, sx1) = (
            (strip_x + strip_w * i as f64 / steps as f64).round(),
            (strip_x + strip_w * (i + 1) as f64 / steps as f64).round(),
        );
        boxes.push(BoxGeom {
            x_px: sx0 as i32,
            y_px: sy.round() as i32,
            w_px: (sx1 - sx0) as i32,
            h_px: scale_h as i32,
            fill: Some(sequential((i as f64 + 0.5) / steps as f64, style.dark)),
            stroke: None,
            pattern: super::geom::Pattern::Solid,
        });
    }
    for (v, align, x) in [(0.0, HAlign::Left, strip_x), (hi, HAlign::Right, strip_x + strip_w)] {
        texts.push(text(
            fmt_percent(v),
            x,
            sy + scale_h + 2.0 * m.s,
            m.small,
            style.muted,
            align,
            VAlign::Top,
            TextRole::Tick,
        ));
    }
    texts.push(text(
        SCALE_LABEL,
        strip_x + strip_w + 10.0 * m.s,
        sy + scale_h / 2.0,
        m.small,
        style.muted,
        HAlign::Left,
        VAlign::Middle,
        TextRole::Axis,
    ));
    finish_layout(
        "heatmap",
        &table.title,
        width_px,
        height_px,
        style,
        Parts {
            x0,
            x1,
            y0,
            y1,
            ticks: Vec::new(),
            grid: Vec::new(),
            bars,
            lines: Vec::new(),
            boxes,
            texts,
            footnote: fr.footnote,
        },
    )
}
