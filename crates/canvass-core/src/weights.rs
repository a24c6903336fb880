//! Survey weights and the tallies every table is built from.
//!
//! A weight is a numeric question whose value multiplies each respondent's
//! contribution. Weighted counts and percents use the weights; intervals and tests use
//! Kish's effective sample size `(Σw)² / Σw²`, because a weighted sample carries less
//! information than its raw size. Disclosure control always looks at the unweighted
//! number of respondents: a weight does not make a group of three people larger.

use crate::dataset::{Column, Dataset, NumericCell};
use crate::error::StatsError;

/// What a table cell has counted: respondents, their weight, and the weight squared.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Tally {
    /// Respondents, unweighted: the number disclosure control judges.
    pub n: usize,
    /// Sum of weights: the number shown.
    pub weight: f64,
    /// Sum of squared weights, for the effective sample size.
    pub weight_sq: f64,
}

impl Tally {
    pub fn add(&mut self, weight: f64) {
        self.n += 1;
        self.weight += weight;
        self.weight_sq += weight * weight;
    }

    /// `n` respondents of weight 1.
    pub fn unit(n: usize) -> Self {
        Tally {
            n,
            weight: n as f64,
            weight_sq: n as f64,
        }
    }

    pub fn merge(&mut self, other: &Tally) {
        self.n += other.n;
        self.weight += other.weight;
        self.weight_sq += other.weight_sq;
    }

    /// Kish's effective sample size; equals `n` when every weight is 1.
    pub fn effective_n(&self) -> f64 {
        if self.weight_sq > 0.0 {
            self.weight * self.weight / self.weight_sq
        } else {
            0.0
        }
    }
}

/// One weight per respondent: 1 for everyone without a weight question, otherwise the
/// weight question's value. Respondents outside `mask` get 0 and are not checked.
///
/// A respondent in the view without a usable weight (missing, top-coded, negative) is
/// an error rather than a silent zero, since dropping them would change every table.
pub fn row_weights(dataset: &Dataset, weight_idx: Option<usize>, mask: &[bool]) -> Result<Vec<f64>, StatsError> {
    let Some(weight_idx) = weight_idx else {
        return Ok(mask.iter().map(|&m| if m { 1.0 } else { 0.0 }).collect());
    };
    let question = dataset
        .question(weight_idx)
        .ok_or_else(|| StatsError::NoSuchQuestion(format!("@{}", weight_idx + 1)))?;
    let Column::Numeric(col) = &question.column else {
        return Err(StatsError::BadWeight {
            question: question.id.clone(),
            reason: format!("it is {}, and a weight must be numeric", question.kind.as_str()),
        });
    };
    let bad = |reason: String| StatsError::BadWeight {
        question: question.id.clone(),
        reason,
    };
    let mut weights = Vec::with_capacity(mask.len());
    for (row_idx, (&in_view, cell)) in mask.iter().zip(col.cells()).enumerate() {
        if !in_view {
            weights.push(0.0);
            continue;
        }
        match *cell {
            NumericCell::Value(w) if w >= 0.0 => weights.push(w),
            NumericCell::Value(w) => {
                return Err(bad(format!("respondent {} has the negative weight {w}", row_idx + 1)))
            }
            _ => {
                return Err(bad(format!(
                    "respondent {} has no numeric weight; give every respondent in the view a weight",
                    row_idx + 1
                )))
            }
        }
    }
    Ok(weights)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kish_effective_n_by_hand() {
        // Weights 1, 2, 3: (6)^2 / (1 + 4 + 9) = 36 / 14.
        let mut t = Tally::default();
        for w in [1.0, 2.0, 3.0] {
            t.add(w);
        }
        assert_eq!(t.n, 3);
        assert!((t.effective_n() - 36.0 / 14.0).abs() < 1e-12);
        let mut u = Tally::default();
        for _ in 0..5 {
            u.add(1.0);
        }
        assert_eq!(u.effective_n(), 5.0);
        assert_eq!(Tally::default().effective_n(), 0.0);
    }
}
