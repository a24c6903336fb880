//! Numbers: histogram bins and a summary (n, mean, median, quartiles).
//!
//! Bins are chosen by [`choose_bins`]: ten-year bins aligned to decades for an age
//! question (id or text containing the word "age"), a bin width the user gives, or
//! otherwise the Freedman–Diaconis rule: for whole numbers its width rounded up to a
//! round whole number with edges at its multiples, and for fractions NumPy's edge
//! placement, so that a histogram can be checked against
//! `numpy.histogram(values, bins="fd")`.
//! Top-coded answers ("90 or older") have no number and are kept as their own bins by
//! the frequency table; the summary leaves them out.
//!
//! Edges are a function of the question and the whole dataset ([`question_bins`]),
//! never of a filtered view: two filtered histograms of the same question then share
//! their bins, so neither bins that move with the filter nor a crosstab side binned
//! differently from the histogram beside it can be differenced bin by bin.
//!
//! Counting bins is the tables' job (`freq`, and `crosstab` for a numeric side), so
//! that bins obey the same disclosure control as every other count; this module only
//! places edges, turns cells into bin indices and summarises values.

use crate::dataset::{Column, Dataset, NumericCell, Question};
use crate::error::StatsError;
use crate::view::{TableOptions, View};
use serde::{Deserialize, Serialize};

/// Most bins a histogram may have; a smaller user bin width is refused and the
/// Freedman–Diaconis rule is capped here (a long tail of outliers would otherwise
/// produce thousands of empty bins).
pub const MAX_BINS: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BinRule {
    /// `[10k, 10k + 10)` bins, for ages.
    Decades,
    /// Bins of a width the user chose, aligned to multiples of it.
    Width(f64),
    /// Freedman–Diaconis: width `2 · IQR · n^(-1/3)`, edges spread evenly from the
    /// smallest to the largest value, as NumPy places them.
    FreedmanDiaconis,
}

/// Whether a question asks for an age: its id or text has the word "age".
pub fn is_age(question: &Question) -> bool {
    [&question.id, &question.text].iter().any(|s| {
        s.split(|c: char| !c.is_alphanumeric())
            .any(|word| word.eq_ignore_ascii_case("age"))
    })
}

/// What the bin rules need to know of a question's values: how many, their range,
/// their quartiles and whether all are whole. Computed once per column
/// (`Numeric::spread`): finding the quartiles sorts every value, which at a million
/// rows costs far more than counting the bins.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ValueSpread {
    pub n: usize,
    pub min: f64,
    pub max: f64,
    /// The quartiles, NumPy's linear interpolation ([`quantile_sorted`]).
    pub q1: f64,
    pub q3: f64,
    pub all_whole: bool,
}

impl ValueSpread {
    pub fn of(values: &[f64]) -> ValueSpread {
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        ValueSpread {
            n: sorted.len(),
            min: sorted.first().copied().unwrap_or(f64::INFINITY),
            max: sorted.last().copied().unwrap_or(f64::NEG_INFINITY),
            q1: quantile_sorted(&sorted, 0.25),
            q3: quantile_sorted(&sorted, 0.75),
            all_whole: sorted.iter().all(|v| v.fract() == 0.0),
        }
    }

    /// The spread of a numeric column's values, top-coded and missing cells left out.
    pub fn of_cells(cells: &[NumericCell]) -> ValueSpread {
        let values: Vec<f64> = cells
            .iter()
            .filter_map(|c| match c {
                NumericCell::Value(v) => Some(*v),
                _ => None,
            })
            .collect();
        ValueSpread::of(&values)
    }
}

/// Bin edges for `values` (at least one). Every bin is `[lo, hi)` except the last,
/// which also holds its upper edge.
pub fn choose_bins(
    question: &Question,
    values: &[f64],
    bin_width: Option<f64>,
) -> Result<(BinRule, Vec<f64>), StatsError> {
    bins_of_spread(question, &ValueSpread::of(values), bin_width)
}

/// [`choose_bins`] from the values' [`ValueSpread`].
pub fn bins_of_spread(
    question: &Question,
    spread: &ValueSpread,
    bin_width: Option<f64>,
) -> Result<(BinRule, Vec<f64>), StatsError> {
    let (min, max) = (spread.min, spread.max);
    if let Some(width) = bin_width {
        if !(width.is_finite() && width > 0.0) {
            return Err(StatsError::BadBinWidth {
                width,
                reason: "a bin width must be a positive number".into(),
            });
        }
        if spread.n == 0 {
            return Ok((BinRule::Width(width), Vec::new()));
        }
        let edges = aligned_edges(min, max, width);
        if edges.len() - 1 > MAX_BINS {
            return Err(StatsError::BadBinWidth {
                width,
                reason: format!("it gives more than {MAX_BINS} bins; choose a wider bin"),
            });
        }
        return Ok((BinRule::Width(width), edges));
    }
    if spread.n == 0 {
        return Ok((BinRule::FreedmanDiaconis, Vec::new()));
    }
    if is_age(question) {
        return Ok((BinRule::Decades, aligned_edges(min, max, 10.0)));
    }
    if spread.all_whole {
        return Ok((BinRule::FreedmanDiaconis, integer_fd_edges(spread)));
    }
    Ok((BinRule::FreedmanDiaconis, fd_edges(spread)))
}

/// Freedman–Diaconis for whole numbers: the rule's width rounded up to a round whole
/// number (1, 2, 5, 10, 20, 25, 50, 100…) and edges at its multiples, so that no edge
/// falls between two integers (a bin "2.14–3.29" holds only the 3s) and bins read as
/// "20–25", "25–30". Widened further if the bins would pass [`MAX_BINS`].
fn integer_fd_edges(spread: &ValueSpread) -> Vec<f64> {
    let (min, max) = (spread.min, spread.max);
    let iqr = spread.q3 - spread.q1;
    let fd = 2.0 * iqr * (spread.n as f64).powf(-1.0 / 3.0);
    let span = max - min;
    // No spread between the quartiles: about ten bins over the range instead.
    let raw = if fd > 0.0 { fd } else { span / 10.0 }
        .max(span / MAX_BINS as f64)
        .max(1.0);
    let width = round_width(raw);
    aligned_edges(min, max, width)
}

/// The smallest round whole number at or above `raw`: 1, 2, 5 or 25 times a power of
/// ten (25 only from 25 up, where it is whole).
fn round_width(raw: f64) -> f64 {
    let mut magnitude = 1.0;
    loop {
        for m in [1.0f64, 2.0, 2.5, 5.0] {
            let w = m * magnitude;
            if w.fract() == 0.0 && w >= raw {
                return w;
            }
        }
        magnitude *= 10.0;
    }
}

/// The bins of a numeric question: [`choose_bins`] over every value the dataset holds
/// for it, whatever the view.
pub fn question_bins(question: &Question, bin_width: Option<f64>) -> Result<(BinRule, Vec<f64>), StatsError> {
    let Column::Numeric(col) = &question.column else {
        return Err(StatsError::WrongKind {
            question: question.id.clone(),
            kind: question.kind.as_str(),
            needed: "a numeric question",
        });
    };
    bins_of_spread(question, col.spread(), bin_width)
}

/// The bins a table shows at disclosure threshold `k`: [`question_bins`], except that
/// under disclosure control (k > 0) a bin width is accepted only when it gives the
/// question's default bins. Two histograms of one question at different widths could
/// be subtracted bin by bin (a 10-year bin minus one of its 5-year halves is the
/// other half), so each question is binned one way only.
pub fn table_bins(question: &Question, bin_width: Option<f64>, k: usize) -> Result<(BinRule, Vec<f64>), StatsError> {
    let chosen = question_bins(question, bin_width)?;
    if let (Some(width), true) = (bin_width, k > 0) {
        let default = question_bins(question, None)?;
        if default.1 != chosen.1 {
            return Err(StatsError::BadBinWidth {
                width,
                reason: format!(
                    "under disclosure control a question is binned only its default way ({}), since histograms at two widths could be subtracted bin by bin; other widths need k = 0",
                    match default.0 {
                        BinRule::Decades => "decades".to_string(),
                        BinRule::Width(w) => format!("width {w}"),
                        BinRule::FreedmanDiaconis => "Freedman–Diaconis".to_string(),
                    }
                ),
            });
        }
    }
    Ok(chosen)
}

/// The option labels of a binned numeric question: one per bin ("20–30"), then one per
/// top-coded answer, which keeps a bin of its own after the numbered ones.
pub fn bin_labels(edges: &[f64], coded_labels: &[String]) -> Vec<String> {
    let mut labels: Vec<String> = edges
        .windows(2)
        .map(|e| format!("{}–{}", fmt_edge(e[0]), fmt_edge(e[1])))
        .collect();
    labels.extend(coded_labels.iter().cloned());
    labels
}

/// Which option of [`bin_labels`] a cell falls in: its bin, or for a top-coded answer
/// its own bin after the numbered ones; `None` for a missing cell.
pub fn bin_option(cell: NumericCell, edges: &[f64]) -> Option<usize> {
    let n_bins = edges.len().saturating_sub(1);
    match cell {
        NumericCell::Value(v) => bin_index(edges, v),
        NumericCell::Coded(i) => Some(n_bins + i as usize),
        NumericCell::Missing(_) => None,
    }
}

/// Edges at multiples of `width` from the one at or below `min` past `max`.
fn aligned_edges(min: f64, max: f64, width: f64) -> Vec<f64> {
    let start = (min / width).floor() * width;
    let n_bins = (((max - start) / width).floor() as usize + 1).max(1);
    (0..=n_bins).map(|i| start + i as f64 * width).collect()
}

/// NumPy's `histogram_bin_edges(values, bins="fd")`, capped at [`MAX_BINS`].
fn fd_edges(spread: &ValueSpread) -> Vec<f64> {
    let (mut first, mut last) = (spread.min, spread.max);
    if first == last {
        first -= 0.5;
        last += 0.5;
    }
    let iqr = spread.q3 - spread.q1;
    let width = 2.0 * iqr * (spread.n as f64).powf(-1.0 / 3.0);
    let n_bins = if width > 0.0 {
        (((last - first) / width).ceil() as usize).clamp(1, MAX_BINS)
    } else {
        1
    };
    (0..=n_bins)
        .map(|i| {
            if i == n_bins {
                last
            } else {
                // NumPy's linspace: i steps of (last - first) / n, then the start.
                i as f64 * ((last - first) / n_bins as f64) + first
            }
        })
        .collect()
}

/// Which bin of `edges` holds `v`; `None` outside them.
pub fn bin_index(edges: &[f64], v: f64) -> Option<usize> {
    let n_bins = edges.len().checked_sub(1)?;
    if n_bins == 0 || v < edges[0] || v > edges[n_bins] {
        return None;
    }
    // The last edge belongs to the last bin; otherwise the bin whose lower edge is the
    // last one at or below v. Every rule spaces its edges evenly, so v's share of the
    // span lands on that bin or beside it: a step or two instead of a binary search,
    // which at a million cells mispredicts enough to cost more than the counting.
    let span = edges[n_bins] - edges[0];
    let guess = if span > 0.0 {
        (((v - edges[0]) / span) * n_bins as f64) as usize
    } else {
        0
    };
    let mut i = guess.min(n_bins - 1);
    while i > 0 && edges[i] > v {
        i -= 1;
    }
    while i + 1 < n_bins && edges[i + 1] <= v {
        i += 1;
    }
    Some(i)
}

/// Linear-interpolation quantile of sorted values (NumPy's default, Hyndman–Fan 7).
pub fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Weighted quantile: the smallest value whose cumulative weight reaches `q` of the
/// total (the inverse of the weighted distribution function).
fn weighted_quantile(sorted: &[(f64, f64)], q: f64) -> f64 {
    let total: f64 = sorted.iter().map(|(_, w)| w).sum();
    let target = q * total;
    let mut cumulative = 0.0;
    for &(v, w) in sorted {
        cumulative += w;
        if cumulative >= target - 1e-12 * total && w > 0.0 {
            return v;
        }
    }
    sorted.last().map_or(f64::NAN, |&(v, _)| v)
}

/// Formats a bin edge: whole numbers without decimals, others to two places.
pub fn fmt_edge(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        let s = format!("{v:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// n, mean, median and quartiles of a numeric question's values in the view.
/// Every statistic is `None` when fewer than k respondents gave a number.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NumericSummary {
    pub question: String,
    /// Respondents with a number (weighted when a weight is given).
    pub n: Option<f64>,
    pub mean: Option<f64>,
    pub median: Option<f64>,
    pub q1: Option<f64>,
    pub q3: Option<f64>,
    pub weighted: bool,
    pub k: usize,
}

/// Summarises the numbers of question `question_idx`. Quartiles interpolate linearly
/// when unweighted and invert the weighted distribution function when weighted;
/// top-coded answers and missing cells are left out.
pub fn numeric_summary(
    dataset: &Dataset,
    question_idx: usize,
    options: &TableOptions,
) -> Result<NumericSummary, StatsError> {
    let question = dataset
        .question(question_idx)
        .ok_or_else(|| StatsError::NoSuchQuestion(format!("@{}", question_idx + 1)))?;
    let Column::Numeric(col) = &question.column else {
        return Err(StatsError::WrongKind {
            question: question.id.clone(),
            kind: question.kind.as_str(),
            needed: "a numeric question",
        });
    };
    if options.cell_key.is_some() {
        return Err(StatsError::NotPerturbable {
            what: format!("the numeric summary of {:?}", question.id),
        });
    }
    let view = View::new(dataset, options)?;
    let mut pairs: Vec<(f64, f64)> = view
        .rows()
        .filter_map(|row_idx| match col.cells()[row_idx] {
            NumericCell::Value(v) => Some((v, view.weight(row_idx))),
            _ => None,
        })
        .collect();
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let weighted = options.weight_idx.is_some();
    // The summary's n is a count like any other: beside the table's base it gives away
    // the top-coded answers, and beside a wider view's summary the respondents a
    // condition sets apart (their mean too). Either small withholds the summary.
    let small = |n: usize| n > 0 && n < view.k;
    let coded = view
        .rows()
        .filter(|&r| matches!(col.cells()[r], NumericCell::Coded(_)))
        .count();
    let numbers_in = |v: &View| {
        v.rows()
            .filter(|&r| matches!(col.cells()[r], NumericCell::Value(_)))
            .count()
    };
    let differencing = small(coded) || view.wider_additions(&numbers_in).into_iter().any(small);
    let shown = !pairs.is_empty() && pairs.len() >= view.k && !differencing;
    let total_weight: f64 = pairs.iter().map(|(_, w)| w).sum();
    let stats = if !shown || total_weight <= 0.0 {
        None
    } else if weighted {
        let mean = pairs.iter().map(|(v, w)| v * w).sum::<f64>() / total_weight;
        Some((
            total_weight,
            mean,
            weighted_quantile(&pairs, 0.5),
            weighted_quantile(&pairs, 0.25),
            weighted_quantile(&pairs, 0.75),
        ))
    } else {
        let values: Vec<f64> = pairs.iter().map(|(v, _)| *v).collect();
        let mean = values.iter().sum::<f64>() / values.len() as f64;
        Some((
            values.len() as f64,
            mean,
            quantile_sorted(&values, 0.5),
            quantile_sorted(&values, 0.25),
            quantile_sorted(&values, 0.75),
        ))
    };
    Ok(NumericSummary {
        question: question.id.clone(),
        n: stats.map(|s| s.0),
        mean: stats.map(|s| s.1),
        median: stats.map(|s| s.2),
        q1: stats.map(|s| s.3),
        q3: stats.map(|s| s.4),
        weighted,
        k: view.k,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::QuestionKind;

    fn question(id: &str) -> Question {
        Question {
            id: id.into(),
            text: id.into(),
            kind: QuestionKind::Numeric,
            group: None,
            column: Column::Text(crate::dataset::Text::from_cells([])),
        }
    }

    #[test]
    fn age_is_a_word_not_a_substring() {
        assert!(is_age(&question("Age")));
        assert!(is_age(&question("What is your age?")));
        assert!(is_age(&question("age_years")));
        assert!(!is_age(&question("Language usage")));
        assert!(!is_age(&question("percentage")));
    }

    #[test]
    fn ages_fall_in_decades_and_user_widths_align() {
        let (rule, edges) = choose_bins(&question("Age"), &[18.0, 25.0, 39.0, 70.0], None).unwrap();
        assert_eq!(rule, BinRule::Decades);
        assert_eq!(edges, [10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0]);
        let (_, edges) = choose_bins(&question("x"), &[3.0, 7.5, 12.0], Some(5.0)).unwrap();
        assert_eq!(edges, [0.0, 5.0, 10.0, 15.0]);
        assert!(choose_bins(&question("x"), &[1.0], Some(0.0)).is_err());
        assert!(choose_bins(&question("x"), &[0.0, 1e6], Some(1.0)).is_err());
    }

    #[test]
    fn integers_get_round_integer_edges() {
        // Ages under a question that does not say "age", 18 to 70.
        let ages: Vec<f64> = (0..200).map(|i| (18 + (i * 37) % 53) as f64).collect();
        let (rule, edges) = choose_bins(&question("How old are you?"), &ages, None).unwrap();
        assert_eq!(rule, BinRule::FreedmanDiaconis);
        let width = edges[1] - edges[0];
        assert!([5.0, 10.0].contains(&width), "{edges:?}");
        assert!(edges.iter().all(|e| e % width == 0.0), "{edges:?}");
        assert!(edges[0] <= 18.0 && *edges.last().unwrap() > 70.0, "{edges:?}");
        // A scale too wide to be ordinal, 0-100 in steps people type.
        let scores: Vec<f64> = (0..120).map(|i| ((i * 13) % 101) as f64).collect();
        let (_, edges) = choose_bins(&question("Score"), &scores, None).unwrap();
        assert!(edges.iter().all(|e| e.fract() == 0.0), "{edges:?}");
        // Fractions keep NumPy's placement:
        // numpy.histogram_bin_edges([0.5, 1.25, 2.75, 3.0], bins="fd") is [0.5, 1.75, 3.0].
        let (_, edges) = choose_bins(&question("x"), &[0.5, 1.25, 2.75, 3.0], None).unwrap();
        assert_eq!(edges, [0.5, 1.75, 3.0]);
    }

    #[test]
    fn a_columns_bins_come_from_its_values_alone_every_time() {
        use crate::dataset::{Missing, Numeric};
        let cells = vec![
            NumericCell::Value(0.5),
            NumericCell::Missing(Missing::NoAnswer),
            NumericCell::Value(1.25),
            NumericCell::Coded(0),
            NumericCell::Value(2.75),
            NumericCell::Value(3.0),
        ];
        let column = Numeric::new(cells, vec!["more than 3".into()]).unwrap();
        let q = Question {
            column: Column::Numeric(column),
            ..question("x")
        };
        // Missing and top-coded cells have no number: the bins are the four values'.
        let first = question_bins(&q, None).unwrap();
        assert_eq!(first.1, [0.5, 1.75, 3.0]);
        assert_eq!(question_bins(&q, None).unwrap(), first);
        assert_eq!(question_bins(&q, Some(1.0)).unwrap().1, [0.0, 1.0, 2.0, 3.0, 4.0]);
    }

    #[test]
    fn bins_are_half_open_but_the_last_is_closed() {
        let edges = [0.0, 10.0, 20.0];
        assert_eq!(bin_index(&edges, 0.0), Some(0));
        assert_eq!(bin_index(&edges, 9.999), Some(0));
        assert_eq!(bin_index(&edges, 10.0), Some(1));
        assert_eq!(bin_index(&edges, 20.0), Some(1));
        assert_eq!(bin_index(&edges, 20.5), None);
        assert_eq!(bin_index(&edges, -1.0), None);
    }

    #[test]
    fn a_value_falls_in_the_bin_a_scan_of_the_edges_finds() {
        // The bin by definition: the last lower edge at or below the value, the last
        // bin closed. Uneven edges, and NumPy-style edges whose steps are not exact.
        let scan = |edges: &[f64], v: f64| -> Option<usize> {
            let n = edges.len() - 1;
            if v < edges[0] || v > edges[n] {
                return None;
            }
            (0..n).rev().find(|&i| edges[i] <= v)
        };
        let linspace: Vec<f64> = (0..=7).map(|i| i as f64 * (2.9 - 0.3) / 7.0 + 0.3).collect();
        for edges in [vec![0.0, 1.0, 10.0, 100.0, 1000.0], linspace, vec![5.0, 5.0, 6.0]] {
            for k in 0..=30_000 {
                let v = k as f64 * 0.037 - 3.0;
                assert_eq!(bin_index(&edges, v), scan(&edges, v), "{v} in {edges:?}");
            }
            for &e in &edges {
                assert_eq!(bin_index(&edges, e), scan(&edges, e), "{e} in {edges:?}");
            }
        }
    }

    #[test]
    fn quantiles_interpolate_like_numpy_by_hand() {
        // 1 2 3 4: h = 3q; q=0.25 → 1.75, q=0.5 → 2.5, q=0.75 → 3.25.
        let s = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile_sorted(&s, 0.25), 1.75);
        assert_eq!(quantile_sorted(&s, 0.5), 2.5);
        assert_eq!(quantile_sorted(&s, 0.75), 3.25);
        // Weighted: value 1 weighs 3, value 10 weighs 1: half the weight is reached at 1.
        assert_eq!(weighted_quantile(&[(1.0, 3.0), (10.0, 1.0)], 0.5), 1.0);
        assert_eq!(weighted_quantile(&[(1.0, 3.0), (10.0, 1.0)], 0.8), 10.0);
    }
}
