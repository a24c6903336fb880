//! `canvass chart`: one question (or a question by another) drawn to SVG or PNG.
//!
//! The chart and its numbers come from the core's one query (`query::answer`), over the
//! same filter, weight and disclosure threshold as the page and the table subcommands,
//! so a chart written here shows exactly the cells and footnote the page shows. This file only reads the file and its release
//! manifest, and picks the output backend. PNG text is drawn with the DejaVu Sans
//! embedded below, so a PNG looks the same on every machine whatever fonts it has.

use crate::filter_args::{find_question, TableArgs};
use canvass_core::chart::adapt::ChartKind;
use canvass_core::chart::{self, Chart, ChartLayout, ChartStyle, Footnote};
use canvass_core::crosstab::PercentMode;
use canvass_core::query::{answer, ChartInput, Release, ViewRequest};
use clap::{ArgGroup, Args, ValueEnum};
use plotters::prelude::{BitMapBackend, IntoDrawingArea, SVGBackend};
use plotters::style::FontStyle;
use std::path::{Path, PathBuf};

#[derive(Args)]
#[command(group(ArgGroup::new("output").required(true).args(["svg", "png"])))]
pub struct ChartArgs {
    pub file: PathBuf,
    /// The question: its id, or its 1-based position such as @3.
    pub question: String,
    /// A second question whose answers split the respondents into groups.
    #[arg(long)]
    pub by: Option<String>,
    /// The kind of chart; by default the one that suits the question (grouped with --by).
    #[arg(long, value_enum)]
    pub kind: Option<Kind>,
    /// With --by: draw the percent of each group of the --by question (col), or of
    /// each answer of the question (row).
    #[arg(long, value_enum, default_value_t = Percent::Col)]
    pub percent: Percent,
    /// Draw each percent's 95% (Wilson) interval as a whisker: on bars and on grouped
    /// bars of a crosstab, as the page's intervals toggle does.
    #[arg(long)]
    pub intervals: bool,
    /// A canvass codebook (JSON) that fixes kinds, options, separators and skip logic.
    #[arg(long, value_name = "CB")]
    pub codebook: Option<PathBuf>,
    /// A condition on respondents, as for `canvass freq`; repeat for several.
    #[arg(long = "filter", value_name = "EXPR")]
    pub filters: Vec<String>,
    /// A numeric question whose values weight respondents.
    #[arg(long, value_name = "Q")]
    pub weight: Option<String>,
    /// Disclosure threshold, as for `canvass freq`: the release manifest's k, else 10;
    /// 0 turns disclosure control off.
    #[arg(long, value_name = "N")]
    pub k: Option<usize>,
    /// Write an SVG file.
    #[arg(long)]
    pub svg: Option<PathBuf>,
    /// Write a PNG file.
    #[arg(long)]
    pub png: Option<PathBuf>,
    /// Width in CSS pixels.
    #[arg(long, default_value_t = 800)]
    pub width: u32,
    /// Height in CSS pixels; by default enough for every row to read well.
    #[arg(long)]
    pub height: Option<u32>,
    /// Device pixels per CSS pixel, for sharper PNGs (2 for print and HiDPI screens).
    #[arg(long, default_value_t = 1.0)]
    pub scale: f64,
    /// Light text on a dark background.
    #[arg(long)]
    pub dark: bool,
    /// Mark the chart as drawn from synthetic data (a release manifest that says so
    /// marks it too).
    #[arg(long)]
    pub synthetic: bool,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Kind {
    Bar,
    Stacked,
    Grouped,
    Heatmap,
    Diverging,
}

impl From<Kind> for ChartKind {
    fn from(k: Kind) -> Self {
        match k {
            Kind::Bar => ChartKind::Bar,
            Kind::Stacked => ChartKind::Stacked,
            Kind::Grouped => ChartKind::Grouped,
            Kind::Heatmap => ChartKind::Heatmap,
            Kind::Diverging => ChartKind::Diverging,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Percent {
    Row,
    Col,
}

static DEJAVU_SANS: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
static DEJAVU_SANS_BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

/// Makes the embedded fonts the "sans-serif" that the chart style asks for.
fn register_fonts() -> Result<(), String> {
    for (style, bytes) in [(FontStyle::Normal, DEJAVU_SANS), (FontStyle::Bold, DEJAVU_SANS_BOLD)] {
        plotters::style::register_font("sans-serif", style, bytes)
            .map_err(|_| "the embedded font could not be read".to_string())?;
    }
    Ok(())
}

pub fn run(args: ChartArgs) -> Result<(), String> {
    let table_args = TableArgs {
        codebook: args.codebook.clone(),
        filters: args.filters.clone(),
        weight: args.weight.clone(),
        k: args.k,
        json: false,
    };
    let loaded = table_args.read_survey(&args.file)?;
    let dataset = &loaded.dataset;
    let mut release = release_of(&args.file)?;
    release.synthetic |= args.synthetic;
    let by = args
        .by
        .as_deref()
        .map(|by| find_question(dataset, by, &args.file).map(|i| dataset.questions()[i].id.clone()))
        .transpose()?;
    let request = ViewRequest {
        by,
        chart: args.kind.map(ChartKind::from),
        percent: match args.percent {
            Percent::Row => PercentMode::Row,
            Percent::Col => PercentMode::Column,
        },
        intervals: args.intervals,
        release,
        ..table_args.request(dataset, &args.question, &args.file)?
    };
    let ChartInput { chart, footnote } = answer(dataset, &request).map_err(|e| e.to_string())?.chart;
    render(&chart, &footnote, &args).map(|_| ())
}

/// The name, version and synthetic flag of the release whose `manifest.json` sits
/// beside `file`; without a manifest, the file's name.
fn release_of(file: &Path) -> Result<Release, String> {
    let manifest = file.with_file_name("manifest.json");
    let file_name = file.file_name().map(|n| n.to_string_lossy().into_owned());
    let Ok(bytes) = std::fs::read(&manifest) else {
        return Ok(Release {
            name: file_name,
            ..Release::default()
        });
    };
    let value: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|e| format!("{}: {e}; fix the release manifest", manifest.display()))?;
    let text = |key: &str| value.get(key).and_then(|v| v.as_str()).map(str::to_string);
    Ok(Release {
        name: text("title").or(file_name),
        version: text("version"),
        synthetic: value.get("synthetic").and_then(|v| v.as_bool()) == Some(true),
    })
}

/// Draws `chart` to the file the arguments name and returns its layout.
pub fn render(chart: &Chart, footnote: &Footnote, args: &ChartArgs) -> Result<ChartLayout, String> {
    let scale = if args.scale.is_finite() && args.scale > 0.0 {
        args.scale.min(8.0)
    } else {
        return Err(format!("--scale must be a positive number, not {}", args.scale));
    };
    let base_style = if args.png.is_some() {
        ChartStyle::bitmap()
    } else {
        ChartStyle::svg()
    };
    let mut style = if args.dark { base_style.dark() } else { base_style };
    style.scale = scale;
    let width_css = args.width.clamp(160, 8000);
    let width = (width_css as f64 * scale).round() as u32;
    let height = match args.height {
        Some(h) => (h.clamp(120, 16_000) as f64 * scale).round() as u32,
        None => chart::preferred_height_px(chart, width as i32, &style) as u32,
    };
    // A bitmap holds three bytes a pixel; past this a typo in --scale would exhaust
    // memory rather than draw a chart.
    const MAX_PIXELS: u64 = 100_000_000;
    if width as u64 * height as u64 > MAX_PIXELS {
        return Err(format!(
            "a {width} × {height} pixel chart is too large; lower --width, --height or --scale"
        ));
    }
    if let Some(path) = &args.svg {
        let mut svg = String::new();
        let layout = {
            let area = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
            chart::draw(&area, chart, footnote, &style).map_err(|e| e.to_string())?
        };
        write(path, svg.as_bytes())?;
        return Ok(layout);
    }
    let path = args.png.as_deref().unwrap_or(Path::new("chart.png"));
    register_fonts()?;
    let area = BitMapBackend::new(path, (width, height)).into_drawing_area();
    chart::draw(&area, chart, footnote, &style).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use canvass_core::chart::samples;

    fn args(png: &Path, width: u32, dark: bool) -> ChartArgs {
        ChartArgs {
            file: PathBuf::new(),
            question: String::new(),
            by: None,
            kind: None,
            percent: Percent::Col,
            intervals: true,
            codebook: None,
            filters: Vec::new(),
            weight: None,
            k: None,
            svg: None,
            png: Some(png.to_path_buf()),
            width,
            height: None,
            scale: std::env::var("CANVASS_CHART_SCALE")
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(1.0),
            dark,
            synthetic: true,
        }
    }

    /// Renders every example kind to PNG. With CANVASS_CHART_DIR set, the files are
    /// kept there to be looked at.
    #[test]
    fn every_kind_renders_to_png() {
        let dir = std::env::var_os("CANVASS_CHART_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| std::env::temp_dir().join(format!("canvass-png-{}", std::process::id())));
        std::fs::create_dir_all(&dir).unwrap();
        for dark in [false, true] {
            for (name, chart, footnote) in samples::all() {
                let path = dir.join(format!("{name}{}.png", if dark { "-dark" } else { "" }));
                let layout = render(&chart, &footnote, &args(&path, 720, dark)).unwrap();
                assert!(!layout.bars.is_empty(), "{name}");
                assert!(path.exists());
            }
        }
    }
}

#[cfg(test)]
mod measure {
    use canvass_core::chart::text::{bold_width_px, text_width_px};
    use plotters::style::{FontDesc, FontFamily, FontStyle};

    /// The core lays text out by estimated widths; the PNG draws it with the embedded
    /// font. The two must agree or labels collide in PNGs.
    #[test]
    fn width_estimates_match_the_embedded_font() {
        super::register_fonts().unwrap();
        let texts = [
            "Which programming language do you use most often for your work?",
            "61% (n=742)",
            "Strongly disagree",
            "A few times a month",
            "Base: 1,216 respondents who answered.",
        ];
        for (style, estimate) in [
            (FontStyle::Normal, text_width_px as fn(&str, f64) -> f64),
            (FontStyle::Bold, bold_width_px),
        ] {
            // ChartStyle::bitmap's factor turns a 100 px em into ab_glyph's scale.
            let font = FontDesc::new(FontFamily::Name("sans-serif"), 100.0 * 1.16, style);
            for t in texts {
                let (actual, _) = font.box_size(t).unwrap();
                let ratio = actual as f64 / estimate(t, 100.0);
                assert!(
                    (0.9..=1.03).contains(&ratio),
                    "{} {t:?}: {actual} px, ratio {ratio:.3}",
                    style.as_str()
                );
            }
        }
    }
}
