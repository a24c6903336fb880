//! How much a released file could tell an intruder about a respondent
//! (docs/release-report.md):
//! - exact copies: synthetic rows identical to a raw row, on all released columns and
//!   on the quasi-identifiers;
//! - replicated uniques (synthpop's `replicated.uniques`): unique on the
//!   quasi-identifiers in both the release and the raw data;
//! - the smallest group on the quasi-identifiers in the release;
//! - attribute disclosure per target (DiSCO, Raab, Nowok & Dibben 2024), beside what
//!   the raw data alone would disclose;
//! - the distance-to-closest-record share (`dcr`): synthetic rows made from one half
//!   of the raw data that lie closer to that half than to the other.
//!
//! Utility is measured elsewhere.

use super::matched::{key_word, Cells, Matched, MatchedVar};
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Risk {
    /// The quasi-identifiers the measures use, as question ids.
    pub quasi: Vec<String>,
    /// Quasi-identifiers asked for that are not questions of the raw file.
    pub unknown_quasi: Vec<String>,
    pub files: Vec<FileRisk>,
    pub dcr: Option<Dcr>,
    /// Why measures that need two files' columns together are not applicable, for a
    /// disjoint release.
    pub cross_file: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Share {
    pub count: usize,
    /// Of the synthetic rows (of the raw rows for disclosure).
    pub share: f64,
}

impl Share {
    fn of(count: usize, total: usize) -> Share {
        Share {
            count,
            share: if total == 0 { 0.0 } else { count as f64 / total as f64 },
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileRisk {
    pub file: String,
    pub n_synthetic: usize,
    /// Released questions matched to the raw file's.
    pub n_columns: usize,
    /// Synthetic rows identical to some raw row on every released column.
    pub exact_copies: Share,
    /// Synthetic rows identical to a raw row that is unique in the raw data on every
    /// released column: a whole respondent reproduced.
    pub unique_copies: Share,
    /// The file's quasi-identifier measures; `None` when it holds none of them.
    pub quasi: Option<QuasiRisk>,
    /// Median distance from a synthetic row to its closest raw row (all raw rows), as
    /// SDMetrics' DCRBaselineProtection reports it for the synthetic data.
    pub median_dcr_to_raw: Option<f64>,
    /// Synthetic rows the median was computed over (evenly spaced when sampled).
    pub median_dcr_rows: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuasiRisk {
    /// Quasi-identifiers of this file, as question ids.
    pub columns: Vec<String>,
    /// Synthetic rows identical to some raw row on the quasi-identifiers.
    pub exact_copies: Share,
    /// Synthetic rows unique on the quasi-identifiers whose combination is unique in
    /// the raw data too.
    pub replicated_uniques: Share,
    /// The smallest number of synthetic rows sharing one combination. Reported, not
    /// gated: a combination no respondent has is small by chance and points at no one.
    pub smallest_group: usize,
    /// Over the combinations both real respondents and synthetic records have, the
    /// smallest of the larger of the two group sizes: below 3, a synthetic group of
    /// one or two stands for a combination only one or two respondents share.
    /// `None` when no combination is shared.
    pub smallest_shared_group: Option<usize>,
    /// Attribute disclosure per target, most disclosed first.
    pub disclosure: Vec<TargetDisclosure>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetDisclosure {
    pub target: String,
    /// Raw rows whose quasi-identifier group in the release has a single value of the
    /// target, equal to theirs.
    pub disclosed: f64,
    /// Raw rows whose quasi-identifier group in the raw data itself has a single value
    /// of the target: what publishing the raw data would disclose.
    pub baseline: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dcr {
    /// Synthetic rows closer to the fitting half than to the held-out half, ties
    /// counted as one half: about 0.5 when nothing is memorised.
    pub share: f64,
    /// Strictly closer to the fitting half (SDMetrics' DCROverfittingProtection
    /// "closer_to_training").
    pub closer_to_fit: f64,
    /// As far from both halves.
    pub ties: f64,
    pub n_fit: usize,
    pub n_held_out: usize,
    pub n_synthetic: usize,
    /// Synthetic rows compared (evenly spaced when sampled, see `DCR_BUDGET`).
    pub n_compared: usize,
    /// Each fold's share: fitted on the first half and compared with the second, and
    /// the other way round; `share` is their mean.
    pub fold_shares: Vec<f64>,
}

/// At most this many row-to-row distances per nearest-neighbour search: larger
/// synthetic sets are sampled evenly, and the sample size is reported.
pub const DCR_BUDGET: usize = 200_000_000;

fn row_keys(vars: &[&MatchedVar], synthetic: bool, n: usize) -> Vec<Vec<u64>> {
    (0..n)
        .map(|row| vars.iter().map(|v| key_word(&v.cells, synthetic, row)).collect())
        .collect()
}

fn counts(keys: &[Vec<u64>]) -> HashMap<&[u64], usize> {
    let mut c: HashMap<&[u64], usize> = HashMap::new();
    for k in keys {
        *c.entry(k.as_slice()).or_insert(0) += 1;
    }
    c
}

/// Risk of one released file.
pub(crate) fn file_risk(m: &Matched) -> FileRisk {
    let all: Vec<&MatchedVar> = m.vars.iter().collect();
    let raw_all = row_keys(&all, false, m.n_raw);
    let syn_all = row_keys(&all, true, m.n_syn);
    let raw_all_counts = counts(&raw_all);
    let exact = syn_all
        .iter()
        .filter(|k| raw_all_counts.contains_key(k.as_slice()))
        .count();
    let unique = syn_all
        .iter()
        .filter(|k| raw_all_counts.get(k.as_slice()) == Some(&1))
        .count();

    let quasi_vars: Vec<&MatchedVar> = m.vars.iter().filter(|v| v.quasi).collect();
    let quasi = (!quasi_vars.is_empty()).then(|| quasi_risk(m, &quasi_vars));

    let scored: Vec<&MatchedVar> = m.vars.iter().filter(|v| v.scored).collect();
    let (median_dcr_to_raw, median_dcr_rows) = if scored.is_empty() || m.n_raw == 0 || m.n_syn == 0 {
        (None, 0)
    } else {
        let raw_space = Space::build(&scored, Side::Raw, None);
        let syn_space = Space::build(&scored, Side::Synthetic, Some(&raw_space));
        let sample = sample_rows(m.n_syn, m.n_raw);
        let mut d: Vec<f64> = sample.iter().map(|&r| raw_space.nearest(&syn_space, r)).collect();
        d.sort_by(f64::total_cmp);
        (median(&d), sample.len())
    };

    FileRisk {
        file: m.file.clone(),
        n_synthetic: m.n_syn,
        n_columns: {
            let mut ids: Vec<&str> = m.vars.iter().map(|v| v.question_id.as_str()).collect();
            ids.dedup();
            ids.len()
        },
        exact_copies: Share::of(exact, m.n_syn),
        unique_copies: Share::of(unique, m.n_syn),
        quasi,
        median_dcr_to_raw,
        median_dcr_rows,
    }
}

fn median(sorted: &[f64]) -> Option<f64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some(0.5 * (sorted[n / 2 - 1] + sorted[n / 2])),
    }
}

fn quasi_risk(m: &Matched, quasi_vars: &[&MatchedVar]) -> QuasiRisk {
    let raw_q = row_keys(quasi_vars, false, m.n_raw);
    let syn_q = row_keys(quasi_vars, true, m.n_syn);
    let raw_counts = counts(&raw_q);
    let syn_counts = counts(&syn_q);
    let exact = syn_q.iter().filter(|k| raw_counts.contains_key(k.as_slice())).count();
    let replicated = syn_q
        .iter()
        .filter(|k| syn_counts[k.as_slice()] == 1 && raw_counts.get(k.as_slice()) == Some(&1))
        .count();
    let smallest_group = syn_counts.values().copied().min().unwrap_or(0);
    let smallest_shared_group = syn_counts
        .iter()
        .filter_map(|(k, &n_syn)| raw_counts.get(k).map(|&n_raw| n_raw.max(n_syn)))
        .min();

    let mut disclosure: Vec<TargetDisclosure> = m
        .vars
        .iter()
        .filter(|v| !v.quasi && v.scored)
        .map(|t| {
            let raw_t: Vec<u64> = (0..m.n_raw).map(|r| key_word(&t.cells, false, r)).collect();
            let syn_t: Vec<u64> = (0..m.n_syn).map(|r| key_word(&t.cells, true, r)).collect();
            let syn_single = single_values(&syn_q, &syn_t);
            let raw_single = single_values(&raw_q, &raw_t);
            let disclosed = (0..m.n_raw)
                .filter(|&r| syn_single.get(raw_q[r].as_slice()) == Some(&Some(raw_t[r])))
                .count();
            let baseline = (0..m.n_raw)
                .filter(|&r| matches!(raw_single.get(raw_q[r].as_slice()), Some(Some(_))))
                .count();
            TargetDisclosure {
                target: t.name.clone(),
                disclosed: Share::of(disclosed, m.n_raw).share,
                baseline: Share::of(baseline, m.n_raw).share,
            }
        })
        .collect();
    disclosure.sort_by(|a, b| b.disclosed.total_cmp(&a.disclosed));
    let mut columns: Vec<String> = Vec::new();
    for v in quasi_vars {
        if !columns.contains(&v.question_id) {
            columns.push(v.question_id.clone());
        }
    }
    QuasiRisk {
        columns,
        exact_copies: Share::of(exact, m.n_syn),
        replicated_uniques: Share::of(replicated, m.n_syn),
        smallest_group,
        smallest_shared_group,
        disclosure,
    }
}

/// For each key, the target's value when every row with that key has the same one.
fn single_values<'a>(keys: &'a [Vec<u64>], target: &[u64]) -> HashMap<&'a [u64], Option<u64>> {
    let mut out: HashMap<&[u64], Option<u64>> = HashMap::new();
    for (k, &t) in keys.iter().zip(target) {
        out.entry(k.as_slice())
            .and_modify(|v| {
                if *v != Some(t) {
                    *v = None;
                }
            })
            .or_insert(Some(t));
    }
    out
}

/// Evenly spaced rows of `n_syn`, as many as the budget allows against `n_reference`.
fn sample_rows(n_syn: usize, n_reference: usize) -> Vec<usize> {
    let cap = (DCR_BUDGET / n_reference.max(1)).max(1);
    if n_syn <= cap {
        return (0..n_syn).collect();
    }
    (0..cap).map(|i| i * n_syn / cap).collect()
}

#[derive(Clone, Copy, PartialEq)]
enum Side {
    Raw,
    Synthetic,
}

/// Rows laid out for distance: each row's categorical answers as one bit per level
/// (one-hot), so that two rows' mismatches are half the set bits of their XOR, and its
/// numbers scaled by the reference rows' range. The distance of two rows is
/// SDMetrics': the mean over variables of 0/1 for categories and min(|Δ| / range, 1)
/// for numbers (1 when one side has no number, 0 when neither has).
struct Space {
    n_cat: usize,
    n_num: usize,
    /// Words of one-hot bits per row.
    words: usize,
    bits: Vec<u64>,
    /// Numbers divided by the reference range; NaN for a gap.
    nums: Vec<f64>,
    /// The reference range of each number; 0 means "equal or not".
    ranges: Vec<f64>,
    rows: usize,
}

impl Space {
    /// Every row of the given variables on one side; `reference` lends its ranges to
    /// the side being searched for (its own when `None`).
    fn build(vars: &[&MatchedVar], side: Side, reference: Option<&Space>) -> Space {
        Space::build_rows(vars, side, reference, None)
    }

    /// As [`Space::build`], over the rows in `subset` only when given.
    fn build_rows(vars: &[&MatchedVar], side: Side, reference: Option<&Space>, subset: Option<&[usize]>) -> Space {
        let mut cat_cols: Vec<(&[u32], usize)> = Vec::new();
        let mut num_cols: Vec<&[f64]> = Vec::new();
        let mut all_rows = 0;
        for v in vars {
            match &v.cells {
                Cells::Categorical { levels, raw, syn } => {
                    let codes = if side == Side::Raw { raw } else { syn };
                    all_rows = codes.len();
                    cat_cols.push((codes, levels.len()));
                }
                Cells::Numeric { raw, syn, .. } => {
                    let values = if side == Side::Raw { raw } else { syn };
                    all_rows = values.len();
                    num_cols.push(values);
                }
            }
        }
        let rows: Vec<usize> = subset.map_or_else(|| (0..all_rows).collect(), |s| s.to_vec());
        let ranges: Vec<f64> = match reference {
            Some(r) => r.ranges.clone(),
            None => num_cols
                .iter()
                .map(|c| {
                    let (lo, hi) = rows
                        .iter()
                        .map(|&r| c[r])
                        .filter(|v| v.is_finite())
                        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
                    if hi > lo {
                        hi - lo
                    } else {
                        0.0
                    }
                })
                .collect(),
        };
        let mut offsets = Vec::with_capacity(cat_cols.len());
        let mut n_bits = 0usize;
        for (_, n_levels) in &cat_cols {
            offsets.push(n_bits);
            n_bits += n_levels;
        }
        let words = n_bits.div_ceil(64);
        let mut bits = vec![0u64; rows.len() * words];
        let mut nums = Vec::with_capacity(rows.len() * num_cols.len());
        for (i, &r) in rows.iter().enumerate() {
            let row_bits = &mut bits[i * words..(i + 1) * words];
            for ((codes, _), &offset) in cat_cols.iter().zip(&offsets) {
                let bit = offset + codes[r] as usize;
                row_bits[bit / 64] |= 1 << (bit % 64);
            }
            for (c, &range) in num_cols.iter().zip(&ranges) {
                nums.push(if range > 0.0 { c[r] / range } else { c[r] });
            }
        }
        Space {
            n_cat: cat_cols.len(),
            n_num: num_cols.len(),
            words,
            bits,
            nums,
            ranges,
            rows: rows.len(),
        }
    }

    fn n_vars(&self) -> usize {
        self.n_cat + self.n_num
    }

    /// The distance from row `q` of `query` (laid out with this space's ranges) to its
    /// closest row here. A row's numbers are only added while it can still beat the
    /// best so far.
    fn nearest(&self, query: &Space, q: usize) -> f64 {
        let v = self.n_vars() as f64;
        let w = self.words;
        let qb = &query.bits[q * w..(q + 1) * w];
        let qn = &query.nums[q * self.n_num..(q + 1) * self.n_num];
        let mut best = f64::INFINITY;
        for r in 0..self.rows {
            let rb = &self.bits[r * w..(r + 1) * w];
            let differing: u32 = rb.iter().zip(qb).map(|(a, b)| (a ^ b).count_ones()).sum();
            // Each categorical mismatch clears one bit and sets another.
            let mut sum = f64::from(differing / 2);
            if sum >= best {
                continue;
            }
            let rn = &self.nums[r * self.n_num..(r + 1) * self.n_num];
            for i in 0..self.n_num {
                let (a, b) = (rn[i], qn[i]);
                sum += match (a.is_nan(), b.is_nan()) {
                    (true, true) => 0.0,
                    (true, false) | (false, true) => 1.0,
                    _ if self.ranges[i] == 0.0 => f64::from(u8::from(a != b)),
                    _ => (a - b).abs().min(1.0),
                };
                if sum >= best {
                    break;
                }
            }
            if sum < best {
                best = sum;
                if best == 0.0 {
                    break;
                }
            }
        }
        best / v
    }
}

/// The distance-to-closest-record share for a synthetic set made from the raw rows
/// `fit_rows`, against the held-out rows. `m` pairs the raw data with that synthetic
/// set. `tick` is called once per synthetic row compared.
pub(crate) fn dcr(m: &Matched, fit_rows: &[usize], held_out_rows: &[usize], tick: &mut dyn FnMut()) -> Option<Dcr> {
    let scored: Vec<&MatchedVar> = m.vars.iter().filter(|v| v.scored).collect();
    if scored.is_empty() || fit_rows.is_empty() || held_out_rows.is_empty() || m.n_syn == 0 {
        return None;
    }
    let in_range = |rows: &[usize]| rows.iter().filter(|&&r| r < m.n_raw).copied().collect::<Vec<_>>();
    let (fit_rows, held_out_rows) = (in_range(fit_rows), in_range(held_out_rows));
    let fit = Space::build_rows(&scored, Side::Raw, None, Some(&fit_rows));
    let held = Space::build_rows(&scored, Side::Raw, None, Some(&held_out_rows));
    let syn_for_fit = Space::build(&scored, Side::Synthetic, Some(&fit));
    let syn_for_held = Space::build(&scored, Side::Synthetic, Some(&held));
    let sample = sample_rows(m.n_syn, fit_rows.len() + held_out_rows.len());
    let (mut closer, mut ties) = (0usize, 0usize);
    for &r in &sample {
        let d_fit = fit.nearest(&syn_for_fit, r);
        let d_held = held.nearest(&syn_for_held, r);
        if d_fit < d_held {
            closer += 1;
        } else if d_fit == d_held {
            ties += 1;
        }
        tick();
    }
    let n = sample.len() as f64;
    Some(Dcr {
        share: (closer as f64 + 0.5 * ties as f64) / n,
        closer_to_fit: closer as f64 / n,
        ties: ties as f64 / n,
        n_fit: fit_rows.len(),
        n_held_out: held_out_rows.len(),
        n_synthetic: m.n_syn,
        n_compared: sample.len(),
        fold_shares: Vec::new(),
    })
}

/// Rows of `m`'s synthetic side, for callers that count progress.
pub(crate) fn dcr_rows(m: &Matched, n_reference: usize) -> usize {
    sample_rows(m.n_syn, n_reference).len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::release::matched::match_file;
    use canvass_core::{load, Dataset, LoadOptions};

    fn dataset(csv: &str) -> Dataset {
        load(csv.as_bytes(), &LoadOptions::default()).unwrap().dataset
    }

    fn quasi(ids: &[&str]) -> Vec<String> {
        ids.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn copies_uniques_groups_by_hand() {
        let raw = dataset("age,sex,ans\nyoung,f,a\nyoung,f,b\nold,m,a\nold,f,b\nmid,m,a\n");
        let syn = dataset("age,sex,ans\nyoung,f,a\nold,m,a\nold,m,b\nmid,f,a\n");
        let m = match_file("r.csv", &raw, &syn, &quasi(&["age", "sex"]));
        let r = file_risk(&m);
        // Synthetic rows 1 and 2 are raw rows 1 and 3.
        assert_eq!(r.exact_copies.count, 2);
        assert_eq!(r.unique_copies.count, 2);
        let q = r.quasi.unwrap();
        // On (age, sex): young/f, old/m, old/m copy raw combinations; mid/f does not.
        assert_eq!(q.exact_copies.count, 3);
        // Unique in the release: young/f (raw has two) and mid/f (not in raw): none
        // replicated. old/m is unique in raw but twice in the release.
        assert_eq!(q.replicated_uniques.count, 0);
        assert_eq!(q.smallest_group, 1);
        // ans: young/f has a single synthetic value a, right for raw row 1 only;
        // old/m's group has a and b: nothing disclosed there. Raw baseline: old/m,
        // old/f and mid/m are singletons in raw (3 of 5).
        let d = &q.disclosure[0];
        assert_eq!(d.target, "ans");
        assert!((d.disclosed - 0.2).abs() < 1e-12);
        assert!((d.baseline - 0.6).abs() < 1e-12);
    }

    #[test]
    fn replicated_unique_by_hand() {
        let raw = dataset("age,sex\nyoung,f\nyoung,f\nold,m\n");
        let syn = dataset("age,sex\nold,m\nyoung,f\nyoung,f\n");
        let q = file_risk(&match_file("r.csv", &raw, &syn, &quasi(&["age", "sex"])))
            .quasi
            .unwrap();
        assert_eq!(q.replicated_uniques.count, 1);
        assert!((q.replicated_uniques.share - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(q.smallest_group, 1);
    }

    #[test]
    fn dcr_of_copies_and_of_strangers() {
        // Raw rows 0..4 fit, 4..8 held out. A synthetic set copying the fit half is
        // closer to it on every row; one equidistant from both halves ties everywhere.
        let raw = dataset("a,b,c\nw,p,1\nx,q,2\ny,p,3\nz,q,4\nw,q,5\nx,p,6\ny,q,7\nz,p,8\n");
        let copies = dataset("a,b,c\nw,p,1\nx,q,2\ny,p,3\nz,q,4\n");
        let m = match_file("r.csv", &raw, &copies, &[]);
        let d = dcr(&m, &[0, 1, 2, 3], &[4, 5, 6, 7], &mut || {}).unwrap();
        assert_eq!((d.closer_to_fit, d.ties, d.share), (1.0, 0.0, 1.0));
        let far = dataset("a,b,c\nv,r,100\nv,r,100\n");
        let m = match_file("r.csv", &raw, &far, &[]);
        let d = dcr(&m, &[0, 1, 2, 3], &[4, 5, 6, 7], &mut || {}).unwrap();
        assert_eq!((d.closer_to_fit, d.ties, d.share), (0.0, 1.0, 0.5));
    }

    #[test]
    fn distance_is_the_mean_of_mismatches_and_scaled_differences() {
        // Columns a (categorical) and n (numeric, raw range 10): the synthetic row
        // is compared with each raw row by (mismatch on a + |Δn| / 10) / 2.
        let raw = dataset("a,n\nx,0.5\ny,10.5\nx,4.5\ny,6.5\nx,2.5\n");
        let syn = dataset("a,n\ny,3.0\n");
        let m = match_file("r.csv", &raw, &syn, &[]);
        assert!(m.vars.iter().any(|v| !v.is_categorical()), "n should be numeric");
        let r = file_risk(&m);
        // Closest raw row: y,6.5 (0 + 0.35) / 2 = 0.175 beats x,2.5 (1 + 0.05) / 2.
        assert!((r.median_dcr_to_raw.unwrap() - 0.175).abs() < 1e-12, "{r:?}");
    }
}
