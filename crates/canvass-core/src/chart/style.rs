//! Colours, sizes and palettes. A style says how a chart looks, never where things go.

use serde::{Serialize, Serializer};

/// An opaque sRGB colour. Serialised as `"#rrggbb"` so the page and tests can read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    /// Relative luminance (WCAG 2), used to pick readable text on a filled cell.
    pub fn luminance(self) -> f64 {
        fn lin(c: u8) -> f64 {
            let c = c as f64 / 255.0;
            if c <= 0.040_45 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        }
        0.2126 * lin(self.0) + 0.7152 * lin(self.1) + 0.0722 * lin(self.2)
    }

    /// Straight interpolation in sRGB; `t` is clamped to 0..=1.
    pub fn mix(self, other: Rgb, t: f64) -> Rgb {
        let t = if t.is_finite() { t.clamp(0.0, 1.0) } else { 0.0 };
        let m = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * t).round() as u8;
        Rgb(m(self.0, other.0), m(self.1, other.1), m(self.2, other.2))
    }
}

impl Serialize for Rgb {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.hex())
    }
}

/// The Okabe–Ito palette (Okabe & Ito 2008), distinguishable under the common forms of
/// colour-vision deficiency. Blue comes first because a single series uses it; black is
/// left out because text and axes already use it.
pub const OKABE_ITO: [Rgb; 7] = [
    Rgb(0x00, 0x72, 0xB2), // blue
    Rgb(0xE6, 0x9F, 0x00), // orange
    Rgb(0x00, 0x9E, 0x73), // bluish green
    Rgb(0xCC, 0x79, 0xA7), // reddish purple
    Rgb(0x56, 0xB4, 0xE9), // sky blue
    Rgb(0xD5, 0x5E, 0x00), // vermillion
    Rgb(0xF0, 0xE4, 0x42), // yellow
];

/// Colour of series `idx`; past seven the palette repeats, which the legend still names.
pub fn categorical(idx: usize) -> Rgb {
    OKABE_ITO[idx % OKABE_ITO.len()]
}

/// Viridis sampled at nine even steps (van der Walt & Smith, matplotlib 2.0): a
/// sequential scale that is perceptually uniform, survives greyscale printing and
/// colour-vision deficiency. Values in between are interpolated.
const VIRIDIS: [Rgb; 9] = [
    Rgb(0x44, 0x01, 0x54),
    Rgb(0x47, 0x2c, 0x7a),
    Rgb(0x3b, 0x51, 0x8b),
    Rgb(0x2c, 0x71, 0x8e),
    Rgb(0x21, 0x90, 0x8d),
    Rgb(0x27, 0xad, 0x81),
    Rgb(0x5c, 0xc8, 0x63),
    Rgb(0xaa, 0xdc, 0x32),
    Rgb(0xfd, 0xe7, 0x25),
];

/// Sequential colour for `t` in 0..=1 (light end high for the light theme).
/// The light theme runs the scale from yellow (low) to purple (high) so that small
/// values fade into the white page; the dark theme runs it the other way.
pub fn sequential(t: f64, dark: bool) -> Rgb {
    let t = if t.is_finite() { t.clamp(0.0, 1.0) } else { 0.0 };
    let t = if dark { t } else { 1.0 - t };
    let pos = t * (VIRIDIS.len() - 1) as f64;
    let idx = (pos.floor() as usize).min(VIRIDIS.len() - 2);
    VIRIDIS[idx].mix(VIRIDIS[idx + 1], pos - idx as f64)
}

/// Ends and middle of the diverging scale: orange for disagreement, blue for agreement,
/// grey for neutral. Orange against blue stays apart under red–green deficiencies,
/// unlike the red–green scales reports often use.
const DIVERGE_NEG: Rgb = Rgb(0xB3, 0x58, 0x06);
const DIVERGE_NEG_LIGHT: Rgb = Rgb(0xF6, 0xC1, 0x7A);
const DIVERGE_MID: Rgb = Rgb(0xD4, 0xD4, 0xD4);
const DIVERGE_POS_LIGHT: Rgb = Rgb(0x9E, 0xCA, 0xE1);
const DIVERGE_POS: Rgb = Rgb(0x21, 0x66, 0xAC);

/// Colours for an `n_levels`-point scale, negative end first. With an odd count the
/// middle level is neutral grey.
pub fn diverging(n_levels: usize) -> Vec<Rgb> {
    let half = n_levels / 2;
    let side = |strong: Rgb, light: Rgb| -> Vec<Rgb> {
        (0..half)
            .map(|i| {
                if half == 1 {
                    strong.mix(light, 0.35)
                } else {
                    strong.mix(light, i as f64 / (half - 1) as f64)
                }
            })
            .collect()
    };
    let mut out = side(DIVERGE_NEG, DIVERGE_NEG_LIGHT);
    if n_levels % 2 == 1 {
        out.push(DIVERGE_MID);
    }
    let mut pos = side(DIVERGE_POS, DIVERGE_POS_LIGHT);
    pos.reverse();
    out.extend(pos);
    out
}

/// Colours and sizes. Sizes are CSS pixels; `scale` multiplies them for HiDPI output.
#[derive(Debug, Clone)]
pub struct ChartStyle {
    pub scale: f64,
    pub font_family: &'static str,
    pub font_px: f64,
    pub background: Rgb,
    pub text: Rgb,
    pub muted: Rgb,
    pub grid: Rgb,
    /// The colour of a single series.
    pub bar: Rgb,
    /// The "synthetic data" mark.
    pub warning: Rgb,
    pub dark: bool,
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

    /// For plotters' bitmap backend with an ab_glyph font: ab_glyph scales a font to
    /// its full line height (ascent plus descent), about 1.16 em for DejaVu Sans, where
    /// CSS sizes the em.
    pub fn bitmap() -> Self {
        ChartStyle {
            backend_font_factor: 1.16,
            ..ChartStyle::default()
        }
    }

    /// The same style on a dark background, for pages that follow
    /// `prefers-color-scheme: dark`.
    pub fn dark(self) -> Self {
        ChartStyle {
            background: Rgb(0x16, 0x1b, 0x22),
            text: Rgb(0xe6, 0xed, 0xf3),
            muted: Rgb(0xa0, 0xab, 0xb8),
            grid: Rgb(0x30, 0x36, 0x3d),
            // Okabe–Ito sky blue reads better than the deep blue on a dark ground.
            bar: Rgb(0x56, 0xB4, 0xE9),
            warning: Rgb(0xFF, 0x8C, 0x42),
            dark: true,
            ..self
        }
    }

    /// Colour of series `idx` in this theme: the palette, starting from this theme's
    /// single-series colour, which trades places with the palette entry it equals so
    /// that seven series always get seven colours.
    pub fn series(&self, idx: usize) -> Rgb {
        let colour = categorical(idx);
        if colour == OKABE_ITO[0] {
            self.bar
        } else if colour == self.bar {
            OKABE_ITO[0]
        } else {
            colour
        }
    }

    /// Hatching of series `idx`: none for the palette's first seven, then each further
    /// pass through the palette hatched another way.
    pub fn series_pattern(&self, idx: usize) -> super::geom::Pattern {
        super::geom::Pattern::of_cycle(idx / OKABE_ITO.len())
    }
}

impl Default for ChartStyle {
    fn default() -> Self {
        ChartStyle {
            scale: 1.0,
            font_family: "sans-serif",
            font_px: 13.0,
            background: Rgb(255, 255, 255),
            text: Rgb(0x1f, 0x23, 0x28),
            muted: Rgb(0x59, 0x63, 0x6e),
            grid: Rgb(0xe1, 0xe4, 0xe8),
            bar: OKABE_ITO[0],
            warning: Rgb(0xB3, 0x3C, 0x00),
            dark: false,
            backend_font_factor: 1.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequential_scale_is_monotone_in_lightness() {
        let lum: Vec<f64> = (0..=20)
            .map(|i| sequential(i as f64 / 20.0, false).luminance())
            .collect();
        assert!(lum.windows(2).all(|w| w[1] < w[0]), "{lum:?}");
        assert_eq!(sequential(0.0, false), Rgb(0xfd, 0xe7, 0x25));
        assert_eq!(sequential(1.0, true), Rgb(0xfd, 0xe7, 0x25));
        assert_eq!(sequential(f64::NAN, false), sequential(0.0, false));
    }

    #[test]
    fn diverging_scale_is_symmetric_with_grey_middle() {
        let five = diverging(5);
        assert_eq!(five.len(), 5);
        assert_eq!(five[2], DIVERGE_MID);
        assert_eq!((five[0], five[4]), (DIVERGE_NEG, DIVERGE_POS));
        // Outer levels are darker than inner ones on both sides.
        assert!(five[0].luminance() < five[1].luminance());
        assert!(five[4].luminance() < five[3].luminance());
        assert_eq!(diverging(4).len(), 4);
        assert_eq!(diverging(2).len(), 2);
        assert!(diverging(0).is_empty());
        assert_eq!(diverging(1), vec![DIVERGE_MID]);
    }

    #[test]
    fn colours_serialise_as_hex() {
        assert_eq!(serde_json::to_string(&Rgb(0, 0x72, 0xB2)).unwrap(), "\"#0072b2\"");
    }
}
