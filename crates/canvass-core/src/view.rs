//! The respondents and weights a table is computed over, shared by every table kind so
//! that a filter, a weight and k mean the same thing everywhere.

use crate::dataset::Dataset;
use crate::disclosure::{check_view, DEFAULT_K};
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
}

impl View {
    pub fn new(dataset: &Dataset, options: &TableOptions) -> Result<View, StatsError> {
        let mask = check_view(dataset, &options.filter, options.k)?;
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
        })
    }

    /// Indices of the respondents in the view.
    pub fn rows(&self) -> impl Iterator<Item = usize> + '_ {
        self.mask.iter().enumerate().filter(|(_, &m)| m).map(|(i, _)| i)
    }
}
