//! Reads the JSON of a `canvass-codebook/1` document into the codebook types: the
//! shape of every object (known keys, required keys, the type of each value), with
//! errors that name the path to the entry, such as `questions[3].options[1]`.
//!
//! It does not check the rules of the format that span entries (unique ids, questions
//! named by conditions, options named by published figures): `Codebook::validate` does.
//! Nor does it read the `model` section, which it keeps as written; the shape helpers
//! ([`Obj`], [`list`], [`string`], ...) are public so that the generator's reader of
//! that section (canvass-synth) names paths and explains errors the same way.
//!
//! The reader walks a `serde_json::Value` by hand rather than using serde's derived
//! `Deserialize`: the derived readers for the codebook's twenty-odd types cost the
//! browser module about 45 KB of gzip, while the generic `Value` reader is there anyway
//! for the page's own requests.

use super::{
    Base, Bin, Codebook, CodebookError, Condition, Fact, Kind, Layout, NumericSpec, Published, Question, Source,
    TopCode,
};
use serde::de::{Deserialize, Deserializer, Error as _, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::fmt;

/// A value read from the JSON, or why it has the wrong shape.
pub type Read<T> = Result<T, CodebookError>;

/// The JSON text as a `Value`. Syntax errors, and a key given twice in one object,
/// carry serde_json's line and column.
pub(super) fn json_value(text: &str) -> Result<Value, serde_json::Error> {
    serde_json::from_str::<Strict>(text).map(|s| s.0)
}

/// A whole codebook, before `Codebook::validate`.
pub(super) fn codebook(v: &Value) -> Read<Codebook> {
    let o = Obj::new(
        v,
        "",
        &[
            "format",
            "title",
            "description",
            "source",
            "layout",
            "questions",
            "facts",
            "model",
        ],
    )?;
    Ok(Codebook {
        format: o.req("format", string)?,
        title: o.req("title", string)?,
        description: o.opt("description", string)?,
        source: o.get("source").cloned(),
        layout: o.opt("layout", layout)?.unwrap_or_default(),
        questions: o.req("questions", |v, p| list(v, p, question))?,
        facts: o.list("facts", fact)?,
        model: o.get("model").cloned(),
        index: Default::default(),
    })
}

fn layout(v: &Value, path: &str) -> Read<Layout> {
    let o = Obj::new(v, path, &["delimiter", "header_rows", "encoding"])?;
    let default = Layout::default();
    Ok(Layout {
        delimiter: o.opt("delimiter", string)?.unwrap_or(default.delimiter),
        header_rows: o.opt("header_rows", whole)?.unwrap_or(default.header_rows),
        encoding: o.opt("encoding", string)?.unwrap_or(default.encoding),
    })
}

const KINDS: &[(&str, Kind)] = &[
    ("single", Kind::Single),
    ("multi", Kind::Multi),
    ("ordinal", Kind::Ordinal),
    ("rank", Kind::Rank),
    ("numeric", Kind::Numeric),
    ("country", Kind::Country),
    ("text", Kind::Text),
    ("identifier", Kind::Identifier),
    ("datetime", Kind::Datetime),
    ("metadata", Kind::Metadata),
];

const SOURCES: &[(&str, Source)] = &[
    ("pdf", Source::Pdf),
    ("web", Source::Web),
    ("web-measured", Source::WebMeasured),
];

const BASES: &[(&str, Base)] = &[
    ("answered", Base::Answered),
    ("asked", Base::Asked),
    ("all", Base::All),
    ("mentions", Base::Mentions),
];

fn question(v: &Value, path: &str) -> Read<Question> {
    let o = Obj::new(
        v,
        path,
        &[
            "id",
            "text",
            "kind",
            "section",
            "label",
            "options",
            "other_text",
            "separator",
            "asked_if",
            "numeric",
            "rank_group",
            "withheld",
            "no_data",
            "import_id",
            "notes",
            "published",
        ],
    )?;
    Ok(Question {
        id: o.req("id", string)?,
        text: o.req("text", string)?,
        kind: o.req("kind", |v, p| choice(v, p, KINDS))?,
        section: o.req("section", string)?,
        label: o.opt("label", string)?,
        options: o.list("options", string)?,
        other_text: o.opt("other_text", string)?,
        separator: o.opt("separator", string)?,
        asked_if: o.opt("asked_if", condition)?,
        numeric: o.opt("numeric", numeric_spec)?,
        rank_group: o.opt("rank_group", string)?,
        withheld: o.flag("withheld")?,
        no_data: o.flag("no_data")?,
        import_id: o.get("import_id").cloned(),
        notes: o.opt("notes", string)?,
        published: o.list("published", published)?,
    })
}

fn numeric_spec(v: &Value, path: &str) -> Read<NumericSpec> {
    let o = Obj::new(v, path, &["min", "max", "integer", "top_codes", "bins"])?;
    Ok(NumericSpec {
        min: o.opt("min", number)?,
        max: o.opt("max", number)?,
        integer: o.flag("integer")?,
        top_codes: o.list("top_codes", |v, p| {
            let o = Obj::new(v, p, &["code", "value"])?;
            Ok(TopCode {
                code: o.req("code", string)?,
                value: o.req("value", number)?,
            })
        })?,
        bins: o.list("bins", |v, p| {
            let o = Obj::new(v, p, &["label", "min", "max"])?;
            Ok(Bin {
                label: o.req("label", string)?,
                min: o.req("min", number)?,
                max: o.req("max", number)?,
            })
        })?,
    })
}

fn published(v: &Value, path: &str) -> Read<Published> {
    let o = Obj::new(
        v,
        path,
        &[
            "option",
            "percent",
            "precision",
            "tolerance",
            "source",
            "base",
            "base_n",
            "count",
            "among",
            "exclude",
            "base_description",
            "page",
            "deviation",
            "verifiable",
        ],
    )?;
    Ok(Published {
        option: o.req("option", string)?,
        percent: o.req("percent", number)?,
        precision: o.opt("precision", whole)?.unwrap_or(0),
        tolerance: o.opt("tolerance", number)?,
        source: o.req("source", |v, p| choice(v, p, SOURCES))?,
        base: o.req("base", |v, p| choice(v, p, BASES))?,
        base_n: o.opt("base_n", whole)?,
        count: o.opt("count", whole)?,
        among: o.opt("among", condition)?,
        exclude: o.list("exclude", string)?,
        base_description: o.opt("base_description", string)?,
        page: o.opt("page", whole)?,
        deviation: o.opt("deviation", string)?,
        verifiable: o.opt("verifiable", boolean)?,
    })
}

fn fact(v: &Value, path: &str) -> Read<Fact> {
    let o = Obj::new(
        v,
        path,
        &[
            "id",
            "text",
            "numerator",
            "denominator",
            "percent",
            "precision",
            "tolerance",
            "source",
            "count",
            "base_n",
            "page",
        ],
    )?;
    Ok(Fact {
        id: o.req("id", string)?,
        text: o.req("text", string)?,
        numerator: o.req("numerator", condition)?,
        denominator: o.req("denominator", condition)?,
        percent: o.req("percent", number)?,
        precision: o.opt("precision", whole)?.unwrap_or(0),
        tolerance: o.opt("tolerance", number)?,
        source: o.req("source", |v, p| choice(v, p, SOURCES))?,
        count: o.opt("count", whole)?,
        base_n: o.opt("base_n", whole)?,
        page: o.opt("page", whole)?,
    })
}

/// One JSON object of a known shape; `path` locates it in the document ("" for the top).
pub struct Obj<'a> {
    map: &'a Map<String, Value>,
    path: &'a str,
}

impl<'a> Obj<'a> {
    /// Refuses anything but an object whose keys are all among `keys`: a misspelt
    /// optional key would otherwise be ignored without a word.
    pub fn new(v: &'a Value, path: &'a str, keys: &[&str]) -> Read<Obj<'a>> {
        let map = v.as_object().ok_or_else(|| {
            let place = if path.is_empty() { "the top level" } else { path };
            CodebookError::invalid(place, "must be a JSON object, { ... }")
        })?;
        let obj = Obj { map, path };
        if let Some(k) = map.keys().find(|k| !keys.contains(&k.as_str())) {
            return Err(CodebookError::invalid(
                obj.path(k),
                format!("unknown key; check its spelling against {}", keys.join(", ")),
            ));
        }
        Ok(obj)
    }

    fn path(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// The value of `key`; `null` counts as absent.
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    pub fn opt<T>(&self, key: &str, read: impl FnOnce(&Value, &str) -> Read<T>) -> Read<Option<T>> {
        self.get(key).map(|v| read(v, &self.path(key))).transpose()
    }

    pub fn req<T>(&self, key: &str, read: impl FnOnce(&Value, &str) -> Read<T>) -> Read<T> {
        self.opt(key, read)?
            .ok_or_else(|| CodebookError::invalid(self.path(key), "is missing; this key is required"))
    }

    /// A list that may be left out (empty).
    pub fn list<T>(&self, key: &str, read: impl Fn(&Value, &str) -> Read<T>) -> Read<Vec<T>> {
        Ok(self.opt(key, |v, p| list(v, p, read))?.unwrap_or_default())
    }

    /// A flag that may be left out (false).
    fn flag(&self, key: &str) -> Read<bool> {
        Ok(self.opt(key, boolean)?.unwrap_or(false))
    }
}

pub fn list<T>(v: &Value, path: &str, read: impl Fn(&Value, &str) -> Read<T>) -> Read<Vec<T>> {
    let items = v
        .as_array()
        .ok_or_else(|| CodebookError::invalid(path, "must be a list, [ ... ]"))?;
    items
        .iter()
        .enumerate()
        .map(|(i, x)| read(x, &format!("{path}[{i}]")))
        .collect()
}

pub fn string(v: &Value, path: &str) -> Read<String> {
    v.as_str()
        .map(str::to_string)
        .ok_or_else(|| CodebookError::invalid(path, "must be a string, in double quotes"))
}

pub fn number(v: &Value, path: &str) -> Read<f64> {
    v.as_f64()
        .ok_or_else(|| CodebookError::invalid(path, "must be a number"))
}

fn boolean(v: &Value, path: &str) -> Read<bool> {
    v.as_bool()
        .ok_or_else(|| CodebookError::invalid(path, "must be true or false"))
}

/// A count or size: a whole number that fits the field's type.
pub fn whole<T: TryFrom<u64>>(v: &Value, path: &str) -> Read<T> {
    let n = v
        .as_u64()
        .ok_or_else(|| CodebookError::invalid(path, "must be a whole number, 0 or more"))?;
    T::try_from(n).map_err(|_| CodebookError::invalid(path, format!("{n} is too large")))
}

fn choice<T: Copy>(v: &Value, path: &str, names: &[(&str, T)]) -> Read<T> {
    let name = string(v, path)?;
    match names.iter().find(|(n, _)| *n == name) {
        Some((_, x)) => Ok(*x),
        None => {
            let known: Vec<&str> = names.iter().map(|(n, _)| *n).collect();
            Err(CodebookError::invalid(
                path,
                format!("'{name}' is not one of {}", known.join(", ")),
            ))
        }
    }
}

pub fn condition(v: &Value, path: &str) -> Read<Condition> {
    Condition::from_value(v).map_err(|e| CodebookError::invalid(path, e))
}

/// A JSON value read as `serde_json::Value` reads it, except that an object naming
/// one key twice is refused: with a `Value` the last one would silently win.
struct Strict(Value);

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
        Ok(Value::Number(n.into()))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
        Ok(Value::Number(n.into()))
    }

    fn visit_f64<E>(self, n: f64) -> Result<Value, E> {
        Ok(Number::from_f64(n).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_string()))
    }

    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Strict(x)) = seq.next_element()? {
            items.push(x);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut obj = Map::new();
        while let Some(key) = access.next_key::<String>()? {
            let Strict(x) = access.next_value()?;
            if obj.contains_key(&key) {
                return Err(A::Error::custom(format!(
                    "key '{key}' appears twice in one object; keep one"
                )));
            }
            obj.insert(key, x);
        }
        Ok(Value::Object(obj))
    }
}
