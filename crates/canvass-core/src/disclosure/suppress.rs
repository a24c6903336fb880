//! Choosing the withheld cells of a table: primary suppression of small counts, and
//! complementary suppression, cheapest first, until the exact attacker ([`lp`]) finds
//! every sensitive count free to move by the protection interval.

use super::layout::{Constraint, Entry, Layout, Role};
use super::lp;

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
/// to them, cheapest first, until every sensitive count is protected.
///
/// The audit is exact ([`lp::range`]): a sensitive withheld count is protected when
/// everything shown still allows it to lie [`protection`] below and above its true
/// value (down to zero, and within what the always-shown numbers allow). Until each is, the sensitive count that is least protected (lowest in key
/// order among ties) gets a complement: the smallest shown count linked to it whose
/// withholding protects it, or, when no single one does, the one that widens its range
/// most for the respondents it hides, or failing that the smallest linked one. Zeros forced by the view are shown (`Role::Known`
/// at the callers) and so are no cover. Then each added complement, largest first, is
/// shown again where every sensitive count stays protected without it.
pub fn protect_from(layout: &Layout, k: usize, already: &[bool]) -> Result<Vec<bool>, Unprotectable> {
    let entries = &layout.entries;
    let mut withheld: Vec<bool> = entries
        .iter()
        .zip(already)
        .map(|(e, &a)| {
            let forced = e.forced_zero && e.n == 0;
            a || e.role == Role::Hidden || (k > 0 && e.role == Role::Cell && !forced && (e.n < k || e.flagged))
        })
        .collect();
    if k == 0 {
        return Ok(withheld);
    }
    let initial = withheld.clone();
    // A fixed zero (a wider table's known empty cell) describes nobody.
    if entries
        .iter()
        .any(|e| e.role == Role::Fixed && ((e.n >= 1 && e.n < k) || e.flagged))
    {
        return Err(Unprotectable);
    }
    let order = |i: usize| (entries[i].n, entries[i].key, i);
    let margin = protection(k);
    let sensitive: Vec<usize> = (0..entries.len()).filter(|&i| is_sensitive(&entries[i], k)).collect();
    // What each sensitive count must be free to range over: its protection interval,
    // within what the numbers always shown allow (a frequency of 11 beside the table
    // caps a column of 9 at 11 whatever is withheld). That cap costs two exact solves
    // over the whole table, so it is worked out only for a count no single complement
    // protects. A count the always-shown numbers pin down cannot be protected.
    let mut required: Vec<(f64, f64)> = entries
        .iter()
        .map(|e| ((e.n as f64 - margin).max(0.0), e.n as f64 + margin))
        .collect();
    let mut capped = vec![false; entries.len()];
    let everything: Vec<bool> = entries
        .iter()
        .map(|e| matches!(e.role, Role::Cell | Role::Hidden))
        .collect();
    // How far short of its required interval a range falls (0 when it is protected).
    let short_of =
        |(lo_req, hi_req): (f64, f64), (lo, hi): (f64, f64)| -> f64 { (lo - lo_req).max(0.0) + (hi_req - hi).max(0.0) };
    let quick_range = |i: usize, bounds: &[(i64, i64)]| {
        let (lo, hi) = bounds[i];
        (lo as f64, if hi >= UNBOUNDED { f64::INFINITY } else { hi as f64 })
    };
    // Withholding more only widens ranges, so a protected count stays protected, and a
    // consistent table found on the way stays consistent: one that puts a count at or
    // beyond both ends of its required interval vouches for it without a solve.
    let mut protected = vec![false; entries.len()];
    let mut tables: Vec<Vec<f64>> = Vec::new();
    let vouched = |i: usize, (lo_req, hi_req): (f64, f64), tables: &[Vec<f64>]| {
        tables.iter().any(|t| t[i] <= lo_req + 1e-9) && tables.iter().any(|t| t[i] >= hi_req - 1e-9)
    };
    loop {
        let bounds = propagate(layout, &withheld);
        let mut exposed: Option<(f64, usize)> = None;
        for &i in &sensitive {
            if protected[i] || !withheld[i] {
                continue;
            }
            let quick = short_of(required[i], quick_range(i, &bounds));
            let short = if quick > 1e-9 {
                quick
            } else if vouched(i, required[i], &tables) {
                0.0
            } else {
                let (range, found) = lp::range_with_tables(layout, &withheld, i);
                tables.extend(found);
                short_of(required[i], range)
            };
            if short <= 1e-9 {
                protected[i] = true;
            } else if exposed.is_none_or(|(s, t)| short > s + 1e-9 || (short > s - 1e-9 && order(i) < order(t))) {
                exposed = Some((short, i));
            }
        }
        let Some((_, target)) = exposed else {
            break;
        };
        let mut candidates = linked_candidates(layout, &withheld, target);
        candidates.sort_by_key(|&i| order(i));
        // The cheapest linked count whose withholding protects the target; the quick
        // attacker rules most out without the exact one.
        let mut chosen = None;
        for &c in &candidates {
            withheld[c] = true;
            let fixes = short_of(required[target], quick_range(target, &propagate(layout, &withheld))) <= 1e-9
                && short_of(required[target], lp::range(layout, &withheld, target)) <= 1e-9;
            withheld[c] = false;
            if fixes {
                chosen = Some(c);
                break;
            }
        }
        if chosen.is_none() && !std::mem::replace(&mut capped[target], true) {
            let (floor, ceiling) = lp::range(layout, &everything, target);
            if ceiling - floor < 0.5 {
                return Err(Unprotectable);
            }
            let (lo_req, hi_req) = required[target];
            required[target] = (lo_req.max(floor), hi_req.min(ceiling));
            continue;
        }
        // Else the cheapest of those that widen the target's range most per respondent
        // hidden, as the quick attacker sees it (exact solves for each would cost more
        // than the cells they might save); when none does, the cheapest anyway: some
        // patterns need two more cells at once (a 2 × 2 block inside shown margins).
        let chosen = chosen.or_else(|| {
            let quick_short = short_of(required[target], quick_range(target, &propagate(layout, &withheld)));
            let mut best: Option<(f64, usize)> = None;
            for &c in &candidates {
                withheld[c] = true;
                let after = short_of(required[target], quick_range(target, &propagate(layout, &withheld)));
                withheld[c] = false;
                let gain = (quick_short - after) / (entries[c].n.max(1) as f64);
                if gain > 1e-12 && best.is_none_or(|(g, _)| gain > g + 1e-12) {
                    best = Some((gain, c));
                }
            }
            best.map(|(_, c)| c).or(candidates.first().copied())
        });
        match chosen {
            Some(c) => withheld[c] = true,
            None => return Err(Unprotectable),
        }
    }
    // Complements are chosen one target at a time, so a later one can make an earlier
    // one needless: each added complement, largest first, is shown again when every
    // sensitive count stays protected without it.
    let mut added: Vec<usize> = (0..entries.len()).filter(|&i| withheld[i] && !initial[i]).collect();
    // A lone complement was added because a count was exposed without it.
    if added.len() < 2 {
        return Ok(withheld);
    }
    added.sort_by_key(|&i| std::cmp::Reverse(order(i)));
    let withheld_sensitive = |withheld: &[bool]| sensitive.iter().copied().filter(|&i| withheld[i]).collect::<Vec<_>>();
    for c in added {
        withheld[c] = false;
        // A table found earlier vouches only if it agrees with what is now shown.
        let shown_n = entries[c].n as f64;
        let consistent: Vec<Vec<f64>> = tables
            .iter()
            .filter(|t| (t[c] - shown_n).abs() < 1e-9)
            .cloned()
            .collect();
        let bounds = propagate(layout, &withheld);
        let mut found = Vec::new();
        let still = withheld_sensitive(&withheld).into_iter().all(|i| {
            if short_of(required[i], quick_range(i, &bounds)) > 1e-9 {
                return false;
            }
            if vouched(i, required[i], &consistent) || vouched(i, required[i], &found) {
                return true;
            }
            let (range, more) = lp::range_with_tables(layout, &withheld, i);
            found.extend(more);
            short_of(required[i], range) <= 1e-9
        });
        if still {
            tables = consistent;
            tables.extend(found);
        } else {
            withheld[c] = true;
        }
    }
    Ok(withheld)
}

/// The protection interval's half-width for threshold `k`: a withheld count must be
/// able to lie this far on either side of its true value (or down to zero), given
/// everything shown.
pub fn protection(k: usize) -> f64 {
    (k as f64 / 2.0).ceil()
}

/// Shown cells that can bound entry `target`: members of the constraints reachable
/// from it through withheld entries.
fn linked_candidates(layout: &Layout, withheld: &[bool], target: usize) -> Vec<usize> {
    let n = layout.entries.len();
    let mut by_entry: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (c_idx, c) in layout.constraints.iter().enumerate() {
        for m in constraint_members(c) {
            by_entry[m].push(c_idx);
        }
    }
    let mut seen = vec![false; n];
    let mut used = vec![false; layout.constraints.len()];
    seen[target] = true;
    let mut frontier = vec![target];
    let mut out = Vec::new();
    while let Some(e) = frontier.pop() {
        for &c in &by_entry[e] {
            if std::mem::replace(&mut used[c], true) {
                continue;
            }
            for m in constraint_members(&layout.constraints[c]) {
                if std::mem::replace(&mut seen[m], true) {
                    continue;
                }
                let entry = &layout.entries[m];
                if withheld[m] {
                    frontier.push(m);
                } else if entry.role == Role::Cell && !(entry.forced_zero && entry.n == 0) {
                    out.push(m);
                }
            }
        }
    }
    out
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

/// Whether pinning this entry down would disclose something: a small non-zero count,
/// or a count that differs from a wider view's by a small amount.
fn is_sensitive(entry: &Entry, k: usize) -> bool {
    !entry.nonresponse && !entry.given_away && ((entry.n >= 1 && entry.n < k) || entry.flagged)
}

fn constraint_members(c: &Constraint) -> Vec<usize> {
    match c {
        Constraint::Sum { whole, parts } => std::iter::once(*whole).chain(parts.iter().copied()).collect(),
        Constraint::AtMost { part, whole } => vec![*part, *whole],
    }
}

/// The attacker: for every entry, the tightest whole-number interval that linear
/// programming derives from the shown entries, non-negativity and the table's
/// constraints ([`lp::range`]); `i64::MAX` stands for no upper bound. A shown entry's
/// interval is its value.
pub fn attack(layout: &Layout, withheld: &[bool]) -> Vec<(i64, i64)> {
    (0..layout.entries.len())
        .map(|i| {
            let (lo, hi) = lp::range(layout, withheld, i);
            let hi = if hi.is_finite() {
                (hi + 1e-6).floor() as i64
            } else {
                i64::MAX
            };
            ((lo - 1e-6).ceil() as i64, hi)
        })
        .collect()
}

/// Stands in for "no upper bound known".
const UNBOUNDED: i64 = i64::MAX / 4;

/// A quick attacker: the interval for every entry that propagation through one sum or
/// bound at a time derives from the shown entries. Never narrower than the exact range
/// ([`lp::range`]), so a count it finds short of protection is short; the exact range
/// decides only what it lets pass.
fn propagate(layout: &Layout, withheld: &[bool]) -> Vec<(i64, i64)> {
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

/// Why a count is withheld, as far as its table may say without telling an attacker
/// more than the table's shown numbers already do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WithheldReason {
    /// Fewer than k respondents.
    Small,
    /// k or more respondents, withheld so that a small count cannot be worked out.
    Protecting,
    /// Either: saying which would narrow the count beyond what the table shows.
    SmallOrProtecting,
}

impl WithheldReason {
    /// The name JSON and CSV give it.
    pub fn as_str(self) -> &'static str {
        match self {
            WithheldReason::Small => "small",
            WithheldReason::Protecting => "protecting",
            WithheldReason::SmallOrProtecting => "small_or_protecting",
        }
    }
}

/// The reason each withheld entry may give (`None` for a shown one). A withheld count
/// says it is small only when the shown numbers already cap it below k, and that it
/// protects another only when they already put it at k or more: the label then adds
/// nothing an attacker could not work out, so the audit's assumptions hold whatever
/// the labels say. Any other withheld count says only that it is one or the other.
pub fn withheld_reasons(layout: &Layout, withheld: &[bool], k: usize) -> Vec<Option<WithheldReason>> {
    let unknown: Vec<bool> = layout
        .entries
        .iter()
        .zip(withheld)
        .map(|(e, &w)| w || e.role == Role::Hidden)
        .collect();
    // The quick attacker's ranges are never narrower than the exact ones, so what it
    // implies the shown numbers imply too.
    let bounds = propagate(layout, &unknown);
    withheld
        .iter()
        .zip(&bounds)
        .map(|(&w, &(lo, hi))| {
            w.then_some(if hi < k as i64 {
                WithheldReason::Small
            } else if lo >= k as i64 {
                WithheldReason::Protecting
            } else {
                WithheldReason::SmallOrProtecting
            })
        })
        .collect()
}
