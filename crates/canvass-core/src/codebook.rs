//! The survey codebook: one entry per column of a response file, in file
//! order, with question text, kind, options, cell encoding, skip logic and
//! the percentages published about it.
//!
//! The format (`canvass-codebook/1`) is survey-independent: the loader reads
//! any survey's codebook with [`parse_codebook`]. The optional `model` section
//! is kept here as written and read only by the synthetic-data generator
//! (the canvass-synth crate), which also owns its rules and its calendar code.
//!
//! ```
//! let json = br#"{
//!   "format": "canvass-codebook/1",
//!   "title": "Tiny",
//!   "questions": [
//!     {"id": "q1", "text": "Contributed?", "kind": "single", "section": "oss",
//!      "options": ["Yes", "No"]},
//!     {"id": "q2", "text": "How?", "kind": "multi", "section": "oss",
//!      "options": ["Code", "Docs, tutorials"], "separator": ";",
//!      "asked_if": {"question": "q1", "any_of": ["Yes"]}}
//!   ]
//! }"#;
//! let cb = canvass_core::codebook::parse_codebook(json).unwrap();
//! let row = ["Yes", "Code;Docs, tutorials"];
//! assert!(cb.eval(cb.questions[1].asked_if.as_ref().unwrap(), &row));
//! assert_eq!(cb.questions[1].selected(row[1]), vec!["Code", "Docs, tutorials"]);
//! ```

use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};
use std::fmt;

pub mod read;

/// The only format tag this version reads.
pub const FORMAT: &str = "canvass-codebook/1";

/// Why a codebook was rejected.
#[derive(Debug, Clone, PartialEq)]
pub enum CodebookError {
    /// Not valid JSON, or JSON of the wrong shape.
    Json {
        line: usize,
        column: usize,
        message: String,
    },
    /// Valid JSON that breaks a rule of the format; `path` locates the problem.
    Invalid { path: String, message: String },
}

impl fmt::Display for CodebookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodebookError::Json { line, column, message } => {
                write!(
                    f,
                    "codebook is not valid JSON at line {line}, column {column}: {message}"
                )
            }
            CodebookError::Invalid { path, message } => write!(f, "codebook error at {path}: {message}"),
        }
    }
}

impl std::error::Error for CodebookError {}

impl CodebookError {
    /// A rule of the format broken at `path`, such as `questions[3].options[1]`.
    pub fn invalid(path: impl Into<String>, message: impl Into<String>) -> CodebookError {
        CodebookError::Invalid {
            path: path.into(),
            message: message.into(),
        }
    }
}

/// A whole codebook.
#[derive(Debug, Clone, PartialEq)]
pub struct Codebook {
    pub format: String,
    pub title: String,
    pub description: Option<String>,
    pub source: Option<Value>,
    pub layout: Layout,
    pub questions: Vec<Question>,
    pub facts: Vec<Fact>,
    /// The synthesis model as written, not read or checked here: the loader has no
    /// use for it, and the generator (canvass-synth) reads it with its own rules.
    pub model: Option<Value>,
    index: HashMap<String, usize>,
}

/// How the data file is laid out.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub delimiter: String,
    pub header_rows: usize,
    pub encoding: String,
}

fn default_delimiter() -> String {
    "\t".into()
}
fn default_header_rows() -> usize {
    3
}
fn default_encoding() -> String {
    "utf-8".into()
}

impl Default for Layout {
    fn default() -> Self {
        Layout {
            delimiter: default_delimiter(),
            header_rows: default_header_rows(),
            encoding: default_encoding(),
        }
    }
}

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Single,
    Multi,
    Ordinal,
    Rank,
    Numeric,
    Country,
    Text,
    Identifier,
    Datetime,
    Metadata,
}

impl Kind {
    /// Kinds whose cells are one of a fixed list of options.
    pub fn has_options(self) -> bool {
        matches!(
            self,
            Kind::Single | Kind::Multi | Kind::Ordinal | Kind::Rank | Kind::Country
        )
    }
    /// Survey-platform columns that charts and disclosure checks skip.
    pub fn is_platform(self) -> bool {
        matches!(self, Kind::Identifier | Kind::Datetime | Kind::Metadata)
    }
}

/// One column.
#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    pub id: String,
    pub text: String,
    pub kind: Kind,
    pub section: String,
    pub label: Option<String>,
    pub options: Vec<String>,
    pub other_text: Option<String>,
    pub separator: Option<String>,
    pub asked_if: Option<Condition>,
    pub numeric: Option<NumericSpec>,
    pub rank_group: Option<String>,
    pub withheld: bool,
    pub no_data: bool,
    pub import_id: Option<Value>,
    pub notes: Option<String>,
    pub published: Vec<Published>,
}

impl Question {
    /// True when the release leaves this column blank on every row.
    pub fn always_blank(&self) -> bool {
        self.withheld || self.no_data || self.kind == Kind::Text
    }

    /// The options selected in a cell: the split cell for multi-select
    /// questions, the cell itself otherwise, nothing for a blank cell.
    pub fn selected<'a>(&self, cell: &'a str) -> Vec<&'a str> {
        if cell.is_empty() {
            return Vec::new();
        }
        match (&self.kind, &self.separator) {
            (Kind::Multi, Some(sep)) => cell.split(sep.as_str()).collect(),
            _ => vec![cell],
        }
    }

    /// The numeric value of a cell: an integer or decimal, or the value of a
    /// top code such as `> 40`.
    pub fn numeric_value(&self, cell: &str) -> Option<f64> {
        if cell.is_empty() {
            return None;
        }
        if let Some(spec) = &self.numeric {
            if let Some(t) = spec.top_codes.iter().find(|t| t.code == cell) {
                return Some(t.value);
            }
        }
        cell.trim().parse::<f64>().ok().filter(|v| v.is_finite())
    }

    /// Position of an option in the option list.
    pub fn option_index(&self, value: &str) -> Option<usize> {
        self.options.iter().position(|o| o == value)
    }

    /// The bin label a numeric cell falls in (top codes are their own label).
    pub fn bin_of(&self, cell: &str) -> Option<String> {
        let spec = self.numeric.as_ref()?;
        if spec.top_codes.iter().any(|t| t.code == cell) {
            return Some(cell.to_string());
        }
        let v = self.numeric_value(cell)?;
        spec.bins
            .iter()
            .find(|b| v >= b.min && v <= b.max)
            .map(|b| b.label.clone())
    }

    /// A short display name.
    pub fn display_label(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.text)
    }
}

/// Numeric answers: range, special literal codes and published bins.
#[derive(Debug, Clone, PartialEq)]
pub struct NumericSpec {
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub integer: bool,
    pub top_codes: Vec<TopCode>,
    pub bins: Vec<Bin>,
}

/// A literal cell value standing for an open-ended range (e.g. `> 40`).
#[derive(Debug, Clone, PartialEq)]
pub struct TopCode {
    pub code: String,
    /// The value used in numeric comparisons (the lower end of the range).
    pub value: f64,
}

/// A closed numeric interval with a label, as used in published histograms.
#[derive(Debug, Clone, PartialEq)]
pub struct Bin {
    pub label: String,
    pub min: f64,
    pub max: f64,
}

/// Where a published number comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Printed in the report.
    Pdf,
    /// Printed on the results web site.
    Web,
    /// Read off a web chart; approximate.
    WebMeasured,
}

/// Who a published percentage is "of".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base {
    /// Respondents with a non-blank answer.
    Answered,
    /// Respondents the question was shown to, blanks included.
    Asked,
    /// All rows.
    All,
    /// All selections made in a multi-select question.
    Mentions,
}

/// One published percentage.
#[derive(Debug, Clone, PartialEq)]
pub struct Published {
    pub option: String,
    pub percent: f64,
    pub precision: u32,
    pub tolerance: Option<f64>,
    pub source: Source,
    pub base: Base,
    pub base_n: Option<u64>,
    pub count: Option<u64>,
    pub among: Option<Condition>,
    pub exclude: Vec<String>,
    pub base_description: Option<String>,
    pub page: Option<u32>,
    pub deviation: Option<String>,
    pub verifiable: Option<bool>,
}

/// How close a recomputed percentage must be to a published one.
pub fn allowed_error(precision: u32, tolerance: Option<f64>) -> f64 {
    match tolerance {
        Some(t) => t,
        None => 0.5 * 10f64.powi(-(precision as i32)),
    }
}

impl Published {
    /// Largest absolute difference (percentage points) that still matches.
    pub fn allowed_error(&self) -> f64 {
        allowed_error(self.precision, self.tolerance)
    }
    /// Whether the release is expected to reproduce this number.
    pub fn is_target(&self) -> bool {
        self.deviation.is_none() && self.verifiable != Some(false)
    }
}

/// A published statement linking several questions.
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    pub id: String,
    pub text: String,
    pub numerator: Condition,
    pub denominator: Condition,
    pub percent: f64,
    pub precision: u32,
    pub tolerance: Option<f64>,
    pub source: Source,
    pub count: Option<u64>,
    pub base_n: Option<u64>,
    pub page: Option<u32>,
}

/// A test on one or more answers of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    All(Vec<Condition>),
    Any(Vec<Condition>),
    Not(Box<Condition>),
    Test { question: String, test: Test },
}

/// The test applied to one question's cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    /// The answer is (or, for multi-select, includes) one of these.
    AnyOf(Vec<String>),
    /// A multi-select answer includes all of these.
    AllOf(Vec<String>),
    /// Answered, and the answer is (includes) none of these.
    NoneOf(Vec<String>),
    /// Non-blank (`true`) or blank (`false`).
    Answered(bool),
    /// Numeric answer within the inclusive bounds.
    Range { min: Option<f64>, max: Option<f64> },
    /// Both ordinal answers present and this one's scale position is at most the other's.
    NotAbove(String),
}

impl Condition {
    /// Build from the JSON form; errors name the offending key.
    pub fn from_value(v: &Value) -> Result<Condition, String> {
        let obj = v.as_object().ok_or("a condition must be a JSON object")?;
        let strings = |key: &str, v: &Value| -> Result<Vec<String>, String> {
            let arr = v.as_array().ok_or(format!("'{key}' must be a list of strings"))?;
            if arr.is_empty() {
                return Err(format!("'{key}' must not be empty"));
            }
            arr.iter()
                .map(|x| {
                    x.as_str()
                        .map(str::to_string)
                        .ok_or(format!("'{key}' must be a list of strings"))
                })
                .collect()
        };
        let list = |key: &str, v: &Value| -> Result<Vec<Condition>, String> {
            let arr = v.as_array().ok_or(format!("'{key}' must be a list of conditions"))?;
            if arr.is_empty() {
                return Err(format!("'{key}' must not be empty"));
            }
            arr.iter()
                .enumerate()
                .map(|(i, c)| Condition::from_value(c).map_err(|e| format!("{key}[{i}]: {e}")))
                .collect()
        };
        if obj.len() == 1 {
            let (k, val) = obj.iter().next().expect("one key");
            match k.as_str() {
                "all" => return Ok(Condition::All(list("all", val)?)),
                "any" => return Ok(Condition::Any(list("any", val)?)),
                "not" => {
                    return Ok(Condition::Not(Box::new(
                        Condition::from_value(val).map_err(|e| format!("not: {e}"))?,
                    )))
                }
                _ => {}
            }
        }
        let question = obj
            .get("question")
            .and_then(Value::as_str)
            .ok_or("a condition needs 'question' (or is one of 'all', 'any', 'not')")?
            .to_string();
        let mut tests = Vec::new();
        let mut min = None;
        let mut max = None;
        for (k, val) in obj {
            match k.as_str() {
                "question" => {}
                "any_of" => tests.push(Test::AnyOf(strings(k, val)?)),
                "all_of" => tests.push(Test::AllOf(strings(k, val)?)),
                "none_of" => tests.push(Test::NoneOf(strings(k, val)?)),
                "answered" => tests.push(Test::Answered(val.as_bool().ok_or("'answered' must be true or false")?)),
                "min" => min = Some(val.as_f64().ok_or("'min' must be a number")?),
                "max" => max = Some(val.as_f64().ok_or("'max' must be a number")?),
                "not_above" => tests.push(Test::NotAbove(
                    val.as_str().ok_or("'not_above' must be a question id")?.to_string(),
                )),
                other => return Err(format!("unknown condition key '{other}'")),
            }
        }
        if min.is_some() || max.is_some() {
            tests.push(Test::Range { min, max });
        }
        match tests.len() {
            1 => Ok(Condition::Test {
                question,
                test: tests.pop().expect("one test"),
            }),
            0 => Err(format!(
                "condition on '{question}' has no test (any_of, all_of, none_of, answered, min/max, not_above)"
            )),
            _ => Err(format!("condition on '{question}' combines several tests; use 'all'")),
        }
    }

    /// The JSON form.
    pub fn to_value(&self) -> Value {
        let strs = |v: &[String]| Value::Array(v.iter().map(|s| Value::String(s.clone())).collect());
        match self {
            Condition::All(c) => serde_json::json!({ "all": c.iter().map(Condition::to_value).collect::<Vec<_>>() }),
            Condition::Any(c) => serde_json::json!({ "any": c.iter().map(Condition::to_value).collect::<Vec<_>>() }),
            Condition::Not(c) => serde_json::json!({ "not": c.to_value() }),
            Condition::Test { question, test } => {
                let mut m = Map::new();
                m.insert("question".into(), Value::String(question.clone()));
                match test {
                    Test::AnyOf(v) => {
                        m.insert("any_of".into(), strs(v));
                    }
                    Test::AllOf(v) => {
                        m.insert("all_of".into(), strs(v));
                    }
                    Test::NoneOf(v) => {
                        m.insert("none_of".into(), strs(v));
                    }
                    Test::Answered(b) => {
                        m.insert("answered".into(), Value::Bool(*b));
                    }
                    Test::Range { min, max } => {
                        if let Some(x) = min {
                            m.insert("min".into(), serde_json::json!(x));
                        }
                        if let Some(x) = max {
                            m.insert("max".into(), serde_json::json!(x));
                        }
                    }
                    Test::NotAbove(o) => {
                        m.insert("not_above".into(), Value::String(o.clone()));
                    }
                }
                Value::Object(m)
            }
        }
    }

    /// Every question id the condition reads.
    pub fn questions(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.collect_questions(&mut out);
        out
    }

    fn collect_questions<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Condition::All(c) | Condition::Any(c) => c.iter().for_each(|x| x.collect_questions(out)),
            Condition::Not(c) => c.collect_questions(out),
            Condition::Test { question, test } => {
                out.push(question);
                if let Test::NotAbove(o) = test {
                    out.push(o);
                }
            }
        }
    }
}

/// Parse and validate a codebook.
pub fn parse_codebook(bytes: &[u8]) -> Result<Codebook, CodebookError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        // Report the position of the first bad byte as line/column.
        let good = &bytes[..e.valid_up_to()];
        let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = good.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
        CodebookError::Json {
            line,
            column,
            message: "the file is not UTF-8".into(),
        }
    })?;
    let value = read::json_value(text).map_err(|e| CodebookError::Json {
        line: e.line(),
        column: e.column(),
        message: strip_position(&e.to_string()),
    })?;
    let mut cb = read::codebook(&value)?;
    cb.validate()?;
    Ok(cb)
}

fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

impl Codebook {
    /// `(question id, section)` of each question filed under a section, in file order:
    /// how the explorer groups its questions.
    pub fn sections(&self) -> Vec<(String, String)> {
        self.questions
            .iter()
            .filter(|q| !q.section.is_empty())
            .map(|q| (q.id.clone(), q.section.clone()))
            .collect()
    }

    /// Position of a question in file order.
    pub fn position(&self, id: &str) -> Option<usize> {
        if self.index.is_empty() {
            return self.questions.iter().position(|q| q.id == id);
        }
        self.index.get(id).copied()
    }

    /// The question with this id.
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.position(id).map(|i| &self.questions[i])
    }

    /// Evaluate a condition on one row of cells in file order.
    pub fn eval<S: AsRef<str>>(&self, cond: &Condition, row: &[S]) -> bool {
        match cond {
            Condition::All(c) => c.iter().all(|x| self.eval(x, row)),
            Condition::Any(c) => c.iter().any(|x| self.eval(x, row)),
            Condition::Not(c) => !self.eval(c, row),
            Condition::Test { question, test } => {
                let Some(pos) = self.position(question) else {
                    return false;
                };
                let q = &self.questions[pos];
                let cell = row.get(pos).map(AsRef::as_ref).unwrap_or("");
                match test {
                    Test::Answered(b) => cell.is_empty() != *b,
                    Test::AnyOf(vals) => {
                        let sel = q.selected(cell);
                        sel.iter().any(|s| vals.iter().any(|v| v == s))
                    }
                    Test::AllOf(vals) => {
                        let sel = q.selected(cell);
                        !sel.is_empty() && vals.iter().all(|v| sel.contains(&v.as_str()))
                    }
                    Test::NoneOf(vals) => {
                        let sel = q.selected(cell);
                        !sel.is_empty() && !sel.iter().any(|s| vals.iter().any(|v| v == s))
                    }
                    Test::Range { min, max } => match q.numeric_value(cell) {
                        Some(v) => min.is_none_or(|m| v >= m) && max.is_none_or(|m| v <= m),
                        None => false,
                    },
                    Test::NotAbove(other) => {
                        let Some(opos) = self.position(other) else { return false };
                        let oq = &self.questions[opos];
                        let ocell = row.get(opos).map(AsRef::as_ref).unwrap_or("");
                        match (q.option_index(cell), oq.option_index(ocell)) {
                            (Some(a), Some(b)) => a <= b,
                            _ => false,
                        }
                    }
                }
            }
        }
    }

    fn validate(&mut self) -> Result<(), CodebookError> {
        if self.format != FORMAT {
            return Err(CodebookError::invalid(
                "format",
                format!("expected \"{FORMAT}\", found \"{}\"", self.format),
            ));
        }
        if self.title.trim().is_empty() {
            return Err(CodebookError::invalid("title", "must not be empty"));
        }
        if self.layout.delimiter.chars().count() != 1 {
            return Err(CodebookError::invalid("layout.delimiter", "must be a single character"));
        }
        if self.questions.is_empty() {
            return Err(CodebookError::invalid("questions", "must list at least one column"));
        }
        self.index.clear();
        for (i, q) in self.questions.iter().enumerate() {
            if q.id.trim().is_empty() {
                return Err(CodebookError::invalid(
                    format!("questions[{i}].id"),
                    "must not be empty",
                ));
            }
            if self.index.insert(q.id.clone(), i).is_some() {
                return Err(CodebookError::invalid(
                    format!("questions[{i}].id"),
                    format!("duplicate question id '{}'", q.id),
                ));
            }
        }
        let delim = self.layout.delimiter.clone();
        for (i, q) in self.questions.iter().enumerate() {
            let path = format!("questions[{i}] ({})", q.id);
            self.validate_question(q, &path, &delim)?;
        }
        for (i, f) in self.facts.iter().enumerate() {
            let path = format!("facts[{i}] ({})", f.id);
            self.check_condition(&f.numerator, &format!("{path}.numerator"))?;
            self.check_condition(&f.denominator, &format!("{path}.denominator"))?;
            check_percent(f.percent, f.tolerance, &path)?;
        }
        Ok(())
    }

    fn validate_question(&self, q: &Question, path: &str, delim: &str) -> Result<(), CodebookError> {
        if q.text.contains(['\t', '\n', '\r']) || q.id.contains(['\t', '\n', '\r']) {
            return Err(CodebookError::invalid(
                path,
                "id and text must not contain tabs or line breaks",
            ));
        }
        if q.kind.has_options() && q.options.is_empty() && !q.withheld && !q.no_data {
            return Err(CodebookError::invalid(
                format!("{path}.options"),
                format!("a {:?} question needs options", q.kind).to_lowercase(),
            ));
        }
        if !q.kind.has_options() && !q.options.is_empty() {
            return Err(CodebookError::invalid(
                format!("{path}.options"),
                "only single, multi, ordinal, rank and country questions have options",
            ));
        }
        let mut seen = HashSet::new();
        for (j, o) in q.options.iter().enumerate() {
            if o.is_empty() {
                return Err(CodebookError::invalid(
                    format!("{path}.options[{j}]"),
                    "an option must not be the empty string (blank means unanswered)",
                ));
            }
            if o.contains(delim) || o.contains(['\n', '\r']) {
                return Err(CodebookError::invalid(
                    format!("{path}.options[{j}]"),
                    "an option must not contain the delimiter or a line break",
                ));
            }
            if !seen.insert(o.as_str()) {
                return Err(CodebookError::invalid(
                    format!("{path}.options[{j}]"),
                    format!("duplicate option '{o}'"),
                ));
            }
        }
        match (q.kind, &q.separator) {
            (Kind::Multi, None) => return Err(CodebookError::invalid(path, "a multi question needs a 'separator'")),
            (Kind::Multi, Some(sep)) => {
                if sep.is_empty() || sep.contains(delim) {
                    return Err(CodebookError::invalid(
                        format!("{path}.separator"),
                        "must be non-empty and differ from the delimiter",
                    ));
                }
                if let Some(o) = q.options.iter().find(|o| o.contains(sep.as_str())) {
                    return Err(CodebookError::invalid(
                        format!("{path}.separator"),
                        format!("separator '{sep}' occurs in option '{o}'"),
                    ));
                }
            }
            (_, Some(_)) => {
                return Err(CodebookError::invalid(
                    format!("{path}.separator"),
                    "only multi questions have a separator",
                ))
            }
            _ => {}
        }
        if q.kind == Kind::Numeric {
            let spec = q
                .numeric
                .as_ref()
                .ok_or_else(|| CodebookError::invalid(path, "a numeric question needs 'numeric'"))?;
            for (j, b) in spec.bins.iter().enumerate() {
                if b.min > b.max {
                    return Err(CodebookError::invalid(
                        format!("{path}.numeric.bins[{j}]"),
                        "min is above max",
                    ));
                }
            }
        } else if q.numeric.is_some() {
            return Err(CodebookError::invalid(
                format!("{path}.numeric"),
                "only numeric questions have 'numeric'",
            ));
        }
        if (q.kind == Kind::Rank) != q.rank_group.is_some() {
            return Err(CodebookError::invalid(
                path,
                "rank questions, and only they, have a 'rank_group'",
            ));
        }
        if let Some(o) = &q.other_text {
            match self.question(o) {
                None => {
                    return Err(CodebookError::invalid(
                        format!("{path}.other_text"),
                        format!("unknown question '{o}'"),
                    ))
                }
                Some(t) if t.kind != Kind::Text => {
                    return Err(CodebookError::invalid(
                        format!("{path}.other_text"),
                        format!("'{o}' is not a text question"),
                    ))
                }
                _ => {}
            }
        }
        if let Some(c) = &q.asked_if {
            self.check_condition(c, &format!("{path}.asked_if"))?;
            if c.questions().contains(&q.id.as_str()) {
                return Err(CodebookError::invalid(
                    format!("{path}.asked_if"),
                    "a question cannot be asked depending on itself",
                ));
            }
        }
        for (j, p) in q.published.iter().enumerate() {
            let ppath = format!("{path}.published[{j}]");
            let valid_option = if q.kind == Kind::Numeric {
                q.numeric
                    .as_ref()
                    .is_some_and(|s| s.bins.iter().any(|b| b.label == p.option))
            } else {
                q.options.contains(&p.option)
            };
            if !valid_option {
                return Err(CodebookError::invalid(
                    format!("{ppath}.option"),
                    format!("'{}' is not an option of '{}'", p.option, q.id),
                ));
            }
            if p.base == Base::Mentions && q.kind != Kind::Multi {
                return Err(CodebookError::invalid(
                    format!("{ppath}.base"),
                    "'mentions' applies to multi questions only",
                ));
            }
            for e in &p.exclude {
                let known = q.options.contains(e)
                    || q.numeric
                        .as_ref()
                        .is_some_and(|s| s.top_codes.iter().any(|t| &t.code == e));
                if !known {
                    return Err(CodebookError::invalid(
                        format!("{ppath}.exclude"),
                        format!("'{e}' is not a value of '{}'", q.id),
                    ));
                }
            }
            if let Some(c) = &p.among {
                self.check_condition(c, &format!("{ppath}.among"))?;
            }
            if let (Some(n), Some(b)) = (p.count, p.base_n) {
                if n > b {
                    return Err(CodebookError::invalid(
                        ppath.clone(),
                        format!("count {n} exceeds base_n {b}"),
                    ));
                }
            }
            check_percent(p.percent, p.tolerance, &ppath)?;
        }
        Ok(())
    }

    /// Checks that a condition names known questions, and values and tests those
    /// questions have; `path` locates the condition in the error.
    pub fn check_condition(&self, c: &Condition, path: &str) -> Result<(), CodebookError> {
        match c {
            Condition::All(v) | Condition::Any(v) => {
                let key = if matches!(c, Condition::All(_)) { "all" } else { "any" };
                for (i, x) in v.iter().enumerate() {
                    self.check_condition(x, &format!("{path}.{key}[{i}]"))?;
                }
                Ok(())
            }
            Condition::Not(x) => self.check_condition(x, &format!("{path}.not")),
            Condition::Test { question, test } => {
                let q = self
                    .question(question)
                    .ok_or_else(|| CodebookError::invalid(path, format!("unknown question '{question}'")))?;
                match test {
                    Test::AnyOf(v) | Test::AllOf(v) | Test::NoneOf(v) => {
                        for val in v {
                            let ok = q.options.contains(val)
                                || q.numeric
                                    .as_ref()
                                    .is_some_and(|s| s.top_codes.iter().any(|t| &t.code == val));
                            if !ok {
                                return Err(CodebookError::invalid(
                                    path,
                                    format!("'{val}' is not an option of '{question}'"),
                                ));
                            }
                        }
                        if matches!(test, Test::AllOf(v) if v.len() > 1) && q.kind != Kind::Multi {
                            return Err(CodebookError::invalid(
                                path,
                                format!(
                                    "'all_of' with several values needs a multi question; '{question}' is {:?}",
                                    q.kind
                                ),
                            ));
                        }
                        Ok(())
                    }
                    Test::Answered(_) => Ok(()),
                    Test::Range { .. } => {
                        if q.kind != Kind::Numeric {
                            return Err(CodebookError::invalid(
                                path,
                                format!("min/max need a numeric question; '{question}' is not"),
                            ));
                        }
                        Ok(())
                    }
                    Test::NotAbove(other) => {
                        let o = self
                            .question(other)
                            .ok_or_else(|| CodebookError::invalid(path, format!("unknown question '{other}'")))?;
                        if q.kind != Kind::Ordinal || o.kind != Kind::Ordinal || q.options != o.options {
                            return Err(CodebookError::invalid(
                                path,
                                "'not_above' compares two ordinal questions with the same scale",
                            ));
                        }
                        Ok(())
                    }
                }
            }
        }
    }
}

fn check_percent(p: f64, tol: Option<f64>, path: &str) -> Result<(), CodebookError> {
    if !(0.0..=100.0).contains(&p) {
        return Err(CodebookError::invalid(path, format!("percent {p} is outside 0-100")));
    }
    if let Some(t) = tol {
        if !(t.is_finite() && t >= 0.0) {
            return Err(CodebookError::invalid(path, "tolerance must be a non-negative number"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minimal(questions: &str) -> String {
        format!(r#"{{"format":"canvass-codebook/1","title":"T","questions":[{questions}]}}"#)
    }

    const Q1: &str = r#"{"id":"a","text":"A?","kind":"single","section":"s","options":["Yes","No"]}"#;

    #[test]
    fn reports_json_position() {
        let err = parse_codebook(b"{\n  \"format\": \n}").unwrap_err();
        match err {
            CodebookError::Json { line, .. } => assert_eq!(line, 3),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn rejects_wrong_format_tag() {
        let s = minimal(Q1).replace("canvass-codebook/1", "canvass-codebook/9");
        let err = parse_codebook(s.as_bytes()).unwrap_err().to_string();
        assert!(err.contains("format"), "{err}");
    }

    #[test]
    fn rejects_duplicate_ids() {
        let s = minimal(&format!("{Q1},{Q1}"));
        let err = parse_codebook(s.as_bytes()).unwrap_err().to_string();
        assert!(err.contains("duplicate question id 'a'"), "{err}");
    }

    #[test]
    fn rejects_unknown_question_in_asked_if() {
        let q2 = r#"{"id":"b","text":"B?","kind":"single","section":"s","options":["x"],
                    "asked_if":{"all":[{"question":"a","any_of":["Yes"]},{"question":"zz","answered":true}]}}"#;
        let err = parse_codebook(minimal(&format!("{Q1},{q2}")).as_bytes())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("asked_if.all[1]") && err.contains("unknown question 'zz'"),
            "{err}"
        );
    }

    #[test]
    fn rejects_unknown_option_in_condition() {
        let q2 = r#"{"id":"b","text":"B?","kind":"single","section":"s","options":["x"],
                    "asked_if":{"question":"a","any_of":["Maybe"]}}"#;
        let err = parse_codebook(minimal(&format!("{Q1},{q2}")).as_bytes())
            .unwrap_err()
            .to_string();
        assert!(err.contains("'Maybe' is not an option of 'a'"), "{err}");
    }

    #[test]
    fn rejects_separator_inside_option() {
        let q = r#"{"id":"m","text":"M","kind":"multi","section":"s","options":["a, b","c"],"separator":","}"#;
        let err = parse_codebook(minimal(q).as_bytes()).unwrap_err().to_string();
        assert!(err.contains("separator ',' occurs in option 'a, b'"), "{err}");
    }

    #[test]
    fn rejects_unknown_keys() {
        let q = r#"{"id":"a","text":"A?","kind":"single","section":"s","options":["Yes"],"optoins":[]}"#;
        let err = parse_codebook(minimal(q).as_bytes()).unwrap_err();
        assert!(
            matches!(&err, CodebookError::Invalid { path, .. } if path == "questions[0].optoins"),
            "{err}"
        );
        assert!(
            err.to_string().contains("check its spelling against id, text, kind"),
            "{err}"
        );
    }

    fn invalid_at(json: &str) -> (String, String) {
        match parse_codebook(json.as_bytes()).unwrap_err() {
            CodebookError::Invalid { path, message } => (path, message),
            other => panic!("expected a path, got {other}"),
        }
    }

    #[test]
    fn shape_errors_name_the_path() {
        let q = |extra: &str| {
            minimal(&format!(
                r#"{Q1},{{"id":"b","text":"B","kind":"single","section":"s"{extra}}}"#
            ))
        };
        let cases = [
            (
                q(r#","options":["x",3]"#),
                "questions[1].options[1]",
                "must be a string",
            ),
            (q(r#","options":"x""#), "questions[1].options", "must be a list"),
            (
                q(r#","withheld":"yes""#),
                "questions[1].withheld",
                "must be true or false",
            ),
            (
                minimal(r#"{"id":"a","text":"A","section":"s"}"#),
                "questions[0].kind",
                "is missing; this key is required",
            ),
            (
                minimal(r#"{"id":"a","text":"A","kind":"choice","section":"s"}"#),
                "questions[0].kind",
                "'choice' is not one of single, multi, ordinal",
            ),
            (
                q(r#","options":["x"],"published":[{"option":"x","percent":"5","source":"pdf","base":"all"}]"#),
                "questions[1].published[0].percent",
                "must be a number",
            ),
            (
                q(
                    r#","options":["x"],"published":[{"option":"x","percent":5,"precision":-1,"source":"pdf","base":"all"}]"#,
                ),
                "questions[1].published[0].precision",
                "must be a whole number, 0 or more",
            ),
            (
                q(
                    r#","options":["x"],"published":[{"option":"x","percent":5,"page":4294967296,"source":"pdf","base":"all"}]"#,
                ),
                "questions[1].published[0].page",
                "4294967296 is too large",
            ),
            (
                q(r#","asked_if":{"question":"a","is":"Yes"}"#),
                "questions[1].asked_if",
                "unknown condition key 'is'",
            ),
            (
                minimal(Q1).replace(r#""title":"T""#, r#""title":["T"]"#),
                "title",
                "must be a string",
            ),
            ("[]".to_string(), "the top level", "must be a JSON object"),
            (
                minimal(Q1).replace(
                    r#""title":"T""#,
                    r#""title":"T","layout":{"delimiter":","," header_rows":1}"#,
                ),
                "layout. header_rows",
                "unknown key",
            ),
        ];
        for (json, want_path, want_message) in cases {
            let (path, message) = invalid_at(&json);
            assert_eq!(path, want_path, "{json}");
            assert!(message.contains(want_message), "{message} for {json}");
        }
    }

    #[test]
    fn a_key_given_twice_is_refused_with_its_position() {
        let json = "{\"format\":\"canvass-codebook/1\",\"title\":\"T\",\n\"title\":\"U\",\"questions\":[]}";
        match parse_codebook(json.as_bytes()).unwrap_err() {
            CodebookError::Json { line, message, .. } => {
                assert_eq!(line, 2);
                assert!(message.contains("key 'title' appears twice"), "{message}");
            }
            other => panic!("unexpected {other}"),
        }
    }

    #[test]
    fn null_means_left_out() {
        let q =
            r#"{"id":"a","text":"A?","kind":"single","section":"s","options":["Yes"],"label":null,"withheld":null}"#;
        let cb = parse_codebook(minimal(q).as_bytes()).unwrap();
        assert_eq!(
            (cb.questions[0].label.as_deref(), cb.questions[0].withheld),
            (None, false)
        );
    }

    #[test]
    fn rejects_published_option_not_in_list() {
        let q = r#"{"id":"a","text":"A?","kind":"single","section":"s","options":["Yes","No"],
                   "published":[{"option":"Maybe","percent":3,"source":"pdf","base":"answered"}]}"#;
        let err = parse_codebook(minimal(q).as_bytes()).unwrap_err().to_string();
        assert!(err.contains("published[0].option"), "{err}");
    }

    #[test]
    fn evaluates_conditions() {
        let qs = format!(
            r#"{Q1},{{"id":"m","text":"M","kind":"multi","section":"s","options":["x","y, z"],"separator":";"}},
               {{"id":"n","text":"N","kind":"numeric","section":"s","numeric":{{"top_codes":[{{"code":"> 40","value":41}}]}}}},
               {{"id":"o1","text":"O","kind":"ordinal","section":"s","options":["lo","mid","hi"]}},
               {{"id":"o2","text":"O","kind":"ordinal","section":"s","options":["lo","mid","hi"]}}"#
        );
        let cb = parse_codebook(minimal(&qs).as_bytes()).unwrap();
        let c = |s: &str| Condition::from_value(&serde_json::from_str(s).unwrap()).unwrap();
        let row = ["Yes", "x;y, z", "> 40", "mid", "hi"];
        assert!(cb.eval(&c(r#"{"question":"m","all_of":["x","y, z"]}"#), &row));
        assert!(cb.eval(&c(r#"{"question":"n","min":40}"#), &row));
        assert!(!cb.eval(&c(r#"{"question":"n","max":39}"#), &row));
        assert!(cb.eval(&c(r#"{"question":"o1","not_above":"o2"}"#), &row));
        assert!(!cb.eval(&c(r#"{"question":"o2","not_above":"o1"}"#), &row));
        assert!(!cb.eval(&c(r#"{"question":"a","none_of":["Yes"]}"#), &row));
        let blank = ["", "", "", "", ""];
        assert!(!cb.eval(&c(r#"{"question":"a","none_of":["Yes"]}"#), &blank));
        assert!(cb.eval(&c(r#"{"not":{"question":"a","any_of":["Yes"]}}"#), &blank));
    }

    #[test]
    fn condition_round_trips() {
        let src = r#"{"all":[{"question":"a","any_of":["Yes"]},{"not":{"question":"n","min":1.0,"max":5.0}}]}"#;
        let c = Condition::from_value(&serde_json::from_str(src).unwrap()).unwrap();
        assert_eq!(Condition::from_value(&c.to_value()).unwrap(), c);
    }
}
