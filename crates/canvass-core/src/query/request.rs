//! What a person asks to see: one [`ViewRequest`], whichever face asks (the page, its
//! workers, the command line). It is the JSON the page sends and, with the page it is
//! on, what a permalink encodes (see `view_state`).

use crate::chart::adapt::ChartKind;
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
            percent: PercentMode::Row,
            bins: None,
            chart: None,
            intervals: false,
            k: None,
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
