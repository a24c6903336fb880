//! Choosing the withheld cells of a table: primary suppression of small counts,
//! complementary suppression until an attacker can pin none of them down, and the
//! attacker itself (interval propagation through the table's sums and bounds).

use super::layout::{Constraint, Entry, Layout, Role};

/// No suppression pattern protects every small count of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unprotectable;

/// Decides which entries to withhold: `true` means withheld. Hidden entries are
/// always `true`. With `k == 0` nothing else is withheld.
///
/// Fails when a fixed entry is below `k` or when no pattern protects every small
/// count (the caller turns that into a refusal).
pub fn protect(layout: &Layout, k: usize) -> Result<Vec<bool>, Unprotectable> {
    protect_from(layout, k, &vec![false; layout.entries.len()])
}

/// [`protect`], starting from entries already withheld (`true` in `already`): adds
/// to them until nothing small can be pinned down.
pub fn protect_from(layout: &Layout, k: usize, already: &[bool]) -> Result<Vec<bool>, Unprotectable> {
    let entries = &layout.entries;
    let mut withheld: Vec<bool> = entries
        .iter()
        .zip(already)
        .map(|(e, &a)| a || e.role == Role::Hidden || (k > 0 && e.role == Role::Cell && (e.n < k || e.flagged)))
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
    !entry.nonresponse && ((entry.n >= 1 && entry.n < k) || entry.flagged)
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
