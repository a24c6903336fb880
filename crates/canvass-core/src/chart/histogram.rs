//! Numeric answers as a histogram: vertical bars over equal bins, touching, with the
//! value axis along the bottom and respondents up the side.

use super::frame::{frame, text, Metrics};
use super::geom::{BarGeom, ChartLayout, HAlign, LineGeom, TextRole, Tick, VAlign};
use super::grouped::{finish_layout, Parts};
use super::input::{value_at, Footnote, Histogram};
use super::style::ChartStyle;
use super::text::{fmt_count, fmt_number, text_width_px};
use super::ticks::{nice_ticks, ticks_that_fit};

/// Lays out `hist` in a `width_px` × `height_px` area.
pub fn histogram_layout(
    hist: &Histogram,
    footnote: &Footnote,
    width_px: i32,
    height_px: i32,
    style: &ChartStyle,
) -> ChartLayout {
    let m = Metrics::of(style);
    let (w, h) = (width_px.max(1) as f64, height_px.max(1) as f64);
    let fr = frame(&hist.title, "", footnote, &[], w, h, style);
    // Only bins with two finite, increasing edges are drawn.
    let n_bins = hist.counts.len().min(hist.edges.len().saturating_sub(1));
    let bins: Vec<(f64, f64, Option<f64>)> = (0..n_bins)
        .map(|i| (hist.edges[i], hist.edges[i + 1], value_at(&hist.counts, i)))
        .filter(|(lo, hi, _)| lo.is_finite() && hi.is_finite() && hi > lo)
        .collect();
    let (v_lo, v_hi) = match (bins.first(), bins.last()) {
        (Some(f), Some(l)) => (f.0, l.1),
        _ => (0.0, 1.0),
    };
    let max_count = bins.iter().filter_map(|b| b.2).fold(0.0, f64::max).max(1.0);

    // x tick labels start below the half of the y axis's "0" that hangs under the axis.
    let tick_gap = m.small * 0.6 + 3.0 * m.s;
    let tick_h = Metrics::line(m.small) + tick_gap;
    let axis_h = if hist.axis_label.is_empty() {
        0.0
    } else {
        Metrics::line(m.font) + 2.0 * m.s
    };
    let y_title_h = Metrics::line(m.small) + 10.0 * m.s;
    let y0 = fr.top + y_title_h;
    let y1 = (fr.bottom - tick_h - axis_h).max(y0 + 1.0);
    // Headroom above the tallest bar for its count label.
    // Counts are whole, so never more ticks than whole numbers up to the top.
    let max_ticks = ticks_that_fit(y1 - y0, m.small * 0.9).min((max_count * 1.1).ceil() as usize + 1);
    let y_values = nice_ticks(0.0, max_count * 1.1, max_ticks);
    let y_top = y_values.last().copied().unwrap_or(max_count).max(1.0);
    let y_label_w = y_values
        .iter()
        .map(|v| text_width_px(&fmt_count(*v), m.small))
        .fold(0.0, f64::max);
    let x0 = fr.left + y_label_w + 6.0 * m.s;
    let edge_label_w = bins
        .iter()
        .flat_map(|b| [b.0, b.1])
        .map(|v| text_width_px(&fmt_number(v, 0.01), m.small))
        .fold(0.0, f64::max);
    let x1 = (fr.right - edge_label_w / 2.0).max(x0 + 1.0);
    let x_of = |v: f64| x0 + (v - v_lo) / (v_hi - v_lo) * (x1 - x0);
    let y_of = |c: f64| y1 - c / y_top * (y1 - y0);

    let mut texts = fr.texts;
    let mut grid = Vec::new();
    let mut ticks = Vec::new();
    texts.push(text(
        "Respondents",
        fr.left,
        fr.top,
        m.small,
        style.muted,
        HAlign::Left,
        VAlign::Top,
        TextRole::Axis,
    ));
    for &v in &y_values {
        let y = y_of(v);
        grid.push(LineGeom {
            x0_px: x0.round() as i32,
            y0_px: y.round() as i32,
            x1_px: x1.round() as i32,
            y1_px: y.round() as i32,
            colour: style.grid,
            width_px: 1,
        });
        texts.push(text(
            fmt_count(v),
            x0 - 6.0 * m.s,
            y,
            m.small,
            style.muted,
            HAlign::Right,
            VAlign::Middle,
            TextRole::Tick,
        ));
    }
    // Bin edges as x ticks, thinned to every k-th edge when they would crowd.
    let edges: Vec<f64> = bins.iter().map(|b| b.0).chain(bins.last().map(|b| b.1)).collect();
    let fit = ticks_that_fit(x1 - x0, edge_label_w);
    let every = edges.len().div_ceil(fit.max(1)).max(1);
    let step = if bins.is_empty() { 1.0 } else { bins[0].1 - bins[0].0 };
    for (i, &e) in edges.iter().enumerate() {
        if i % every != 0 {
            continue;
        }
        let x = x_of(e);
        let label = fmt_number(e, step);
        texts.push(text(
            label.clone(),
            x,
            y1 + tick_gap,
            m.small,
            style.muted,
            HAlign::Center,
            VAlign::Top,
            TextRole::Tick,
        ));
        ticks.push(Tick {
            value: e,
            label,
            pos_px: x.round() as i32,
        });
    }
    if !hist.axis_label.is_empty() {
        texts.push(text(
            super::text::elide(&hist.axis_label, m.font, x1 - x0),
            (x0 + x1) / 2.0,
            y1 + tick_h + 2.0 * m.s,
            m.font,
            style.muted,
            HAlign::Center,
            VAlign::Top,
            TextRole::Axis,
        ));
    }
    let mut bars = Vec::new();
    for (i, &(lo, hi, count)) in bins.iter().enumerate() {
        let (bx0, bx1) = (x_of(lo).round(), x_of(hi).round());
        let top = count.map_or(y1, y_of).round();
        let label = count.map_or("–".to_string(), fmt_count);
        bars.push(BarGeom {
            label: format!("{}–{}", fmt_number(lo, step), fmt_number(hi, step)),
            value_label: label.clone(),
            x_px: bx0 as i32,
            y_px: top as i32,
            // A one-pixel gap keeps neighbouring bins apart.
            w_px: (bx1 - bx0 - 1.0).max(1.0) as i32,
            h_px: (y1.round() - top) as i32,
            fill: style.bar,
            pattern: super::geom::Pattern::Solid,
            category: i,
            series: 0,
        });
        if count.is_some_and(|c| c > 0.0) && bx1 - bx0 >= text_width_px(&label, m.small) + 2.0 * m.s {
            texts.push(text(
                label,
                (bx0 + bx1) / 2.0,
                top - 2.0 * m.s,
                m.small,
                style.muted,
                HAlign::Center,
                VAlign::Bottom,
                TextRole::Value,
            ));
        }
    }
    let lines = vec![LineGeom {
        x0_px: x0.round() as i32,
        y0_px: y1.round() as i32,
        x1_px: x1.round() as i32,
        y1_px: y1.round() as i32,
        colour: style.muted,
        width_px: 1,
    }];
    finish_layout(
        "histogram",
        &hist.title,
        width_px,
        height_px,
        style,
        Parts {
            x0,
            x1,
            y0,
            y1,
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
