//! What a person asks to see: one [`ViewRequest`], whichever face asks (the page, its
//! workers, the command line). It is the JSON the page sends and, with the page it is
//! on, what a permalink encodes (see `view_state`).

use crate::chart::adapt::ChartKind;
use crate::chart::input::Fields;
use crate::crosstab::PercentMode;
use crate::freq::{BaseKind, PercentOf};
use serde::{Deserialize, Serialize};

/// Where the data came from, for the footnote every chart and export carries.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Release {
    pub name: Option<String>,
    pub version: Option<String>,
    pub synthetic: bool,
}

/// One view of a survey: a question, optionally broken down by another, over a filter,
/// weight and disclosure threshold, with how it is to be drawn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ViewRequest {
    /// The question's id.
    pub question: String,
    /// The id of the question whose answers split the respondents into groups.
    pub by: Option<String>,
    /// Conditions in the filter syntax (`Q=Option A|Option B`, `Q>=20`), all of which a
    /// respondent meets.
    pub filters: Vec<String>,
    /// The id of a numeric question whose values weight respondents.
    pub weight: Option<String>,
    /// Which respondents percentages are of.
    pub base: BaseKind,
    /// Multi-select questions: percent of respondents or of selections.
    pub percent_of: PercentOf,
    /// With `by`: what the numbers of the table are.
    pub percent: PercentMode,
    /// Numeric questions: a bin width instead of the default rule.
    pub bins: Option<f64>,
    /// The kind of chart; `None` is the one that suits the question.
    pub chart: Option<ChartKind>,
    /// Draw each percent's 95% interval.
    pub intervals: bool,
    /// Disclosure threshold; `None` is the default, 0 turns control off.
    pub k: Option<usize>,
    /// The release's cell-key secret: when given, counts are perturbed by the cell-key
    /// method instead of withheld (`"disclosure": "cell-key"` in a release manifest).
    pub cell_key_secret: Option<String>,
    /// Drawn as an overview card: the card's heading is the question and the line under
    /// it the base, so the chart carries no title and only its footnote's notes.
    pub card: bool,
    /// Also answer the table as CSV text.
    pub csv: bool,
    pub release: Release,
}

impl Default for ViewRequest {
    fn default() -> Self {
        ViewRequest {
            question: String::new(),
            by: None,
            filters: Vec::new(),
            weight: None,
            base: BaseKind::Answered,
            percent_of: PercentOf::Respondents,
            percent: PercentMode::Column,
            bins: None,
            chart: None,
            intervals: false,
            k: None,
            cell_key_secret: None,
            card: false,
            csv: false,
            release: Release::default(),
        }
    }
}

impl ViewRequest {
    /// A request for one question with every other choice at its default.
    pub fn question(id: &str) -> ViewRequest {
        ViewRequest {
            question: id.to_string(),
            ..ViewRequest::default()
        }
    }
}

/// One of a closed set of names, or an error naming the field and the choices.
fn choice<T: Copy>(f: &Fields, key: &str, names: &[(&str, T)], default: T) -> Result<T, String> {
    match f.opt_string(key)? {
        None => Ok(default),
        Some(name) => names.iter().find(|(n, _)| *n == name).map(|&(_, v)| v).ok_or_else(|| {
            let all: Vec<&str> = names.iter().map(|(n, _)| *n).collect();
            f.wrong(key, &format!("one of {}, not {name:?}", all.join(", ")))
        }),
    }
}

impl ViewRequest {
    /// Reads a request as the page sends it, in the shape the derived `Serialize`
    /// writes. By hand, because the derived reader costs the page's module 12 KB of gzip
    /// (see docs/performance.md); a test holds the two readers to the same answers.
    pub fn from_json(text: &str) -> Result<ViewRequest, String> {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("view request: {e}"))?;
        ViewRequest::from_value(&value, "view request")
    }

    /// Reads the request's fields from an object that may hold others too.
    pub fn from_value(value: &serde_json::Value, at: &str) -> Result<ViewRequest, String> {
        let f = Fields::of(value, at)?;
        let default = ViewRequest::default();
        let release = match f.get("release") {
            None => Release::default(),
            Some(value) => {
                let r = Fields::of(value, "release")?;
                Release {
                    name: r.opt_string("name")?,
                    version: r.opt_string("version")?,
                    synthetic: r.bool("synthetic")?,
                }
            }
        };
        let k = match f.opt_number("k")? {
            Some(k) if k >= 0.0 && k.fract() == 0.0 => Some(k as usize),
            Some(_) => return Err(f.wrong("k", "a whole number")),
            None => None,
        };
        let chart = match f.opt_string("chart")? {
            None => None,
            Some(name) => Some(ChartKind::parse(&name).ok_or_else(|| {
                f.wrong(
                    "chart",
                    &format!("one of bar, stacked, grouped, heatmap, diverging, not {name:?}"),
                )
            })?),
        };
        Ok(ViewRequest {
            question: f.string("question")?,
            by: f.opt_string("by")?,
            filters: f.list("filters", "strings", |v| v.as_str().map(str::to_string))?,
            weight: f.opt_string("weight")?,
            base: choice(
                &f,
                "base",
                &[
                    ("answered", BaseKind::Answered),
                    ("asked", BaseKind::Asked),
                    ("all", BaseKind::All),
                ],
                default.base,
            )?,
            percent_of: choice(
                &f,
                "percent_of",
                &[
                    ("respondents", PercentOf::Respondents),
                    ("selections", PercentOf::Selections),
                ],
                default.percent_of,
            )?,
            percent: choice(
                &f,
                "percent",
                &[
                    ("counts", PercentMode::Counts),
                    ("row", PercentMode::Row),
                    ("column", PercentMode::Column),
                    ("col", PercentMode::Column),
                    ("total", PercentMode::Total),
                ],
                default.percent,
            )?,
            bins: f.opt_number("bins")?,
            chart,
            intervals: f.bool("intervals")?,
            k,
            cell_key_secret: f.opt_string("cell_key_secret")?,
            card: f.bool("card")?,
            csv: f.bool("csv")?,
            release,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn requests() -> Vec<ViewRequest> {
        vec![
            ViewRequest::default(),
            ViewRequest::question("Q1"),
            ViewRequest {
                by: Some("Q \"2\" & more".into()),
                filters: vec!["a=b|c".into(), "age>=20".into()],
                weight: Some("w".into()),
                base: BaseKind::All,
                percent_of: PercentOf::Selections,
                percent: PercentMode::Column,
                bins: Some(2.5),
                chart: Some(ChartKind::Heatmap),
                intervals: true,
                k: Some(0),
                cell_key_secret: Some("s3cret".into()),
                card: true,
                csv: true,
                release: Release {
                    name: Some("Survey".into()),
                    version: None,
                    synthetic: true,
                },
                ..ViewRequest::question("中文")
            },
        ]
    }

    #[test]
    fn the_hand_reader_reads_what_the_derive_writes_as_the_derive_does() {
        for request in requests() {
            let json = serde_json::to_string(&request).unwrap();
            assert_eq!(ViewRequest::from_json(&json).unwrap(), request, "{json}");
            assert_eq!(serde_json::from_str::<ViewRequest>(&json).unwrap(), request, "{json}");
        }
    }

    #[test]
    fn both_readers_take_defaults_and_refuse_the_same_mistakes() {
        let cases = [
            (r#"{"question": "Q1"}"#, true),
            (r#"{"question": "Q1", "percent": "col", "chart": "bar", "k": 5}"#, true),
            (r#"{"question": "Q1", "base": "everyone"}"#, false),
            (r#"{"question": "Q1", "chart": "pie"}"#, false),
            (r#"{"question": 3}"#, false),
            (r#"{"question": "Q1", "filters": "a=b"}"#, false),
            (r#"{"question": "Q1", "k": -1}"#, false),
            (r#"[1, 2]"#, false),
        ];
        for (json, ok) in cases {
            let hand = ViewRequest::from_json(json);
            let derived = serde_json::from_str::<ViewRequest>(json);
            assert_eq!(hand.is_ok(), ok, "{json}: {hand:?}");
            assert_eq!(derived.is_ok(), ok, "{json}: {derived:?}");
            match hand {
                Ok(hand) => assert_eq!(hand, derived.unwrap(), "{json}"),
                // The refusal names what was wrong, as the page shows it.
                Err(message) if json.contains("pie") => assert!(message.contains("\"pie\""), "{message}"),
                Err(_) => {}
            }
        }
    }
}
