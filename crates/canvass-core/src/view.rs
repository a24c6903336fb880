//! The respondents and weights a table is computed over, shared by every table kind so
//! that a filter, a weight and k mean the same thing everywhere. [`View::protect`]
//! hands a table to disclosure control with what it needs to know of the view.
//!
//! A view's rows are a bitset (64 respondents a word), so tables count with word
//! operations where they can; the groups around a view (respondents who fail some of
//! its conditions) are bitsets too for a few conditions, lists of rows beyond. This
//! module does not count anything itself.

use crate::dataset::{Bitset, Dataset, Rows};
use crate::disclosure::{cell_key, check_view, protect_table, Around, Group, Lattice, Layout, DEFAULT_K};
use crate::error::StatsError;
use crate::filter::Filter;
use crate::weights::{row_weights, Tally};

/// What every table request has in common besides its questions.
#[derive(Debug, Clone, PartialEq)]
pub struct TableOptions {
    pub filter: Filter,
    /// A numeric question whose values weight respondents.
    pub weight_idx: Option<usize>,
    /// Disclosure threshold; 0 turns disclosure control off.
    pub k: usize,
    /// The cell-key method's seed (see [`cell_key`]): counts are perturbed instead of
    /// withheld, and `k` is not applied. `None` is suppression.
    pub cell_key: Option<u64>,
}

impl Default for TableOptions {
    fn default() -> Self {
        TableOptions {
            filter: Filter::default(),
            weight_idx: None,
            k: DEFAULT_K,
            cell_key: None,
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
    pub rows: Rows,
    /// Each respondent's weight, indexed by row; `None` when every weight is 1.
    pub weights: Option<Vec<f64>>,
    pub universe: Tally,
    /// The threshold suppression applies; 0 under the cell-key method.
    pub k: usize,
    /// The cell-key method's seed, when counts are perturbed rather than withheld.
    pub cell_key: Option<u64>,
    /// The filter's view and the groups around it; `None` for a group's own view.
    lattice: Option<Lattice>,
}

impl View {
    pub fn new(dataset: &Dataset, options: &TableOptions) -> Result<View, StatsError> {
        // Perturbation replaces suppression: no view is refused for its size.
        let k = if options.cell_key.is_some() { 0 } else { options.k };
        let lattice = check_view(dataset, &options.filter, k)?;
        let mask = lattice.view.clone();
        let weights = match options.weight_idx {
            None => None,
            Some(_) => {
                let in_view: Vec<bool> = (0..dataset.n_rows()).map(|r| mask.contains(r)).collect();
                Some(row_weights(dataset, options.weight_idx, &in_view)?)
            }
        };
        let mut universe = Tally::default();
        match &weights {
            None => universe = Tally::unit(mask.count_ones()),
            Some(w) => mask.ones().for_each(|r| universe.add(w[r])),
        }
        Ok(View {
            rows: Rows::Mask(mask),
            weights,
            universe,
            k,
            cell_key: options.cell_key,
            lattice: Some(lattice),
        })
    }

    /// An unweighted view of a group of respondents.
    fn group(group: &Group, k: usize) -> View {
        View {
            universe: Tally::unit(group.n_respondents),
            rows: group.rows.clone(),
            weights: None,
            k,
            cell_key: None,
            lattice: None,
        }
    }

    /// The same respondents weighted by their cell keys, so that any table counted over
    /// it holds each cell's key sum as its weight; `None` without the cell-key method.
    pub fn keyed(&self, n_rows: usize) -> Option<View> {
        let seed = self.cell_key?;
        let mut keys = vec![0.0; n_rows];
        self.for_each_row(|r| keys[r] = cell_key::row_key(seed, r) as f64);
        Some(View {
            rows: self.rows.clone(),
            weights: Some(keys),
            universe: self.universe,
            k: 0,
            cell_key: None,
            lattice: None,
        })
    }

    /// `tally` as shown: perturbed under the cell-key method, given the same cell
    /// counted over [`View::keyed`]; unchanged otherwise.
    pub fn shown(&self, tally: &Tally, keys: Option<&Tally>) -> Tally {
        match keys {
            Some(keys) => cell_key::perturb(tally, keys),
            None => *tally,
        }
    }

    /// Indices of the respondents in the view, in increasing order.
    pub fn rows(&self) -> Box<dyn Iterator<Item = usize> + '_> {
        match &self.rows {
            Rows::Mask(mask) => Box::new(mask.ones()),
            Rows::List(list) => Box::new(list.iter().map(|&r| r as usize)),
        }
    }

    /// Calls `f` with each respondent in the view, in increasing order; the loop the
    /// tables count in, without an iterator object per row.
    pub fn for_each_row(&self, mut f: impl FnMut(usize)) {
        match &self.rows {
            Rows::Mask(mask) => {
                for (word_idx, &word) in mask.words().iter().enumerate() {
                    let start = word_idx * 64;
                    if word == u64::MAX {
                        // A full word: 64 rows in a row, without bit scanning.
                        (start..start + 64).for_each(&mut f);
                        continue;
                    }
                    let mut rest = word;
                    while rest != 0 {
                        f(start + rest.trailing_zeros() as usize);
                        rest &= rest - 1;
                    }
                }
            }
            Rows::List(list) => list.iter().for_each(|&r| f(r as usize)),
        }
    }

    /// The view's bitset, when it has one (a filtered view, or a group of a filter
    /// with few conditions).
    pub fn mask(&self) -> Option<&Bitset> {
        match &self.rows {
            Rows::Mask(mask) => Some(mask),
            Rows::List(_) => None,
        }
    }

    /// What respondent `row_idx` weighs (1 without a weight question).
    pub fn weight(&self, row_idx: usize) -> f64 {
        self.weights.as_ref().map_or(1.0, |w| w[row_idx])
    }

    pub fn is_weighted(&self) -> bool {
        self.weights.is_some()
    }

    /// Which of `own`'s entries to withhold, given the wider views around this one.
    /// `build` lays out the same table over any view; `what` names the table for the
    /// refusal message. Both are `dyn` so that the page's module holds one copy of the
    /// protection rather than one per kind of table.
    pub fn protect(
        &self,
        own: &Layout,
        build: &dyn Fn(&View) -> Result<Layout, StatsError>,
        what: &dyn Fn() -> String,
    ) -> Result<Vec<bool>, StatsError> {
        let around = Around {
            lattice: self.lattice.as_ref(),
            k: self.k,
            n_respondents: self.universe.n,
            first_row: self.rows().next().unwrap_or(usize::MAX),
        };
        protect_table(&around, own, &|group| build(&View::group(group, self.k)), what)
    }

    /// How many more respondents `count` finds in each wider view (the filter without
    /// some of its conditions) than in this one, one number for each group of the
    /// lattice, which together cover every wider view (see `Lattice::subset_sums`).
    /// Empty for an unfiltered view or without disclosure control.
    pub fn wider_additions(&self, count: &dyn Fn(&View) -> usize) -> Vec<usize> {
        let Some(lattice) = self.lattice.as_ref().filter(|_| self.k > 0) else {
            return Vec::new();
        };
        let values: Vec<Vec<usize>> = lattice
            .groups
            .iter()
            .map(|g| vec![count(&View::group(g, self.k))])
            .collect();
        lattice.subset_sums(&values).into_iter().map(|v| v[0]).collect()
    }
}
