//! Sequential CART synthesis, as synthpop's `syn(method = "cart")` performs it.
//!
//! The questions are visited in order, quasi-identifiers first. The first variable is
//! drawn from its observed values; every later one from a tree fitted on the raw
//! rows with it as the response and the variables visited before it as predictors:
//! each synthetic row is dropped down the tree on its own synthetic values, and its
//! value is copied from a raw row drawn at random in the leaf it lands in (a donor).
//! Trees depend only on the raw data, so they are all grown first and any number of
//! rows can then be drawn from them.
//!
//! How each kind of question is modelled:
//! - categorical answers (missing reasons among the levels, so skip patterns are
//!   modelled as values): one classification tree;
//! - a multi-select: one binary variable per option, each conditioned on the options
//!   before it. The first option's levels carry the question's missing reasons; the
//!   others are fitted and drawn only among respondents who answered;
//! - a number: a classification tree for whether there is a number (and if not, why),
//!   then a regression tree over the rows with one. The donor's value is smoothed by
//!   a Gaussian kernel over the leaf's donors (bandwidth by R's `bw.nrd0`), kept in
//!   the observed range and rounded to the observed number of decimals;
//! - a ranking (rank items sharing a group): a tree for the first item, and the whole
//!   ranking copied from the same donor, so every synthetic ranking is a raw one;
//! - grid items are separate questions and get a tree each.
//!
//! A codebook's skip rules (`asked_if`) are enforced while drawing: a row the rule
//! says was not asked gets "not asked", and a row it says was asked draws among the
//! leaf's donors who were asked. The visit order puts every question a rule reads
//! before the question it governs.
//!
//! Rows in small shared groups may be replaced by rows drawn afresh: rows whose
//! quasi-identifiers fewer than three raw respondents and fewer than three synthetic
//! rows share. Replicated uniques (synthpop's `sdc(rm.replicated.uniq = TRUE)`) are the
//! smallest such groups; the others are what the smallest-group gate refuses.

use super::cart::{grow, Binned, Growth, Response, Tree, MAX_BINS};
use super::encoded::{encode, Encoded, Gap, Level, Part, Values};
use super::gates::GateLimits;
use crate::rng::Rng;
use canvass_core::codebook::{Codebook, Condition, Test};
use canvass_core::dataset::{Dataset, Missing, QuestionKind};
use std::collections::HashMap;

/// What to draw and how.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthOptions {
    /// Synthetic rows wanted.
    pub rows: usize,
    pub seed: u64,
    pub growth: Growth,
    /// Gaussian-kernel smoothing of numbers drawn from a leaf.
    pub smoothing: bool,
    /// Replace rows in small groups shared with the raw data on the quasi-identifiers
    /// (replicated uniques and groups of two; see the module's doc).
    pub remove_replicated_uniques: bool,
    /// The raw rows the trees are fitted on; `None` for all. Distance to closest
    /// record fits on half the rows and holds the other half out.
    pub fit_rows: Option<Vec<u32>>,
}

impl Default for SynthOptions {
    fn default() -> Self {
        SynthOptions {
            rows: 0,
            seed: 0,
            growth: Growth::default(),
            smoothing: true,
            remove_replicated_uniques: true,
            fit_rows: None,
        }
    }
}

/// A synthesis: the synthetic rows, encoded like the raw ones, and what was done.
#[derive(Debug, Clone, PartialEq)]
pub struct Synthesis {
    /// The raw questions' encoding, variables in file order.
    pub raw: Encoded,
    /// The synthetic rows, with the same variables in the same order. A categorical
    /// variable's levels start with the raw one's and may add a missing reason.
    pub synthetic: Encoded,
    /// The order the questions were visited in (indices into the dataset).
    pub visit: Vec<usize>,
    /// Replicated uniques found and replaced.
    pub replicated_uniques_replaced: usize,
    /// Rows short of the number asked for, when replacements ran out.
    pub rows_short: usize,
    /// Smallest leaf any tree drew from.
    pub smallest_leaf: usize,
}

/// Synthesises `questions` (indices into `raw`), visiting `quasi` first in the order
/// given and then the rest in file order. Free text, identifiers and dates are drawn
/// last and never used as predictors. `progress(done, total)` counts trees grown and
/// variables drawn.
pub fn synthesize(
    raw: &Dataset,
    questions: &[usize],
    quasi: &[usize],
    codebook: Option<&Codebook>,
    options: &SynthOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Synthesis {
    let visit = visit_order(raw, questions, quasi, codebook);
    let enc = encode(raw, &visit);
    let model = fit(raw, &enc, codebook, options, progress);
    let mut rng = Rng::new(options.seed);
    // Growing counts one step per variable, drawing the other half in proportion.
    let n_vars = enc.variables.len();
    let n_units = model.units.len().max(1);
    let mut drawn = draw(
        &model,
        &enc,
        options.rows,
        &mut rng,
        options.smoothing,
        &mut |unit_idx| {
            progress(n_vars + (unit_idx + 1) * n_vars / n_units, 2 * n_vars);
        },
    );
    let quasi_vars: Vec<usize> = (0..enc.variables.len())
        .filter(|&v| quasi.contains(&enc.variables[v].question_idx))
        .collect();
    let mut replaced = 0;
    let mut short = 0;
    if options.remove_replicated_uniques && !quasi_vars.is_empty() {
        // The smallest-group gate's limit: a combination fewer than this many real
        // people share is not reproduced by fewer than this many synthetic rows.
        let small = GateLimits::default().min_quasi_group;
        let raw_counts = key_counts(&enc, &quasi_vars, enc.n_rows);
        let syn_counts = key_counts_cols(&drawn, &quasi_vars, options.rows);
        let bad: Vec<usize> = (0..options.rows)
            .filter(|&row| {
                let key = row_key_cols(&drawn, &quasi_vars, row);
                let syn = syn_counts.get(&key).copied().unwrap_or(0);
                let raw = raw_counts.get(&key).copied().unwrap_or(0);
                syn < small && (1..small).contains(&raw)
            })
            .collect();
        replaced = bad.len();
        let mut keep: Vec<usize> = Vec::new();
        let mut bad_iter = bad.iter().peekable();
        for row in 0..options.rows {
            if bad_iter.peek() == Some(&&row) {
                bad_iter.next();
            } else {
                keep.push(row);
            }
        }
        let mut extra: Vec<(Cols, usize)> = Vec::new();
        let mut needed = bad.len();
        // A fresh row qualifies when its quasi-identifiers are shared by no raw
        // respondent or by many: it can never join a small shared group.
        for _ in 0..8 {
            if needed == 0 {
                break;
            }
            let batch = (needed * 2).max(16);
            let fresh = draw(&model, &enc, batch, &mut rng, options.smoothing, &mut |_| {});
            let mut taken = 0;
            for row in 0..batch {
                if taken == needed {
                    break;
                }
                let key = row_key_cols(&fresh, &quasi_vars, row);
                if !(1..small).contains(&raw_counts.get(&key).copied().unwrap_or(0)) {
                    extra.push((fresh.clone_row(row), 0));
                    taken += 1;
                }
            }
            needed -= taken;
        }
        short = needed;
        drawn = drawn.select(&keep);
        for (row, _) in extra {
            drawn.append(&row);
        }
    }
    let synthetic = drawn.into_encoded(&enc);
    let smallest_leaf = model.smallest_leaf;
    // Back to file order for writing and scoring.
    let mut order: Vec<usize> = (0..enc.variables.len()).collect();
    order.sort_by_key(|&v| (enc.variables[v].question_idx, part_rank(enc.variables[v].part)));
    let reorder = |e: Encoded| Encoded {
        n_rows: e.n_rows,
        variables: order.iter().map(|&v| e.variables[v].clone()).collect(),
    };
    Synthesis {
        raw: reorder(enc),
        synthetic: reorder(synthetic),
        visit,
        replicated_uniques_replaced: replaced,
        rows_short: short,
        smallest_leaf,
    }
}

fn part_rank(part: Part) -> usize {
    match part {
        Part::Whole => 0,
        Part::Option(i) => i + 1,
    }
}

/// Quasi-identifiers first, then file order; text-like questions last; a question a
/// skip rule reads is moved before the question it governs.
fn visit_order(raw: &Dataset, questions: &[usize], quasi: &[usize], codebook: Option<&Codebook>) -> Vec<usize> {
    let text_like = |q: usize| {
        matches!(
            raw.questions()[q].kind,
            QuestionKind::Text | QuestionKind::Identifier | QuestionKind::Datetime
        )
    };
    let mut rest: Vec<usize> = questions.iter().copied().filter(|q| !quasi.contains(q)).collect();
    rest.sort_unstable();
    let mut visit: Vec<usize> = quasi.iter().copied().filter(|q| questions.contains(q)).collect();
    visit.extend(rest.iter().copied().filter(|&q| !text_like(q)));
    visit.extend(rest.iter().copied().filter(|&q| text_like(q)));
    let Some(cb) = codebook else { return visit };
    // Move each rule's questions ahead of the question it governs; bounded passes
    // so that a circular rule cannot loop.
    for _ in 0..visit.len() {
        let mut moved = false;
        for pos in 0..visit.len() {
            let q = visit[pos];
            let Some(cond) = cb.question(&raw.questions()[q].id).and_then(|c| c.asked_if.as_ref()) else {
                continue;
            };
            let mut reads = Vec::new();
            condition_questions(cond, &mut reads);
            let later = reads
                .iter()
                .filter_map(|id| raw.find(id))
                .find(|d| visit[pos + 1..].contains(d));
            if let Some(d) = later {
                let at = visit.iter().position(|&x| x == d).expect("present");
                visit.remove(at);
                visit.insert(pos, d);
                moved = true;
                break;
            }
        }
        if !moved {
            break;
        }
    }
    visit
}

fn condition_questions(cond: &Condition, out: &mut Vec<String>) {
    match cond {
        Condition::All(c) | Condition::Any(c) => c.iter().for_each(|x| condition_questions(x, out)),
        Condition::Not(c) => condition_questions(c, out),
        Condition::Test { question, test } => {
            out.push(question.clone());
            if let Test::NotAbove(other) = test {
                out.push(other.clone());
            }
        }
    }
}

/// How one variable's values map to a predictor's bins.
#[derive(Debug, Clone)]
enum BinMap {
    /// Level code → bin.
    Levels(Vec<u16>),
    /// Gap bins first (one per gap seen), then value bins with these upper edges.
    Numbers { gaps: Vec<Gap>, edges: Vec<f64> },
}

impl BinMap {
    fn bin_level(&self, code: u32) -> u16 {
        match self {
            BinMap::Levels(map) => map.get(code as usize).copied().unwrap_or(0),
            BinMap::Numbers { .. } => 0,
        }
    }

    fn bin_number(&self, value: f64, gap: Option<Gap>) -> u16 {
        let BinMap::Numbers { gaps, edges } = self else {
            return 0;
        };
        match gap {
            Some(g) => gaps.iter().position(|x| *x == g).unwrap_or(0) as u16,
            None => {
                let at = edges.partition_point(|&e| e < value).min(edges.len().saturating_sub(1));
                (gaps.len() + at) as u16
            }
        }
    }
}

/// The bins of a raw variable, and how to bin synthetic values alike.
fn bin_variable(values: &Values) -> (Binned, BinMap) {
    match values {
        Values::Categorical { levels, codes } => {
            let mut counts = vec![0usize; levels.len()];
            for &c in codes {
                counts[c as usize] += 1;
            }
            let mut map: Vec<u16> = (0..levels.len() as u16).collect();
            if levels.len() > MAX_BINS {
                // The commonest categories keep a bin each; the rest share the last.
                let mut order: Vec<usize> = (0..levels.len()).collect();
                order.sort_by(|&a, &b| counts[b].cmp(&counts[a]).then(a.cmp(&b)));
                for (rank, &level) in order.iter().enumerate() {
                    map[level] = rank.min(MAX_BINS - 1) as u16;
                }
            }
            let n_bins = levels.len().clamp(1, MAX_BINS);
            let bins = codes.iter().map(|&c| map[c as usize]).collect();
            (
                Binned {
                    bins,
                    n_bins,
                    ordered: false,
                },
                BinMap::Levels(map),
            )
        }
        Values::Numeric { values, gaps, .. } => {
            let mut seen_gaps: Vec<Gap> = Vec::new();
            for g in gaps.iter().flatten() {
                if !seen_gaps.contains(g) {
                    seen_gaps.push(*g);
                }
            }
            let mut sorted: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
            sorted.sort_by(f64::total_cmp);
            let mut distinct = sorted.clone();
            distinct.dedup();
            let room = MAX_BINS - seen_gaps.len().min(MAX_BINS - 1);
            let edges: Vec<f64> = if distinct.len() <= room {
                distinct
            } else {
                // Quantile edges: bin upper bounds at equal counts of rows.
                let mut edges: Vec<f64> = (1..=room).map(|i| sorted[(i * sorted.len()) / room - 1]).collect();
                edges.dedup();
                edges
            };
            let edges = if edges.is_empty() { vec![0.0] } else { edges };
            let map = BinMap::Numbers { gaps: seen_gaps, edges };
            let bins = values.iter().zip(gaps).map(|(&v, &g)| map.bin_number(v, g)).collect();
            let n_bins = match &map {
                BinMap::Numbers { gaps, edges } => gaps.len() + edges.len(),
                BinMap::Levels(_) => 1,
            };
            (
                Binned {
                    bins,
                    n_bins,
                    ordered: true,
                },
                map,
            )
        }
    }
}

/// One fitted step of the visit sequence.
enum Unit {
    /// A categorical variable; `followers` are rank items copied from the same donor.
    Categorical {
        var: usize,
        tree: Tree,
        n_predictors: usize,
        asked_if: Option<Condition>,
        followers: Vec<usize>,
    },
    /// A multi-select's option variables: the first over all rows, the others over
    /// the rows that answered.
    Multi {
        vars: Vec<usize>,
        trees: Vec<Tree>,
        n_predictors: Vec<usize>,
        asked_if: Option<Condition>,
    },
    /// A number: a tree for its state (0 = a number, 1 + i = `states[i]`), then one
    /// for the value.
    Numeric {
        var: usize,
        states: Vec<Gap>,
        state_tree: Tree,
        value_tree: Tree,
        n_predictors: usize,
        asked_if: Option<Condition>,
        decimals: u32,
        range: (f64, f64),
    },
}

struct Model {
    units: Vec<Unit>,
    /// Predictor order: variable indices, as the trees number their predictors.
    predictors: Vec<usize>,
    maps: Vec<Option<BinMap>>,
    /// Where each question's variables are, for skip rules.
    by_question: HashMap<String, Vec<usize>>,
    /// Per variable, its multi-select option's label.
    option_labels: Vec<Option<String>>,
    smallest_leaf: usize,
}

fn fit(
    raw: &Dataset,
    enc: &Encoded,
    codebook: Option<&Codebook>,
    options: &SynthOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Model {
    let all_rows: Vec<u32> = match &options.fit_rows {
        Some(rows) => rows.clone(),
        None => (0..enc.n_rows as u32).collect(),
    };
    let growth = options.growth;
    let mut binned: Vec<Option<Binned>> = vec![None; enc.variables.len()];
    let mut maps: Vec<Option<BinMap>> = vec![None; enc.variables.len()];
    let text_like = |v: usize| {
        matches!(
            raw.questions()[enc.variables[v].question_idx].kind,
            QuestionKind::Text | QuestionKind::Identifier | QuestionKind::Datetime
        )
    };
    for (v, var) in enc.variables.iter().enumerate() {
        if !text_like(v) {
            let (b, m) = bin_variable(&var.values);
            binned[v] = Some(b);
            maps[v] = Some(m);
        }
    }
    let asked_if = |v: usize| -> Option<Condition> {
        let id = &raw.questions()[enc.variables[v].question_idx].id;
        codebook.and_then(|cb| cb.question(id)).and_then(|q| q.asked_if.clone())
    };
    let mut by_question: HashMap<String, Vec<usize>> = HashMap::new();
    for (v, var) in enc.variables.iter().enumerate() {
        by_question
            .entry(raw.questions()[var.question_idx].id.clone())
            .or_default()
            .push(v);
    }
    // Rank groups: the first visited item leads, the rest follow its donor.
    let mut rank_lead: HashMap<&str, usize> = HashMap::new();
    let mut follows: Vec<Option<usize>> = vec![None; enc.variables.len()];
    for (v, var) in enc.variables.iter().enumerate() {
        let q = &raw.questions()[var.question_idx];
        if q.kind == QuestionKind::Rank {
            if let Some(group) = q.group.as_deref() {
                match rank_lead.get(group) {
                    Some(&lead) => follows[v] = Some(lead),
                    None => {
                        rank_lead.insert(group, v);
                    }
                }
            }
        }
    }
    let n_units_guess = enc.variables.len();
    let mut units = Vec::new();
    let mut predictors: Vec<usize> = Vec::new();
    let mut smallest_leaf = usize::MAX;
    let mut note_leaves = |tree: &Tree| {
        for leaf in tree.leaves() {
            smallest_leaf = smallest_leaf.min(leaf.len());
        }
    };
    let mut v = 0;
    while v < enc.variables.len() {
        let var = &enc.variables[v];
        let preds: Vec<&Binned> = predictors
            .iter()
            .map(|&p| binned[p].as_ref().expect("binned"))
            .collect();
        match (&var.values, var.part) {
            (Values::Categorical { .. }, Part::Option(_)) => {
                let q = var.question_idx;
                let mut vars = Vec::new();
                while v < enc.variables.len()
                    && enc.variables[v].question_idx == q
                    && matches!(enc.variables[v].part, Part::Option(_))
                {
                    vars.push(v);
                    v += 1;
                }
                let Values::Categorical { levels, codes } = &enc.variables[vars[0]].values else {
                    unreachable!("options are categorical")
                };
                let answered: Vec<u32> = all_rows
                    .iter()
                    .copied()
                    .filter(|&r| !levels[codes[r as usize] as usize].is_missing())
                    .collect();
                let mut trees = Vec::new();
                let mut n_predictors = Vec::new();
                for (i, &ov) in vars.iter().enumerate() {
                    let preds: Vec<&Binned> = predictors
                        .iter()
                        .map(|&p| binned[p].as_ref().expect("binned"))
                        .collect();
                    let Values::Categorical { levels, codes } = &enc.variables[ov].values else {
                        unreachable!("options are categorical")
                    };
                    let rows = if i == 0 { all_rows.clone() } else { answered.clone() };
                    let tree = grow(
                        &preds,
                        Response::Classes {
                            classes: codes,
                            n_classes: levels.len(),
                        },
                        rows,
                        &leaf_floor(&growth, all_rows.len()),
                    );
                    note_leaves(&tree);
                    trees.push(tree);
                    n_predictors.push(predictors.len());
                    predictors.push(ov);
                }
                units.push(Unit::Multi {
                    asked_if: asked_if(vars[0]),
                    vars,
                    trees,
                    n_predictors,
                });
                progress(v, n_units_guess * 2);
                continue;
            }
            (Values::Categorical { levels, codes }, Part::Whole) => {
                if follows[v].is_some() {
                    // Drawn with its group's leading item.
                    if !text_like(v) {
                        predictors.push(v);
                    }
                    v += 1;
                    continue;
                }
                let tree = grow(
                    &preds,
                    Response::Classes {
                        classes: codes,
                        n_classes: levels.len(),
                    },
                    all_rows.clone(),
                    &leaf_floor(&growth, all_rows.len()),
                );
                note_leaves(&tree);
                let followers: Vec<usize> = (0..enc.variables.len()).filter(|&f| follows[f] == Some(v)).collect();
                units.push(Unit::Categorical {
                    var: v,
                    tree,
                    n_predictors: predictors.len(),
                    asked_if: asked_if(v),
                    followers,
                });
                if !text_like(v) {
                    predictors.push(v);
                }
            }
            (Values::Numeric { values, gaps, .. }, _) => {
                let mut states: Vec<Gap> = Vec::new();
                let classes: Vec<u32> = gaps
                    .iter()
                    .map(|g| match g {
                        None => 0,
                        Some(g) => match states.iter().position(|s| s == g) {
                            Some(i) => i as u32 + 1,
                            None => {
                                states.push(*g);
                                states.len() as u32
                            }
                        },
                    })
                    .collect();
                let state_tree = grow(
                    &preds,
                    Response::Classes {
                        classes: &classes,
                        n_classes: states.len() + 1,
                    },
                    all_rows.clone(),
                    &leaf_floor(&growth, all_rows.len()),
                );
                let with_value: Vec<u32> = all_rows
                    .iter()
                    .copied()
                    .filter(|&r| gaps[r as usize].is_none())
                    .collect();
                let value_tree = grow(
                    &preds,
                    Response::Numbers(values),
                    with_value.clone(),
                    &leaf_floor(&growth, all_rows.len()),
                );
                note_leaves(&state_tree);
                note_leaves(&value_tree);
                let observed: Vec<f64> = with_value.iter().map(|&r| values[r as usize]).collect();
                let range = observed
                    .iter()
                    .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
                        (lo.min(x), hi.max(x))
                    });
                units.push(Unit::Numeric {
                    var: v,
                    states,
                    state_tree,
                    value_tree,
                    n_predictors: predictors.len(),
                    asked_if: asked_if(v),
                    decimals: decimals(&observed),
                    range,
                });
                predictors.push(v);
            }
        }
        v += 1;
        progress(v, n_units_guess * 2);
    }
    let option_labels = enc
        .variables
        .iter()
        .map(|var| match (var.part, &raw.questions()[var.question_idx].column) {
            (Part::Option(i), canvass_core::Column::Multi(m)) => m.options().get(i).cloned(),
            _ => None,
        })
        .collect();
    Model {
        units,
        predictors,
        maps,
        by_question,
        option_labels,
        smallest_leaf: if smallest_leaf == usize::MAX { 0 } else { smallest_leaf },
    }
}

/// Fewest raw rows in any leaf, whatever `min_leaf` asks, for a fit on at least
/// ten times as many rows. With leaves of synthpop's five, the later trees (tens of
/// predictors, earlier synthetic columns among them) end in leaves whose donors are
/// the same few respondents, and a synthetic row rebuilds one of them: its distance
/// to the rows fitted on is then smaller than to rows never seen (docs/release.md).
pub const LEAF_FLOOR: usize = 45;

/// `growth` with its minimum leaf raised to [`LEAF_FLOOR`], or to a tenth of the
/// `n_fit` rows fitted on when that is less, so a small file still gets splits.
pub fn leaf_floor(growth: &Growth, n_fit: usize) -> Growth {
    Growth {
        min_leaf: growth.min_leaf.max(LEAF_FLOOR.min(n_fit / 10)),
        cp: growth.cp,
    }
}

/// The fewest decimals (up to 6) that write every observed value exactly.
pub fn decimals(values: &[f64]) -> u32 {
    (0..=6)
        .find(|&d| {
            let scale = 10f64.powi(d as i32);
            values.iter().all(|v| {
                let x = v * scale;
                (x - x.round()).abs() <= 1e-6 * x.abs().max(1.0)
            })
        })
        .unwrap_or(6)
}

/// R's `bw.nrd0`: 0.9 · min(sd, IQR/1.34) · n^(−1/5), with its fallbacks.
pub fn bw_nrd0(values: &[f64]) -> f64 {
    let n = values.len();
    if n < 2 {
        return 0.0;
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    let sd = (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt();
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let iqr = quantile7(&sorted, 0.75) - quantile7(&sorted, 0.25);
    let mut lo = sd.min(iqr / 1.34);
    if lo == 0.0 {
        lo = if sd != 0.0 {
            sd
        } else if values[0] != 0.0 {
            values[0].abs()
        } else {
            1.0
        };
    }
    0.9 * lo * (n as f64).powf(-0.2)
}

/// R's default quantile (type 7) of sorted values.
fn quantile7(sorted: &[f64], p: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Synthetic columns while drawing, one per encoded variable.
#[derive(Debug, Clone)]
enum Col {
    Codes(Vec<u32>),
    Numbers(Vec<f64>, Vec<Option<Gap>>),
}

#[derive(Debug, Clone)]
struct Cols {
    cols: Vec<Col>,
    /// Levels of each categorical variable, the raw ones plus any added.
    levels: Vec<Vec<Level>>,
    n_rows: usize,
}

impl Cols {
    fn clone_row(&self, row: usize) -> Cols {
        Cols {
            cols: self
                .cols
                .iter()
                .map(|c| match c {
                    Col::Codes(x) => Col::Codes(vec![x[row]]),
                    Col::Numbers(x, g) => Col::Numbers(vec![x[row]], vec![g[row]]),
                })
                .collect(),
            levels: self.levels.clone(),
            n_rows: 1,
        }
    }

    fn select(self, rows: &[usize]) -> Cols {
        Cols {
            cols: self
                .cols
                .into_iter()
                .map(|c| match c {
                    Col::Codes(x) => Col::Codes(rows.iter().map(|&r| x[r]).collect()),
                    Col::Numbers(x, g) => Col::Numbers(
                        rows.iter().map(|&r| x[r]).collect(),
                        rows.iter().map(|&r| g[r]).collect(),
                    ),
                })
                .collect(),
            levels: self.levels,
            n_rows: rows.len(),
        }
    }

    /// Appends a one-row batch; its codes index levels that may have grown apart, so
    /// they are mapped by level.
    fn append(&mut self, other: &Cols) {
        for (v, (mine, theirs)) in self.cols.iter_mut().zip(&other.cols).enumerate() {
            match (mine, theirs) {
                (Col::Codes(x), Col::Codes(y)) => {
                    for &code in y {
                        let level = &other.levels[v][code as usize];
                        let at = match self.levels[v].iter().position(|l| l == level) {
                            Some(at) => at,
                            None => {
                                self.levels[v].push(level.clone());
                                self.levels[v].len() - 1
                            }
                        };
                        x.push(at as u32);
                    }
                }
                (Col::Numbers(x, g), Col::Numbers(y, h)) => {
                    x.extend_from_slice(y);
                    g.extend_from_slice(h);
                }
                _ => {}
            }
        }
        self.n_rows += other.n_rows;
    }

    fn into_encoded(self, raw: &Encoded) -> Encoded {
        let variables = raw
            .variables
            .iter()
            .zip(self.cols.into_iter().zip(self.levels))
            .map(|(var, (col, levels))| {
                let values = match (col, &var.values) {
                    (Col::Codes(codes), _) => Values::Categorical { levels, codes },
                    (Col::Numbers(values, gaps), Values::Numeric { coded_labels, .. }) => Values::Numeric {
                        values,
                        gaps,
                        coded_labels: coded_labels.clone(),
                    },
                    (Col::Numbers(values, gaps), _) => Values::Numeric {
                        values,
                        gaps,
                        coded_labels: Vec::new(),
                    },
                };
                super::encoded::Variable {
                    name: var.name.clone(),
                    question_idx: var.question_idx,
                    part: var.part,
                    values,
                }
            })
            .collect();
        Encoded {
            n_rows: self.n_rows,
            variables,
        }
    }

    fn level_code(&mut self, v: usize, level: Level) -> u32 {
        match self.levels[v].iter().position(|l| *l == level) {
            Some(at) => at as u32,
            None => {
                self.levels[v].push(level);
                self.levels[v].len() as u32 - 1
            }
        }
    }
}

/// Draws `m` rows from the fitted trees.
// Rows index several columns at once (`syn_bins[p][row]`, `cols`), so a range loop reads best.
#[allow(clippy::needless_range_loop)]
fn draw(
    model: &Model,
    enc: &Encoded,
    m: usize,
    rng: &mut Rng,
    smoothing: bool,
    on_unit: &mut dyn FnMut(usize),
) -> Cols {
    let mut cols = Cols {
        cols: enc
            .variables
            .iter()
            .map(|v| match &v.values {
                Values::Categorical { .. } => Col::Codes(vec![0; m]),
                Values::Numeric { .. } => Col::Numbers(vec![f64::NAN; m], vec![None; m]),
            })
            .collect(),
        levels: enc
            .variables
            .iter()
            .map(|v| match &v.values {
                Values::Categorical { levels, .. } => levels.clone(),
                Values::Numeric { .. } => Vec::new(),
            })
            .collect(),
        n_rows: m,
    };
    // Synthetic bins of each predictor, filled as its variable is drawn.
    let mut syn_bins: Vec<Vec<u16>> = vec![Vec::new(); model.predictors.len()];
    let pred_pos: HashMap<usize, usize> = model.predictors.iter().enumerate().map(|(i, &v)| (v, i)).collect();
    let bin_var = |cols: &Cols, v: usize| -> Vec<u16> {
        let map = model.maps[v].as_ref().expect("a predictor has a bin map");
        match &cols.cols[v] {
            Col::Codes(codes) => codes
                .iter()
                .map(|&c| {
                    // A level added while drawing (a missing reason) has no raw bin.
                    let level = &cols.levels[v][c as usize];
                    match &enc.variables[v].values {
                        Values::Categorical { levels, .. } => levels
                            .iter()
                            .position(|l| l == level)
                            .map_or(0, |raw_code| map.bin_level(raw_code as u32)),
                        Values::Numeric { .. } => 0,
                    }
                })
                .collect(),
            Col::Numbers(values, gaps) => values.iter().zip(gaps).map(|(&x, &g)| map.bin_number(x, g)).collect(),
        }
    };
    let mut bandwidths: HashMap<(usize, *const u32), f64> = HashMap::new();
    for (unit_idx, unit) in model.units.iter().enumerate() {
        match unit {
            Unit::Categorical {
                var,
                tree,
                n_predictors,
                asked_if,
                followers,
            } => {
                let Values::Categorical { levels, codes } = &enc.variables[*var].values else {
                    unreachable!()
                };
                let asked_codes: Vec<u32> = all_asked(levels, codes);
                for row in 0..m {
                    let leaf = tree.donors(&|p| if p < *n_predictors { syn_bins[p][row] } else { 0 });
                    let asked = asked_if.as_ref().and_then(|c| eval(c, row, model, &cols));
                    let donor = pick(rng, leaf, asked, levels, codes, &asked_codes);
                    match donor {
                        Some(d) => {
                            set_code(&mut cols, *var, row, codes[d as usize]);
                            for &f in followers {
                                if let Values::Categorical { codes: fc, .. } = &enc.variables[f].values {
                                    set_code(&mut cols, f, row, fc[d as usize]);
                                }
                            }
                        }
                        None => {
                            let code = cols.level_code(*var, Level::Missing(Missing::NotAsked));
                            set_code(&mut cols, *var, row, code);
                            for &f in followers {
                                let code = cols.level_code(f, Level::Missing(Missing::NotAsked));
                                set_code(&mut cols, f, row, code);
                            }
                        }
                    }
                }
                for &v in std::iter::once(var).chain(followers) {
                    if let Some(&p) = pred_pos.get(&v) {
                        syn_bins[p] = bin_var(&cols, v);
                    }
                }
            }
            Unit::Multi {
                vars,
                trees,
                n_predictors,
                asked_if,
            } => {
                let Values::Categorical { levels, codes } = &enc.variables[vars[0]].values else {
                    unreachable!()
                };
                let asked_codes = all_asked(levels, codes);
                for row in 0..m {
                    let leaf = trees[0].donors(&|p| if p < n_predictors[0] { syn_bins[p][row] } else { 0 });
                    let asked = asked_if.as_ref().and_then(|c| eval(c, row, model, &cols));
                    let code = match pick(rng, leaf, asked, levels, codes, &asked_codes) {
                        Some(d) => codes[d as usize],
                        None => cols.level_code(vars[0], Level::Missing(Missing::NotAsked)),
                    };
                    set_code(&mut cols, vars[0], row, code);
                }
                if let Some(&p) = pred_pos.get(&vars[0]) {
                    syn_bins[p] = bin_var(&cols, vars[0]);
                }
                for (i, &ov) in vars.iter().enumerate().skip(1) {
                    let Values::Categorical { codes: oc, .. } = &enc.variables[ov].values else {
                        unreachable!()
                    };
                    for row in 0..m {
                        let Col::Codes(first) = &cols.cols[vars[0]] else {
                            unreachable!()
                        };
                        let first_level = cols.levels[vars[0]][first[row] as usize].clone();
                        let code = if first_level.is_missing() {
                            // The question's missing reason holds for every option.
                            cols.level_code(ov, first_level)
                        } else {
                            let leaf = trees[i].donors(&|p| if p < n_predictors[i] { syn_bins[p][row] } else { 0 });
                            oc[leaf[rng.below(leaf.len())] as usize]
                        };
                        set_code(&mut cols, ov, row, code);
                    }
                    if let Some(&p) = pred_pos.get(&ov) {
                        syn_bins[p] = bin_var(&cols, ov);
                    }
                }
            }
            Unit::Numeric {
                var,
                states,
                state_tree,
                value_tree,
                n_predictors,
                asked_if,
                decimals,
                range,
            } => {
                let Values::Numeric { values, gaps, .. } = &enc.variables[*var].values else {
                    unreachable!()
                };
                let not_asked = Gap::Missing(Missing::NotAsked);
                for row in 0..m {
                    let by = |p: usize| if p < *n_predictors { syn_bins[p][row] } else { 0 };
                    let asked = asked_if.as_ref().and_then(|c| eval(c, row, model, &cols));
                    let leaf = state_tree.donors(&by);
                    let state = match asked {
                        Some(false) => Some(not_asked),
                        _ => {
                            let d = leaf[rng.below(leaf.len())] as usize;
                            match gaps[d] {
                                Some(g) if asked == Some(true) && g == not_asked => {
                                    // Asked: a donor who was asked, in the leaf or else anywhere.
                                    let asked_donors: Vec<u32> = leaf
                                        .iter()
                                        .copied()
                                        .filter(|&r| gaps[r as usize] != Some(not_asked))
                                        .collect();
                                    let pool: Vec<u32> = if asked_donors.is_empty() {
                                        (0..gaps.len() as u32)
                                            .filter(|&r| gaps[r as usize] != Some(not_asked))
                                            .collect()
                                    } else {
                                        asked_donors
                                    };
                                    if pool.is_empty() {
                                        Some(Gap::Missing(Missing::NoAnswer))
                                    } else {
                                        gaps[pool[rng.below(pool.len())] as usize]
                                    }
                                }
                                g => g,
                            }
                        }
                    };
                    let _ = states;
                    let value = match state {
                        Some(_) => f64::NAN,
                        None => {
                            let leaf = value_tree.donors(&by);
                            if leaf.is_empty() {
                                f64::NAN
                            } else {
                                let d = leaf[rng.below(leaf.len())] as usize;
                                let mut x = values[d];
                                if smoothing {
                                    let key = (unit_idx, leaf.as_ptr());
                                    let bw = *bandwidths.entry(key).or_insert_with(|| {
                                        let donor_values: Vec<f64> = leaf.iter().map(|&r| values[r as usize]).collect();
                                        let first = donor_values[0];
                                        if donor_values.iter().all(|&v| v == first) {
                                            0.0
                                        } else {
                                            bw_nrd0(&donor_values)
                                        }
                                    });
                                    if bw > 0.0 {
                                        x += bw * rng.normal();
                                    }
                                }
                                let scale = 10f64.powi(*decimals as i32);
                                ((x.clamp(range.0, range.1)) * scale).round() / scale
                            }
                        }
                    };
                    let (value, state) = if value.is_nan() && state.is_none() {
                        (f64::NAN, Some(Gap::Missing(Missing::NoAnswer)))
                    } else {
                        (value, state)
                    };
                    if let Col::Numbers(x, g) = &mut cols.cols[*var] {
                        x[row] = value;
                        g[row] = state;
                    }
                }
                if let Some(&p) = pred_pos.get(var) {
                    syn_bins[p] = bin_var(&cols, *var);
                }
            }
        }
        on_unit(unit_idx);
    }
    cols
}

fn set_code(cols: &mut Cols, v: usize, row: usize, code: u32) {
    if let Col::Codes(x) = &mut cols.cols[v] {
        x[row] = code;
    }
}

/// Raw rows whose value is not "not asked".
fn all_asked(levels: &[Level], codes: &[u32]) -> Vec<u32> {
    (0..codes.len() as u32)
        .filter(|&r| levels[codes[r as usize] as usize] != Level::Missing(Missing::NotAsked))
        .collect()
}

/// A donor row from the leaf, honouring a skip rule's verdict: `None` when the row was
/// not asked; when it was, a donor who was asked (from the leaf, else from anywhere).
fn pick(
    rng: &mut Rng,
    leaf: &[u32],
    asked: Option<bool>,
    levels: &[Level],
    codes: &[u32],
    asked_rows: &[u32],
) -> Option<u32> {
    match asked {
        Some(false) => None,
        Some(true) => {
            let not_asked = |r: u32| levels[codes[r as usize] as usize] == Level::Missing(Missing::NotAsked);
            let asked_in_leaf: Vec<u32> = leaf.iter().copied().filter(|&r| !not_asked(r)).collect();
            if !asked_in_leaf.is_empty() {
                Some(asked_in_leaf[rng.below(asked_in_leaf.len())])
            } else if !asked_rows.is_empty() {
                Some(asked_rows[rng.below(asked_rows.len())])
            } else {
                Some(leaf[rng.below(leaf.len())])
            }
        }
        None => Some(leaf[rng.below(leaf.len())]),
    }
}

/// A skip rule on a synthetic row; `None` when it reads a question not drawn (yet).
fn eval(cond: &Condition, row: usize, model: &Model, cols: &Cols) -> Option<bool> {
    match cond {
        Condition::All(c) => {
            let mut all = Some(true);
            for x in c {
                match eval(x, row, model, cols) {
                    Some(false) => return Some(false),
                    None => all = None,
                    Some(true) => {}
                }
            }
            all
        }
        Condition::Any(c) => {
            let mut any = Some(false);
            for x in c {
                match eval(x, row, model, cols) {
                    Some(true) => return Some(true),
                    None => any = None,
                    Some(false) => {}
                }
            }
            any
        }
        Condition::Not(c) => eval(c, row, model, cols).map(|b| !b),
        Condition::Test { question, test } => {
            let vars = model.by_question.get(question)?;
            let answer = Answer::of(vars, row, cols, &model.option_labels)?;
            Some(match test {
                Test::Answered(b) => answer.answered() == *b,
                Test::AnyOf(vals) => answer.labels().iter().any(|l| vals.contains(l)),
                Test::AllOf(vals) => {
                    let labels = answer.labels();
                    !labels.is_empty() && vals.iter().all(|v| labels.contains(v))
                }
                Test::NoneOf(vals) => answer.answered() && !answer.labels().iter().any(|l| vals.contains(l)),
                Test::Range { min, max } => match answer {
                    Answer::Number(Some(x)) => min.is_none_or(|m| x >= m) && max.is_none_or(|m| x <= m),
                    _ => false,
                },
                Test::NotAbove(other) => {
                    let other_vars = model.by_question.get(other)?;
                    let b = Answer::of(other_vars, row, cols, &model.option_labels)?;
                    match (answer.position(), b.position()) {
                        (Some(a), Some(b)) => a <= b,
                        _ => false,
                    }
                }
            })
        }
    }
}

/// A synthetic row's answer to one question, for skip rules.
enum Answer<'a> {
    /// A categorical level (its index among the levels too).
    Level(&'a Level, usize),
    /// A multi-select: the selected options' labels, or the missing reason.
    Options(Result<Vec<String>, Missing>),
    Number(Option<f64>),
}

impl<'a> Answer<'a> {
    fn of(vars: &[usize], row: usize, cols: &'a Cols, option_labels: &[Option<String>]) -> Option<Answer<'a>> {
        let &first = vars.first()?;
        if cols.n_rows <= row {
            return None;
        }
        match &cols.cols[first] {
            Col::Numbers(x, g) => Some(Answer::Number(if g[row].is_none() { Some(x[row]) } else { None })),
            Col::Codes(codes) if option_labels[first].is_none() => {
                let code = codes[row] as usize;
                Some(Answer::Level(&cols.levels[first][code], code))
            }
            Col::Codes(_) => {
                let mut selected = Vec::new();
                for &v in vars {
                    let Col::Codes(codes) = &cols.cols[v] else { return None };
                    match &cols.levels[v][codes[row] as usize] {
                        Level::Missing(m) => return Some(Answer::Options(Err(*m))),
                        Level::Answer(l) if l == super::encoded::SELECTED => {
                            selected.push(option_labels[v].clone().unwrap_or_default())
                        }
                        Level::Answer(_) => {}
                    }
                }
                Some(Answer::Options(Ok(selected)))
            }
        }
    }

    fn answered(&self) -> bool {
        match self {
            Answer::Level(Level::Missing(m), _) => *m == Missing::Declined,
            Answer::Level(..) => true,
            Answer::Options(Err(m)) => *m == Missing::Declined,
            Answer::Options(Ok(_)) => true,
            Answer::Number(x) => x.is_some(),
        }
    }

    fn labels(&self) -> Vec<String> {
        match self {
            Answer::Level(Level::Answer(l), _) => vec![l.clone()],
            Answer::Options(Ok(l)) => l.clone(),
            _ => Vec::new(),
        }
    }

    fn position(&self) -> Option<usize> {
        match self {
            Answer::Level(Level::Answer(_), i) => Some(*i),
            _ => None,
        }
    }
}

type Key = Vec<u64>;

fn key_counts(enc: &Encoded, vars: &[usize], n: usize) -> HashMap<Key, usize> {
    let mut counts = HashMap::new();
    for row in 0..n {
        let key: Key = vars
            .iter()
            .map(|&v| match &enc.variables[v].values {
                Values::Categorical { levels, codes } => level_hash(&levels[codes[row] as usize]),
                Values::Numeric { values, gaps, .. } => number_key(values[row], gaps[row]),
            })
            .collect();
        *counts.entry(key).or_insert(0) += 1;
    }
    counts
}

fn key_counts_cols(cols: &Cols, vars: &[usize], n: usize) -> HashMap<Key, usize> {
    let mut counts = HashMap::new();
    for row in 0..n {
        *counts.entry(row_key_cols(cols, vars, row)).or_insert(0) += 1;
    }
    counts
}

fn row_key_cols(cols: &Cols, vars: &[usize], row: usize) -> Key {
    vars.iter()
        .map(|&v| match &cols.cols[v] {
            Col::Codes(codes) => level_hash(&cols.levels[v][codes[row] as usize]),
            Col::Numbers(x, g) => number_key(x[row], g[row]),
        })
        .collect()
}

/// Levels compared by content, since synthetic level lists may grow apart from raw.
pub(crate) fn level_hash(level: &Level) -> u64 {
    // FNV-1a over a tag and the label: stable across runs and platforms, unlike the
    // std hasher's keys.
    let (tag, text): (u8, &str) = match level {
        Level::Answer(l) => (b'a', l),
        Level::Missing(m) => (b'm', m.label()),
    };
    std::iter::once(tag)
        .chain(text.bytes())
        .fold(0xcbf29ce484222325u64, |h, b| (h ^ b as u64).wrapping_mul(0x100000001b3))
}

pub(crate) fn number_key(x: f64, gap: Option<Gap>) -> u64 {
    match gap {
        None => x.to_bits(),
        Some(Gap::Missing(m)) => level_hash(&Level::Missing(m)),
        Some(Gap::Coded(i)) => u64::MAX - i as u64,
    }
}
