//! The propensity-score mean squared error (Woo et al. 2009; Snoke et al. 2018): how
//! well a logistic regression with main effects tells synthetic rows from raw ones.
//!
//! The design has an intercept, a dummy per categorical level (missing reasons
//! included) but the first that occurs, and per number its value plus a dummy per gap
//! kind. Columns that are linear combinations of earlier ones are dropped in order, as
//! R's `glm` drops aliased coefficients, so `k` counts identifiable parameters only.
//! The fit is Newton's method (IRLS) with a small ridge on the slopes, which keeps
//! coefficients finite when a level occurs on one side only (separation).

use super::matched::{gap_code, Cells, MatchedVar};
use serde::Serialize;

/// Ridge on the slopes, in units of the log-likelihood: small enough to leave an
/// identifiable fit where it is, large enough to stop a separated level's coefficient
/// at a probability within 1e-3 of 0 or 1.
const RIDGE: f64 = 1e-4;
/// R's `lm.fit` tolerance for a column that adds nothing to the ones before it.
const ALIAS_TOLERANCE: f64 = 1e-7;
const MAX_ITERATIONS: usize = 50;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pmse {
    /// (1/N) Σ (p̂ − c)².
    pub pmse: f64,
    /// Its expectation when raw and synthetic rows come from one distribution:
    /// (k − 1)(1 − c)² c / N.
    pub expected: f64,
    /// pmse / expected; about 1 when the discriminator finds nothing.
    pub s_pmse: f64,
    /// Parameters of the discriminator, intercept included.
    pub k: usize,
    /// Share of synthetic rows in the stacked data, m / (n + m).
    pub c: f64,
    /// Rows stacked, n + m.
    pub n: usize,
    pub iterations: usize,
    pub converged: bool,
}

/// A stacked row's non-zero design entries (column, value); column 0 is the intercept.
struct Design {
    rows: Vec<Vec<(u32, f64)>>,
    n_cols: usize,
}

fn design(vars: &[&MatchedVar], n_raw: usize, n_syn: usize) -> Design {
    let n = n_raw + n_syn;
    let mut rows: Vec<Vec<(u32, f64)>> = (0..n).map(|_| vec![(0, 1.0)]).collect();
    let mut n_cols = 1u32;
    for var in vars {
        match &var.cells {
            Cells::Categorical { levels, raw, syn } => {
                let mut counts = vec![0usize; levels.len()];
                for &c in raw.iter().chain(syn) {
                    counts[c as usize] += 1;
                }
                let Some(base) = counts.iter().position(|&c| c > 0) else {
                    continue;
                };
                let mut column = vec![u32::MAX; levels.len()];
                for (level, &count) in counts.iter().enumerate().skip(base + 1) {
                    if count > 0 {
                        column[level] = n_cols;
                        n_cols += 1;
                    }
                }
                for (row, &c) in raw.iter().chain(syn).enumerate() {
                    if column[c as usize] != u32::MAX {
                        rows[row].push((column[c as usize], 1.0));
                    }
                }
            }
            Cells::Numeric {
                raw,
                raw_gaps,
                syn,
                syn_gaps,
            } => {
                let present: Vec<f64> = raw.iter().chain(syn).copied().filter(|v| v.is_finite()).collect();
                let gaps: Vec<Option<u32>> = raw_gaps.iter().chain(syn_gaps).map(|g| g.map(gap_code)).collect();
                // Standardised so that the Newton system is well scaled; a number's fit
                // does not depend on its scale.
                if present.len() > 1 {
                    let mean = present.iter().sum::<f64>() / present.len() as f64;
                    let var = present.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / present.len() as f64;
                    if var > 0.0 {
                        let sd = var.sqrt();
                        let col = n_cols;
                        n_cols += 1;
                        for (row, v) in raw.iter().chain(syn).enumerate() {
                            if gaps[row].is_none() {
                                rows[row].push((col, (v - mean) / sd));
                            }
                        }
                    }
                }
                let mut kinds: Vec<u32> = gaps.iter().flatten().copied().collect();
                kinds.sort_unstable();
                kinds.dedup();
                for kind in kinds {
                    let col = n_cols;
                    n_cols += 1;
                    for (row, g) in gaps.iter().enumerate() {
                        if *g == Some(kind) {
                            rows[row].push((col, 1.0));
                        }
                    }
                }
            }
        }
    }
    Design {
        rows,
        n_cols: n_cols as usize,
    }
}

/// Σ w_i x_i x_iᵀ over rows, as a dense lower triangle in a full square. Each row's
/// entries are in increasing column order, so every product lands below the diagonal.
fn gram(design: &Design, weight: impl Fn(usize) -> f64) -> Vec<f64> {
    let k = design.n_cols;
    let mut g = vec![0.0; k * k];
    for (row, x) in design.rows.iter().enumerate() {
        let w = weight(row);
        if w == 0.0 {
            continue;
        }
        for (a, &(i, vi)) in x.iter().enumerate() {
            let wi = w * vi;
            let g_row = &mut g[i as usize * k..];
            for &(j, vj) in &x[..=a] {
                g_row[j as usize] += wi * vj;
            }
        }
    }
    g
}

/// The design with only the kept columns, renumbered.
fn restrict(design: &Design, keep: &[Option<usize>], k: usize) -> Design {
    let rows = design
        .rows
        .iter()
        .map(|x| {
            x.iter()
                .filter_map(|&(c, v)| keep[c as usize].map(|p| (p as u32, v)))
                .collect()
        })
        .collect();
    Design { rows, n_cols: k }
}

/// Columns independent of the columns before them, by a Cholesky factorisation that
/// skips a column whose remaining variance is below the tolerance.
fn independent_columns(design: &Design) -> Vec<Option<usize>> {
    let k = design.n_cols;
    let g = gram(design, |_| 1.0);
    let mut l = vec![0.0; k * k];
    let mut kept: Vec<usize> = Vec::new();
    for j in 0..k {
        let diag = g[j * k + j];
        let mut col = vec![0.0; kept.len()];
        for (a, &i) in kept.iter().enumerate() {
            let mut s = g[j.max(i) * k + j.min(i)];
            for b in 0..a {
                s -= l[a * k + b] * col[b];
            }
            col[a] = s / l[a * k + a];
        }
        let rest = diag - col.iter().map(|v| v * v).sum::<f64>();
        if diag > 0.0 && rest > ALIAS_TOLERANCE * diag {
            let a = kept.len();
            for (b, v) in col.iter().enumerate() {
                l[a * k + b] = *v;
            }
            l[a * k + a] = rest.sqrt();
            kept.push(j);
        }
    }
    let mut keep = vec![None; k];
    for (p, &j) in kept.iter().enumerate() {
        keep[j] = Some(p);
    }
    keep
}

/// Solves (L Lᵀ) x = b for a symmetric positive definite matrix given as its lower
/// triangle; `None` when it is not positive definite.
fn cholesky_solve(mut a: Vec<f64>, k: usize, b: &[f64]) -> Option<Vec<f64>> {
    for j in 0..k {
        let mut d = a[j * k + j];
        for p in 0..j {
            d -= a[j * k + p] * a[j * k + p];
        }
        if d <= 0.0 {
            return None;
        }
        let d = d.sqrt();
        a[j * k + j] = d;
        for i in j + 1..k {
            let mut s = a[i * k + j];
            for p in 0..j {
                s -= a[i * k + p] * a[j * k + p];
            }
            a[i * k + j] = s / d;
        }
    }
    let mut y = b.to_vec();
    for i in 0..k {
        for p in 0..i {
            y[i] -= a[i * k + p] * y[p];
        }
        y[i] /= a[i * k + i];
    }
    for i in (0..k).rev() {
        for p in i + 1..k {
            y[i] -= a[p * k + i] * y[p];
        }
        y[i] /= a[i * k + i];
    }
    Some(y)
}

fn sigmoid(eta: f64) -> f64 {
    1.0 / (1.0 + (-eta).exp())
}

/// pMSE of the given variables; `None` without rows on either side.
pub(crate) fn pmse(vars: &[&MatchedVar], n_raw: usize, n_syn: usize) -> Option<Pmse> {
    if n_raw == 0 || n_syn == 0 {
        return None;
    }
    let full = design(vars, n_raw, n_syn);
    let keep = independent_columns(&full);
    let k = keep.iter().flatten().count();
    let design = restrict(&full, &keep, k);
    drop(full);
    let n = n_raw + n_syn;
    let c = n_syn as f64 / n as f64;
    let y = |row: usize| if row >= n_raw { 1.0 } else { 0.0 };
    let mut beta = vec![0.0; k];
    beta[0] = (c / (1.0 - c)).ln();
    let mut p = vec![c; n];
    let mut iterations = 0;
    let mut converged = false;
    while iterations < MAX_ITERATIONS {
        iterations += 1;
        let mut h = gram(&design, |row| p[row] * (1.0 - p[row]));
        let mut grad = vec![0.0; k];
        for (row, x) in design.rows.iter().enumerate() {
            let r = y(row) - p[row];
            for &(col, v) in x {
                grad[col as usize] += r * v;
            }
        }
        for j in 1..k {
            h[j * k + j] += RIDGE;
            grad[j] -= RIDGE * beta[j];
        }
        let Some(step) = cholesky_solve(h, k, &grad) else {
            break;
        };
        let biggest = step.iter().fold(0.0f64, |m, s| m.max(s.abs()));
        for (b, s) in beta.iter_mut().zip(&step) {
            *b += s;
        }
        for (row, x) in design.rows.iter().enumerate() {
            let eta: f64 = x.iter().map(|&(col, v)| beta[col as usize] * v).sum();
            p[row] = sigmoid(eta);
        }
        if biggest < 1e-8 {
            converged = true;
            break;
        }
    }
    let pmse = p.iter().map(|pi| (pi - c).powi(2)).sum::<f64>() / n as f64;
    let expected = (k as f64 - 1.0) * (1.0 - c).powi(2) * c / n as f64;
    Some(Pmse {
        pmse,
        expected,
        s_pmse: if expected > 0.0 { pmse / expected } else { f64::NAN },
        k,
        c,
        n,
        iterations,
        converged,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::release::encoded::Level;

    fn cat(name: &str, labels: &[&str], raw: &[u32], syn: &[u32]) -> MatchedVar {
        MatchedVar {
            name: name.into(),
            question_id: name.into(),
            quasi: false,
            scored: true,
            cells: Cells::Categorical {
                levels: labels.iter().map(|l| Level::Answer(l.to_string())).collect(),
                raw: raw.to_vec(),
                syn: syn.to_vec(),
            },
        }
    }

    #[test]
    fn one_binary_variable_has_the_closed_form_of_a_two_by_two_table() {
        // With one dummy the fitted probability of a row is the synthetic share of its
        // level: level a has 6 raw and 2 synthetic rows (p = 1/4), level b 4 and 8
        // (p = 2/3); c = 1/2.
        let raw = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1];
        let syn = [0, 0, 1, 1, 1, 1, 1, 1, 1, 1];
        let v = cat("x", &["a", "b"], &raw, &syn);
        let got = pmse(&[&v], 10, 10).unwrap();
        let c: f64 = 10.0 / 20.0;
        let expected_pmse = (8.0 * (0.25f64 - c).powi(2) + 12.0 * (2.0f64 / 3.0 - c).powi(2)) / 20.0;
        // The ridge pulls the slope in by a hair on 20 rows.
        assert!((got.pmse - expected_pmse).abs() < 2e-5, "{got:?} vs {expected_pmse}");
        assert_eq!(got.k, 2);
        assert!((got.expected - 1.0 * 0.25 * 0.5 / 20.0).abs() < 1e-12);
        assert!(got.converged);
    }

    #[test]
    fn identical_sides_give_zero_and_aliased_columns_are_not_counted() {
        let raw = [0, 1, 2, 0, 1, 2];
        let v = cat("x", &["a", "b", "c"], &raw, &raw);
        // The same variable again: its dummies repeat the first one's, adding nothing.
        let w = cat("y", &["a", "b", "c"], &raw, &raw);
        let got = pmse(&[&v, &w], 6, 6).unwrap();
        assert!(got.pmse < 1e-12, "{got:?}");
        assert_eq!(got.k, 3);
    }

    #[test]
    fn a_level_on_one_side_only_stays_finite() {
        let v = cat("x", &["a", "b"], &[0, 0, 0, 0], &[1, 1, 1, 1]);
        let got = pmse(&[&v], 4, 4).unwrap();
        // Perfect separation: every p̂ near 0 or 1, so pMSE near c(1 − c) = 0.25.
        assert!((got.pmse - 0.25).abs() < 1e-3, "{got:?}");
    }
}
