//! The generator's model: the `model` section of a codebook, which says how to fill
//! in what the published figures leave open (subgroup quotas, co-selected pairs, hard
//! rules, soft affinities, numeric shapes, platform columns, the release's facts).
//!
//! The loader keeps this section as unread JSON ([`Codebook::model`]); this module
//! reads it with the codebook reader's shape helpers, so its errors name paths such as
//! `model.quotas[0].counts.Yes` as the rest of the codebook's do, and checks it against
//! the codebook's questions. It does not generate anything: that is [`crate::generate`].

use crate::calendar::parse_date;
use canvass_core::codebook::read::{condition, list, number, string, whole, Obj, Read};
use canvass_core::codebook::{parse_codebook, Codebook, CodebookError, Condition, Kind, Question};
use serde_json::Value;
use std::collections::HashSet;

/// A codebook and its synthesis model (when it has one), both read and checked.
pub fn parse_codebook_with_model(bytes: &[u8]) -> Result<(Codebook, Option<Model>), CodebookError> {
    let cb = parse_codebook(bytes)?;
    let model = cb.model.as_ref().map(|v| read(v, "model")).transpose()?;
    if let Some(m) = &model {
        validate(&cb, m)?;
    }
    Ok((cb, model))
}

/// The entries of a JSON object of the model, in key order, each key once: a few
/// entries each, so a list searched by [`entry`] is all they need.
pub type Entries<T> = Vec<(String, T)>;

/// The value of `key` among `entries`.
pub fn entry<'a, T>(entries: &'a [(String, T)], key: &str) -> Option<&'a T> {
    entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// The synthesis model read by the generator.
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

fn read(v: &Value, path: &str) -> Read<Model> {
    let o = Obj::new(
        v,
        path,
        &[
            "rows",
            "order",
            "answered",
            "top_codes",
            "numeric",
            "quotas",
            "pairs",
            "rules",
            "affinities",
            "nonresponse",
            "metadata",
            "release",
        ],
    )?;
    Ok(Model {
        rows: o.req("rows", whole)?,
        order: o.list("order", string)?,
        answered: o.list("answered", |v, p| {
            let o = Obj::new(v, p, &["question", "answered", "why"])?;
            Ok(AnsweredAssumption {
                question: o.req("question", string)?,
                answered: o.req("answered", whole)?,
                why: o.req("why", string)?,
            })
        })?,
        top_codes: o.list("top_codes", |v, p| {
            let o = Obj::new(v, p, &["question", "code", "count", "why"])?;
            Ok(TopCodeCount {
                question: o.req("question", string)?,
                code: o.req("code", string)?,
                count: o.req("count", whole)?,
                why: o.req("why", string)?,
            })
        })?,
        numeric: o.list("numeric", |v, p| {
            let o = Obj::new(v, p, &["question", "distribution", "median", "sigma", "why"])?;
            Ok(NumericModel {
                question: o.req("question", string)?,
                distribution: o.req("distribution", string)?,
                median: o.req("median", number)?,
                sigma: o.req("sigma", number)?,
                why: o.req("why", string)?,
            })
        })?,
        quotas: o.list("quotas", |v, p| {
            let o = Obj::new(v, p, &["question", "when", "answered", "counts", "why"])?;
            Ok(Quota {
                question: o.req("question", string)?,
                when: o.opt("when", condition)?,
                answered: o.opt("answered", whole)?,
                counts: o.opt("counts", |v, p| map(v, p, whole))?.unwrap_or_default(),
                why: o.req("why", string)?,
            })
        })?,
        pairs: o.list("pairs", |v, p| {
            let o = Obj::new(v, p, &["question", "options", "both", "why"])?;
            Ok(Pair {
                question: o.req("question", string)?,
                options: o.req("options", |v, p| {
                    <[String; 2]>::try_from(list(v, p, string)?)
                        .map_err(|_| CodebookError::invalid(p, "must list exactly two options"))
                })?,
                both: o.req("both", whole)?,
                why: o.req("why", string)?,
            })
        })?,
        rules: o.list("rules", |v, p| {
            let o = Obj::new(v, p, &["id", "if", "then", "why"])?;
            Ok(Rule {
                id: o.req("id", string)?,
                if_: o.req("if", condition)?,
                then: o.req("then", condition)?,
                why: o.req("why", string)?,
            })
        })?,
        affinities: o.list("affinities", |v, p| {
            let o = Obj::new(v, p, &["question", "when", "weights", "why"])?;
            Ok(Affinity {
                question: o.req("question", string)?,
                when: o.req("when", condition)?,
                weights: o.req("weights", |v, p| map(v, p, number))?,
                why: o.req("why", string)?,
            })
        })?,
        nonresponse: o.opt("nonresponse", |v, p| {
            let o = Obj::new(v, p, &["strength", "why"])?;
            Ok(Nonresponse {
                strength: o.req("strength", number)?,
                why: o.req("why", string)?,
            })
        })?,
        metadata: o.opt("metadata", metadata)?,
        release: o.opt("release", release)?,
    })
}

fn metadata(v: &Value, path: &str) -> Read<MetadataModel> {
    let o = Obj::new(v, path, &["field_start", "field_end", "columns", "why"])?;
    Ok(MetadataModel {
        field_start: o.req("field_start", string)?,
        field_end: o.req("field_end", string)?,
        columns: o.req("columns", |v, p| {
            map(v, p, |v, p| {
                let o = Obj::new(v, p, &["constant", "role", "from", "default", "map"])?;
                Ok(MetadataColumn {
                    constant: o.opt("constant", string)?,
                    role: o.opt("role", string)?,
                    from: o.opt("from", string)?,
                    default: o.opt("default", string)?,
                    map: o.opt("map", |v, p| map(v, p, string))?.unwrap_or_default(),
                })
            })
        })?,
        why: o.req("why", string)?,
    })
}

fn release(v: &Value, path: &str) -> Read<ReleaseInfo> {
    let o = Obj::new(
        v,
        path,
        &[
            "version",
            "source_report",
            "licence",
            "disclosure_threshold",
            "key_questions",
            "notes",
        ],
    )?;
    Ok(ReleaseInfo {
        version: o.req("version", string)?,
        source_report: o.req("source_report", string)?,
        licence: o.req("licence", string)?,
        disclosure_threshold: o.req("disclosure_threshold", whole)?,
        key_questions: o.list("key_questions", string)?,
        notes: o.opt("notes", string)?,
    })
}

/// An object read as its entries in key order (serde_json's objects iterate so).
fn map<T>(v: &Value, path: &str, read: impl Fn(&Value, &str) -> Read<T>) -> Read<Entries<T>> {
    let obj = v
        .as_object()
        .ok_or_else(|| CodebookError::invalid(path, "must be a JSON object, { ... }"))?;
    let mut out = Vec::with_capacity(obj.len());
    for (k, x) in obj {
        out.push((k.clone(), read(x, &format!("{path}.{k}"))?));
    }
    Ok(out)
}

fn validate(cb: &Codebook, m: &Model) -> Result<(), CodebookError> {
    if m.rows == 0 {
        return Err(CodebookError::invalid("model.rows", "must be positive"));
    }
    let known = |id: &str, path: &str| -> Result<&Question, CodebookError> {
        cb.question(id)
            .ok_or_else(|| CodebookError::invalid(path, format!("unknown question '{id}'")))
    };
    let mut seen = HashSet::new();
    for (i, id) in m.order.iter().enumerate() {
        known(id, &format!("model.order[{i}]"))?;
        if !seen.insert(id) {
            return Err(CodebookError::invalid(
                format!("model.order[{i}]"),
                format!("'{id}' listed twice"),
            ));
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
            return Err(CodebookError::invalid(
                format!("model.top_codes[{i}]"),
                format!("'{}' is not a top code of '{}'", t.code, t.question),
            ));
        }
    }
    for (i, n) in m.numeric.iter().enumerate() {
        let q = known(&n.question, &format!("model.numeric[{i}]"))?;
        if q.kind != Kind::Numeric || n.distribution != "lognormal" || n.median <= 0.0 || n.sigma <= 0.0 {
            return Err(CodebookError::invalid(
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
                return Err(CodebookError::invalid(
                    &path,
                    format!("'{o}' is not an option of '{}'", qu.question),
                ));
            }
        }
        if let Some(c) = &qu.when {
            cb.check_condition(c, &format!("{path}.when"))?;
        }
    }
    for (i, p) in m.pairs.iter().enumerate() {
        let path = format!("model.pairs[{i}]");
        let q = known(&p.question, &path)?;
        if q.kind != Kind::Multi || p.options.iter().any(|o| !q.options.contains(o)) || p.options[0] == p.options[1] {
            return Err(CodebookError::invalid(
                path,
                "a pair names two different options of a multi question",
            ));
        }
    }
    for (i, r) in m.rules.iter().enumerate() {
        cb.check_condition(&r.if_, &format!("model.rules[{i}] ({}).if", r.id))?;
        cb.check_condition(&r.then, &format!("model.rules[{i}] ({}).then", r.id))?;
    }
    for (i, a) in m.affinities.iter().enumerate() {
        let path = format!("model.affinities[{i}]");
        let q = known(&a.question, &path)?;
        cb.check_condition(&a.when, &format!("{path}.when"))?;
        for (o, w) in &a.weights {
            if !q.options.contains(o) {
                return Err(CodebookError::invalid(
                    &path,
                    format!("'{o}' is not an option of '{}'", a.question),
                ));
            }
            if !(w.is_finite() && *w >= 0.0) {
                return Err(CodebookError::invalid(
                    &path,
                    format!("weight of '{o}' must be a non-negative number"),
                ));
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
                    return Err(CodebookError::invalid(
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
                return Err(CodebookError::invalid(
                    format!("model.metadata.{k}"),
                    format!("'{d}' is not a YYYY-MM-DD date"),
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const Q1: &str = r#"{"id":"a","text":"A?","kind":"single","section":"s","options":["Yes","No"]}"#;

    fn invalid_at(json: &str) -> (String, String) {
        match parse_codebook_with_model(json.as_bytes()).unwrap_err() {
            CodebookError::Invalid { path, message } => (path, message),
            other => panic!("expected a path, got {other}"),
        }
    }

    #[test]
    fn model_shape_errors_name_the_path() {
        let with_model = |model: &str| {
            format!(r#"{{"format":"canvass-codebook/1","title":"T","questions":[{Q1}]}}"#)
                .replace(r#""title":"T""#, &format!(r#""title":"T","model":{model}"#))
        };
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
    fn the_loader_accepts_a_model_the_generator_refuses() {
        let json = format!(r#"{{"format":"canvass-codebook/1","title":"T","questions":[{Q1}],"model":{{"rows":0}}}}"#);
        assert!(parse_codebook(json.as_bytes()).is_ok());
        assert_eq!(invalid_at(&json).0, "model.rows");
    }
}
