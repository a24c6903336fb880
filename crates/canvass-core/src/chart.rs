//! Charts, drawn against plotters' `DrawingBackend` so that the browser canvas, SVG
//! and bitmap outputs come from one implementation.
//!
//! Geometry is computed first by plain functions ([`bar_layout`]) that tests check
//! as numbers; drawing ([`draw_frequencies`]) only paints a layout. Text width is
//! estimated from the font size rather than measured, so the layout is identical on
//! every backend and machine.

use crate::freq::Frequencies;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use serde::Serialize;

/// Colours and sizes. Sizes are CSS pixels; `scale` multiplies them for HiDPI output.
#[derive(Debug, Clone)]
pub struct ChartStyle {
    pub scale: f64,
    pub font_family: &'static str,
    pub font_px: f64,
    pub background: RGBColor,
    pub text: RGBColor,
    pub muted: RGBColor,
    pub bar: RGBColor,
    /// Multiplies font sizes handed to the backend. plotters' SVG backend writes
    /// `size / 1.24` as the font size while the canvas backend uses `size` as CSS
    /// pixels; [`ChartStyle::svg`] sets 1.24 so both show the same text size.
    pub backend_font_factor: f64,
}

impl ChartStyle {
    /// The default style, adjusted for plotters' SVG backend.
    pub fn svg() -> Self {
        ChartStyle {
            backend_font_factor: 1.24,
            ..ChartStyle::default()
        }
    }
}

impl Default for ChartStyle {
    fn default() -> Self {
        ChartStyle {
            scale: 1.0,
            font_family: "sans-serif",
            font_px: 13.0,
            background: RGBColor(255, 255, 255),
            text: RGBColor(0x1f, 0x23, 0x28),
            muted: RGBColor(0x59, 0x63, 0x6e),
            // Okabe–Ito blue: distinguishable under every common colour-vision deficiency.
            bar: RGBColor(0x00, 0x72, 0xB2),
            backend_font_factor: 1.0,
        }
    }
}

/// One bar's place, in device pixels.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BarGeom {
    pub label: String,
    pub value_label: String,
    pub x_px: i32,
    pub y_px: i32,
    pub w_px: i32,
    pub h_px: i32,
}

/// Where everything of a horizontal bar chart goes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BarLayout {
    pub width_px: i32,
    pub height_px: i32,
    pub title: String,
    pub footnote: String,
    /// Left edge of the bars (the zero line) and the x of the longest possible bar.
    pub plot_x0_px: i32,
    pub plot_x1_px: i32,
    pub bars: Vec<BarGeom>,
}

/// Rough advance width of one character, as a share of the font size: enough to size
/// label columns without measuring text on the backend.
const CHAR_WIDTH_EM: f64 = 0.56;

/// Shortens `text` to fit `max_px`, marking the cut with an ellipsis.
pub fn elide(text: &str, font_px: f64, max_px: f64) -> String {
    let max_chars = (max_px / (font_px * CHAR_WIDTH_EM)).floor().max(1.0) as usize;
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let kept: String = text.chars().take(max_chars.saturating_sub(1)).collect();
    format!("{}…", kept.trim_end())
}

fn text_width_px(text: &str, font_px: f64) -> f64 {
    text.chars().count() as f64 * font_px * CHAR_WIDTH_EM
}

/// Lays out a horizontal bar chart of `freq` in a `width_px` × `height_px` area.
/// Bars keep the table's order; their length is proportional to the count.
pub fn bar_layout(freq: &Frequencies, width_px: i32, height_px: i32, style: &ChartStyle) -> BarLayout {
    let s = style.scale;
    let font_px = style.font_px * s;
    let pad = (12.0 * s).round();
    let title_h = (font_px * 1.6).round();
    let foot_h = (font_px * 1.6).round();
    let label_max = (width_px as f64 * 0.38).max(40.0 * s);
    let labels: Vec<String> = freq.rows.iter().map(|r| elide(&r.option, font_px, label_max)).collect();
    let label_w = labels.iter().map(|l| text_width_px(l, font_px)).fold(0.0, f64::max);
    let value_labels: Vec<String> = freq
        .rows
        .iter()
        .map(|r| match (r.count, r.percent) {
            (Some(c), Some(p)) => format!("{p:.0}% ({c})"),
            (Some(c), None) => format!("{c}"),
            _ => "–".to_string(),
        })
        .collect();
    let value_w = value_labels
        .iter()
        .map(|l| text_width_px(l, font_px))
        .fold(0.0, f64::max);

    let plot_x0 = (pad + label_w + pad / 2.0).round();
    let plot_x1 = (width_px as f64 - pad - value_w - pad / 2.0).round().max(plot_x0 + 1.0);
    let top = pad + title_h;
    let bottom = height_px as f64 - pad - foot_h;
    let n_bars = freq.rows.len().max(1) as f64;
    let slot_h = ((bottom - top) / n_bars).max(1.0);
    let bar_h = (slot_h * 0.72).round().max(1.0);
    let max_count = freq.rows.iter().filter_map(|r| r.count).fold(0.0, f64::max);

    let bars = freq
        .rows
        .iter()
        .zip(labels)
        .zip(value_labels)
        .enumerate()
        .map(|(i, ((row, label), value_label))| {
            let share = match row.count {
                Some(c) if max_count > 0.0 => c / max_count,
                _ => 0.0,
            };
            BarGeom {
                label,
                value_label,
                x_px: plot_x0 as i32,
                y_px: (top + i as f64 * slot_h + (slot_h - bar_h) / 2.0).round() as i32,
                w_px: ((plot_x1 - plot_x0) * share).round() as i32,
                h_px: bar_h as i32,
            }
        })
        .collect();
    let base_note = format!(
        "n = {} of {}",
        fmt_count(freq.base.n),
        fmt_count(freq.respondents as f64)
    );
    let missing_note: Vec<String> = freq
        .missing
        .iter()
        .map(|m| format!("{} {}", fmt_count(m.count), m.reason.label()))
        .collect();
    let footnote = if missing_note.is_empty() {
        base_note
    } else {
        format!("{base_note}; {}", missing_note.join(", "))
    };
    BarLayout {
        width_px,
        height_px,
        title: elide(&freq.text, font_px * 1.1, width_px as f64 - 2.0 * pad),
        footnote,
        plot_x0_px: plot_x0 as i32,
        plot_x1_px: plot_x1 as i32,
        bars,
    }
}

/// Formats a count with thousands separators: 1236 → "1,236".
pub fn fmt_count(n: f64) -> String {
    let digits = format!("{:.0}", n.abs());
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if n < 0.0 {
        out.insert(0, '-');
    }
    out
}

fn text_style<'a>(style: &'a ChartStyle, size_px: f64, colour: &'a RGBColor, pos: Pos) -> TextStyle<'a> {
    TextStyle::from((style.font_family, size_px * style.backend_font_factor).into_font())
        .color(colour)
        .pos(pos)
}

/// Paints `freq` as horizontal bars filling `area`, and returns the layout it painted.
pub fn draw_frequencies<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    freq: &Frequencies,
    style: &ChartStyle,
) -> Result<BarLayout, DrawingAreaErrorKind<DB::ErrorType>> {
    let (w, h) = area.dim_in_pixel();
    let layout = bar_layout(freq, w as i32, h as i32, style);
    area.fill(&style.background)?;
    let font_px = style.font_px * style.scale;
    let pad = (12.0 * style.scale) as i32;
    let left_top = Pos::new(HPos::Left, VPos::Top);
    area.draw(&Text::new(
        layout.title.clone(),
        (pad, pad),
        text_style(style, font_px * 1.1, &style.text, left_top),
    ))?;
    for bar in &layout.bars {
        let mid_y = bar.y_px + bar.h_px / 2;
        area.draw(&Text::new(
            bar.label.clone(),
            (bar.x_px - pad / 2, mid_y),
            text_style(style, font_px, &style.text, Pos::new(HPos::Right, VPos::Center)),
        ))?;
        if bar.w_px > 0 {
            area.draw(&Rectangle::new(
                [(bar.x_px, bar.y_px), (bar.x_px + bar.w_px, bar.y_px + bar.h_px)],
                style.bar.filled(),
            ))?;
        }
        area.draw(&Text::new(
            bar.value_label.clone(),
            (bar.x_px + bar.w_px + pad / 2, mid_y),
            text_style(style, font_px, &style.muted, Pos::new(HPos::Left, VPos::Center)),
        ))?;
    }
    area.draw(&PathElement::new(
        vec![
            (layout.plot_x0_px, pad + font_px as i32 * 2),
            (layout.plot_x0_px, h as i32 - pad - font_px as i32 * 2),
        ],
        style.muted,
    ))?;
    area.draw(&Text::new(
        layout.footnote.clone(),
        (pad, h as i32 - pad),
        text_style(style, font_px * 0.9, &style.muted, Pos::new(HPos::Left, VPos::Bottom)),
    ))?;
    area.present()?;
    Ok(layout)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::freq::{frequencies, BaseKind};
    use crate::load::{load, LoadOptions};

    fn freq_of(csv: &str) -> Frequencies {
        let loaded = load(csv.as_bytes(), &LoadOptions::default()).unwrap();
        frequencies(&loaded.dataset, 0, BaseKind::Answered).unwrap()
    }

    #[test]
    fn bar_lengths_are_proportional_to_counts() {
        let f = freq_of("q\na\nb\nb\nb\nb\nc\nc\n");
        let layout = bar_layout(&f, 600, 300, &ChartStyle::default());
        let widths: Vec<i32> = layout.bars.iter().map(|b| b.w_px).collect();
        let full = layout.plot_x1_px - layout.plot_x0_px;
        assert_eq!(widths[1], full);
        assert!((widths[0] as f64 - full as f64 / 4.0).abs() <= 1.0, "{widths:?}");
        assert!((widths[2] as f64 - full as f64 / 2.0).abs() <= 1.0, "{widths:?}");
        // Bars do not overlap and stay between title and footnote.
        for pair in layout.bars.windows(2) {
            assert!(pair[0].y_px + pair[0].h_px <= pair[1].y_px);
        }
        assert!(layout.bars[0].y_px > 12 && layout.bars[2].y_px + layout.bars[2].h_px < 300 - 12);
        assert_eq!(layout.footnote, "n = 7 of 7");
    }

    #[test]
    fn long_labels_are_elided_with_the_full_text_elsewhere() {
        assert_eq!(elide("short", 10.0, 100.0), "short");
        // 56 px at 5.6 px a character leaves room for 9 characters, the ellipsis included.
        let cut = elide("a very long option label that cannot fit", 10.0, 56.0);
        assert_eq!(cut, "a very l…");
        assert_eq!(fmt_count(1236.0), "1,236");
        assert_eq!(fmt_count(999.0), "999");
        assert_eq!(fmt_count(1_000_000.0), "1,000,000");
    }

    #[test]
    fn svg_output_contains_every_bar_and_label() {
        let f = freq_of("Favourite,id\nPython,1\nRust,2\nPython,3\n,4\n");
        let mut svg = String::new();
        {
            let area = SVGBackend::with_string(&mut svg, (480, 200)).into_drawing_area();
            draw_frequencies(&area, &f, &ChartStyle::svg()).unwrap();
        }
        // 13 px labels, as on the canvas, after plotters' SVG backend divides by 1.24.
        let sizes: Vec<f64> = svg
            .split("font-size=\"")
            .skip(1)
            .filter_map(|s| s.split('"').next()?.parse().ok())
            .collect();
        assert!(sizes.iter().any(|s| (s - 13.0).abs() < 1e-6), "{sizes:?}");
        assert_eq!(svg.matches("<rect").count(), 3, "background and two bars: {svg}");
        for text in ["Python", "Rust", "67% (2)", "33% (1)", "n = 3 of 4; 1 no answer"] {
            assert!(svg.contains(text), "missing {text}: {svg}");
        }
    }
}
