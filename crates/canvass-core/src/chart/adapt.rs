//! Thin adapters from the statistics of today to the chart inputs, and the choice of a
//! chart for a question.
//!
//! Everything numeric arrives computed by `freq` (counts, percentages, intervals);
//! the adapters only reshape it, except the crosstab's column percentages, Borda
//! means and histogram counts, which are simple sums of what they are given.

use super::input::{BarOrder, BarSeries, Chart, Footnote, GroupedTable, Histogram, LikertRows, RankScores, Unit};
use super::text::fmt_count;
use crate::dataset::{Column, Dataset, NumericCell, QuestionKind};
use crate::freq::{frequencies, nice_bins, BaseKind, FreqError, Frequencies};
use std::fmt;

impl BarSeries {
    /// One bar per answer of `freq`, as percentages of its base with counts and Wilson
    /// intervals.
    pub fn from_frequencies(freq: &Frequencies, order: BarOrder) -> BarSeries {
        let axis_label = match freq.base.kind {
            BaseKind::Answered => "% of respondents who answered",
            BaseKind::Asked => "% of respondents asked",
            BaseKind::All => "% of all respondents",
        };
        BarSeries {
            title: freq.text.clone(),
            categories: freq.rows.iter().map(|r| r.option.clone()).collect(),
            values: freq.rows.iter().map(|r| r.percent).collect(),
            counts: freq.rows.iter().map(|r| r.count).collect(),
            intervals: freq.rows.iter().map(|r| r.ci).collect(),
            significant: Vec::new(),
            value_labels: Vec::new(),
            unit: Unit::Percent,
            axis_label: axis_label.to_string(),
            order,
        }
    }
}

impl Footnote {
    /// The base of `freq` in words, with the non-answers it leaves out.
    pub fn from_frequencies(freq: &Frequencies) -> Footnote {
        let n = fmt_count(freq.base.n);
        let mut base = match freq.base.kind {
            BaseKind::Answered => format!("Base: {n} respondents who answered"),
            BaseKind::Asked => format!("Base: {n} respondents asked"),
            BaseKind::All => format!("Base: all {n} respondents"),
        };
        let missing: Vec<String> = freq
            .missing
            .iter()
            .map(|m| format!("{} {}", fmt_count(m.count), m.reason.label()))
            .collect();
        if !missing.is_empty() {
            base = format!("{base} ({})", missing.join(", "));
        }
        Footnote {
            base,
            ..Footnote::default()
        }
    }
}

impl Histogram {
    /// Counts `values` in about ten round bins (the same bins as `freq`'s table).
    pub fn from_values(title: &str, values: &[f64]) -> Histogram {
        let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        let bins = nice_bins(&finite);
        let mut counts = vec![0.0; bins.len()];
        for v in &finite {
            // Bins are [lo, hi); the last one also holds its upper edge.
            let idx = bins.iter().rposition(|b| *v >= b.0).unwrap_or(0);
            if let Some(c) = counts.get_mut(idx) {
                *c += 1.0;
            }
        }
        let mut edges: Vec<f64> = bins.iter().map(|b| b.0).collect();
        edges.extend(bins.last().map(|b| b.1));
        Histogram {
            title: title.to_string(),
            edges,
            counts: counts.into_iter().map(Some).collect(),
            axis_label: title.to_string(),
        }
    }
}

impl GroupedTable {
    /// Column percentages of a table of counts (`counts[row][col]`); a `None` count
    /// stays `None` and does not enter its column's base.
    pub fn from_counts(
        title: &str,
        col_title: &str,
        row_labels: Vec<String>,
        col_labels: Vec<String>,
        counts: &[Vec<Option<f64>>],
    ) -> GroupedTable {
        let col_bases: Vec<Option<f64>> = (0..col_labels.len())
            .map(|c| {
                let total: f64 = counts.iter().filter_map(|r| r.get(c).copied().flatten()).sum();
                Some(total)
            })
            .collect();
        let cells = (0..row_labels.len())
            .map(|r| {
                (0..col_labels.len())
                    .map(|c| {
                        let n = counts.get(r).and_then(|row| row.get(c)).copied().flatten()?;
                        let base = col_bases[c].filter(|b| *b > 0.0)?;
                        Some(100.0 * n / base)
                    })
                    .collect()
            })
            .collect();
        GroupedTable {
            title: title.to_string(),
            col_title: col_title.to_string(),
            row_labels,
            col_labels,
            cells,
            significant: Vec::new(),
            col_bases,
        }
    }
}

/// The item part of a grid or ranking column's text: "Rate these [Speed]" → "Speed".
fn item_label(text: &str) -> String {
    let t = text.trim();
    if let (Some(open), true) = (t.rfind('['), t.ends_with(']')) {
        let inner = t[open + 1..t.len() - 1].trim();
        if !inner.is_empty() {
            return inner.to_string();
        }
    }
    t.to_string()
}

impl LikertRows {
    /// One row per item; the levels are the first item's options, in its order.
    pub fn from_frequencies(title: &str, items: &[Frequencies]) -> LikertRows {
        let levels: Vec<String> = items
            .first()
            .map(|f| f.rows.iter().map(|r| r.option.clone()).collect())
            .unwrap_or_default();
        let cells = items
            .iter()
            .map(|f| {
                levels
                    .iter()
                    .map(|level| f.rows.iter().find(|r| &r.option == level).and_then(|r| r.percent))
                    .collect()
            })
            .collect();
        LikertRows {
            title: title.to_string(),
            items: items.iter().map(|f| item_label(&f.text)).collect(),
            levels,
            cells,
        }
    }
}

impl RankScores {
    /// Mean Borda score and first-place share of each item, from each item's table of
    /// rank positions (options "1", "2", …). With k items, rank r earns k − r points.
    pub fn from_frequencies(title: &str, items: &[Frequencies]) -> RankScores {
        let k = items.len() as f64;
        let mut borda = Vec::new();
        let mut first_place = Vec::new();
        for f in items {
            let (mut points, mut n, mut firsts) = (0.0, 0.0, 0.0);
            for row in &f.rows {
                let (Ok(rank), Some(count)) = (row.option.trim().parse::<f64>(), row.count) else {
                    continue;
                };
                if !(rank >= 1.0 && rank <= k) {
                    continue;
                }
                points += (k - rank) * count;
                n += count;
                if rank == 1.0 {
                    firsts += count;
                }
            }
            borda.push((n > 0.0).then(|| points / n));
            first_place.push((n > 0.0).then(|| 100.0 * firsts / n));
        }
        RankScores {
            title: title.to_string(),
            items: items.iter().map(|f| item_label(&f.text)).collect(),
            borda,
            first_place,
            max_score: (k - 1.0).max(0.0),
        }
    }
}

/// The chart kinds a person can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    Bar,
    Stacked,
    Grouped,
    Heatmap,
    Diverging,
}

impl ChartKind {
    /// Parses the CLI's and the page's spelling.
    pub fn parse(name: &str) -> Option<ChartKind> {
        Some(match name {
            "bar" => ChartKind::Bar,
            "stacked" => ChartKind::Stacked,
            "grouped" => ChartKind::Grouped,
            "heatmap" => ChartKind::Heatmap,
            "diverging" => ChartKind::Diverging,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChartError {
    Freq(FreqError),
    NotChartable { question: String, kind: &'static str },
    NeedsTwoQuestions(&'static str),
}

impl fmt::Display for ChartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChartError::Freq(e) => e.fmt(f),
            ChartError::NotChartable { question, kind } => {
                write!(
                    f,
                    "question {question:?} is {kind}, which has no chart; pick a closed question or a number"
                )
            }
            ChartError::NeedsTwoQuestions(kind) => {
                write!(f, "a {kind} chart compares groups: name a second question with --by")
            }
        }
    }
}

impl std::error::Error for ChartError {}

impl From<FreqError> for ChartError {
    fn from(e: FreqError) -> Self {
        ChartError::Freq(e)
    }
}

/// The chart of one question: the kind that suits its answers, or `kind` when asked
/// for one that can be drawn from a single question (bar or diverging).
pub fn chart_for_question(
    dataset: &Dataset,
    question_idx: usize,
    kind: Option<ChartKind>,
) -> Result<(Chart, Footnote), ChartError> {
    let question = dataset
        .question(question_idx)
        .ok_or_else(|| FreqError::NoSuchQuestion(format!("@{}", question_idx + 1)))?;
    if let Some(k @ (ChartKind::Stacked | ChartKind::Grouped | ChartKind::Heatmap)) = kind {
        let name = match k {
            ChartKind::Stacked => "stacked",
            ChartKind::Grouped => "grouped",
            _ => "heatmap",
        };
        return Err(ChartError::NeedsTwoQuestions(name));
    }
    if !question.kind.is_chartable() {
        return Err(ChartError::NotChartable {
            question: question.id.clone(),
            kind: question.kind.as_str(),
        });
    }
    // Grid and ranking items are drawn together with the rest of their group.
    let siblings: Vec<usize> = match &question.group {
        Some(group) => (0..dataset.questions().len())
            .filter(|&i| dataset.questions()[i].group.as_ref() == Some(group))
            .collect(),
        None => vec![question_idx],
    };
    let freq = frequencies(dataset, question_idx, BaseKind::Answered)?;
    let mut footnote = Footnote::from_frequencies(&freq);
    let chart = match (question.kind, kind) {
        (QuestionKind::Numeric, None | Some(ChartKind::Bar)) => {
            let values: Vec<f64> = match &question.column {
                Column::Numeric(col) => col
                    .cells()
                    .iter()
                    .filter_map(|c| match c {
                        NumericCell::Value(v) => Some(*v),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            Chart::Histogram(Histogram::from_values(&question.text, &values))
        }
        (QuestionKind::Grid, _) | (_, Some(ChartKind::Diverging)) => {
            let items = siblings
                .iter()
                .map(|&i| frequencies(dataset, i, BaseKind::Answered))
                .collect::<Result<Vec<_>, _>>()?;
            let title = question.group.clone().unwrap_or_else(|| question.text.clone());
            if items.len() > 1 {
                footnote.base = format!(
                    "Base: respondents who answered each item ({} to {})",
                    fmt_count(items.iter().map(|f| f.base.n).fold(f64::INFINITY, f64::min)),
                    fmt_count(items.iter().map(|f| f.base.n).fold(0.0, f64::max))
                );
            }
            Chart::Diverging(LikertRows::from_frequencies(&title, &items))
        }
        (QuestionKind::Rank, _) => {
            let items = siblings
                .iter()
                .map(|&i| frequencies(dataset, i, BaseKind::Answered))
                .collect::<Result<Vec<_>, _>>()?;
            let title = question.group.clone().unwrap_or_else(|| question.text.clone());
            Chart::Rank(RankScores::from_frequencies(&title, &items))
        }
        (QuestionKind::Multi, _) => {
            let mut series = BarSeries::from_frequencies(&freq, BarOrder::ByValue);
            series.axis_label = "% of respondents".to_string();
            footnote.notes.push(
                "Respondents could choose more than one answer, so percentages add up to more than 100%".to_string(),
            );
            Chart::Bars(series)
        }
        (QuestionKind::Ordinal, _) => Chart::Bars(BarSeries::from_frequencies(&freq, BarOrder::AsGiven)),
        _ => Chart::Bars(BarSeries::from_frequencies(&freq, BarOrder::ByValue)),
    };
    Ok((chart, footnote))
}
