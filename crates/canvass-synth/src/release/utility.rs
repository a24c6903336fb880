//! How faithful a released file is to the raw responses, measured the way the
//! reference tools measure it (docs/release-report.md):
//! - per variable, the total variation distance (SDMetrics' TVComplement is 1 − TVD)
//!   or, for numbers, the Kolmogorov–Smirnov complement;
//! - per pair of variables, the TVD of the two-way table (ContingencySimilarity) or,
//!   for two numbers, SDMetrics' CorrelationSimilarity;
//! - the pMSE of a logistic discriminator (`pmse`);
//! - the χ² conclusions at 5% that the release keeps;
//! - the overlap of the 95% Wilson intervals of the published-style percentages.
//!
//! Free text is not scored here (it counts for exact copies only), and nothing here
//! judges risk.

use super::encoded::{Level, SELECTED};
use super::matched::{as_categories, Cells, Matched, MatchedVar};
use super::pmse::{pmse, Pmse};
use canvass_core::crosstab::pearson;
use canvass_core::freq::wilson_interval;
use serde::Serialize;

/// How many of the worst pairs and intervals a report lists.
pub const WORST_LISTED: usize = 10;
/// SDMetrics' default thresholds for a pair to count as associated in the raw data.
pub const MIN_ASSOCIATION: f64 = 0.3;
pub const MIN_CORRELATION: f64 = 0.5;
/// The significance level of "conclusions kept".
pub const ALPHA: f64 = 0.05;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Utility {
    pub files: Vec<FileUtility>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileUtility {
    pub file: String,
    pub n_raw: usize,
    pub n_synthetic: usize,
    /// Mean shape score over scored variables: SDMetrics' "Column Shapes".
    pub column_shapes: Option<f64>,
    pub variables: Vec<VariableShape>,
    pub pairs: Pairs,
    pub pmse: Option<Pmse>,
    pub conclusions: Conclusions,
    pub ci_overlap: CiOverlap,
    /// Released questions not scored, each with the reason.
    pub not_scored: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VariableShape {
    /// The question id, or `id[option]` for a multi-select option.
    pub name: String,
    /// Total variation distance between the raw and synthetic answers, missing reasons
    /// as answers of their own (numbers in ten bins of the raw range).
    pub tvd: f64,
    /// "TVComplement" (1 − tvd) or, for numbers, "KSComplement" (1 − the
    /// Kolmogorov–Smirnov statistic of the values).
    pub metric: &'static str,
    pub score: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pairs {
    pub n_pairs: usize,
    /// Mean TVD of the two-way tables over all pairs (numbers binned).
    pub mean_tvd: Option<f64>,
    /// Mean pair score as SDMetrics' "Column Pair Trends" averages it:
    /// ContingencySimilarity, or CorrelationSimilarity for two numbers.
    pub column_pair_trends: Option<f64>,
    /// The same mean over the pairs associated in the raw data only, as SDMetrics'
    /// quality report averages by default.
    pub column_pair_trends_associated: Option<f64>,
    /// The pairs with the largest TVD, worst first.
    pub worst: Vec<PairScore>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairScore {
    pub a: String,
    pub b: String,
    pub tvd: f64,
    /// "ContingencySimilarity" or "CorrelationSimilarity".
    pub metric: &'static str,
    pub score: Option<f64>,
    /// Associated in the raw data: Cramér's V above 0.3 over all levels, or |r| above
    /// 0.5 for two numbers (SDMetrics' default thresholds).
    pub associated: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Conclusions {
    /// Pairs of categorical variables with a χ² test in the raw data.
    pub n_tested: usize,
    /// Of those, significant at 5% in the raw data.
    pub n_significant_raw: usize,
    /// Of those, significant at 5% in the release too.
    pub n_kept: usize,
    pub share_kept: Option<f64>,
    /// Significant in the release but not in the raw data.
    pub n_spurious: usize,
    /// Significant in the raw data but not in the release, smallest raw p first.
    pub lost: Vec<LostConclusion>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LostConclusion {
    pub a: String,
    pub b: String,
    pub p_raw: f64,
    pub p_synthetic: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CiOverlap {
    /// Percentages compared: each answer of a categorical variable, and "selected"
    /// of each multi-select option, as a share of respondents who answered.
    pub n_estimates: usize,
    pub mean: Option<f64>,
    /// The least overlapping, worst first.
    pub worst: Vec<IntervalOverlap>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IntervalOverlap {
    pub name: String,
    pub answer: String,
    pub raw_percent: f64,
    pub raw_interval: [f64; 2],
    pub synthetic_percent: f64,
    pub synthetic_interval: [f64; 2],
    pub overlap: f64,
}

/// Scores one released file; `tick` is called once per variable done.
pub(crate) fn file_utility(m: &Matched, tick: &mut dyn FnMut()) -> FileUtility {
    let scored: Vec<&MatchedVar> = m.vars.iter().filter(|v| v.scored).collect();
    let mut not_scored = m.unmatched.clone();
    let mut seen_text: Vec<&str> = Vec::new();
    for v in m.vars.iter().filter(|v| !v.scored) {
        if !seen_text.contains(&v.question_id.as_str()) {
            seen_text.push(&v.question_id);
            not_scored.push(format!(
                "{}: free text, identifiers and dates are not scored",
                v.question_id
            ));
        }
    }
    let cats: Vec<(usize, Vec<u32>, Vec<u32>)> = scored.iter().map(|v| as_categories(v)).collect();

    let variables: Vec<VariableShape> = scored
        .iter()
        .zip(&cats)
        .map(|(v, (n_levels, raw, syn))| {
            let tvd = tvd_1d(*n_levels, raw, syn);
            match &v.cells {
                Cells::Categorical { .. } => VariableShape {
                    name: v.name.clone(),
                    tvd,
                    metric: "TVComplement",
                    score: 1.0 - tvd,
                },
                Cells::Numeric { raw, syn, .. } => VariableShape {
                    name: v.name.clone(),
                    tvd,
                    metric: "KSComplement",
                    score: 1.0 - ks_statistic(raw, syn),
                },
            }
        })
        .collect();
    let column_shapes = mean(variables.iter().map(|v| v.score));

    let (pair_scores, tests) = pair_scores(&scored, &cats, tick);
    let pairs = Pairs {
        n_pairs: pair_scores.len(),
        mean_tvd: mean(pair_scores.iter().map(|p| p.tvd)),
        column_pair_trends: mean(pair_scores.iter().filter_map(|p| p.score)),
        column_pair_trends_associated: mean(pair_scores.iter().filter(|p| p.associated).filter_map(|p| p.score)),
        worst: worst_first(pair_scores, |p| p.tvd),
    };

    let significant = |p: f64| p < ALPHA;
    let n_significant_raw = tests.iter().filter(|t| significant(t.2)).count();
    let n_kept = tests
        .iter()
        .filter(|t| significant(t.2) && t.3.is_some_and(significant))
        .count();
    let mut lost: Vec<LostConclusion> = tests
        .iter()
        .filter(|t| significant(t.2) && !t.3.is_some_and(significant))
        .map(|&(i, j, p_raw, p_synthetic)| LostConclusion {
            a: scored[i].name.clone(),
            b: scored[j].name.clone(),
            p_raw,
            p_synthetic,
        })
        .collect();
    lost.sort_by(|x, y| x.p_raw.total_cmp(&y.p_raw));
    lost.truncate(WORST_LISTED);
    let conclusions = Conclusions {
        n_tested: tests.len(),
        n_significant_raw,
        n_kept,
        share_kept: (n_significant_raw > 0).then(|| n_kept as f64 / n_significant_raw as f64),
        n_spurious: tests
            .iter()
            .filter(|t| !significant(t.2) && t.3.is_some_and(significant))
            .count(),
        lost,
    };

    let overlaps: Vec<IntervalOverlap> = scored.iter().flat_map(|v| interval_overlaps(v)).collect();
    let ci_overlap = CiOverlap {
        n_estimates: overlaps.len(),
        mean: mean(overlaps.iter().map(|o| o.overlap)),
        worst: worst_first(overlaps, |o| -o.overlap),
    };

    FileUtility {
        file: m.file.clone(),
        n_raw: m.n_raw,
        n_synthetic: m.n_syn,
        column_shapes,
        variables,
        pairs,
        pmse: pmse(&scored, m.n_raw, m.n_syn),
        conclusions,
        ci_overlap,
        not_scored,
    }
}

/// A χ² test of a pair: the two variables' indices and the raw and synthetic p-values.
type PairTest = (usize, usize, f64, Option<f64>);

/// Every pair of scored variables with its score, and the χ² tests of the categorical
/// pairs. `cats` holds each variable as categories; `tick` is called per variable.
pub(crate) fn pair_scores(
    scored: &[&MatchedVar],
    cats: &[(usize, Vec<u32>, Vec<u32>)],
    tick: &mut dyn FnMut(),
) -> (Vec<PairScore>, Vec<PairTest>) {
    let mut pair_scores = Vec::new();
    let mut tests: Vec<PairTest> = Vec::new();
    for i in 0..scored.len() {
        for j in i + 1..scored.len() {
            let (la, ra, sa) = &cats[i];
            let (lb, rb, sb) = &cats[j];
            let raw_table = table(*la, ra, *lb, rb);
            let syn_table = table(*la, sa, *lb, sb);
            let tvd = tvd_tables(&raw_table, ra.len(), &syn_table, sa.len());
            let (metric, score, associated) = match (&scored[i].cells, &scored[j].cells) {
                (Cells::Numeric { raw: x, syn: xs, .. }, Cells::Numeric { raw: y, syn: ys, .. }) => {
                    let r = pearson_r(x, y);
                    (
                        "CorrelationSimilarity",
                        r.zip(pearson_r(xs, ys)).map(|(r, s)| 1.0 - (r - s).abs() / 2.0),
                        r.is_some_and(|r| r.abs() > MIN_CORRELATION),
                    )
                }
                _ => {
                    let all_levels = |t: &[u64], n_b: usize| -> Vec<Vec<f64>> {
                        t.chunks(n_b)
                            .map(|row| row.iter().map(|&c| c as f64).collect())
                            .collect()
                    };
                    let v = pearson(&all_levels(&raw_table, *lb)).map(|r| r.3);
                    (
                        "ContingencySimilarity",
                        Some(1.0 - tvd),
                        v.is_some_and(|v| v > MIN_ASSOCIATION),
                    )
                }
            };
            pair_scores.push(PairScore {
                a: scored[i].name.clone(),
                b: scored[j].name.clone(),
                tvd,
                metric,
                score,
                associated,
            });
            if scored[i].is_categorical() && scored[j].is_categorical() {
                let answers_a = answer_levels(scored[i]);
                let answers_b = answer_levels(scored[j]);
                if let Some(p_raw) = p_value(&raw_table, *lb, &answers_a, &answers_b) {
                    tests.push((i, j, p_raw, p_value(&syn_table, *lb, &answers_a, &answers_b)));
                }
            }
        }
        tick();
    }
    (pair_scores, tests)
}

fn mean(values: impl Iterator<Item = f64>) -> Option<f64> {
    let (sum, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| sum / n as f64)
}

/// The `WORST_LISTED` items with the largest `badness`, largest first.
fn worst_first<T>(mut items: Vec<T>, badness: impl Fn(&T) -> f64) -> Vec<T> {
    items.sort_by(|a, b| badness(b).total_cmp(&badness(a)));
    items.truncate(WORST_LISTED);
    items
}

/// ½ Σ |p_raw − p_syn| over the levels of one variable.
pub(crate) fn tvd_1d(n_levels: usize, raw: &[u32], syn: &[u32]) -> f64 {
    let mut r = vec![0u64; n_levels];
    let mut s = vec![0u64; n_levels];
    for &c in raw {
        r[c as usize] += 1;
    }
    for &c in syn {
        s[c as usize] += 1;
    }
    tvd_tables(&r, raw.len(), &s, syn.len())
}

fn tvd_tables(raw: &[u64], n_raw: usize, syn: &[u64], n_syn: usize) -> f64 {
    if n_raw == 0 || n_syn == 0 {
        return if n_raw == n_syn { 0.0 } else { 1.0 };
    }
    0.5 * raw
        .iter()
        .zip(syn)
        .map(|(&r, &s)| (r as f64 / n_raw as f64 - s as f64 / n_syn as f64).abs())
        .sum::<f64>()
}

/// Counts of a two-way table, row-major: cell (a, b) at `a * n_b + b`.
fn table(n_a: usize, a: &[u32], n_b: usize, b: &[u32]) -> Vec<u64> {
    let mut t = vec![0u64; n_a * n_b];
    for (&x, &y) in a.iter().zip(b) {
        t[x as usize * n_b + y as usize] += 1;
    }
    t
}

/// Levels that are answers, not missing reasons.
fn answer_levels(v: &MatchedVar) -> Vec<usize> {
    match &v.cells {
        Cells::Categorical { levels, .. } => (0..levels.len()).filter(|&l| !levels[l].is_missing()).collect(),
        Cells::Numeric { .. } => Vec::new(),
    }
}

/// Pearson's χ² p-value of the table restricted to answers on both sides (the core's
/// test, which drops empty rows and columns); `None` when it has no two answers on
/// either side.
fn p_value(t: &[u64], n_b: usize, answers_a: &[usize], answers_b: &[usize]) -> Option<f64> {
    let observed: Vec<Vec<f64>> = answers_a
        .iter()
        .map(|&a| answers_b.iter().map(|&b| t[a * n_b + b] as f64).collect())
        .collect();
    pearson(&observed).map(|r| r.2)
}

/// The two-sample Kolmogorov–Smirnov statistic of the values present on each side.
pub(crate) fn ks_statistic(raw: &[f64], syn: &[f64]) -> f64 {
    let mut a: Vec<f64> = raw.iter().copied().filter(|v| v.is_finite()).collect();
    let mut b: Vec<f64> = syn.iter().copied().filter(|v| v.is_finite()).collect();
    if a.is_empty() || b.is_empty() {
        return if a.len() == b.len() { 0.0 } else { 1.0 };
    }
    a.sort_by(f64::total_cmp);
    b.sort_by(f64::total_cmp);
    let (mut i, mut j, mut d) = (0usize, 0usize, 0.0f64);
    while i < a.len() && j < b.len() {
        let x = a[i].min(b[j]);
        while i < a.len() && a[i] <= x {
            i += 1;
        }
        while j < b.len() && b[j] <= x {
            j += 1;
        }
        d = d.max((i as f64 / a.len() as f64 - j as f64 / b.len() as f64).abs());
    }
    d
}

/// Pearson's r over rows where both numbers are present; `None` when either is constant.
fn pearson_r(x: &[f64], y: &[f64]) -> Option<f64> {
    let pairs: Vec<(f64, f64)> = x
        .iter()
        .zip(y)
        .filter(|(a, b)| a.is_finite() && b.is_finite())
        .map(|(&a, &b)| (a, b))
        .collect();
    let n = pairs.len() as f64;
    if n < 2.0 {
        return None;
    }
    let mx = pairs.iter().map(|p| p.0).sum::<f64>() / n;
    let my = pairs.iter().map(|p| p.1).sum::<f64>() / n;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in &pairs {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx).powi(2);
        syy += (b - my).powi(2);
    }
    (sxx > 0.0 && syy > 0.0).then(|| sxy / (sxx * syy).sqrt())
}

/// Karr et al.'s overlap of two intervals: the mean of the shared length's share of
/// each; 1 when identical, 0 or less when disjoint.
pub(crate) fn overlap(a: [f64; 2], b: [f64; 2]) -> f64 {
    let shared = a[1].min(b[1]) - a[0].max(b[0]);
    0.5 * (shared / (a[1] - a[0]) + shared / (b[1] - b[0]))
}

fn interval_overlaps(v: &MatchedVar) -> Vec<IntervalOverlap> {
    let Cells::Categorical { levels, raw, syn } = &v.cells else {
        return Vec::new();
    };
    let count = |codes: &[u32]| {
        let mut c = vec![0usize; levels.len()];
        for &x in codes {
            c[x as usize] += 1;
        }
        c
    };
    let (rc, sc) = (count(raw), count(syn));
    let answered = |c: &[usize]| {
        (0..levels.len())
            .filter(|&l| !levels[l].is_missing())
            .map(|l| c[l])
            .sum::<usize>()
    };
    let (rn, sn) = (answered(&rc), answered(&sc));
    if rn == 0 || sn == 0 {
        return Vec::new();
    }
    let is_option = levels.iter().any(|l| *l == Level::Answer(SELECTED.into())) && v.name.ends_with(']');
    let mut out = Vec::new();
    for (l, level) in levels.iter().enumerate() {
        let Level::Answer(label) = level else {
            continue;
        };
        if is_option && label != SELECTED {
            continue;
        }
        let (Some(ri), Some(si)) = (
            wilson_interval(rc[l] as f64, rn as f64),
            wilson_interval(sc[l] as f64, sn as f64),
        ) else {
            continue;
        };
        out.push(IntervalOverlap {
            name: v.name.clone(),
            answer: label.clone(),
            raw_percent: 100.0 * rc[l] as f64 / rn as f64,
            raw_interval: ri,
            synthetic_percent: 100.0 * sc[l] as f64 / sn as f64,
            synthetic_interval: si,
            overlap: overlap(ri, si),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::release::matched::match_file;
    use canvass_core::{load, Dataset, LoadOptions};

    fn dataset(csv: &str) -> Dataset {
        load(csv.as_bytes(), &LoadOptions::default()).unwrap().dataset
    }

    #[test]
    fn tvd_by_hand() {
        // Raw a,a,b,c against synthetic a,b,b,b: |1/2−1/4| + |1/4−3/4| + |1/4−0| = 1, halved.
        assert!((tvd_1d(3, &[0, 0, 1, 2], &[0, 1, 1, 1]) - 0.5).abs() < 1e-12);
        assert_eq!(tvd_1d(2, &[0, 1], &[1, 0]), 0.0);
    }

    #[test]
    fn ks_statistic_by_hand() {
        // ECDFs of {1,2,3,4} and {3,4,5,6} differ most at 2 (1/2 − 0) and at 4 (1 − 1/2).
        assert!((ks_statistic(&[1.0, 2.0, 3.0, 4.0], &[3.0, 4.0, 5.0, 6.0]) - 0.5).abs() < 1e-12);
        assert_eq!(ks_statistic(&[1.0, f64::NAN, 2.0], &[2.0, 1.0]), 0.0);
        assert_eq!(ks_statistic(&[1.0], &[2.0]), 1.0);
    }

    #[test]
    fn karr_overlap_by_hand() {
        assert_eq!(overlap([0.0, 10.0], [0.0, 10.0]), 1.0);
        // Shared [5, 10]: half of the first, a quarter of the second.
        assert!((overlap([0.0, 10.0], [5.0, 25.0]) - 0.375).abs() < 1e-12);
        assert!(overlap([0.0, 1.0], [2.0, 3.0]) < 0.0);
    }

    #[test]
    fn a_release_identical_to_its_raw_file_scores_perfectly() {
        let csv = "g,h,n\nx,p,1\ny,q,2\nx,q,3\ny,p,4\nx,p,5\ny,q,6\nx,p,7\ny,q,8\n";
        let raw = dataset(csv);
        let m = match_file("r.csv", &raw, &raw, &[]);
        let u = file_utility(&m, &mut || {});
        assert_eq!(u.column_shapes, Some(1.0));
        assert_eq!(u.pairs.mean_tvd, Some(0.0));
        assert_eq!(u.pairs.n_pairs, 3);
        assert_eq!(u.ci_overlap.mean, Some(1.0));
        assert!(u.pmse.as_ref().unwrap().pmse < 1e-12);
    }

    #[test]
    fn pair_tvd_sees_an_association_the_margins_hide() {
        // Same margins on both sides, but the release breaks the raw file's pairing.
        let raw = dataset("a,b\nx,p\nx,p\ny,q\ny,q\n");
        let syn = dataset("a,b\nx,q\nx,q\ny,p\ny,p\n");
        let u = file_utility(&match_file("r.csv", &raw, &syn, &[]), &mut || {});
        assert_eq!(u.column_shapes, Some(1.0));
        assert_eq!(u.pairs.worst[0].tvd, 1.0);
        assert_eq!(u.pairs.worst[0].score, Some(0.0));
    }

    #[test]
    fn conclusions_lost_and_kept() {
        // Raw: a and b perfectly associated over 40 rows (χ² = 40, p ≈ 2.5e-10);
        // the release pairs them at random (χ² = 0).
        let mut raw = String::from("a,b,c\n");
        let mut syn = String::from("a,b,c\n");
        for i in 0..40 {
            let (a, b) = if i % 2 == 0 { ("x", "p") } else { ("y", "q") };
            raw.push_str(&format!("{a},{b},{a}\n"));
            let b2 = if i % 4 < 2 { "p" } else { "q" };
            syn.push_str(&format!("{a},{b2},{a}\n"));
        }
        let u = file_utility(&match_file("r.csv", &dataset(&raw), &dataset(&syn), &[]), &mut || {});
        // a~b, a~c and b~c are all significant in the raw data; only a~c survives.
        assert_eq!(u.conclusions.n_tested, 3);
        assert_eq!(u.conclusions.n_significant_raw, 3);
        assert_eq!(u.conclusions.n_kept, 1);
        assert_eq!(u.conclusions.lost.len(), 2);
        assert!(u.conclusions.lost[0].p_raw < 1e-9);
    }
}
