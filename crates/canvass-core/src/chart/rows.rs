//! The skeleton shared by the horizontal kinds (bars, grouped, stacked, diverging):
//! one row per category with its label on the left, a value axis along the bottom.

use super::frame::{text, Frame, Metrics};
use super::geom::{HAlign, LineGeom, TextGeom, TextRole, Tick, VAlign};
use super::style::ChartStyle;
use super::text::{text_width_px, wrap};
use super::ticks::{nice_ticks, ticks_that_fit};

/// Where the rows go.
pub(crate) struct Rows {
    pub x0: f64,
    pub x1: f64,
    pub y0: f64,
    pub y1: f64,
    pub slot_h: f64,
    pub labels: Vec<TextGeom>,
    /// The frame's left and right edges, which text under the axis may use.
    pub left: f64,
    pub right: f64,
}

impl Rows {
    /// Vertical middle of row `idx`.
    pub fn mid(&self, idx: usize) -> f64 {
        self.y0 + (idx as f64 + 0.5) * self.slot_h
    }
}

/// Lays out `labels` as rows between the frame's top and its bottom less room for a
/// tick row and, if `axis_label`, an axis title. `left_reserve` and `right_reserve`
/// keep room beside the data for numbers printed outside the bars.
pub(crate) fn lay_rows(
    frame: &Frame,
    labels: &[String],
    left_reserve: f64,
    right_reserve: f64,
    axis_label: bool,
    style: &ChartStyle,
) -> Rows {
    let m = Metrics::of(style);
    let tick_h = Metrics::line(m.small) + 4.0 * m.s;
    let axis_h = if axis_label {
        Metrics::line(m.font) + 2.0 * m.s
    } else {
        0.0
    };
    let y0 = frame.top;
    let y1 = (frame.bottom - tick_h - axis_h).max(y0 + 1.0);
    let n = labels.len().max(1) as f64;
    let slot_h = (y1 - y0) / n;
    // Crowded rows get smaller type before they get overlapping type.
    let font = m.font.min(slot_h / 1.25).max(6.0 * m.s).min(m.font);
    let lh = Metrics::line(font);
    let max_lines = if slot_h >= 2.0 * lh + 2.0 * m.s { 2 } else { 1 };
    let avail = frame.right - frame.left;
    let mut label_max = (avail * 0.35).max(40.0 * m.s);
    let min_plot = avail * 0.3;
    let fixed = left_reserve + right_reserve + 8.0 * m.s;
    if avail - label_max - fixed < min_plot {
        label_max = (avail - fixed - min_plot).max(24.0 * m.s);
    }
    let wrapped: Vec<Vec<String>> = labels.iter().map(|l| wrap(l, font, label_max, max_lines)).collect();
    let label_w = wrapped
        .iter()
        .flatten()
        .map(|l| text_width_px(l, font))
        .fold(0.0, f64::max)
        .min(label_max);
    let label_x = frame.left + label_w;
    let x0 = label_x + 8.0 * m.s + left_reserve;
    let x1 = (frame.right - right_reserve).max(x0 + 1.0);
    let mut texts = Vec::new();
    for (idx, lines) in wrapped.iter().enumerate() {
        let mid = y0 + (idx as f64 + 0.5) * slot_h;
        let first = mid - (lines.len() as f64 - 1.0) * lh / 2.0;
        for (i, line) in lines.iter().enumerate() {
            texts.push(text(
                line.clone(),
                label_x,
                first + i as f64 * lh,
                font,
                style.text,
                HAlign::Right,
                VAlign::Middle,
                TextRole::Label,
            ));
        }
    }
    Rows {
        x0,
        x1,
        y0,
        y1,
        slot_h,
        labels: texts,
        left: frame.left,
        right: frame.right,
    }
}

/// A horizontal value axis from `lo` to `hi` drawn under rows.
pub(crate) struct HAxis {
    pub x0: f64,
    pub x1: f64,
    pub lo: f64,
    pub hi: f64,
}

impl HAxis {
    pub fn x(&self, v: f64) -> f64 {
        let span = self.hi - self.lo;
        if span.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) || !v.is_finite() {
            return self.x0;
        }
        self.x0 + (v - self.lo) / span * (self.x1 - self.x0)
    }
}

/// Ticks and grid for values from `lo` to at least `hi` between `rows.x0` and
/// `rows.x1`, labelled by `fmt`. Returns the axis, with `hi` moved to the last tick.
#[allow(clippy::too_many_arguments)]
pub(crate) fn h_axis(
    rows: &Rows,
    lo: f64,
    hi: f64,
    fmt: &dyn Fn(f64, f64) -> String,
    axis_label: &str,
    style: &ChartStyle,
    ticks_out: &mut Vec<Tick>,
    grid: &mut Vec<LineGeom>,
    texts: &mut Vec<TextGeom>,
) -> HAxis {
    let m = Metrics::of(style);
    let widest = text_width_px(&fmt(hi.max(lo.abs()), 0.01), m.small).max(text_width_px("100%", m.small));
    let fit = ticks_that_fit(rows.x1 - rows.x0, widest);
    // A range centred on zero (diverging bars) gets ticks chosen for one half and
    // mirrored, so that zero is a tick and the axis ends close to the longest bar.
    let values = if lo < 0.0 && (lo + hi).abs() <= f64::EPSILON * hi.abs() {
        let half = nice_ticks(0.0, hi, fit / 2 + 1);
        half.iter()
            .rev()
            .map(|v| 0.0 - v)
            .chain(half.iter().skip(1).copied())
            .collect()
    } else {
        nice_ticks(lo, hi, fit)
    };
    let axis = HAxis {
        x0: rows.x0,
        x1: rows.x1,
        lo: values[0],
        hi: *values.last().unwrap_or(&hi),
    };
    let step = if values.len() > 1 { values[1] - values[0] } else { 1.0 };
    for v in values {
        let x = axis.x(v);
        let label = fmt(v, step);
        grid.push(LineGeom {
            x0_px: x.round() as i32,
            y0_px: rows.y0.round() as i32,
            x1_px: x.round() as i32,
            y1_px: rows.y1.round() as i32,
            colour: style.grid,
            width_px: 1,
        });
        texts.push(text(
            label.clone(),
            x,
            rows.y1 + 4.0 * m.s,
            m.small,
            style.muted,
            HAlign::Center,
            VAlign::Top,
            TextRole::Tick,
        ));
        ticks_out.push(Tick {
            value: v,
            label,
            pos_px: x.round() as i32,
        });
    }
    if !axis_label.is_empty() {
        // Centred under the data where it fits; a title wider than the data (in a
        // narrow chart) slides sideways to stay within the frame rather than be cut.
        let label = super::text::elide(axis_label, m.font, (rows.right - rows.left).max(m.font));
        let half = text_width_px(&label, m.font) / 2.0;
        let centre = ((rows.x0 + rows.x1) / 2.0).min(rows.right - half).max(rows.left + half);
        texts.push(text(
            label,
            centre,
            rows.y1 + 4.0 * m.s + Metrics::line(m.small) + 2.0 * m.s,
            m.font,
            style.muted,
            HAlign::Center,
            VAlign::Top,
            TextRole::Axis,
        ));
    }
    axis
}

/// The three lines of a 95% interval's whisker across a horizontal bar: the span from
/// `x_lo_px` to `x_hi_px` at `mid_px`, and a cap `cap_px` above and below each end,
/// in the text colour so it reads over any bar fill.
pub(crate) fn whisker_lines(
    x_lo_px: f64,
    x_hi_px: f64,
    mid_px: i32,
    cap_px: i32,
    style: &ChartStyle,
    m: &Metrics,
) -> [LineGeom; 3] {
    let line = |x0: f64, y0: i32, x1: f64, y1: i32| LineGeom {
        x0_px: x0.round() as i32,
        y0_px: y0,
        x1_px: x1.round() as i32,
        y1_px: y1,
        colour: style.text,
        width_px: (m.s.round() as u32).max(1),
    };
    [
        line(x_lo_px, mid_px, x_hi_px, mid_px),
        line(x_lo_px, mid_px - cap_px, x_lo_px, mid_px + cap_px),
        line(x_hi_px, mid_px - cap_px, x_hi_px, mid_px + cap_px),
    ]
}
