//! The release module's entry (feature `release`, built as `canvass_release`): what the
//! page's release worker calls to make a synthetic release of a raw file. [`RawRelease`]
//! holds the raw file in wasm memory and suggests a role for each of its columns;
//! [`RawRelease::make`] makes the release, report included, and gives a [`MadeRelease`],
//! whose files, report and side-by-side tables the worker hands to the page. The
//! release itself is the synthesis crate's (`canvass_synth::release::make`), the same
//! the command line's `canvass release` writes; this file only carries it across.

use crate::{js_error, to_json, InputBuffer};
use canvass_core::codebook::{parse_codebook, Codebook};
use canvass_core::freq::{frequencies, BaseKind, Frequencies};
use canvass_core::{load_with_progress, LoadOptions, Loaded};
use canvass_synth::release::roles::{self, ColumnRole, Overrides};
use canvass_synth::release::{self, ReleaseFiles, ReleaseOptions};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

/// A raw file read for a release, kept in wasm memory while the team sets it up.
#[wasm_bindgen]
pub struct RawRelease {
    bytes: Vec<u8>,
    codebook_bytes: Option<Vec<u8>>,
    codebook: Option<Codebook>,
    loaded: Loaded,
}

#[derive(Serialize)]
struct ColumnInfo<'a> {
    id: &'a str,
    text: &'a str,
    kind: &'static str,
    role: roles::Role,
    released: bool,
    reason: &'a str,
}

#[derive(Serialize)]
struct Columns<'a> {
    respondents: usize,
    columns: Vec<ColumnInfo<'a>>,
}

/// What the page asks for: the options of `canvass release` and the team's changes
/// to the suggested roles.
#[derive(Deserialize)]
struct ReleaseRequest {
    seed: u64,
    rows: usize,
    min_leaf: usize,
    disjoint: bool,
    accept_risk: bool,
    /// The quasi-identifiers, when the team changed them; `None` keeps the suggestion.
    quasi: Option<Vec<String>>,
    #[serde(default)]
    withhold: Vec<String>,
    #[serde(default)]
    curated: Vec<String>,
}

#[wasm_bindgen]
impl RawRelease {
    /// Reads a raw file the worker has put in an [`InputBuffer`] (with a codebook's
    /// bytes when there is one), calling `progress(done, total)` while it parses. The
    /// bytes stay, for [`RawRelease::make`] to synthesise from.
    pub fn read(
        input: InputBuffer,
        codebook: Option<Vec<u8>>,
        progress: &js_sys::Function,
    ) -> Result<RawRelease, JsError> {
        let parsed = match &codebook {
            Some(cb) => Some(parse_codebook(cb).map_err(|e| js_error(format!("codebook: {e}")))?),
            None => None,
        };
        let opts = LoadOptions {
            codebook: parsed.clone(),
            ..LoadOptions::default()
        };
        let mut report = |done: usize, total: usize| {
            // The bar is a courtesy: a failing callback must not fail the read.
            let _ = progress.call2(&JsValue::NULL, &(done as f64).into(), &(total as f64).into());
        };
        let loaded = load_with_progress(&input.bytes, &opts, &mut report).map_err(js_error)?;
        Ok(RawRelease {
            bytes: input.bytes,
            codebook_bytes: codebook,
            codebook: parsed,
            loaded,
        })
    }

    /// `{respondents, columns: [{id, text, kind, role, released, reason}]}`: every
    /// question of the file with the role suggested for it at this minimum leaf size.
    #[wasm_bindgen(js_name = columnsJson)]
    pub fn columns_json(&self, min_leaf: usize) -> Result<String, JsError> {
        let suggested: Vec<ColumnRole> = roles::suggest(&self.loaded, self.codebook.as_ref(), min_leaf);
        let questions = self.loaded.dataset.questions();
        let columns = suggested
            .iter()
            .map(|r| {
                let q = &questions[r.question_idx];
                ColumnInfo {
                    id: &q.id,
                    text: &q.text,
                    kind: q.kind.as_str(),
                    role: r.role,
                    released: r.released,
                    reason: &r.reason,
                }
            })
            .collect();
        to_json(&Columns {
            respondents: self.loaded.dataset.n_rows(),
            columns,
        })
    }

    /// Makes the release that `request_json` (a `ReleaseRequest`) asks for, calling
    /// `progress(phase, done, total)` once from 0 to `total` across synthesis and scoring.
    pub fn make(&self, request_json: &str, progress: &js_sys::Function) -> Result<MadeRelease, JsError> {
        let request: ReleaseRequest =
            serde_json::from_str(request_json).map_err(|e| js_error(format!("the release's options: {e}")))?;
        let options = ReleaseOptions {
            seed: request.seed,
            rows: Some(request.rows),
            min_leaf: request.min_leaf,
            disjoint: request.disjoint,
            accept_risk: request.accept_risk,
            overrides: Overrides {
                quasi: request.quasi,
                withhold: request.withhold,
                curated: request.curated,
            },
            // The distance-to-closest-record gate needs a synthesis from half the rows.
            measure_dcr: true,
            ..ReleaseOptions::default()
        };
        let report = |phase: &str, done: usize, total: usize| {
            // The bar is a courtesy: a failing callback must not fail the release.
            let _ = progress.call3(
                &JsValue::NULL,
                &phase.into(),
                &(done as f64).into(),
                &(total as f64).into(),
            );
        };
        // `make` scores the release too; a failed gate still gives the release and
        // its report, for the page to show and the team to accept or change.
        let release = release::make(
            &self.bytes,
            self.codebook_bytes.as_deref(),
            &options,
            &mut |done, total| report("making", done, total),
        )
        .map_err(js_error)?;
        let report_json = release.report.json();
        let compare = compare(&release, &report_json)?;
        Ok(MadeRelease {
            files: release.files,
            report_json,
            compare_json: to_json(&compare)?,
        })
    }
}

/// A release made in the worker: its files, `report.json`, and each released
/// question's answers, raw and synthetic.
#[wasm_bindgen]
pub struct MadeRelease {
    files: Vec<(String, Vec<u8>)>,
    report_json: String,
    compare_json: String,
}

#[wasm_bindgen]
impl MadeRelease {
    /// The files' names, as a JSON list, in the order [`MadeRelease::file`] takes.
    #[wasm_bindgen(js_name = namesJson)]
    pub fn names_json(&self) -> Result<String, JsError> {
        to_json(&self.files.iter().map(|(name, _)| name).collect::<Vec<_>>())
    }

    /// The bytes of the `index`th file (a copy for JS, which the worker moves on).
    pub fn file(&self, index: usize) -> Result<Vec<u8>, JsError> {
        self.files
            .get(index)
            .map(|(_, bytes)| bytes.clone())
            .ok_or_else(|| js_error(format!("the release has {} files, not {}", self.files.len(), index + 1)))
    }

    #[wasm_bindgen(js_name = reportJson)]
    pub fn report_json(&self) -> String {
        self.report_json.clone()
    }

    /// `[{id, text, file, tvd, raw_n, synthetic_n, rows: [{answer, raw_percent,
    /// synthetic_percent}]}]`, one per released question, in the raw file's order.
    #[wasm_bindgen(js_name = compareJson)]
    pub fn compare_json(&self) -> String {
        self.compare_json.clone()
    }
}

#[derive(Serialize)]
struct CompareRow {
    answer: String,
    raw_percent: Option<f64>,
    synthetic_percent: Option<f64>,
}

#[derive(Serialize)]
struct Compared {
    id: String,
    text: String,
    /// The released file it is in, for a disjoint release.
    file: Option<String>,
    /// Total variation distance from the report, when it scored the question (the
    /// largest of its options' for a multi-select).
    tvd: Option<f64>,
    raw_n: f64,
    synthetic_n: f64,
    rows: Vec<CompareRow>,
}

/// Each released question's answers, raw beside synthetic, in percent of those who
/// answered: the team's own data, so no disclosure control (this is no published view).
fn compare(release: &ReleaseFiles, report_json: &str) -> Result<Vec<Compared>, JsError> {
    let raw = &release.raw;
    let report: serde_json::Value = serde_json::from_str(report_json).map_err(js_error)?;
    // A question's distance is its variable's; a multi-select's or grid's, the largest
    // of its parts' (`id[option]`, see `encoded::option_name`).
    let tvd_of = |id: &str| -> Option<f64> {
        let part = format!("{id}[");
        report["utility"]["files"]
            .as_array()?
            .iter()
            .flat_map(|f| f["variables"].as_array().into_iter().flatten())
            .filter(|v| v["name"].as_str().is_some_and(|n| n == id || n.starts_with(&part)))
            .filter_map(|v| v["tvd"].as_f64())
            .fold(None, |worst: Option<f64>, t| Some(worst.map_or(t, |w| w.max(t))))
    };
    let n_files = release.released.len();
    let mut out = Vec::new();
    for (raw_idx, q) in raw.questions().iter().enumerate() {
        let Some((name, synthetic, syn_idx)) = release
            .released
            .iter()
            .find_map(|(name, ds)| ds.questions().iter().position(|s| s.id == q.id).map(|i| (name, ds, i)))
        else {
            continue;
        };
        let (Ok(raw_freq), Ok(syn_freq)) = (
            frequencies(raw, raw_idx, BaseKind::Answered),
            frequencies(synthetic, syn_idx, BaseKind::Answered),
        ) else {
            continue;
        };
        out.push(Compared {
            id: q.id.clone(),
            text: q.text.clone(),
            file: (n_files > 1).then(|| name.clone()),
            tvd: tvd_of(&q.id),
            raw_n: raw_freq.base.n,
            synthetic_n: syn_freq.base.n,
            rows: side_by_side(&raw_freq, &syn_freq),
        });
    }
    Ok(out)
}

/// The answers of both tables in the raw table's order, then any only the synthetic
/// one has.
fn side_by_side(raw: &Frequencies, synthetic: &Frequencies) -> Vec<CompareRow> {
    let mut rows: Vec<CompareRow> = raw
        .rows
        .iter()
        .map(|r| CompareRow {
            answer: r.option.clone(),
            raw_percent: r.percent,
            synthetic_percent: synthetic
                .rows
                .iter()
                .find(|s| s.option == r.option)
                .and_then(|s| s.percent),
        })
        .collect();
    for s in &synthetic.rows {
        if !raw.rows.iter().any(|r| r.option == s.option) {
            rows.push(CompareRow {
                answer: s.option.clone(),
                raw_percent: None,
                synthetic_percent: s.percent,
            });
        }
    }
    rows
}
