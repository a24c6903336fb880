//! The respondents and weights a table is computed over, shared by every table kind so
//! that a filter, a weight and k mean the same thing everywhere; and
//! [`protect_table`], which applies disclosure control to a table in the context of
//! the wider views its filter implies.

use crate::dataset::Dataset;
use crate::disclosure::{check_view, protect, protect_split, Lattice, Layout, Role, Unprotectable, DEFAULT_K};
use crate::error::StatsError;
use crate::filter::Filter;
use crate::weights::{row_weights, Tally};
use std::collections::HashMap;
use std::rc::Rc;

/// What every table request has in common besides its questions.
#[derive(Debug, Clone, PartialEq)]
pub struct TableOptions {
    pub filter: Filter,
    /// A numeric question whose values weight respondents.
    pub weight_idx: Option<usize>,
    /// Disclosure threshold; 0 turns disclosure control off.
    pub k: usize,
}

impl Default for TableOptions {
    fn default() -> Self {
        TableOptions {
            filter: Filter::default(),
            weight_idx: None,
            k: DEFAULT_K,
        }
    }
}

impl TableOptions {
    /// No filter, no weight, no disclosure control: the analyst's own raw data.
    pub fn raw() -> Self {
        TableOptions {
            k: 0,
            ..TableOptions::default()
        }
    }
}

/// The checked view: who is in it and what each respondent weighs.
#[derive(Debug, Clone, PartialEq)]
pub struct View {
    pub mask: Vec<bool>,
    /// 0 outside the view.
    pub weights: Vec<f64>,
    pub universe: Tally,
    pub k: usize,
    /// The filter's conditions, to form wider views.
    lattice: Rc<Lattice>,
    /// Which of the lattice's conditions this view applies.
    bits: u32,
}

impl View {
    pub fn new(dataset: &Dataset, options: &TableOptions) -> Result<View, StatsError> {
        let lattice = check_view(dataset, &options.filter, options.k)?;
        let bits = lattice.all_bits();
        let mask = lattice.mask(bits);
        let weights = row_weights(dataset, options.weight_idx, &mask)?;
        let mut universe = Tally::default();
        for (row_idx, &in_view) in mask.iter().enumerate() {
            if in_view {
                universe.add(weights[row_idx]);
            }
        }
        Ok(View {
            mask,
            weights,
            universe,
            k: options.k,
            lattice: Rc::new(lattice),
            bits,
        })
    }

    /// The view of a subset of this one's conditions (or of any rows), unweighted.
    fn unweighted(&self, mask: Vec<bool>, bits: u32) -> View {
        let mut universe = Tally::default();
        for _ in mask.iter().filter(|&&m| m) {
            universe.add(1.0);
        }
        View {
            weights: mask.iter().map(|&m| if m { 1.0 } else { 0.0 }).collect(),
            mask,
            universe,
            k: self.k,
            lattice: Rc::clone(&self.lattice),
            bits,
        }
    }

    /// Indices of the respondents in the view.
    pub fn rows(&self) -> impl Iterator<Item = usize> + '_ {
        self.mask.iter().enumerate().filter(|(_, &m)| m).map(|(i, _)| i)
    }

    /// With disclosure control on: for every proper subset of this view's conditions
    /// that keeps more respondents, the wider view and the complement of this view
    /// within it, both unweighted, and whether this view comes first in the pair's
    /// canonical order (the part holding the wider view's first respondent).
    pub fn splits(&self) -> Vec<Split> {
        if self.k == 0 {
            return Vec::new();
        }
        let n_view = self.universe.n;
        Lattice::proper_subsets(self.bits)
            .filter_map(|subset| {
                let wider = self.lattice.mask(subset);
                if wider.iter().filter(|&&w| w).count() == n_view {
                    return None;
                }
                let complement: Vec<bool> = wider.iter().zip(&self.mask).map(|(&w, &v)| w && !v).collect();
                let first_row = wider.iter().position(|&w| w);
                Some(Split {
                    own_first: first_row.is_some_and(|r| self.mask[r]),
                    // The complement is a view of its own, not a subset of these
                    // conditions; it is only counted, never split further.
                    complement: self.unweighted(complement, 0),
                    wider: self.unweighted(wider, subset),
                })
            })
            .collect()
    }

    /// Whether a table over this view would be shown at all.
    fn publishable(&self) -> bool {
        matches!(self.lattice.refusal(self.bits, self.k), Ok(None))
    }
}

/// A wider view split into this view and its complement.
#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    pub wider: View,
    pub complement: View,
    pub own_first: bool,
}

/// Decides what a table withholds: its own small counts and their complements, counts
/// that differ by fewer than k from a wider view's, and, for each wider view, the cells
/// that this table and the table of its complement must withhold together so that
/// neither can be worked out from the other and what is known of the wider table
/// (whose own pattern, and what its context gives away, are computed the same way).
///
/// `build` lays out the same table over any view; `what` names the table for the
/// refusal message.
pub fn protect_table(
    view: &View,
    own: &Layout,
    build: impl Fn(&View) -> Result<Layout, StatsError>,
    what: impl Fn() -> String,
) -> Result<Vec<bool>, StatsError> {
    let mut memo = HashMap::new();
    match pattern(view, own, &build, &mut memo) {
        Ok(p) => Ok(p.withheld),
        Err(PatternError::Stats(e)) => Err(e),
        Err(PatternError::Unprotectable) => Err(StatsError::Unprotectable {
            what: what(),
            k: view.k,
        }),
    }
}

enum PatternError {
    Stats(StatsError),
    Unprotectable,
}

impl From<Unprotectable> for PatternError {
    fn from(_: Unprotectable) -> Self {
        PatternError::Unprotectable
    }
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

/// The pattern of the table over `view`, memoised by condition subset for the wider
/// views (each wider table's pattern is needed by several narrower ones).
fn pattern(
    view: &View,
    own: &Layout,
    build: &impl Fn(&View) -> Result<Layout, StatsError>,
    memo: &mut HashMap<u32, Option<Pattern>>,
) -> Result<Pattern, PatternError> {
    let k = view.k;
    let mut flagged = own.clone();
    let mut pairs = Vec::new();
    for split in view.splits() {
        let wider = build(&split.wider).map_err(PatternError::Stats)?;
        flagged.flag_differencing(&wider.counts(), k);
        let wider_pattern = match memo.get(&split.wider.bits) {
            Some(known) => known.clone(),
            None => {
                let computed = if split.wider.publishable() {
                    pattern(&split.wider, &wider, build, memo).ok()
                } else {
                    None
                };
                memo.insert(split.wider.bits, computed.clone());
                computed
            }
        };
        let complement = build(&split.complement).map_err(PatternError::Stats)?;
        pairs.push((wider, wider_pattern.map(|p| p.context), complement, split.own_first));
    }
    let mut withheld = protect(&flagged, k)?;
    let mut theirs = Vec::new();
    for (wider, wider_context, complement, own_first) in &pairs {
        let (mine, other) = if *own_first {
            protect_split(own, complement, wider, wider_context.as_ref(), k)?
        } else {
            let (c, o) = protect_split(complement, own, wider, wider_context.as_ref(), k)?;
            (o, c)
        };
        for (w, m) in withheld.iter_mut().zip(mine) {
            *w |= m;
        }
        theirs.push(other);
    }
    // The context: this table as published, then for each split the complement as
    // its part of the joint choice shows it (it may show less) and the wider table's
    // own context.
    let n = own.entries.len();
    let mut context = published(own, &withheld, k);
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

/// A table as an attacker sees it: shown entries fixed, withheld ones hidden; a table
/// whose fixed numbers are below k is refused and shows nothing.
fn published(layout: &Layout, withheld: &[bool], k: usize) -> Layout {
    let refused = layout.entries.iter().any(|e| e.role == Role::Fixed && e.n < k);
    let mut out = layout.clone();
    for (e, &w) in out.entries.iter_mut().zip(withheld) {
        e.role = if w || refused { Role::Hidden } else { Role::Fixed };
        e.flagged = false;
    }
    out
}
