//! Frequency tables: how many respondents gave each answer to one question.
//!
//! Every table states its base: which respondents the percentages are of, and how many
//! there were. Respondents who were not asked, left the question blank or declined are
//! counted apart and never folded into an answer.

use crate::dataset::{Categorical, CategoricalCell, Column, Dataset, Missing, NumericCell, Question};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Which respondents the percentages are of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum BaseKind {
    /// Respondents who gave an answer (the default, as in most published reports).
    #[default]
    Answered,
    /// Respondents who were shown the question: answered, blank or declined.
    Asked,
    /// Every respondent in the file.
    All,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Base {
    pub kind: BaseKind,
    pub n: f64,
}

/// One answer's line in a frequency table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FreqRow {
    pub option: String,
    pub count: Option<f64>,
    pub percent: Option<f64>,
    /// Wilson 95% interval of `percent`, in percent.
    pub ci: Option<[f64; 2]>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MissingCount {
    pub reason: Missing,
    pub count: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Frequencies {
    pub question: String,
    pub text: String,
    pub base: Base,
    pub rows: Vec<FreqRow>,
    pub missing: Vec<MissingCount>,
    /// For multi-select questions percentages are of respondents and may sum past 100.
    pub percent_of: String,
    pub respondents: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FreqError {
    NoSuchQuestion(String),
    NotCountable { question: String, kind: &'static str },
}

impl fmt::Display for FreqError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FreqError::NoSuchQuestion(name) => {
                write!(
                    f,
                    "no question {name:?}: name it by id or by position such as @3 (see `canvass summary`)"
                )
            }
            FreqError::NotCountable { question, kind } => {
                write!(
                    f,
                    "question {question:?} is {kind}; only closed questions and numbers have frequencies"
                )
            }
        }
    }
}

impl std::error::Error for FreqError {}

/// 1.96, the two-sided 95% normal quantile, to the precision Wilson intervals need.
const Z_95: f64 = 1.959_963_984_540_054;

/// Wilson score interval for `count` successes out of `n`, as percentages.
pub fn wilson_interval(count: f64, n: f64) -> Option<[f64; 2]> {
    if n <= 0.0 {
        return None;
    }
    let p = count / n;
    let z2 = Z_95 * Z_95;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = Z_95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / (1.0 + z2 / n);
    Some([100.0 * (centre - half).max(0.0), 100.0 * (centre + half).min(1.0)])
}

/// Counts the answers to question `question_idx`.
pub fn frequencies(dataset: &Dataset, question_idx: usize, base_kind: BaseKind) -> Result<Frequencies, FreqError> {
    let question = dataset
        .question(question_idx)
        .ok_or_else(|| FreqError::NoSuchQuestion(format!("@{}", question_idx + 1)))?;
    let mut missing_counts = [0usize; 3];
    let (labels, counts, percent_of) = match &question.column {
        Column::Categorical(col) => {
            let mut counts = vec![0usize; col.levels().len()];
            for &code in col.codes() {
                match Categorical::decode(code) {
                    CategoricalCell::Level(level_idx) => counts[level_idx as usize] += 1,
                    CategoricalCell::Missing(m) => missing_counts[m as usize] += 1,
                }
            }
            (col.levels().to_vec(), counts, "respondents".to_string())
        }
        Column::Multi(col) => {
            for row_idx in 0..col.len() {
                if let Some(m) = col.missing(row_idx) {
                    missing_counts[m as usize] += 1;
                }
            }
            let counts = (0..col.options().len()).map(|o| col.selected(o).count_ones()).collect();
            (col.options().to_vec(), counts, "respondents".to_string())
        }
        Column::Numeric(col) => {
            let values: Vec<f64> = col
                .cells()
                .iter()
                .filter_map(|c| match c {
                    NumericCell::Value(v) => Some(*v),
                    _ => None,
                })
                .collect();
            let bins = nice_bins(&values);
            let mut counts = vec![0usize; bins.len() + col.coded_labels().len()];
            for cell in col.cells() {
                match *cell {
                    NumericCell::Value(v) => {
                        let bin_idx = bins.iter().rposition(|b| v >= b.0).unwrap_or(0);
                        counts[bin_idx] += 1;
                    }
                    NumericCell::Coded(i) => counts[bins.len() + i as usize] += 1,
                    NumericCell::Missing(m) => missing_counts[m as usize] += 1,
                }
            }
            let mut labels: Vec<String> = bins
                .iter()
                .map(|(lo, hi)| format!("{}–{}", fmt_num(*lo), fmt_num(*hi)))
                .collect();
            labels.extend(col.coded_labels().iter().cloned());
            (labels, counts, "respondents".to_string())
        }
        Column::Text(_) => {
            return Err(FreqError::NotCountable {
                question: question.id.clone(),
                kind: question.kind.as_str(),
            });
        }
    };
    let answered = answered_count(question);
    let base_n = match base_kind {
        BaseKind::Answered => answered,
        BaseKind::Asked => dataset.n_rows() - missing_counts[Missing::NotAsked as usize],
        BaseKind::All => dataset.n_rows(),
    } as f64;
    let rows = labels
        .into_iter()
        .zip(counts)
        .map(|(option, count)| {
            let count = count as f64;
            FreqRow {
                option,
                count: Some(count),
                percent: (base_n > 0.0).then(|| 100.0 * count / base_n),
                ci: wilson_interval(count, base_n),
            }
        })
        .collect();
    let missing = Missing::ALL
        .iter()
        .map(|&reason| MissingCount {
            reason,
            count: missing_counts[reason as usize] as f64,
        })
        .filter(|m| m.count > 0.0)
        .collect();
    Ok(Frequencies {
        question: question.id.clone(),
        text: question.text.clone(),
        base: Base {
            kind: base_kind,
            n: base_n,
        },
        rows,
        missing,
        percent_of,
        respondents: dataset.n_rows(),
    })
}

fn answered_count(question: &Question) -> usize {
    question.answered()
}

/// Equal-width bins with a round width, about ten of them, covering every value.
/// Each bin is `[lo, hi)`; the last also holds its upper edge.
pub fn nice_bins(values: &[f64]) -> Vec<(f64, f64)> {
    let (min, max) = values.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
        (lo.min(v), hi.max(v))
    });
    if !min.is_finite() {
        return Vec::new();
    }
    let span = (max - min).max(1.0);
    let raw = span / 10.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let width = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|w| *w >= raw)
        .unwrap_or(10.0 * magnitude);
    let start = (min / width).floor() * width;
    let n_bins = (((max - start) / width).floor() as usize + 1).max(1);
    (0..n_bins)
        .map(|i| (start + i as f64 * width, start + (i + 1) as f64 * width))
        .collect()
}

fn fmt_num(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{load, LoadOptions};

    fn check(csv: &str, question: &str, base: BaseKind, expect: &str) {
        let loaded = load(csv.as_bytes(), &LoadOptions::default()).unwrap();
        let idx = loaded.dataset.find(question).unwrap();
        let f = frequencies(&loaded.dataset, idx, base).unwrap();
        let mut text = format!("base {:?} n={}\n", f.base.kind, f.base.n);
        for row in &f.rows {
            text += &format!(
                "{} {} {:.1}\n",
                row.option,
                row.count.unwrap(),
                row.percent.unwrap_or(f64::NAN)
            );
        }
        for m in &f.missing {
            text += &format!("({}) {}\n", m.reason.label(), m.count);
        }
        assert_eq!(text.trim(), expect.trim());
    }

    #[test]
    fn counts_answers_and_keeps_blanks_apart() {
        check(
            "lang,id\nPython,1\nRust,2\n,3\nPython,4\n",
            "lang",
            BaseKind::Answered,
            "base Answered n=3\nPython 2 66.7\nRust 1 33.3\n(no answer) 1",
        );
        check(
            "lang,id\nPython,1\nRust,2\n,3\nPython,4\n",
            "lang",
            BaseKind::All,
            "base All n=4\nPython 2 50.0\nRust 1 25.0\n(no answer) 1",
        );
    }

    #[test]
    fn numeric_answers_fall_in_round_bins() {
        assert_eq!(
            nice_bins(&[18.0, 25.0, 39.0, 70.0]),
            [
                (10.0, 20.0),
                (20.0, 30.0),
                (30.0, 40.0),
                (40.0, 50.0),
                (50.0, 60.0),
                (60.0, 70.0),
                (70.0, 80.0)
            ]
        );
        check(
            "age\n18\n25\n29\n",
            "age",
            BaseKind::Answered,
            "base Answered n=3\n18–20 1 33.3\n20–22 0 0.0\n22–24 0 0.0\n24–26 1 33.3\n26–28 0 0.0\n28–30 1 33.3",
        );
    }

    #[test]
    fn wilson_interval_matches_published_values() {
        // Worked example from Newcombe (1998), method 3: 81 of 263 gives 0.2553 to 0.3662.
        let [lo, hi] = wilson_interval(81.0, 263.0).unwrap();
        assert!((lo - 25.53).abs() < 0.01 && (hi - 36.62).abs() < 0.01, "{lo} {hi}");
        // 0 of 10: 0 to 0.2775.
        let [lo, hi] = wilson_interval(0.0, 10.0).unwrap();
        assert!(lo == 0.0 && (hi - 27.75).abs() < 0.01, "{lo} {hi}");
        assert_eq!(wilson_interval(0.0, 0.0), None);
    }
}
