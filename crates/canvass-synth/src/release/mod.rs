//! Releases made from raw responses: the survey encoded as variables ([`encoded`]),
//! column roles suggested and overridden ([`roles`]), synthesised by sequential CART
//! ([`cart`], [`mod@synthesize`]) and written back in the raw file's own layout
//! ([`mod@write`]), with a codebook and a manifest. [`make`] does all of it.
//!
//! Everything here is pure (bytes in, file bytes out; no file system, no clock, no
//! threads) so that the page's release worker can run it as the CLI does.

pub mod cart;
pub mod encoded;
pub mod gates;
mod matched;
mod pmse;
pub mod report;
pub mod risk;
pub mod roles;
pub mod synthesize;
pub mod utility;
pub mod write;
pub mod write_ins;

pub use gates::{evaluate, Gate, GateLimits};
pub use pmse::Pmse;
pub use report::{score, score_with, DcrInput, Report, ScoreInput, WriteInsWithheld};
#[cfg(test)]
mod sdmetrics_check;

use crate::doc::sha256_hex;
use canvass_core::codebook::{parse_codebook, Codebook};
use canvass_core::{load, load_with_source, Dataset, LoadOptions};
use roles::{ColumnRole, Overrides, Role};
use serde_json::{json, Value};
use std::fmt;
use synthesize::{synthesize, SynthOptions, Synthesis};

/// Fewest respondents a release is made from: with fewer, leaves of `min_leaf`
/// donors cover most of the file and little is left to protect anyone.
pub const MIN_RESPONDENTS: usize = 50;

/// Most raw rows the distance-to-closest-record synthesis is fitted on, and most held
/// out: SDMetrics' DCRBaselineProtection subsamples to a few thousand rows too, and
/// the share is a proportion whose standard error at 5,000 rows is under 0.01.
pub const DCR_FIT_ROWS: usize = 5_000;

/// Synthetic rows drawn per held-out row for distance to closest record: the trees
/// are grown once, so more draws cost little, and they narrow the share's spread from
/// the draws themselves.
pub const DCR_DRAWS: usize = 4;

/// Complexity parameter of a release's trees (rpart's `cp`): a split must improve
/// the fit by this share of the root's impurity. synthpop's 1e-8 keeps splits that
/// fit noise, which the distance-to-closest-record gate catches (docs/release.md).
pub const DEFAULT_CP: f64 = 0.02;

/// The report's file names in a release.
pub const REPORT_JSON: &str = "report.json";
pub const REPORT_MD: &str = "report.md";

/// Name written into a release's manifest as its generator.
pub const GENERATOR: &str = "canvass release";

/// How to make a release.
#[derive(Debug, Clone, PartialEq)]
pub struct ReleaseOptions {
    pub seed: u64,
    /// Synthetic rows; `None` for as many as the raw file has.
    pub rows: Option<usize>,
    pub overrides: Overrides,
    /// Demographics and answers as two files with no link between their rows.
    pub disjoint: bool,
    /// Fewest raw rows in a tree's leaf (synthpop's `minbucket`).
    pub min_leaf: usize,
    /// Complexity parameter (rpart's `cp`).
    pub cp: f64,
    pub smoothing: bool,
    pub remove_replicated_uniques: bool,
    /// The team releases despite a failed risk gate; the manifest's `accept_risk`
    /// records it when a gate did fail.
    pub accept_risk: bool,
    /// Extension of the released files (`tsv`, `csv`); `None` for the delimiter's.
    pub extension: Option<String>,
    /// Title for the manifest when the codebook gives none.
    pub title: Option<String>,
    /// Also synthesise from a random half of the raw rows, for distance to closest record.
    pub measure_dcr: bool,
}

impl Default for ReleaseOptions {
    fn default() -> Self {
        ReleaseOptions {
            seed: 1,
            rows: None,
            overrides: Overrides::default(),
            disjoint: false,
            min_leaf: 5,
            cp: DEFAULT_CP,
            smoothing: true,
            remove_replicated_uniques: true,
            accept_risk: false,
            extension: None,
            title: None,
            measure_dcr: true,
        }
    }
}

/// A finished release: its files in manifest order, the roles it used, and the
/// loaded-back files for scoring.
#[derive(Debug, Clone)]
pub struct ReleaseFiles {
    pub files: Vec<(String, Vec<u8>)>,
    pub roles: Vec<ColumnRole>,
    /// Each released responses file as the loader reads it back.
    pub released: Vec<(String, Dataset)>,
    /// The raw file as loaded.
    pub raw: Dataset,
    /// Quasi-identifier ids.
    pub quasi: Vec<String>,
    /// Synthetic rows per file, replicated uniques replaced, rows short.
    pub rows: usize,
    pub replicated_uniques_replaced: usize,
    pub rows_short: usize,
    /// For distance to closest record: the raw rows fitted on, those held out, and
    /// the synthesis fitted on the first (loaded back like a release).
    pub dcr: Option<(Vec<usize>, Vec<usize>, Dataset)>,
    /// The same with the halves swapped.
    pub dcr_swapped: Option<(Vec<usize>, Vec<usize>, Dataset)>,
    /// The utility and risk report, also in `files` as `report.json` and `report.md`.
    pub report: Report,
    /// Every risk gate passed. A release that fails one is still made: the page shows
    /// the report and asks the team to accept the risk, the CLI refuses to write it.
    pub passed: bool,
}

impl ReleaseFiles {
    pub fn file(&self, name: &str) -> Option<&[u8]> {
        self.files.iter().find(|(n, _)| n == name).map(|(_, b)| b.as_slice())
    }
}

/// Why no release was made; `Display` is a sentence saying what to do.
#[derive(Debug, Clone, PartialEq)]
pub enum ReleaseError {
    /// The raw file could not be read.
    Load(String),
    Codebook(String),
    TooFewRespondents {
        found: usize,
    },
    /// An override names something that cannot be.
    Roles(String),
    NothingToRelease,
    /// `--disjoint` needs both demographics and answers.
    Disjoint(String),
    /// An option out of its range, such as no rows.
    Options(String),
    /// A released file did not load back: a bug, said plainly.
    Internal(String),
}

impl fmt::Display for ReleaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReleaseError::Load(e) => write!(f, "the raw file could not be read: {e}"),
            ReleaseError::Codebook(e) => write!(f, "the codebook could not be read: {e}"),
            ReleaseError::TooFewRespondents { found } => write!(
                f,
                "the file has {found} respondent{}, fewer than the {MIN_RESPONDENTS} a synthetic release needs; \
                 with so few, every synthetic row would lean on a handful of real ones, so release tables instead",
                if *found == 1 { "" } else { "s" }
            ),
            ReleaseError::Roles(e) => write!(f, "{e}"),
            ReleaseError::NothingToRelease => write!(
                f,
                "no question can be released: every column is identifying, free text or withheld; \
                 name curated free text with --curated or check the file"
            ),
            ReleaseError::Disjoint(e) | ReleaseError::Options(e) => write!(f, "{e}"),
            ReleaseError::Internal(e) => write!(f, "internal error while making the release: {e}"),
        }
    }
}

impl std::error::Error for ReleaseError {}

/// Reads the raw file, suggests and applies roles, synthesises, scores, and returns the
/// release's files: `responses.<ext>` (or `demographics.<ext>` and `answers.<ext>`
/// with `disjoint`), `codebook.json` (the given one cut to the release, or one written
/// from the survey as loaded; see `write::model_codebook`), `report.json`, `report.md`
/// and `manifest.json` (which lists the others with their sha256 and carries the
/// report's summary as `metrics`). Write-in answers are withheld unless curated
/// (`write_ins`).
///
/// A failed risk gate is no error: the release comes back with its report and
/// [`ReleaseFiles::passed`] false, for the caller to refuse it or to have the risk
/// accepted. `progress(done, total)` runs once from 0 to `total` across synthesis,
/// the distance-to-closest-record synthesis and scoring.
pub fn make(
    raw: &[u8],
    codebook: Option<&[u8]>,
    options: &ReleaseOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<ReleaseFiles, ReleaseError> {
    let cb: Option<Codebook> = codebook
        .map(|bytes| parse_codebook(bytes).map_err(|e| ReleaseError::Codebook(e.to_string())))
        .transpose()?;
    let load_options = LoadOptions {
        codebook: cb.clone(),
        ..LoadOptions::default()
    };
    let (loaded, source) = load_with_source(raw, &load_options).map_err(|e| ReleaseError::Load(e.to_string()))?;
    if loaded.dataset.n_rows() < MIN_RESPONDENTS {
        return Err(ReleaseError::TooFewRespondents {
            found: loaded.dataset.n_rows(),
        });
    }
    let one_cell = |q: usize| {
        source
            .as_ref()
            .is_some_and(|s| s.columns.get(q).is_some_and(|c| c.len() == 1))
    };
    let found_write_ins = write_ins::find(&loaded.dataset, cb.as_ref(), &one_cell);
    let mut suggested = roles::suggest(&loaded, cb.as_ref(), options.min_leaf);
    for w in &found_write_ins {
        suggested[w.question_idx].write_ins = w.answers.len();
    }
    let roles = roles::apply(suggested, &options.overrides).map_err(ReleaseError::Roles)?;
    // Write-ins are free text: out of the data that is synthesised, written and scored,
    // unless curated.
    let withheld_write_ins: Vec<write_ins::WriteIns> = found_write_ins
        .into_iter()
        .filter(|w| roles[w.question_idx].released && !roles[w.question_idx].write_ins_curated)
        .collect();
    let clean = write_ins::remove(&loaded.dataset, &withheld_write_ins);
    let ds = &clean;
    let released: Vec<usize> = roles.iter().filter(|r| r.released).map(|r| r.question_idx).collect();
    if released.is_empty() {
        return Err(ReleaseError::NothingToRelease);
    }
    let quasi: Vec<usize> = roles
        .iter()
        .filter(|r| r.role == Role::Quasi && r.released)
        .map(|r| r.question_idx)
        .collect();
    let rows = options.rows.unwrap_or(ds.n_rows());
    if rows == 0 || options.min_leaf == 0 {
        return Err(ReleaseError::Options(
            "--rows and --min-leaf must be at least 1; leave --rows out for as many rows as the raw file".into(),
        ));
    }
    let ext = options.extension.clone().unwrap_or_else(|| {
        if loaded.delimiter == b',' {
            "csv".into()
        } else {
            "tsv".into()
        }
    });
    let raw_file = write::RawFile {
        dataset: ds,
        source: source.as_ref(),
        delimiter: if source.is_some() { loaded.delimiter } else { b'\t' },
        codebook: cb.as_ref(),
        write_ins: &withheld_write_ins,
    };
    let title = cb
        .as_ref()
        .map(|c| c.title.clone())
        .or_else(|| options.title.clone())
        .unwrap_or_else(|| "Synthetic release".to_string());
    // The given codebook cut to a file's questions or, without one (or with none of
    // its questions left), one written from the survey as loaded.
    let codebook_for = |questions: &[usize]| -> Result<Option<Vec<u8>>, ReleaseError> {
        let cut = match codebook {
            Some(bytes) => release_codebook(bytes, ds, questions)?,
            None => None,
        };
        Ok(cut.or_else(|| write::model_codebook(&raw_file, questions, &title)))
    };
    let synth_options = |seed: u64| SynthOptions {
        rows,
        seed,
        growth: cart::Growth {
            min_leaf: options.min_leaf,
            cp: options.cp,
        },
        smoothing: options.smoothing,
        remove_replicated_uniques: options.remove_replicated_uniques,
        fit_rows: None,
    };
    // Distance to closest record needs a synthesis fitted on part of the rows and
    // compared with rows it never saw; both sides are capped (see `DCR_FIT_ROWS`).
    let dcr_split = options.measure_dcr.then(|| dcr_split(ds.n_rows(), options.seed));
    let n_parts = if options.disjoint { 2 } else { 1 };
    let mut stages = Stages::new(
        &[
            (ds.n_rows() + rows) * n_parts,
            dcr_split.as_ref().map_or(0, |(fit, held)| 2 * (fit.len() + held.len())),
            // Scoring reads every released and DCR row a few times.
            rows * n_parts / 2 + dcr_split.as_ref().map_or(0, |(fit, held)| fit.len() + held.len()),
        ],
        progress,
    );
    // Each part: (file stem, questions, synthesis).
    let mut parts: Vec<(&str, Vec<usize>, Synthesis)> = Vec::new();
    if options.disjoint {
        let answers: Vec<usize> = released.iter().copied().filter(|q| !quasi.contains(q)).collect();
        if quasi.is_empty() || answers.is_empty() {
            return Err(ReleaseError::Disjoint(format!(
                "--disjoint needs demographics and answers, but this release has {} quasi-identifiers and {} \
                 other answers; name the demographics with --quasi",
                quasi.len(),
                answers.len()
            )));
        }
        // Two independent syntheses with their own seeds: nothing ties a row of one
        // file to a row of the other, not even their order.
        let demo = synthesize(
            ds,
            &quasi,
            &quasi,
            cb.as_ref(),
            &synth_options(options.seed),
            &mut |d, t| stages.report(0, d, 2 * t),
        );
        let ans = synthesize(
            ds,
            &answers,
            &[],
            cb.as_ref(),
            &synth_options(options.seed ^ 0x9E37_79B9_7F4A_7C15),
            &mut |d, t| stages.report(0, t + d, 2 * t),
        );
        parts.push(("demographics", quasi.clone(), demo));
        parts.push(("answers", answers, ans));
    } else {
        let all = synthesize(
            ds,
            &released,
            &quasi,
            cb.as_ref(),
            &synth_options(options.seed),
            &mut |d, t| stages.report(0, d, t),
        );
        parts.push(("responses", released.clone(), all));
    }

    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut loaded_back: Vec<(String, Dataset)> = Vec::new();
    let mut replaced = 0;
    let mut short = 0;
    let mut visits = Vec::new();
    for (stem, questions, synthesis) in &parts {
        let bytes = write::write(&raw_file, &synthesis.raw, &synthesis.synthetic, questions);
        let name = format!("{stem}.{ext}");
        let part_codebook = codebook_for(questions)?;
        let back = load_back(&bytes, part_codebook.as_deref(), &name)?;
        loaded_back.push((name.clone(), back));
        replaced += synthesis.replicated_uniques_replaced;
        short += synthesis.rows_short;
        visits.push((
            name.clone(),
            synthesis
                .visit
                .iter()
                .map(|&q| ds.questions()[q].id.clone())
                .collect::<Vec<_>>(),
        ));
        files.push((name, bytes));
        if let Some(cb_bytes) = part_codebook {
            let cb_name = if options.disjoint {
                format!("{stem}.codebook.json")
            } else {
                crate::CODEBOOK_FILE.to_string()
            };
            files.push((cb_name, cb_bytes));
        }
    }

    let release_codebook_bytes = codebook_for(&released)?;
    // Two folds: fitted on one half and compared with the other, then the other way round.
    let mut dcr_fold = |fit: &[usize], held: &[usize], fold: u64| -> Result<Dataset, ReleaseError> {
        let mut o = synth_options(options.seed ^ 0x5EED ^ fold);
        o.fit_rows = Some(fit.iter().map(|&r| r as u32).collect());
        o.rows = held.len() * DCR_DRAWS;
        let s = synthesize(ds, &released, &quasi, cb.as_ref(), &o, &mut |d, t| {
            stages.report(1, fold as usize * t + d, 2 * t)
        });
        let bytes = write::write(&raw_file, &s.raw, &s.synthetic, &released);
        load_back(
            &bytes,
            release_codebook_bytes.as_deref(),
            "the distance-to-closest-record synthesis",
        )
    };
    let (dcr, dcr_swapped) = match dcr_split {
        Some((fit, held)) => {
            let first = dcr_fold(&fit, &held, 0)?;
            let second = dcr_fold(&held, &fit, 1)?;
            (Some((fit.clone(), held.clone(), first)), Some((held, fit, second)))
        }
        None => (None, None),
    };

    let quasi_ids: Vec<String> = quasi.iter().map(|&q| ds.questions()[q].id.clone()).collect();

    let report = score(
        &ScoreInput {
            raw: ds,
            released: loaded_back.iter().map(|(n, d)| (n.as_str(), d)).collect(),
            quasi: &quasi_ids,
            dcr: dcr.as_ref().map(|(fit, held, synthetic)| DcrInput {
                fit_rows: fit,
                held_out_rows: held,
                synthetic,
            }),
            dcr_swapped: dcr_swapped.as_ref().map(|(fit, held, synthetic)| DcrInput {
                fit_rows: fit,
                held_out_rows: held,
                synthetic,
            }),
        },
        &mut |d, t| stages.report(2, d, t),
    );
    let mut report = report;
    report.write_ins_withheld = withheld_write_ins
        .iter()
        .map(|w| WriteInsWithheld {
            question: ds.questions()[w.question_idx].id.clone(),
            answers: w.answers.len(),
            respondents: w.respondents(),
            became: w.became(),
        })
        .collect();
    let passed = report.passed();
    let metrics = report.summary();
    files.push((REPORT_JSON.to_string(), report.json().into_bytes()));
    files.push((REPORT_MD.to_string(), report.markdown().into_bytes()));
    stages.finish();

    let manifest = manifest(&ManifestInput {
        title: &title,
        rows: rows.saturating_sub(short / parts.len().max(1)),
        options,
        roles: &roles,
        files: &files,
        visits: &visits,
        replaced,
        short,
        metrics,
        write_ins_withheld: &report.write_ins_withheld,
        min_leaf_effective: synthesize::leaf_floor(
            &cart::Growth {
                min_leaf: options.min_leaf,
                cp: options.cp,
            },
            ds.n_rows(),
        )
        .min_leaf,
        accepted_risk: options.accept_risk && !passed,
    });
    files.push((crate::MANIFEST_FILE.to_string(), manifest.into_bytes()));
    Ok(ReleaseFiles {
        files,
        roles,
        released: loaded_back,
        raw: clean,
        quasi: quasi_ids,
        rows,
        replicated_uniques_replaced: replaced,
        rows_short: short,
        dcr,
        dcr_swapped,
        report,
        passed,
    })
}

/// The raw rows the distance-to-closest-record synthesis is fitted on and those held
/// out: a random half each, capped at [`DCR_FIT_ROWS`], sorted.
fn dcr_split(n_rows: usize, seed: u64) -> (Vec<usize>, Vec<usize>) {
    let mut order: Vec<usize> = (0..n_rows).collect();
    crate::rng::Rng::new(seed ^ 0xDC0D_DC0D).shuffle(&mut order);
    let half = n_rows / 2;
    let mut fit = order[..half.min(DCR_FIT_ROWS)].to_vec();
    let mut held = order[half..(half + DCR_FIT_ROWS).min(n_rows)].to_vec();
    fit.sort_unstable();
    held.sort_unstable();
    (fit, held)
}

/// One progress count from 0 to its total across the stages of a release (syntheses,
/// the DCR synthesis, scoring), each stage taking a share in proportion to its weight.
struct Stages<'a> {
    starts: Vec<usize>,
    ends: Vec<usize>,
    total: usize,
    last: usize,
    progress: &'a mut dyn FnMut(usize, usize),
}

impl<'a> Stages<'a> {
    fn new(weights: &[usize], progress: &'a mut dyn FnMut(usize, usize)) -> Self {
        let (mut starts, mut ends, mut at) = (Vec::new(), Vec::new(), 0usize);
        let sum = weights.iter().sum::<usize>().max(1);
        for w in weights {
            starts.push(at);
            // At most 10,000 steps in all, at least one per weighted stage.
            at += (w * 10_000 / sum).max(usize::from(*w > 0));
            ends.push(at);
        }
        let total = at.max(1);
        progress(0, total);
        Stages {
            starts,
            ends,
            total,
            last: 0,
            progress,
        }
    }

    /// Stage `stage` has done `done` of its own `total`.
    fn report(&mut self, stage: usize, done: usize, total: usize) {
        let (start, end) = (self.starts[stage], self.ends[stage]);
        let at = start + (end - start) * done.min(total) / total.max(1);
        // Never backwards, and never the end before `finish`.
        self.last = self.last.max(at).min(self.total - 1);
        (self.progress)(self.last, self.total);
    }

    fn finish(&mut self) {
        (self.progress)(self.total, self.total);
    }
}

fn load_back(bytes: &[u8], codebook: Option<&[u8]>, name: &str) -> Result<Dataset, ReleaseError> {
    let cb = codebook
        .map(|b| parse_codebook(b).map_err(|e| ReleaseError::Internal(format!("the release's codebook: {e}"))))
        .transpose()?;
    let opts = LoadOptions {
        codebook: cb,
        ..LoadOptions::default()
    };
    load(bytes, &opts)
        .map(|l| l.dataset)
        .map_err(|e| ReleaseError::Internal(format!("{name} does not load back: {e}")))
}

/// The given codebook cut to the released questions: conditions that read a question
/// no longer present, published figures and facts about them, and the generator's
/// model are dropped, so the codebook validates against the release alone. `None`
/// when none of its questions is released.
fn release_codebook(bytes: &[u8], ds: &Dataset, questions: &[usize]) -> Result<Option<Vec<u8>>, ReleaseError> {
    let mut v: Value = serde_json::from_slice(bytes).map_err(|e| ReleaseError::Codebook(e.to_string()))?;
    let kept: Vec<&str> = questions.iter().map(|&q| ds.questions()[q].id.as_str()).collect();
    let reads_only_kept = |c: &Value| {
        let mut ids = Vec::new();
        condition_ids(c, &mut ids);
        ids.iter().all(|id| kept.contains(&id.as_str()))
    };
    if let Some(obj) = v.as_object_mut() {
        obj.remove("model");
        if let Some(Value::Array(qs)) = obj.get_mut("questions") {
            qs.retain(|q| q.get("id").and_then(Value::as_str).is_some_and(|id| kept.contains(&id)));
            for q in qs.iter_mut() {
                let Some(q) = q.as_object_mut() else { continue };
                if q.get("asked_if").is_some_and(|c| !reads_only_kept(c)) {
                    q.remove("asked_if");
                }
                if q.get("other_text")
                    .and_then(Value::as_str)
                    .is_some_and(|id| !kept.contains(&id))
                {
                    q.remove("other_text");
                }
                if let Some(Value::Array(published)) = q.get_mut("published") {
                    published.retain(|p| p.get("among").is_none_or(&reads_only_kept));
                }
            }
        }
        if let Some(Value::Array(facts)) = obj.get_mut("facts") {
            facts.retain(|f| {
                f.get("numerator").is_none_or(&reads_only_kept) && f.get("denominator").is_none_or(&reads_only_kept)
            });
        }
    }
    if v.get("questions").and_then(Value::as_array).is_some_and(Vec::is_empty) {
        return Ok(None);
    }
    let mut out = serde_json::to_string_pretty(&v).expect("JSON values serialise");
    out.push('\n');
    parse_codebook(out.as_bytes()).map_err(|e| ReleaseError::Internal(format!("the release's codebook: {e}")))?;
    Ok(Some(out.into_bytes()))
}

fn condition_ids(c: &Value, out: &mut Vec<String>) {
    match c {
        Value::Object(o) => {
            for (k, v) in o {
                match (k.as_str(), v) {
                    ("question" | "not_above", Value::String(s)) => out.push(s.clone()),
                    _ => condition_ids(v, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| condition_ids(x, out)),
        _ => {}
    }
}

struct ManifestInput<'a> {
    title: &'a str,
    rows: usize,
    options: &'a ReleaseOptions,
    roles: &'a [ColumnRole],
    files: &'a [(String, Vec<u8>)],
    visits: &'a [(String, Vec<String>)],
    replaced: usize,
    short: usize,
    metrics: Value,
    write_ins_withheld: &'a [WriteInsWithheld],
    /// The fewest raw rows in a leaf of the release's trees: `min_leaf` raised to the
    /// floor (`synthesize::leaf_floor`).
    min_leaf_effective: usize,
    /// Released despite a failed gate.
    accepted_risk: bool,
}

/// The manifest, in the shape the explorer reads for bundled releases (`title`,
/// `version`, `respondents`, `synthetic`, `files` with sha256 and bytes,
/// `withheld_columns`) plus the method, its parameters and why each column was held back.
fn manifest(m: &ManifestInput) -> String {
    let o = m.options;
    let mut file_map = serde_json::Map::new();
    for (name, bytes) in m.files {
        file_map.insert(
            name.clone(),
            json!({ "sha256": sha256_hex(bytes), "bytes": bytes.len() }),
        );
    }
    let withheld: Vec<&ColumnRole> = m.roles.iter().filter(|r| !r.released).collect();
    let visit_sequence: serde_json::Map<String, Value> =
        m.visits.iter().map(|(name, ids)| (name.clone(), json!(ids))).collect();
    let v = json!({
        "title": m.title,
        "version": "1.0.0",
        "respondents": m.rows,
        "synthetic": true,
        "generator": { "name": GENERATOR, "version": crate::GENERATOR_VERSION, "seed": o.seed, "rows": m.rows },
        "method": {
            "name": "sequential CART with donors drawn from the leaves",
            "reference": "Nowok, Raab & Dibben (2016), synthpop: Bespoke Creation of Synthetic Data in R, \
                          J. Stat. Software 74(11); syn(method = \"cart\")",
            "parameters": {
                "min_leaf": o.min_leaf,
                "min_leaf_effective": m.min_leaf_effective,
                "leaf_floor": format!(
                    "no leaf holds fewer than {} raw rows, or a tenth of the rows fitted on when that is less",
                    synthesize::LEAF_FLOOR
                ),
                "cp": o.cp,
                "dcr_folds": 2,
                "dcr_draws_per_held_out_row": DCR_DRAWS,
                "smoothing": if o.smoothing { "density (Gaussian kernel, bw.nrd0, per leaf)" } else { "none" },
                "remove_replicated_uniques": o.remove_replicated_uniques,
                "replicated_uniques_replaced": m.replaced,
                "rows_short": m.short,
                "disjoint": o.disjoint,
                "visit_sequence": Value::Object(visit_sequence),
            },
        },
        "seed": o.seed,
        "disclosure_threshold_k": 10,
        "quasi_identifiers": m.roles.iter().filter(|r| r.role == Role::Quasi && r.released).map(|r| r.question.as_str()).collect::<Vec<_>>(),
        "free_text": "Free-text answers are released only where the team curated them; the others' columns are removed.",
        "withheld_columns": withheld.iter().map(|r| r.question.as_str()).collect::<Vec<_>>(),
        "withheld": withheld.iter().map(|r| json!({ "question": r.question, "role": r.role, "reason": r.reason })).collect::<Vec<_>>(),
        "write_ins_withheld": m.write_ins_withheld.iter().map(|w| json!({
            "question": w.question, "answers": w.answers, "respondents": w.respondents, "became": w.became, "reason": w.sentence(),
        })).collect::<Vec<_>>(),
        "write_ins_curated": m.roles.iter().filter(|r| r.released && r.write_ins_curated).map(|r| r.question.as_str()).collect::<Vec<_>>(),
        "metrics": m.metrics,
        "accept_risk": m.accepted_risk,
        "files": Value::Object(file_map),
    });
    let mut s = serde_json::to_string_pretty(&v).expect("JSON values serialise");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dcr_halves_are_disjoint_random_and_capped() {
        for n in [101, 30_000] {
            let (fit, held) = dcr_split(n, 9);
            assert_eq!(fit.len(), (n / 2).min(DCR_FIT_ROWS));
            assert_eq!(held.len(), (n - n / 2).min(DCR_FIT_ROWS));
            assert!(fit.windows(2).all(|w| w[0] < w[1]) && held.windows(2).all(|w| w[0] < w[1]));
            assert!(fit.iter().all(|r| held.binary_search(r).is_err() && *r < n));
            // Drawn from the whole file, not its first rows.
            assert!(fit.last().unwrap() > &(n / 2) && held.first().unwrap() < &(n / 2));
        }
    }

    #[test]
    fn stages_count_once_from_zero_to_the_total() {
        let mut calls = Vec::new();
        let mut record = |d, t| calls.push((d, t));
        let mut stages = Stages::new(&[30, 0, 10], &mut record);
        for d in 0..=5 {
            stages.report(0, d, 5);
        }
        stages.report(2, 0, 4);
        stages.report(2, 4, 4);
        stages.finish();
        let total = calls[0].1;
        assert_eq!(calls[0], (0, total));
        assert!(calls.iter().all(|&(d, t)| t == total && d <= t));
        assert!(calls.windows(2).all(|w| w[0].0 <= w[1].0), "{calls:?}");
        // The first stage ends three quarters of the way.
        assert_eq!(calls[6].0, total * 3 / 4);
        assert_eq!(calls.last(), Some(&(total, total)));
    }
}
