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
    /// With disclosure control on: for each filter condition, the view without it.
    /// Tables flag counts that differ from these by fewer than k.
    pub wider_masks: Vec<Vec<bool>>,
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
        let wider_masks = if options.k > 0 {
            (0..options.filter.conditions.len())
                .map(|i| options.filter.mask_without(dataset, Some(i)))
                .collect()
        } else {
            Vec::new()
        };
        Ok(View {
            mask,
            weights,
            universe,
            k: options.k,
            wider_masks,
        })
    }

    /// Indices of the respondents in the view.
    pub fn rows(&self) -> impl Iterator<Item = usize> + '_ {
        self.mask.iter().enumerate().filter(|(_, &m)| m).map(|(i, _)| i)
    }

    /// The views without one condition each, unweighted, for counting the same table
    /// over them.
    pub fn wider_views(&self) -> Vec<View> {
        self.wider_masks
            .iter()
            .map(|mask| {
                let mut universe = Tally::default();
                for _ in mask.iter().filter(|&&m| m) {
                    universe.add(1.0);
                }
                View {
                    weights: mask.iter().map(|&m| if m { 1.0 } else { 0.0 }).collect(),
                    mask: mask.clone(),
                    universe,
                    k: self.k,
                    wider_masks: Vec::new(),
                }
            })
            .collect()
    }
}
