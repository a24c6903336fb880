//! Filters: which respondents a table describes.
//!
//! A [`Filter`] is a conjunction of [`Condition`]s; a respondent is in the view when
//! every condition holds. The same filter gives the same rows for every table, because
//! every table takes its rows from a view built from [`Condition::mask`] (a bitset,
//! 64 respondents a word) rather than testing conditions itself.
//!
//! This module does not decide whether a view is safe to publish; that is
//! `disclosure::check_view`, which needs each condition's own rows to catch
//! differencing.

use crate::dataset::{Bitset, Categorical, CategoricalCell, Column, Dataset, Missing, NumericCell};
use crate::error::StatsError;
use std::ops::Bound;

/// One test on one question.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// The answer is one of `options` (level or option indices), or the cell is
    /// missing for one of `missing`. For a multi-select question this is "includes any".
    /// For a numeric question `options` index its top-coded labels and `values` hold
    /// exact numbers.
    AnyOf {
        question_idx: usize,
        options: Vec<usize>,
        values: Vec<f64>,
        missing: Vec<Missing>,
    },
    /// A multi-select answer that includes every one of `options`.
    AllOf { question_idx: usize, options: Vec<usize> },
    /// A numeric answer inside the range. A top-coded answer ("90 or older") falls
    /// inside when all it stands for does (see [`top_code_in_range`]); under
    /// disclosure control a range it may lie on either side of is refused.
    Range {
        question_idx: usize,
        lower: Bound<f64>,
        upper: Bound<f64>,
    },
}

impl Condition {
    pub fn question_idx(&self) -> usize {
        match self {
            Condition::AnyOf { question_idx, .. }
            | Condition::AllOf { question_idx, .. }
            | Condition::Range { question_idx, .. } => *question_idx,
        }
    }

    /// Whether respondent `row_idx` satisfies the condition.
    pub fn matches(&self, dataset: &Dataset, row_idx: usize) -> bool {
        let Some(question) = dataset.question(self.question_idx()) else {
            return false;
        };
        match (self, &question.column) {
            (Condition::AnyOf { options, missing, .. }, Column::Categorical(col)) => match col.cell(row_idx) {
                CategoricalCell::Level(level_idx) => options.contains(&(level_idx as usize)),
                CategoricalCell::Missing(m) => missing.contains(&m),
            },
            (Condition::AnyOf { options, missing, .. }, Column::Multi(col)) => match col.missing(row_idx) {
                Some(m) => missing.contains(&m),
                None => options.iter().any(|&o| col.selected(o).contains(row_idx)),
            },
            (
                Condition::AnyOf {
                    options,
                    values,
                    missing,
                    ..
                },
                Column::Numeric(col),
            ) => match col.cells()[row_idx] {
                NumericCell::Value(v) => values.contains(&v),
                NumericCell::Coded(i) => options.contains(&(i as usize)),
                NumericCell::Missing(m) => missing.contains(&m),
            },
            (Condition::AllOf { options, .. }, Column::Multi(col)) => {
                col.missing(row_idx).is_none() && options.iter().all(|&o| col.selected(o).contains(row_idx))
            }
            (Condition::Range { lower, upper, .. }, Column::Numeric(col)) => match col.cells()[row_idx] {
                NumericCell::Value(v) => in_range(v, *lower, *upper),
                NumericCell::Coded(i) => col
                    .coded_labels()
                    .get(i as usize)
                    .is_some_and(|label| top_code_in_range(label, *lower, *upper) == Some(true)),
                NumericCell::Missing(_) => false,
            },
            _ => false,
        }
    }

    /// Every respondent that satisfies the condition, as a bitset: the same answer as
    /// [`Condition::matches`] row by row, computed a word of 64 rows at a time where
    /// the column allows (multi-select options are bitsets already; categorical codes
    /// go through a per-code table).
    pub fn mask(&self, dataset: &Dataset) -> Bitset {
        let n_rows = dataset.n_rows();
        let Some(question) = dataset.question(self.question_idx()) else {
            return Bitset::new(n_rows);
        };
        let per_row = |test: &dyn Fn(usize) -> bool| bits_where(n_rows, test);
        let missing_rows = |col: &crate::dataset::MultiSelect, missing: &[Missing]| {
            per_row(&|r| col.missing(r).is_some_and(|m| missing.contains(&m)))
        };
        match (self, &question.column) {
            (Condition::AnyOf { options, missing, .. }, Column::Categorical(col)) => {
                // A flag for every possible code (levels and missing codes alike), so
                // that each row is one table lookup without a branch. The table has a
                // slot for every u16, so indexing it by a code needs no bounds check.
                let mut accept: Box<[u8; 1 << 16]> = Box::new([0; 1 << 16]);
                for &o in options.iter().filter(|&&o| o < col.levels().len()) {
                    accept[o] = 1;
                }
                for &m in missing {
                    accept[Categorical::code_for(CategoricalCell::Missing(m)) as usize] = 1;
                }
                let pack = |chunk: &[u16]| {
                    chunk.iter().enumerate().fold(0u64, |word, (bit, &code)| {
                        word | u64::from(accept[usize::from(code)]) << bit
                    })
                };
                let chunks = col.codes().chunks_exact(64);
                let tail = chunks.remainder();
                let mut words: Vec<u64> = Vec::with_capacity(n_rows.div_ceil(64));
                words.extend(chunks.map(pack));
                if !tail.is_empty() {
                    words.push(pack(tail));
                }
                Bitset::from_words(words, n_rows)
            }
            (Condition::AnyOf { options, missing, .. }, Column::Multi(col)) => {
                let mut words = if missing.is_empty() {
                    vec![0u64; n_rows.div_ceil(64)]
                } else {
                    missing_rows(col, missing).words().to_vec()
                };
                for &o in options.iter().filter(|&&o| o < col.options().len()) {
                    for (w, s) in words.iter_mut().zip(col.selected(o).words()) {
                        *w |= s;
                    }
                }
                Bitset::from_words(words, n_rows)
            }
            (Condition::AllOf { options, .. }, Column::Multi(col)) => {
                let mut words = per_row(&|r| col.missing(r).is_none()).words().to_vec();
                for &o in options {
                    match o < col.options().len() {
                        true => {
                            for (w, s) in words.iter_mut().zip(col.selected(o).words()) {
                                *w &= s;
                            }
                        }
                        false => words.iter_mut().for_each(|w| *w = 0),
                    }
                }
                Bitset::from_words(words, n_rows)
            }
            (Condition::Range { lower, upper, .. }, Column::Numeric(col)) => {
                // Each top code's side is read from its label once, not once a row.
                let coded: Vec<bool> = col
                    .coded_labels()
                    .iter()
                    .map(|label| top_code_in_range(label, *lower, *upper) == Some(true))
                    .collect();
                per_row(&|r| match col.cells()[r] {
                    NumericCell::Value(v) => in_range(v, *lower, *upper),
                    NumericCell::Coded(i) => coded.get(i as usize).copied().unwrap_or(false),
                    NumericCell::Missing(_) => false,
                })
            }
            _ => per_row(&|r| self.matches(dataset, r)),
        }
    }

    /// The condition in words, as chips, footnotes and CSV headers name it: the
    /// question's text, then "is Male or Female", "includes all of NumPy and SciPy",
    /// "is at least 20 and less than 30", or "is (no answer)".
    pub fn in_words(&self, dataset: &Dataset) -> String {
        let q = dataset.question(self.question_idx());
        let text = q.map_or("?", |q| q.text.as_str());
        let names = |options: &[usize]| self.option_names(dataset, options);
        let listed = |parts: Vec<String>, joiner: &str| -> String {
            match parts.split_last() {
                None => String::new(),
                Some((last, [])) => last.clone(),
                Some((last, rest)) => format!("{} {joiner} {last}", rest.join(", ")),
            }
        };
        let multi = matches!(q.map(|q| &q.column), Some(Column::Multi(_)));
        match self {
            Condition::AnyOf {
                options,
                values,
                missing,
                ..
            } => {
                let mut parts = names(options);
                parts.extend(values.iter().map(|v| v.to_string()));
                parts.extend(missing.iter().map(|m| format!("({})", m.label())));
                let verb = if multi { "includes" } else { "is" };
                format!("{text} {verb} {}", listed(parts, "or"))
            }
            Condition::AllOf { options, .. } => format!("{text} includes all of {}", listed(names(options), "and")),
            Condition::Range { lower, upper, .. } => {
                let words = |op: &str| match op {
                    ">=" => "at least",
                    ">" => "more than",
                    "<=" => "at most",
                    _ => "less than",
                };
                let parts = range_parts(lower, upper, |op, v| format!("{} {v}", words(op)));
                format!("{text} is {}", parts.join(" and "))
            }
        }
    }

    /// The labels of `options` of this condition's question.
    fn option_names(&self, dataset: &Dataset, options: &[usize]) -> Vec<String> {
        let labels: &[String] = match dataset.question(self.question_idx()).map(|q| &q.column) {
            Some(Column::Categorical(c)) => c.levels(),
            Some(Column::Multi(c)) => c.options(),
            Some(Column::Numeric(c)) => c.coded_labels(),
            _ => &[],
        };
        options.iter().filter_map(|&o| labels.get(o).cloned()).collect()
    }

    /// The condition written back in filter syntax, for messages.
    pub fn describe(&self, dataset: &Dataset) -> String {
        let id = dataset.question(self.question_idx()).map_or("?", |q| q.id.as_str());
        match self {
            Condition::AnyOf {
                options,
                values,
                missing,
                ..
            } => {
                let mut parts = self.option_names(dataset, options);
                parts.extend(values.iter().map(|v| v.to_string()));
                parts.extend(missing.iter().map(|m| format!("[{}]", m.label())));
                format!("{id}={}", parts.join("|"))
            }
            Condition::AllOf { options, .. } => format!("{id}&={}", self.option_names(dataset, options).join("|")),
            Condition::Range { lower, upper, .. } => {
                range_parts(lower, upper, |op, v| format!("{id}{op}{v}")).join(" and ")
            }
        }
    }
}

/// The rows for which `test` holds, filled a 64-row word at a time.
fn bits_where(n_rows: usize, test: impl Fn(usize) -> bool) -> Bitset {
    let mut words = vec![0u64; n_rows.div_ceil(64)];
    for (word_idx, word) in words.iter_mut().enumerate() {
        let start = word_idx * 64;
        for bit in 0..(n_rows - start).min(64) {
            *word |= u64::from(test(start + bit)) << bit;
        }
    }
    Bitset::from_words(words, n_rows)
}

/// Where a top-coded answer lies against a range: `Some(true)` wholly inside,
/// `Some(false)` wholly outside, `None` when it may lie on either side (or its label
/// gives no bound). "> 40" is taken as a value of at least 40 and "less than 1" as one
/// of at most 1, without an end on the open side; reading ">" as "≥" only widens what
/// may lie on either side.
pub fn top_code_in_range(label: &str, lower: Bound<f64>, upper: Bound<f64>) -> Option<bool> {
    use crate::load::scales::{range_key, Marker};
    let key = range_key(label)?;
    let v = key.value;
    let (ends_before, starts_after) = (
        // The range ends before the answer can start, or starts after it can end.
        match upper {
            Bound::Included(u) => v > u,
            Bound::Excluded(u) => v >= u,
            Bound::Unbounded => false,
        },
        match lower {
            Bound::Included(l) => v < l,
            Bound::Excluded(l) => v <= l,
            Bound::Unbounded => false,
        },
    );
    match key.marker {
        Marker::Above if ends_before => Some(false),
        Marker::Above if upper == Bound::Unbounded && in_range(v, lower, Bound::Unbounded) => Some(true),
        Marker::Below if starts_after => Some(false),
        Marker::Below if lower == Bound::Unbounded && in_range(v, Bound::Unbounded, upper) => Some(true),
        _ => None,
    }
}

fn in_range(v: f64, lower: Bound<f64>, upper: Bound<f64>) -> bool {
    let above = match lower {
        Bound::Included(lo) => v >= lo,
        Bound::Excluded(lo) => v > lo,
        Bound::Unbounded => true,
    };
    let below = match upper {
        Bound::Included(hi) => v <= hi,
        Bound::Excluded(hi) => v < hi,
        Bound::Unbounded => true,
    };
    above && below
}

/// A conjunction of conditions; the empty filter keeps everyone.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Filter {
    pub conditions: Vec<Condition>,
}

/// A range's bounds, each written by `bound(operator, value)` (`>=`, `>`, `<=`, `<`).
fn range_parts(lower: &Bound<f64>, upper: &Bound<f64>, bound: impl Fn(&str, f64) -> String) -> Vec<String> {
    let mut parts = Vec::new();
    match lower {
        Bound::Included(v) => parts.push(bound(">=", *v)),
        Bound::Excluded(v) => parts.push(bound(">", *v)),
        Bound::Unbounded => {}
    }
    match upper {
        Bound::Included(v) => parts.push(bound("<=", *v)),
        Bound::Excluded(v) => parts.push(bound("<", *v)),
        Bound::Unbounded => {}
    }
    parts
}

impl Filter {
    pub fn new(conditions: Vec<Condition>) -> Self {
        Filter { conditions }
    }

    /// Parses each expression with [`parse_condition`].
    pub fn parse(dataset: &Dataset, exprs: &[impl AsRef<str>]) -> Result<Self, StatsError> {
        let conditions = exprs
            .iter()
            .map(|e| parse_condition(dataset, e.as_ref()))
            .collect::<Result<_, _>>()?;
        Ok(Filter { conditions })
    }

    /// One flag per respondent: true when every condition holds.
    pub fn mask(&self, dataset: &Dataset) -> Vec<bool> {
        let rows = self.rows(dataset);
        (0..dataset.n_rows()).map(|r| rows.contains(r)).collect()
    }

    /// The respondents every condition holds for, as a bitset.
    pub fn rows(&self, dataset: &Dataset) -> Bitset {
        self.conditions
            .iter()
            .fold(Bitset::full(dataset.n_rows()), |acc, c| acc.and(&c.mask(dataset)))
    }
}

/// The operators of the filter syntax, longest first so that `>=` is not read as `>`.
const OPERATORS: [&str; 6] = ["&=", ">=", "<=", "=", ">", "<"];

/// Reads one condition. The syntax:
///
/// - `Q=Option A|Option B`: the answer is any of the options (for a multi-select
///   question: includes any of them). For numbers, `Q=30|40` lists exact values.
/// - `Q&=Option A|Option B`: a multi-select answer that includes all of them.
/// - `Q>=20`, `Q>20`, `Q<=30`, `Q<30`: numeric ranges; give two filters for both ends.
/// - Missing states go in option lists in brackets: `[not asked]`, `[no answer]`,
///   `[declined]` (also `[prefer not to answer]`).
///
/// `Q` is a question id or a 1-based position such as `@3`. The question is
/// everything before the first operator, so an id that itself contains `=`, `<`, `>`
/// or `&=` must be given by position.
pub fn parse_condition(dataset: &Dataset, expr: &str) -> Result<Condition, StatsError> {
    let bad = |reason: &str| StatsError::BadFilter {
        expr: expr.to_string(),
        reason: reason.to_string(),
    };
    let (pos, op) = OPERATORS
        .iter()
        .filter_map(|op| expr.find(op).map(|p| (p, *op)))
        // Earliest operator wins; at the same place the longer one (">=" over ">").
        .min_by_key(|(p, op)| (*p, std::cmp::Reverse(op.len())))
        .ok_or_else(|| bad("it has no operator (=, &=, >=, >, <=, <)"))?;
    let name = expr[..pos].trim();
    let value = expr[pos + op.len()..].trim();
    if name.is_empty() {
        return Err(bad("it names no question before the operator"));
    }
    if value.is_empty() {
        return Err(bad("it has nothing after the operator"));
    }
    let question_idx = dataset
        .find(name)
        .ok_or_else(|| StatsError::NoSuchQuestion(name.to_string()))?;
    let question = &dataset.questions()[question_idx];
    let wrong_kind = |needed: &'static str| StatsError::WrongKind {
        question: question.id.clone(),
        kind: question.kind.as_str(),
        needed,
    };
    match op {
        ">=" | ">" | "<=" | "<" => {
            if !matches!(question.column, Column::Numeric(_)) {
                return Err(wrong_kind("a numeric question for a range"));
            }
            let v: f64 = value
                .parse()
                .ok()
                .filter(|v: &f64| v.is_finite())
                .ok_or_else(|| bad("a range needs a number after the operator"))?;
            let (lower, upper) = match op {
                ">=" => (Bound::Included(v), Bound::Unbounded),
                ">" => (Bound::Excluded(v), Bound::Unbounded),
                "<=" => (Bound::Unbounded, Bound::Included(v)),
                _ => (Bound::Unbounded, Bound::Excluded(v)),
            };
            Ok(Condition::Range {
                question_idx,
                lower,
                upper,
            })
        }
        _ => {
            let labels: &[String] = match &question.column {
                Column::Categorical(c) => c.levels(),
                Column::Multi(c) => c.options(),
                Column::Numeric(c) => c.coded_labels(),
                Column::Text(_) => {
                    return Err(StatsError::NotCountable {
                        question: question.id.clone(),
                        kind: question.kind.as_str(),
                    })
                }
            };
            if op == "&=" && !matches!(question.column, Column::Multi(_)) {
                return Err(wrong_kind("a multi-select question for &= (includes all)"));
            }
            let mut options = Vec::new();
            let mut values = Vec::new();
            let mut missing = Vec::new();
            for part in value.split('|').map(str::trim) {
                if let Some(reason) = missing_token(part) {
                    if op == "&=" {
                        return Err(bad("&= takes options only, not missing states"));
                    }
                    missing.push(reason);
                } else if let Some(idx) = labels.iter().position(|l| l == part) {
                    options.push(idx);
                } else if let (Column::Numeric(_), Ok(v)) = (&question.column, part.parse::<f64>()) {
                    values.push(v);
                } else {
                    let mut known = labels.to_vec();
                    known.extend(["[not asked]", "[no answer]", "[declined]"].map(String::from));
                    return Err(StatsError::UnknownOption {
                        question: question.id.clone(),
                        option: part.to_string(),
                        options: known,
                    });
                }
            }
            if op == "&=" {
                Ok(Condition::AllOf { question_idx, options })
            } else {
                Ok(Condition::AnyOf {
                    question_idx,
                    options,
                    values,
                    missing,
                })
            }
        }
    }
}

fn missing_token(part: &str) -> Option<Missing> {
    let inner = part.strip_prefix('[')?.strip_suffix(']')?.trim().to_lowercase();
    match inner.as_str() {
        "not asked" => Some(Missing::NotAsked),
        "no answer" => Some(Missing::NoAnswer),
        "declined" | "prefer not to answer" => Some(Missing::Declined),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{load, LoadOptions};

    const CSV: &str = "lang,age,os\nPython,34,Linux\nRust,27,\nPython,,Mac\nJulia,52,Linux\nRust,19,Windows\n";

    fn ds() -> Dataset {
        load(CSV.as_bytes(), &LoadOptions::default()).unwrap().dataset
    }

    fn rows(exprs: &[&str]) -> Vec<usize> {
        let d = ds();
        let f = Filter::parse(&d, exprs).unwrap();
        f.mask(&d)
            .iter()
            .enumerate()
            .filter(|(_, &m)| m)
            .map(|(i, _)| i)
            .collect()
    }

    #[test]
    fn conditions_are_a_conjunction_counted_by_hand() {
        assert_eq!(rows(&["lang=Python|Julia"]), [0, 2, 3]);
        assert_eq!(rows(&["age>=27"]), [0, 1, 3]);
        assert_eq!(rows(&["age>=27", "age<34"]), [1]);
        assert_eq!(rows(&["lang=Rust", "age>20"]), [1]);
        assert_eq!(rows(&["age>19", "age<=34"]), [0, 1]);
        assert_eq!(rows(&["@3=[no answer]"]), [1]);
        assert_eq!(rows(&["age=[no answer]|52"]), [2, 3]);
        assert_eq!(rows(&[] as &[&str]), [0, 1, 2, 3, 4]);
    }

    #[test]
    fn word_masks_agree_with_the_row_test() {
        // 130 rows cross two 64-row words and end inside a third.
        let mut csv = String::from("lang,age,tools\n");
        for r in 0..130 {
            let lang = ["Python", "Rust", "", "Julia"][r % 4];
            let age = if r % 7 == 0 {
                String::new()
            } else {
                (18 + r % 50).to_string()
            };
            let tools = ["git;docker", "git", "", "docker;ci"][(r % 4) ^ ((r / 4) % 2)];
            csv += &format!("{lang},{age},{tools}\n");
        }
        let d = load(csv.as_bytes(), &LoadOptions::default()).unwrap().dataset;
        for expr in [
            "lang=Python|Julia",
            "lang=[no answer]",
            "age>=40",
            "age=[no answer]|20",
            "tools=docker",
            "tools&=git|docker",
            "tools=[no answer]|ci",
        ] {
            let c = parse_condition(&d, expr).unwrap();
            let mask = c.mask(&d);
            assert_eq!(mask.len(), 130);
            for r in 0..130 {
                assert_eq!(mask.contains(r), c.matches(&d, r), "{expr} row {r}");
            }
        }
    }

    #[test]
    fn bad_filters_are_sentences() {
        let d = ds();
        let err = parse_condition(&d, "lang=Go").unwrap_err();
        assert!(
            err.to_string().contains("no option \"Go\"") && err.to_string().contains("\"Python\""),
            "{err}"
        );
        let err = parse_condition(&d, "lang>3").unwrap_err();
        assert!(err.to_string().contains("needs a numeric question"), "{err}");
        let err = parse_condition(&d, "age>old").unwrap_err();
        assert!(err.to_string().contains("needs a number"), "{err}");
        let err = parse_condition(&d, "nope=1").unwrap_err();
        assert_eq!(err, StatsError::NoSuchQuestion("nope".into()));
        assert!(matches!(
            parse_condition(&d, "lang").unwrap_err(),
            StatsError::BadFilter { .. }
        ));
        assert!(matches!(
            parse_condition(&d, "=x").unwrap_err(),
            StatsError::BadFilter { .. }
        ));
        let err = parse_condition(&d, "lang&=Rust").unwrap_err();
        assert!(err.to_string().contains("multi-select"), "{err}");
    }
}
