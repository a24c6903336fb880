//! The one way any view is answered: a [`ViewRequest`] in, a [`ViewAnswer`] out.
//!
//! The page, its workers and the command line all call [`answer`] and show what it
//! returns without changing it: the protected table, the chart input with its complete
//! title and footnote, the text that describes the chart, the table's notes and, when
//! asked, the CSV. What a view withholds is decided once, by the statistics under
//! disclosure control; this module only resolves names, picks the chart and words it.
//!
//! Invariant: every number in an answer comes from the protected table of the request;
//! nothing here counts respondents.

mod describe;
mod request;

pub use request::{Release, ViewRequest};

use crate::chart::adapt::{chart_for_view_items, rank_note, ChartError, ItemTable};
use crate::chart::crosstab_view::{chart_for_crosstab_view, reordered, row_order};
use crate::chart::input::{order_by_value, BarOrder};
use crate::chart::{Chart, Footnote};
use crate::crosstab::{Crosstab, CrosstabSpec};
use crate::dataset::{Column, Dataset};
use crate::disclosure::cell_key::{seed_from_secret, MAX_PERTURBATION};
use crate::disclosure::{WithheldReason, DEFAULT_K};
use crate::error::StatsError;
use crate::export::{
    crosstab_csv, crosstab_tidy_csv, frequencies_csv, frequencies_tidy_csv, items_csv, shown_crosstab, CsvHeader,
    ShownTable,
};
use crate::filter::Filter;
use crate::freq::{FreqSpec, Frequencies};
use crate::numeric::{numeric_summary, NumericSummary};
use crate::view::TableOptions;
use serde::Serialize;

/// The table a view shows: one question's frequencies (with the summary of a number),
/// or a crosstab with the numbers its table shows in the chosen percent mode.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum AnswerTable {
    Frequencies {
        table: Frequencies,
        #[serde(skip_serializing_if = "Option::is_none")]
        summary: Option<NumericSummary>,
    },
    Crosstab {
        crosstab: Crosstab,
        shown: ShownTable,
    },
}

/// What the chart painter draws: the chart and the sentences under it.
#[derive(Debug, Clone, Serialize)]
pub struct ChartInput {
    pub chart: Chart,
    pub footnote: Footnote,
}

/// One condition of the filter, as written and in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FilterText {
    pub expr: String,
    pub text: String,
}

/// A view answered: everything the page or the CLI shows of it.
#[derive(Debug, Clone, Serialize)]
pub struct ViewAnswer {
    #[serde(flatten)]
    pub table: AnswerTable,
    /// A grid's or ranking's items, each with its table, in the chart's order; empty
    /// for a question drawn alone and for a crosstab.
    pub items: Vec<ItemTable>,
    /// The positions of the table's answer rows in the order its chart draws them
    /// (largest first for a nominal question, scale order for a scale), so that a
    /// table beside the chart can follow it: a frequency table's bars, a crosstab's
    /// rows (its shown table and CSVs are in this order already); empty for any other
    /// chart.
    pub row_order: Vec<usize>,
    pub chart: ChartInput,
    /// The chart's text alternative: its kind, question, base and largest values.
    pub description: String,
    /// The line under the chart: the base and what it leaves out.
    pub base_line: String,
    /// A crosstab's significance test in words.
    pub test: Option<String>,
    /// What the marks in a crosstab's table mean.
    pub table_note: Option<String>,
    pub filters: Vec<FilterText>,
    /// Respondents in the filtered view.
    pub respondents: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub csv: Option<String>,
    /// With `csv`: the same numbers in long form, one record a number with its header
    /// line first and the lines saying where they come from as `#` comments at the end.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tidy_csv: Option<String>,
}

/// Answers `request` over `dataset`.
pub fn answer(dataset: &Dataset, request: &ViewRequest) -> Result<ViewAnswer, ChartError> {
    let find = |name: &str| {
        dataset
            .find(name)
            .ok_or_else(|| StatsError::NoSuchQuestion(name.to_string()))
    };
    let question_idx = find(&request.question)?;
    let options = TableOptions {
        filter: Filter::parse(dataset, &request.filters)?,
        weight_idx: request.weight.as_deref().map(find).transpose()?,
        k: request.k.unwrap_or(DEFAULT_K),
        cell_key: request.cell_key_secret.as_deref().map(seed_from_secret),
    };
    let filters = request
        .filters
        .iter()
        .zip(&options.filter.conditions)
        .map(|(expr, condition)| FilterText {
            expr: expr.clone(),
            text: condition.in_words(dataset),
        })
        .collect();
    let mut answer = match &request.by {
        None => frequencies_answer(dataset, request, question_idx, options)?,
        Some(by) => crosstab_answer(dataset, request, question_idx, find(by)?, options)?,
    };
    answer.filters = filters;
    if !request.intervals {
        answer.chart.chart = answer.chart.chart.without_intervals();
    }
    if request.card {
        answer.chart.chart.set_title(String::new());
        answer.chart.footnote = Footnote {
            notes: std::mem::take(&mut answer.chart.footnote.notes),
            ..Footnote::default()
        };
    }
    Ok(answer)
}

fn frequencies_answer(
    dataset: &Dataset,
    request: &ViewRequest,
    question_idx: usize,
    options: TableOptions,
) -> Result<ViewAnswer, ChartError> {
    let spec = FreqSpec {
        question_idx,
        base: request.base,
        percent_of: request.percent_of,
        bin_width: request.bins,
        options,
    };
    let (chart, mut footnote, table, items) = chart_for_view_items(dataset, &spec, request.chart)?;
    complete_footnote(&mut footnote, dataset, &spec.options, &request.release, "Values");
    let summary = match dataset.questions()[question_idx].column {
        // The cell-key method perturbs counts only; a mean would difference out a person.
        Column::Numeric(_) if spec.options.cell_key.is_none() => {
            Some(numeric_summary(dataset, question_idx, &spec.options)?)
        }
        _ => None,
    };
    let csvs = request.csv.then(|| {
        if items.is_empty() {
            let header = csv_header(request, &footnote, table.text.clone(), None, table.k);
            (
                frequencies_csv(&table, &header),
                frequencies_tidy_csv(&table, &items, &header),
            )
        } else {
            // The items' shared question, as the chart is titled, not the first item's.
            let header = csv_header(request, &footnote, chart.title().to_string(), None, table.k);
            (
                items_csv(&items, &header),
                frequencies_tidy_csv(&table, &items, &header),
            )
        }
    });
    let (csv, tidy_csv) = csvs.unzip();
    let base_line = describe::frequency_base(&table);
    let row_order = match &chart {
        Chart::Bars(series) => match series.order {
            BarOrder::ByValue => order_by_value(&series.categories, &series.values),
            BarOrder::AsGiven => (0..series.categories.len()).collect(),
        },
        _ => Vec::new(),
    };
    Ok(ViewAnswer {
        row_order,
        description: describe::frequency_chart(
            if items.is_empty() { &table.text } else { chart.title() },
            &chart,
            &base_line,
        ),
        base_line,
        test: None,
        table_note: {
            let tables: Vec<&Frequencies> = if items.is_empty() {
                vec![&table]
            } else {
                items.iter().map(|i| &i.table).collect()
            };
            let reasons: Vec<WithheldReason> = tables
                .iter()
                .flat_map(|t| t.rows.iter().filter_map(|r| r.withheld))
                .collect();
            let notes: Vec<String> = [
                match &chart {
                    Chart::Rank(rank) => Some(format!("{}.", rank_note(rank.max_score))),
                    _ => None,
                },
                describe::withheld_note(table.k, &reasons),
                table.perturbed.then(perturbed_note),
            ]
            .into_iter()
            .flatten()
            .collect();
            (!notes.is_empty()).then(|| notes.join(" "))
        },
        filters: Vec::new(),
        respondents: table.respondents,
        csv,
        tidy_csv,
        table: AnswerTable::Frequencies { table, summary },
        items,
        chart: ChartInput { chart, footnote },
    })
}

fn crosstab_answer(
    dataset: &Dataset,
    request: &ViewRequest,
    row_idx: usize,
    col_idx: usize,
    options: TableOptions,
) -> Result<ViewAnswer, ChartError> {
    let spec = CrosstabSpec {
        row_bin_width: request.bins,
        col_bin_width: request.bins,
        options,
        ..CrosstabSpec::new(row_idx, col_idx)
    };
    let (chart, mut footnote, table) = chart_for_crosstab_view(dataset, &spec, request.percent, request.chart)?;
    complete_footnote(&mut footnote, dataset, &spec.options, &request.release, "Cells");
    let row_text = &dataset.questions()[row_idx].text;
    let col_text = &dataset.questions()[col_idx].text;
    // The shown table and the CSVs list the answers in the chart's order.
    let row_order = row_order(dataset.questions()[row_idx].kind, &table);
    let ordered = reordered(&table, &row_order);
    let (csv, tidy_csv) = request
        .csv
        .then(|| {
            let header = csv_header(request, &footnote, row_text.clone(), Some(col_text.clone()), table.k);
            (
                crosstab_csv(&ordered, request.percent, request.intervals, &header),
                crosstab_tidy_csv(&ordered, request.percent, &header),
            )
        })
        .unzip();
    let shown = shown_crosstab(&ordered, request.percent);
    let test = describe::crosstab_test(&table, col_text);
    Ok(ViewAnswer {
        description: describe::crosstab_chart(&chart, row_text, col_text, &footnote.base, &test),
        base_line: describe::crosstab_base(&table, &footnote.base),
        table_note: {
            let reasons: Vec<WithheldReason> = table.cells.iter().flatten().filter_map(|c| c.withheld).collect();
            let note = describe::crosstab_note(&shown, table.k, &reasons);
            match (note, table.perturbed) {
                (note, false) => note,
                (Some(note), true) => Some(format!("{note} {}", perturbed_note())),
                (None, true) => Some(perturbed_note()),
            }
        },
        test: Some(test),
        filters: Vec::new(),
        respondents: table.respondents,
        csv,
        tidy_csv,
        table: AnswerTable::Crosstab { crosstab: table, shown },
        items: Vec::new(),
        row_order,
        chart: ChartInput { chart, footnote },
    })
}

/// What a table under the cell-key method says beside it.
fn perturbed_note() -> String {
    format!(
        "Counts are perturbed by up to {MAX_PERTURBATION} to protect small groups, so parts need not add up to totals."
    )
}

/// What a view adds to a chart's own footnote: its filter and weight, what is withheld
/// (`what` names the table's numbers), and where the data came from.
fn complete_footnote(
    footnote: &mut Footnote,
    dataset: &Dataset,
    options: &TableOptions,
    release: &Release,
    what: &str,
) {
    footnote.filters = options.filter.conditions.iter().map(|c| c.in_words(dataset)).collect();
    footnote.weight = options
        .weight_idx
        .and_then(|w| dataset.question(w))
        .map(|q| q.id.clone());
    footnote.suppression = if options.cell_key.is_some() {
        Some(format!(
            "Counts are perturbed by up to {MAX_PERTURBATION} to protect small groups (the cell-key method), and percentages are computed from the perturbed counts"
        ))
    } else {
        (options.k > 0).then(|| {
            format!(
                "{what} based on fewer than {} respondents, and {} that would reveal them, are not shown",
                options.k,
                what.to_lowercase()
            )
        })
    };
    footnote.dataset = release.name.clone();
    footnote.version = release.version.clone();
    footnote.synthetic = release.synthetic;
}

fn csv_header(request: &ViewRequest, footnote: &Footnote, question: String, by: Option<String>, k: usize) -> CsvHeader {
    CsvHeader {
        dataset: request.release.name.clone(),
        version: request.release.version.clone(),
        question,
        by,
        filters: footnote.filters.clone(),
        base: footnote.base.clone(),
        k,
        perturbed: request.cell_key_secret.is_some(),
        synthetic: request.release.synthetic,
    }
}

#[cfg(test)]
mod crosstab_tests;
#[cfg(test)]
mod tests;
