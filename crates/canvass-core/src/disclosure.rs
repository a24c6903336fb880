//! Disclosure control: which numbers of a table may be shown.
//!
//! A count of fewer than `k` respondents (k = 10 by default) is withheld, and so is
//! everything derived from it. Withholding one number is not enough when the others
//! and the margins add up to it, so [`protect`] also withholds complementary numbers
//! until no withheld small count can be worked out from what is shown. It checks
//! that by running an attacker over the published numbers: interval propagation
//! through every sum and bound the table satisfies, the way one narrows down a
//! withheld cell from its row, its column and the totals.
//!
//! A withheld number and a genuine zero look the same (both `None`), and zeros are
//! withheld like any count below `k`; a zero is not itself protected, as it describes
//! nobody.
//!
//! [`check_view`] guards the rows a table describes: a filter may not leave fewer
//! than `k` respondents, and no single condition of it may set apart fewer than `k`
//! from the view without it, which would let two tables be subtracted. The same idea
//! cell by cell: a count that differs by 1 to k − 1 from the same count in the view
//! without one condition is flagged ([`Layout::flag_differencing`]) and protected like
//! a small count, so that a table, the table of the wider view and the table of the
//! complement (the wider view with the condition negated) never pin down a small
//! count between them.
//!
//! Everything here is a pure function of the counts and the table's shape, with ties
//! broken by option identity rather than by position, so the same table reached two
//! ways (a crosstab and its transpose) is suppressed the same way.
//!
//! What this module does not do: protect against differencing between views that
//! are not one condition apart (two filters that describe the same respondents in
//! different words, or arbitrary pairs of views), against linking different tables
//! (a crosstab against the frequencies of its own row question), or against exact
//! linear-programming attacks that interval propagation cannot match. Closing those
//! takes perturbation of published counts, which this project does not do.

use crate::dataset::Dataset;
use crate::error::StatsError;
use crate::filter::Filter;

/// The release threshold used when a dataset does not say otherwise.
pub const DEFAULT_K: usize = 10;

/// The respondents a filtered table may describe, or a refusal.
///
/// With `k == 0` every view is allowed.
pub fn check_view(dataset: &Dataset, filter: &Filter, k: usize) -> Result<Vec<bool>, StatsError> {
    let mask = filter.mask(dataset);
    if k == 0 {
        return Ok(mask);
    }
    let n_view = mask.iter().filter(|&&m| m).count();
    if n_view < k {
        return Err(StatsError::UniverseTooSmall { k });
    }
    for (cond_idx, condition) in filter.conditions.iter().enumerate() {
        let n_without = filter
            .mask_without(dataset, Some(cond_idx))
            .iter()
            .filter(|&&m| m)
            .count();
        // A condition that removes nobody shows nothing new; one that removes a few
        // would let the two tables be subtracted.
        let set_apart = n_without - n_view;
        if set_apart > 0 && set_apart < k {
            return Err(StatsError::Differencing {
                condition: condition.describe(dataset),
                k,
            });
        }
    }
    Ok(mask)
}

/// How a number of a table is published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Shown unless disclosure control withholds it.
    Cell,
    /// Always shown (a table's grand total or stated base); must be at least `k`.
    Fixed,
    /// Never shown, but constrained by the table's sums (a base that another base
    /// kind would show, a count implied by percentages).
    Hidden,
}

/// Orders candidates for complementary suppression: smallest count first, then by
/// identity. The identity is a sorted pair of (question, option) so that a cell has
/// the same key in a table and in its transpose.
pub type EntryKey = [(usize, usize); 2];

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Respondents, unweighted.
    pub n: usize,
    pub role: Role,
    pub key: EntryKey,
    /// Set by [`Layout::flag_differencing`]: this count differs by fewer than k from
    /// the same count in a wider view, so it is protected like a small count.
    pub flagged: bool,
}

/// What the published numbers of a table satisfy, whatever their values.
#[derive(Debug, Clone, PartialEq)]
pub enum Constraint {
    /// `entries[whole] = Σ entries[parts]`.
    Sum { whole: usize, parts: Vec<usize> },
    /// `entries[part] ≤ entries[whole]`, as an option's selections within its base.
    AtMost { part: usize, whole: usize },
}

/// A table as disclosure control sees it: counts and the arithmetic linking them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Layout {
    pub entries: Vec<Entry>,
    pub constraints: Vec<Constraint>,
}

impl Layout {
    pub fn push(&mut self, n: usize, role: Role, key: EntryKey) -> usize {
        self.entries.push(Entry {
            n,
            role,
            key,
            flagged: false,
        });
        self.entries.len() - 1
    }

    pub fn sum(&mut self, whole: usize, parts: Vec<usize>) {
        self.constraints.push(Constraint::Sum { whole, parts });
    }

    pub fn at_most(&mut self, part: usize, whole: usize) {
        self.constraints.push(Constraint::AtMost { part, whole });
    }

    /// Flags every entry whose count in a wider view (the same table over the view
    /// without one filter condition) exceeds its count here by 1 to k − 1. Shown side
    /// by side, the two would give that small difference away, and so would this table
    /// next to the table of the complement, whose flags mirror these.
    pub fn flag_differencing(&mut self, wider_counts: &[usize], k: usize) {
        for (entry, &wider) in self.entries.iter_mut().zip(wider_counts) {
            let difference = wider.saturating_sub(entry.n);
            if difference >= 1 && difference < k {
                entry.flagged = true;
            }
        }
    }

    pub fn counts(&self) -> Vec<usize> {
        self.entries.iter().map(|e| e.n).collect()
    }
}

/// A key for an entry that belongs to one option of one question.
pub fn key1(question_idx: usize, option_idx: usize) -> EntryKey {
    [(question_idx, option_idx), (usize::MAX, usize::MAX)]
}

/// A key for an entry that belongs to two (question, option) pairs, in either order.
pub fn key2(a: (usize, usize), b: (usize, usize)) -> EntryKey {
    if a <= b {
        [a, b]
    } else {
        [b, a]
    }
}

/// No suppression pattern protects every small count of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unprotectable;

/// Decides which entries to withhold: `true` means withheld. Hidden entries are
/// always `true`. With `k == 0` nothing else is withheld.
///
/// Fails when a fixed entry is below `k` or when no pattern protects every small
/// count (the caller turns that into a refusal).
pub fn protect(layout: &Layout, k: usize) -> Result<Vec<bool>, Unprotectable> {
    let entries = &layout.entries;
    let mut withheld: Vec<bool> = entries
        .iter()
        .map(|e| e.role == Role::Hidden || (k > 0 && e.role == Role::Cell && (e.n < k || e.flagged)))
        .collect();
    if k == 0 {
        return Ok(withheld);
    }
    if entries.iter().any(|e| e.role == Role::Fixed && (e.n < k || e.flagged)) {
        return Err(Unprotectable);
    }
    let order = |i: usize| (entries[i].n, entries[i].key);
    let candidate_in = |members: &[usize], withheld: &[bool]| -> Option<usize> {
        members
            .iter()
            .copied()
            .filter(|&i| !withheld[i] && entries[i].role == Role::Cell)
            .min_by_key(|&i| order(i))
    };
    loop {
        // Rule of two: a sum with exactly one unknown gives it away, so every sum
        // that has one withheld member gets a second. All sums are handled in one
        // round before any choice is applied, so the result does not depend on the
        // order in which sums are listed.
        loop {
            let mut additions = Vec::new();
            for c in &layout.constraints {
                if let Constraint::Sum { whole, parts } = c {
                    let members: Vec<usize> = std::iter::once(*whole).chain(parts.iter().copied()).collect();
                    // A sum with a hidden member is left to the audit below: the
                    // hidden number may or may not be derivable from elsewhere.
                    let has_hidden = members.iter().any(|&i| entries[i].role == Role::Hidden);
                    if !has_hidden && members.iter().filter(|&&i| withheld[i]).count() == 1 {
                        if let Some(i) = candidate_in(&members, &withheld) {
                            additions.push(i);
                        }
                    }
                }
            }
            if additions.is_empty() {
                break;
            }
            for i in additions {
                withheld[i] = true;
            }
        }
        // Audit: what could an attacker still pin down exactly?
        let bounds = attack(layout, &withheld);
        let exposed: Vec<usize> = (0..entries.len())
            .filter(|&i| withheld[i] && is_sensitive(&entries[i], k) && bounds[i].0 == bounds[i].1)
            .collect();
        if exposed.is_empty() {
            return Ok(withheld);
        }
        let mut additions = Vec::new();
        for &i in &exposed {
            let best = layout
                .constraints
                .iter()
                .filter_map(|c| {
                    let members = constraint_members(c);
                    if members.contains(&i) {
                        candidate_in(&members, &withheld)
                    } else {
                        None
                    }
                })
                .min_by_key(|&j| order(j));
            additions.extend(best);
        }
        if additions.is_empty() {
            // Every sum through an exposed count is withheld already: fall back to
            // withholding the smallest shown cell anywhere, which always makes progress.
            match (0..entries.len())
                .filter(|&i| !withheld[i] && entries[i].role == Role::Cell)
                .min_by_key(|&i| order(i))
            {
                Some(i) => additions.push(i),
                None => return Err(Unprotectable),
            }
        }
        for i in additions {
            withheld[i] = true;
        }
    }
}

/// Whether pinning this entry down would disclose something: a small non-zero count,
/// or a count that differs from a wider view's by a small amount.
fn is_sensitive(entry: &Entry, k: usize) -> bool {
    (entry.n >= 1 && entry.n < k) || entry.flagged
}

fn constraint_members(c: &Constraint) -> Vec<usize> {
    match c {
        Constraint::Sum { whole, parts } => std::iter::once(*whole).chain(parts.iter().copied()).collect(),
        Constraint::AtMost { part, whole } => vec![*part, *whole],
    }
}

/// Stands in for "no upper bound known".
const UNBOUNDED: i64 = i64::MAX / 4;

/// The attacker: the tightest interval for every entry that interval propagation can
/// derive from the shown entries, non-negativity and the table's constraints. A shown
/// entry's interval is its value.
pub fn attack(layout: &Layout, withheld: &[bool]) -> Vec<(i64, i64)> {
    let mut bounds: Vec<(i64, i64)> = layout
        .entries
        .iter()
        .zip(withheld)
        .map(|(e, &w)| if w { (0, UNBOUNDED) } else { (e.n as i64, e.n as i64) })
        .collect();
    let add = |a: i64, b: i64| a.saturating_add(b).min(UNBOUNDED);
    let sub = |a: i64, b: i64| if a >= UNBOUNDED { UNBOUNDED } else { a.saturating_sub(b) };
    // Every pass only narrows integer intervals, so this terminates; the cap guards
    // against slow convergence on large unbounded cycles.
    for _ in 0..1000 {
        let mut changed = false;
        let mut tighten = |i: usize, lo: i64, hi: i64, bounds: &mut Vec<(i64, i64)>| {
            let (old_lo, old_hi) = bounds[i];
            let new = (old_lo.max(lo).max(0), old_hi.min(hi));
            if new != (old_lo, old_hi) {
                bounds[i] = new;
                changed = true;
            }
        };
        for c in &layout.constraints {
            match c {
                Constraint::Sum { whole, parts } => {
                    let lo_sum = parts.iter().fold(0, |acc, &p| add(acc, bounds[p].0));
                    let hi_sum = parts.iter().fold(0, |acc, &p| add(acc, bounds[p].1));
                    tighten(*whole, lo_sum, hi_sum, &mut bounds);
                    let (w_lo, w_hi) = bounds[*whole];
                    for &p in parts {
                        let others_hi = sub(hi_sum, bounds[p].1);
                        let others_lo = lo_sum - bounds[p].0;
                        let lo = if others_hi >= UNBOUNDED { 0 } else { w_lo - others_hi };
                        let hi = sub(w_hi, others_lo);
                        tighten(p, lo, hi, &mut bounds);
                    }
                }
                Constraint::AtMost { part, whole } => {
                    let (p_lo, _) = bounds[*part];
                    let (_, w_hi) = bounds[*whole];
                    tighten(*part, 0, w_hi, &mut bounds);
                    tighten(*whole, p_lo, UNBOUNDED, &mut bounds);
                }
            }
        }
        if !changed {
            break;
        }
    }
    bounds
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A one-way table: options summing to a fixed total.
    fn one_way(counts: &[usize]) -> Layout {
        let mut layout = Layout::default();
        let parts: Vec<usize> = counts
            .iter()
            .enumerate()
            .map(|(i, &n)| layout.push(n, Role::Cell, key1(0, i)))
            .collect();
        let total = layout.push(counts.iter().sum(), Role::Fixed, key1(0, usize::MAX));
        layout.sum(total, parts);
        layout
    }

    #[test]
    fn a_lone_small_count_gets_the_smallest_other_as_complement() {
        // 3 is primary; 12 is the smallest other, so 3 and 12 share 15 and neither is known.
        let layout = one_way(&[40, 3, 12, 25]);
        let withheld = protect(&layout, 10).unwrap();
        assert_eq!(withheld, [false, true, true, false, false]);
        let b = attack(&layout, &withheld);
        assert_eq!(b[1], (0, 15));
        assert_eq!(b[2], (0, 15));
    }

    #[test]
    fn two_small_counts_protect_each_other_and_zero_needs_no_partner() {
        let withheld = protect(&one_way(&[40, 3, 4, 25]), 10).unwrap();
        assert_eq!(withheld, [false, true, true, false, false]);
        // A zero is withheld (it looks like any small count) but describes nobody.
        let withheld = protect(&one_way(&[40, 0, 25]), 10).unwrap();
        assert_eq!(withheld, [false, true, true, false]);
    }

    #[test]
    fn k_zero_shows_everything_and_small_fixed_totals_are_refused() {
        assert_eq!(protect(&one_way(&[1, 2]), 0).unwrap(), [false, false, false]);
        assert!(protect(&one_way(&[1, 2]), 10).is_err());
    }

    #[test]
    fn attacker_pins_a_cell_through_rows_and_columns() {
        // 2x2 table a b / c d with all margins shown: withholding only a and d leaves
        // each alone in its row, so the attacker pins both.
        let mut l = Layout::default();
        let cells: Vec<usize> = [5, 20, 30, 6]
            .iter()
            .enumerate()
            .map(|(i, &n)| l.push(n, Role::Cell, key2((0, i / 2), (1, i % 2))))
            .collect();
        let r0 = l.push(25, Role::Cell, key1(0, 0));
        let r1 = l.push(36, Role::Cell, key1(0, 1));
        let c0 = l.push(35, Role::Cell, key1(1, 0));
        let c1 = l.push(26, Role::Cell, key1(1, 1));
        let t = l.push(61, Role::Fixed, key1(usize::MAX, 0));
        l.sum(r0, vec![cells[0], cells[1]]);
        l.sum(r1, vec![cells[2], cells[3]]);
        l.sum(c0, vec![cells[0], cells[2]]);
        l.sum(c1, vec![cells[1], cells[3]]);
        l.sum(t, vec![r0, r1]);
        l.sum(t, vec![c0, c1]);
        let mut naive = vec![false; l.entries.len()];
        naive[0] = true;
        naive[3] = true;
        let b = attack(&l, &naive);
        assert_eq!((b[0], b[3]), ((5, 5), (6, 6)));
        // protect withholds the whole 2x2 interior; each cell then ranges over 0..=min(row, col).
        let withheld = protect(&l, 10).unwrap();
        assert_eq!(&withheld[..4], [true, true, true, true]);
        let b = attack(&l, &withheld);
        assert!(b[0].0 < b[0].1 && b[3].0 < b[3].1, "{b:?}");
    }
}
