//! Frequency tables: how many respondents gave each answer to one question.
//!
//! Every table states its base: which respondents the percentages are of, and how many
//! there were. Respondents who were not asked, left the question blank or declined are
//! counted apart and never folded into an answer.
//!
//! One function, [`freq_table`], serves every closed kind: categories and scales
//! (with top-2-box and diverging-bar data for ordinal and grid items), multi-select
//! (percent of respondents by default, of selections on request, and the respondents
//! who selected nothing), and numbers (histogram bins, top-coded answers as bins of
//! their own). Every table is computed over a filtered, optionally weighted view and
//! passed through disclosure control; [`frequencies`] is the raw form for one's own data.

use crate::dataset::{
    Bitset, Categorical, CategoricalCell, Column, Dataset, Missing, MultiSelect, NumericCell, QuestionKind,
};
use crate::disclosure::{key1, withheld_reasons, Layout, Role, WithheldReason, DEFAULT_K};
pub use crate::error::StatsError;
use crate::filter::Condition;
use crate::numeric::{bin_labels, bin_option, table_bins, BinRule};
use crate::view::{TableOptions, View};
use crate::weights::Tally;
use serde::{Deserialize, Serialize};
use std::ops::Bound;

/// The error of a frequency table; the same type as every other table's.
pub type FreqError = StatsError;

/// Which respondents the percentages are of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum BaseKind {
    /// Respondents who gave an answer (the default, as in most published reports).
    #[default]
    Answered,
    /// Respondents who were shown the question: answered, blank or declined.
    Asked,
    /// Every respondent in the view (the whole file when there is no filter).
    All,
}

impl BaseKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BaseKind::Answered => "answered",
            BaseKind::Asked => "asked",
            BaseKind::All => "all",
        }
    }
}

/// What multi-select percentages are of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum PercentOf {
    /// Respondents in the base: options can sum past 100%, since one respondent may
    /// select several. The default, because it answers "how many people chose this".
    #[default]
    Respondents,
    /// All selections made: options sum to 100%.
    Selections,
}

impl PercentOf {
    pub fn as_str(self) -> &'static str {
        match self {
            PercentOf::Respondents => "respondents",
            PercentOf::Selections => "selections",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub struct Base {
    pub kind: BaseKind,
    /// Respondents in the base, weighted when a weight is given.
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
    /// Why the count is withheld; absent when it is shown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withheld: Option<WithheldReason>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MissingCount {
    pub reason: Missing,
    pub count: f64,
}

/// A frequency table. `None` counts, percents and intervals are withheld by
/// disclosure control or genuinely zero; the two look the same on purpose.
///
/// Fields after `respondents` were added later; they default when reading JSON that
/// lacks them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Frequencies {
    pub question: String,
    pub text: String,
    pub base: Base,
    pub rows: Vec<FreqRow>,
    /// Missing reasons with a count that may be shown; a withheld one is left out like
    /// a reason nobody gave.
    pub missing: Vec<MissingCount>,
    /// What percentages are of: "respondents" (multi-select options may then sum past
    /// 100) or "selections".
    pub percent_of: String,
    /// Respondents in the view, unweighted.
    pub respondents: usize,
    #[serde(default)]
    pub kind: String,
    /// The disclosure threshold this table obeys; 0 when control is off.
    #[serde(default)]
    pub k: usize,
    #[serde(default)]
    pub weighted: bool,
    /// Kish's effective size of the base, used by every interval.
    #[serde(default)]
    pub effective_n: f64,
    /// Multi-select only: respondents who answered and selected nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selected_none: Option<FreqRow>,
    /// Ordinal and grid items with three or more levels: the top two levels together.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_two: Option<FreqRow>,
    /// Ordinal and grid items: bar segments of a diverging chart, in scale order.
    /// Absent when any level is withheld, since the offsets would reveal it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diverging: Option<Vec<DivergingSegment>>,
    /// Numeric questions: how the bins were chosen and their edges.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bins: Option<Bins>,
    /// The respondents a base of those asked or of everyone counts without an answer,
    /// as rows after the answers ("(no answer)", "(prefer not to answer)", "(not
    /// asked)"): the percentages are of them too, so the table shows them. Reasons
    /// nobody gave, and withheld ones, are left out as in `missing`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub base_rows: Vec<FreqRow>,
    /// Every count (bases and `respondents` too) is perturbed by the cell-key method
    /// rather than suppressed; percentages are of the perturbed counts.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub perturbed: bool,
}

/// One level's bar in a diverging stacked chart, in percent of the base: levels below
/// the scale's middle extend left of zero, levels above it right, and a middle level
/// straddles zero.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DivergingSegment {
    pub option: String,
    pub start: f64,
    pub end: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bins {
    pub rule: BinRule,
    pub edges: Vec<f64>,
}

/// 1.96, the two-sided 95% normal quantile, to the precision Wilson intervals need.
const Z_95: f64 = 1.959_963_984_540_054;

/// Wilson score interval for `count` successes out of `n`, as percentages.
pub fn wilson_interval(count: f64, n: f64) -> Option<[f64; 2]> {
    if n <= 0.0 || !count.is_finite() || !n.is_finite() {
        return None;
    }
    let p = (count / n).clamp(0.0, 1.0);
    let z2 = Z_95 * Z_95;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = Z_95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / (1.0 + z2 / n);
    Some([100.0 * (centre - half).max(0.0), 100.0 * (centre + half).min(1.0)])
}

/// A share of a weighted base with its interval: the interval uses the base's
/// effective size, so weighting widens it.
pub(crate) fn share(part: &Tally, base: &Tally) -> (Option<f64>, Option<[f64; 2]>) {
    if base.weight <= 0.0 {
        return (None, None);
    }
    // A part perturbed past its separately perturbed base shows as all of it.
    let p = (part.weight / base.weight).min(1.0);
    let n_eff = base.effective_n();
    (Some(100.0 * p), wilson_interval(p * n_eff, n_eff))
}

/// What to count and how.
#[derive(Debug, Clone, PartialEq)]
pub struct FreqSpec {
    pub question_idx: usize,
    pub base: BaseKind,
    pub percent_of: PercentOf,
    /// Numeric questions: a bin width instead of the default rule.
    pub bin_width: Option<f64>,
    pub options: TableOptions,
}

impl FreqSpec {
    /// Answered base, percent of respondents, default bins, no filter or weight, k = 10.
    pub fn new(question_idx: usize) -> Self {
        FreqSpec {
            question_idx,
            base: BaseKind::Answered,
            percent_of: PercentOf::Respondents,
            bin_width: None,
            options: TableOptions {
                k: DEFAULT_K,
                ..TableOptions::default()
            },
        }
    }
}

/// Counts the answers to question `question_idx` with no filter, no weight and no
/// disclosure control: the raw table for a team's own data.
pub fn frequencies(dataset: &Dataset, question_idx: usize, base_kind: BaseKind) -> Result<Frequencies, FreqError> {
    freq_table(
        dataset,
        &FreqSpec {
            base: base_kind,
            options: TableOptions::raw(),
            ..FreqSpec::new(question_idx)
        },
    )
}

/// Counts over the view, with the option labels and their tallies.
struct Counted {
    labels: Vec<String>,
    options: Vec<Tally>,
    missing: [Tally; 3],
    /// Multi-select: answered with nothing selected, and answered with something.
    none: Option<(Tally, Tally)>,
    bins: Option<Bins>,
}

/// Which options the view's own filter leaves empty whatever the data: the levels a
/// condition on this question does not name, and the bins (and top-coded answers) a
/// range on it excludes. Anyone reading the filter knows these are zero.
fn forced_zeros(dataset: &Dataset, spec: &FreqSpec, c: &Counted) -> Vec<bool> {
    let mut forced = vec![false; c.options.len()];
    let q = spec.question_idx;
    let Some(question) = dataset.question(q) else {
        return forced;
    };
    for condition in spec.options.filter.conditions.iter().filter(|c| c.question_idx() == q) {
        match (condition, &question.column, &c.bins) {
            (Condition::AnyOf { options, values, .. }, Column::Categorical(_), _) if values.is_empty() => {
                for (i, f) in forced.iter_mut().enumerate() {
                    *f |= !options.contains(&i);
                }
            }
            (Condition::Range { lower, upper, .. }, Column::Numeric(col), Some(bins)) => {
                let n_bins = bins.edges.len().saturating_sub(1);
                let coded = col.coded_labels();
                for (i, f) in forced.iter_mut().enumerate() {
                    // A top-coded answer ("90 or older") the range wholly excludes.
                    let excluded = if i >= n_bins {
                        coded
                            .get(i - n_bins)
                            .is_some_and(|label| crate::filter::top_code_in_range(label, *lower, *upper) == Some(false))
                    } else {
                        let (from, to) = (bins.edges[i], bins.edges[i + 1]);
                        let below = match lower {
                            // A bin ending at an included lower bound may hold it (the last
                            // bin is closed), so only bins ending before it are excluded.
                            Bound::Included(l) => to < *l,
                            Bound::Excluded(l) => to <= *l,
                            Bound::Unbounded => false,
                        };
                        let above = match upper {
                            Bound::Included(u) => from > *u,
                            Bound::Excluded(u) => from >= *u,
                            Bound::Unbounded => false,
                        };
                        below || above
                    };
                    *f |= excluded;
                }
            }
            _ => {}
        }
    }
    forced
}

/// Counts over `view`.
fn count(dataset: &Dataset, spec: &FreqSpec, view: &View) -> Result<Counted, StatsError> {
    let question = dataset
        .question(spec.question_idx)
        .ok_or_else(|| StatsError::NoSuchQuestion(format!("@{}", spec.question_idx + 1)))?;
    let mut missing = [Tally::default(); 3];
    let counted = match &question.column {
        Column::Categorical(col) => {
            let n_levels = col.levels().len();
            let mut options = vec![Tally::default(); n_levels];
            let codes = col.codes();
            if view.is_weighted() {
                view.for_each_row(|row_idx| {
                    let w = view.weight(row_idx);
                    match Categorical::decode(codes[row_idx]) {
                        CategoricalCell::Level(level_idx) => options[level_idx as usize].add(w),
                        CategoricalCell::Missing(m) => missing[m as usize].add(w),
                    }
                });
            } else {
                // Plain counts per code slot (levels, then the missing codes counted
                // down from u16::MAX), turned into tallies once.
                let mut slots = vec![0usize; n_levels + 3];
                view.for_each_row(|row_idx| {
                    let code = codes[row_idx] as usize;
                    slots[if code < n_levels {
                        code
                    } else {
                        n_levels + (u16::MAX as usize - code)
                    }] += 1;
                });
                for (t, &n) in options.iter_mut().zip(&slots) {
                    *t = Tally::unit(n);
                }
                for m in Missing::ALL {
                    let code = Categorical::code_for(CategoricalCell::Missing(m)) as usize;
                    missing[m as usize] = Tally::unit(slots[n_levels + (u16::MAX as usize - code)]);
                }
            }
            Counted {
                labels: col.levels().to_vec(),
                options,
                missing,
                none: None,
                bins: None,
            }
        }
        Column::Multi(col) => {
            let mut options = vec![Tally::default(); col.options().len()];
            let (mut none, mut any) = (Tally::default(), Tally::default());
            match view.mask().filter(|_| !view.is_weighted()) {
                Some(mask) => count_multi_words(col, mask, &mut options, &mut missing, &mut none, &mut any),
                None => view.for_each_row(|row_idx| {
                    let w = view.weight(row_idx);
                    if let Some(m) = col.missing(row_idx) {
                        missing[m as usize].add(w);
                        return;
                    }
                    let mut selected_any = false;
                    for (opt_idx, tally) in options.iter_mut().enumerate() {
                        if col.selected(opt_idx).contains(row_idx) {
                            tally.add(w);
                            selected_any = true;
                        }
                    }
                    if selected_any {
                        any.add(w);
                    } else {
                        none.add(w);
                    }
                }),
            }
            Counted {
                labels: col.options().to_vec(),
                options,
                missing,
                none: Some((none, any)),
                bins: None,
            }
        }
        Column::Numeric(col) => {
            // Edges come from the whole dataset, so every view of this question (and
            // every wider view it is compared with) is binned alike.
            let (rule, edges) = table_bins(question, spec.bin_width, view.k)?;
            let labels = bin_labels(&edges, col.coded_labels());
            let mut options = vec![Tally::default(); labels.len()];
            let cells = col.cells();
            if view.is_weighted() {
                view.for_each_row(|row_idx| {
                    let w = view.weight(row_idx);
                    let cell = cells[row_idx];
                    match (bin_option(cell, &edges), cell) {
                        (Some(option_idx), _) => options[option_idx].add(w),
                        (None, NumericCell::Missing(m)) => missing[m as usize].add(w),
                        // Edges span every value in the dataset, so a value always has a bin.
                        (None, _) => {}
                    }
                });
            } else {
                // Plain counts per option, then per missing reason, turned into tallies
                // once (as for a single choice).
                let n_options = labels.len();
                let mut slots = vec![0usize; n_options + Missing::ALL.len()];
                view.for_each_row(|row_idx| {
                    let cell = cells[row_idx];
                    match (bin_option(cell, &edges), cell) {
                        (Some(option_idx), _) => slots[option_idx] += 1,
                        (None, NumericCell::Missing(m)) => slots[n_options + m as usize] += 1,
                        (None, _) => {}
                    }
                });
                for (t, &n) in options.iter_mut().zip(&slots) {
                    *t = Tally::unit(n);
                }
                for m in Missing::ALL {
                    missing[m as usize] = Tally::unit(slots[n_options + m as usize]);
                }
            }
            Counted {
                labels,
                options,
                missing,
                none: None,
                bins: Some(Bins { rule, edges }),
            }
        }
        Column::Text(_) => {
            return Err(StatsError::NotCountable {
                question: question.id.clone(),
                kind: question.kind.as_str(),
            })
        }
    };
    Ok(counted)
}

/// Unweighted multi-select counts over a bitset view, 64 respondents a word: each
/// option's count is the popcount of its bitset within the view's answered rows, and
/// "selected none" those answered rows outside every option.
fn count_multi_words(
    col: &MultiSelect,
    mask: &Bitset,
    options: &mut [Tally],
    missing: &mut [Tally; 3],
    none: &mut Tally,
    any: &mut Tally,
) {
    let cells = col.missing_cells();
    let mut option_counts = vec![0usize; options.len()];
    let mut missing_counts = [0usize; 3];
    let (mut none_n, mut any_n) = (0usize, 0usize);
    for (word_idx, &in_view) in mask.words().iter().enumerate() {
        if in_view == 0 {
            continue;
        }
        let start = word_idx * 64;
        let mut missing_word = 0u64;
        for (bit, cell) in cells[start..(start + 64).min(cells.len())].iter().enumerate() {
            if let Some(m) = cell {
                if in_view & (1 << bit) != 0 {
                    missing_counts[*m as usize] += 1;
                }
                missing_word |= 1 << bit;
            }
        }
        let answered = in_view & !missing_word;
        let mut selected_any = 0u64;
        for (opt_idx, n) in option_counts.iter_mut().enumerate() {
            let selected = col.selected(opt_idx).words()[word_idx] & answered;
            *n += selected.count_ones() as usize;
            selected_any |= selected;
        }
        any_n += selected_any.count_ones() as usize;
        none_n += (answered & !selected_any).count_ones() as usize;
    }
    for (t, n) in options.iter_mut().zip(option_counts) {
        *t = Tally::unit(n);
    }
    for (t, n) in missing.iter_mut().zip(missing_counts) {
        *t = Tally::unit(n);
    }
    *none = Tally::unit(none_n);
    *any = Tally::unit(any_n);
}

fn sum_tallies<'a>(tallies: impl IntoIterator<Item = &'a Tally>) -> Tally {
    let mut total = Tally::default();
    for t in tallies {
        total.merge(t);
    }
    total
}

/// Counts the answers to one question over a filtered, weighted view, with the base
/// the spec asks for and disclosure control at the spec's k.
pub fn freq_table(dataset: &Dataset, spec: &FreqSpec) -> Result<Frequencies, StatsError> {
    let question = dataset
        .question(spec.question_idx)
        .ok_or_else(|| StatsError::NoSuchQuestion(format!("@{}", spec.question_idx + 1)))?;
    let view = View::new(dataset, &spec.options)?;
    let k = view.k;
    let c = count(dataset, spec, &view)?;
    let is_multi = c.none.is_some();
    if spec.percent_of == PercentOf::Selections && !is_multi {
        return Err(StatsError::WrongKind {
            question: question.id.clone(),
            kind: question.kind.as_str(),
            needed: "a multi-select question for percent of selections",
        });
    }
    let base_tally = base_of(spec, &c, &view.universe);
    if k > 0 && base_tally.n < k {
        return Err(StatsError::BaseTooSmall {
            question: question.id.clone(),
            k,
        });
    }

    // "Top two" and diverging bars sum the top of a scale; a list ending in "Other" or
    // "Don't know" is not one (Doctorate + Other is no finding, and publishing it
    // costs a cell to disclosure control).
    let is_scale = matches!(question.kind, QuestionKind::Ordinal | QuestionKind::Grid)
        && !is_multi
        && !c.labels.iter().any(|label| crate::load::scales::is_off_scale(label));
    let n_levels = c.options.len();
    let (mut layout, entries) = freq_layout(spec, is_scale, &c, view.universe.n, k);
    for (&e, forced) in entries.options.iter().zip(forced_zeros(dataset, spec, &c)) {
        layout.entries[e].forced_zero = forced;
    }
    let withheld = view.protect(
        &layout,
        &|other| {
            let counted = count(dataset, spec, other)?;
            Ok(freq_layout(spec, is_scale, &counted, other.universe.n, k).0)
        },
        &|| format!("the frequencies of {:?} with base {}", question.id, spec.base.as_str()),
    )?;
    let reasons = withheld_reasons(&layout, &withheld, k);
    let mut top_two_tally = sum_tallies(&c.options[n_levels.saturating_sub(2)..]);
    let mut universe = view.universe;
    let (c, base_tally) = match view.keyed(dataset.n_rows()) {
        None => (c, base_tally),
        Some(keyed) => {
            // Every number shown is a cell of its own, perturbed by its own key: bases
            // and sums are not the sums of perturbed parts.
            let keys = count(dataset, spec, &keyed)?;
            let universe_keys = sum_tallies(keys.options.iter().chain(&keys.missing));
            let universe_keys = match keys.none {
                Some((none, any)) => sum_tallies([&none, &any].into_iter().chain(&keys.missing)),
                None => universe_keys,
            };
            let base = view.shown(&base_tally, Some(&base_of(spec, &keys, &universe_keys)));
            top_two_tally = view.shown(
                &top_two_tally,
                Some(&sum_tallies(&keys.options[n_levels.saturating_sub(2)..])),
            );
            universe = view.shown(&universe, Some(&universe_keys));
            (perturbed_counts(&view, c, &keys), base)
        }
    };
    let FreqEntries {
        options: option_entries,
        missing: missing_entries,
        none: none_entry,
        top_two: top_two_entry,
    } = entries;

    let row = |option: String, tally: &Tally, entry: usize| -> FreqRow {
        if withheld[entry] {
            return FreqRow {
                option,
                count: None,
                percent: None,
                ci: None,
                withheld: reasons[entry],
            };
        }
        let (percent, ci) = share(tally, &base_tally);
        FreqRow {
            option,
            count: Some(tally.weight),
            percent,
            ci,
            withheld: None,
        }
    };
    let rows: Vec<FreqRow> = c
        .labels
        .iter()
        .zip(&c.options)
        .zip(&option_entries)
        .map(|((label, tally), &e)| row(label.clone(), tally, e))
        .collect();
    let missing = Missing::ALL
        .iter()
        .filter(|&&reason| c.missing[reason as usize].n > 0 && !withheld[missing_entries[reason as usize]])
        .map(|&reason| MissingCount {
            reason,
            count: c.missing[reason as usize].weight,
        })
        .collect();
    let in_base: &[Missing] = match (spec.percent_of, spec.base) {
        (PercentOf::Selections, _) | (_, BaseKind::Answered) => &[],
        (_, BaseKind::Asked) => &[Missing::NoAnswer, Missing::Declined],
        (_, BaseKind::All) => &[Missing::NoAnswer, Missing::Declined, Missing::NotAsked],
    };
    let base_rows = in_base
        .iter()
        .filter(|&&reason| c.missing[reason as usize].n > 0 && !withheld[missing_entries[reason as usize]])
        .map(|&reason| {
            let entry = missing_entries[reason as usize];
            row(format!("({})", reason.label()), &c.missing[reason as usize], entry)
        })
        .collect();
    let selected_none = match (c.none, none_entry) {
        (Some((none, _)), Some(e)) => Some(row("selected none".into(), &none, e)),
        _ => None,
    };
    let top_two = top_two_entry.map(|e| {
        row(
            format!("top 2: {} + {}", c.labels[n_levels - 2], c.labels[n_levels - 1]),
            &top_two_tally,
            e,
        )
    });
    let diverging = if is_scale { diverging_segments(&rows) } else { None };
    Ok(Frequencies {
        question: question.id.clone(),
        text: question.text.clone(),
        base: Base {
            kind: spec.base,
            n: base_tally.weight,
        },
        rows,
        missing,
        percent_of: spec.percent_of.as_str().to_string(),
        respondents: universe.n,
        kind: question.kind.as_str().to_string(),
        k,
        weighted: spec.options.weight_idx.is_some(),
        effective_n: base_tally.effective_n(),
        selected_none,
        top_two,
        diverging,
        bins: c.bins,
        base_rows,
        perturbed: view.cell_key.is_some(),
    })
}

/// The tally percentages are of: the base the spec asks for, from counts `c` over a
/// view whose own tally is `universe`.
fn base_of(spec: &FreqSpec, c: &Counted, universe: &Tally) -> Tally {
    let [_, no_answer, declined] = c.missing;
    let answered = match c.none {
        Some((none, any)) => sum_tallies([&none, &any]),
        None => sum_tallies(&c.options),
    };
    match (spec.percent_of, spec.base) {
        (PercentOf::Selections, _) => sum_tallies(&c.options),
        (_, BaseKind::Answered) => answered,
        (_, BaseKind::Asked) => sum_tallies([&answered, &no_answer, &declined]),
        (_, BaseKind::All) => *universe,
    }
}

/// Counts `c` as the cell-key method shows them, given the same counts over the keyed
/// view.
fn perturbed_counts(view: &View, c: Counted, keys: &Counted) -> Counted {
    let each = |tallies: &[Tally], keys: &[Tally]| -> Vec<Tally> {
        tallies.iter().zip(keys).map(|(t, k)| view.shown(t, Some(k))).collect()
    };
    let missing = each(&c.missing, &keys.missing);
    Counted {
        options: each(&c.options, &keys.options),
        missing: [missing[0], missing[1], missing[2]],
        none: match (c.none, keys.none) {
            (Some((none, any)), Some((kn, ka))) => Some((view.shown(&none, Some(&kn)), view.shown(&any, Some(&ka)))),
            (none, _) => none,
        },
        ..c
    }
}

/// Where each shown number of a frequency table sits in its disclosure layout.
struct FreqEntries {
    options: Vec<usize>,
    missing: Vec<usize>,
    none: Option<usize>,
    top_two: Option<usize>,
}

/// The arithmetic a reader can do with what a frequency table shows: options add up
/// to the answered base, bases nest inside one another (answered within asked within
/// the view), multi-select options are bounded by those who selected anything, and the
/// top two levels add up.
fn freq_layout(spec: &FreqSpec, is_scale: bool, c: &Counted, universe_n: usize, k: usize) -> (Layout, FreqEntries) {
    let q = spec.question_idx;
    let n_of = |tallies: &[Tally]| tallies.iter().map(|t| t.n).sum::<usize>();
    let answered_n = match c.none {
        Some((none, any)) => none.n + any.n,
        None => n_of(&c.options),
    };
    let asked_n = answered_n + c.missing[Missing::NoAnswer as usize].n + c.missing[Missing::Declined as usize].n;
    let mut layout = Layout::default();
    let option_entries: Vec<usize> = c
        .options
        .iter()
        .enumerate()
        .map(|(i, t)| layout.push(t.n, Role::Cell, key1(q, i)))
        .collect();
    let missing_entries: Vec<usize> = c
        .missing
        .iter()
        .enumerate()
        .map(|(r, t)| layout.push(t.n, Role::Cell, key1(q, usize::MAX - 3 + r)))
        .collect();
    // Every base a reader could ask for (answered, asked, the selections total) is
    // taken as shown whenever a table with that base would be, whichever base this
    // table states: the same counts under another base must be withheld alike, or the
    // two tables together would give a cell away.
    let role_of = |n: usize| if n == 0 || n >= k { Role::Fixed } else { Role::Hidden };
    let answered_entry = layout.push(answered_n, role_of(answered_n), key1(q, usize::MAX - 4));
    let asked_entry = layout.push(asked_n, role_of(asked_n), key1(q, usize::MAX - 5));
    // The view's size is always shown (as `respondents`).
    let universe_entry = layout.push(universe_n, Role::Fixed, key1(q, usize::MAX - 6));
    layout.sum(
        asked_entry,
        vec![
            answered_entry,
            missing_entries[Missing::NoAnswer as usize],
            missing_entries[Missing::Declined as usize],
        ],
    );
    layout.sum(
        universe_entry,
        vec![asked_entry, missing_entries[Missing::NotAsked as usize]],
    );
    let mut none_entry = None;
    if let Some((none, any)) = c.none {
        let n_entry = layout.push(none.n, Role::Cell, key1(q, usize::MAX - 7));
        let any_entry = layout.push(any.n, Role::Hidden, key1(q, usize::MAX - 8));
        layout.sum(answered_entry, vec![n_entry, any_entry]);
        for &o in &option_entries {
            layout.at_most(o, any_entry);
        }
        // Percent of selections reveals the selections total through any shown percent.
        let selections_n = n_of(&c.options);
        let sel_entry = layout.push(selections_n, role_of(selections_n), key1(q, usize::MAX - 9));
        layout.sum(sel_entry, option_entries.clone());
        none_entry = Some(n_entry);
    } else {
        layout.sum(answered_entry, option_entries.clone());
    }
    let n_levels = c.options.len();
    let mut top_two_entry = None;
    if is_scale && n_levels >= 3 {
        let t2 = c.options[n_levels - 2].n + c.options[n_levels - 1].n;
        let e = layout.push(t2, Role::Cell, key1(q, usize::MAX - 10));
        layout.sum(e, option_entries[n_levels - 2..].to_vec());
        top_two_entry = Some(e);
    }
    (
        layout,
        FreqEntries {
            options: option_entries,
            missing: missing_entries,
            none: none_entry,
            top_two: top_two_entry,
        },
    )
}

/// Places each level of a scale for a diverging stacked bar: the lower half of the
/// levels left of zero, the upper half right of it, an odd middle level centred on
/// zero. `None` when any percent is withheld.
pub fn diverging_segments(rows: &[FreqRow]) -> Option<Vec<DivergingSegment>> {
    let percents: Vec<f64> = rows.iter().map(|r| r.percent).collect::<Option<_>>()?;
    let m = percents.len();
    let half = m / 2;
    let middle = (m % 2 == 1).then_some(half);
    let centre_half = middle.map_or(0.0, |i| percents[i] / 2.0);
    let mut segments = vec![(0.0, 0.0); m];
    if let Some(i) = middle {
        segments[i] = (-centre_half, centre_half);
    }
    let mut edge = -centre_half;
    for i in (0..half).rev() {
        segments[i] = (edge - percents[i], edge);
        edge -= percents[i];
    }
    let mut edge = centre_half;
    for i in (m - half)..m {
        segments[i] = (edge, edge + percents[i]);
        edge += percents[i];
    }
    Some(
        rows.iter()
            .zip(segments)
            .map(|(r, (start, end))| DivergingSegment {
                option: r.option.clone(),
                start,
                end,
            })
            .collect(),
    )
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

    /// 20 Yes, 3 No and 12 no answer. With the answered base alone protected, n = 23
    /// was shown there and Yes = 20 under the asked base, so No = 23 - 20 = 3.
    #[test]
    fn switching_base_does_not_reveal_a_withheld_option() {
        let mut csv = String::from("ans,grp\n");
        for (answer, times) in [("Yes", 20), ("No", 3), ("", 12)] {
            csv += &format!("{answer},a\n").repeat(times);
        }
        let loaded = load(csv.as_bytes(), &LoadOptions::default()).unwrap();
        let idx = loaded.dataset.find("ans").unwrap();
        for base in [BaseKind::Answered, BaseKind::Asked, BaseKind::All] {
            let table = freq_table(
                &loaded.dataset,
                &FreqSpec {
                    base,
                    ..FreqSpec::new(idx)
                },
            )
            .unwrap();
            let counts: Vec<Option<f64>> = table.rows.iter().map(|r| r.count).collect();
            assert_eq!(counts, [None, None], "base {base:?}");
        }
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
        // An age question gets decades; 18 | 25 29 by hand.
        check(
            "age\n18\n25\n29\n",
            "age",
            BaseKind::Answered,
            "base Answered n=3\n10–20 1 33.3\n20–30 2 66.7",
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
