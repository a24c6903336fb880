//! A laid-out chart: every shape and string with its place in device pixels.
//!
//! Layout functions produce a [`ChartLayout`]; painting only walks it. Tests check the
//! numbers here, and the page and CLI tests use them to know where to look for pixels.

use super::style::Rgb;
use super::text::{bold_width_px, text_width_px};
use serde::Serialize;

/// One data rectangle: a bar, a bar segment or a heatmap cell.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BarGeom {
    /// The category (bars) or the row answer (crosstabs), as drawn.
    pub label: String,
    pub value_label: String,
    pub x_px: i32,
    pub y_px: i32,
    pub w_px: i32,
    pub h_px: i32,
    pub fill: Rgb,
    /// Hatching over the fill, which tells apart series that share a colour.
    pub pattern: Pattern,
    /// Index of the category in the chart's input (row for crosstabs).
    pub category: usize,
    /// Index of the series (column group, scale level); 0 for a single series.
    pub series: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HAlign {
    Left,
    Center,
    Right,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VAlign {
    Top,
    Middle,
    Bottom,
}

/// What a piece of text is, so tests and readers of the layout can pick it out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TextRole {
    Title,
    /// The line under the title, such as which question splits a crosstab.
    Subtitle,
    /// A category, item or group name beside or above the data.
    Label,
    Tick,
    Axis,
    /// A number printed on or beside the data.
    Value,
    Legend,
    Footnote,
    /// The "synthetic data" mark.
    Badge,
    /// A sentence in place of data, such as why a chart is empty.
    Note,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TextGeom {
    pub text: String,
    pub x_px: i32,
    pub y_px: i32,
    pub size_px: f64,
    pub bold: bool,
    pub colour: Rgb,
    pub h_align: HAlign,
    pub v_align: VAlign,
    pub role: TextRole,
    /// Turned a quarter to the left, reading upwards: aligned as if horizontal, then
    /// rotated about `(x_px, y_px)`. Column headers too long for their column use it.
    pub vertical: bool,
}

impl TextGeom {
    /// The box the text is estimated to cover: `(x0, y0, x1, y1)`.
    pub fn bbox(&self) -> (f64, f64, f64, f64) {
        let w = if self.bold {
            bold_width_px(&self.text, self.size_px)
        } else {
            text_width_px(&self.text, self.size_px)
        };
        let h = self.size_px * 1.15;
        // Offsets from the anchor along and across the text's own direction.
        let along = match self.h_align {
            HAlign::Left => 0.0,
            HAlign::Center => -w / 2.0,
            HAlign::Right => -w,
        };
        let across = match self.v_align {
            VAlign::Top => 0.0,
            VAlign::Middle => -h / 2.0,
            VAlign::Bottom => -h,
        };
        let (x, y) = (self.x_px as f64, self.y_px as f64);
        if self.vertical {
            // A quarter turn left maps the text's (along, across) to (across, −along).
            (x + across, y - along - w, x + across + h, y - along)
        } else {
            (x + along, y + across, x + along + w, y + across + h)
        }
    }
}

/// A straight line: an axis, a grid line, a whisker.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LineGeom {
    pub x0_px: i32,
    pub y0_px: i32,
    pub x1_px: i32,
    pub y1_px: i32,
    pub colour: Rgb,
    pub width_px: u32,
}

/// A rectangle that is not data: a legend swatch, a colour-scale step, a frame.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BoxGeom {
    pub x_px: i32,
    pub y_px: i32,
    pub w_px: i32,
    pub h_px: i32,
    pub fill: Option<Rgb>,
    pub stroke: Option<Rgb>,
    /// Hatching over the fill, as on the bars a legend swatch stands for.
    pub pattern: Pattern,
}

/// Lines drawn over a fill so that two series of one colour stay apart: the palette's
/// colours first plain, then hatched one way, then the other, then crossed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Pattern {
    #[default]
    Solid,
    /// Lines rising to the right, `/`.
    Rising,
    /// Lines falling to the right, `\`.
    Falling,
    /// Both.
    Crossed,
}

impl Pattern {
    /// The pattern of the `cycle`-th pass through a palette (0 is the first).
    pub fn of_cycle(cycle: usize) -> Pattern {
        match cycle % 4 {
            0 => Pattern::Solid,
            1 => Pattern::Rising,
            2 => Pattern::Falling,
            _ => Pattern::Crossed,
        }
    }

    /// The hatch lines of this pattern in the rectangle from `(x0, y0)` to `(x1, y1)`,
    /// `spacing` apart along each axis, clipped to the rectangle.
    pub fn segments(self, x0: i32, y0: i32, x1: i32, y1: i32, spacing: i32) -> Vec<[(i32, i32); 2]> {
        let spacing = spacing.max(2);
        let mut out = Vec::new();
        if x1 <= x0 || y1 <= y0 {
            return out;
        }
        if matches!(self, Pattern::Rising | Pattern::Crossed) {
            // Lines x + y = c, drawn from lower left to upper right.
            let mut c = x0 + y0 + spacing / 2;
            while c < x1 + y1 {
                let (lo, hi) = ((c - y1).max(x0), (c - y0).min(x1));
                if lo < hi {
                    out.push([(lo, c - lo), (hi, c - hi)]);
                }
                c += spacing;
            }
        }
        if matches!(self, Pattern::Falling | Pattern::Crossed) {
            // Lines y − x = c.
            let mut c = y0 - x1 + spacing / 2;
            while c < y1 - x0 {
                let (lo, hi) = ((y0 - c).max(x0), (y1 - c).min(x1));
                if lo < hi {
                    out.push([(lo, lo + c), (hi, hi + c)]);
                }
                c += spacing;
            }
        }
        out
    }
}

/// One tick of the value axis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tick {
    pub value: f64,
    pub label: String,
    /// Position along the axis: x for horizontal axes, y for vertical ones.
    pub pos_px: i32,
}

/// Everything of a chart, in device pixels, in painting order: background, grid, bars,
/// lines, boxes, texts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChartLayout {
    pub kind: &'static str,
    pub width_px: i32,
    pub height_px: i32,
    pub background: Rgb,
    /// The question text in full (the drawn title may be wrapped or elided).
    pub title: String,
    /// The data area: bars stay within it.
    pub plot_x0_px: i32,
    pub plot_x1_px: i32,
    pub plot_y0_px: i32,
    pub plot_y1_px: i32,
    pub ticks: Vec<Tick>,
    pub grid: Vec<LineGeom>,
    pub bars: Vec<BarGeom>,
    pub lines: Vec<LineGeom>,
    pub boxes: Vec<BoxGeom>,
    pub texts: Vec<TextGeom>,
    /// The footnote as drawn, one entry per line.
    pub footnote: Vec<String>,
}

impl ChartLayout {
    /// The texts of one role, in drawing order.
    pub fn texts_of(&self, role: TextRole) -> Vec<&TextGeom> {
        self.texts.iter().filter(|t| t.role == role).collect()
    }
}
