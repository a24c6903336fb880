//! A survey as flat variables for modelling and scoring: every question becomes one or
//! more [`Variable`]s, each either categorical (labels and `u32` codes) or numeric
//! (`f64` values with a gap reason per row).
//!
//! Rules of the encoding, which both synthesis and the release report rely on:
//! - A single-choice, ordinal, grid-item or rank-item question is one categorical
//!   variable named by the question id. Its labels are the question's levels in their
//!   declared order, followed by one label per missing reason that occurs
//!   ([`Level::Missing`]: not asked, no answer, declined, in that order). Missing is a
//!   value of its own, so a model reproduces skip patterns the way synthpop does.
//! - A multi-select question becomes one binary categorical variable per option,
//!   named `id[option]`, with labels `not selected`, `selected` and the question's
//!   missing reasons (the same on every option of a row).
//! - A numeric question is one numeric variable; a row without a number carries a
//!   [`Gap`]: a missing reason or a top/bottom code such as "> 40" (by its label).
//! - Free text, identifiers and dates (text columns) are categorical over their
//!   distinct non-blank strings, blank being no answer; nothing charts them, but a
//!   curated text column can be synthesised or compared like any answer.
//!
//! Grid items and rank items are already separate questions in a `Dataset`, so they
//! need nothing special here. [`align`] pairs two encodings (raw and synthetic) by
//! variable name and maps both onto one shared list of levels, since either side may
//! hold levels the other lacks.
//!
//! This module does not choose which questions to encode (see `roles`), nor read or
//! write files.

use canvass_core::dataset::{Categorical, CategoricalCell, Column, Dataset, Missing, NumericCell};
use std::collections::HashMap;
use std::fmt;

/// One level of a categorical variable: an answer's label or a missing reason.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Level {
    Answer(String),
    Missing(Missing),
}

impl Level {
    pub fn is_missing(&self) -> bool {
        matches!(self, Level::Missing(_))
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Level::Answer(label) => f.write_str(label),
            Level::Missing(m) => write!(f, "({})", m.label()),
        }
    }
}

/// Why a numeric cell holds no number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Gap {
    Missing(Missing),
    /// A top- or bottom-coded answer: an index into [`Values::Numeric::coded_labels`].
    Coded(u16),
}

/// Which part of its question a variable stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part {
    /// The whole question (single choice, ordinal, grid or rank item, number, text).
    Whole,
    /// Option `i` (index into the multi-select's options) of a multi-select.
    Option(usize),
}

/// The label of a multi-select option's variable for a row that selected it.
pub const SELECTED: &str = "selected";
/// The label of a multi-select option's variable for a row that answered without it.
pub const NOT_SELECTED: &str = "not selected";

/// A variable's values, one per row.
#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    /// `codes[row]` indexes `levels`. Levels are answers in declared order, then the
    /// missing reasons that occur. A level may have no row (declared but unused).
    Categorical { levels: Vec<Level>, codes: Vec<u32> },
    /// `values[row]` is the number when `gaps[row]` is `None`, and NaN otherwise.
    Numeric {
        values: Vec<f64>,
        gaps: Vec<Option<Gap>>,
        coded_labels: Vec<String>,
    },
}

impl Values {
    pub fn len(&self) -> usize {
        match self {
            Values::Categorical { codes, .. } => codes.len(),
            Values::Numeric { values, .. } => values.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn is_categorical(&self) -> bool {
        matches!(self, Values::Categorical { .. })
    }
}

/// One modelled column.
#[derive(Debug, Clone, PartialEq)]
pub struct Variable {
    /// The question id, or `id[option]` for a multi-select option.
    pub name: String,
    /// Index of the source question in the dataset.
    pub question_idx: usize,
    pub part: Part,
    pub values: Values,
}

/// The variables of a dataset, in the order of the questions asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct Encoded {
    pub n_rows: usize,
    pub variables: Vec<Variable>,
}

impl Encoded {
    /// The variable of this name.
    pub fn find(&self, name: &str) -> Option<usize> {
        self.variables.iter().position(|v| v.name == name)
    }
}

/// The name of a multi-select option's variable.
pub fn option_name(question_id: &str, option: &str) -> String {
    format!("{question_id}[{option}]")
}

/// Encodes the given questions (indices into `dataset.questions()`, in the order the
/// variables should appear). An index past the end is skipped.
pub fn encode(dataset: &Dataset, questions: &[usize]) -> Encoded {
    let n_rows = dataset.n_rows();
    let mut variables = Vec::new();
    for &question_idx in questions {
        let Some(q) = dataset.question(question_idx) else {
            continue;
        };
        match &q.column {
            Column::Categorical(c) => variables.push(Variable {
                name: q.id.clone(),
                question_idx,
                part: Part::Whole,
                values: encode_categorical(c),
            }),
            Column::Multi(m) => {
                for (option_idx, option) in m.options().iter().enumerate() {
                    let bits = m.selected(option_idx);
                    let cells = (0..n_rows).map(|row| match m.missing(row) {
                        Some(reason) => Err(reason),
                        None => Ok(bits.contains(row) as u32),
                    });
                    let answers = vec![Level::Answer(NOT_SELECTED.into()), Level::Answer(SELECTED.into())];
                    variables.push(Variable {
                        name: option_name(&q.id, option),
                        question_idx,
                        part: Part::Option(option_idx),
                        values: with_missing_levels(answers, cells),
                    });
                }
            }
            Column::Numeric(num) => {
                let mut values = Vec::with_capacity(n_rows);
                let mut gaps = Vec::with_capacity(n_rows);
                for cell in num.cells() {
                    let (value, gap) = match *cell {
                        NumericCell::Value(v) => (v, None),
                        NumericCell::Coded(i) => (f64::NAN, Some(Gap::Coded(i))),
                        NumericCell::Missing(m) => (f64::NAN, Some(Gap::Missing(m))),
                    };
                    values.push(value);
                    gaps.push(gap);
                }
                variables.push(Variable {
                    name: q.id.clone(),
                    question_idx,
                    part: Part::Whole,
                    values: Values::Numeric {
                        values,
                        gaps,
                        coded_labels: num.coded_labels().to_vec(),
                    },
                });
            }
            Column::Text(text) => {
                let mut answers: Vec<Level> = Vec::new();
                let mut index: HashMap<&str, u32> = HashMap::new();
                let mut cells = Vec::with_capacity(n_rows);
                for row in 0..n_rows {
                    let cell = text.get(row);
                    if cell.trim().is_empty() {
                        cells.push(Err(Missing::NoAnswer));
                        continue;
                    }
                    let code = *index.entry(cell).or_insert_with(|| {
                        answers.push(Level::Answer(cell.to_string()));
                        answers.len() as u32 - 1
                    });
                    cells.push(Ok(code));
                }
                variables.push(Variable {
                    name: q.id.clone(),
                    question_idx,
                    part: Part::Whole,
                    values: with_missing_levels(answers, cells.into_iter()),
                });
            }
        }
    }
    Encoded { n_rows, variables }
}

fn encode_categorical(c: &Categorical) -> Values {
    let answers = c.levels().iter().map(|l| Level::Answer(l.clone())).collect();
    let cells = c.codes().iter().map(|&code| match Categorical::decode(code) {
        CategoricalCell::Level(level_idx) => Ok(level_idx as u32),
        CategoricalCell::Missing(m) => Err(m),
    });
    with_missing_levels(answers, cells)
}

/// Appends a level per missing reason that occurs, in [`Missing::ALL`] order, and
/// codes each row: `Ok(answer index)` or `Err(reason)`.
fn with_missing_levels(mut levels: Vec<Level>, cells: impl Iterator<Item = Result<u32, Missing>> + Clone) -> Values {
    let mut present = [false; 3];
    for cell in cells.clone() {
        if let Err(m) = cell {
            present[missing_slot(m)] = true;
        }
    }
    let mut missing_code = [0u32; 3];
    for m in Missing::ALL {
        if present[missing_slot(m)] {
            missing_code[missing_slot(m)] = levels.len() as u32;
            levels.push(Level::Missing(m));
        }
    }
    let codes = cells
        .map(|cell| match cell {
            Ok(code) => code,
            Err(m) => missing_code[missing_slot(m)],
        })
        .collect();
    Values::Categorical { levels, codes }
}

fn missing_slot(m: Missing) -> usize {
    match m {
        Missing::NotAsked => 0,
        Missing::NoAnswer => 1,
        Missing::Declined => 2,
    }
}

/// Two categorical variables' levels mapped onto one list: `left[code]` and
/// `right[code]` give each side's code in `levels`.
#[derive(Debug, Clone, PartialEq)]
pub struct SharedLevels {
    /// The left side's levels in order, then the right side's levels the left lacks.
    pub levels: Vec<Level>,
    pub left: Vec<u32>,
    pub right: Vec<u32>,
}

/// A variable present in both encodings.
#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    pub name: String,
    /// Index into the left encoding's variables.
    pub left: usize,
    /// Index into the right encoding's variables.
    pub right: usize,
    /// For two categorical variables, their shared levels; `None` for two numeric ones.
    pub levels: Option<SharedLevels>,
}

/// Pairs the variables of `left` with those of `right` by name, in `left`'s order.
/// A name on one side only, or categorical on one side and numeric on the other, is
/// left out: the caller can tell by comparing with its own list.
pub fn align(left: &Encoded, right: &Encoded) -> Vec<Pair> {
    let by_name: HashMap<&str, usize> = right
        .variables
        .iter()
        .enumerate()
        .map(|(i, v)| (v.name.as_str(), i))
        .collect();
    let mut pairs = Vec::new();
    for (left_idx, lv) in left.variables.iter().enumerate() {
        let Some(&right_idx) = by_name.get(lv.name.as_str()) else {
            continue;
        };
        let rv = &right.variables[right_idx];
        let levels = match (&lv.values, &rv.values) {
            (Values::Categorical { levels: a, .. }, Values::Categorical { levels: b, .. }) => Some(share_levels(a, b)),
            (Values::Numeric { .. }, Values::Numeric { .. }) => None,
            _ => continue,
        };
        pairs.push(Pair {
            name: lv.name.clone(),
            left: left_idx,
            right: right_idx,
            levels,
        });
    }
    pairs
}

/// One level list holding both sides' levels, each mapped by equality.
pub fn share_levels(left: &[Level], right: &[Level]) -> SharedLevels {
    let mut levels: Vec<Level> = left.to_vec();
    let mut index: HashMap<&Level, u32> = left.iter().enumerate().map(|(i, l)| (l, i as u32)).collect();
    let mut right_map = Vec::with_capacity(right.len());
    for level in right {
        let code = match index.get(level) {
            Some(&code) => code,
            None => {
                levels.push(level.clone());
                levels.len() as u32 - 1
            }
        };
        index.entry(level).or_insert(code);
        right_map.push(code);
    }
    SharedLevels {
        levels,
        left: (0..left.len() as u32).collect(),
        right: right_map,
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
    fn missing_reasons_are_levels_after_the_answers() {
        let ds = dataset("colour,size\nred,1.25\nblue,\nred,37.5\n,4.75\nblue,12.125\n");
        let enc = encode(&ds, &[0, 1]);
        let Values::Categorical { levels, codes } = &enc.variables[0].values else {
            panic!()
        };
        assert_eq!(levels.len(), 3);
        assert_eq!(levels[2], Level::Missing(Missing::NoAnswer));
        assert_eq!(codes[3], 2);
        assert_eq!(levels[codes[1] as usize], Level::Answer("blue".into()));
        let Values::Numeric { values, gaps, .. } = &enc.variables[1].values else {
            panic!()
        };
        assert_eq!(values[0], 1.25);
        assert!(values[1].is_nan());
        assert_eq!(gaps[1], Some(Gap::Missing(Missing::NoAnswer)));
    }

    #[test]
    fn a_multi_select_is_one_binary_variable_per_option() {
        let ds = dataset("id,langs\n1,C;Rust;Go\n2,Rust\n3,\n4,C;Go\n5,Go\n");
        assert!(matches!(ds.questions()[1].column, Column::Multi(_)));
        let enc = encode(&ds, &[1]);
        let names: Vec<&str> = enc.variables.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["langs[C]", "langs[Rust]", "langs[Go]"]);
        let Values::Categorical { levels, codes } = &enc.variables[0].values else {
            panic!()
        };
        let shown: Vec<String> = codes.iter().map(|&c| levels[c as usize].to_string()).collect();
        assert_eq!(
            shown,
            ["selected", "not selected", "(no answer)", "selected", "not selected"]
        );
        assert_eq!(enc.variables[1].part, Part::Option(1));
    }

    #[test]
    fn align_shares_levels_either_side_lacks() {
        let raw = encode(&dataset("a,b\nx,1.5\ny,27.25\nx,3.125\n"), &[0, 1]);
        let syn = encode(&dataset("b,a\n5.5,z\n6.25,x\n17.75,z\n"), &[0, 1]);
        let pairs = align(&raw, &syn);
        assert_eq!(pairs.len(), 2);
        assert_eq!((pairs[0].name.as_str(), pairs[0].left, pairs[0].right), ("a", 0, 1));
        let shared = pairs[0].levels.as_ref().unwrap();
        assert_eq!(
            shared.levels,
            [
                Level::Answer("x".into()),
                Level::Answer("y".into()),
                Level::Answer("z".into())
            ]
        );
        assert_eq!(shared.right, [2, 0]);
        assert_eq!(shared.left, [0, 1]);
        assert!(pairs[1].levels.is_none());
    }
}
