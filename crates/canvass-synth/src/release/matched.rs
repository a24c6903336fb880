//! The raw responses and one released file as the same variables, side by side: the
//! questions the file releases, matched to the raw file's by id, encoded
//! ([`super::encoded`]) and aligned so that a level means the same answer on both
//! sides. Every utility and risk measure reads this and nothing else.
//!
//! It only pairs and recodes; it computes no measure.

use super::encoded::{align, encode, Gap, Level, Values};
use canvass_core::dataset::{Column, Dataset, Missing};

/// One variable's cells on both sides.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cells {
    /// Codes into `levels`, shared by both sides.
    Categorical {
        levels: Vec<Level>,
        raw: Vec<u32>,
        syn: Vec<u32>,
    },
    /// Numbers, NaN where the gap says why there is none.
    Numeric {
        raw: Vec<f64>,
        raw_gaps: Vec<Option<Gap>>,
        syn: Vec<f64>,
        syn_gaps: Vec<Option<Gap>>,
    },
}

/// A variable present in the raw file and in the released file.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MatchedVar {
    /// The question id, or `id[option]` for a multi-select option.
    pub name: String,
    pub question_id: String,
    /// Part of the quasi-identifiers.
    pub quasi: bool,
    /// Answers that tables are made of; free text, identifiers and dates only count
    /// for exact copies.
    pub scored: bool,
    pub cells: Cells,
}

impl MatchedVar {
    pub fn is_categorical(&self) -> bool {
        matches!(self.cells, Cells::Categorical { .. })
    }
}

/// One released file beside the raw responses.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Matched {
    pub file: String,
    pub n_raw: usize,
    pub n_syn: usize,
    pub vars: Vec<MatchedVar>,
    /// Released questions the measures cannot use, with the reason.
    pub unmatched: Vec<String>,
}

/// Pairs the questions of `released` with those of `raw` by id, in the released
/// file's order.
pub(crate) fn match_file(file: &str, raw: &Dataset, released: &Dataset, quasi: &[String]) -> Matched {
    let mut raw_idx = Vec::new();
    let mut syn_idx = Vec::new();
    let mut unmatched = Vec::new();
    for (idx, q) in released.questions().iter().enumerate() {
        match raw.questions().iter().position(|r| r.id == q.id) {
            Some(r) if same_storage(&raw.questions()[r].column, &q.column) => {
                raw_idx.push(r);
                syn_idx.push(idx);
            }
            Some(_) => unmatched.push(format!("{}: stored as a different kind than in the raw file", q.id)),
            None => unmatched.push(format!("{}: not a question of the raw file", q.id)),
        }
    }
    let raw_enc = encode(raw, &raw_idx);
    let syn_enc = encode(released, &syn_idx);
    let mut vars = Vec::new();
    for pair in align(&raw_enc, &syn_enc) {
        let rv = &raw_enc.variables[pair.left];
        let sv = &syn_enc.variables[pair.right];
        let question = &raw.questions()[rv.question_idx];
        let cells = match (&rv.values, &sv.values, pair.levels) {
            (Values::Categorical { codes: rc, .. }, Values::Categorical { codes: sc, .. }, Some(shared)) => {
                Cells::Categorical {
                    raw: rc.iter().map(|&c| shared.left[c as usize]).collect(),
                    syn: sc.iter().map(|&c| shared.right[c as usize]).collect(),
                    levels: shared.levels,
                }
            }
            (
                Values::Numeric {
                    values: rvals,
                    gaps: rgaps,
                    ..
                },
                Values::Numeric {
                    values: svals,
                    gaps: sgaps,
                    ..
                },
                None,
            ) => Cells::Numeric {
                raw: rvals.clone(),
                raw_gaps: rgaps.clone(),
                syn: svals.clone(),
                syn_gaps: sgaps.clone(),
            },
            _ => continue,
        };
        vars.push(MatchedVar {
            name: pair.name,
            question_id: question.id.clone(),
            quasi: quasi.contains(&question.id),
            scored: !matches!(question.column, Column::Text(_)),
            cells,
        });
    }
    Matched {
        file: file.to_string(),
        n_raw: raw.n_rows(),
        n_syn: released.n_rows(),
        vars,
        unmatched,
    }
}

fn same_storage(a: &Column, b: &Column) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

/// A gap's code among a numeric variable's categories, after its value bins.
pub(crate) fn gap_code(gap: Gap) -> u32 {
    match gap {
        Gap::Missing(Missing::NotAsked) => 0,
        Gap::Missing(Missing::NoAnswer) => 1,
        Gap::Missing(Missing::Declined) => 2,
        Gap::Coded(i) => 3 + i as u32,
    }
}

/// Number of value bins a numeric variable is cut into for tables.
pub(crate) const NUMERIC_BINS: usize = 10;

/// A numeric variable as categories: ten equal-width bins over the raw values' range
/// (synthetic values outside it fall in the end bins), then one category per gap.
/// Returns the number of categories and both sides' codes.
pub(crate) fn binned(
    raw: &[f64],
    raw_gaps: &[Option<Gap>],
    syn: &[f64],
    syn_gaps: &[Option<Gap>],
) -> (usize, Vec<u32>, Vec<u32>) {
    let (lo, hi) = raw
        .iter()
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
    let spread = hi > lo;
    let width = if spread { (hi - lo) / NUMERIC_BINS as f64 } else { 1.0 };
    let max_gap = raw_gaps
        .iter()
        .chain(syn_gaps)
        .flatten()
        .map(|&g| gap_code(g))
        .max()
        .map_or(0, |c| c as usize + 1);
    let code = |v: f64, gap: Option<Gap>| -> u32 {
        match gap {
            Some(g) => NUMERIC_BINS as u32 + gap_code(g),
            None if !spread => 0,
            None => (((v - lo) / width).floor().max(0.0) as usize).min(NUMERIC_BINS - 1) as u32,
        }
    };
    let raw_codes = raw.iter().zip(raw_gaps).map(|(&v, &g)| code(v, g)).collect();
    let syn_codes = syn.iter().zip(syn_gaps).map(|(&v, &g)| code(v, g)).collect();
    (NUMERIC_BINS + max_gap, raw_codes, syn_codes)
}

/// Each variable as categories (numbers binned), for tables: `(n_levels, raw, syn)`.
pub(crate) fn as_categories(var: &MatchedVar) -> (usize, Vec<u32>, Vec<u32>) {
    match &var.cells {
        Cells::Categorical { levels, raw, syn } => (levels.len(), raw.clone(), syn.clone()),
        Cells::Numeric {
            raw,
            raw_gaps,
            syn,
            syn_gaps,
        } => binned(raw, raw_gaps, syn, syn_gaps),
    }
}

/// A cell as a hashable word: a level code, a number's bits, or a gap.
pub(crate) fn key_word(cells: &Cells, synthetic: bool, row: usize) -> u64 {
    match cells {
        Cells::Categorical { raw, syn, .. } => (if synthetic { syn[row] } else { raw[row] }) as u64,
        Cells::Numeric {
            raw,
            raw_gaps,
            syn,
            syn_gaps,
        } => {
            let (v, g) = if synthetic {
                (syn[row], syn_gaps[row])
            } else {
                (raw[row], raw_gaps[row])
            };
            match g {
                // Gaps sit in the NaN space, where no finite value's bits fall.
                Some(g) => 0x7FF8_0000_0000_0000 | (1 + gap_code(g) as u64),
                None => (v + 0.0).to_bits(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use canvass_core::{load, LoadOptions};

    fn dataset(csv: &str) -> Dataset {
        load(csv.as_bytes(), &LoadOptions::default()).unwrap().dataset
    }

    #[test]
    fn questions_match_by_id_and_levels_by_label() {
        let raw = dataset("a,b,n\nx,p,1\ny,q,2\nx,p,3\n");
        let syn = dataset("b,a,extra\nq,z,1\np,x,2\n");
        let m = match_file("responses.csv", &raw, &syn, &["a".to_string()]);
        let names: Vec<&str> = m.vars.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["b", "a"]);
        assert_eq!(m.unmatched, ["extra: not a question of the raw file"]);
        assert!(m.vars[1].quasi && !m.vars[0].quasi);
        let Cells::Categorical { levels, raw, syn } = &m.vars[1].cells else {
            panic!("a is categorical")
        };
        let label = |c: u32| levels[c as usize].to_string();
        assert_eq!(raw.iter().map(|&c| label(c)).collect::<Vec<_>>(), ["x", "y", "x"]);
        assert_eq!(syn.iter().map(|&c| label(c)).collect::<Vec<_>>(), ["z", "x"]);
    }

    #[test]
    fn numbers_bin_over_the_raw_range_and_gaps_get_their_own_codes() {
        let raw = [0.0, 10.0, 5.0, f64::NAN];
        let raw_gaps = [None, None, None, Some(Gap::Missing(Missing::NoAnswer))];
        let syn = [-3.0, 9.99, 12.0];
        let (n, r, s) = binned(&raw, &raw_gaps, &syn, &[None, None, None]);
        assert_eq!(n, NUMERIC_BINS + 2);
        assert_eq!(r, [0, 9, 5, 11]);
        assert_eq!(s, [0, 9, 9]);
    }
}
