//! canvass-web: the bridge between the page and the core.
//!
//! One exported handle, [`Survey`], owns a loaded dataset in wasm memory; the page asks
//! it small questions (the list of questions, one view's table and chart input) and
//! gets small answers back as JSON text. The crate is built twice, by feature. With
//! `paint`, it is the page's module: [`Survey::from_snapshot`] reads a bundled
//! dataset's snapshot on the page's thread, and [`draw_chart_json`] paints a chart
//! input, whichever instance computed it. With `files`, it is the workers' module:
//! [`Survey::load`] and [`Survey::load_buffer`] read a survey file in a Web Worker, so
//! that parsing a large file never blocks the page, and [`Survey::snapshot`] hands a
//! small one over to the page. With `release`, it is the release module: [`RawRelease`]
//! makes a synthetic release of a raw file in the release worker. This is the only crate that knows about JS, the DOM or
//! canvas; it holds no statistics or layout logic of its own.

use canvass_core::chart::adapt::{card_outline, group_title};
#[cfg(feature = "paint")]
use canvass_core::chart::input::chart_input_from_json;
#[cfg(feature = "paint")]
use canvass_core::chart::{self, Chart, ChartLayout, ChartStyle, Footnote};
use canvass_core::query::{answer, ChartInput, ViewRequest};
#[cfg(feature = "paint")]
use canvass_core::view_state::ViewState;
#[cfg(feature = "files")]
use canvass_core::{load_with_progress, LoadOptions};
use canvass_core::{Column, Loaded};
#[cfg(feature = "paint")]
use plotters::prelude::{IntoDrawingArea, SVGBackend};
#[cfg(feature = "paint")]
use plotters_canvas::CanvasBackend;
use serde::Serialize;
use wasm_bindgen::prelude::*;
#[cfg(feature = "paint")]
use web_sys::HtmlCanvasElement;

#[cfg(feature = "release")]
mod release;
#[cfg(feature = "release")]
pub use release::{MadeRelease, RawRelease};

/// Installs the panic hook once, when the module is instantiated.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// Every error crosses into JS here, as a `JsError` whose message is the core's sentence.
fn js_error(e: impl std::fmt::Display) -> JsError {
    JsError::new(&e.to_string())
}

fn to_json<T: Serialize>(value: &T) -> Result<String, JsError> {
    serde_json::to_string(value).map_err(js_error)
}

#[derive(Serialize)]
struct QuestionInfo<'a> {
    id: &'a str,
    text: &'a str,
    kind: &'static str,
    group: Option<&'a str>,
    /// For grid and ranking items: the question their group asks, read from the
    /// items' shared wording.
    group_title: Option<String>,
    /// The codebook's section (demographics, usage…), when a codebook was given.
    section: Option<&'a str>,
    /// Answer options in order, for categorical and multi-select questions.
    options: &'a [String],
    answered: usize,
    chartable: bool,
    /// Identifies respondents (e-mail or IP address, name, location, phone, id): never
    /// charted, and the page says why.
    identifying: bool,
    /// Why a question that is not charted is not, in words the overview lists it with.
    not_charted: Option<&'static str>,
    /// Its answers run from one pole through a midpoint to the other (agreement,
    /// satisfaction): only then are diverging bars offered.
    bipolar: bool,
    /// The chart its overview card will draw, every value zero (see the core's
    /// `card_outline`), so that the page sizes the card before counting; for a grid or
    /// ranking on its first item only, which stands for the group's card.
    outline: Option<ChartInput>,
}

#[derive(Serialize)]
struct WarningsInfo<'a> {
    encoding: &'a str,
    delimiter: String,
    warnings: &'a [canvass_core::Warning],
    /// The question the file names as its weight (an SPSS or Stata file's weight
    /// variable), which the page chooses in "Weight by" when it opens the file.
    weight: Option<&'a str>,
}

/// A file's bytes in wasm memory, filled by the page through [`InputBuffer::view`]
/// and then handed to [`Survey::load_buffer`]. Reading a dropped file straight into
/// this buffer keeps one copy of it rather than a JS copy and a wasm copy.
#[cfg(any(feature = "files", feature = "release"))]
#[wasm_bindgen]
pub struct InputBuffer {
    bytes: Vec<u8>,
}

#[cfg(any(feature = "files", feature = "release"))]
#[wasm_bindgen]
impl InputBuffer {
    /// A zeroed buffer of `len` bytes, or an error when this tab's memory cannot hold
    /// the file.
    #[wasm_bindgen(constructor)]
    pub fn new(len: usize) -> Result<InputBuffer, JsError> {
        let mut bytes: Vec<u8> = Vec::new();
        bytes.try_reserve_exact(len).map_err(|_| {
            js_error(format!(
                "the file's {len} bytes do not fit in this tab's memory; try a smaller file or the canvass command line"
            ))
        })?;
        // Not `resize(len, 0)`: in the size-optimised build that writes the zeros one
        // byte at a time, 60 ms for a 44 MB file, where this is one `memory.fill`.
        // SAFETY: `try_reserve_exact` made room for `len` bytes, and `write_bytes`
        // initialises all of them before `set_len` exposes them.
        unsafe {
            bytes.as_mut_ptr().write_bytes(0, len);
            bytes.set_len(len);
        }
        Ok(InputBuffer { bytes })
    }

    /// A view of the buffer for the page to write the file into. It is valid only
    /// until wasm memory next grows, so the page fills it without calling into wasm.
    pub fn view(&mut self) -> js_sys::Uint8Array {
        // SAFETY: the view aliases `bytes`, which lives as long as `self`; JS writes
        // into it before handing `self` to `Survey::load_buffer`, and no Rust code
        // reads or moves the buffer while JS holds the view.
        unsafe { js_sys::Uint8Array::view_mut_raw(self.bytes.as_mut_ptr(), self.bytes.len()) }
    }
}

/// A loaded survey, kept in wasm memory for the page's lifetime.
#[wasm_bindgen]
pub struct Survey {
    loaded: Loaded,
    /// Question id → codebook section.
    sections: std::collections::HashMap<String, String>,
}

#[cfg(feature = "files")]
impl Survey {
    fn open(
        bytes: &[u8],
        codebook: Option<Vec<u8>>,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<Survey, JsError> {
        let codebook = match codebook {
            Some(cb) => {
                Some(canvass_core::codebook::parse_codebook(&cb).map_err(|e| js_error(format!("codebook: {e}")))?)
            }
            None => None,
        };
        let sections = codebook.iter().flat_map(|cb| cb.sections()).collect();
        let opts = LoadOptions {
            codebook,
            ..LoadOptions::default()
        };
        let loaded = load_with_progress(bytes, &opts, progress).map_err(js_error)?;
        Ok(Survey { loaded, sections })
    }
}

#[cfg(feature = "files")]
#[wasm_bindgen]
impl Survey {
    /// Parses the bytes of a survey export (a fetch or a dropped file), with the
    /// bytes of a `canvass-codebook/1` JSON file when there is one.
    pub fn load(bytes: &[u8], codebook: Option<Vec<u8>>) -> Result<Survey, JsError> {
        Survey::open(bytes, codebook, &mut |_, _| {})
    }

    /// Parses a file the page has read into an [`InputBuffer`], calling
    /// `progress(done, total)` (bytes of text) about every megabyte. The buffer is
    /// consumed: the file's bytes exist once, in wasm memory, never also as a JS copy.
    #[wasm_bindgen(js_name = loadBuffer)]
    pub fn load_buffer(
        input: InputBuffer,
        codebook: Option<Vec<u8>>,
        progress: &js_sys::Function,
    ) -> Result<Survey, JsError> {
        let mut report = |done: usize, total: usize| {
            // The bar is a courtesy: a failing callback must not fail the load.
            let _ = progress.call2(&JsValue::NULL, &(done as f64).into(), &(total as f64).into());
        };
        Survey::open(&input.bytes, codebook, &mut report)
    }

    /// Writes this survey as a snapshot (see the core's `snapshot` module) that says it
    /// was read from files with these sha256 digests, for the page to read on its own
    /// thread with [`Survey::from_snapshot`]: the page hands over a bundled dataset's
    /// files, with their digests from its manifest, when it has no usable snapshot of
    /// them.
    pub fn snapshot(&self, responses_sha256: String, codebook_sha256: Option<String>) -> Result<Vec<u8>, JsError> {
        let mut sections: Vec<(String, String)> = self.sections.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        sections.sort();
        let sources = canvass_core::snapshot::Sources {
            responses_sha256,
            codebook_sha256,
        };
        canvass_core::snapshot::write(&self.loaded, &sections, &sources).map_err(js_error)
    }
}

#[wasm_bindgen]
impl Survey {
    /// Reads a snapshot of a bundled dataset (see the core's `snapshot` module), made
    /// from the files whose sha256 digests the dataset's manifest gives. A snapshot of
    /// other files, of another format or damaged is refused with the reason; the page
    /// then loads the published files themselves.
    #[cfg(feature = "paint")]
    #[wasm_bindgen(js_name = fromSnapshot)]
    pub fn from_snapshot(
        bytes: &[u8],
        responses_sha256: &str,
        codebook_sha256: Option<String>,
    ) -> Result<Survey, JsError> {
        let snapshot = canvass_core::snapshot::read(bytes).map_err(js_error)?;
        let sources = &snapshot.sources;
        if sources.responses_sha256 != responses_sha256 || sources.codebook_sha256 != codebook_sha256 {
            return Err(js_error(canvass_core::snapshot::SnapshotError::Stale));
        }
        Ok(Survey {
            loaded: snapshot.loaded,
            sections: snapshot.sections.into_iter().collect(),
        })
    }

    pub fn respondents(&self) -> usize {
        self.loaded.dataset.n_rows()
    }

    /// `[{id, text, kind, group, group_title, section, options, answered, chartable,
    /// identifying}]` in file order.
    #[wasm_bindgen(js_name = questionsJson)]
    pub fn questions_json(&self) -> Result<String, JsError> {
        let questions = self.loaded.dataset.questions();
        // Each group's title once, from its members' texts: a wide file with many
        // grid items must not rescan every question for every item.
        let mut members: std::collections::HashMap<&str, Vec<&str>> = std::collections::HashMap::new();
        for q in questions {
            if let Some(g) = &q.group {
                members.entry(g.as_str()).or_default().push(q.text.as_str());
            }
        }
        let titles: std::collections::HashMap<&str, Option<String>> =
            members.into_iter().map(|(g, texts)| (g, group_title(&texts))).collect();
        let mut outlined_groups = std::collections::HashSet::new();
        let infos: Vec<QuestionInfo> = questions
            .iter()
            .zip(&self.loaded.identifying)
            .enumerate()
            .map(|(idx, (q, &identifying))| QuestionInfo {
                id: &q.id,
                text: &q.text,
                kind: q.kind.as_str(),
                group: q.group.as_deref(),
                group_title: q.group.as_deref().and_then(|g| titles.get(g).cloned().flatten()),
                section: self.sections.get(&q.id).map(String::as_str),
                options: match &q.column {
                    Column::Categorical(c) => c.levels(),
                    Column::Multi(c) => c.options(),
                    _ => &[],
                },
                answered: q.answered(),
                chartable: q.kind.is_chartable(),
                identifying,
                not_charted: q.kind.not_charted_reason(),
                bipolar: match &q.column {
                    Column::Categorical(c) => canvass_core::load::is_bipolar(c.levels()),
                    _ => false,
                },
                outline: match &q.group {
                    Some(group) if !outlined_groups.insert(group.as_str()) => None,
                    _ => {
                        card_outline(&self.loaded.dataset, idx).map(|(chart, footnote)| ChartInput { chart, footnote })
                    }
                },
            })
            .collect();
        to_json(&infos)
    }

    /// Load warnings with their line numbers, plus how the file was read and the weight
    /// it names.
    #[wasm_bindgen(js_name = loadReportJson)]
    pub fn load_report_json(&self) -> Result<String, JsError> {
        to_json(&WarningsInfo {
            encoding: self.loaded.encoding,
            delimiter: (self.loaded.delimiter as char).to_string(),
            warnings: &self.loaded.warnings,
            weight: self
                .loaded
                .weight
                .and_then(|w| self.loaded.dataset.question(w))
                .map(|q| q.id.as_str()),
        })
    }

    /// One view of the survey: a `ViewRequest` as JSON in, its `ViewAnswer` as JSON
    /// out (see the core's `query` module), the same answer the command line gives.
    #[wasm_bindgen(js_name = viewJson)]
    pub fn view_json(&self, request_json: &str) -> Result<String, JsError> {
        let request = ViewRequest::from_json(request_json).map_err(js_error)?;
        to_json(&answer(&self.loaded.dataset, &request).map_err(js_error)?)
    }
}

/// Paints a chart input (the `chart` of [`Survey::view_json`], computed in another wasm
/// instance) into `canvas`, whose backing store the page has sized to its CSS size
/// times `scale`, in the dark theme when `dark`. Returns the layout as JSON.
#[cfg(feature = "paint")]
#[wasm_bindgen(js_name = drawChartJson)]
pub fn draw_chart_json(chart_json: &str, canvas: HtmlCanvasElement, scale: f64, dark: bool) -> Result<String, JsError> {
    let (chart, footnote) = chart_input_from_json(chart_json).map_err(js_error)?;
    to_json(&draw_on_canvas(canvas, &chart, &footnote, scale, dark)?)
}

/// Renders a chart input (the `chart` of [`Survey::view_json`]) as an SVG document
/// `css_width` pixels wide, at the height that suits it, with the core's painter: the
/// same layout as the canvas, as text a visitor can download.
#[cfg(feature = "paint")]
#[wasm_bindgen(js_name = chartSvg)]
pub fn chart_svg(chart_json: &str, css_width: u32, dark: bool) -> Result<String, JsError> {
    let (chart, footnote) = chart_input_from_json(chart_json).map_err(js_error)?;
    let width = css_width.clamp(160, 8000);
    let light = ChartStyle::svg();
    let style = if dark { light.dark() } else { light };
    let height = chart::preferred_height_px(&chart, width as i32, &style).max(1) as u32;
    let mut svg = String::new();
    {
        let area = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        chart::draw(&area, &chart, &footnote, &style).map_err(js_error)?;
    }
    Ok(svg)
}

/// The height in CSS pixels at which a chart input reads well `css_width` wide.
#[cfg(feature = "paint")]
#[wasm_bindgen(js_name = chartHeightJson)]
pub fn chart_height_json(chart_json: &str, css_width: u32) -> Result<u32, JsError> {
    let (chart, footnote) = chart_input_from_json(chart_json).map_err(js_error)?;
    Ok(css_height(&chart, &footnote, css_width))
}

#[cfg(feature = "paint")]
fn css_height(chart: &Chart, footnote: &Footnote, css_width: u32) -> u32 {
    let width = css_width.min(i32::MAX as u32) as i32;
    chart::preferred_height_with_footnote(chart, footnote, width, &ChartStyle::default()).max(0) as u32
}

/// Draws `chart` into `canvas` at `scale` device pixels per CSS pixel and returns the
/// layout it drew.
#[cfg(feature = "paint")]
pub fn draw_on_canvas(
    canvas: HtmlCanvasElement,
    chart: &Chart,
    footnote: &Footnote,
    scale: f64,
    dark: bool,
) -> Result<ChartLayout, JsError> {
    let backend = CanvasBackend::with_canvas_object(canvas).ok_or_else(|| js_error("this canvas has no 2D context"))?;
    let area = backend.into_drawing_area();
    let light = ChartStyle {
        scale,
        ..ChartStyle::default()
    };
    let style = if dark { light.dark() } else { light };
    chart::draw(&area, chart, footnote, &style).map_err(js_error)
}

/// Reads a URL hash into the explorer's view state: `{state, problems}` as JSON. Never
/// fails: a crafted link falls back to defaults and says what it ignored.
#[cfg(feature = "paint")]
#[wasm_bindgen(js_name = parseViewState)]
pub fn parse_view_state(hash: &str) -> Result<String, JsError> {
    to_json(&canvass_core::view_state::parse_hash(hash))
}

/// Writes a view state (JSON of the shape `parseViewState` returns as `state`) as a hash.
#[cfg(feature = "paint")]
#[wasm_bindgen(js_name = viewStateHash)]
pub fn view_state_hash(state_json: &str) -> Result<String, JsError> {
    let state = ViewState::from_json(state_json).map_err(js_error)?;
    Ok(canvass_core::view_state::to_hash(&state))
}
