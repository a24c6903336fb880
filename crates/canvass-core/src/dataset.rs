//! The in-memory survey: typed columns, one per question, all of `n_rows` length.
//!
//! Storage is columnar and compact so that a million respondents fit in a browser tab:
//! categorical answers are `u16` dictionary codes into an ordered level list,
//! multi-select answers are one bitset per option, numbers are `f64`. Missing is never
//! an empty string: every cell that holds no answer says why ([`Missing`]).
//!
//! This module only stores and checks; it does not parse (see `load`) or count (see
//! `freq`).

use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a cell holds no answer. The order is the order in which reports list them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Missing {
    /// Skip logic did not show the question to this respondent.
    NotAsked,
    /// The question was shown (or we cannot tell) and left blank.
    NoAnswer,
    /// An explicit refusal such as "Prefer not to answer".
    Declined,
}

impl Missing {
    pub const ALL: [Missing; 3] = [Missing::NotAsked, Missing::NoAnswer, Missing::Declined];

    pub fn label(self) -> &'static str {
        match self {
            Missing::NotAsked => "not asked",
            Missing::NoAnswer => "no answer",
            Missing::Declined => "prefer not to answer",
        }
    }
}

/// What a question asks for; decides storage, statistics and default chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    Single,
    Multi,
    Ordinal,
    Grid,
    Rank,
    Numeric,
    Datetime,
    Text,
    Identifier,
}

impl QuestionKind {
    /// Kinds whose answers are shown as charts by default.
    pub fn is_chartable(self) -> bool {
        !matches!(
            self,
            QuestionKind::Text | QuestionKind::Identifier | QuestionKind::Datetime
        )
    }

    /// Why a question of this kind is not charted, in words a page can list under "Not
    /// charted" so that no column vanishes unexplained; `None` for chartable kinds.
    pub fn not_charted_reason(self) -> Option<&'static str> {
        match self {
            QuestionKind::Datetime => Some("dates and times of answering, not charted"),
            QuestionKind::Text => Some("free text, listed rather than charted"),
            QuestionKind::Identifier => Some("identifies respondents or is bookkeeping (ids, status), not charted"),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            QuestionKind::Single => "single",
            QuestionKind::Multi => "multi",
            QuestionKind::Ordinal => "ordinal",
            QuestionKind::Grid => "grid",
            QuestionKind::Rank => "rank",
            QuestionKind::Numeric => "numeric",
            QuestionKind::Datetime => "datetime",
            QuestionKind::Text => "text",
            QuestionKind::Identifier => "identifier",
        }
    }
}

/// Largest number of levels a categorical column may hold: the top three `u16` values
/// are reserved for the [`Missing`] reasons.
pub const MAX_LEVELS: usize = (u16::MAX - 3) as usize;

const CODE_NOT_ASKED: u16 = u16::MAX;
const CODE_NO_ANSWER: u16 = u16::MAX - 1;
const CODE_DECLINED: u16 = u16::MAX - 2;

/// One cell of a categorical column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CategoricalCell {
    Level(u16),
    Missing(Missing),
}

/// Dictionary-encoded single-choice, ordinal, grid-item or rank-item answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Categorical {
    levels: Vec<String>,
    codes: Vec<u16>,
}

impl Categorical {
    /// Checks that there are at most [`MAX_LEVELS`] levels and that every code is a
    /// level index or a missing code.
    pub fn new(levels: Vec<String>, codes: Vec<u16>) -> Result<Self, InvariantError> {
        if levels.len() > MAX_LEVELS {
            return Err(InvariantError(format!(
                "{} levels; a categorical question holds at most {MAX_LEVELS}",
                levels.len()
            )));
        }
        if let Some(bad) = codes
            .iter()
            .find(|&&c| (c as usize) >= levels.len() && c < CODE_DECLINED)
        {
            return Err(InvariantError(format!(
                "code {bad} does not name one of {} levels",
                levels.len()
            )));
        }
        Ok(Categorical { levels, codes })
    }

    pub fn code_for(cell: CategoricalCell) -> u16 {
        match cell {
            CategoricalCell::Level(level_idx) => level_idx,
            CategoricalCell::Missing(Missing::NotAsked) => CODE_NOT_ASKED,
            CategoricalCell::Missing(Missing::NoAnswer) => CODE_NO_ANSWER,
            CategoricalCell::Missing(Missing::Declined) => CODE_DECLINED,
        }
    }

    // Always inline: it is a few instructions, called once per cell by every count.
    #[inline(always)]
    pub fn decode(code: u16) -> CategoricalCell {
        match code {
            CODE_NOT_ASKED => CategoricalCell::Missing(Missing::NotAsked),
            CODE_NO_ANSWER => CategoricalCell::Missing(Missing::NoAnswer),
            CODE_DECLINED => CategoricalCell::Missing(Missing::Declined),
            level_idx => CategoricalCell::Level(level_idx),
        }
    }

    pub fn levels(&self) -> &[String] {
        &self.levels
    }

    /// Raw codes, one per row; use [`Categorical::decode`] to read them.
    pub fn codes(&self) -> &[u16] {
        &self.codes
    }

    pub fn cell(&self, row_idx: usize) -> CategoricalCell {
        Self::decode(self.codes[row_idx])
    }

    pub fn len(&self) -> usize {
        self.codes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }
}

/// A fixed-length set of row indices, 64 rows per word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bitset {
    words: Vec<u64>,
    n_bits: usize,
}

impl Bitset {
    pub fn new(n_bits: usize) -> Self {
        Bitset {
            words: vec![0; n_bits.div_ceil(64)],
            n_bits,
        }
    }

    // Always inline: loading sets one bit per selected option per row.
    #[inline(always)]
    pub fn insert(&mut self, idx: usize) {
        assert!(idx < self.n_bits, "bit {idx} out of {}", self.n_bits);
        self.words.as_mut_slice()[idx / 64] |= 1 << (idx % 64);
    }

    pub fn contains(&self, idx: usize) -> bool {
        idx < self.n_bits && self.words[idx / 64] & (1 << (idx % 64)) != 0
    }

    pub fn count_ones(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    pub fn len(&self) -> usize {
        self.n_bits
    }

    pub fn is_empty(&self) -> bool {
        self.n_bits == 0
    }

    pub fn words(&self) -> &[u64] {
        &self.words
    }

    /// A set from its 64-row words; bits past `n_bits` are cleared.
    pub fn from_words(mut words: Vec<u64>, n_bits: usize) -> Self {
        words.resize(n_bits.div_ceil(64), 0);
        if n_bits % 64 != 0 {
            if let Some(last) = words.last_mut() {
                *last &= (1u64 << (n_bits % 64)) - 1;
            }
        }
        Bitset { words, n_bits }
    }

    /// Every row.
    pub fn full(n_bits: usize) -> Self {
        Self::from_words(vec![u64::MAX; n_bits.div_ceil(64)], n_bits)
    }

    /// The rows in both sets.
    pub fn and(&self, other: &Bitset) -> Bitset {
        let words = self.words.iter().zip(&other.words).map(|(a, b)| a & b).collect();
        Bitset::from_words(words, self.n_bits)
    }

    /// The set rows, in increasing order.
    pub fn ones(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(word_idx, &word)| {
            let mut rest = word;
            std::iter::from_fn(move || {
                (rest != 0).then(|| {
                    let bit = rest.trailing_zeros() as usize;
                    rest &= rest - 1;
                    word_idx * 64 + bit
                })
            })
        })
    }
}

/// Multi-select answers: one bitset of selecting rows per option, plus each row's
/// missing reason. A row that answered but selected nothing has no missing reason and
/// no bit set, which keeps "selected none" apart from "not asked".
#[derive(Debug, Clone, PartialEq)]
pub struct MultiSelect {
    options: Vec<String>,
    selected: Vec<Bitset>,
    missing: Vec<Option<Missing>>,
}

impl MultiSelect {
    pub fn new(
        options: Vec<String>,
        selected: Vec<Bitset>,
        missing: Vec<Option<Missing>>,
    ) -> Result<Self, InvariantError> {
        if options.len() != selected.len() {
            return Err(InvariantError(format!(
                "{} options but {} bitsets",
                options.len(),
                selected.len()
            )));
        }
        if let Some(bits) = selected.iter().find(|b| b.len() != missing.len()) {
            return Err(InvariantError(format!(
                "bitset of {} rows in a column of {}",
                bits.len(),
                missing.len()
            )));
        }
        // Word by word against a mask of missing rows: this runs for every multi-select
        // a loader builds, so it must not cost a pass over the rows per option.
        let mut missing_rows = Bitset::new(missing.len());
        for (row_idx, m) in missing.iter().enumerate() {
            if m.is_some() {
                missing_rows.insert(row_idx);
            }
        }
        for (opt_idx, bits) in selected.iter().enumerate() {
            let clash = bits
                .words()
                .iter()
                .zip(missing_rows.words())
                .position(|(a, b)| a & b != 0);
            if let Some(word_idx) = clash {
                let both = bits.words()[word_idx] & missing_rows.words()[word_idx];
                let row_idx = word_idx * 64 + both.trailing_zeros() as usize;
                return Err(InvariantError(format!(
                    "row {row_idx} both selects option {opt_idx} and is missing"
                )));
            }
        }
        Ok(MultiSelect {
            options,
            selected,
            missing,
        })
    }

    pub fn options(&self) -> &[String] {
        &self.options
    }

    pub fn selected(&self, option_idx: usize) -> &Bitset {
        &self.selected[option_idx]
    }

    pub fn missing(&self, row_idx: usize) -> Option<Missing> {
        self.missing[row_idx]
    }

    /// Every row's missing reason, `None` for a row that answered.
    pub fn missing_cells(&self) -> &[Option<Missing>] {
        &self.missing
    }

    pub fn len(&self) -> usize {
        self.missing.len()
    }

    pub fn is_empty(&self) -> bool {
        self.missing.is_empty()
    }
}

/// One cell of a numeric column.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum NumericCell {
    Value(f64),
    /// A top- or bottom-coded answer such as "> 40", kept as its own category.
    Coded(u16),
    Missing(Missing),
}

/// Numbers with explicit missing reasons and any top-coded labels kept apart.
#[derive(Debug, Clone)]
pub struct Numeric {
    cells: Vec<NumericCell>,
    coded_labels: Vec<String>,
    /// The values' spread, found on first use: the cells never change after `new`, and
    /// every histogram and binned crosstab of the question needs it.
    spread: std::sync::OnceLock<crate::numeric::ValueSpread>,
}

impl PartialEq for Numeric {
    fn eq(&self, other: &Self) -> bool {
        self.cells == other.cells && self.coded_labels == other.coded_labels
    }
}

impl Numeric {
    pub fn new(cells: Vec<NumericCell>, coded_labels: Vec<String>) -> Result<Self, InvariantError> {
        for cell in &cells {
            match *cell {
                NumericCell::Value(v) if !v.is_finite() => {
                    return Err(InvariantError(format!("non-finite value {v}")));
                }
                NumericCell::Coded(i) if i as usize >= coded_labels.len() => {
                    return Err(InvariantError(format!("coded value {i} without a label")));
                }
                _ => {}
            }
        }
        Ok(Numeric {
            cells,
            coded_labels,
            spread: std::sync::OnceLock::new(),
        })
    }

    pub fn cells(&self) -> &[NumericCell] {
        &self.cells
    }

    /// The spread of the column's values (range, quartiles), which its bins are
    /// chosen from; computed on the first call.
    pub fn spread(&self) -> &crate::numeric::ValueSpread {
        self.spread
            .get_or_init(|| crate::numeric::ValueSpread::of_cells(&self.cells))
    }

    pub fn coded_labels(&self) -> &[String] {
        &self.coded_labels
    }

    pub fn len(&self) -> usize {
        self.cells.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }
}

/// Free text and identifiers: kept so nothing the user loaded is lost, never charted.
#[derive(Debug, Clone, PartialEq)]
pub struct Text {
    /// All cells concatenated; `ends[i]` is the end offset of row `i`.
    data: String,
    ends: Vec<usize>,
}

impl Text {
    pub fn from_cells<'a>(cells: impl IntoIterator<Item = &'a str>) -> Self {
        let mut data = String::new();
        let mut ends = Vec::new();
        for cell in cells {
            data.push_str(cell);
            ends.push(data.len());
        }
        Text { data, ends }
    }

    /// Text already concatenated, with `ends[i]` the end offset of row `i`: what a
    /// loader builds while reading, without copying every cell again.
    pub fn from_parts(data: String, ends: Vec<usize>) -> Result<Self, InvariantError> {
        let mut start = 0;
        for (row_idx, &end) in ends.iter().enumerate() {
            if end < start || end > data.len() || !data.is_char_boundary(end) {
                return Err(InvariantError(format!(
                    "row {row_idx} ends at byte {end}, not after {start} on a character boundary within {}",
                    data.len()
                )));
            }
            start = end;
        }
        Ok(Text { data, ends })
    }

    pub fn get(&self, row_idx: usize) -> &str {
        let start = if row_idx == 0 { 0 } else { self.ends[row_idx - 1] };
        &self.data[start..self.ends[row_idx]]
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Rows with a non-blank answer.
    pub fn answered(&self) -> usize {
        let bytes = self.data.as_bytes();
        let mut start = 0;
        let mut answered = 0;
        for &end in &self.ends {
            // Most answers start with a visible ASCII character; only the others need
            // trimming (of Unicode spaces too) to tell.
            if end > start && ((bytes[start] > b' ' && bytes[start] < 0x7F) || !self.data[start..end].trim().is_empty())
            {
                answered += 1;
            }
            start = end;
        }
        answered
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    Categorical(Categorical),
    Multi(MultiSelect),
    Numeric(Numeric),
    Text(Text),
}

impl Column {
    pub fn len(&self) -> usize {
        match self {
            Column::Categorical(c) => c.len(),
            Column::Multi(c) => c.len(),
            Column::Numeric(c) => c.len(),
            Column::Text(c) => c.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    pub id: String,
    pub text: String,
    pub kind: QuestionKind,
    /// Grid items and rank items share a group (the grid or ranking question).
    pub group: Option<String>,
    pub column: Column,
}

impl Question {
    /// Respondents with an answer (a level, a value, at least an empty multi-select
    /// answer, or non-blank text).
    pub fn answered(&self) -> usize {
        match &self.column {
            Column::Categorical(c) => c
                .codes()
                .iter()
                .filter(|&&code| matches!(Categorical::decode(code), CategoricalCell::Level(_)))
                .count(),
            Column::Multi(c) => c.missing_cells().iter().filter(|m| m.is_none()).count(),
            Column::Numeric(c) => c
                .cells()
                .iter()
                .filter(|cell| !matches!(cell, NumericCell::Missing(_)))
                .count(),
            Column::Text(c) => c.answered(),
        }
    }
}

/// A loaded survey. Invariant: every question's column has exactly `n_rows` cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    n_rows: usize,
    questions: Vec<Question>,
}

impl Dataset {
    pub fn new(n_rows: usize, questions: Vec<Question>) -> Result<Self, InvariantError> {
        if let Some(q) = questions.iter().find(|q| q.column.len() != n_rows) {
            return Err(InvariantError(format!(
                "question {:?} has {} rows, the dataset {n_rows}",
                q.id,
                q.column.len()
            )));
        }
        Ok(Dataset { n_rows, questions })
    }

    pub fn n_rows(&self) -> usize {
        self.n_rows
    }

    pub fn questions(&self) -> &[Question] {
        &self.questions
    }

    pub fn question(&self, question_idx: usize) -> Option<&Question> {
        self.questions.get(question_idx)
    }

    /// Indices of the questions of a group (a grid's items, a ranking's items), in
    /// file order.
    pub fn group_members(&self, group: &str) -> Vec<usize> {
        self.questions
            .iter()
            .enumerate()
            .filter(|(_, q)| q.group.as_deref() == Some(group))
            .map(|(i, _)| i)
            .collect()
    }

    /// Finds a question by id, or by 1-based position written `@3`.
    pub fn find(&self, name: &str) -> Option<usize> {
        if let Some(pos) = name.strip_prefix('@') {
            return pos
                .parse::<usize>()
                .ok()
                .filter(|&p| p >= 1 && p <= self.questions.len())
                .map(|p| p - 1);
        }
        self.questions.iter().position(|q| q.id == name)
    }
}

/// A broken internal invariant: a bug in whoever built the column, never user error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvariantError(pub String);

impl fmt::Display for InvariantError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "internal invariant broken: {}", self.0)
    }
}

impl std::error::Error for InvariantError {}

/// A set of respondents: a bitset, or row indices where a bitset would be mostly empty.
#[derive(Debug, Clone, PartialEq)]
pub enum Rows {
    /// A filtered view: one bit per respondent of the dataset.
    Mask(Bitset),
    /// Respondents as row indices, in increasing order.
    List(Vec<u32>),
}

impl Rows {
    /// The respondents as a list of row indices, in increasing order.
    pub fn to_list(&self) -> Vec<u32> {
        match self {
            Rows::Mask(mask) => mask.ones().map(|r| r as u32).collect(),
            Rows::List(list) => list.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categorical_rejects_codes_without_level() {
        let err = Categorical::new(vec!["a".into()], vec![0, 1]).unwrap_err();
        assert!(err.0.contains("code 1"), "{err}");
        let missing = Categorical::code_for(CategoricalCell::Missing(Missing::Declined));
        assert!(Categorical::new(vec!["a".into()], vec![0, missing]).is_ok());
    }

    #[test]
    fn missing_codes_round_trip() {
        for m in Missing::ALL {
            let code = Categorical::code_for(CategoricalCell::Missing(m));
            assert_eq!(Categorical::decode(code), CategoricalCell::Missing(m));
        }
    }

    #[test]
    fn multi_select_keeps_selected_none_apart_from_missing() {
        let mut bits = Bitset::new(3);
        bits.insert(0);
        let col = MultiSelect::new(
            vec!["x".into()],
            vec![bits.clone()],
            vec![None, None, Some(Missing::NotAsked)],
        )
        .unwrap();
        let q = Question {
            id: "q".into(),
            text: "q".into(),
            kind: QuestionKind::Multi,
            group: None,
            column: Column::Multi(col),
        };
        assert_eq!(q.answered(), 2);
        let clash = MultiSelect::new(vec!["x".into()], vec![bits], vec![Some(Missing::NoAnswer), None, None]);
        assert!(clash.is_err());
    }

    #[test]
    fn dataset_checks_column_lengths_and_finds_by_position() {
        let col = Column::Text(Text::from_cells(["a", "b"]));
        let q = Question {
            id: "t".into(),
            text: "T".into(),
            kind: QuestionKind::Text,
            group: None,
            column: col,
        };
        assert!(Dataset::new(3, vec![q.clone()]).is_err());
        let ds = Dataset::new(2, vec![q]).unwrap();
        assert_eq!(ds.find("@1"), Some(0));
        assert_eq!(ds.find("@2"), None);
        assert_eq!(ds.find("@0"), None);
        assert_eq!(ds.find("t"), Some(0));
    }

    #[test]
    fn text_cells_round_trip() {
        let t = Text::from_cells(["", "héllo", " "]);
        assert_eq!((t.get(0), t.get(1), t.get(2)), ("", "héllo", " "));
        assert_eq!(t.answered(), 1);
        // Blank is judged after trimming Unicode spaces; a cell starting with a
        // space, a non-ASCII letter or a control character can still be an answer.
        let t = Text::from_cells(["\u{A0}\u{2003}", " x", "été", "\t", "\u{7F}", "y"]);
        assert_eq!(t.answered(), 4);
    }
}
