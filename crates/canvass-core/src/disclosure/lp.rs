//! The exact attacker: the range a withheld count can take given everything a table
//! shows, as linear programming bounds it (the audit statistical agencies run on a
//! suppression pattern). Interval propagation through one sum at a time misses what
//! two sums imply together (a base and a "top two" row sharing two withheld options);
//! this does not.
//!
//! A small dense two-phase simplex with Bland's rule: the problems are one table's
//! withheld counts linked by its sums, tens to a few hundred variables.

use super::layout::{Constraint, Layout};

/// Tolerance for values that are zero up to rounding.
const EPS: f64 = 1e-9;

/// Stands in for a count with no upper bound.
pub const UNBOUNDED: f64 = f64::INFINITY;

#[derive(Clone, Copy, PartialEq)]
enum Sense {
    Equal,
    AtMost,
}

/// One linear row: `Σ coefficient · variable (sense) rhs`.
struct Row {
    terms: Vec<(usize, f64)>,
    sense: Sense,
    rhs: f64,
}

/// The lowest and highest value of entry `target` over every table consistent with
/// the shown entries (`withheld[i]` false), the layout's sums and bounds, and counts
/// that are never negative. A shown entry's range is its value.
pub fn range(layout: &Layout, withheld: &[bool], target: usize) -> (f64, f64) {
    let (range, _) = range_with_tables(layout, withheld, target);
    range
}

/// [`range`], with the consistent tables that reach its ends (every entry's value, the
/// shown ones and those not linked to `target` as they are). Such a table stays
/// consistent when more is withheld, so it can vouch for other entries' ranges later.
pub fn range_with_tables(layout: &Layout, withheld: &[bool], target: usize) -> ((f64, f64), Vec<Vec<f64>>) {
    let n = layout.entries[target].n as f64;
    if !withheld[target] {
        return ((n, n), Vec::new());
    }
    let (vars, rows) = problem(layout, withheld, target);
    let var = vars
        .iter()
        .position(|&e| e == target)
        .expect("the target is a variable");
    let [lower, upper] = extremes(&rows, vars.len(), var).unwrap_or([None, None]);
    let table = |vertex: &[f64]| -> Vec<f64> {
        let mut values: Vec<f64> = layout.entries.iter().map(|e| e.n as f64).collect();
        for (&entry, &v) in vars.iter().zip(vertex) {
            values[entry] = v;
        }
        values
    };
    let tables = [&lower, &upper]
        .iter()
        .filter_map(|end| end.as_ref().map(|(_, v)| table(v)))
        .collect();
    let range = (
        lower.map_or(0.0, |(v, _)| v.max(0.0)),
        upper.map_or(UNBOUNDED, |(v, _)| v),
    );
    (range, tables)
}

/// The withheld entries linked to `target` through constraints (the only ones that
/// can bound it) as variables, and those constraints as rows over them.
fn problem(layout: &Layout, withheld: &[bool], target: usize) -> (Vec<usize>, Vec<Row>) {
    let members = |c: &Constraint, out: &mut Vec<usize>| {
        out.clear();
        match c {
            Constraint::Sum { whole, parts } => {
                out.push(*whole);
                out.extend_from_slice(parts);
            }
            Constraint::AtMost { part, whole } => out.extend([*part, *whole]),
        }
    };
    let n_entries = layout.entries.len();
    // Which constraints each withheld entry takes part in, gathered in one pass.
    let mut by_entry: Vec<Vec<usize>> = vec![Vec::new(); n_entries];
    let mut m = Vec::new();
    for (c_idx, c) in layout.constraints.iter().enumerate() {
        members(c, &mut m);
        for &e in &m {
            if withheld[e] {
                by_entry[e].push(c_idx);
            }
        }
    }
    let mut var_of = vec![usize::MAX; n_entries];
    let mut vars = vec![target];
    var_of[target] = 0;
    let mut used = vec![false; layout.constraints.len()];
    let mut at = 0;
    while at < vars.len() {
        let entry = vars[at];
        at += 1;
        for &c_idx in &by_entry[entry] {
            if std::mem::replace(&mut used[c_idx], true) {
                continue;
            }
            members(&layout.constraints[c_idx], &mut m);
            for &e in &m {
                if withheld[e] && var_of[e] == usize::MAX {
                    var_of[e] = vars.len();
                    vars.push(e);
                }
            }
        }
    }
    let mut rows = Vec::new();
    for (c_idx, c) in layout.constraints.iter().enumerate() {
        if !used[c_idx] {
            continue;
        }
        let mut row = Row {
            terms: Vec::new(),
            sense: Sense::Equal,
            rhs: 0.0,
        };
        let add = |entry: usize, coefficient: f64, row: &mut Row| {
            if withheld[entry] {
                row.terms.push((var_of[entry], coefficient));
            } else {
                row.rhs -= coefficient * layout.entries[entry].n as f64;
            }
        };
        match c {
            Constraint::Sum { whole, parts } => {
                add(*whole, 1.0, &mut row);
                for &p in parts {
                    add(p, -1.0, &mut row);
                }
            }
            Constraint::AtMost { part, whole } => {
                row.sense = Sense::AtMost;
                add(*part, 1.0, &mut row);
                add(*whole, -1.0, &mut row);
            }
        }
        if !row.terms.is_empty() {
            rows.push(row);
        }
    }
    (vars, rows)
}

/// An optimal value and the variables' values at the vertex reaching it.
type Optimum = (f64, Vec<f64>);

/// The lowest and highest value of variable `objective` subject to `rows` and
/// non-negative variables, each `None` when unbounded; `None` altogether when the rows
/// admit no solution (which consistent counts never do). One first phase serves both.
fn extremes(rows: &[Row], n_vars: usize, objective: usize) -> Option<[Option<Optimum>; 2]> {
    let m = rows.len();
    let n_slack = rows.iter().filter(|r| r.sense == Sense::AtMost).count();
    // Columns: variables, slacks, artificials, then the right-hand side.
    let n_cols = n_vars + n_slack + m;
    let width = n_cols + 1;
    let mut t = vec![0.0; (m + 1) * width];
    let mut basis = vec![0usize; m];
    let mut slack = n_vars;
    for (i, row) in rows.iter().enumerate() {
        let sign = if row.rhs < 0.0 { -1.0 } else { 1.0 };
        let r = &mut t[i * width..(i + 1) * width];
        for &(v, c) in &row.terms {
            r[v] += sign * c;
        }
        if row.sense == Sense::AtMost {
            r[slack] = sign;
            slack += 1;
        }
        r[n_vars + n_slack + i] = 1.0;
        r[n_cols] = sign * row.rhs;
        basis[i] = n_vars + n_slack + i;
    }
    let artificial = |col: usize| col >= n_vars + n_slack && col < n_cols;
    // Phase 1: minimise the artificials' sum, written as maximising its negative.
    set_objective(&mut t, &basis, width, m, |col| if artificial(col) { -1.0 } else { 0.0 });
    simplex(&mut t, &mut basis, width, m, n_cols, &|_| true)?;
    if t[m * width + n_cols].abs() > 1e-7 {
        return None;
    }
    // Artificials still basic at zero: pivot them out where the row allows.
    for i in 0..m {
        if artificial(basis[i]) {
            if let Some(col) = (0..n_vars + n_slack).find(|&c| t[i * width + c].abs() > EPS) {
                pivot(&mut t, &mut basis, width, m, i, col);
            }
        }
    }
    // Phase 2 needs no artificials: drop their columns, and the rows whose artificial
    // could not leave (each such row is all zeros elsewhere: redundant). Then the
    // maximum, and from that vertex the minimum (as maximising the negative).
    let kept: Vec<usize> = (0..m).filter(|&i| !artificial(basis[i])).collect();
    let n_real = n_vars + n_slack;
    let (m2, width2) = (kept.len(), n_real + 1);
    let mut t2 = vec![0.0; (m2 + 1) * width2];
    for (new_i, &i) in kept.iter().enumerate() {
        t2[new_i * width2..new_i * width2 + n_real].copy_from_slice(&t[i * width..i * width + n_real]);
        t2[new_i * width2 + n_real] = t[i * width + n_cols];
    }
    let mut basis2: Vec<usize> = kept.iter().map(|&i| basis[i]).collect();
    // Each optimum with the vertex reaching it (the variables' values).
    let mut solve = |sign: f64| {
        set_objective(
            &mut t2,
            &basis2,
            width2,
            m2,
            |col| if col == objective { sign } else { 0.0 },
        );
        simplex(&mut t2, &mut basis2, width2, m2, n_real, &|_| true).map(|()| {
            let mut vertex = vec![0.0; n_vars];
            for (i, &b) in basis2.iter().enumerate() {
                if b < n_vars {
                    vertex[b] = t2[i * width2 + n_real];
                }
            }
            (sign * t2[m2 * width2 + n_real], vertex)
        })
    };
    let upper = solve(1.0);
    let lower = solve(-1.0);
    Some([lower, upper])
}

/// Writes the objective row for maximising `Σ c(col) · col`, in terms of the basis: the
/// row holds reduced costs negated, and its last entry the objective's value.
fn set_objective(t: &mut [f64], basis: &[usize], width: usize, m: usize, c: impl Fn(usize) -> f64) {
    let obj = m * width;
    for col in 0..width - 1 {
        t[obj + col] = -c(col);
    }
    t[obj + width - 1] = 0.0;
    for (i, &b) in basis.iter().enumerate() {
        let cb = c(b);
        if cb != 0.0 {
            for col in 0..width {
                t[obj + col] += cb * t[i * width + col];
            }
        }
    }
}

/// Maximises the objective row; `None` when unbounded. Bland's rule (lowest index
/// enters and leaves) rules out cycling on these degenerate problems.
fn simplex(
    t: &mut [f64],
    basis: &mut [usize],
    width: usize,
    m: usize,
    n_cols: usize,
    may_enter: &dyn Fn(usize) -> bool,
) -> Option<()> {
    let obj = m * width;
    for _ in 0..50_000 {
        let Some(enter) = (0..n_cols).find(|&col| may_enter(col) && t[obj + col] < -EPS) else {
            return Some(());
        };
        let mut leave: Option<(usize, f64)> = None;
        for i in 0..m {
            let a = t[i * width + enter];
            if a > EPS {
                let ratio = t[i * width + n_cols] / a;
                let better = match leave {
                    None => true,
                    Some((l, best)) => ratio < best - EPS || (ratio <= best + EPS && basis[i] < basis[l]),
                };
                if better {
                    leave = Some((i, ratio));
                }
            }
        }
        let (row, _) = leave?;
        pivot(t, basis, width, m, row, enter);
    }
    None
}

fn pivot(t: &mut [f64], basis: &mut [usize], width: usize, m: usize, row: usize, col: usize) {
    let p = t[row * width + col];
    // Sum constraints make a sparse pivot row: only its non-zero columns change others.
    let mut nonzero = Vec::new();
    for c in 0..width {
        let v = t[row * width + c] / p;
        t[row * width + c] = v;
        if v != 0.0 {
            nonzero.push(c);
        }
    }
    for i in 0..=m {
        if i == row {
            continue;
        }
        let f = t[i * width + col];
        if f != 0.0 {
            for &c in &nonzero {
                t[i * width + c] -= f * t[row * width + c];
            }
        }
    }
    basis[row] = col;
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::disclosure::layout::{key1, Role};
    use crate::disclosure::tests::one_way;

    #[test]
    fn two_withheld_options_share_what_the_total_leaves() {
        let layout = one_way(&[40, 3, 12, 25]);
        let withheld = [false, true, true, false, false];
        assert_eq!(range(&layout, &withheld, 1), (0.0, 15.0));
        assert_eq!(range(&layout, &withheld, 2), (0.0, 15.0));
        assert_eq!(range(&layout, &withheld, 0), (40.0, 40.0));
    }

    #[test]
    fn two_sums_together_pin_what_each_alone_does_not() {
        // Less than high school 7, then 77, 246, 408; Doctorate 361 and Other 19 with
        // their "top two" row of 380 shown: 1118 − 731 − 380 = 7.
        let mut layout = one_way(&[7, 77, 246, 408, 361, 19]);
        let top_two = layout.push(380, Role::Cell, key1(1, 0));
        layout.sum(top_two, vec![4, 5]);
        let withheld = [true, false, false, false, true, true, false, false];
        assert_eq!(range(&layout, &withheld, 0), (7.0, 7.0));
        assert_eq!(range(&layout, &withheld, 5), (0.0, 380.0));
    }

    #[test]
    fn a_bound_without_a_sum_caps_from_above_only() {
        let mut layout = Layout::default();
        let part = layout.push(4, Role::Cell, key1(0, 0));
        let whole = layout.push(30, Role::Fixed, key1(0, 1));
        layout.at_most(part, whole);
        assert_eq!(range(&layout, &[true, false], part), (0.0, 30.0));
        let lone = layout.push(9, Role::Cell, key1(0, 2));
        assert_eq!(range(&layout, &[true, false, true], lone), (0.0, UNBOUNDED));
    }

    #[test]
    fn a_crosstab_with_shown_margins_keeps_four_withheld_cells_in_a_box() {
        // 2 × 2 of withheld cells (3, 20 / 30, 47) with shown row and column totals:
        // each cell ranges over what its margins allow.
        let mut layout = Layout::default();
        let cells: Vec<usize> = [3, 20, 30, 47]
            .iter()
            .enumerate()
            .map(|(i, &n)| layout.push(n, Role::Cell, key1(0, i)))
            .collect();
        let r0 = layout.push(23, Role::Fixed, key1(1, 0));
        let r1 = layout.push(77, Role::Fixed, key1(1, 1));
        let c0 = layout.push(33, Role::Fixed, key1(2, 0));
        let c1 = layout.push(67, Role::Fixed, key1(2, 1));
        layout.sum(r0, vec![cells[0], cells[1]]);
        layout.sum(r1, vec![cells[2], cells[3]]);
        layout.sum(c0, vec![cells[0], cells[2]]);
        layout.sum(c1, vec![cells[1], cells[3]]);
        let withheld = [true, true, true, true, false, false, false, false];
        // x0 ≤ 23 (row) and ≤ 33 (column); x0 ≥ 0 and x3 = 47 + x0 − 3 stays ≤ 67.
        assert_eq!(range(&layout, &withheld, 0), (0.0, 23.0));
        assert_eq!(range(&layout, &withheld, 3), (44.0, 67.0));
    }
}
