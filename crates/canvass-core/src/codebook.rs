//! The survey codebook: one entry per column of a response file, in file
//! order, with question text, kind, options, cell encoding, skip logic and
//! the percentages published about it.
//!
//! The format (`canvass-codebook/1`) is survey-independent: the loader reads
//! any survey's codebook with [`parse_codebook`], and the synthetic-data
//! generator additionally reads the optional [`Model`] section.
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

mod read;

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

fn invalid(path: impl Into<String>, message: impl Into<String>) -> CodebookError {
    CodebookError::Invalid {
        path: path.into(),
        message: message.into(),
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
    pub model: Option<Model>,
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

/// The entries of a JSON object of the model, in key order, each key once. A list
/// rather than a `BTreeMap`: each map type cost the browser module about 4.5 KB, and
/// these maps are a few entries long.
pub type Entries<T> = Vec<(String, T)>;

/// The value of `key` among `entries`.
pub fn entry<'a, T>(entries: &'a [(String, T)], key: &str) -> Option<&'a T> {
    entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// The synthesis model read by the generator (ignored by the loader).
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// Number of respondents the published figures describe.
    pub rows: usize,
    pub order: Vec<String>,
    pub answered: Vec<AnsweredAssumption>,
    pub top_codes: Vec<TopCodeCount>,
    pub numeric: Vec<NumericModel>,
    pub quotas: Vec<Quota>,
    pub pairs: Vec<Pair>,
    pub rules: Vec<Rule>,
    pub affinities: Vec<Affinity>,
    pub nonresponse: Option<Nonresponse>,
    pub metadata: Option<MetadataModel>,
    pub release: Option<ReleaseInfo>,
}

/// What the release manifest states about the published data set.
#[derive(Debug, Clone, PartialEq)]
pub struct ReleaseInfo {
    pub version: String,
    pub source_report: String,
    pub licence: String,
    /// Smallest group size the survey team would publish (k-anonymity style threshold).
    pub disclosure_threshold: u64,
    /// Quasi-identifying questions whose combinations the checker sizes.
    pub key_questions: Vec<String>,
    pub notes: Option<String>,
}

/// An assumed number of non-blank answers.
#[derive(Debug, Clone, PartialEq)]
pub struct AnsweredAssumption {
    pub question: String,
    pub answered: u64,
    pub why: String,
}

/// How many rows carry a numeric top code.
#[derive(Debug, Clone, PartialEq)]
pub struct TopCodeCount {
    pub question: String,
    pub code: String,
    pub count: u64,
    pub why: String,
}

/// Distribution of single values inside published bins.
#[derive(Debug, Clone, PartialEq)]
pub struct NumericModel {
    pub question: String,
    pub distribution: String,
    pub median: f64,
    pub sigma: f64,
    pub why: String,
}

/// Exact counts inside a subgroup (`when`) or for the whole question.
#[derive(Debug, Clone, PartialEq)]
pub struct Quota {
    pub question: String,
    pub when: Option<Condition>,
    pub answered: Option<u64>,
    pub counts: Entries<u64>,
    pub why: String,
}

/// How many respondents select both options of a multi-select question.
#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    pub question: String,
    pub options: [String; 2],
    pub both: u64,
    pub why: String,
}

/// A hard consistency rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub id: String,
    pub if_: Condition,
    pub then: Condition,
    pub why: String,
}

/// A soft dependency: relative odds of options for rows matching `when`.
#[derive(Debug, Clone, PartialEq)]
pub struct Affinity {
    pub question: String,
    pub when: Condition,
    pub weights: Entries<f64>,
    pub why: String,
}

/// How strongly blanks cluster in less engaged respondents.
#[derive(Debug, Clone, PartialEq)]
pub struct Nonresponse {
    pub strength: f64,
    pub why: String,
}

/// How the survey-platform columns are filled.
#[derive(Debug, Clone, PartialEq)]
pub struct MetadataModel {
    pub field_start: String,
    pub field_end: String,
    pub columns: Entries<MetadataColumn>,
    pub why: String,
}

/// One platform column: a constant or a computed role.
#[derive(Debug, Clone, PartialEq)]
pub struct MetadataColumn {
    pub constant: Option<String>,
    pub role: Option<String>,
    pub from: Option<String>,
    pub default: Option<String>,
    pub map: Entries<String>,
}

/// Metadata roles the generator knows.
pub const METADATA_ROLES: &[&str] = &[
    "start",
    "end",
    "progress",
    "duration",
    "finished",
    "response_id",
    "language",
];

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
            return Err(invalid(
                "format",
                format!("expected \"{FORMAT}\", found \"{}\"", self.format),
            ));
        }
        if self.title.trim().is_empty() {
            return Err(invalid("title", "must not be empty"));
        }
        if self.layout.delimiter.chars().count() != 1 {
            return Err(invalid("layout.delimiter", "must be a single character"));
        }
        if self.questions.is_empty() {
            return Err(invalid("questions", "must list at least one column"));
        }
        self.index.clear();
        for (i, q) in self.questions.iter().enumerate() {
            if q.id.trim().is_empty() {
                return Err(invalid(format!("questions[{i}].id"), "must not be empty"));
            }
            if self.index.insert(q.id.clone(), i).is_some() {
                return Err(invalid(
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
        if let Some(m) = &self.model {
            self.validate_model(m)?;
        }
        Ok(())
    }

    fn validate_question(&self, q: &Question, path: &str, delim: &str) -> Result<(), CodebookError> {
        if q.text.contains(['\t', '\n', '\r']) || q.id.contains(['\t', '\n', '\r']) {
            return Err(invalid(path, "id and text must not contain tabs or line breaks"));
        }
        if q.kind.has_options() && q.options.is_empty() && !q.withheld && !q.no_data {
            return Err(invalid(
                format!("{path}.options"),
                format!("a {:?} question needs options", q.kind).to_lowercase(),
            ));
        }
        if !q.kind.has_options() && !q.options.is_empty() {
            return Err(invalid(
                format!("{path}.options"),
                "only single, multi, ordinal, rank and country questions have options",
            ));
        }
        let mut seen = HashSet::new();
        for (j, o) in q.options.iter().enumerate() {
            if o.is_empty() {
                return Err(invalid(
                    format!("{path}.options[{j}]"),
                    "an option must not be the empty string (blank means unanswered)",
                ));
            }
            if o.contains(delim) || o.contains(['\n', '\r']) {
                return Err(invalid(
                    format!("{path}.options[{j}]"),
                    "an option must not contain the delimiter or a line break",
                ));
            }
            if !seen.insert(o.as_str()) {
                return Err(invalid(
                    format!("{path}.options[{j}]"),
                    format!("duplicate option '{o}'"),
                ));
            }
        }
        match (q.kind, &q.separator) {
            (Kind::Multi, None) => return Err(invalid(path, "a multi question needs a 'separator'")),
            (Kind::Multi, Some(sep)) => {
                if sep.is_empty() || sep.contains(delim) {
                    return Err(invalid(
                        format!("{path}.separator"),
                        "must be non-empty and differ from the delimiter",
                    ));
                }
                if let Some(o) = q.options.iter().find(|o| o.contains(sep.as_str())) {
                    return Err(invalid(
                        format!("{path}.separator"),
                        format!("separator '{sep}' occurs in option '{o}'"),
                    ));
                }
            }
            (_, Some(_)) => {
                return Err(invalid(
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
                .ok_or_else(|| invalid(path, "a numeric question needs 'numeric'"))?;
            for (j, b) in spec.bins.iter().enumerate() {
                if b.min > b.max {
                    return Err(invalid(format!("{path}.numeric.bins[{j}]"), "min is above max"));
                }
            }
        } else if q.numeric.is_some() {
            return Err(invalid(
                format!("{path}.numeric"),
                "only numeric questions have 'numeric'",
            ));
        }
        if (q.kind == Kind::Rank) != q.rank_group.is_some() {
            return Err(invalid(path, "rank questions, and only they, have a 'rank_group'"));
        }
        if let Some(o) = &q.other_text {
            match self.question(o) {
                None => return Err(invalid(format!("{path}.other_text"), format!("unknown question '{o}'"))),
                Some(t) if t.kind != Kind::Text => {
                    return Err(invalid(
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
                return Err(invalid(
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
                return Err(invalid(
                    format!("{ppath}.option"),
                    format!("'{}' is not an option of '{}'", p.option, q.id),
                ));
            }
            if p.base == Base::Mentions && q.kind != Kind::Multi {
                return Err(invalid(
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
                    return Err(invalid(
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
                    return Err(invalid(ppath.clone(), format!("count {n} exceeds base_n {b}")));
                }
            }
            check_percent(p.percent, p.tolerance, &ppath)?;
        }
        Ok(())
    }

    fn check_condition(&self, c: &Condition, path: &str) -> Result<(), CodebookError> {
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
                    .ok_or_else(|| invalid(path, format!("unknown question '{question}'")))?;
                match test {
                    Test::AnyOf(v) | Test::AllOf(v) | Test::NoneOf(v) => {
                        for val in v {
                            let ok = q.options.contains(val)
                                || q.numeric
                                    .as_ref()
                                    .is_some_and(|s| s.top_codes.iter().any(|t| &t.code == val));
                            if !ok {
                                return Err(invalid(path, format!("'{val}' is not an option of '{question}'")));
                            }
                        }
                        if matches!(test, Test::AllOf(v) if v.len() > 1) && q.kind != Kind::Multi {
                            return Err(invalid(
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
                            return Err(invalid(
                                path,
                                format!("min/max need a numeric question; '{question}' is not"),
                            ));
                        }
                        Ok(())
                    }
                    Test::NotAbove(other) => {
                        let o = self
                            .question(other)
                            .ok_or_else(|| invalid(path, format!("unknown question '{other}'")))?;
                        if q.kind != Kind::Ordinal || o.kind != Kind::Ordinal || q.options != o.options {
                            return Err(invalid(
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

    fn validate_model(&self, m: &Model) -> Result<(), CodebookError> {
        if m.rows == 0 {
            return Err(invalid("model.rows", "must be positive"));
        }
        let known = |id: &str, path: &str| -> Result<&Question, CodebookError> {
            self.question(id)
                .ok_or_else(|| invalid(path, format!("unknown question '{id}'")))
        };
        let mut seen = HashSet::new();
        for (i, id) in m.order.iter().enumerate() {
            known(id, &format!("model.order[{i}]"))?;
            if !seen.insert(id) {
                return Err(invalid(format!("model.order[{i}]"), format!("'{id}' listed twice")));
            }
        }
        for (i, a) in m.answered.iter().enumerate() {
            known(&a.question, &format!("model.answered[{i}]"))?;
        }
        for (i, t) in m.top_codes.iter().enumerate() {
            let q = known(&t.question, &format!("model.top_codes[{i}]"))?;
            if !q
                .numeric
                .as_ref()
                .is_some_and(|s| s.top_codes.iter().any(|c| c.code == t.code))
            {
                return Err(invalid(
                    format!("model.top_codes[{i}]"),
                    format!("'{}' is not a top code of '{}'", t.code, t.question),
                ));
            }
        }
        for (i, n) in m.numeric.iter().enumerate() {
            let q = known(&n.question, &format!("model.numeric[{i}]"))?;
            if q.kind != Kind::Numeric || n.distribution != "lognormal" || n.median <= 0.0 || n.sigma <= 0.0 {
                return Err(invalid(
                    format!("model.numeric[{i}]"),
                    "needs a numeric question and a lognormal with positive median and sigma",
                ));
            }
        }
        for (i, qu) in m.quotas.iter().enumerate() {
            let path = format!("model.quotas[{i}]");
            let q = known(&qu.question, &path)?;
            for (o, _) in &qu.counts {
                if !q.options.contains(o) {
                    return Err(invalid(&path, format!("'{o}' is not an option of '{}'", qu.question)));
                }
            }
            if let Some(c) = &qu.when {
                self.check_condition(c, &format!("{path}.when"))?;
            }
        }
        for (i, p) in m.pairs.iter().enumerate() {
            let path = format!("model.pairs[{i}]");
            let q = known(&p.question, &path)?;
            if q.kind != Kind::Multi || p.options.iter().any(|o| !q.options.contains(o)) || p.options[0] == p.options[1]
            {
                return Err(invalid(path, "a pair names two different options of a multi question"));
            }
        }
        for (i, r) in m.rules.iter().enumerate() {
            self.check_condition(&r.if_, &format!("model.rules[{i}] ({}).if", r.id))?;
            self.check_condition(&r.then, &format!("model.rules[{i}] ({}).then", r.id))?;
        }
        for (i, a) in m.affinities.iter().enumerate() {
            let path = format!("model.affinities[{i}]");
            let q = known(&a.question, &path)?;
            self.check_condition(&a.when, &format!("{path}.when"))?;
            for (o, w) in &a.weights {
                if !q.options.contains(o) {
                    return Err(invalid(&path, format!("'{o}' is not an option of '{}'", a.question)));
                }
                if !(w.is_finite() && *w >= 0.0) {
                    return Err(invalid(&path, format!("weight of '{o}' must be a non-negative number")));
                }
            }
        }
        if let Some(r) = &m.release {
            for (i, id) in r.key_questions.iter().enumerate() {
                known(id, &format!("model.release.key_questions[{i}]"))?;
            }
        }
        if let Some(md) = &m.metadata {
            for (id, col) in &md.columns {
                let path = format!("model.metadata.columns.{id}");
                known(id, &path)?;
                match (&col.constant, &col.role) {
                    (Some(_), None) => {}
                    (None, Some(r)) if METADATA_ROLES.contains(&r.as_str()) => {}
                    _ => {
                        return Err(invalid(
                            path,
                            format!("needs either 'constant' or a 'role' among {METADATA_ROLES:?}"),
                        ))
                    }
                }
                if let Some(f) = &col.from {
                    known(f, &path)?;
                }
            }
            for (k, d) in [("field_start", &md.field_start), ("field_end", &md.field_end)] {
                if parse_date(d).is_none() {
                    return Err(invalid(
                        format!("model.metadata.{k}"),
                        format!("'{d}' is not a YYYY-MM-DD date"),
                    ));
                }
            }
        }
        Ok(())
    }
}

fn check_percent(p: f64, tol: Option<f64>, path: &str) -> Result<(), CodebookError> {
    if !(0.0..=100.0).contains(&p) {
        return Err(invalid(path, format!("percent {p} is outside 0-100")));
    }
    if let Some(t) = tol {
        if !(t.is_finite() && t >= 0.0) {
            return Err(invalid(path, "tolerance must be a non-negative number"));
        }
    }
    Ok(())
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date.
pub fn parse_date(s: &str) -> Option<i64> {
    let mut it = s.split('-');
    let y: i64 = it.next()?.parse().ok()?;
    let m: i64 = it.next()?.parse().ok()?;
    let d: i64 = it.next()?.parse().ok()?;
    if it.next().is_some() || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    Some(days_from_civil(y, m, d))
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian date of a day number since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    (y, m, d)
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
    fn model_shape_errors_name_the_path() {
        let with_model =
            |model: &str| minimal(Q1).replace(r#""title":"T""#, &format!(r#""title":"T","model":{model}"#));
        let (path, message) = invalid_at(&with_model(
            r#"{"rows":5,"pairs":[{"question":"a","options":["Yes"],"both":1,"why":"w"}]}"#,
        ));
        assert_eq!(
            (path.as_str(), message.as_str()),
            ("model.pairs[0].options", "must list exactly two options")
        );
        let (path, message) = invalid_at(&with_model(
            r#"{"rows":5,"quotas":[{"question":"a","counts":{"Yes":1.5},"why":"w"}]}"#,
        ));
        assert_eq!(path, "model.quotas[0].counts.Yes");
        assert!(message.contains("whole number"), "{message}");
        let (path, _) = invalid_at(&with_model(r#"{"rows":5,"nonresponse":{"strength":1}}"#));
        assert_eq!(path, "model.nonresponse.why");
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

    #[test]
    fn civil_dates_round_trip() {
        let d = parse_date("2020-07-02").unwrap();
        assert_eq!(civil_from_days(d), (2020, 7, 2));
        assert_eq!(civil_from_days(d + 62), (2020, 9, 2));
        assert_eq!(parse_date("2020-13-01"), None);
    }
}
