//! Thin adapters from the statistics of today to the chart inputs, and the choice of a
//! chart for a question.
//!
//! Everything numeric arrives computed by `freq` (counts, percentages, intervals);
//! the adapters only reshape it, except the crosstab's column percentages, Borda
//! means and histogram counts, which are simple sums of what they are given.

use super::input::{
    order_by_value, BarOrder, BarSeries, Chart, Footnote, GroupedTable, Histogram, LikertRows, RankScores, Unit,
};
use super::text::fmt_count;
use crate::dataset::{Column, Dataset, NumericCell, QuestionKind};
use crate::freq::{freq_table, nice_bins, BaseKind, FreqError, FreqSpec, Frequencies};
use serde::Serialize;
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
            intervals: Vec::new(),
            k: 0,
        }
    }
}

/// The item part of a grid or ranking column's text: "Rate these [Speed]" → "Speed".
/// The `Item` of "Question [Item]", if the text has that form.
fn bracketed_item(text: &str) -> Option<String> {
    let t = text.trim();
    let open = t.rfind('[')?;
    let inner = t.strip_suffix(']')?.get(open + 1..)?.trim();
    (!inner.is_empty()).then(|| inner.to_string())
}

/// Separators after which exports put a grid or ranking item's own name:
/// "Please rank … - Performance", "Satisfaction: Docs".
const ITEM_SEPARATORS: [&str; 3] = [" - ", " – ", ": "];

/// The wording every text shares, up to and including the last item separator in it;
/// empty when there are fewer than two texts or no separator in what they share.
fn shared_stem<'a>(texts: &[&'a str]) -> &'a str {
    let [first, rest @ ..] = texts else { return "" };
    if rest.is_empty() {
        return "";
    }
    let mut len = first.len();
    for t in rest {
        len = first
            .bytes()
            .zip(t.bytes())
            .take(len)
            .take_while(|(a, b)| a == b)
            .count();
    }
    while !first.is_char_boundary(len) {
        len -= 1;
    }
    let common = &first[..len];
    ITEM_SEPARATORS
        .iter()
        .filter_map(|sep| common.rfind(sep).map(|at| at + sep.len()))
        .max()
        .map_or("", |end| &first[..end])
}

/// Labels for the items of a grid or ranking: the `[Item]` of "Question [Item]", or
/// what is left of each text after the wording all items share.
fn item_labels(texts: &[&str]) -> Vec<String> {
    let bracketed: Vec<Option<String>> = texts.iter().map(|t| bracketed_item(t)).collect();
    if bracketed.iter().all(Option::is_some) {
        return bracketed.into_iter().flatten().collect();
    }
    let stem = shared_stem(texts);
    texts
        .iter()
        .map(|t| match t.get(stem.len()..).map(str::trim) {
            Some(rest) if !rest.is_empty() => rest.to_string(),
            _ => t.trim().to_string(),
        })
        .collect()
}

/// The question a grid's or ranking's items share, from their texts: "Please rank the
/// following" of "Please rank the following - Performance" and its siblings, or the
/// part before `[Item]`. `None` when the texts share no such wording.
pub fn group_title(texts: &[&str]) -> Option<String> {
    if let Some(first) = texts.first() {
        if texts.iter().all(|t| bracketed_item(t).is_some()) {
            let t = first.trim();
            let stem = t[..t.rfind('[').unwrap_or(0)].trim();
            return (!stem.is_empty()).then(|| stem.to_string());
        }
    }
    let stem = shared_stem(texts);
    let title = ITEM_SEPARATORS
        .iter()
        .fold(stem, |s, sep| s.strip_suffix(sep).unwrap_or(s))
        .trim();
    (!title.is_empty()).then(|| title.to_string())
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
            items: item_labels(&items.iter().map(|f| f.text.as_str()).collect::<Vec<_>>()),
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
            items: item_labels(&items.iter().map(|f| f.text.as_str()).collect::<Vec<_>>()),
            borda,
            first_place,
            max_score: (k - 1.0).max(0.0),
        }
    }
}

/// The chart kinds a person can ask for, spelt as the CLI, the page and links spell them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
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

    /// The CLI's and the page's spelling.
    pub fn name(self) -> &'static str {
        match self {
            ChartKind::Bar => "bar",
            ChartKind::Stacked => "stacked",
            ChartKind::Grouped => "grouped",
            ChartKind::Heatmap => "heatmap",
            ChartKind::Diverging => "diverging",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChartError {
    Freq(FreqError),
    /// A question with no chart: its text (messages name questions as people read
    /// them, not by id) and why, in words.
    NotChartable {
        question: String,
        reason: &'static str,
    },
    NeedsTwoQuestions(&'static str),
    /// A bar or diverging chart asked of a crosstab, which compares groups.
    OneQuestionKind(&'static str),
    /// Diverging bars asked of a question whose scale has no midpoint between two
    /// poles (agreement, satisfaction): its text.
    NotBipolar(String),
}

impl fmt::Display for ChartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChartError::Freq(e) => e.fmt(f),
            ChartError::NotChartable { question, reason } => {
                write!(
                    f,
                    "\u{201c}{question}\u{201d}: {reason}; pick a closed question or a number"
                )
            }
            ChartError::NeedsTwoQuestions(kind) => {
                write!(f, "a {kind} chart compares groups: name a second question with --by")
            }
            ChartError::OneQuestionKind(kind) => write!(
                f,
                "a {kind} chart shows one question; a question broken down by another is drawn as grouped, stacked or heatmap"
            ),
            ChartError::NotBipolar(question) => write!(
                f,
                "\u{201c}{question}\u{201d}: diverging bars are for scales of agreement or satisfaction, which run from one pole through a midpoint to the other; draw it as bars"
            ),
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
    let spec = FreqSpec {
        options: crate::view::TableOptions {
            k: 0,
            ..Default::default()
        },
        ..FreqSpec::new(question_idx)
    };
    chart_for_view(dataset, &spec, kind).map(|(chart, footnote, _)| (chart, footnote))
}

/// The chart for the table `spec` describes — its filter, weight, base and disclosure
/// threshold — together with that table, so the page's HTML table and its chart show
/// the same protected numbers. Every count comes from `freq_table`: a withheld cell
/// stays withheld in the chart.
pub fn chart_for_view(
    dataset: &Dataset,
    spec: &FreqSpec,
    kind: Option<ChartKind>,
) -> Result<(Chart, Footnote, Frequencies), ChartError> {
    chart_for_view_items(dataset, spec, kind).map(|(chart, footnote, freq, _)| (chart, footnote, freq))
}

/// One item of a grid or ranking with its own table, named as the chart names it.
#[derive(Debug, Clone, Serialize)]
pub struct ItemTable {
    pub item: String,
    pub table: Frequencies,
}

/// [`chart_for_view`] with, for a grid or ranking (or any question drawn as diverging
/// bars of its group), every item's table: the chart shows them all, so its table and
/// CSV must too. Empty for a question drawn alone.
pub fn chart_for_view_items(
    dataset: &Dataset,
    spec: &FreqSpec,
    kind: Option<ChartKind>,
) -> Result<(Chart, Footnote, Frequencies, Vec<ItemTable>), ChartError> {
    let question_idx = spec.question_idx;
    let item_spec = |i: usize| FreqSpec {
        question_idx: i,
        ..spec.clone()
    };
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
            question: question.text.clone(),
            reason: question.kind.not_charted_reason().unwrap_or("not charted"),
        });
    }
    // Grid and ranking items are drawn together with the rest of their group.
    let siblings: Vec<usize> = match &question.group {
        Some(group) => (0..dataset.questions().len())
            .filter(|&i| dataset.questions()[i].group.as_ref() == Some(group))
            .collect(),
        None => vec![question_idx],
    };
    let freq = freq_table(dataset, spec)?;
    let mut footnote = Footnote::from_frequencies(&freq);
    let mut item_tables = Vec::new();
    let mut keep_items = |items: &[Frequencies], texts: &[&str]| {
        if items.len() < 2 {
            return;
        }
        item_tables = item_labels(texts)
            .into_iter()
            .zip(items.iter().cloned())
            .map(|(item, table)| ItemTable { item, table })
            .collect();
    };
    let chart = match (question.kind, kind) {
        (QuestionKind::Numeric, None | Some(ChartKind::Bar)) => match &freq.bins {
            // The table's own bins and (protected) counts; top-coded answers such as
            // "> 40" follow the bins as rows of their own and are named in a note.
            Some(bins) if bins.edges.len() >= 2 => {
                let n_bins = bins.edges.len() - 1;
                for row in freq.rows.iter().skip(n_bins) {
                    if let Some(count) = row.count {
                        footnote
                            .notes
                            .push(format!("{} answered \"{}\"", fmt_count(count), row.option));
                    }
                }
                Chart::Histogram(Histogram {
                    title: question.text.clone(),
                    edges: bins.edges.clone(),
                    counts: freq.rows.iter().take(n_bins).map(|r| r.count).collect(),
                    axis_label: question.text.clone(),
                })
            }
            _ => {
                let values: Vec<f64> = match &question.column {
                    Column::Numeric(col) if spec.options.k == 0 => col
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
        },
        (QuestionKind::Grid, _) | (_, Some(ChartKind::Diverging)) => {
            let items = siblings
                .iter()
                .map(|&i| freq_table(dataset, &item_spec(i)))
                .collect::<Result<Vec<_>, _>>()?;
            let texts: Vec<&str> = siblings.iter().map(|&i| dataset.questions()[i].text.as_str()).collect();
            let title = group_title(&texts)
                .or_else(|| question.group.clone())
                .unwrap_or_else(|| question.text.clone());
            // Diverging bars need a scale with a midpoint between two poles; any other
            // scale's items are drawn as 100% stacked bars, one bar an item.
            let levels: Vec<String> = freq.rows.iter().map(|r| r.option.clone()).collect();
            let bipolar = crate::load::is_bipolar(&levels);
            if !bipolar && kind == Some(ChartKind::Diverging) {
                return Err(ChartError::NotBipolar(question.text.clone()));
            }
            if items.len() > 1 {
                footnote.base = format!(
                    "Base: respondents who answered each item ({} to {})",
                    fmt_count(items.iter().map(|f| f.base.n).fold(f64::INFINITY, f64::min)),
                    fmt_count(items.iter().map(|f| f.base.n).fold(0.0, f64::max))
                );
            }
            keep_items(&items, &texts);
            if bipolar {
                Chart::Diverging(LikertRows::from_frequencies(&title, &items))
            } else {
                Chart::Stacked(GroupedTable {
                    title,
                    col_title: "Item".to_string(),
                    cells: (0..levels.len())
                        .map(|l| items.iter().map(|f| f.rows.get(l).and_then(|r| r.percent)).collect())
                        .collect(),
                    row_labels: levels,
                    col_labels: item_labels(&texts),
                    col_bases: items.iter().map(|f| Some(f.base.n)).collect(),
                    k: spec.options.k,
                    ..GroupedTable::default()
                })
            }
        }
        (QuestionKind::Rank, _) => {
            let items = siblings
                .iter()
                .map(|&i| freq_table(dataset, &item_spec(i)))
                .collect::<Result<Vec<_>, _>>()?;
            let texts: Vec<&str> = siblings.iter().map(|&i| dataset.questions()[i].text.as_str()).collect();
            let title = group_title(&texts)
                .or_else(|| question.group.clone())
                .unwrap_or_else(|| question.text.clone());
            keep_items(&items, &texts);
            let mut rank = RankScores::from_frequencies(&title, &items);
            // The chart draws the highest score first; its items, their tables and the
            // CSV follow that one order.
            let order = order_by_value(&rank.items, &rank.borda);
            rank.items = order.iter().map(|&i| rank.items[i].clone()).collect();
            rank.borda = order.iter().map(|&i| rank.borda[i]).collect();
            rank.first_place = order.iter().map(|&i| rank.first_place[i]).collect();
            if item_tables.len() == order.len() {
                item_tables = order.iter().map(|&i| item_tables[i].clone()).collect();
            }
            footnote.notes.push(rank_note(rank.max_score));
            Chart::Rank(rank)
        }
        (QuestionKind::Multi, _) => {
            let mut series = BarSeries::from_frequencies(&freq, BarOrder::ByValue);
            series.axis_label = "% of respondents".to_string();
            footnote.notes.push(MULTI_NOTE.to_string());
            Chart::Bars(series)
        }
        (QuestionKind::Ordinal, _) => Chart::Bars(BarSeries::from_frequencies(&freq, BarOrder::AsGiven)),
        _ => Chart::Bars(BarSeries::from_frequencies(&freq, BarOrder::ByValue)),
    };
    Ok((chart, footnote, freq, item_tables))
}

/// The chart a question's overview card draws, before anything is counted: the kind,
/// rows, items, legend and notes of [`chart_for_view_items`]'s chart for the card
/// (untitled, its footnote the notes alone), every value zero. Its height is the drawn
/// card's, so a page can hold the card's place at its final size. `None` for a question
/// that is not charted. A numeric question's top-coded answers, which add a note only
/// when some were given, are not foreseen.
pub fn card_outline(dataset: &Dataset, question_idx: usize) -> Option<(Chart, Footnote)> {
    let question = dataset.question(question_idx)?;
    if !question.kind.is_chartable() {
        return None;
    }
    let zeros = |n: usize| vec![Some(0.0); n];
    let labels = match &question.column {
        Column::Categorical(c) => c.levels().to_vec(),
        Column::Multi(c) => c.options().to_vec(),
        _ => Vec::new(),
    };
    let siblings: Vec<&str> = match &question.group {
        Some(group) => dataset
            .questions()
            .iter()
            .filter(|q| q.group.as_ref() == Some(group))
            .map(|q| q.text.as_str())
            .collect(),
        None => vec![question.text.as_str()],
    };
    let mut notes = Vec::new();
    let chart = match question.kind {
        QuestionKind::Numeric => Chart::Histogram(Histogram {
            title: String::new(),
            edges: vec![0.0, 1.0],
            counts: zeros(1),
            axis_label: question.text.clone(),
        }),
        QuestionKind::Grid => {
            let items = item_labels(&siblings);
            if crate::load::is_bipolar(&labels) {
                Chart::Diverging(LikertRows {
                    title: String::new(),
                    cells: vec![zeros(labels.len()); items.len()],
                    items,
                    levels: labels,
                })
            } else {
                Chart::Stacked(GroupedTable {
                    title: String::new(),
                    col_title: "Item".to_string(),
                    cells: vec![zeros(items.len()); labels.len()],
                    col_bases: zeros(items.len()),
                    row_labels: labels,
                    col_labels: items,
                    ..GroupedTable::default()
                })
            }
        }
        QuestionKind::Rank => {
            let items = item_labels(&siblings);
            let max_score = items.len().saturating_sub(1) as f64;
            notes.push(rank_note(max_score));
            Chart::Rank(RankScores {
                title: String::new(),
                borda: zeros(items.len()),
                first_place: zeros(items.len()),
                items,
                max_score,
            })
        }
        kind => {
            let multi = kind == QuestionKind::Multi;
            if multi {
                notes.push(MULTI_NOTE.to_string());
            }
            Chart::Bars(BarSeries {
                title: String::new(),
                values: zeros(labels.len()),
                counts: zeros(labels.len()),
                categories: labels,
                axis_label: if multi {
                    "% of respondents"
                } else {
                    "% of respondents who answered"
                }
                .to_string(),
                order: if kind == QuestionKind::Ordinal {
                    BarOrder::AsGiven
                } else {
                    BarOrder::ByValue
                },
                ..BarSeries::default()
            })
        }
    };
    let footnote = Footnote {
        notes,
        ..Footnote::default()
    };
    Some((chart, footnote))
}

/// Said under every multi-select's chart.
const MULTI_NOTE: &str = "Respondents could choose more than one answer, so percentages add up to more than 100%";

/// What a ranking's mean score is, in one line: "Borda score" is a term few readers know.
pub fn rank_note(max_score: f64) -> String {
    format!(
        "Score: each respondent gives {} points to the item they rank first, one fewer to each next, 0 to the last; bars show the mean",
        fmt_count(max_score)
    )
}

#[cfg(test)]
mod item_name_tests {
    use super::*;

    #[test]
    fn items_are_named_after_what_their_texts_do_not_share() {
        let texts = [
            "Please rank the following categories - Website redesign",
            "Please rank the following categories - Performance",
            "Please rank the following categories - Other",
        ];
        assert_eq!(item_labels(&texts), ["Website redesign", "Performance", "Other"]);
        assert_eq!(
            group_title(&texts).as_deref(),
            Some("Please rank the following categories")
        );
    }

    #[test]
    fn bracketed_items_and_lone_texts_keep_their_names() {
        assert_eq!(item_labels(&["Docs [Clear]", "Docs [Current]"]), ["Clear", "Current"]);
        assert_eq!(
            group_title(&["Docs [Clear]", "Docs [Current]"]).as_deref(),
            Some("Docs")
        );
        // A shared start that is not followed by a separator is not a question stem.
        assert_eq!(item_labels(&["Performance", "Perfume"]), ["Performance", "Perfume"]);
        assert_eq!(group_title(&["Performance", "Perfume"]), None);
        assert_eq!(item_labels(&["Only - one"]), ["Only - one"]);
        assert_eq!(group_title(&[]), None);
    }
}
