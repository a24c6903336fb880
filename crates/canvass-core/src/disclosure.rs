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
//! than `k` respondents, and dropping any of its conditions may not widen the view by
//! fewer than `k`, which would let two tables be subtracted. The same idea cell by
//! cell: a count that differs by 1 to k − 1 from the same count in such a wider view
//! is flagged ([`Layout::flag_differencing`]) and protected like a small count; and a
//! table and the table of its complement within each wider view choose their withheld
//! cells together ([`protect_split`]), against the wider table and everything set
//! beside it, so that between them they never pin down a small count.
//! `view::protect_table` drives this over the lattice of a filter's conditions.
//!
//! Everything here is a pure function of the counts and the table's shape, with ties
//! broken by option identity rather than by position, so the same table reached two
//! ways (a crosstab and its transpose) is suppressed the same way.
//!
//! What this module does not do: protect against differencing between views that
//! are not nested by their conditions (two filters that describe the same respondents
//! in different words, or arbitrary pairs of views), against linking different tables
//! (a crosstab against the frequencies of its own row question), or against exact
//! linear-programming attacks that interval propagation cannot match. Closing those
//! takes perturbation of published counts, which this project does not do.

use crate::dataset::Dataset;
use crate::error::StatsError;
use crate::filter::Filter;

/// The release threshold used when a dataset does not say otherwise.
pub const DEFAULT_K: usize = 10;

/// Most conditions one filter may have under disclosure control: every subset of them
/// is a view that the differencing checks and the joint suppression look at, and each
/// table is protected against the tables of all of them at once, so the work grows
/// steeply with each condition.
pub const MAX_CONDITIONS: usize = 4;

/// Most conditions one filter may have at all (one bit each in a `u32`).
pub const MAX_CONDITIONS_RAW: usize = 31;

/// A view holds fewer than k respondents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BelowK;

/// The rows each condition of a filter keeps, so that the view of any subset of the
/// conditions (a wider view) can be formed without testing conditions again.
#[derive(Debug, Clone, PartialEq)]
pub struct Lattice {
    pub n_rows: usize,
    pub condition_masks: Vec<Vec<bool>>,
    /// Respondents kept by each subset of the conditions, indexed by its bits; filled
    /// only under disclosure control, where the subsets are checked.
    subset_sizes: Vec<usize>,
}

impl Lattice {
    pub fn new(dataset: &Dataset, filter: &Filter, k: usize) -> Self {
        let condition_masks: Vec<Vec<bool>> = filter
            .conditions
            .iter()
            .map(|c| (0..dataset.n_rows()).map(|r| c.matches(dataset, r)).collect())
            .collect();
        let mut lattice = Lattice {
            n_rows: dataset.n_rows(),
            condition_masks,
            subset_sizes: Vec::new(),
        };
        if k > 0 {
            // One pass over the rows: each row is in exactly the subsets of the
            // conditions it satisfies.
            let m = lattice.condition_masks.len();
            let mut sizes = vec![0usize; 1 << m];
            for r in 0..lattice.n_rows {
                let satisfied: u32 = (0..m)
                    .filter(|&c| lattice.condition_masks[c][r])
                    .fold(0, |bits, c| bits | (1 << c));
                for subset in Self::proper_subsets(satisfied).chain(std::iter::once(satisfied)) {
                    sizes[subset as usize] += 1;
                }
            }
            lattice.subset_sizes = sizes;
        }
        lattice
    }

    /// Every condition's bit set.
    pub fn all_bits(&self) -> u32 {
        (1u32 << self.condition_masks.len()) - 1
    }

    /// The rows kept by the conditions whose bits are set in `bits`.
    pub fn mask(&self, bits: u32) -> Vec<bool> {
        (0..self.n_rows)
            .map(|r| {
                self.condition_masks
                    .iter()
                    .enumerate()
                    .all(|(c, m)| bits & (1 << c) == 0 || m[r])
            })
            .collect()
    }

    /// The proper subsets of `bits`, in increasing order.
    pub fn proper_subsets(bits: u32) -> impl Iterator<Item = u32> {
        (0..bits).filter(move |s| s & !bits == 0)
    }

    /// Whether the view of `bits` may be shown: `Err(BelowK)` when it holds fewer than k
    /// respondents, `Ok(Some(dropped))` when dropping the conditions in `dropped`
    /// widens it by 1 to k − 1 respondents, `Ok(None)` when it may.
    pub fn refusal(&self, bits: u32, k: usize) -> Result<Option<u32>, BelowK> {
        if k == 0 {
            return Ok(None);
        }
        let n_view = self.subset_sizes[bits as usize];
        if n_view < k {
            return Err(BelowK);
        }
        for subset in Self::proper_subsets(bits) {
            let set_apart = self.subset_sizes[subset as usize] - n_view;
            // Dropping conditions that remove nobody shows nothing new; dropping ones
            // that remove a few would let the two tables be subtracted.
            if set_apart > 0 && set_apart < k {
                return Ok(Some(bits & !subset));
            }
        }
        Ok(None)
    }
}

/// The respondents a filtered table may describe, or a refusal.
///
/// Refused: a view of fewer than `k` respondents, and a view that dropping some of
/// its conditions widens by 1 to k − 1 respondents (checking single conditions is not
/// enough: a redundant second condition would hide the first from such a check).
/// With `k == 0` every view is allowed.
pub fn check_view(dataset: &Dataset, filter: &Filter, k: usize) -> Result<Lattice, StatsError> {
    let m = filter.conditions.len();
    let limit = if k > 0 { MAX_CONDITIONS } else { MAX_CONDITIONS_RAW };
    if m > limit {
        return Err(StatsError::BadFilter {
            expr: format!("{m} conditions"),
            reason: format!("a filter may have at most {limit} conditions here"),
        });
    }
    let lattice = Lattice::new(dataset, filter, k);
    match lattice.refusal(lattice.all_bits(), k) {
        Err(BelowK) => Err(StatsError::UniverseTooSmall { k }),
        Ok(Some(dropped)) => Err(StatsError::Differencing {
            condition: (0..m)
                .filter(|c| dropped & (1 << c) != 0)
                .map(|c| filter.conditions[c].describe(dataset))
                .collect::<Vec<_>>()
                .join(" and "),
            k,
        }),
        Ok(None) => Ok(lattice),
    }
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

    /// Appends another layout's entries and constraints; returns the offset of its
    /// first entry.
    pub fn append(&mut self, other: &Layout) -> usize {
        let offset = self.entries.len();
        self.entries.extend(other.entries.iter().cloned());
        for c in &other.constraints {
            self.constraints.push(match c {
                Constraint::Sum { whole, parts } => Constraint::Sum {
                    whole: whole + offset,
                    parts: parts.iter().map(|p| p + offset).collect(),
                },
                Constraint::AtMost { part, whole } => Constraint::AtMost {
                    part: part + offset,
                    whole: whole + offset,
                },
            });
        }
        offset
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
    // A fixed zero (a wider table's known empty cell) describes nobody.
    if entries
        .iter()
        .any(|e| e.role == Role::Fixed && ((e.n >= 1 && e.n < k) || e.flagged))
    {
        return Err(Unprotectable);
    }
    let order = |i: usize| (entries[i].n, entries[i].key, i);
    // Which constraints each entry takes part in.
    let mut by_entry: Vec<Vec<usize>> = vec![Vec::new(); entries.len()];
    for (c_idx, c) in layout.constraints.iter().enumerate() {
        for m in constraint_members(c) {
            by_entry[m].push(c_idx);
        }
    }
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
                    // A lone withheld zero needs no partner: working it out
                    // describes nobody. The audit below still checks zeros whose
                    // value would give something else away.
                    let lone: Vec<usize> = members.iter().copied().filter(|&i| withheld[i]).collect();
                    let needs_partner = lone.len() == 1 && (entries[lone[0]].n >= 1 || entries[lone[0]].flagged);
                    if !has_hidden && needs_partner {
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
        let mut additions: Vec<usize> = exposed
            .iter()
            .filter_map(|&i| nearest_candidate(layout, &by_entry, &withheld, i, &order))
            .collect();
        additions.sort_unstable();
        additions.dedup();
        if additions.is_empty() {
            // Nothing shown is linked to an exposed count: fall back to withholding
            // the smallest shown cell anywhere, which always makes progress.
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

/// The layout of two tables that split a wider view between them (the table of a
/// filtered view and the table of its complement within a wider view) together with
/// what is known around the wider table: every entry of the wider table is the sum of
/// the two parts'.
///
/// Entries `0..n` are `first`'s, `n..2n` are `second`'s, and from `2n` on comes
/// `whole_context`, whose first `n` entries are the wider table's own (fixed where it
/// shows them, hidden where it withholds them), followed by whatever else an attacker
/// can set beside it. Without a context (a refused wider table) the wider table's
/// entries are all hidden. A part whose fixed numbers are below k would be refused,
/// so it shows nothing (its entries become hidden).
pub fn split_layout(
    first: &Layout,
    second: &Layout,
    whole: &Layout,
    whole_context: Option<&Layout>,
    k: usize,
) -> Layout {
    let n = first.entries.len();
    let mut joint = Layout::default();
    for part in [first, second] {
        let refused = part.entries.iter().any(|e| e.role == Role::Fixed && e.n < k);
        let mut part = part.clone();
        if refused {
            for e in &mut part.entries {
                e.role = Role::Hidden;
            }
        }
        joint.append(&part);
    }
    match whole_context {
        Some(ctx) => {
            joint.append(ctx);
        }
        None => {
            let mut hidden = whole.clone();
            for e in &mut hidden.entries {
                e.role = Role::Hidden;
                e.flagged = false;
            }
            joint.append(&hidden);
        }
    }
    for idx in 0..n {
        joint.sum(2 * n + idx, vec![idx, n + idx]);
    }
    joint
}

/// Chooses the withheld cells of two tables that split a wider view (see
/// [`split_layout`]) at once, so that neither can be worked out from the other and
/// the wider table.
///
/// Both tables reach this same problem (each computes the other's counts and the
/// wider table's context), with the parts in the same canonical order, so they
/// choose the same pattern. Returns the withheld flags of `first` and of `second`.
pub fn protect_split(
    first: &Layout,
    second: &Layout,
    whole: &Layout,
    whole_context: Option<&Layout>,
    k: usize,
) -> Result<(Vec<bool>, Vec<bool>), Unprotectable> {
    let n = first.entries.len();
    let withheld = protect(&split_layout(first, second, whole, whole_context, k), k)?;
    Ok((withheld[..n].to_vec(), withheld[n..2 * n].to_vec()))
}

/// The shown cell to withhold so that an exposed entry is no longer pinned: the
/// smallest one sharing a sum or bound with it, or failing that one linked to it
/// through withheld entries, nearest first.
fn nearest_candidate<K: Ord>(
    layout: &Layout,
    by_entry: &[Vec<usize>],
    withheld: &[bool],
    start: usize,
    order: &impl Fn(usize) -> K,
) -> Option<usize> {
    let mut seen = vec![false; layout.entries.len()];
    seen[start] = true;
    let mut frontier = vec![start];
    for _ in 0..4 {
        let mut best: Option<usize> = None;
        let mut next = Vec::new();
        for &e in &frontier {
            for &c in &by_entry[e] {
                for m in constraint_members(&layout.constraints[c]) {
                    if seen[m] {
                        continue;
                    }
                    seen[m] = true;
                    if !withheld[m] && layout.entries[m].role == Role::Cell {
                        if best.is_none_or(|b| order(m) < order(b)) {
                            best = Some(m);
                        }
                    } else if withheld[m] {
                        next.push(m);
                    }
                }
            }
        }
        if best.is_some() {
            return best;
        }
        frontier = next;
    }
    None
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
    fn two_small_counts_protect_each_other_and_a_lone_zero_needs_no_partner() {
        let withheld = protect(&one_way(&[40, 3, 4, 25]), 10).unwrap();
        assert_eq!(withheld, [false, true, true, false, false]);
        // A zero is withheld (it looks like any small count) but describes nobody, so
        // it needs no partner.
        let withheld = protect(&one_way(&[40, 0, 25]), 10).unwrap();
        assert_eq!(withheld, [false, true, false, false]);
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
