//! Crosstabs: the answers to one question broken down by the answers to another.
//!
//! Either side may be multi-select or numeric. A numeric side is binned exactly as the
//! question's histogram is (edges from the whole dataset, top-coded answers as bins of
//! their own), so the crosstab's margins are the histogram's bins. Counts are of respondents, so a respondent who
//! selected two options appears in both of their rows; a multi-select side's totals are
//! then respondents who selected the option, not the sum of the row, and its column
//! (or row) totals count respondents once. The table covers respondents in the view
//! who answered both questions.
//!
//! Every percent (of the row, the column and the table) carries a Wilson 95% interval
//! on the effective size of its denominator. When both sides are single-choice the
//! table gets Pearson's chi-square test with Cramér's V and adjusted standardized
//! residuals per cell; when a side is multi-select the options are not exclusive, so
//! each option is tested on its own (selected or not, against the other side) and the
//! p-values are Holm-adjusted across the options. With weights, counts are rescaled to
//! Kish's effective size before testing (a design-effect correction of the Pearson
//! statistic).
//!
//! Disclosure control withholds small counts and what derives from them. A test is
//! withheld when its table has a withheld cell and either one degree of freedom (with
//! the margins, the statistic would pin the cells down) or a withheld margin (the
//! statistic would then rest on nothing the reader can see).

use crate::dataset::Rows;
use crate::dataset::{Column, Dataset, MultiSelect};
use crate::disclosure::{key1, key2, withheld_reasons, Layout, Role, WithheldReason};
use crate::error::StatsError;
use crate::freq::share;
use crate::numeric::{bin_labels, bin_option, table_bins};
use crate::sort::sorted_positions;
use crate::view::{TableOptions, View};
use crate::weights::Tally;
use serde::{Deserialize, Serialize};
use statrs::distribution::{ChiSquared, ContinuousCDF};
use std::borrow::Cow;

/// What the numbers of a crosstab are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum PercentMode {
    Counts,
    /// The share of each row answer falling in each column group.
    Row,
    /// The share of each column group giving each answer; `col` in links. The default:
    /// "broken down by X" reads as "% within each X group".
    #[default]
    #[serde(alias = "col")]
    Column,
    Total,
}

/// Which two questions, over which view.
#[derive(Debug, Clone, PartialEq)]
pub struct CrosstabSpec {
    pub row_idx: usize,
    pub col_idx: usize,
    /// A numeric row side's bin width instead of decades (ages) or Freedman–Diaconis.
    pub row_bin_width: Option<f64>,
    /// The same for a numeric column side.
    pub col_bin_width: Option<f64>,
    pub options: TableOptions,
}

impl CrosstabSpec {
    /// Default bins, no filter or weight, k = 10.
    pub fn new(row_idx: usize, col_idx: usize) -> Self {
        CrosstabSpec {
            row_idx,
            col_idx,
            row_bin_width: None,
            col_bin_width: None,
            options: TableOptions::default(),
        }
    }
}

/// Everything shown about one cell. `None` is withheld or zero.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CellStats {
    pub count: Option<f64>,
    pub row_percent: Option<f64>,
    pub row_ci: Option<[f64; 2]>,
    pub col_percent: Option<f64>,
    pub col_ci: Option<[f64; 2]>,
    pub total_percent: Option<f64>,
    pub total_ci: Option<[f64; 2]>,
    /// Adjusted standardized residual; |z| > 1.96 marks a cell that differs at 5%.
    pub residual: Option<f64>,
    /// Why the count is withheld; absent when it is shown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub withheld: Option<WithheldReason>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChiSquare {
    pub statistic: f64,
    pub df: usize,
    pub p: f64,
    pub cramers_v: f64,
    /// Share of expected counts below 5.
    pub low_expected_share: f64,
    /// Set when more than 20% of expected counts are below 5.
    pub warning: Option<String>,
}

/// One option of a multi-select side tested against the other side.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OptionTest {
    /// The option (or, with both sides multi-select, "row option × column option").
    pub option: String,
    pub statistic: Option<f64>,
    pub df: usize,
    pub p: Option<f64>,
    /// Holm-adjusted p-value across all the options tested.
    pub p_holm: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OptionTests {
    /// Says what was done, for the reader of the output.
    pub method: &'static str,
    pub tests: Vec<OptionTest>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Crosstab {
    pub row_question: String,
    pub col_question: String,
    pub row_labels: Vec<String>,
    pub col_labels: Vec<String>,
    pub counts: Vec<Vec<Option<f64>>>,
    pub row_totals: Vec<Option<f64>>,
    pub col_totals: Vec<Option<f64>>,
    /// Respondents who answered both, weighted when a weight is given.
    pub total: f64,
    pub chi2: Option<ChiSquare>,
    pub cells: Vec<Vec<CellStats>>,
    pub row_percent_of_total: Vec<Option<f64>>,
    pub col_percent_of_total: Vec<Option<f64>>,
    pub row_multi: bool,
    pub col_multi: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub option_tests: Option<OptionTests>,
    pub k: usize,
    pub weighted: bool,
    pub effective_n: f64,
    /// Respondents in the view, unweighted.
    pub respondents: usize,
    /// Every count (margins, total and `respondents` too) is perturbed by the cell-key
    /// method rather than suppressed; percentages and tests use the perturbed counts.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub perturbed: bool,
}

/// A side of the table: its labels and which option each respondent belongs to.
struct Side<'a> {
    labels: Vec<String>,
    multi: bool,
    members: Members<'a>,
}

/// Not in the table: a code at or past the side's number of options.
const OUTSIDE: u16 = u16::MAX;

enum Members<'a> {
    /// One option per respondent; a code at or past the number of labels (a missing
    /// answer's code) keeps the respondent out of the table.
    Single(Cow<'a, [u16]>),
    /// A multi-select column: respondents with no missing reason are in the table,
    /// in every option they selected (possibly none).
    Multi(&'a MultiSelect),
}

impl Side<'_> {
    /// Calls `f` with each option respondent `row_idx` belongs to; `false` when the
    /// respondent is not in the table at all.
    fn for_each_option(&self, row_idx: usize, mut f: impl FnMut(usize)) -> bool {
        match &self.members {
            Members::Single(codes) => {
                let code = codes[row_idx] as usize;
                if code >= self.labels.len() {
                    return false;
                }
                f(code);
                true
            }
            Members::Multi(col) => {
                if col.missing(row_idx).is_some() {
                    return false;
                }
                for option_idx in 0..col.options().len() {
                    if col.selected(option_idx).contains(row_idx) {
                        f(option_idx);
                    }
                }
                true
            }
        }
    }

    fn options_of(&self, row_idx: usize) -> Option<Vec<usize>> {
        let mut options = Vec::new();
        self.for_each_option(row_idx, |o| options.push(o)).then_some(options)
    }
}

/// A numeric side is binned exactly as its histogram is (`numeric::table_bins`),
/// with top-coded answers as bins of their own after the numbered ones.
fn side<'a>(
    dataset: &'a Dataset,
    question_idx: usize,
    bin_width: Option<f64>,
    k: usize,
) -> Result<Side<'a>, StatsError> {
    let question = dataset
        .question(question_idx)
        .ok_or_else(|| StatsError::NoSuchQuestion(format!("@{}", question_idx + 1)))?;
    match &question.column {
        Column::Categorical(col) => Ok(Side {
            labels: col.levels().to_vec(),
            multi: false,
            members: Members::Single(Cow::Borrowed(col.codes())),
        }),
        Column::Multi(col) => Ok(Side {
            labels: col.options().to_vec(),
            multi: true,
            members: Members::Multi(col),
        }),
        Column::Numeric(col) => {
            let (_, edges) = table_bins(question, bin_width, k)?;
            let codes = col
                .cells()
                .iter()
                .map(|&cell| bin_option(cell, &edges).map_or(OUTSIDE, |o| o as u16))
                .collect();
            Ok(Side {
                labels: bin_labels(&edges, col.coded_labels()),
                multi: false,
                members: Members::Single(Cow::Owned(codes)),
            })
        }
        Column::Text(_) => Err(StatsError::WrongKind {
            question: question.id.clone(),
            kind: question.kind.as_str(),
            needed: "a categorical, multi-select or numeric question for a crosstab",
        }),
    }
}

/// Pearson's chi-square of a table of (possibly rescaled) counts, dropping empty rows
/// and columns. Returns the statistic, df, p, Cramér's V, share of expected counts
/// below 5 and per-cell adjusted residuals (`None` for dropped rows or columns).
#[allow(clippy::type_complexity)]
pub fn pearson(observed: &[Vec<f64>]) -> Option<(f64, usize, f64, f64, f64, Vec<Vec<Option<f64>>>)> {
    let n_rows = observed.len();
    let n_cols = observed.first().map_or(0, Vec::len);
    let row_sums: Vec<f64> = observed.iter().map(|r| r.iter().sum()).collect();
    let col_sums: Vec<f64> = (0..n_cols).map(|j| observed.iter().map(|r| r[j]).sum()).collect();
    let total: f64 = row_sums.iter().sum();
    let rows: Vec<usize> = (0..n_rows).filter(|&i| row_sums[i] > 0.0).collect();
    let cols: Vec<usize> = (0..n_cols).filter(|&j| col_sums[j] > 0.0).collect();
    if rows.len() < 2 || cols.len() < 2 || total <= 0.0 {
        return None;
    }
    let df = (rows.len() - 1) * (cols.len() - 1);
    let mut statistic = 0.0;
    let mut low = 0usize;
    let mut residuals = vec![vec![None; n_cols]; n_rows];
    for &i in &rows {
        for &j in &cols {
            let expected = row_sums[i] * col_sums[j] / total;
            let diff = observed[i][j] - expected;
            statistic += diff * diff / expected;
            if expected < 5.0 {
                low += 1;
            }
            let var = expected * (1.0 - row_sums[i] / total) * (1.0 - col_sums[j] / total);
            residuals[i][j] = (var > 0.0).then(|| diff / var.sqrt());
        }
    }
    let p = ChiSquared::new(df as f64).map(|d| d.sf(statistic)).ok()?;
    let min_dim = rows.len().min(cols.len()) as f64;
    let cramers_v = (statistic / (total * (min_dim - 1.0))).sqrt();
    let low_share = low as f64 / (rows.len() * cols.len()) as f64;
    Some((statistic, df, p, cramers_v, low_share, residuals))
}

/// Holm's step-down adjustment of p-values, in the order given.
pub fn holm(p_values: &[f64]) -> Vec<f64> {
    let m = p_values.len();
    let order = sorted_positions(m, &|a, b| p_values[a].total_cmp(&p_values[b]));
    let mut adjusted = vec![0.0; m];
    let mut running = 0.0f64;
    for (rank, &i) in order.iter().enumerate() {
        running = running.max(((m - rank) as f64 * p_values[i]).min(1.0));
        adjusted[i] = running;
    }
    adjusted
}

/// Cross-tabulates two questions over a filtered, weighted view with disclosure control.
pub fn crosstab(dataset: &Dataset, spec: &CrosstabSpec) -> Result<Crosstab, StatsError> {
    let row_side = side(dataset, spec.row_idx, spec.row_bin_width, spec.options.k)?;
    let col_side = side(dataset, spec.col_idx, spec.col_bin_width, spec.options.k)?;
    let row_q = &dataset.questions()[spec.row_idx];
    let col_q = &dataset.questions()[spec.col_idx];
    let view = View::new(dataset, &spec.options)?;
    let k = view.k;
    let (n_r, n_c) = (row_side.labels.len(), col_side.labels.len());

    let Counts {
        cells,
        row_totals,
        col_totals,
        row_freq,
        col_freq,
        total,
    } = tally(&row_side, &col_side, &view);
    if k > 0 && total.n < k {
        return Err(StatsError::BaseTooSmall {
            question: format!("{} × {}", row_q.id, col_q.id),
            k,
        });
    }
    let keys = (spec.row_idx, spec.col_idx);
    let beside = [
        beside(dataset, spec, spec.row_idx, spec.row_bin_width, spec.col_idx, n_r),
        beside(dataset, spec, spec.col_idx, spec.col_bin_width, spec.row_idx, n_c),
    ];
    let (layout, (cell_entries, row_entries, col_entries)) = crosstab_layout(
        &row_side,
        &col_side,
        keys,
        &cells,
        &row_totals,
        &col_totals,
        &total,
        (&row_freq, &col_freq),
        &beside,
        k,
    );
    let withheld = view.protect(
        &layout,
        &|other| {
            let c = tally(&row_side, &col_side, other);
            Ok(crosstab_layout(
                &row_side,
                &col_side,
                keys,
                &c.cells,
                &c.row_totals,
                &c.col_totals,
                &c.total,
                (&c.row_freq, &c.col_freq),
                &[Beside::default(), Beside::default()],
                k,
            )
            .0)
        },
        &|| format!("the crosstab of {:?} by {:?}", row_q.id, col_q.id),
    )?;
    let shown_apart = shown_by_one_option_views(dataset, spec, &row_totals, &col_totals);
    let withheld = known_apart(
        &layout,
        withheld,
        &shown_apart,
        (&cell_entries, &row_entries, &col_entries),
        k,
    )
    .map_err(|_| StatsError::Unprotectable {
        what: format!("the crosstab of {:?} by {:?}", row_q.id, col_q.id),
        k,
    })?;
    // Labels say only what this table's own shown numbers imply.
    let reasons = withheld_reasons(&layout, &withheld, k);
    let (cells, row_totals, col_totals, total, respondents) = match view.keyed(dataset.n_rows()) {
        None => (cells, row_totals, col_totals, total, view.universe.n),
        Some(keyed) => {
            // Cells, margins and the total each get their own key's perturbation.
            let keys = tally(&row_side, &col_side, &keyed);
            let each = |tallies: &[Tally], keys: &[Tally]| -> Vec<Tally> {
                tallies.iter().zip(keys).map(|(t, k)| view.shown(t, Some(k))).collect()
            };
            let mut universe_keys = Tally::default();
            keyed.for_each_row(|r| universe_keys.add(keyed.weight(r)));
            (
                cells.iter().zip(&keys.cells).map(|(c, k)| each(c, k)).collect(),
                each(&row_totals, &keys.row_totals),
                each(&col_totals, &keys.col_totals),
                view.shown(&total, Some(&keys.total)),
                view.shown(&view.universe, Some(&universe_keys)).n,
            )
        }
    };
    let cells: Vec<Vec<Tally>> = cells;
    // Empty rows and columns drop out of the tests, so only withheld counts of
    // somebody decide whether a test may be shown.
    let withheld_somebody: Vec<bool> = withheld
        .iter()
        .zip(&layout.entries)
        .map(|(&w, e)| w && e.n > 0)
        .collect();
    let any_cell_withheld = cell_entries.iter().flatten().any(|&e| withheld_somebody[e]);
    let any_margin_withheld = row_entries.iter().chain(&col_entries).any(|&e| withheld_somebody[e]);

    // Tests, on counts rescaled so that they sum to the effective sample size.
    let scale = if total.weight > 0.0 {
        total.effective_n() / total.weight
    } else {
        0.0
    };
    let mut chi2 = None;
    let mut residuals = vec![vec![None; n_c]; n_r];
    let mut option_tests = None;
    if !row_side.multi && !col_side.multi {
        let observed: Vec<Vec<f64>> = cells
            .iter()
            .map(|r| r.iter().map(|t| t.weight * scale).collect())
            .collect();
        if let Some((statistic, df, p, cramers_v, low_share, res)) = pearson(&observed) {
            residuals = res;
            if !(any_cell_withheld && (df == 1 || any_margin_withheld)) {
                chi2 = Some(ChiSquare {
                    statistic,
                    df,
                    p,
                    cramers_v,
                    low_expected_share: low_share,
                    warning: (low_share > 0.2).then(|| {
                        format!(
                            "{:.0}% of expected counts are below 5, so the chi-square p-value may be unreliable",
                            100.0 * low_share
                        )
                    }),
                });
            }
        }
    } else if view.cell_key.is_none() {
        // Per-option tests recount the view's respondents, which perturbation does not
        // reach.
        option_tests = Some(multi_tests(
            &row_side,
            &col_side,
            &view,
            scale,
            &cell_entries,
            &withheld_somebody,
            any_margin_withheld,
        ));
    }

    let shown = |e: usize, t: &Tally| (!withheld[e]).then_some(t.weight);
    let stats = (0..n_r)
        .map(|i| {
            (0..n_c)
                .map(|j| {
                    let e = cell_entries[i][j];
                    if withheld[e] {
                        return CellStats {
                            count: None,
                            row_percent: None,
                            row_ci: None,
                            col_percent: None,
                            col_ci: None,
                            total_percent: None,
                            total_ci: None,
                            residual: None,
                            withheld: reasons[e],
                        };
                    }
                    let t = &cells[i][j];
                    // A percent of a withheld total would give that total away.
                    let (row_percent, row_ci) = if withheld[row_entries[i]] {
                        (None, None)
                    } else {
                        share(t, &row_totals[i])
                    };
                    let (col_percent, col_ci) = if withheld[col_entries[j]] {
                        (None, None)
                    } else {
                        share(t, &col_totals[j])
                    };
                    let (total_percent, total_ci) = share(t, &total);
                    CellStats {
                        count: Some(t.weight),
                        row_percent,
                        row_ci,
                        col_percent,
                        col_ci,
                        total_percent,
                        total_ci,
                        // A residual involves the row and column totals, so it would
                        // give away a withheld one.
                        residual: residuals[i][j].filter(|_| !withheld[row_entries[i]] && !withheld[col_entries[j]]),
                        withheld: None,
                    }
                })
                .collect()
        })
        .collect();
    Ok(Crosstab {
        row_question: row_q.id.clone(),
        col_question: col_q.id.clone(),
        row_labels: row_side.labels.clone(),
        col_labels: col_side.labels.clone(),
        counts: (0..n_r)
            .map(|i| (0..n_c).map(|j| shown(cell_entries[i][j], &cells[i][j])).collect())
            .collect(),
        row_totals: (0..n_r).map(|i| shown(row_entries[i], &row_totals[i])).collect(),
        col_totals: (0..n_c).map(|j| shown(col_entries[j], &col_totals[j])).collect(),
        total: total.weight,
        chi2,
        cells: stats,
        row_percent_of_total: (0..n_r)
            .map(|i| shown(row_entries[i], &row_totals[i]).and_then(|_| share(&row_totals[i], &total).0))
            .collect(),
        col_percent_of_total: (0..n_c)
            .map(|j| shown(col_entries[j], &col_totals[j]).and_then(|_| share(&col_totals[j], &total).0))
            .collect(),
        row_multi: row_side.multi,
        col_multi: col_side.multi,
        option_tests,
        k,
        weighted: spec.options.weight_idx.is_some(),
        effective_n: total.effective_n(),
        respondents,
        perturbed: view.cell_key.is_some(),
    })
}

/// Respondent-based tallies of a crosstab.
struct Counts {
    cells: Vec<Vec<Tally>>,
    row_totals: Vec<Tally>,
    col_totals: Vec<Tally>,
    /// Respondents in the view choosing each row option among all who answered the
    /// row question, whether or not they answered the column question: the row
    /// question's own frequency table. Unweighted.
    row_freq: Vec<usize>,
    /// The same for the column question.
    col_freq: Vec<usize>,
    total: Tally,
}

/// Counts the respondents of `view` who answered both questions.
fn tally(row_side: &Side, col_side: &Side, view: &View) -> Counts {
    let (n_r, n_c) = (row_side.labels.len(), col_side.labels.len());
    if let (Members::Single(row_codes), Members::Single(col_codes), false) =
        (&row_side.members, &col_side.members, view.is_weighted())
    {
        // The common case: one pass over two code columns into a flat table of
        // plain counts, with one more row and column for respondents who skipped that
        // question, so every respondent is one increment without a branch. Margins and
        // each question's own frequencies are its sums.
        let (w_r, w_c) = (n_r + 1, n_c + 1);
        let mut flat = vec![0usize; w_r * w_c];
        let mut add = |row_code: u16, col_code: u16| {
            let i = usize::from(row_code).min(n_r);
            let j = usize::from(col_code).min(n_c);
            flat[i * w_c + j] += 1;
        };
        match &view.rows {
            Rows::Mask(mask) => {
                for (word_idx, &word) in mask.words().iter().enumerate() {
                    let start = word_idx * 64;
                    if word == u64::MAX {
                        // A full word: 64 consecutive rows, read as two slices so the
                        // loop neither scans bits nor checks bounds per row.
                        let (rows, cols) = (&row_codes[start..start + 64], &col_codes[start..start + 64]);
                        rows.iter().zip(cols).for_each(|(&a, &b)| add(a, b));
                        continue;
                    }
                    let mut rest = word;
                    while rest != 0 {
                        let r = start + rest.trailing_zeros() as usize;
                        add(row_codes[r], col_codes[r]);
                        rest &= rest - 1;
                    }
                }
            }
            Rows::List(list) => list
                .iter()
                .for_each(|&r| add(row_codes[r as usize], col_codes[r as usize])),
        }
        let at = |i: usize, j: usize| flat[i * w_c + j];
        let cells: Vec<Vec<Tally>> = (0..n_r)
            .map(|i| (0..n_c).map(|j| Tally::unit(at(i, j))).collect())
            .collect();
        let row_totals = (0..n_r)
            .map(|i| Tally::unit((0..n_c).map(|j| at(i, j)).sum()))
            .collect();
        let col_totals = (0..n_c)
            .map(|j| Tally::unit((0..n_r).map(|i| at(i, j)).sum()))
            .collect();
        let row_freq = (0..n_r).map(|i| (0..w_c).map(|j| at(i, j)).sum()).collect();
        let col_freq = (0..n_c).map(|j| (0..w_r).map(|i| at(i, j)).sum()).collect();
        let total = (0..n_r)
            .flat_map(|i| (0..n_c).map(move |j| (i, j)))
            .map(|(i, j)| at(i, j))
            .sum();
        return Counts {
            cells,
            row_totals,
            col_totals,
            row_freq,
            col_freq,
            total: Tally::unit(total),
        };
    }
    let mut cells = vec![vec![Tally::default(); n_c]; n_r];
    let mut row_totals = vec![Tally::default(); n_r];
    let mut col_totals = vec![Tally::default(); n_c];
    let mut total = Tally::default();
    let (mut rs, mut cs) = (Vec::new(), Vec::new());
    let (mut row_freq, mut col_freq) = (vec![0usize; n_r], vec![0usize; n_c]);
    view.for_each_row(|row_idx| {
        rs.clear();
        cs.clear();
        let answered_row = row_side.for_each_option(row_idx, |o| rs.push(o));
        let answered_col = col_side.for_each_option(row_idx, |o| cs.push(o));
        rs.iter().for_each(|&i| row_freq[i] += 1);
        cs.iter().for_each(|&j| col_freq[j] += 1);
        if !answered_row || !answered_col {
            return;
        }
        let w = view.weight(row_idx);
        total.add(w);
        for &i in &rs {
            row_totals[i].add(w);
            for &j in &cs {
                cells[i][j].add(w);
            }
        }
        for &j in &cs {
            col_totals[j].add(w);
        }
    });
    Counts {
        cells,
        row_totals,
        col_totals,
        row_freq,
        col_freq,
        total,
    }
}

type CrosstabEntries = (Vec<Vec<usize>>, Vec<usize>, Vec<usize>);

/// What the one-question table of a side, shown beside the crosstab over the same
/// view, publishes. Only the view's own crosstab needs it; the tables of the groups
/// around the view contribute counts only, so theirs is the default.
#[derive(Default)]
struct Beside {
    /// Whether each option's count is shown there; `None` when unknown, and then
    /// every count that table could show (0, or k and more) is taken as known.
    shown: Option<Vec<bool>>,
    /// The filter keeps only respondents who answered the *other* side's question
    /// (a condition on it that admits no missing answer), so nobody who chose an
    /// option here is missing from the crosstab: that nonresponse is a known zero.
    other_answered_by_filter: bool,
}

/// [`Beside`] for the side of `question_idx`, the other side being `other_idx`.
fn beside(
    dataset: &Dataset,
    spec: &CrosstabSpec,
    question_idx: usize,
    bin_width: Option<f64>,
    other_idx: usize,
    n_options: usize,
) -> Beside {
    use crate::filter::Condition;
    let other_answered_by_filter = spec.options.filter.conditions.iter().any(|c| {
        c.question_idx() == other_idx
            && match c {
                Condition::AnyOf { missing, .. } => missing.is_empty(),
                Condition::AllOf { .. } | Condition::Range { .. } => true,
            }
    });
    if spec.options.k == 0 {
        return Beside {
            shown: None,
            other_answered_by_filter,
        };
    }
    let freq_spec = crate::freq::FreqSpec {
        bin_width,
        options: spec.options.clone(),
        ..crate::freq::FreqSpec::new(question_idx)
    };
    // A refused table shows nothing; a table whose rows do not line up with the
    // side's options is taken at its most (`None`).
    let shown = match crate::freq::freq_table(dataset, &freq_spec) {
        Ok(f) if f.rows.len() == n_options => Some(f.rows.iter().map(|r| r.count.is_some()).collect()),
        Ok(_) => None,
        Err(_) => Some(vec![false; n_options]),
    };
    Beside {
        shown,
        other_answered_by_filter,
    }
}

/// A number of the crosstab, by position.
#[derive(Clone, Copy)]
enum Part {
    Cell(usize, usize),
    Row(usize),
    Col(usize),
}

/// What the one-question tables over the view narrowed to one option of a side show
/// of this crosstab, as sums of its numbers: the frequencies of the column question
/// under the extra condition "row question = option i" are exactly row i's cells
/// (everyone there answered the row question), their answered base is row i's margin
/// and their top two is the sum of two cells; likewise for columns. A reader can
/// request those tables beside this one: gender × version unfiltered, beside version
/// under `gender=Male`, gives the men's row, and with a column's margin the rest of
/// that column. Sides of a number are not narrowed by bin.
fn shown_by_one_option_views(
    dataset: &Dataset,
    spec: &CrosstabSpec,
    row_totals: &[Tally],
    col_totals: &[Tally],
) -> Vec<Vec<Part>> {
    use crate::filter::Condition;
    let (n_r, n_c) = (row_totals.len(), col_totals.len());
    let mut known = Vec::new();
    let k = spec.options.k;
    if k == 0 || spec.options.cell_key.is_some() {
        return known;
    }
    let sides = [
        (spec.row_idx, row_totals, spec.col_idx, spec.col_bin_width, false),
        (spec.col_idx, col_totals, spec.row_idx, spec.row_bin_width, true),
    ];
    for (side_idx, totals, other_idx, other_bin_width, transposed) in sides {
        let by_option = dataset
            .question(side_idx)
            .is_some_and(|q| matches!(q.column, Column::Categorical(_) | Column::Multi(_)));
        if !by_option {
            continue;
        }
        let cell = |option: usize, other: usize| {
            if transposed {
                Part::Cell(other, option)
            } else {
                Part::Cell(option, other)
            }
        };
        for (option, total) in totals.iter().enumerate() {
            // The narrowed table's answered base is this margin: below k it is refused.
            if total.n < k {
                continue;
            }
            let mut options = spec.options.clone();
            options.filter.conditions.push(Condition::AnyOf {
                question_idx: side_idx,
                options: vec![option],
                values: Vec::new(),
                missing: Vec::new(),
            });
            let freq_spec = crate::freq::FreqSpec {
                bin_width: other_bin_width,
                options,
                ..crate::freq::FreqSpec::new(other_idx)
            };
            let Ok(f) = crate::freq::freq_table(dataset, &freq_spec) else {
                continue;
            };
            let n_other = if transposed { n_r } else { n_c };
            if f.rows.len() != n_other {
                continue;
            }
            known.push(vec![if transposed {
                Part::Col(option)
            } else {
                Part::Row(option)
            }]);
            for (other, row) in f.rows.iter().enumerate() {
                if row.count.is_some() {
                    known.push(vec![cell(option, other)]);
                }
            }
            if f.top_two.as_ref().is_some_and(|t| t.count.is_some()) && n_other >= 2 {
                known.push(vec![cell(option, n_other - 2), cell(option, n_other - 1)]);
            }
        }
    }
    known
}

/// The crosstab's pattern completed against the one-option views' tables (see
/// [`shown_by_one_option_views`]): every number they show is added as a known sum
/// of this table's numbers, and cells are withheld on top of `withheld` until every
/// small count is protected again. Starting from the pattern the views around this
/// one assumed, and only adding to it, keeps their assumptions true.
fn known_apart(
    layout: &Layout,
    withheld: Vec<bool>,
    shown_apart: &[Vec<Part>],
    (cell_entries, row_entries, col_entries): (&[Vec<usize>], &[usize], &[usize]),
    k: usize,
) -> Result<Vec<bool>, crate::disclosure::Unprotectable> {
    if k == 0 || shown_apart.is_empty() {
        return Ok(withheld);
    }
    let mut with_known = layout.clone();
    for parts in shown_apart {
        let entries: Vec<usize> = parts
            .iter()
            .map(|&p| match p {
                Part::Cell(i, j) => cell_entries[i][j],
                Part::Row(i) => row_entries[i],
                Part::Col(j) => col_entries[j],
            })
            .collect();
        let n = entries.iter().map(|&e| with_known.entries[e].n).sum();
        let key = with_known.entries[entries[0]].key;
        let known = with_known.push(n, Role::Known, key);
        with_known.sum(known, entries);
    }
    // A count the one-option tables pin between them, whatever this table withholds,
    // is theirs to answer for: refusing this table would hide nothing.
    let everything: Vec<bool> = with_known
        .entries
        .iter()
        .map(|e| matches!(e.role, Role::Cell | Role::Hidden))
        .collect();
    for i in 0..layout.entries.len() {
        let e = &with_known.entries[i];
        if everything[i] && !e.nonresponse && ((1..k).contains(&e.n) || e.flagged) {
            let (lo, hi) = crate::disclosure::lp::range(&with_known, &everything, i);
            with_known.entries[i].given_away = hi - lo < 0.5;
        }
    }
    let mut already = withheld;
    already.resize(with_known.entries.len(), false);
    let mut all = crate::disclosure::protect_from(&with_known, k, &already)?;
    all.truncate(layout.entries.len());
    Ok(all)
}

/// What the margins say about the cells: a single-choice side partitions the
/// respondents, so the other side's totals add up across it; a multi-select side only
/// bounds them.
#[allow(clippy::too_many_arguments)]
fn crosstab_layout(
    row_side: &Side,
    col_side: &Side,
    (qr, qc): (usize, usize),
    cells: &[Vec<Tally>],
    row_totals: &[Tally],
    col_totals: &[Tally],
    total: &Tally,
    (row_freq, col_freq): (&[usize], &[usize]),
    beside: &[Beside; 2],
    k: usize,
) -> (Layout, CrosstabEntries) {
    let (n_r, n_c) = (row_totals.len(), col_totals.len());
    let mut layout = Layout::default();
    let cell_entries: Vec<Vec<usize>> = (0..n_r)
        .map(|i| {
            (0..n_c)
                .map(|j| layout.push(cells[i][j].n, Role::Cell, key2((qr, i), (qc, j))))
                .collect()
        })
        .collect();
    let row_entries: Vec<usize> = (0..n_r)
        .map(|i| layout.push(row_totals[i].n, Role::Cell, key1(qr, i)))
        .collect();
    let col_entries: Vec<usize> = (0..n_c)
        .map(|j| layout.push(col_totals[j].n, Role::Cell, key1(qc, j)))
        .collect();
    let total_entry = layout.push(total.n, Role::Fixed, [(usize::MAX, usize::MAX); 2]);
    for i in 0..n_r {
        if col_side.multi {
            for &e in &cell_entries[i] {
                layout.at_most(e, row_entries[i]);
            }
        } else {
            layout.sum(row_entries[i], cell_entries[i].clone());
        }
    }
    for j in 0..n_c {
        if row_side.multi {
            for row in &cell_entries {
                layout.at_most(row[j], col_entries[j]);
            }
        } else {
            layout.sum(col_entries[j], cell_entries.iter().map(|row| row[j]).collect());
        }
    }
    if row_side.multi {
        for &e in &row_entries {
            layout.at_most(e, total_entry);
        }
    } else {
        layout.sum(total_entry, row_entries.clone());
    }
    if col_side.multi {
        for &e in &col_entries {
            layout.at_most(e, total_entry);
        }
    } else {
        layout.sum(total_entry, col_entries.clone());
    }
    // The page shows each question's frequency table beside the crosstab. An option's
    // count there is its margin here plus the respondents who chose it but did not
    // answer the other question. Every count that table may show (0, or k and more) is
    // taken as known; its small ones, which it always withholds, as unknown and
    // protected here too. That keeps the difference from pinning a margin or a cell.
    // The difference itself is item nonresponse, which records no answer: it stays in
    // the arithmetic but is not protected, or a few skipped answers in every group
    // would withhold every base of the crosstab.
    //
    // Where the table beside is known exactly, its counts are known as it shows them
    // (a complement it withholds stays unknown, and is then tied to the rest by the
    // options adding up to its answered base, which it shows): taking a withheld
    // complement as known would let the crosstab show a margin that the table beside
    // withholds.
    let sides = [
        (row_freq, &row_entries, qr, &beside[0], row_side.multi),
        (col_freq, &col_entries, qc, &beside[1], col_side.multi),
    ];
    for (freq, entries, q, beside, multi) in sides {
        let mut options = Vec::with_capacity(freq.len());
        for (option_idx, (&n, &margin)) in freq.iter().zip(entries.iter()).enumerate() {
            let shown = match &beside.shown {
                Some(shown) => shown[option_idx],
                None => n == 0 || n >= k,
            };
            let known = layout.push(
                n,
                if shown { Role::Known } else { Role::Hidden },
                key2((q, option_idx), (usize::MAX, 1)),
            );
            let missing_n = n - layout.entries[margin].n;
            let key = key2((q, option_idx), (usize::MAX, 2));
            let other_missing = if beside.other_answered_by_filter && missing_n == 0 {
                layout.push(0, Role::Known, key)
            } else {
                layout.push_nonresponse(missing_n, key)
            };
            layout.sum(known, vec![margin, other_missing]);
            options.push(known);
        }
        // Every layout of this crosstab has the same entries (the groups' counts are
        // laid over the view's), so the base is there even where it is not known.
        if !multi {
            let answered: usize = freq.iter().sum();
            let role = if beside.shown.is_some() && (answered == 0 || answered >= k) {
                Role::Known
            } else {
                Role::Hidden
            };
            let base = layout.push(answered, role, key2((q, usize::MAX - 4), (usize::MAX, 1)));
            layout.sum(base, options);
        }
    }
    (layout, (cell_entries, row_entries, col_entries))
}

/// Per-option chi-square tests for a multi-select side, Holm-adjusted together.
fn multi_tests(
    row_side: &Side,
    col_side: &Side,
    view: &View,
    scale: f64,
    cell_entries: &[Vec<usize>],
    withheld_somebody: &[bool],
    any_margin_withheld: bool,
) -> OptionTests {
    // Each test is a table of respondents: (selected this option or not) by the other
    // side's categories, or by (selected that option or not) when both are multi.
    struct Test {
        option: String,
        observed: Vec<Vec<f64>>,
        entries: Vec<usize>,
    }
    let respondents: Vec<(usize, Vec<usize>, Vec<usize>)> = view
        .rows()
        .filter_map(|r| match (row_side.options_of(r), col_side.options_of(r)) {
            (Some(a), Some(b)) => Some((r, a, b)),
            _ => None,
        })
        .collect();
    let mut tests = Vec::new();
    let n_r = row_side.labels.len();
    let n_c = col_side.labels.len();
    let w = |r: usize| view.weight(r) * scale;
    if row_side.multi && col_side.multi {
        for i in 0..n_r {
            for j in 0..n_c {
                let mut observed = vec![vec![0.0; 2]; 2];
                for (r, a, b) in &respondents {
                    let r = *r;
                    observed[usize::from(!a.contains(&i))][usize::from(!b.contains(&j))] += w(r);
                }
                tests.push(Test {
                    option: format!("{} × {}", row_side.labels[i], col_side.labels[j]),
                    observed,
                    entries: vec![cell_entries[i][j]],
                });
            }
        }
    } else if row_side.multi {
        for i in 0..n_r {
            let mut observed = vec![vec![0.0; n_c]; 2];
            for (r, a, b) in &respondents {
                let r = *r;
                for &j in b {
                    observed[usize::from(!a.contains(&i))][j] += w(r);
                }
            }
            tests.push(Test {
                option: row_side.labels[i].clone(),
                observed,
                entries: cell_entries[i].clone(),
            });
        }
    } else {
        for j in 0..n_c {
            let mut observed = vec![vec![0.0; 2]; n_r];
            for (r, a, b) in &respondents {
                let r = *r;
                for &i in a {
                    observed[i][usize::from(!b.contains(&j))] += w(r);
                }
            }
            tests.push(Test {
                option: col_side.labels[j].clone(),
                observed,
                entries: cell_entries.iter().map(|row| row[j]).collect(),
            });
        }
    }
    let results: Vec<Option<(f64, usize, f64)>> = tests
        .iter()
        .map(|t| pearson(&t.observed).map(|(s, df, p, ..)| (s, df, p)))
        .collect();
    let tested: Vec<usize> = (0..tests.len()).filter(|&i| results[i].is_some()).collect();
    let adjusted = holm(
        &tested
            .iter()
            .map(|&i| results[i].map_or(1.0, |r| r.2))
            .collect::<Vec<_>>(),
    );
    let mut p_holm = vec![None; tests.len()];
    for (pos, &i) in tested.iter().enumerate() {
        p_holm[i] = Some(adjusted[pos]);
    }
    OptionTests {
        method: "Pearson chi-square per option (selected or not), p-values Holm-adjusted across options",
        tests: tests
            .iter()
            .enumerate()
            .map(|(idx, t)| {
                let hide = (results[idx].is_some_and(|r| r.1 == 1) || any_margin_withheld)
                    && t.entries.iter().any(|&e| withheld_somebody[e]);
                let r = results[idx].filter(|_| !hide);
                OptionTest {
                    option: t.option.clone(),
                    statistic: r.map(|r| r.0),
                    df: results[idx].map_or(0, |r| r.1),
                    p: r.map(|r| r.2),
                    p_holm: p_holm[idx].filter(|_| !hide),
                }
            })
            .collect(),
    }
}
