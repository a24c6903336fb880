//! From the labelled columns of a statistics package's file (SPSS `.sav`/`.zsav`,
//! Stata `.dta`) to questions.
//!
//! The readers (`sav`, `dta`) turn bytes into a [`LabelledFile`]: one [`Var`] per
//! variable with its name, label, measurement level, display format, values, value
//! labels and user-missing codes, plus any multiple-response sets and the weight. This
//! module decides what each becomes:
//!
//! - a numeric variable with value labels (and not measured as a scale) is a single
//!   choice, or ordinal when SPSS says so or its labels lie on a known scale; its
//!   levels are the labelled codes in code order, and codes that occur without a label
//!   are kept, named by the code, and listed in a warning;
//! - a numeric variable without labels is numeric, or a single choice named by its
//!   codes when it is measured as nominal or ordinal and has few distinct values;
//! - a date or time format makes a date-time question (kept, never charted);
//! - a string variable without labels is read as the text loader reads a column;
//! - a multiple-response set, or a run of 0/1 variables whose labels (or names) share
//!   a stem, is one multi-select; a run of labelled variables sharing a stem and their
//!   levels is a grid.
//!
//! Missing values: system-missing is no answer. A user-missing code (SPSS's discrete
//! values and ranges, Stata's `.a`–`.z`) is named by its label: a refusal ("Refused",
//! "Prefer not to say", "Declined") is declined; "Not applicable", "Not asked",
//! "Skipped" is not asked; anything else ("Don't know", "No answer", no label) is no
//! answer. One warning lists each label with the reason it was given.

use super::apply;
use super::header::split_name;
use super::infer::infer_cells;
use super::scales::{common_scale, normalize};
use super::{Caps, LoadError, Loaded, Warnings};
use crate::calendar::{civil_from_days, days_from_civil};
use crate::codebook::Codebook;
use crate::dataset::{
    Bitset, Categorical, CategoricalCell, Column, Dataset, Missing, MultiSelect, Numeric, NumericCell, Question,
    QuestionKind, Text,
};
use std::collections::HashMap;

/// A place in a labelled file's bytes and their byte order: the two readers' common
/// ground. Each adds the fields its format is made of; `format` names the file in the
/// sentence a short read gives.
pub(super) struct Cursor<'a> {
    pub bytes: &'a [u8],
    pub at: usize,
    pub big: bool,
    pub format: &'static str,
}

impl<'a> Cursor<'a> {
    /// At the start of `bytes`, little-endian until the header says otherwise.
    pub fn new(bytes: &'a [u8], format: &'static str) -> Cursor<'a> {
        Cursor {
            bytes,
            at: 0,
            big: false,
            format,
        }
    }

    /// The next `n` bytes, or a sentence naming `what` the file ends inside.
    pub fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], LoadError> {
        let left = self.bytes.len() - self.at;
        if left < n {
            return Err(LoadError::Damaged {
                format: self.format,
                offset: self.at as u64,
                problem: format!("the file ends inside {what} ({n} bytes needed, {left} left)"),
            });
        }
        let s = &self.bytes[self.at..self.at + n];
        self.at += n;
        Ok(s)
    }
}

/// A missing number carries its kind in the low byte of a NaN: 0 is system-missing
/// (SPSS's sysmis, Stata's `.`), 1–26 are Stata's `.a`–`.z`.
pub(crate) fn tagged_missing(tag: u8) -> f64 {
    f64::from_bits(0x7FF8_0000_0000_0000 | tag as u64)
}

/// The tag of a missing number, or `None` for a value.
#[inline(always)]
#[cfg(test)]
pub(crate) fn missing_tag(v: f64) -> Option<u8> {
    v.is_nan().then(|| (v.to_bits() & 0xFF) as u8)
}

/// A number as a map key: missing numbers by tag, and -0 as 0.
#[inline(always)]
fn key_of(v: f64) -> u64 {
    if v == 0.0 {
        0
    } else {
        v.to_bits()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Measure {
    Unknown,
    Nominal,
    Ordinal,
    Scale,
}

/// How a date or time is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DateUnit {
    /// SPSS: seconds since 14 October 1582.
    SpssDateTime,
    /// SPSS: a duration in seconds.
    SpssDuration,
    /// Stata `%td`: days since 1 January 1960.
    StataDays,
    /// Stata `%tc`/`%tC`: milliseconds since 1 January 1960.
    StataMillis,
    /// Stata `%tw`, `%tm`, `%tq`, `%th`, `%ty`: weeks, months, quarters, halves or years
    /// since 1960 (years: the year itself).
    StataPeriod(u8),
}

#[derive(Debug, Clone)]
pub(crate) enum Values {
    Numbers(Vec<f64>),
    Strings(Text),
}

#[derive(Debug, Clone)]
pub(crate) struct Var {
    pub name: String,
    pub label: String,
    pub measure: Measure,
    pub date: Option<DateUnit>,
    pub values: Values,
    pub num_labels: Vec<(f64, String)>,
    pub str_labels: Vec<(String, String)>,
    /// SPSS user-missing codes and range (`lo..=hi`), and string codes.
    pub missing_values: Vec<f64>,
    pub missing_range: Option<(f64, f64)>,
    pub missing_strings: Vec<String>,
}

impl Var {
    pub fn new(name: String, values: Values) -> Var {
        Var {
            label: String::new(),
            name,
            measure: Measure::Unknown,
            date: None,
            values,
            num_labels: Vec::new(),
            str_labels: Vec::new(),
            missing_values: Vec::new(),
            missing_range: None,
            missing_strings: Vec::new(),
        }
    }

    fn text(&self) -> &str {
        if self.label.trim().is_empty() {
            &self.name
        } else {
            self.label.trim()
        }
    }

    #[inline(always)]
    fn is_user_missing(&self, v: f64) -> bool {
        self.missing_values.contains(&v) || self.missing_range.is_some_and(|(lo, hi)| v >= lo && v <= hi)
    }

    #[inline(always)]
    fn is_missing(&self, v: f64) -> bool {
        v.is_nan() || self.is_user_missing(v)
    }

    fn num_label(&self, v: f64) -> Option<&str> {
        let key = key_of(v);
        self.num_labels
            .iter()
            .find(|(code, _)| key_of(*code) == key)
            .map(|(_, l)| l.as_str())
    }
}

/// The counted value of a multiple-dichotomy set.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Counted {
    Number(f64),
    Text(String),
}

/// A multiple-response set: dichotomies (`counted` is set) or categories.
#[derive(Debug, Clone)]
pub(crate) struct MrSet {
    pub name: String,
    pub label: String,
    pub counted: Option<Counted>,
    /// Options named by the counted value's label in each variable, not by the
    /// variable's label (SPSS's `CATEGORYLABELS=COUNTEDVALUES`).
    pub label_from_counted: bool,
    pub vars: Vec<usize>,
}

/// What a reader found in a file.
#[derive(Debug, Clone)]
pub(crate) struct LabelledFile {
    pub n_rows: usize,
    pub vars: Vec<Var>,
    pub weight: Option<usize>,
    pub mr_sets: Vec<MrSet>,
    pub layout: &'static str,
    pub encoding: &'static str,
}

/// The reason a user-missing code stands for, by the words of its label.
pub(crate) fn reason_of(label: Option<&str>) -> Missing {
    let Some(label) = label else {
        return Missing::NoAnswer;
    };
    let n = normalize(label);
    const DECLINED: [&str; 9] = [
        "refus",
        "declin",
        "prefer not",
        "rather not",
        "won't say",
        "would not say",
        "not to say",
        "not to answer",
        "no response given",
    ];
    const NOT_ASKED: [&str; 9] = [
        "not asked",
        "not applicable",
        "n/a",
        "inapplicable",
        "skipped",
        "routed",
        "filtered",
        "not shown",
        "legitimate skip",
    ];
    if DECLINED.iter().any(|w| n.contains(w)) {
        Missing::Declined
    } else if NOT_ASKED.iter().any(|w| n.contains(w)) || n == "na" {
        Missing::NotAsked
    } else {
        Missing::NoAnswer
    }
}

/// Every missing-code label met, with its reason, for one warning at the end.
#[derive(Default)]
struct MissingNotes {
    seen: Vec<(String, Missing)>,
}

impl MissingNotes {
    fn note(&mut self, label: Option<&str>, reason: Missing) {
        let Some(label) = label else { return };
        if !self.seen.iter().any(|(l, _)| l == label) {
            self.seen.push((label.to_string(), reason));
        }
    }

    fn warn(self, warnings: &mut Warnings) {
        if self.seen.is_empty() {
            return;
        }
        const SHOWN: usize = 12;
        let mut list: Vec<String> = self
            .seen
            .iter()
            .take(SHOWN)
            .map(|(l, r)| format!("{l:?} as {}", r.label()))
            .collect();
        if self.seen.len() > SHOWN {
            list.push(format!("and {} more", self.seen.len() - SHOWN));
        }
        warnings.push(
            0,
            format!(
                "missing-value codes were read by their labels: {}; system-missing is no answer",
                list.join(", ")
            ),
        );
    }
}

/// A number as an option name: whole numbers without a decimal point.
fn code_text(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// Distinct numbers of a column, numbered in first-appearance order: small whole
/// numbers through a table, the rest through a map.
struct Distinct {
    small: Vec<u32>,
    map: HashMap<u64, u32>,
    values: Vec<f64>,
    limit: usize,
}

const SMALL_MIN: i64 = -1024;
const SMALL_LEN: usize = 4096;
const UNSEEN: u32 = u32::MAX;

impl Distinct {
    fn new(limit: usize) -> Self {
        Distinct {
            small: vec![UNSEEN; SMALL_LEN],
            map: HashMap::new(),
            values: Vec::new(),
            limit,
        }
    }

    /// The value's number, or `None` once more than `limit` distinct values are seen.
    #[inline(always)]
    fn id(&mut self, v: f64) -> Option<u32> {
        let whole = v as i64;
        let slot = whole.wrapping_sub(SMALL_MIN) as u64;
        if (whole as f64) == v && slot < SMALL_LEN as u64 {
            let id = self.small[slot as usize];
            if id != UNSEEN {
                return Some(id);
            }
            let id = self.add(v)?;
            self.small[slot as usize] = id;
            return Some(id);
        }
        if let Some(&id) = self.map.get(&key_of(v)) {
            return Some(id);
        }
        let id = self.add(v)?;
        self.map.insert(key_of(v), id);
        Some(id)
    }

    fn add(&mut self, v: f64) -> Option<u32> {
        if self.values.len() >= self.limit {
            return None;
        }
        self.values.push(v);
        Some((self.values.len() - 1) as u32)
    }
}

/// A labelled numeric variable as dictionary codes: levels are the labelled codes and
/// the codes met without a label, in code order. `None` when there are more distinct
/// codes than `max_levels`.
fn categorical_from_numbers(
    var: &Var,
    values: &[f64],
    max_levels: usize,
    notes: &mut MissingNotes,
    unlabelled: &mut Vec<String>,
) -> Option<Categorical> {
    // Ids in first-appearance order, later remapped to level order.
    let mut distinct = Distinct::new(max_levels + var.num_labels.len() + 32);
    let mut ids: Vec<u16> = Vec::with_capacity(values.len());
    for &v in values {
        let id = distinct.id(v)?;
        ids.push(id as u16);
    }
    let mut levels: Vec<(f64, String, bool)> = Vec::new();
    for (code, label) in &var.num_labels {
        if !var.is_missing(*code) && !levels.iter().any(|(c, _, _)| key_of(*c) == key_of(*code)) {
            levels.push((*code, label.clone(), true));
        }
    }
    for &v in &distinct.values {
        if !var.is_missing(v) && !levels.iter().any(|(c, _, _)| key_of(*c) == key_of(v)) {
            levels.push((v, code_text(v), false));
        }
    }
    if levels.len() > max_levels {
        return None;
    }
    levels.sort_by(|a, b| a.0.total_cmp(&b.0));
    unlabelled.extend(levels.iter().filter(|l| !l.2).map(|l| l.1.clone()));
    let remap: Vec<u16> = distinct
        .values
        .iter()
        .map(|&v| {
            if var.is_missing(v) {
                let label = var.num_label(v);
                let reason = reason_of(label);
                notes.note(label, reason);
                Categorical::code_for(CategoricalCell::Missing(reason))
            } else {
                levels.iter().position(|l| key_of(l.0) == key_of(v)).unwrap_or(0) as u16
            }
        })
        .collect();
    for id in &mut ids {
        *id = remap[*id as usize];
    }
    let names = distinct_names(levels.into_iter().map(|l| (l.0, l.1)).collect());
    Categorical::new(names, ids).ok()
}

/// Level names made distinct: a second code with the same label gets its code added.
fn distinct_names(levels: Vec<(f64, String)>) -> Vec<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut names = Vec::with_capacity(levels.len());
    for (code, name) in levels {
        let n = seen.entry(name.clone()).or_insert(0);
        *n += 1;
        names.push(if *n > 1 {
            format!("{name} ({})", code_text(code))
        } else {
            name
        });
    }
    names
}

fn numeric_cells(var: &Var, values: &[f64], notes: &mut MissingNotes) -> Result<Numeric, LoadError> {
    let mut reasons: HashMap<u64, Missing> = HashMap::new();
    let cells = values
        .iter()
        .map(|&v| {
            if var.is_missing(v) {
                let reason = *reasons.entry(key_of(v)).or_insert_with(|| {
                    let label = var.num_label(v);
                    let reason = reason_of(label);
                    notes.note(label, reason);
                    reason
                });
                NumericCell::Missing(reason)
            } else {
                NumericCell::Value(v)
            }
        })
        .collect();
    Ok(Numeric::new(cells, Vec::new())?)
}

fn clock(secs: i64) -> String {
    format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
}

/// A date or time as ISO 8601 text.
pub(crate) fn format_date(v: f64, unit: DateUnit) -> String {
    // Far outside any survey; keeps the arithmetic below from overflowing.
    if !v.is_finite() || v.abs() > 1e15 {
        return code_text(v);
    }
    let datetime = |epoch_days: i64, secs: i64| {
        let days = secs.div_euclid(86_400);
        let (y, m, d) = civil_from_days(epoch_days + days);
        let rest = secs.rem_euclid(86_400);
        if rest == 0 {
            format!("{y:04}-{m:02}-{d:02}")
        } else {
            format!("{y:04}-{m:02}-{d:02} {}", clock(rest))
        }
    };
    match unit {
        DateUnit::SpssDateTime => datetime(days_from_civil(1582, 10, 14), v.floor() as i64),
        DateUnit::SpssDuration => {
            let s = v.floor() as i64;
            let sign = if s < 0 { "-" } else { "" };
            format!("{sign}{}", clock(s.abs()))
        }
        DateUnit::StataDays => datetime(days_from_civil(1960, 1, 1), (v.floor() as i64) * 86_400),
        DateUnit::StataMillis => datetime(days_from_civil(1960, 1, 1), (v / 1000.0).floor() as i64),
        DateUnit::StataPeriod(p) => {
            let n = v.floor() as i64;
            match p {
                b'w' => format!("{}-W{:02}", 1960 + n.div_euclid(52), n.rem_euclid(52) + 1),
                b'm' => format!("{}-{:02}", 1960 + n.div_euclid(12), n.rem_euclid(12) + 1),
                b'q' => format!("{}-Q{}", 1960 + n.div_euclid(4), n.rem_euclid(4) + 1),
                b'h' => format!("{}-H{}", 1960 + n.div_euclid(2), n.rem_euclid(2) + 1),
                _ => format!("{n}"),
            }
        }
    }
}

fn date_column(var: &Var, values: &[f64], unit: DateUnit) -> Result<Column, LoadError> {
    let mut data = String::new();
    let mut ends = Vec::with_capacity(values.len());
    for &v in values {
        if !var.is_missing(v) {
            data.push_str(&format_date(v, unit));
        }
        ends.push(data.len());
    }
    Ok(Column::Text(Text::from_parts(data, ends)?))
}

/// Most distinct codes an unlabelled nominal or ordinal variable may have and still be
/// read as a choice rather than as numbers.
const MAX_UNLABELLED_LEVELS: usize = 30;

/// One variable as a question on its own.
fn convert(
    var: &Var,
    max_levels: usize,
    notes: &mut MissingNotes,
    warnings: &mut Warnings,
) -> Result<(QuestionKind, Column), LoadError> {
    match &var.values {
        Values::Numbers(values) => {
            if let Some(unit) = var.date {
                return Ok((QuestionKind::Datetime, date_column(var, values, unit)?));
            }
            let labelled = var.num_labels.iter().any(|(c, _)| !var.is_missing(*c));
            // Many files call every number a scale; one whose every answer has a label
            // is a choice all the same.
            let as_choice = if labelled {
                var.measure != Measure::Scale || values.iter().all(|&v| var.is_missing(v) || var.num_label(v).is_some())
            } else {
                matches!(var.measure, Measure::Nominal | Measure::Ordinal)
            };
            if as_choice {
                let limit = if labelled { max_levels } else { MAX_UNLABELLED_LEVELS };
                let mut unlabelled = Vec::new();
                if let Some(cat) = categorical_from_numbers(var, values, limit, notes, &mut unlabelled) {
                    if labelled && !unlabelled.is_empty() {
                        warnings.push(
                            0,
                            format!(
                                "question {:?}: code{} {} {} no label; kept as option{} named by the code",
                                var.name,
                                if unlabelled.len() == 1 { "" } else { "s" },
                                unlabelled.join(", "),
                                if unlabelled.len() == 1 { "has" } else { "have" },
                                if unlabelled.len() == 1 { "" } else { "s" },
                            ),
                        );
                    }
                    let normalized: Vec<String> = cat.levels().iter().map(|l| normalize(l)).collect();
                    let refs: Vec<&str> = normalized.iter().map(String::as_str).collect();
                    let ordinal = var.measure == Measure::Ordinal
                        || (var.measure == Measure::Unknown && labelled && common_scale(&refs).is_some());
                    let kind = if ordinal {
                        QuestionKind::Ordinal
                    } else {
                        QuestionKind::Single
                    };
                    return Ok((kind, Column::Categorical(cat)));
                }
                if labelled {
                    warnings.push(
                        0,
                        format!(
                            "question {:?} has more than {max_levels} distinct codes; it is read as numbers",
                            var.name
                        ),
                    );
                }
            }
            Ok((
                QuestionKind::Numeric,
                Column::Numeric(numeric_cells(var, values, notes)?),
            ))
        }
        Values::Strings(text) => {
            let n = text.len();
            let cells: Vec<&str> = (0..n).map(|r| text.get(r)).collect();
            if var.str_labels.is_empty() {
                let cleaned: Vec<&str> = cells
                    .iter()
                    .map(|c| {
                        if var.missing_strings.iter().any(|m| m == c) {
                            ""
                        } else {
                            *c
                        }
                    })
                    .collect();
                return infer_cells(&cleaned);
            }
            let mut levels: Vec<(String, String, bool)> = var
                .str_labels
                .iter()
                .filter(|(code, _)| !var.missing_strings.contains(code))
                .map(|(code, label)| (code.clone(), label.clone(), true))
                .collect();
            levels.sort_by(|a, b| a.0.cmp(&b.0));
            let mut index: HashMap<&str, u16> = HashMap::new();
            let mut codes = Vec::with_capacity(n);
            let mut extra: Vec<String> = Vec::new();
            for cell in &cells {
                let code = if cell.is_empty() {
                    Categorical::code_for(CategoricalCell::Missing(Missing::NoAnswer))
                } else if var.missing_strings.iter().any(|m| m == cell) {
                    let label = var.str_labels.iter().find(|(c, _)| c == cell).map(|(_, l)| l.as_str());
                    let reason = reason_of(label);
                    notes.note(label, reason);
                    Categorical::code_for(CategoricalCell::Missing(reason))
                } else if let Some(&c) = index.get(cell) {
                    c
                } else {
                    let pos = match levels.iter().position(|l| l.0 == *cell) {
                        Some(p) => p,
                        None => {
                            if levels.len() >= max_levels {
                                return infer_cells(&cells);
                            }
                            extra.push(cell.to_string());
                            levels.push((cell.to_string(), cell.to_string(), false));
                            levels.len() - 1
                        }
                    };
                    index.insert(cell, pos as u16);
                    pos as u16
                };
                codes.push(code);
            }
            if !extra.is_empty() {
                warnings.push(
                    0,
                    format!(
                        "question {:?}: answers {} have no label; kept as options named by the answer",
                        var.name,
                        extra.iter().map(|e| format!("{e:?}")).collect::<Vec<_>>().join(", ")
                    ),
                );
            }
            let names = levels.into_iter().map(|l| l.1).collect();
            let kind = if var.measure == Measure::Ordinal {
                QuestionKind::Ordinal
            } else {
                QuestionKind::Single
            };
            Ok((kind, Column::Categorical(Categorical::new(names, codes)?)))
        }
    }
}

/// Whether a cell of a variable holds no answer, and why.
fn cell_missing(var: &Var, row: usize) -> Option<Missing> {
    match &var.values {
        Values::Numbers(v) => {
            let v = v[row];
            var.is_missing(v).then(|| reason_of(var.num_label(v)))
        }
        Values::Strings(t) => {
            let s = t.get(row);
            if s.is_empty() {
                Some(Missing::NoAnswer)
            } else if var.missing_strings.iter().any(|m| m == s) {
                Some(reason_of(
                    var.str_labels.iter().find(|(c, _)| c == s).map(|(_, l)| l.as_str()),
                ))
            } else {
                None
            }
        }
    }
}

/// A multi-select from member variables: `selects(var, row)` gives the options a
/// member's cell selects. A row answers when any member answers.
fn multi_from(
    vars: &[&Var],
    n_rows: usize,
    options: Vec<String>,
    mut selects: impl FnMut(usize, &Var, usize, &mut Vec<usize>),
) -> Result<MultiSelect, LoadError> {
    let mut selected: Vec<Bitset> = (0..options.len()).map(|_| Bitset::new(n_rows)).collect();
    let mut missing = Vec::with_capacity(n_rows);
    let mut picked = Vec::new();
    for row in 0..n_rows {
        let mut first_reason = None;
        let mut answered = false;
        picked.clear();
        for (member, var) in vars.iter().enumerate() {
            match cell_missing(var, row) {
                Some(reason) => {
                    first_reason.get_or_insert(reason);
                }
                None => {
                    answered = true;
                    selects(member, var, row, &mut picked);
                }
            }
        }
        if answered {
            for &opt in &picked {
                selected[opt].insert(row);
            }
            missing.push(None);
        } else {
            missing.push(first_reason);
        }
    }
    Ok(MultiSelect::new(options, selected, missing)?)
}

fn mr_question(
    file: &LabelledFile,
    set: &MrSet,
    max_levels: usize,
    warnings: &mut Warnings,
) -> Result<Question, LoadError> {
    let vars: Vec<&Var> = set.vars.iter().map(|&v| &file.vars[v]).collect();
    let id = set.name.trim_start_matches('$').to_string();
    let text = if set.label.trim().is_empty() {
        id.clone()
    } else {
        set.label.trim().to_string()
    };
    let column = match &set.counted {
        Some(counted) => {
            let options: Vec<String> = vars
                .iter()
                .map(|v| {
                    let by_value = match counted {
                        Counted::Number(c) if set.label_from_counted => v.num_label(*c).map(str::to_string),
                        Counted::Text(c) if set.label_from_counted => {
                            v.str_labels.iter().find(|(k, _)| k == c).map(|(_, l)| l.clone())
                        }
                        _ => None,
                    };
                    by_value.unwrap_or_else(|| v.text().to_string())
                })
                .collect();
            let options = distinct_names(options.into_iter().map(|o| (0.0, o)).collect());
            multi_from(&vars, file.n_rows, options, |member, var, row, picked| {
                let hit = match (&var.values, counted) {
                    (Values::Numbers(v), Counted::Number(c)) => v[row] == *c,
                    (Values::Strings(t), Counted::Text(c)) => t.get(row) == c.trim_end(),
                    _ => false,
                };
                if hit {
                    picked.push(member);
                }
            })?
        }
        None if vars.iter().all(|v| matches!(v.values, Values::Strings(_))) => {
            // Categories written as text: the members' answers in sorted order, named
            // by their labels where they have one.
            let mut answers: Vec<String> = Vec::new();
            for var in &vars {
                if let Values::Strings(t) = &var.values {
                    for row in 0..t.len() {
                        let a = t.get(row);
                        if cell_missing(var, row).is_none() && !answers.iter().any(|x| x == a) {
                            if answers.len() >= max_levels {
                                return Err(LoadError::TooManyLevels {
                                    question: id,
                                    levels: answers.len() + 1,
                                    cap: max_levels,
                                });
                            }
                            answers.push(a.to_string());
                        }
                    }
                }
            }
            answers.sort();
            let index: HashMap<String, usize> = answers.iter().enumerate().map(|(i, a)| (a.clone(), i)).collect();
            let options = answers
                .iter()
                .map(|a| {
                    let label = vars
                        .iter()
                        .find_map(|v| v.str_labels.iter().find(|(k, _)| k == a).map(|(_, l)| l.clone()));
                    (0.0, label.unwrap_or_else(|| a.clone()))
                })
                .collect();
            multi_from(&vars, file.n_rows, distinct_names(options), |_, var, row, picked| {
                if let Values::Strings(t) = &var.values {
                    if let Some(&opt) = index.get(t.get(row)) {
                        if !picked.contains(&opt) {
                            picked.push(opt);
                        }
                    }
                }
            })?
        }
        None => {
            // Categories: the union of the members' labelled codes, in code order.
            let mut codes: Vec<(f64, String)> = Vec::new();
            let mut unlabelled: Vec<String> = Vec::new();
            for var in &vars {
                for (c, l) in &var.num_labels {
                    if !var.is_missing(*c) && !codes.iter().any(|(k, _)| key_of(*k) == key_of(*c)) {
                        codes.push((*c, l.clone()));
                    }
                }
            }
            for var in &vars {
                if let Values::Numbers(values) = &var.values {
                    for &v in values {
                        if !var.is_missing(v) && !codes.iter().any(|(k, _)| key_of(*k) == key_of(v)) {
                            if codes.len() >= max_levels {
                                return Err(LoadError::TooManyLevels {
                                    question: id,
                                    levels: codes.len() + 1,
                                    cap: max_levels,
                                });
                            }
                            codes.push((v, code_text(v)));
                            unlabelled.push(code_text(v));
                        }
                    }
                }
            }
            codes.sort_by(|a, b| a.0.total_cmp(&b.0));
            if !unlabelled.is_empty() {
                warnings.push(
                    0,
                    format!(
                        "question {id:?}: codes {} have no label; kept as options named by the code",
                        unlabelled.join(", ")
                    ),
                );
            }
            let keys: HashMap<u64, usize> = codes.iter().enumerate().map(|(i, (c, _))| (key_of(*c), i)).collect();
            let options = distinct_names(codes);
            multi_from(&vars, file.n_rows, options, |_, var, row, picked| {
                if let Values::Numbers(v) = &var.values {
                    if let Some(&opt) = keys.get(&key_of(v[row])) {
                        if !picked.contains(&opt) {
                            picked.push(opt);
                        }
                    }
                }
            })?
        }
    };
    Ok(Question {
        id,
        text,
        kind: QuestionKind::Multi,
        group: None,
        column: Column::Multi(column),
    })
}

/// A variable's place in a run: the run's key, the group's text and this item's name.
fn stem_of(var: &Var) -> Option<(String, String, String)> {
    let label = var.label.trim();
    for sep in [" - ", ": ", " – "] {
        if let Some((stem, item)) = label.rsplit_once(sep) {
            let (stem, item) = (stem.trim(), item.trim());
            if !stem.is_empty() && !item.is_empty() {
                return Some((format!("label:{stem}"), stem.to_string(), item.to_string()));
            }
        }
    }
    let (stem, item, _) = split_name(&var.name)?;
    let item = if label.is_empty() {
        item.to_string()
    } else {
        label.to_string()
    };
    Some((format!("name:{stem}"), stem.to_string(), item))
}

/// A 0/1 variable: numeric, not a date, answered only with 0 and 1, labels (if any)
/// only on those.
fn is_dichotomy(var: &Var) -> bool {
    let Values::Numbers(values) = &var.values else {
        return false;
    };
    var.date.is_none()
        && var
            .num_labels
            .iter()
            .all(|(c, _)| *c == 0.0 || *c == 1.0 || var.is_missing(*c))
        && values.iter().all(|&v| v == 0.0 || v == 1.0 || var.is_missing(v))
}

/// Builds the load result of a labelled file.
pub(crate) fn assemble(
    file: LabelledFile,
    caps: &Caps,
    mut warnings: Warnings,
    codebook: Option<&Codebook>,
) -> Result<Loaded, LoadError> {
    let n_rows = file.n_rows;
    if n_rows == 0 {
        return Err(LoadError::HeaderOnly {
            header_rows: 0,
            line: 0,
        });
    }
    let mut notes = MissingNotes::default();
    let mut in_set: Vec<Option<usize>> = vec![None; file.vars.len()];
    for (set_idx, set) in file.mr_sets.iter().enumerate() {
        for &v in &set.vars {
            in_set[v].get_or_insert(set_idx);
        }
    }
    let stems: Vec<Option<(String, String, String)>> = file
        .vars
        .iter()
        .enumerate()
        .map(|(i, v)| if in_set[i].is_some() { None } else { stem_of(v) })
        .collect();
    let mut questions: Vec<Question> = Vec::with_capacity(file.vars.len());
    let mut var_question: Vec<Option<usize>> = vec![None; file.vars.len()];
    let mut sets_done = vec![false; file.mr_sets.len()];
    let mut i = 0;
    while i < file.vars.len() {
        if let Some(set_idx) = in_set[i] {
            if !sets_done[set_idx] {
                sets_done[set_idx] = true;
                questions.push(mr_question(
                    &file,
                    &file.mr_sets[set_idx],
                    caps.max_categories,
                    &mut warnings,
                )?);
            }
            i += 1;
            continue;
        }
        let mut end = i + 1;
        if let Some((key, _, _)) = &stems[i] {
            while end < file.vars.len() && stems[end].as_ref().is_some_and(|s| &s.0 == key) {
                end += 1;
            }
        }
        let (_, group_text, _) = stems[i].clone().unwrap_or_default();
        if end - i >= 2 && file.vars[i..end].iter().all(is_dichotomy) {
            let vars: Vec<&Var> = file.vars[i..end].iter().collect();
            let options: Vec<String> = stems[i..end].iter().map(|s| s.clone().unwrap_or_default().2).collect();
            let options = distinct_names(options.into_iter().map(|o| (0.0, o)).collect());
            let column = multi_from(&vars, n_rows, options, |member, var, row, picked| {
                if let Values::Numbers(v) = &var.values {
                    if v[row] == 1.0 {
                        picked.push(member);
                    }
                }
            })?;
            let id = split_name(&file.vars[i].name)
                .filter(|(stem, _, _)| {
                    file.vars[i..end]
                        .iter()
                        .all(|v| split_name(&v.name).is_some_and(|(s, _, _)| s == *stem))
                })
                .map_or_else(|| file.vars[i].name.clone(), |(stem, _, _)| stem.to_string());
            questions.push(Question {
                id,
                text: group_text,
                kind: QuestionKind::Multi,
                group: None,
                column: Column::Multi(column),
            });
            i = end;
            continue;
        }
        let start = questions.len();
        for (offset, var) in file.vars[i..end].iter().enumerate() {
            let (kind, column) = convert(var, caps.max_categories, &mut notes, &mut warnings)?;
            var_question[i + offset] = Some(questions.len());
            questions.push(Question {
                id: var.name.clone(),
                text: var.text().to_string(),
                kind,
                group: None,
                column,
            });
        }
        // Items sharing a stem and their levels are a grid.
        let items = &mut questions[start..];
        let first_levels = match items.first().map(|q| &q.column) {
            Some(Column::Categorical(c)) => Some(c.levels().to_vec()),
            _ => None,
        };
        if items.len() >= 2 {
            if let Some(levels) = first_levels {
                let shared = items.iter().all(|q| {
                    matches!(q.kind, QuestionKind::Single | QuestionKind::Ordinal)
                        && matches!(&q.column, Column::Categorical(c) if c.levels() == levels.as_slice())
                });
                if shared {
                    for (offset, q) in items.iter_mut().enumerate() {
                        q.kind = QuestionKind::Grid;
                        q.group = Some(group_text.clone());
                        if let Some((_, _, item)) = &stems[i + offset] {
                            q.text = item.clone();
                        }
                    }
                }
            }
        }
        i = end;
    }
    unique_ids(&mut questions);
    notes.warn(&mut warnings);
    if let Some(codebook) = codebook {
        questions = apply::apply_to_labelled(questions, n_rows, codebook, caps.max_categories, &mut warnings)?;
    }
    let weight = file.weight.and_then(|w| var_question[w]);
    if let Some(w) = weight {
        warnings.push(
            0,
            format!(
                "the file names {:?} as its weight variable: the page weights the tables by it from the start, the command line with --weight {}",
                questions[w].id, questions[w].id
            ),
        );
    }
    let identifying = questions.iter().map(|q| q.kind == QuestionKind::Identifier).collect();
    Ok(Loaded {
        dataset: Dataset::new(n_rows, questions)?,
        warnings: warnings.into_vec(),
        encoding: file.encoding,
        delimiter: 0,
        header_rows: 0,
        layout: file.layout,
        blank_lines: 0,
        identifying,
        weight,
    })
}

/// A multi-select set named like one of its variables keeps ids unique.
fn unique_ids(questions: &mut [Question]) {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for q in questions.iter_mut() {
        let n = seen.entry(q.id.clone()).or_insert(0);
        *n += 1;
        if *n > 1 {
            q.id = format!("{} ({n})", q.id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_labels_name_their_reason() {
        assert_eq!(reason_of(Some("Refused")), Missing::Declined);
        assert_eq!(reason_of(Some("Prefer not to say")), Missing::Declined);
        assert_eq!(reason_of(Some("Don't know")), Missing::NoAnswer);
        assert_eq!(reason_of(Some("Not applicable")), Missing::NotAsked);
        assert_eq!(reason_of(None), Missing::NoAnswer);
    }

    #[test]
    fn dates_are_iso_text() {
        // 2024-03-01 in SPSS seconds since 1582-10-14 and Stata days since 1960.
        let spss = (days_from_civil(2024, 3, 1) - days_from_civil(1582, 10, 14)) as f64 * 86_400.0;
        assert_eq!(format_date(spss, DateUnit::SpssDateTime), "2024-03-01");
        assert_eq!(
            format_date(spss + 3661.0, DateUnit::SpssDateTime),
            "2024-03-01 01:01:01"
        );
        assert_eq!(format_date(0.0, DateUnit::StataDays), "1960-01-01");
        assert_eq!(format_date(-1.0, DateUnit::StataDays), "1959-12-31");
        assert_eq!(format_date(1.0, DateUnit::StataPeriod(b'm')), "1960-02");
        assert_eq!(civil_from_days(days_from_civil(1582, 10, 14)), (1582, 10, 14));
    }

    #[test]
    fn tagged_missing_keeps_its_tag() {
        for tag in 0..=26 {
            assert_eq!(missing_tag(tagged_missing(tag)), Some(tag));
        }
        assert_eq!(missing_tag(1.5), None);
    }
}
