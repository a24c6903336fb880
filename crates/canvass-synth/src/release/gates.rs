//! The risk gates a release must pass: each compares one measure of the report with a
//! limit and says what to change when it fails. The defaults and the reasons for them
//! are in docs/release-report.md.

use super::risk::Risk;
use serde::Serialize;

/// The limits the gates apply.
#[derive(Debug, Clone, PartialEq)]
pub struct GateLimits {
    /// Most replicated uniques allowed in any file.
    pub max_replicated_uniques: usize,
    /// Largest distance-to-closest-record share allowed.
    pub max_dcr_share: f64,
    /// Largest share of synthetic rows identical to a raw row on all released columns.
    pub max_exact_copies: f64,
    /// Smallest group allowed on the quasi-identifiers among the combinations real
    /// respondents and synthetic records share (the larger of the two groups).
    pub min_quasi_group: usize,
}

impl Default for GateLimits {
    fn default() -> Self {
        GateLimits {
            max_replicated_uniques: 0,
            max_dcr_share: 0.55,
            max_exact_copies: 0.05,
            min_quasi_group: 3,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Gate {
    /// `replicated_uniques`, `dcr_share`, `exact_copies` or `smallest_quasi_group`.
    pub name: &'static str,
    pub passed: bool,
    /// The measured value; `None` when it could not be measured (which fails).
    pub value: Option<f64>,
    pub limit: f64,
    /// What the value means, in a sentence.
    pub meaning: String,
    /// What to change when it fails; empty when it passes.
    pub advice: String,
}

/// The gates over a report's risk measures. A measure that does not apply to any file
/// (no quasi-identifiers released, for instance) passes with no value.
pub fn evaluate(risk: &Risk, limits: &GateLimits) -> Vec<Gate> {
    let quasi: Vec<_> = risk.files.iter().filter_map(|f| f.quasi.as_ref()).collect();
    let mut gates = Vec::new();

    let replicated = quasi.iter().map(|q| q.replicated_uniques.count).max();
    let passed = replicated.is_none_or(|r| r <= limits.max_replicated_uniques);
    gates.push(Gate {
        name: "replicated_uniques",
        passed,
        value: replicated.map(|r| r as f64),
        limit: limits.max_replicated_uniques as f64,
        meaning: "synthetic records unique on the quasi-identifiers whose combination is unique among the real respondents too: an intruder could match them one to one".into(),
        advice: if passed {
            String::new()
        } else {
            "drop a quasi-identifier or coarsen one (age in bands, countries in regions), or raise --min-leaf; removing the replicated records before release also works".into()
        },
    });

    let dcr = risk.dcr.as_ref().map(|d| d.share);
    let passed = dcr.is_some_and(|d| d <= limits.max_dcr_share);
    gates.push(Gate {
        name: "dcr_share",
        passed,
        value: dcr,
        limit: limits.max_dcr_share,
        meaning: "share of synthetic records, made from half the respondents, that lie closer to that half than to the other half: 0.5 when nothing is memorised".into(),
        advice: match dcr {
            None => "not measured: score the release with a synthesis from half the raw rows and the other half held out".into(),
            Some(_) if passed => String::new(),
            Some(_) => "the synthesis copies its training records: raise --min-leaf, smooth numbers, or withhold the columns that make records unique".into(),
        },
    });

    let copies = risk
        .files
        .iter()
        .filter(|f| f.quasi.as_ref().is_none_or(|q| q.columns.len() < f.n_columns))
        .map(|f| f.exact_copies.share)
        .fold(None, |m: Option<f64>, s| Some(m.map_or(s, |m| m.max(s))));
    let passed = copies.is_none_or(|c| c <= limits.max_exact_copies);
    gates.push(Gate {
        name: "exact_copies",
        passed,
        value: copies,
        limit: limits.max_exact_copies,
        meaning: "share of synthetic records identical to a real respondent's record on every released column".into(),
        advice: if passed {
            String::new()
        } else {
            "raise --min-leaf, withhold or coarsen the answers that make records distinctive, or release the demographics apart from the answers (--disjoint)".into()
        },
    });

    let smallest = quasi.iter().filter_map(|q| q.smallest_shared_group).min();
    let passed = smallest.is_none_or(|s| s >= limits.min_quasi_group);
    gates.push(Gate {
        name: "smallest_quasi_group",
        passed,
        value: smallest.map(|s| s as f64),
        limit: limits.min_quasi_group as f64,
        meaning: "among the combinations of the quasi-identifiers that both real respondents and synthetic records have, the smallest group (the larger of the real and the synthetic count): below the limit, a synthetic record stands for a combination only one or two real people share".into(),
        advice: if passed {
            String::new()
        } else {
            "coarsen a quasi-identifier (age in bands, countries in regions, fewer education levels) or drop one with --quasi".into()
        },
    });
    gates
}
