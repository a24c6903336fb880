//! Painting a laid-out chart onto any plotters backend. Nothing here decides a
//! position: it walks a [`ChartLayout`] in order.

use super::geom::{ChartLayout, HAlign, Pattern, VAlign};
use super::style::{ChartStyle, Rgb};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontStyle, FontTransform};

fn colour(c: Rgb) -> RGBColor {
    RGBColor(c.0, c.1, c.2)
}

/// Draws `pattern`'s hatch lines over a rectangle filled with `fill`, in the ink that
/// reads on that fill.
#[allow(clippy::too_many_arguments)]
fn hatch<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    pattern: Pattern,
    x: i32,
    y: i32,
    w: i32,
    h: i32,
    fill: Rgb,
    spacing: i32,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let ink = colour(super::grouped::ink_on(fill));
    for [a, b] in pattern.segments(x, y, x + w, y + h, spacing) {
        area.draw(&PathElement::new(vec![a, b], ink.stroke_width(1)))?;
    }
    Ok(())
}

/// Paints `layout` onto `area`, then presents it.
pub fn paint<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    layout: &ChartLayout,
    style: &ChartStyle,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    area.fill(&colour(layout.background))?;
    for line in &layout.grid {
        area.draw(&PathElement::new(
            vec![(line.x0_px, line.y0_px), (line.x1_px, line.y1_px)],
            colour(line.colour).stroke_width(line.width_px),
        ))?;
    }
    for bar in &layout.bars {
        if bar.w_px > 0 && bar.h_px > 0 {
            area.draw(&Rectangle::new(
                [(bar.x_px, bar.y_px), (bar.x_px + bar.w_px, bar.y_px + bar.h_px)],
                colour(bar.fill).filled(),
            ))?;
        }
    }
    let spacing = (6.0
        * if style.scale.is_finite() {
            style.scale.clamp(1.0, 16.0)
        } else {
            1.0
        })
    .round() as i32;
    for bar in &layout.bars {
        hatch(
            area,
            bar.pattern,
            bar.x_px,
            bar.y_px,
            bar.w_px,
            bar.h_px,
            bar.fill,
            spacing,
        )?;
    }
    for line in &layout.lines {
        area.draw(&PathElement::new(
            vec![(line.x0_px, line.y0_px), (line.x1_px, line.y1_px)],
            colour(line.colour).stroke_width(line.width_px),
        ))?;
    }
    for b in &layout.boxes {
        let corners = [(b.x_px, b.y_px), (b.x_px + b.w_px, b.y_px + b.h_px)];
        if let Some(fill) = b.fill {
            area.draw(&Rectangle::new(corners, colour(fill).filled()))?;
        }
        if let Some(fill) = b.fill {
            hatch(area, b.pattern, b.x_px, b.y_px, b.w_px, b.h_px, fill, spacing)?;
        }
        if let Some(stroke) = b.stroke {
            area.draw(&Rectangle::new(corners, colour(stroke).stroke_width(1)))?;
        }
    }
    let factor = if style.backend_font_factor.is_finite() && style.backend_font_factor > 0.0 {
        style.backend_font_factor
    } else {
        1.0
    };
    for t in &layout.texts {
        if t.text.is_empty() {
            continue;
        }
        let pos = Pos::new(
            match t.h_align {
                HAlign::Left => HPos::Left,
                HAlign::Center => HPos::Center,
                HAlign::Right => HPos::Right,
            },
            match t.v_align {
                VAlign::Top => VPos::Top,
                VAlign::Middle => VPos::Center,
                VAlign::Bottom => VPos::Bottom,
            },
        );
        let font_style = if t.bold { FontStyle::Bold } else { FontStyle::Normal };
        let ink = colour(t.colour);
        let mut text_style = TextStyle::from((style.font_family, t.size_px * factor, font_style).into_font())
            .color(&ink)
            .pos(pos);
        if t.vertical {
            text_style = text_style.transform(FontTransform::Rotate270);
        }
        area.draw(&Text::new(t.text.clone(), (t.x_px, t.y_px), text_style))?;
    }
    area.present()?;
    Ok(())
}
