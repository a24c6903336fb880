//! Charts, drawn against plotters' `DrawingBackend` so that the browser canvas, SVG
//! and bitmap outputs come from one implementation.
//!
//! A chart is made in three steps. The data arrive as plain structs ([`input`]):
//! labels and numbers, no statistics types, so any table can be drawn. A layout
//! function per kind turns them into a [`ChartLayout`]: every bar, line and string
//! with its position in device pixels. [`paint`] then walks the layout onto a backend.
//! Text widths are estimated from the font size rather than measured, so the layout is
//! the same on every backend and machine, and tests check charts as numbers.
//!
//! This module does not count or test anything: percentages, intervals and
//! significance arrive computed. [`adapt`] builds the inputs from today's
//! frequency tables, [`crosstab_view`] from a protected crosstab.

pub mod adapt;
mod bars;
pub mod crosstab_view;
mod diverging;
mod frame;
pub mod geom;
mod grouped;
mod heatmap;
mod histogram;
pub mod input;
mod paint;
mod rows;
pub mod samples;
pub mod style;
pub mod text;
pub mod ticks;

pub use bars::{bar_layout, rank_layout};
pub use diverging::diverging_layout;
pub use geom::{BarGeom, BoxGeom, ChartLayout, HAlign, LineGeom, TextGeom, TextRole, Tick, VAlign};
pub use grouped::{grouped_layout, stacked_layout};
pub use heatmap::heatmap_layout;
pub use histogram::histogram_layout;
pub use input::{BarOrder, BarSeries, Chart, Footnote, GroupedTable, Histogram, LikertRows, RankScores, Unit};
pub use paint::paint;
pub use style::{ChartStyle, Rgb};
pub use text::{elide, fmt_count};

use crate::freq::Frequencies;
use plotters::coord::Shift;
use plotters::prelude::*;

/// Lays out `chart` with its `footnote` in a `width_px` × `height_px` area.
pub fn layout(chart: &Chart, footnote: &Footnote, width_px: i32, height_px: i32, style: &ChartStyle) -> ChartLayout {
    match chart {
        Chart::Bars(c) => bar_layout(c, footnote, width_px, height_px, style),
        Chart::Histogram(c) => histogram_layout(c, footnote, width_px, height_px, style),
        Chart::Grouped(c) => grouped_layout(c, footnote, width_px, height_px, style),
        Chart::Stacked(c) => stacked_layout(c, footnote, width_px, height_px, style),
        Chart::Heatmap(c) => heatmap_layout(c, footnote, width_px, height_px, style),
        Chart::Diverging(c) => diverging_layout(c, footnote, width_px, height_px, style),
        Chart::Rank(c) => rank_layout(c, footnote, width_px, height_px, style),
    }
}

/// A height, in device pixels, at which `chart` reads well at `width_px`: enough
/// room per row for a wrapped label, plus title, legend and footnote.
pub fn preferred_height_px(chart: &Chart, width_px: i32, style: &ChartStyle) -> i32 {
    let s = frame::Metrics::of(style);
    let (rows, per_row) = match chart {
        Chart::Bars(c) => (c.categories.len(), 2.6),
        Chart::Rank(c) => (c.items.len(), 2.6),
        Chart::Diverging(c) => (c.items.len(), 2.8),
        Chart::Grouped(c) => (c.row_labels.len(), 1.5 * c.col_labels.len().max(1) as f64 + 0.8),
        Chart::Stacked(c) => (c.col_labels.len(), 2.8),
        Chart::Heatmap(c) => (c.row_labels.len() + 2, 2.4),
        Chart::Histogram(_) => (12, 2.2),
    };
    // Legend rows at this width (each entry a swatch, its label and a gap), plus the
    // subtitle line of crosstabs.
    let legend_w = |labels: &[String]| -> f64 {
        labels
            .iter()
            .map(|l| text::text_width_px(l, s.font) + s.font * 0.8 + 21.0 * s.s)
            .sum()
    };
    let room = (width_px as f64 - 2.0 * s.pad).max(s.font);
    let rows_for = |labels: &[String]| (legend_w(labels) / room).ceil();
    let legend_rows = match chart {
        Chart::Grouped(c) => 1.0 + rows_for(&c.col_labels) + 1.0,
        Chart::Stacked(c) => 1.0 + rows_for(&c.row_labels) + 1.0,
        Chart::Heatmap(_) => 2.0,
        Chart::Diverging(c) => rows_for(&c.levels),
        _ => 0.0,
    };
    // Headers too long for their columns stand upright above a heatmap (at about 70%
    // of the width, what is left beside the row labels).
    let upright_headers = match chart {
        Chart::Heatmap(c) if !c.col_labels.is_empty() => {
            let heads = heatmap::headers(c);
            let col_w = room * 0.7 / heads.len() as f64;
            match heatmap::column_headers(&heads, s.small, col_w, s.s) {
                Some(_) => 0.0,
                None => heads
                    .iter()
                    .map(|h| text::text_width_px(h, s.small))
                    .fold(0.0, f64::max),
            }
        }
        _ => 0.0,
    };
    let fixed = upright_headers
        + 2.0 * s.pad
        + 2.0 * frame::Metrics::line(s.title)
        + 4.0 * frame::Metrics::line(s.small)
        + legend_rows * frame::Metrics::line(s.font)
        + 3.0 * frame::Metrics::line(s.font);
    (fixed + rows.max(1) as f64 * per_row * s.font)
        .round()
        .clamp(120.0, 32_000.0) as i32
}

/// [`preferred_height_px`] with room for every line of the title, subtitle and
/// `footnote` as they wrap at `width_px`: the estimate keeps two title lines, one
/// subtitle line and four footnote lines, and a phone's width needs more.
pub fn preferred_height_with_footnote(chart: &Chart, footnote: &Footnote, width_px: i32, style: &ChartStyle) -> i32 {
    let base = preferred_height_px(chart, width_px, style);
    let m = frame::Metrics::of(style);
    let laid = layout(chart, footnote, width_px, base, style);
    let count = |role: TextRole| laid.texts.iter().filter(|t| t.role == role).count() as f64;
    let extra = (count(TextRole::Title) - 2.0).max(0.0) * frame::Metrics::line(m.title)
        + (count(TextRole::Subtitle) - 1.0).max(0.0) * frame::Metrics::line(m.font)
        + (laid.footnote.len() as f64 - 4.0).max(0.0) * frame::Metrics::line(m.small);
    (base as f64 + extra).round().min(32_000.0) as i32
}

/// Lays out `chart` to fill `area`, paints it, and returns the layout it painted.
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Chart,
    footnote: &Footnote,
    style: &ChartStyle,
) -> Result<ChartLayout, DrawingAreaErrorKind<DB::ErrorType>> {
    let (w, h) = area.dim_in_pixel();
    let laid = layout(
        chart,
        footnote,
        w.min(i32::MAX as u32) as i32,
        h.min(i32::MAX as u32) as i32,
        style,
    );
    paint(area, &laid, style)?;
    Ok(laid)
}

/// Paints `freq` as horizontal bars filling `area`, and returns the layout it painted.
pub fn draw_frequencies<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    freq: &Frequencies,
    style: &ChartStyle,
) -> Result<ChartLayout, DrawingAreaErrorKind<DB::ErrorType>> {
    let series = BarSeries::from_frequencies(freq, BarOrder::ByValue);
    draw(area, &Chart::Bars(series), &Footnote::from_frequencies(freq), style)
}

#[cfg(test)]
mod tests;
