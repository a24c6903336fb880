//! Agreement scales as diverging stacked bars: disagreement runs left of a centre line,
//! agreement right, the neutral level straddles it, so items compare at a glance.
//!
//! Non-answers on the scale ("Don't know", "Prefer not to answer") are not positions on
//! it: they are left out of the bars and named in the footnote.

use super::frame::{frame, text, LegendItem, Metrics};
use super::geom::ChartLayout;
use super::geom::{BarGeom, HAlign, LineGeom, TextRole, VAlign};
use super::grouped::{finish_layout, ink_on, Parts};
use super::input::{is_non_substantive, value_at, Footnote, LikertRows};
use super::rows::{h_axis, lay_rows};
use super::style::{diverging, ChartStyle};
use super::text::{fmt_number, fmt_percent, text_width_px};

/// Lays out `likert` as one diverging bar per item.
pub fn diverging_layout(
    likert: &LikertRows,
    footnote: &Footnote,
    width_px: i32,
    height_px: i32,
    style: &ChartStyle,
) -> ChartLayout {
    let m = Metrics::of(style);
    let (w, h) = (width_px.max(1) as f64, height_px.max(1) as f64);
    let scale: Vec<usize> = (0..likert.levels.len())
        .filter(|&l| !is_non_substantive(&likert.levels[l]))
        .collect();
    let left_out: Vec<&str> = (0..likert.levels.len())
        .filter(|&l| is_non_substantive(&likert.levels[l]))
        .map(|l| likert.levels[l].as_str())
        .collect();
    let colours = diverging(scale.len());
    let neutral = (scale.len() % 2 == 1).then_some(scale.len() / 2);
    let n_neg = scale.len() / 2;
    let legend: Vec<LegendItem> = scale
        .iter()
        .zip(&colours)
        .map(|(&l, &c)| LegendItem::Swatch(likert.levels[l].clone(), c, super::geom::Pattern::Solid))
        .collect();
    let mut footnote = footnote.clone();
    if !left_out.is_empty() {
        footnote.notes.push(format!("Not shown: {}", left_out.join(", ")));
    }
    let fr = frame(&likert.title, "", &footnote, &legend, w, h, style);
    let cell = |item: usize, level: usize| -> f64 {
        likert
            .cells
            .get(item)
            .and_then(|r| value_at(r, level))
            .filter(|v| *v > 0.0)
            .unwrap_or(0.0)
    };
    // Per item: what lies left of centre and right of it (half the neutral each side),
    // and the disagree / agree totals printed at the ends.
    let sides: Vec<(f64, f64, f64, f64)> = (0..likert.items.len())
        .map(|item| {
            let neg: f64 = scale[..n_neg].iter().map(|&l| cell(item, l)).sum();
            let pos: f64 = scale[scale.len() - n_neg..].iter().map(|&l| cell(item, l)).sum();
            let mid = neutral.map_or(0.0, |n| cell(item, scale[n]));
            (neg + mid / 2.0, pos + mid / 2.0, neg, pos)
        })
        .collect();
    let extent = sides.iter().map(|s| s.0.max(s.1)).fold(0.0, f64::max).clamp(1.0, 100.0);
    let total_w = text_width_px("100%", m.small) + 6.0 * m.s;
    let rows = lay_rows(&fr, &likert.items, total_w, total_w, true, style);
    let (mut ticks, mut grid, mut texts) = (Vec::new(), Vec::new(), fr.texts);
    let axis = h_axis(
        &rows,
        -extent,
        extent,
        &|v, step| format!("{}%", fmt_number(v.abs(), step)),
        "← disagree   % of respondents   agree →",
        style,
        &mut ticks,
        &mut grid,
        &mut texts,
    );
    texts.extend(rows.labels.iter().cloned());
    let bar_h = (rows.slot_h * 0.7).round().max(1.0);
    let value_font = m.small.min(bar_h * 0.8);
    let mut bars = Vec::new();
    for (item, &(left, _, neg, pos)) in sides.iter().enumerate() {
        let y = (rows.mid(item) - bar_h / 2.0).round();
        let mut v = -left;
        for (k, &level) in scale.iter().enumerate() {
            let share = cell(item, level);
            let (x0, x1) = (axis.x(v).round(), axis.x(v + share).round());
            let label = fmt_percent(share);
            bars.push(BarGeom {
                label: likert.items[item].clone(),
                value_label: likert
                    .cells
                    .get(item)
                    .and_then(|r| value_at(r, level))
                    .map_or("–".to_string(), fmt_percent),
                x_px: x0 as i32,
                y_px: y as i32,
                w_px: (x1 - x0) as i32,
                h_px: bar_h as i32,
                fill: colours[k],
                pattern: super::geom::Pattern::Solid,
                category: item,
                series: level,
            });
            if share > 0.0 && x1 - x0 >= text_width_px(&label, value_font) + 6.0 * m.s {
                texts.push(text(
                    label,
                    (x0 + x1) / 2.0,
                    y + bar_h / 2.0,
                    value_font,
                    ink_on(colours[k]),
                    HAlign::Center,
                    VAlign::Middle,
                    TextRole::Value,
                ));
            }
            v += share;
        }
        let mid = y + bar_h / 2.0;
        if n_neg > 0 {
            texts.push(text(
                fmt_percent(neg),
                axis.x(-left) - 4.0 * m.s,
                mid,
                value_font,
                style.muted,
                HAlign::Right,
                VAlign::Middle,
                TextRole::Value,
            ));
            texts.push(text(
                fmt_percent(pos),
                axis.x(v) + 4.0 * m.s,
                mid,
                value_font,
                style.muted,
                HAlign::Left,
                VAlign::Middle,
                TextRole::Value,
            ));
        }
    }
    let centre = axis.x(0.0).round() as i32;
    let lines = vec![LineGeom {
        x0_px: centre,
        y0_px: rows.y0.round() as i32,
        x1_px: centre,
        y1_px: rows.y1.round() as i32,
        colour: style.muted,
        width_px: 1,
    }];
    finish_layout(
        "diverging",
        &likert.title,
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
