//! What a chart is drawn from: plain structs of labels and numbers.
//!
//! Charts take these rather than the statistics types so that they can be drawn from
//! any source (a frequency table, a crosstab, a test's literal) and so that the
//! statistics can change without touching drawing. A value of `None` is "nothing to
//! show", whatever the reason: an empty cell and a cell withheld for disclosure control
//! are drawn the same way, so a chart never reveals which one it was.

use crate::sort::sorted_positions;
use serde::{Deserialize, Serialize};

/// What the numbers of a bar series are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Unit {
    /// Percentages, labelled "54%".
    #[default]
    Percent,
    /// Plain counts, labelled "1,234".
    Count,
    /// Scores such as a mean rank, labelled with one decimal.
    Score,
}

/// In which order bars are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum BarOrder {
    /// Largest first, with "Other…" and non-answers such as "Prefer not to answer"
    /// last: the order for nominal questions.
    #[default]
    ByValue,
    /// As given: the order for scales, whose order carries meaning.
    AsGiven,
}

/// One number per category, drawn as horizontal bars.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct BarSeries {
    pub title: String,
    pub categories: Vec<String>,
    pub values: Vec<Option<f64>>,
    /// The respondents behind each value, printed beside it; empty when not known.
    pub counts: Vec<Option<f64>>,
    /// 95% interval of each value, in the value's unit; empty for none.
    pub intervals: Vec<Option<[f64; 2]>>,
    /// Values that differ significantly from the rest; empty for none.
    pub significant: Vec<bool>,
    /// Labels to print instead of the value; empty to format the value.
    pub value_labels: Vec<String>,
    pub unit: Unit,
    /// What the value axis measures, such as "% of respondents".
    pub axis_label: String,
    pub order: BarOrder,
}

/// Counts of a numeric answer in equal bins: `edges` has one more entry than `counts`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Histogram {
    pub title: String,
    pub edges: Vec<f64>,
    pub counts: Vec<Option<f64>>,
    /// What the values are, such as "Age (years)".
    pub axis_label: String,
}

/// A two-way table of percentages: rows are the answers to one question, columns the
/// groups of another, and `cells[row][col]` is the percent of group `col` that gave
/// answer `row` (a column percentage).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct GroupedTable {
    pub title: String,
    /// The question that defines the columns, for the legend.
    pub col_title: String,
    pub row_labels: Vec<String>,
    pub col_labels: Vec<String>,
    pub cells: Vec<Vec<Option<f64>>>,
    /// Cells that differ significantly from the table's expectation; empty for none.
    pub significant: Vec<Vec<bool>>,
    /// Respondents in each column group; empty when not known.
    pub col_bases: Vec<Option<f64>>,
    /// 95% interval of each cell's percent, `intervals[row][col]`; empty for none. Only
    /// grouped bars draw them, as whiskers; a cell with no value has none to draw.
    #[serde(default)]
    pub intervals: Vec<Vec<Option<[f64; 2]>>>,
    /// The disclosure threshold the table was protected with, so that a chart whose
    /// every cell is withheld can say why; 0 when none applied.
    #[serde(default)]
    pub k: usize,
}

/// Answers on one agreement scale for one or more items (a Likert question or grid).
/// `levels` run from the most negative to the most positive; `cells[item][level]` is
/// the percent of the item's respondents who chose that level.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct LikertRows {
    pub title: String,
    pub items: Vec<String>,
    pub levels: Vec<String>,
    pub cells: Vec<Vec<Option<f64>>>,
}

/// Results of a ranking question: per item, the mean Borda score (ranked first by
/// everyone = `max_score`, last by everyone = 0) and the percent who ranked it first.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RankScores {
    pub title: String,
    pub items: Vec<String>,
    pub borda: Vec<Option<f64>>,
    pub first_place: Vec<Option<f64>>,
    pub max_score: f64,
}

/// What is printed under a chart so that it can be read on its own.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Footnote {
    /// Who the percentages are of, such as "Base: 1,234 respondents who answered".
    pub base: String,
    pub filters: Vec<String>,
    pub weight: Option<String>,
    /// How small cells were withheld, such as "Values based on fewer than 10
    /// respondents are not shown."
    pub suppression: Option<String>,
    pub dataset: Option<String>,
    pub version: Option<String>,
    /// Further sentences, such as what whiskers show.
    pub notes: Vec<String>,
    /// The data were generated, not collected: the chart says so prominently.
    pub synthetic: bool,
}

impl Footnote {
    /// The footnote as sentences, in the order reports print them.
    pub fn sentences(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut push = |s: String| {
            let s = s.trim().to_string();
            if !s.is_empty() {
                out.push(if s.ends_with('.') { s } else { format!("{s}.") });
            }
        };
        push(self.base.clone());
        if !self.filters.is_empty() {
            push(format!("Filtered to {}", self.filters.join("; ")));
        }
        if let Some(w) = &self.weight {
            push(format!("Weighted by {w}"));
        }
        if let Some(s) = &self.suppression {
            push(s.clone());
        }
        for note in &self.notes {
            push(note.clone());
        }
        match (&self.dataset, &self.version) {
            (Some(d), Some(v)) => push(format!("Data: {d}, version {v}")),
            (Some(d), None) => push(format!("Data: {d}")),
            (None, Some(v)) => push(format!("Data version {v}")),
            (None, None) => {}
        }
        if self.synthetic {
            push("Synthetic data: generated for illustration, not real responses".to_string());
        }
        out
    }
}

/// A chart of one kind with its data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Chart {
    /// Horizontal bars: nominal, ordinal and multi-select questions.
    Bars(BarSeries),
    Histogram(Histogram),
    /// Crosstab as side-by-side bars, one colour per column group.
    Grouped(GroupedTable),
    /// Crosstab as one 100% bar per column group, one colour per answer.
    Stacked(GroupedTable),
    /// Crosstab as a grid of cells shaded by value.
    Heatmap(GroupedTable),
    /// Agreement scales as bars centred on the neutral point.
    Diverging(LikertRows),
    /// Ranking questions: mean Borda score, with the share who ranked each item first.
    Rank(RankScores),
}

impl Chart {
    /// Replaces the title drawn above the chart; an empty one draws none.
    pub fn set_title(&mut self, title: String) {
        match self {
            Chart::Bars(c) => c.title = title,
            Chart::Histogram(c) => c.title = title,
            Chart::Grouped(c) | Chart::Stacked(c) | Chart::Heatmap(c) => c.title = title,
            Chart::Diverging(c) => c.title = title,
            Chart::Rank(c) => c.title = title,
        }
    }

    /// The kind's name as the CLI and the page spell it.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Chart::Bars(_) => "bar",
            Chart::Histogram(_) => "histogram",
            Chart::Grouped(_) => "grouped",
            Chart::Stacked(_) => "stacked",
            Chart::Heatmap(_) => "heatmap",
            Chart::Diverging(_) => "diverging",
            Chart::Rank(_) => "rank",
        }
    }

    /// The same chart without confidence intervals, for views that turn them off.
    pub fn without_intervals(mut self) -> Chart {
        match &mut self {
            Chart::Bars(c) => c.intervals.clear(),
            Chart::Grouped(c) | Chart::Stacked(c) | Chart::Heatmap(c) => c.intervals.clear(),
            Chart::Histogram(_) | Chart::Diverging(_) | Chart::Rank(_) => {}
        }
        self
    }

    pub fn title(&self) -> &str {
        match self {
            Chart::Bars(c) => &c.title,
            Chart::Histogram(c) => &c.title,
            Chart::Grouped(c) | Chart::Stacked(c) | Chart::Heatmap(c) => &c.title,
            Chart::Diverging(c) => &c.title,
            Chart::Rank(c) => &c.title,
        }
    }
}

/// Reads a chart input as the page passes it between its two module instances,
/// `{"chart": {"Bars": {...}}, "footnote": {...}}` in the shape `Serialize` writes.
///
/// The browser module reads chart inputs through this rather than the derived
/// `Deserialize`: serde_json's derived reader is several kilobytes of wasm per struct,
/// while walking a `serde_json::Value` reuses the generic reader the codebook already
/// needs. A field that is absent or `null` takes its default, as the page clears
/// titles and intervals before painting; a field of the wrong type is an error that
/// names it.
pub fn chart_input_from_json(text: &str) -> Result<(Chart, Footnote), String> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("chart input: {e}"))?;
    let input = Fields::of(&value, "chart input")?;
    let chart = input.obj.get("chart").ok_or("chart input has no `chart`")?;
    let footnote = input.obj.get("footnote").map(footnote_from_value).transpose()?;
    Ok((chart_from_value(chart)?, footnote.unwrap_or_default()))
}

fn chart_from_value(value: &serde_json::Value) -> Result<Chart, String> {
    let kinds = "Bars, Histogram, Grouped, Stacked, Heatmap, Diverging or Rank";
    let (kind, body) = match value.as_object().map(|o| o.iter().collect::<Vec<_>>()).as_deref() {
        Some([(kind, body)]) => (kind.as_str(), *body),
        _ => {
            return Err(format!(
                "chart input: `chart` should be an object with one key, {kinds}"
            ))
        }
    };
    let f = Fields::of(body, kind)?;
    let grouped = || -> Result<GroupedTable, String> {
        Ok(GroupedTable {
            title: f.string("title")?,
            col_title: f.string("col_title")?,
            row_labels: f.list("row_labels", "strings", as_string)?,
            col_labels: f.list("col_labels", "strings", as_string)?,
            cells: f.list("cells", "lists of numbers or nulls", |v| rows_of(v, as_opt_number))?,
            significant: f.list("significant", "lists of true/false", |v| {
                rows_of(v, serde_json::Value::as_bool)
            })?,
            col_bases: f.list("col_bases", "numbers or nulls", as_opt_number)?,
            intervals: f.list("intervals", "lists of [low, high] or nulls", |v| {
                rows_of(v, as_interval)
            })?,
            k: f.number("k")? as usize,
        })
    };
    Ok(match kind {
        "Bars" => Chart::Bars(BarSeries {
            title: f.string("title")?,
            categories: f.list("categories", "strings", as_string)?,
            values: f.list("values", "numbers or nulls", as_opt_number)?,
            counts: f.list("counts", "numbers or nulls", as_opt_number)?,
            intervals: f.list("intervals", "[low, high] pairs or nulls", as_interval)?,
            significant: f.list("significant", "true/false", serde_json::Value::as_bool)?,
            value_labels: f.list("value_labels", "strings", as_string)?,
            unit: match f.string("unit")?.as_str() {
                "" | "Percent" => Unit::Percent,
                "Count" => Unit::Count,
                "Score" => Unit::Score,
                _ => return Err(f.wrong("unit", "Percent, Count or Score")),
            },
            axis_label: f.string("axis_label")?,
            order: match f.string("order")?.as_str() {
                "" | "ByValue" => BarOrder::ByValue,
                "AsGiven" => BarOrder::AsGiven,
                _ => return Err(f.wrong("order", "ByValue or AsGiven")),
            },
        }),
        "Histogram" => Chart::Histogram(Histogram {
            title: f.string("title")?,
            edges: f.list("edges", "numbers", serde_json::Value::as_f64)?,
            counts: f.list("counts", "numbers or nulls", as_opt_number)?,
            axis_label: f.string("axis_label")?,
        }),
        "Grouped" => Chart::Grouped(grouped()?),
        "Stacked" => Chart::Stacked(grouped()?),
        "Heatmap" => Chart::Heatmap(grouped()?),
        "Diverging" => Chart::Diverging(LikertRows {
            title: f.string("title")?,
            items: f.list("items", "strings", as_string)?,
            levels: f.list("levels", "strings", as_string)?,
            cells: f.list("cells", "lists of numbers or nulls", |v| rows_of(v, as_opt_number))?,
        }),
        "Rank" => Chart::Rank(RankScores {
            title: f.string("title")?,
            items: f.list("items", "strings", as_string)?,
            borda: f.list("borda", "numbers or nulls", as_opt_number)?,
            first_place: f.list("first_place", "numbers or nulls", as_opt_number)?,
            max_score: f.number("max_score")?,
        }),
        other => return Err(format!("chart input: unknown chart kind {other:?}; use {kinds}")),
    })
}

fn footnote_from_value(value: &serde_json::Value) -> Result<Footnote, String> {
    let f = Fields::of(value, "footnote")?;
    Ok(Footnote {
        base: f.string("base")?,
        filters: f.list("filters", "strings", as_string)?,
        weight: f.opt_string("weight")?,
        suppression: f.opt_string("suppression")?,
        dataset: f.opt_string("dataset")?,
        version: f.opt_string("version")?,
        notes: f.list("notes", "strings", as_string)?,
        synthetic: f.bool("synthetic")?,
    })
}

/// The fields of one JSON object, read by name with defaults for absent or `null`
/// fields, and errors that name the object and the field.
pub struct Fields<'a> {
    pub obj: &'a serde_json::Map<String, serde_json::Value>,
    at: &'a str,
}

impl<'a> Fields<'a> {
    /// `at` names the object in errors, such as "view request".
    pub fn of(value: &'a serde_json::Value, at: &'a str) -> Result<Fields<'a>, String> {
        match value.as_object() {
            Some(obj) => Ok(Fields { obj, at }),
            None => Err(format!("{at} should be a JSON object")),
        }
    }

    pub fn get(&self, key: &str) -> Option<&'a serde_json::Value> {
        self.obj.get(key).filter(|v| !v.is_null())
    }

    pub fn wrong(&self, key: &str, what: &str) -> String {
        format!("{}: `{key}` should be {what}", self.at)
    }

    pub fn opt_string(&self, key: &str) -> Result<Option<String>, String> {
        self.get(key)
            .map(|v| as_string(v).ok_or_else(|| self.wrong(key, "a string")))
            .transpose()
    }

    pub fn string(&self, key: &str) -> Result<String, String> {
        Ok(self.opt_string(key)?.unwrap_or_default())
    }

    pub fn bool(&self, key: &str) -> Result<bool, String> {
        let value = self
            .get(key)
            .map(|v| v.as_bool().ok_or_else(|| self.wrong(key, "true or false")));
        Ok(value.transpose()?.unwrap_or(false))
    }

    pub fn opt_number(&self, key: &str) -> Result<Option<f64>, String> {
        self.get(key)
            .map(|v| v.as_f64().ok_or_else(|| self.wrong(key, "a number")))
            .transpose()
    }

    pub fn number(&self, key: &str) -> Result<f64, String> {
        Ok(self.opt_number(key)?.unwrap_or(0.0))
    }

    /// A list whose every entry `item` reads; `what` says what the entries should be.
    pub fn list<T>(
        &self,
        key: &str,
        what: &str,
        item: impl Fn(&serde_json::Value) -> Option<T>,
    ) -> Result<Vec<T>, String> {
        match self.get(key) {
            None => Ok(Vec::new()),
            Some(v) => v
                .as_array()
                .and_then(|a| a.iter().map(item).collect())
                .ok_or_else(|| self.wrong(key, &format!("a list of {what}"))),
        }
    }
}

fn as_string(v: &serde_json::Value) -> Option<String> {
    v.as_str().map(str::to_string)
}

/// `null` is "nothing to show", as serde_json writes a `None` or a non-finite number.
fn as_opt_number(v: &serde_json::Value) -> Option<Option<f64>> {
    if v.is_null() {
        Some(None)
    } else {
        v.as_f64().map(Some)
    }
}

fn as_interval(v: &serde_json::Value) -> Option<Option<[f64; 2]>> {
    if v.is_null() {
        return Some(None);
    }
    match v.as_array()?.as_slice() {
        [low, high] => Some(Some([low.as_f64()?, high.as_f64()?])),
        _ => None,
    }
}

fn rows_of<T>(v: &serde_json::Value, item: fn(&serde_json::Value) -> Option<T>) -> Option<Vec<T>> {
    v.as_array()?.iter().map(item).collect()
}

/// Reads entry `idx` of an optional-value list, treating a missing entry and a
/// non-finite number as nothing to show.
pub(crate) fn value_at(values: &[Option<f64>], idx: usize) -> Option<f64> {
    values.get(idx).copied().flatten().filter(|v| v.is_finite())
}

/// Answers that are not positions on the question's scale and that reports list last.
/// Their rank among themselves is the order they are listed in.
pub fn tail_rank(label: &str) -> Option<usize> {
    let l = label.trim().to_lowercase().replace('’', "'");
    if l.starts_with("other") {
        Some(0)
    } else if l.starts_with("none of") || l == "none" {
        Some(1)
    } else if l.starts_with("don't know") || l.starts_with("do not know") || l.starts_with("not sure") {
        Some(2)
    } else if l == "n/a" || l.starts_with("not applicable") {
        Some(3)
    } else if l.starts_with("prefer not") || l.starts_with("rather not") || l.starts_with("decline") {
        Some(4)
    } else {
        None
    }
}

/// Whether `label` is a non-answer to a scale ("Don't know", "Prefer not to answer"),
/// which a diverging chart leaves out of the scale.
pub fn is_non_substantive(label: &str) -> bool {
    matches!(tail_rank(label), Some(2..))
}

/// Indices of `values` with the largest first, "Other…" and non-answers last; ties
/// keep their given order.
pub fn order_by_value(labels: &[String], values: &[Option<f64>]) -> Vec<usize> {
    sorted_positions(labels.len(), &|a, b| {
        let ta = tail_rank(&labels[a]);
        let tb = tail_rank(&labels[b]);
        match (ta, tb) {
            (None, None) => {
                let va = value_at(values, a).unwrap_or(f64::NEG_INFINITY);
                let vb = value_at(values, b).unwrap_or(f64::NEG_INFINITY);
                vb.total_cmp(&va)
            }
            (None, Some(_)) => std::cmp::Ordering::Less,
            (Some(_), None) => std::cmp::Ordering::Greater,
            (Some(x), Some(y)) => x.cmp(&y),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nominal_order_puts_other_and_refusals_last() {
        let labels: Vec<String> = [
            "Prefer not to answer",
            "Rust",
            "Other (please specify)",
            "Python",
            "Julia",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let values = vec![Some(30.0), Some(5.0), Some(40.0), Some(20.0), None];
        let order: Vec<&str> = order_by_value(&labels, &values)
            .into_iter()
            .map(|i| labels[i].as_str())
            .collect();
        assert_eq!(
            order,
            [
                "Python",
                "Rust",
                "Julia",
                "Other (please specify)",
                "Prefer not to answer"
            ]
        );
        assert!(is_non_substantive("Don’t know"));
        assert!(!is_non_substantive("Other"));
        assert!(!is_non_substantive("Agree"));
    }

    #[test]
    fn equal_values_keep_their_given_order() {
        let labels: Vec<String> = ["C", "A", "Other", "B", "D", "Don’t know"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let values = vec![Some(10.0), Some(10.0), Some(50.0), Some(20.0), Some(10.0), Some(50.0)];
        let order: Vec<&str> = order_by_value(&labels, &values)
            .into_iter()
            .map(|i| labels[i].as_str())
            .collect();
        assert_eq!(order, ["B", "C", "A", "D", "Other", "Don’t know"]);
    }

    #[test]
    fn footnote_reads_as_sentences() {
        let f = Footnote {
            base: "Base: 11 respondents who answered".into(),
            filters: vec!["Country = Kenya".into()],
            weight: Some("weight_final".into()),
            suppression: Some("Values based on fewer than 10 respondents are not shown".into()),
            dataset: Some("NumPy survey 2020".into()),
            version: Some("1.2".into()),
            notes: vec![],
            synthetic: true,
        };
        assert_eq!(
            f.sentences(),
            [
                "Base: 11 respondents who answered.",
                "Filtered to Country = Kenya.",
                "Weighted by weight_final.",
                "Values based on fewer than 10 respondents are not shown.",
                "Data: NumPy survey 2020, version 1.2.",
                "Synthetic data: generated for illustration, not real responses."
            ]
        );
        assert!(Footnote::default().sentences().is_empty());
    }

    /// What the worker writes (the derived `Serialize`) reads back as the same chart,
    /// for every kind and every field that can hold something.
    #[test]
    fn chart_input_reads_back_what_the_worker_writes() {
        let bars = BarSeries {
            title: "Languages".into(),
            categories: vec!["Python".into(), "C".into()],
            values: vec![Some(54.5), None],
            counts: vec![Some(12.0), None],
            intervals: vec![Some([40.25, 60.0]), None],
            significant: vec![true, false],
            value_labels: vec!["54%".into(), "".into()],
            unit: Unit::Score,
            axis_label: "% of respondents".into(),
            order: BarOrder::AsGiven,
        };
        let grouped = GroupedTable {
            title: "Role by country".into(),
            col_title: "Country".into(),
            row_labels: vec!["Dev".into(), "Sci".into()],
            col_labels: vec!["Kenya".into()],
            cells: vec![vec![Some(25.0)], vec![None]],
            significant: vec![vec![false], vec![true]],
            col_bases: vec![Some(40.0)],
            intervals: vec![vec![Some([1.5, 2.5])], vec![None]],
            k: 10,
        };
        let charts = [
            Chart::Bars(bars),
            Chart::Histogram(Histogram {
                title: "Age".into(),
                edges: vec![18.0, 30.0, 42.0],
                counts: vec![Some(3.0), None],
                axis_label: "Age (years)".into(),
            }),
            Chart::Grouped(grouped.clone()),
            Chart::Stacked(grouped.clone()),
            Chart::Heatmap(grouped),
            Chart::Diverging(LikertRows {
                title: "Docs".into(),
                items: vec!["Clear".into()],
                levels: vec!["Disagree".into(), "Agree".into()],
                cells: vec![vec![Some(30.0), None]],
            }),
            Chart::Rank(RankScores {
                title: "Priorities".into(),
                items: vec!["Speed".into(), "Docs".into()],
                borda: vec![Some(1.5), None],
                first_place: vec![Some(60.0), None],
                max_score: 2.0,
            }),
        ];
        let footnote = Footnote {
            base: "Base: 11 respondents".into(),
            filters: vec!["Country = Kenya".into()],
            weight: Some("w".into()),
            suppression: None,
            dataset: Some("NumPy".into()),
            version: None,
            notes: vec!["Whiskers: 95% interval".into()],
            synthetic: true,
        };
        for chart in charts {
            let text = serde_json::json!({ "chart": chart, "footnote": footnote }).to_string();
            assert_eq!(
                chart_input_from_json(&text),
                Ok((chart.clone(), footnote.clone())),
                "{text}"
            );
        }
    }

    #[test]
    fn chart_input_errors_name_the_place() {
        let err = chart_input_from_json("{\"chart\": {\"Bars\": {}},\n \"footnote\": }").unwrap_err();
        assert!(err.contains("line 2 column"), "{err}");
        let err = chart_input_from_json(r#"{"chart": {"Bars": {"values": [1, "2"]}}}"#).unwrap_err();
        assert_eq!(err, "Bars: `values` should be a list of numbers or nulls");
        let err = chart_input_from_json(r#"{"chart": {"Pie": {}}}"#).unwrap_err();
        assert!(err.starts_with("chart input: unknown chart kind \"Pie\""), "{err}");
        // The page blanks titles and empties intervals before painting; both read as absent.
        let (chart, footnote) =
            chart_input_from_json(r#"{"chart": {"Histogram": {"title": null, "edges": [0, 1]}}}"#).unwrap();
        assert_eq!(chart.title(), "");
        assert_eq!(footnote, Footnote::default());
    }
}
