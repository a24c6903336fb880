//! The options every table subcommand shares: filters, weight, base, k, and how they
//! become the core's `TableOptions`.

use canvass_core::codebook::parse_codebook;
use canvass_core::disclosure::cell_key::seed_from_secret;
use canvass_core::disclosure::DEFAULT_K;
use canvass_core::filter::Filter;
use canvass_core::freq::BaseKind;
use canvass_core::query::ViewRequest;
use canvass_core::view::TableOptions;
use canvass_core::{load, Dataset, LoadOptions, Loaded};
use clap::{Args, ValueEnum};

/// The filter syntax, shown under `--help` of every table subcommand.
pub const FILTER_HELP: &str = "\
Filters (--filter, repeatable; a respondent must match every one):
  Q=Option A|Option B   the answer is any of these options
                        (multi-select: includes any of them; numbers: exact values)
  Q&=Option A|Option B  a multi-select answer that includes all of them
  Q>=20  Q>20  Q<=30  Q<30
                        numeric ranges; give two filters for both ends
  [not asked] [no answer] [declined]
                        missing states, usable in option lists: Q=[not asked]
Q is a question id or a 1-based position such as @3. The question is everything
before the first operator, so an id containing = < > or &= must be given as @N.

Disclosure control (--k; by default the release manifest's k, else 10): counts below k are withheld (null) together
with every percent, interval and residual derived from them, and further cells are
withheld so that none can be recovered from the margins, or from the same table
without a condition next to the table of its complement. Withheld numbers and zeros
look the same. A filter leaving fewer than k respondents, or one whose conditions,
when some are dropped, let in fewer than k more, is refused. Under disclosure control
a filter has at most 16 conditions (every subset of them is checked); with --k 0, 31.
--k 0 turns this off, for a team's own raw data.";

#[derive(Args, Debug, Clone)]
pub struct TableArgs {
    /// A canvass codebook (JSON) that fixes kinds, options, separators and skip logic.
    #[arg(long, value_name = "CB")]
    pub codebook: Option<std::path::PathBuf>,
    /// A condition on respondents; repeat for several (all must hold). See below.
    #[arg(long = "filter", value_name = "EXPR")]
    pub filters: Vec<String>,
    /// A numeric question whose values weight respondents.
    #[arg(long, value_name = "Q")]
    pub weight: Option<String>,
    /// Disclosure threshold: counts below it are withheld; 0 turns control off.
    /// Default: the release's `disclosure_threshold_k` from a manifest.json beside the
    /// file, or 10.
    #[arg(long, value_name = "N")]
    pub k: Option<usize>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Base {
    Asked,
    Answered,
    All,
}

impl From<Base> for BaseKind {
    fn from(b: Base) -> Self {
        match b {
            Base::Asked => BaseKind::Asked,
            Base::Answered => BaseKind::Answered,
            Base::All => BaseKind::All,
        }
    }
}

/// Finds a question by id or `@N`, with the sentence the CLI prints when it is missing.
pub fn find_question(dataset: &Dataset, name: &str, file: &std::path::Path) -> Result<usize, String> {
    dataset.find(name).ok_or_else(|| {
        format!(
            "no question {name:?} in {}: name it by id or by position such as @3 (see `canvass summary`)",
            file.display()
        )
    })
}

impl TableArgs {
    /// Reads and loads the survey file, applying the codebook when one is given.
    pub fn read_survey(&self, path: &std::path::Path) -> Result<Loaded, String> {
        let codebook = match &self.codebook {
            Some(cb) => {
                let bytes = std::fs::read(cb).map_err(|e| format!("cannot read {}: {e}", cb.display()))?;
                Some(parse_codebook(&bytes).map_err(|e| format!("{}: {e}", cb.display()))?)
            }
            None => None,
        };
        let opts = LoadOptions {
            codebook,
            ..LoadOptions::default()
        };
        let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        load(&bytes, &opts).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// The request for `question` (an id or `@N`) with these filters, weight and k; the
    /// names are checked here so that a missing one is named with the file.
    pub fn request(&self, dataset: &Dataset, question: &str, file: &std::path::Path) -> Result<ViewRequest, String> {
        let id = |name: &str| find_question(dataset, name, file).map(|i| dataset.questions()[i].id.clone());
        Ok(ViewRequest {
            filters: self.filters.clone(),
            weight: self.weight.as_deref().map(id).transpose()?,
            k: Some(match self.k {
                Some(k) => k,
                None => release_k(file)?,
            }),
            cell_key_secret: match self.k {
                Some(_) => None,
                None => release_cell_key(file)?,
            },
            ..ViewRequest::question(&id(question)?)
        })
    }

    pub fn table_options(&self, dataset: &Dataset, file: &std::path::Path) -> Result<TableOptions, String> {
        let filter = Filter::parse(dataset, &self.filters).map_err(|e| e.to_string())?;
        let weight_idx = self
            .weight
            .as_deref()
            .map(|w| find_question(dataset, w, file))
            .transpose()?;
        Ok(TableOptions {
            filter,
            weight_idx,
            k: match self.k {
                Some(k) => k,
                None => release_k(file)?,
            },
            cell_key: match self.k {
                Some(_) => None,
                None => release_cell_key(file)?.as_deref().map(seed_from_secret),
            },
        })
    }
}

/// A number as a table shows it: withheld and zero both print as "–".
pub fn fmt_cell(value: Option<f64>) -> String {
    match value {
        Some(v) if v.fract() == 0.0 => format!("{v:.0}"),
        Some(v) => format!("{v:.1}"),
        None => "–".into(),
    }
}

/// The `manifest.json` beside a release's file, with its path; `None` when there is none.
fn release_manifest(file: &std::path::Path) -> Result<Option<(std::path::PathBuf, serde_json::Value)>, String> {
    let manifest = file.with_file_name("manifest.json");
    let Ok(bytes) = std::fs::read(&manifest) else {
        return Ok(None);
    };
    let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
        format!(
            "{}: {e}; fix the release manifest or give --k explicitly",
            manifest.display()
        )
    })?;
    Ok(Some((manifest, value)))
}

/// The secret of a release that states `"disclosure": "cell-key"` in its manifest, or
/// `None` for suppression (the default).
fn release_cell_key(file: &std::path::Path) -> Result<Option<String>, String> {
    let Some((manifest, value)) = release_manifest(file)? else {
        return Ok(None);
    };
    match value.get("disclosure").map(|d| d.as_str()) {
        None | Some(Some("suppression")) => Ok(None),
        Some(Some("cell-key")) => match value.get("cell_key_secret").and_then(|s| s.as_str()) {
            Some(secret) if !secret.is_empty() => Ok(Some(secret.to_string())),
            _ => Err(format!(
                "{}: \"disclosure\": \"cell-key\" needs a \"cell_key_secret\" text that fixes every respondent's key; add one to the manifest or give --k",
                manifest.display()
            )),
        },
        Some(_) => Err(format!(
            "{}: disclosure is {}, not \"suppression\" or \"cell-key\"; fix the manifest or give --k",
            manifest.display(),
            value["disclosure"]
        )),
    }
}

/// The disclosure threshold a release states in the `manifest.json` beside its file,
/// or [`DEFAULT_K`] when there is no manifest or it states none.
fn release_k(file: &std::path::Path) -> Result<usize, String> {
    let Some((manifest, value)) = release_manifest(file)? else {
        return Ok(DEFAULT_K);
    };
    match value.get("disclosure_threshold_k") {
        None => Ok(DEFAULT_K),
        Some(k) => k.as_u64().map(|k| k as usize).ok_or_else(|| {
            format!(
                "{}: disclosure_threshold_k is {k}, not a whole number; fix the manifest or give --k",
                manifest.display()
            )
        }),
    }
}
