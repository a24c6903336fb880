//! The chart of a crosstab view: one question broken down by another, over a filter,
//! weight and disclosure threshold, drawn from the protected table and nothing else.
//!
//! [`chart_for_crosstab_view`] asks `crosstab` for the table (which decides every
//! withheld cell through `view::protect_table`) and reshapes it into a
//! [`GroupedTable`]; the page, the CLI and the exports all start here, so they show the
//! same numbers and the same gaps. It does not count, test or suppress anything itself:
//! a cell withheld in the table is `None` in the chart, and a cell is marked significant
//! only when the table shows its adjusted residual.
//!
//! Grouped bars tell their groups apart by colour alone, and the Okabe–Ito palette has
//! seven colours that stay distinct under colour-vision deficiency. A view that asks
//! for no kind in particular therefore gets grouped bars up to seven groups and a
//! heatmap beyond: a heatmap names every group in its header and every answer beside
//! its row, so it needs no colour to say which cell is which, and its sequential scale
//! only encodes the value. A view that asks for grouped bars with more groups gets
//! them, with every bar named (see `grouped.rs`).

use super::adapt::{ChartError, ChartKind};
use super::input::{order_by_value, Chart, Footnote, GroupedTable};
use super::style::OKABE_ITO;
use super::text::fmt_count;
use crate::crosstab::PercentMode;
use crate::crosstab::{crosstab, CellStats, Crosstab, CrosstabSpec};
use crate::dataset::{Dataset, QuestionKind};

/// Adjusted residuals beyond this mark a cell that differs at the 5% level.
const Z_95: f64 = 1.959_963_984_540_054;

/// The protected crosstab `spec` describes (its row question's answers by its column
/// question's), with its chart and the footnote's base and notes. `percent` picks what
/// the chart draws: `Row` the share of each row answer falling in each column group
/// (the table transposed), every other mode column percentages, the share of each
/// column group giving each answer. `kind` is grouped, stacked or heatmap; `None` is
/// grouped up to seven groups, a heatmap beyond.
pub fn chart_for_crosstab_view(
    dataset: &Dataset,
    spec: &CrosstabSpec,
    percent: PercentMode,
    kind: Option<ChartKind>,
) -> Result<(Chart, Footnote, Crosstab), ChartError> {
    if let Some(kind) = kind {
        if !matches!(kind, ChartKind::Grouped | ChartKind::Stacked | ChartKind::Heatmap) {
            return Err(ChartError::OneQuestionKind(kind.name()));
        }
    }
    let table = crosstab(dataset, spec)?;
    let row_q = &dataset.questions()[spec.row_idx];
    let col_q = &dataset.questions()[spec.col_idx];
    // Drawn in the order of the row question's own bar chart; the table returned keeps
    // the statistic's (codebook) order, as a frequency table does.
    let ordered = reordered(&table, &row_order(row_q.kind, &table));
    let grouped = match percent {
        PercentMode::Row => GroupedTable {
            title: col_q.text.clone(),
            col_title: row_q.text.clone(),
            row_labels: ordered.col_labels.clone(),
            col_labels: ordered.row_labels.clone(),
            cells: transpose(&ordered.cells, |c| c.row_percent),
            significant: transpose(&ordered.cells, is_significant),
            col_bases: ordered.row_totals.clone(),
            intervals: transpose(&ordered.cells, |c| c.row_ci),
            k: ordered.k,
        },
        _ => GroupedTable {
            title: row_q.text.clone(),
            col_title: col_q.text.clone(),
            row_labels: ordered.row_labels.clone(),
            col_labels: ordered.col_labels.clone(),
            cells: map_cells(&ordered.cells, |c| c.col_percent),
            significant: map_cells(&ordered.cells, is_significant),
            col_bases: ordered.col_totals.clone(),
            intervals: map_cells(&ordered.cells, |c| c.col_ci),
            k: ordered.k,
        },
    };
    let kind = kind.unwrap_or(if grouped.col_labels.len() > OKABE_ITO.len() {
        ChartKind::Heatmap
    } else {
        ChartKind::Grouped
    });
    let chart = match kind {
        ChartKind::Stacked => Chart::Stacked(grouped),
        ChartKind::Heatmap => Chart::Heatmap(grouped),
        _ => Chart::Grouped(grouped),
    };
    let footnote = crosstab_footnote(&table);
    Ok((chart, footnote, table))
}

/// The positions of `table`'s rows in the order its chart, shown table and CSV list
/// them: a nominal question's answers (single choice, multi-select) as its own bar
/// chart draws them, largest shown total first with "Other" and non-answers last; a
/// scale's or a number's bins in their own order. Only shown totals order the rows.
pub fn row_order(row_kind: QuestionKind, table: &Crosstab) -> Vec<usize> {
    match row_kind {
        QuestionKind::Single | QuestionKind::Multi => order_by_value(&table.row_labels, &table.row_totals),
        _ => (0..table.row_labels.len()).collect(),
    }
}

/// `table` with its rows in `order`, every number staying with its row.
pub fn reordered(table: &Crosstab, order: &[usize]) -> Crosstab {
    fn permute<T: Clone>(rows: &[T], order: &[usize]) -> Vec<T> {
        if rows.len() == order.len() {
            order.iter().map(|&i| rows[i].clone()).collect()
        } else {
            rows.to_vec()
        }
    }
    Crosstab {
        row_labels: permute(&table.row_labels, order),
        counts: permute(&table.counts, order),
        row_totals: permute(&table.row_totals, order),
        cells: permute(&table.cells, order),
        row_percent_of_total: permute(&table.row_percent_of_total, order),
        ..table.clone()
    }
}

/// A cell is marked only when its residual is shown; a withheld residual marks nothing.
pub fn is_significant(cell: &CellStats) -> bool {
    cell.residual.is_some_and(|z| z.abs() > Z_95)
}

fn map_cells<T>(cells: &[Vec<CellStats>], f: impl Fn(&CellStats) -> T) -> Vec<Vec<T>> {
    cells.iter().map(|row| row.iter().map(&f).collect()).collect()
}

fn transpose<T>(cells: &[Vec<CellStats>], f: impl Fn(&CellStats) -> T) -> Vec<Vec<T>> {
    let n_cols = cells.first().map_or(0, Vec::len);
    (0..n_cols)
        .map(|c| cells.iter().map(|row| f(&row[c])).collect())
        .collect()
}

/// The footnote of a crosstab: who is counted and the tests' caveats. The view adds
/// its filter, weight, suppression and release (see `query`).
pub fn crosstab_footnote(table: &Crosstab) -> Footnote {
    let mut notes = Vec::new();
    if table.row_multi || table.col_multi {
        notes
            .push("Respondents could choose more than one answer, so they may be counted in several cells".to_string());
    }
    if let Some(warning) = table.chi2.as_ref().and_then(|c| c.warning.as_ref()) {
        notes.push(capitalised(warning));
    }
    Footnote {
        base: format!(
            "Base: {} respondents who answered both questions",
            fmt_count(table.total)
        ),
        notes,
        ..Footnote::default()
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
