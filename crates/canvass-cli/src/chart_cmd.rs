//! `canvass chart`: one question (or a question by another) drawn to SVG or PNG.
//!
//! The chart itself comes from the core; this file only reads the file, picks the
//! output backend and, for `--by`, counts the two-way table (see [`crosstab_counts`]).
//! PNG text is drawn with the DejaVu Sans embedded below, so a PNG looks the same on
//! every machine whatever fonts it has.

use canvass_core::chart::adapt::{chart_for_question, ChartKind};
use canvass_core::chart::{self, Chart, ChartLayout, ChartStyle, Footnote, GroupedTable};
use canvass_core::dataset::{Categorical, CategoricalCell, Column, Dataset};
use canvass_core::{load, LoadOptions};
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
    /// The kind of chart; by default the one that suits the question.
    #[arg(long, value_enum)]
    pub kind: Option<Kind>,
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
    /// Mark the chart as drawn from synthetic data.
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
    let bytes = std::fs::read(&args.file).map_err(|e| format!("cannot read {}: {e}", args.file.display()))?;
    let loaded = load(&bytes, &LoadOptions::default()).map_err(|e| format!("{}: {e}", args.file.display()))?;
    let dataset = &loaded.dataset;
    let find = |name: &str| {
        dataset.find(name).ok_or_else(|| {
            format!(
                "no question {name:?} in {}: name it by id or by position such as @3 (see `canvass summary`)",
                args.file.display()
            )
        })
    };
    let question_idx = find(&args.question)?;
    let kind = args.kind.map(ChartKind::from);
    let (chart, mut footnote) = match &args.by {
        None => chart_for_question(dataset, question_idx, kind).map_err(|e| e.to_string())?,
        Some(by) => {
            let by_idx = find(by)?;
            let table = crosstab_table(dataset, question_idx, by_idx)?;
            let footnote = Footnote {
                base: format!(
                    "Base: {} respondents who answered both questions",
                    chart::fmt_count(table.col_bases.iter().flatten().sum())
                ),
                ..Footnote::default()
            };
            let chart = match kind.unwrap_or(ChartKind::Grouped) {
                ChartKind::Stacked => Chart::Stacked(table),
                ChartKind::Heatmap => Chart::Heatmap(table),
                ChartKind::Grouped => Chart::Grouped(table),
                other => {
                    return Err(format!(
                        "--by draws grouped, stacked or heatmap charts, not {}",
                        match other {
                            ChartKind::Bar => "bar",
                            _ => "diverging",
                        }
                    ))
                }
            };
            (chart, footnote)
        }
    };
    footnote.dataset = args.file.file_name().map(|n| n.to_string_lossy().into_owned());
    footnote.synthetic = args.synthetic;
    render(&chart, &footnote, &args).map(|_| ())
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

/// Respondents counted by two answers: `counts[row][col]`.
pub struct CountsTable {
    pub row_labels: Vec<String>,
    pub col_labels: Vec<String>,
    pub counts: Vec<Vec<Option<f64>>>,
}

/// Counts respondents by their answer to `row_idx` (rows) and to `col_idx` (columns).
///
/// This is the plain two-way count that a crosstab module will provide; until the core
/// has one, the CLI counts here. Respondents missing either answer are left out, so
/// each column's total is its base. No significance test is made, so no cell is marked.
pub fn crosstab_counts(dataset: &Dataset, row_idx: usize, col_idx: usize) -> Result<CountsTable, String> {
    let categorical = |idx: usize| -> Result<&Categorical, String> {
        let q = dataset.question(idx).ok_or("no such question")?;
        match &q.column {
            Column::Categorical(c) => Ok(c),
            _ => Err(format!(
                "question {:?} is {}; --by compares answers of two single-choice questions",
                q.id,
                q.kind.as_str()
            )),
        }
    };
    let (rows, cols) = (categorical(row_idx)?, categorical(col_idx)?);
    let mut counts = vec![vec![Some(0.0); cols.levels().len()]; rows.levels().len()];
    for (&r, &c) in rows.codes().iter().zip(cols.codes()) {
        if let (CategoricalCell::Level(r), CategoricalCell::Level(c)) = (Categorical::decode(r), Categorical::decode(c))
        {
            if let Some(Some(cell)) = counts.get_mut(r as usize).and_then(|row| row.get_mut(c as usize)) {
                *cell += 1.0;
            }
        }
    }
    Ok(CountsTable {
        row_labels: rows.levels().to_vec(),
        col_labels: cols.levels().to_vec(),
        counts,
    })
}

fn crosstab_table(dataset: &Dataset, row_idx: usize, col_idx: usize) -> Result<GroupedTable, String> {
    let t = crosstab_counts(dataset, row_idx, col_idx)?;
    let (rq, cq) = (&dataset.questions()[row_idx], &dataset.questions()[col_idx]);
    Ok(GroupedTable::from_counts(
        &rq.text,
        &cq.text,
        t.row_labels,
        t.col_labels,
        &t.counts,
    ))
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
