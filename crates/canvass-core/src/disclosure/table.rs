//! Protecting one table in the context of the wider views its filter implies: the
//! same table without some of the filter's conditions, and the table of the
//! respondents each condition sets apart. The reasoning is in `docs/disclosure.md`.

use super::lattice::{Group, Lattice};
use super::layout::{Layout, Role};
use super::suppress::{protect, protect_from, protect_split, split_layout, Unprotectable};
use super::EXACT_CONDITIONS;
use crate::error::StatsError;
use std::collections::HashMap;

/// What disclosure control needs to know of the view a table describes.
pub struct Around<'a> {
    /// The filter's view and the groups around it; `None` for a group's own table,
    /// which is protected on its own.
    pub lattice: Option<&'a Lattice>,
    pub k: usize,
    /// Respondents in the view.
    pub n_respondents: usize,
    /// The view's lowest row index (`usize::MAX` when empty): orders a table and its
    /// complement canonically, so both reach the same choice.
    pub first_row: usize,
}

/// Decides what a table withholds, in three steps.
///
/// 1. Flags: every count that differs by 1 to k − 1 from the same count in any wider
///    view (the view without any set of its conditions) is protected like a small
///    count. All 2^m wider views are covered by checking the groups of
///    [`Lattice::subset_sums`].
/// 2. For each condition that sets respondents apart on its own, the view without it
///    splits into this view and the group failing only that condition, whose table
///    can be requested on its own (the condition negated). The two tables choose
///    their withheld cells together ([`protect_split`]) against the wider table as
///    an attacker may know it (see `as_known`). Both narrow tables reach the same
///    problem in the same canonical order and solve it alike.
/// 3. The pattern is audited once more against each such wider table, with every
///    flag from step 1, adding withheld cells until nothing is pinned.
///
/// Why single conditions suffice for steps 2 and 3: dropping a set `D` of conditions
/// widens the view by a superset of what dropping one member `d` adds, so any table
/// consistent with the view and the wider view without `d` stays consistent with the
/// view without `D` (add the further respondents). Whatever the counts of the view
/// without `D` imply about this table, the counts of the view without `d` imply too,
/// and an attacker knowing the latter exactly is what step 3 checks against.
///
/// `build` lays out the same table over any group of respondents; `what` names the
/// table for the refusal message. Both are `dyn` so that the page's module holds one
/// copy of this function rather than one per kind of table.
pub fn protect_table(
    around: &Around,
    own: &Layout,
    build: &dyn Fn(&Group) -> Result<Layout, StatsError>,
    what: &dyn Fn() -> String,
) -> Result<Vec<bool>, StatsError> {
    let k = around.k;
    let refuse = || StatsError::Unprotectable { what: what(), k };
    let groups = match around.lattice {
        Some(lattice) if k > 0 => &lattice.groups,
        _ => return protect(own, k).map_err(|_| refuse()),
    };
    if groups.is_empty() {
        return protect(own, k).map_err(|_| refuse());
    }
    let lattice = around.lattice.expect("a filtered view has its lattice");
    let group_counts: Vec<Vec<usize>> = groups
        .iter()
        .map(|g| build(g).map(|l| l.counts()))
        .collect::<Result<_, _>>()?;
    if lattice.n_conditions <= EXACT_CONDITIONS {
        let exact = Exact {
            own,
            groups,
            group_counts: &group_counts,
            view_size: around.n_respondents,
            view_first: around.first_row,
            k,
        };
        let mut memo = HashMap::new();
        return exact
            .pattern(lattice.all_bits(), &mut memo)
            .map(|p| p.withheld)
            .map_err(|_| refuse());
    }
    // Step 1.
    let mut flagged = own.clone();
    for added in lattice.subset_sums(&group_counts) {
        let wider: Vec<usize> = own.counts().iter().zip(&added).map(|(a, b)| a + b).collect();
        flagged.flag_differencing(&wider, k);
    }
    // Starting from the table's own pattern keeps it a subset of what is withheld in
    // the end, which `as_known` relies on when this table is the wider one.
    let base = protect(own, k).map_err(|_| refuse())?;
    let mut withheld = protect_from(&flagged, k, &base).map_err(|_| refuse())?;
    // Step 2: the groups that fail a single condition.
    let first_in_view = around.first_row;
    let singles: Vec<(usize, Layout, Layout)> = groups
        .iter()
        .enumerate()
        .filter(|(_, g)| g.failed.count_ones() == 1 && g.n_respondents > 0)
        .map(|(i, g)| {
            let mut complement = own.clone();
            for (e, &n) in complement.entries.iter_mut().zip(&group_counts[i]) {
                e.n = n;
                e.flagged = false;
            }
            let mut wider = own.clone();
            for (e, &n) in wider.entries.iter_mut().zip(&group_counts[i]) {
                e.n += n;
                e.flagged = false;
            }
            (g.first_row, complement, wider)
        })
        .collect();
    for (first_in_group, complement, wider) in &singles {
        let known = as_known(wider, k);
        let mine = if first_in_view < *first_in_group {
            protect_split(own, complement, wider, Some(&known), k).map(|(m, _)| m)
        } else {
            protect_split(complement, own, wider, Some(&known), k).map(|(_, m)| m)
        }
        .map_err(|_| refuse())?;
        for (w, m) in withheld.iter_mut().zip(mine) {
            *w |= m;
        }
    }
    // Step 3.
    let n = own.entries.len();
    for (_, complement, wider) in &singles {
        let mut hidden = complement.clone();
        for e in &mut hidden.entries {
            e.role = Role::Hidden;
        }
        let joint = split_layout(&flagged, &hidden, wider, Some(&as_known(wider, k)), k);
        let mut already = vec![false; joint.entries.len()];
        already[..n].copy_from_slice(&withheld);
        let audited = protect_from(&joint, k, &already).map_err(|_| refuse())?;
        withheld.copy_from_slice(&audited[..n]);
    }
    Ok(withheld)
}

/// A wider table as an attacker may know it. Every table withholds at least what
/// [`protect`] chooses for it alone (`protect_table` starts from that and only adds),
/// so taking everything else as known is at least what the wider table shows. Its
/// withheld counts stay unknown, and its small ones are protected here too, against
/// being worked out from the two narrower tables. A wider table that cannot be shown
/// at all is unknown throughout.
fn as_known(wider: &Layout, k: usize) -> Layout {
    let base = protect(wider, k).ok();
    let mut out = wider.clone();
    for (i, e) in out.entries.iter_mut().enumerate() {
        let withheld = base.as_ref().is_none_or(|b| b[i]);
        e.role = if withheld { Role::Hidden } else { Role::Known };
        e.flagged = false;
    }
    out
}

/// The exact lattice, for filters of at most [`EXACT_CONDITIONS`] conditions: every
/// subset of the conditions is a wider view, each split into this view and its
/// complement is protected jointly against the wider table's own context (its
/// pattern, its complements and, recursively, their wider contexts), so that chains
/// of nested views and their complements are protected together. The views here are
/// subsets of the conditions (`bits`), their tables sums of group tables.
struct Exact<'a> {
    own: &'a Layout,
    groups: &'a [Group],
    group_counts: &'a [Vec<usize>],
    view_size: usize,
    view_first: usize,
    k: usize,
}

/// A table's published pattern and everything an attacker can set beside it.
#[derive(Clone)]
struct Pattern {
    withheld: Vec<bool>,
    /// This table (its entries first, fixed where shown and hidden where withheld),
    /// the tables of its complements and, recursively, the contexts of its wider
    /// tables, tied together by the sums that splitting a view implies.
    context: Layout,
}

impl Exact<'_> {
    /// The groups in the view of the conditions `bits`: those failing none of them.
    fn members(&self, bits: u32) -> impl Iterator<Item = usize> + '_ {
        (0..self.groups.len()).filter(move |&g| self.groups[g].failed & bits == 0)
    }

    fn layout(&self, bits: u32) -> Layout {
        let mut layout = self.own.clone();
        for g in self.members(bits) {
            for (e, &n) in layout.entries.iter_mut().zip(&self.group_counts[g]) {
                e.n += n;
            }
        }
        layout
    }

    fn size(&self, bits: u32) -> usize {
        self.view_size + self.members(bits).map(|g| self.groups[g].n_respondents).sum::<usize>()
    }

    fn first_row(&self, bits: u32) -> usize {
        self.members(bits)
            .map(|g| self.groups[g].first_row)
            .fold(self.view_first, usize::min)
    }

    /// Whether the view of `bits` would be shown at all (see `Lattice::refusal`).
    fn publishable(&self, bits: u32) -> bool {
        let n = self.size(bits);
        n >= self.k
            && Lattice::proper_subsets(bits).all(|s| {
                let apart = self.size(s) - n;
                apart == 0 || apart >= self.k
            })
    }

    fn pattern(&self, bits: u32, memo: &mut HashMap<u32, Option<Pattern>>) -> Result<Pattern, Unprotectable> {
        let k = self.k;
        let own = self.layout(bits);
        let n_view = self.size(bits);
        let own_first_row = self.first_row(bits);
        let mut flagged = own.clone();
        let mut pairs = Vec::new();
        for subset in Lattice::proper_subsets(bits) {
            if self.size(subset) == n_view {
                continue;
            }
            let wider = self.layout(subset);
            flagged.flag_differencing(&wider.counts(), k);
            let wider_pattern = match memo.get(&subset) {
                Some(known) => known.clone(),
                None => {
                    let computed = if self.publishable(subset) {
                        self.pattern(subset, memo).ok()
                    } else {
                        None
                    };
                    memo.insert(subset, computed.clone());
                    computed
                }
            };
            let mut complement = own.clone();
            for (c, w) in complement.entries.iter_mut().zip(&wider.entries) {
                c.n = w.n - c.n;
            }
            let own_first = self.first_row(subset) == own_first_row;
            pairs.push((wider, wider_pattern.map(|p| p.context), complement, own_first));
        }
        let mut withheld = protect(&flagged, k)?;
        let mut theirs = Vec::new();
        for (wider, wider_context, complement, own_first) in &pairs {
            let (mine, other) = if *own_first {
                protect_split(&own, complement, wider, wider_context.as_ref(), k)?
            } else {
                let (c, o) = protect_split(complement, &own, wider, wider_context.as_ref(), k)?;
                (o, c)
            };
            for (w, m) in withheld.iter_mut().zip(mine) {
                *w |= m;
            }
            theirs.push(other);
        }
        // The context: this table as published, then for each split the complement as
        // its part of the joint choice shows it (it may show less) and the wider
        // table's own context.
        let n = own.entries.len();
        let mut context = published(&own, &withheld, k);
        for ((wider, wider_context, complement, _), other) in pairs.iter().zip(&theirs) {
            let c_offset = context.append(&published(complement, other, k));
            let w_offset = match wider_context {
                Some(ctx) => context.append(ctx),
                None => context.append(&published(wider, &vec![true; n], k)),
            };
            for idx in 0..n {
                context.sum(w_offset + idx, vec![idx, c_offset + idx]);
            }
        }
        Ok(Pattern { withheld, context })
    }
}

/// A table as an attacker sees it: shown entries fixed, withheld ones hidden; a table
/// whose fixed numbers are below k is refused and shows nothing.
fn published(layout: &Layout, withheld: &[bool], k: usize) -> Layout {
    let refused = layout.entries.iter().any(|e| e.role == Role::Fixed && e.n < k);
    let mut out = layout.clone();
    for (e, &w) in out.entries.iter_mut().zip(withheld) {
        e.role = match e.role {
            Role::Known => Role::Known,
            _ if w || refused => Role::Hidden,
            _ => Role::Fixed,
        };
        e.flagged = false;
    }
    out
}
