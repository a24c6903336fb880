//! One column's cells in, its kind and typed storage out.
//!
//! A `ColumnBuilder` takes cells one at a time as the file is read and keeps them
//! dictionary-encoded: each distinct answer is stored once and each row holds a `u16`
//! code. Survey answers repeat, so this is small, and deciding the kind needs only the
//! distinct answers and their counts. A column with more distinct answers than the
//! category cap (free text, exact timestamps, ids) switches to a plain text store.
//!
//! The decision (`infer`) runs over the distinct answers: numbers (with top codes
//! such as "> 40" kept apart), dates, answers on a known scale (ordinal, in scale
//! order), ranges ("1-2 years", ordinal by their bounds), multi-select cells joined by
//! `;`, `|`, `, ` or `,`, e-mail or IP addresses (identifier), and otherwise free text
//! or single choice. Refusals ("Prefer not to answer", "N/A") are set aside first and
//! become [`Missing::Declined`] whatever the kind.
//!
//! What it does not do: look at column headers (see `header`) or at other columns
//! (grids, rankings and one-column-per-option multi-selects are settled in `group`).

use super::dict::Dictionary;
use super::scales::{
    self, common_scale, is_declined, is_top_code, normalize, parse_decimal_comma, parse_number, range_key,
};
use super::LoadError;
use crate::dataset::{
    Bitset, Categorical, CategoricalCell, Column, Missing, MultiSelect, Numeric, NumericCell, QuestionKind, Text,
};
use crate::sort::sorted_positions;
use std::collections::{HashMap, HashSet};

/// The code of a blank cell inside a builder.
pub(crate) const BLANK: u16 = u16::MAX;

/// Text cells concatenated, for columns with too many distinct answers to encode.
#[derive(Debug, Default)]
pub(crate) struct TextStore {
    pub data: String,
    pub ends: Vec<usize>,
    /// The column passed the category cap although its answers repeat, so the cap,
    /// not the answers, made it text.
    pub outgrew_with_repeats: bool,
}

impl TextStore {
    #[inline(always)]
    fn push(&mut self, value: &str) {
        self.data.push_str(value);
        self.ends.push(self.data.len());
    }

    pub fn get(&self, row_idx: usize) -> &str {
        let start = if row_idx == 0 { 0 } else { self.ends[row_idx - 1] };
        &self.data[start..self.ends[row_idx]]
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }
}

/// `str::trim` with a fast path for the usual cell, which starts and ends with a
/// visible ASCII character and so has nothing to trim.
#[inline(always)]
fn trim(cell: &str) -> &str {
    match cell.as_bytes() {
        [] => cell,
        [first, .., last] | [first @ last] if (0x21..0x7F).contains(first) && (0x21..0x7F).contains(last) => cell,
        _ => cell.trim(),
    }
}

/// Accumulates one column while the file is read.
pub(crate) struct ColumnBuilder {
    dict: Dictionary,
    codes: Vec<u16>,
    text: Option<TextStore>,
    max_categories: usize,
}

/// A finished column before its kind is decided.
pub(crate) enum Built {
    Dict {
        values: Vec<Box<str>>,
        counts: Vec<u32>,
        codes: Vec<u16>,
    },
    Text(TextStore),
}

impl ColumnBuilder {
    pub fn new(max_categories: usize) -> Self {
        ColumnBuilder {
            dict: Dictionary::default(),
            codes: Vec::new(),
            text: None,
            max_categories: max_categories.min(crate::dataset::MAX_LEVELS),
        }
    }

    /// Makes room for `additional` more rows' codes at once.
    pub fn reserve(&mut self, additional: usize) {
        if self.text.is_none() {
            self.codes.reserve_exact(additional);
        }
    }

    /// Adds the next row's cell. Surrounding spaces are not part of an answer.
    #[inline(always)]
    pub fn push(&mut self, cell: &str) {
        let value = trim(cell);
        if let Some(text) = &mut self.text {
            text.push(value);
            return;
        }
        if value.is_empty() {
            self.codes.push(BLANK);
            return;
        }
        match self.dict.code_of(value, self.max_categories) {
            Some(code) => self.codes.push(code),
            None => {
                self.switch_to_text();
                if let Some(text) = &mut self.text {
                    text.push(value);
                }
            }
        }
    }

    fn switch_to_text(&mut self) {
        // Mostly-unique answers would be free text anyway; only a column whose answers
        // repeat was pushed out of categories by the cap.
        let answered = self.codes.iter().filter(|&&c| c != BLANK).count();
        let mut store = TextStore {
            outgrew_with_repeats: self.dict.len() * 2 <= answered,
            ..TextStore::default()
        };
        for &code in &self.codes {
            store.push(if code == BLANK { "" } else { self.dict.get(code) });
        }
        self.text = Some(store);
        self.dict = Dictionary::default();
        self.codes = Vec::new();
    }

    pub fn finish(mut self) -> Built {
        self.codes.shrink_to_fit();
        match self.text {
            Some(text) => Built::Text(text),
            None => {
                // Counted here in one sequential pass rather than per cell while reading.
                let mut counts = vec![0u32; self.dict.len()];
                // Per-cell indexing goes through slices here and below: indexing a
                // `Vec` is a call in the size-optimised browser build.
                let tally = counts.as_mut_slice();
                for &code in &self.codes {
                    if code != BLANK {
                        tally[code as usize] += 1;
                    }
                }
                Built::Dict {
                    values: self.dict.into_values(),
                    counts,
                    codes: self.codes,
                }
            }
        }
    }
}

/// What a column's distinct answers say it is. Indices refer to the distinct values.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Inference {
    /// Nobody answered.
    Empty,
    /// Numbers; `decimal_comma` when written `1,5` as in much of Europe.
    Numeric {
        decimal_comma: bool,
    },
    Datetime,
    Identifier,
    Text,
    /// Levels in first-appearance order.
    Single(Vec<usize>),
    /// Levels in scale order.
    Ordinal(Vec<usize>),
    Multi {
        separator: &'static str,
        options: Vec<String>,
        /// For each distinct value, the options it selects.
        selections: Vec<Vec<u16>>,
    },
}

/// The verdict for one column: its inference and which distinct values are refusals.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Verdict {
    pub inference: Inference,
    pub declined: Vec<bool>,
}

/// Decides a column's kind from its distinct values (in first-appearance order) and
/// how many rows gave each.
///
/// `decimal_commas` allows numbers such as `1,5`. Only files separated by semicolons
/// get it: where commas separate fields, `1,3` in a cell is far more often two
/// choices of a multi-select written as codes.
pub(crate) fn infer(values: &[&str], counts: &[u32], decimal_commas: bool) -> Verdict {
    let normalized: Vec<String> = values.iter().map(|v| normalize(v)).collect();
    let declined: Vec<bool> = normalized.iter().map(|n| is_declined(n)).collect();
    let answers: Vec<usize> = (0..values.len()).filter(|&i| !declined[i]).collect();
    let answered_rows: u64 = answers.iter().map(|&i| counts[i] as u64).sum();
    let inference = if answers.is_empty() {
        Inference::Empty
    } else if let Some(order) = integer_scale_order(&answers, values) {
        Inference::Ordinal(order)
    } else if is_numeric(answers.iter().map(|&i| values[i]), parse_number) {
        Inference::Numeric { decimal_comma: false }
    } else if decimal_commas
        && is_numeric(answers.iter().map(|&i| values[i]), parse_either)
        && answers.iter().any(|&i| parse_decimal_comma(values[i]).is_some())
        && !answers.iter().any(|&i| values[i].contains('.'))
    {
        Inference::Numeric { decimal_comma: true }
    } else if answers.iter().all(|&i| scales::is_datetime(values[i])) {
        Inference::Datetime
    } else if let Some(order) = scale_order(&answers, &normalized) {
        Inference::Ordinal(order)
    } else if let Some(order) = range_order(&answers, values) {
        Inference::Ordinal(order)
    } else if answers.iter().all(|&i| looks_like_coordinates(values[i])) {
        // Before multi-selects: "47.6062, -122.3321" would split on its comma.
        Inference::Identifier
    } else if let Some(multi) = split_multi(values, counts, &answers, answered_rows) {
        multi
    } else if answers.iter().all(|&i| looks_identifying(values[i])) {
        Inference::Identifier
    } else if looks_like_free_text(&answers, values, answered_rows) {
        Inference::Text
    } else {
        Inference::Single(answers)
    };
    Verdict { inference, declined }
}

/// Most distinct points of an integer scale read as ordinal: 0-10 has eleven.
const MAX_SCALE_POINTS: usize = 11;

/// A rating on a few whole numbers in a small range (1-5, 0-10, `1.0`-`5.0`) is a
/// scale, counted per point in numeric order, not a measurement to bin: its levels in
/// numeric order. At least three points, at most [`MAX_SCALE_POINTS`], spanning at most
/// ten, none negative, every answer a plain number (a top code such as "> 4" means a
/// measurement), and no number written two ways (`1` and `1.0`).
fn integer_scale_order(answers: &[usize], values: &[&str]) -> Option<Vec<usize>> {
    if !(3..=MAX_SCALE_POINTS).contains(&answers.len()) {
        return None;
    }
    let numbers: Vec<f64> = answers
        .iter()
        .map(|&i| parse_number(values[i]).filter(|x| x.fract() == 0.0 && *x >= 0.0))
        .collect::<Option<_>>()?;
    let (min, max) = numbers.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
        (lo.min(x), hi.max(x))
    });
    if max - min > 10.0 {
        return None;
    }
    let order = sorted_positions(numbers.len(), &|a, b| numbers[a].total_cmp(&numbers[b]));
    if order.windows(2).any(|w| numbers[w[0]] == numbers[w[1]]) {
        return None;
    }
    Some(order.into_iter().map(|i| answers[i]).collect())
}

/// A number written with a point, or with a decimal comma such as `1,5`.
fn parse_either(value: &str) -> Option<f64> {
    parse_number(value).or_else(|| parse_decimal_comma(value))
}

/// Numbers, allowing up to three distinct top or bottom codes beside at least two
/// distinct plain numbers ("18", "40", "> 40").
fn is_numeric<'v>(answers: impl Iterator<Item = &'v str>, parse: fn(&str) -> Option<f64>) -> bool {
    let mut numbers = 0usize;
    let mut coded = 0usize;
    for value in answers {
        if parse(value).is_some() {
            numbers += 1;
        } else if is_top_code(value) {
            coded += 1;
        } else {
            return false;
        }
    }
    numbers >= 1 && coded <= 3 && (coded == 0 || numbers >= 2)
}

fn scale_order(answers: &[usize], normalized: &[String]) -> Option<Vec<usize>> {
    let points: Vec<&str> = answers.iter().map(|&i| normalized[i].as_str()).collect();
    let positions = common_scale(&points)?;
    let order = sorted_positions(answers.len(), &|a, b| {
        (positions[a], answers[a]).cmp(&(positions[b], answers[b]))
    });
    Some(order.into_iter().map(|i| answers[i]).collect())
}

fn range_order(answers: &[usize], values: &[&str]) -> Option<Vec<usize>> {
    if answers.len() < 2 {
        return None;
    }
    let keys: Vec<scales::RangeKey> = answers.iter().map(|&i| range_key(values[i])).collect::<Option<_>>()?;
    if keys.iter().all(|k| k.marker == scales::Marker::Plain) {
        return None;
    }
    let order = sorted_positions(keys.len(), &|a, b| {
        keys[a].partial_cmp(&keys[b]).unwrap_or(std::cmp::Ordering::Equal)
    });
    Some(order.into_iter().map(|i| answers[i]).collect())
}

/// Most options a multi-select cell's pieces may name. Each option costs a bitset of
/// one bit per respondent, so this bounds memory as well as sense.
const MAX_MULTI_OPTIONS: usize = 1000;

/// Separators tried for multi-select cells, most distinctive first.
const SEPARATORS: [&str; 4] = [";", "|", ", ", ","];

/// With this many answers, a piece given by one or two respondents is a typed-in
/// answer (an "Other" box, a name in a list), not one of the options offered.
const MANY_ANSWERS: u64 = 200;

/// Splits multi-select cells, deciding from the structure of the pieces whether the
/// cells are combinations of a small closed vocabulary (checkboxes) or lists typed
/// by hand (free text, however punctuated).
///
/// A piece is part of the vocabulary when it recurs: it is in several distinct cells
/// or an answer on its own elsewhere, and, among many answers, more than two
/// respondents gave it. Other pieces are typed in. A separator is accepted when
/// - the cells are combinations: at least nine in ten split cells hold at most one
///   typed-in piece (the "Other" box of Google Forms, LimeSurvey or Kobo), and
///   vocabulary pieces outnumber typed-in ones two to one across the split cells;
/// - the vocabulary is closed: no two of its pieces differ only in case ("numpy",
///   "NumPy" are one name typed two ways, which a form's options never are).
///
/// That tells "Linux;MacOS" with a few one-off "Other" answers (a multi-select) from
/// "numpy, scipy, Numpy, seaborn" with a long tail of names (free text), and both
/// from "C, C++ or Fortran" (one answer with a comma: neither piece recurs). With a
/// comma, pieces that always appear side by side are joined back, so an option such
/// as "Docs, tutorials" survives splitting on ", ".
fn split_multi(values: &[&str], counts: &[u32], answers: &[usize], answered_rows: u64) -> Option<Inference> {
    let whole: HashSet<&str> = answers.iter().map(|&i| values[i]).collect();
    for separator in SEPARATORS {
        let with_sep: Vec<usize> = answers
            .iter()
            .copied()
            .filter(|&i| values[i].contains(separator))
            .collect();
        if with_sep.is_empty() {
            continue;
        }
        let raw_of = |i: usize| -> Vec<&str> {
            values[i]
                .split(separator)
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .collect()
        };
        let inseparable = if separator.starts_with(',') {
            inseparable_pairs(answers.iter().map(|&i| raw_of(i)))
        } else {
            HashSet::new()
        };
        let mut pieces_of: Vec<Vec<String>> = vec![Vec::new(); values.len()];
        // For each piece: how many distinct cells hold it, whether it is an answer on
        // its own in some other cell, and how many respondents gave it.
        let mut seen_in: HashMap<String, (usize, bool, u64)> = HashMap::new();
        for &i in answers {
            let raw = raw_of(i);
            let mut pieces: Vec<String> = Vec::new();
            for (k, piece) in raw.iter().enumerate() {
                match pieces.last_mut() {
                    Some(last) if k > 0 && inseparable.contains(&(raw[k - 1], *piece)) => {
                        last.push_str(separator);
                        last.push_str(piece);
                    }
                    _ => pieces.push(piece.to_string()),
                }
            }
            if pieces.is_empty() {
                pieces.push(values[i].to_string());
            }
            pieces.dedup();
            for p in &pieces {
                let entry = seen_in.entry(p.clone()).or_insert((0, false, 0));
                entry.0 += 1;
                entry.1 |= whole.contains(p.as_str()) && p != values[i];
                entry.2 += counts[i] as u64;
            }
            pieces_of[i] = pieces;
        }
        let split: Vec<usize> = with_sep.into_iter().filter(|&i| pieces_of[i].len() > 1).collect();
        if split.is_empty() {
            continue;
        }
        let typed_in = |p: &str| {
            seen_in.get(p).is_none_or(|&(cells, elsewhere, rows)| {
                !(cells >= 2 || elsewhere) || (answered_rows >= MANY_ANSWERS && rows <= 2)
            })
        };
        let (mut combinations, mut in_vocabulary, mut typed) = (0usize, 0usize, 0usize);
        for &i in &split {
            let n_typed = pieces_of[i].iter().filter(|p| typed_in(p)).count();
            combinations += usize::from(n_typed <= 1);
            typed += n_typed;
            in_vocabulary += pieces_of[i].len() - n_typed;
        }
        let are_combinations = combinations * 10 >= split.len() * 9 && in_vocabulary >= 2 * typed;
        let mut by_case: HashMap<String, usize> = HashMap::new();
        for p in seen_in.keys().filter(|p| !typed_in(p)) {
            *by_case.entry(p.to_lowercase()).or_insert(0) += 1;
        }
        let closed = by_case.values().filter(|&&n| n > 1).count() < 2;
        let mut options: Vec<String> = Vec::new();
        let mut option_idx: HashMap<String, u16> = HashMap::new();
        let mut selections = vec![Vec::new(); values.len()];
        for &i in answers {
            for p in std::mem::take(&mut pieces_of[i]) {
                let next = options.len() as u16;
                let idx = *option_idx.entry(p.clone()).or_insert_with(|| {
                    options.push(p);
                    next
                });
                if !selections[i].contains(&idx) {
                    selections[i].push(idx);
                }
            }
        }
        let shrinks = options.len() <= answers.len();
        let short = options.iter().all(|o| o.chars().count() <= 120);
        if are_combinations && closed && shrinks && short && options.len() >= 2 && options.len() <= MAX_MULTI_OPTIONS {
            return Some(Inference::Multi {
                separator,
                options,
                selections,
            });
        }
    }
    None
}

/// Neighbouring pieces that never appear apart: each time the first appears the
/// second follows it, and each time the second appears the first precedes it.
fn inseparable_pairs<'v>(cells: impl Iterator<Item = Vec<&'v str>>) -> HashSet<(&'v str, &'v str)> {
    let mut alone: HashMap<&str, usize> = HashMap::new();
    let mut pairs: HashMap<(&str, &str), usize> = HashMap::new();
    for raw in cells {
        for p in &raw {
            *alone.entry(p).or_insert(0) += 1;
        }
        for w in raw.windows(2) {
            *pairs.entry((w[0], w[1])).or_insert(0) += 1;
        }
    }
    pairs
        .into_iter()
        .filter(|&((a, b), n)| alone.get(a) == Some(&n) && alone.get(b) == Some(&n))
        .map(|(pair, _)| pair)
        .collect()
}

/// An address (e-mail, IP), a phone number or a place to within metres: answers that
/// point at one person.
pub(crate) fn looks_identifying(value: &str) -> bool {
    looks_like_address(value) || looks_like_phone(value) || looks_like_coordinates(value)
}

/// A phone number as people write one: `+44 20 7946 0958`, `(555) 010-0199`,
/// `555-010-0123`. Seven to fifteen digits (E.164's most), only `+ ( ) - . space`
/// besides, and either a leading `+` or `(` or at least three groups of digits: a
/// bare run of digits is a number, and `2019-2020` is a range of years.
fn looks_like_phone(value: &str) -> bool {
    let digits = value.bytes().filter(u8::is_ascii_digit).count();
    let groups = value
        .split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .count();
    (7..=15).contains(&digits)
        && value.bytes().all(|b| b.is_ascii_digit() || b"+()-. ".contains(&b))
        && (value.starts_with(['+', '(']) || (groups >= 3 && value.starts_with(|c: char| c.is_ascii_digit())))
        && !value.contains("..")
}

/// A latitude and longitude in one cell, as Kobo's geopoint (`47.6062 -122.3321 0 5`)
/// or a spreadsheet's `47.6062, -122.3321`: two to four numbers, the first two with
/// at least four decimals (about 10 m) and within ±90 and ±180.
fn looks_like_coordinates(value: &str) -> bool {
    let parts: Vec<&str> = value.split([',', ' ']).filter(|p| !p.is_empty()).collect();
    if !(2..=4).contains(&parts.len()) {
        return false;
    }
    let precise = |p: &str| p.split_once('.').is_some_and(|(_, frac)| frac.len() >= 4);
    let number = |p: &str| p.parse::<f64>().ok().filter(|x| x.is_finite());
    match (number(parts[0]), number(parts[1])) {
        (Some(lat), Some(lon)) => {
            lat.abs() <= 90.0
                && lon.abs() <= 180.0
                && precise(parts[0])
                && precise(parts[1])
                && parts[2..].iter().all(|p| number(p).is_some())
        }
        _ => false,
    }
}

fn looks_like_address(value: &str) -> bool {
    let is_email = value
        .split_once('@')
        .is_some_and(|(user, host)| !user.is_empty() && host.contains('.') && !value.contains(char::is_whitespace));
    let is_ipv4 = value.split('.').count() == 4 && value.split('.').all(|p| p.parse::<u8>().is_ok());
    let is_ipv6 = value.contains("::")
        || (value.split(':').count() >= 6 && value.chars().all(|c| c.is_ascii_hexdigit() || c == ':'));
    is_email || is_ipv4 || is_ipv6
}

/// Mostly-unique answers are free text, not categories: more than 30 distinct
/// answers that are at least half the answers, or long answers that never repeat.
fn looks_like_free_text(answers: &[usize], values: &[&str], answered_rows: u64) -> bool {
    let distinct = answers.len() as u64;
    if distinct > 30 && distinct * 2 > answered_rows {
        return true;
    }
    let mean_chars =
        answers.iter().map(|&i| values[i].chars().count()).sum::<usize>() as f64 / answers.len().max(1) as f64;
    distinct >= 3 && distinct == answered_rows && mean_chars > 40.0
}

/// The kind and storage of a column whose verdict is known.
pub(crate) fn encode(built: Built, verdict: &Verdict) -> Result<(QuestionKind, Column), LoadError> {
    let (values, codes) = match built {
        Built::Text(store) => return encode_text_store(store),
        Built::Dict { values, codes, .. } => (values, codes),
    };
    let declined = |i: usize| verdict.declined[i];
    Ok(match &verdict.inference {
        Inference::Single(order) | Inference::Ordinal(order) => {
            let mut map = vec![Categorical::code_for(CategoricalCell::Missing(Missing::Declined)); values.len()];
            for (level_idx, &value_idx) in order.iter().enumerate() {
                map[value_idx] = level_idx as u16;
            }
            let no_answer = Categorical::code_for(CategoricalCell::Missing(Missing::NoAnswer));
            let map = map.as_slice();
            let cells = codes
                .iter()
                .map(|&c| if c == BLANK { no_answer } else { map[c as usize] })
                .collect();
            let levels = order.iter().map(|&i| values[i].to_string()).collect();
            let kind = if matches!(verdict.inference, Inference::Ordinal(_)) {
                QuestionKind::Ordinal
            } else {
                QuestionKind::Single
            };
            (kind, Column::Categorical(Categorical::new(levels, cells)?))
        }
        &Inference::Numeric { decimal_comma } => {
            let parse = if decimal_comma { parse_either } else { parse_number };
            let mut coded_labels: Vec<String> = Vec::new();
            let per_value: Vec<NumericCell> = values
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    if declined(i) {
                        NumericCell::Missing(Missing::Declined)
                    } else if let Some(x) = parse(v) {
                        NumericCell::Value(x)
                    } else {
                        coded_labels.push(v.to_string());
                        NumericCell::Coded((coded_labels.len() - 1) as u16)
                    }
                })
                .collect();
            let per_value = per_value.as_slice();
            let cells = codes
                .iter()
                .map(|&c| {
                    if c == BLANK {
                        NumericCell::Missing(Missing::NoAnswer)
                    } else {
                        per_value[c as usize]
                    }
                })
                .collect();
            (
                QuestionKind::Numeric,
                Column::Numeric(Numeric::new(cells, coded_labels)?),
            )
        }
        Inference::Multi {
            options, selections, ..
        } => {
            let n_rows = codes.len();
            let mut selected: Vec<Bitset> = options.iter().map(|_| Bitset::new(n_rows)).collect();
            let mut missing = Vec::with_capacity(n_rows);
            let (bitsets, selections) = (selected.as_mut_slice(), selections.as_slice());
            for (row_idx, &c) in codes.iter().enumerate() {
                if c == BLANK {
                    missing.push(Some(Missing::NoAnswer));
                } else if declined(c as usize) {
                    missing.push(Some(Missing::Declined));
                } else {
                    for &o in &selections[c as usize] {
                        bitsets[o as usize].insert(row_idx);
                    }
                    missing.push(None);
                }
            }
            (
                QuestionKind::Multi,
                Column::Multi(MultiSelect::new(options.clone(), selected, missing)?),
            )
        }
        Inference::Empty | Inference::Text | Inference::Datetime | Inference::Identifier => {
            let kind = match verdict.inference {
                Inference::Datetime => QuestionKind::Datetime,
                Inference::Identifier => QuestionKind::Identifier,
                _ => QuestionKind::Text,
            };
            (kind, text_column(&values, &codes)?)
        }
    })
}

/// A dictionary-encoded column written out as text.
pub(crate) fn text_column(values: &[Box<str>], codes: &[u16]) -> Result<Column, LoadError> {
    let mut data = String::new();
    let mut ends = Vec::with_capacity(codes.len());
    for &c in codes {
        if c != BLANK {
            data.push_str(&values[c as usize]);
        }
        ends.push(data.len());
    }
    Ok(Column::Text(Text::from_parts(data, ends)?))
}

/// A column that outgrew the dictionary: numbers, dates or free text.
fn encode_text_store(store: TextStore) -> Result<(QuestionKind, Column), LoadError> {
    let rows = || (0..store.len()).map(|r| store.get(r)).filter(|v| !v.is_empty());
    let undeclined = || rows().filter(|v| !is_declined(&normalize(v)));
    if undeclined().next().is_some() && undeclined().all(|v| parse_number(v).is_some() || is_top_code(v)) {
        let mut coded_labels: Vec<String> = Vec::new();
        let cells: Vec<NumericCell> = (0..store.len())
            .map(|r| {
                let v = store.get(r);
                if v.is_empty() {
                    NumericCell::Missing(Missing::NoAnswer)
                } else if let Some(x) = parse_number(v) {
                    NumericCell::Value(x)
                } else if is_declined(&normalize(v)) {
                    NumericCell::Missing(Missing::Declined)
                } else {
                    let idx = coded_labels.iter().position(|l| l == v).unwrap_or_else(|| {
                        coded_labels.push(v.to_string());
                        coded_labels.len() - 1
                    });
                    NumericCell::Coded(idx as u16)
                }
            })
            .collect();
        if coded_labels.len() <= 3 {
            if let Ok(numeric) = Numeric::new(cells, coded_labels) {
                return Ok((QuestionKind::Numeric, Column::Numeric(numeric)));
            }
        }
    }
    let kind = if undeclined().next().is_some() && undeclined().all(scales::is_datetime) {
        QuestionKind::Datetime
    } else if undeclined().next().is_some() && undeclined().all(looks_identifying) {
        QuestionKind::Identifier
    } else {
        QuestionKind::Text
    };
    Ok((kind, Column::Text(Text::from_parts(store.data, store.ends)?)))
}

/// Runs the accumulator over a slice of cells and encodes the result: the whole of
/// per-column inference, for tests and for callers holding cells in memory.
pub fn infer_cells(cells: &[&str]) -> Result<(QuestionKind, Column), LoadError> {
    let mut builder = ColumnBuilder::new(super::Caps::default().max_categories);
    for cell in cells {
        builder.push(cell);
    }
    let built = builder.finish();
    let verdict = match &built {
        Built::Dict { values, counts, .. } => {
            let values: Vec<&str> = values.iter().map(|v| &**v).collect();
            infer(&values, counts, false)
        }
        Built::Text(_) => Verdict {
            inference: Inference::Text,
            declined: Vec::new(),
        },
    };
    encode(built, &verdict)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_with_equal_bounds_keep_their_given_order() {
        let values = ["3-5 years", "Less than 1 year", "3 to 5 years", "1-2 years"];
        assert_eq!(range_order(&[0, 1, 2, 3], &values), Some(vec![1, 3, 0, 2]));
        assert_eq!(range_order(&[2, 3, 1, 0], &values), Some(vec![1, 3, 2, 0]));
    }

    /// Kind and options (levels, multi options or numeric top codes) of `cells`.
    fn check(cells: &[&str]) -> (QuestionKind, Vec<String>) {
        let (kind, column) = infer_cells(cells).unwrap();
        let options = match column {
            Column::Categorical(c) => c.levels().to_vec(),
            Column::Multi(m) => m.options().to_vec(),
            Column::Numeric(n) => n.coded_labels().to_vec(),
            Column::Text(_) => Vec::new(),
        };
        (kind, options)
    }

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn numbers_keep_their_top_codes() {
        assert_eq!(
            check(&["3", "", "> 40", "12.5", "Prefer not to say"]),
            (QuestionKind::Numeric, s(&["> 40"]))
        );
        let (_, column) = infer_cells(&["3", "", "> 40", "Prefer not to say", "12.5"]).unwrap();
        let Column::Numeric(n) = column else { panic!() };
        assert_eq!(
            n.cells(),
            [
                NumericCell::Value(3.0),
                NumericCell::Missing(Missing::NoAnswer),
                NumericCell::Coded(0),
                NumericCell::Missing(Missing::Declined),
                NumericCell::Value(12.5)
            ]
        );
    }

    #[test]
    fn decimal_commas_are_numbers_where_semicolons_separate_fields() {
        let cells = ["1,5", "2", "", "0,75"];
        let mut builder = ColumnBuilder::new(100);
        cells.iter().for_each(|c| builder.push(c));
        let built = builder.finish();
        let Built::Dict { values, counts, .. } = &built else {
            panic!()
        };
        let values: Vec<&str> = values.iter().map(|v| &**v).collect();
        let verdict = infer(&values, counts, true);
        assert_eq!(verdict.inference, Inference::Numeric { decimal_comma: true });
        // Where commas separate fields, a comma in a cell is not read as a decimal mark.
        assert!(!matches!(
            infer(&values, counts, false).inference,
            Inference::Numeric { .. }
        ));
        let (kind, column) = encode(built, &verdict).unwrap();
        assert_eq!(kind, QuestionKind::Numeric);
        let Column::Numeric(n) = column else { panic!() };
        assert_eq!(
            n.cells(),
            [
                NumericCell::Value(1.5),
                NumericCell::Value(2.0),
                NumericCell::Missing(Missing::NoAnswer),
                NumericCell::Value(0.75)
            ]
        );
        // A point anywhere means the commas are not decimal marks.
        let values = ["1,5", "2.5", "3"];
        assert_ne!(
            infer(&values, &[1, 1, 1], true).inference,
            Inference::Numeric { decimal_comma: true }
        );
    }

    #[test]
    fn likert_answers_are_ordinal_in_scale_order() {
        assert_eq!(
            check(&["Agree", "Strongly agree", "Disagree", "Agree", "Neutral", "N/A"]),
            (
                QuestionKind::Ordinal,
                s(&["Disagree", "Neutral", "Agree", "Strongly agree"])
            )
        );
        assert_eq!(
            check(&["Weekly", "Daily", "Rarely", "Monthly"]),
            (QuestionKind::Ordinal, s(&["Rarely", "Monthly", "Weekly", "Daily"]))
        );
    }

    #[test]
    fn scales_of_a_few_integers_are_ordinal_in_numeric_order() {
        assert_eq!(
            check(&["4", "5", "3", "1", "4", "2", "", "Prefer not to say"]),
            (QuestionKind::Ordinal, s(&["1", "2", "3", "4", "5"]))
        );
        // 0-10, as a net promoter score asks it, in numeric order, not text order.
        let nps: Vec<String> = (0..=10).rev().map(|i| i.to_string()).collect();
        let cells: Vec<&str> = nps.iter().map(String::as_str).collect();
        assert_eq!(
            check(&cells),
            (
                QuestionKind::Ordinal,
                s(&["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"])
            )
        );
        // Written with decimals, as a spreadsheet exports a 1-5 scale.
        assert_eq!(
            check(&["4.0", "2.0", "5.0", "1.0", "3.0"]),
            (QuestionKind::Ordinal, s(&["1.0", "2.0", "3.0", "4.0", "5.0"]))
        );
        // Halves, a wide range or a top code keep the numbers numeric.
        assert_eq!(check(&["4.5", "2", "5", "1", "3"]).0, QuestionKind::Numeric);
        assert_eq!(check(&["18", "25", "31", "44", "67", "25"]).0, QuestionKind::Numeric);
        assert_eq!(check(&["1", "2", "3", "4", "> 4"]).0, QuestionKind::Numeric);
    }

    #[test]
    fn experience_ranges_are_ordinal_by_their_bounds() {
        assert_eq!(
            check(&["3-5 years", "Less than 1 year", "10+ years", "1-2 years"]),
            (
                QuestionKind::Ordinal,
                s(&["Less than 1 year", "1-2 years", "3-5 years", "10+ years"])
            )
        );
    }

    #[test]
    fn multi_select_cells_are_split_when_the_pieces_recur() {
        assert_eq!(
            check(&["Python;R", "Python", "R;Julia;Python", "Julia"]),
            (QuestionKind::Multi, s(&["Python", "R", "Julia"]))
        );
        assert_eq!(
            check(&[
                "Code, Docs, tutorials",
                "Docs, tutorials",
                "Code",
                "Code, Docs, tutorials"
            ]),
            (QuestionKind::Multi, s(&["Code", "Docs, tutorials"]))
        );
        // Names typed in two cases are a list typed by hand, not a form's options.
        assert_ne!(
            check(&[
                "numpy, scipy",
                "Numpy, SciPy",
                "numpy",
                "Numpy, scipy, pandas",
                "pandas",
                "SciPy"
            ])
            .0,
            QuestionKind::Multi
        );
        // Answers sharing a first word, each with its own rest, are single choices.
        assert_eq!(
            check(&["Yes, daily", "Yes, weekly", "No", "Yes, daily"]).0,
            QuestionKind::Single
        );
        // One answer with a comma inside is a single choice, not two.
        assert_eq!(
            check(&["Python", "C, C++ or Fortran", "Rust", "Python"]),
            (QuestionKind::Single, s(&["Python", "C, C++ or Fortran", "Rust"]))
        );
    }

    #[test]
    fn other_kinds() {
        assert_eq!(
            check(&["2024-01-02 10:00:00", "2024-01-03 11:30:00"]).0,
            QuestionKind::Datetime
        );
        assert_eq!(check(&["a@example.org", "b@example.net"]).0, QuestionKind::Identifier);
        assert_eq!(check(&["", ""]).0, QuestionKind::Text);
        assert_eq!(
            check(&[
                "I would like better documentation for the random module",
                "More tutorials about broadcasting would help beginners a lot",
                "Nothing in particular, it works well for what I need to do"
            ])
            .0,
            QuestionKind::Text
        );
        assert_eq!(check(&["Yes", "No", "Yes"]), (QuestionKind::Single, s(&["Yes", "No"])));
    }

    #[test]
    fn too_many_distinct_answers_become_text_or_numbers() {
        let many: Vec<String> = (0..70_000).map(|i| format!("answer {i}")).collect();
        let cells: Vec<&str> = many.iter().map(String::as_str).collect();
        assert_eq!(check(&cells).0, QuestionKind::Text);
        let numbers: Vec<String> = (0..70_000).map(|i| format!("{i}.5")).collect();
        let cells: Vec<&str> = numbers.iter().map(String::as_str).collect();
        assert_eq!(check(&cells).0, QuestionKind::Numeric);
    }
}
