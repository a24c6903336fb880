//! What every chart kind shares: title, "synthetic data" mark, legend and footnote,
//! laid out around the space left for the data.

use super::geom::{BoxGeom, HAlign, Pattern, TextGeom, TextRole, VAlign};
use super::input::Footnote;
use super::style::{ChartStyle, Rgb};
use super::text::{bold_width_px, text_width_px, wrap};

/// Sizes derived from a style, in device pixels.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Metrics {
    pub s: f64,
    pub pad: f64,
    pub font: f64,
    pub small: f64,
    pub title: f64,
}

impl Metrics {
    pub fn of(style: &ChartStyle) -> Metrics {
        let s = if style.scale.is_finite() && style.scale > 0.0 {
            style.scale.min(16.0)
        } else {
            1.0
        };
        let font_px = if style.font_px.is_finite() && style.font_px > 0.0 {
            style.font_px.min(200.0)
        } else {
            13.0
        };
        let font = font_px * s;
        Metrics {
            s,
            pad: 16.0 * s,
            font,
            small: font * 0.85,
            title: font * 1.25,
        }
    }

    /// Line height for text of `size`.
    pub fn line(size: f64) -> f64 {
        (size * 1.3).round()
    }
}

/// One legend entry: a coloured swatch and its label, or a line of explanation.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum LegendItem {
    Swatch(String, Rgb, Pattern),
    Note(String),
}

/// The frame's texts and boxes, and the space left between them for the data.
#[derive(Debug, Clone)]
pub(crate) struct Frame {
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
    pub texts: Vec<TextGeom>,
    pub boxes: Vec<BoxGeom>,
    pub footnote: Vec<String>,
}

// A text is its string, place, size, colour, anchor and role; nothing to leave out.
#[allow(clippy::too_many_arguments)]
pub(crate) fn text(
    text: impl Into<String>,
    x: f64,
    y: f64,
    size: f64,
    colour: Rgb,
    h: HAlign,
    v: VAlign,
    role: TextRole,
) -> TextGeom {
    TextGeom {
        text: text.into(),
        x_px: x.round() as i32,
        y_px: y.round() as i32,
        size_px: size,
        bold: false,
        colour,
        h_align: h,
        v_align: v,
        role,
        vertical: false,
    }
}

const BADGE: &str = "SYNTHETIC DATA";

/// Most lines a title, the subtitle and the footnote take (see `frame`).
pub(crate) const MAX_TITLE_LINES: usize = 6;
pub(crate) const MAX_SUBTITLE_LINES: usize = 4;
pub(crate) const MAX_FOOTNOTE_LINES: usize = 12;

/// Lays out title, badge, legend and footnote in a `width` × `height` area.
pub(crate) fn frame(
    title: &str,
    subtitle: &str,
    footnote: &Footnote,
    legend: &[LegendItem],
    width: f64,
    height: f64,
    style: &ChartStyle,
) -> Frame {
    let m = Metrics::of(style);
    let mut texts = Vec::new();
    let mut boxes = Vec::new();
    let left = m.pad;
    let right = (width - m.pad).max(left + 1.0);
    let mut top = m.pad;
    let mut title_right = right;

    if footnote.synthetic {
        let bw = bold_width_px(BADGE, m.small) + 12.0 * m.s;
        let bh = (m.small * 1.7).round();
        let bx = (right - bw).max(left);
        boxes.push(BoxGeom {
            x_px: bx.round() as i32,
            y_px: top.round() as i32,
            w_px: bw.round() as i32,
            h_px: bh as i32,
            fill: None,
            stroke: Some(style.warning),
            pattern: super::geom::Pattern::Solid,
        });
        let mut badge = text(
            BADGE,
            bx + bw / 2.0,
            top + bh / 2.0,
            m.small,
            style.warning,
            HAlign::Center,
            VAlign::Middle,
            TextRole::Badge,
        );
        badge.bold = true;
        texts.push(badge);
        title_right = bx - 10.0 * m.s;
    }

    // Titles, subtitles and footnotes wrap whole on a phone's width rather than being
    // cut; the caps only keep a runaway label from taking the whole chart.
    let title_lines = wrap(
        title,
        m.title * 1.15,
        (title_right - left).max(m.title),
        MAX_TITLE_LINES,
    );
    let title_lh = Metrics::line(m.title);
    for (i, line) in title_lines.iter().enumerate() {
        let mut t = text(
            line.clone(),
            left,
            top + i as f64 * title_lh,
            m.title,
            style.text,
            HAlign::Left,
            VAlign::Top,
            TextRole::Title,
        );
        t.bold = true;
        texts.push(t);
    }
    let badge_bottom = if footnote.synthetic { top + m.small * 1.7 } else { top };
    top += title_lines.len() as f64 * title_lh;
    if !subtitle.is_empty() {
        let lines = wrap(subtitle, m.font, (title_right - left).max(m.font), MAX_SUBTITLE_LINES);
        for (i, line) in lines.iter().enumerate() {
            texts.push(text(
                line.clone(),
                left,
                top + 2.0 * m.s + i as f64 * Metrics::line(m.font),
                m.font,
                style.muted,
                HAlign::Left,
                VAlign::Top,
                TextRole::Subtitle,
            ));
        }
        top += lines.len() as f64 * Metrics::line(m.font) + 2.0 * m.s;
    }
    top = top.max(badge_bottom) + 8.0 * m.s;

    if !legend.is_empty() {
        let swatch = (m.font * 0.8).round();
        let row_h = Metrics::line(m.font) + 2.0 * m.s;
        let gap = 16.0 * m.s;
        let mut x = left;
        let mut row = 0usize;
        for item in legend {
            let (label, colour) = match item {
                LegendItem::Swatch(label, colour, pattern) => (label.as_str(), Some((*colour, *pattern))),
                LegendItem::Note(label) => (label.as_str(), None),
            };
            let room = right - left - if colour.is_some() { swatch + 5.0 * m.s } else { 0.0 };
            let label = super::text::elide(label, m.font, room.max(m.font));
            let item_w = text_width_px(&label, m.font) + if colour.is_some() { swatch + 5.0 * m.s } else { 0.0 };
            if x > left && x + item_w > right {
                x = left;
                row += 1;
            }
            let mid_y = top + row as f64 * row_h + row_h / 2.0;
            let mut label_x = x;
            if let Some((colour, pattern)) = colour {
                boxes.push(BoxGeom {
                    x_px: x.round() as i32,
                    y_px: (mid_y - swatch / 2.0).round() as i32,
                    w_px: swatch as i32,
                    h_px: swatch as i32,
                    fill: Some(colour),
                    stroke: None,
                    pattern,
                });
                label_x += swatch + 5.0 * m.s;
            }
            texts.push(text(
                label,
                label_x,
                mid_y,
                m.font,
                style.text,
                HAlign::Left,
                VAlign::Middle,
                TextRole::Legend,
            ));
            x += item_w + gap;
        }
        top += (row + 1) as f64 * row_h + 8.0 * m.s;
    }

    let foot_lh = Metrics::line(m.small);
    let sentences = footnote.sentences().join(" ");
    let footnote_lines = wrap(&sentences, m.small, right - left, MAX_FOOTNOTE_LINES);
    let mut bottom = height - m.pad;
    for (i, line) in footnote_lines.iter().enumerate() {
        let y = height - m.pad - (footnote_lines.len() - i) as f64 * foot_lh;
        texts.push(text(
            line.clone(),
            left,
            y,
            m.small,
            style.muted,
            HAlign::Left,
            VAlign::Top,
            TextRole::Footnote,
        ));
        bottom = bottom.min(y);
    }
    if !footnote_lines.is_empty() {
        bottom -= 10.0 * m.s;
    }
    Frame {
        left,
        right,
        top,
        bottom: bottom.max(top + 1.0),
        texts,
        boxes,
        footnote: footnote_lines,
    }
}
