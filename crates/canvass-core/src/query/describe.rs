//! A view in words: the line under a chart, its text alternative for screen readers,
//! a crosstab's test and the notes under its table. Only numbers the answer shows are
//! named; withheld ones are left out.

use crate::chart::text::fmt_count;
use crate::chart::{Chart, GroupedTable, Unit};
use crate::crosstab::Crosstab;
use crate::disclosure::WithheldReason;
use crate::export::ShownTable;
use crate::freq::Frequencies;

/// Keeps a label's own direction (Arabic, Hebrew) from reordering the sentence around it.
fn isolate(text: &str) -> String {
    format!("\u{2068}{text}\u{2069}")
}

/// A sentence of `text`, without doubling the question's own mark.
fn sentence(text: &str) -> String {
    if text.ends_with(['.', '?', '!', ':']) {
        text.to_string()
    } else {
        format!("{text}.")
    }
}

fn percent(value: f64) -> String {
    format!("{value:.1}%")
}

/// "n = 1,073 of 1,236; 163 no answer": who the percentages are of and who is left out.
pub fn frequency_base(freq: &Frequencies) -> String {
    let mut parts = vec![format!(
        "n = {} of {}",
        fmt_count(freq.base.n),
        fmt_count(freq.respondents as f64)
    )];
    parts.extend(
        freq.missing
            .iter()
            .map(|m| format!("{} {}", fmt_count(m.count), m.reason.label())),
    );
    // Unequal weights make the base worth fewer respondents than it counts: the
    // effective n is what its intervals rest on.
    if freq.weighted && (freq.effective_n - freq.base.n).abs() >= 0.5 {
        parts.push(format!(
            "weighted; effective n = {}",
            fmt_count(freq.effective_n.round())
        ));
    }
    parts.join("; ")
}

/// A crosstab's base line: its footnote's base and, when unequal weights make the table
/// worth fewer respondents than it counts, its effective n, as a frequency's base says.
pub fn crosstab_base(table: &Crosstab, base: &str) -> String {
    if table.weighted && (table.effective_n - table.total).abs() >= 0.5 {
        format!(
            "{base}; weighted; effective n = {}.",
            fmt_count(table.effective_n.round())
        )
    } else {
        format!("{base}.")
    }
}

fn kind_name(chart: &Chart) -> &'static str {
    match chart {
        Chart::Bars(_) => "Bar chart",
        Chart::Histogram(_) => "Histogram",
        Chart::Rank(_) => "Ranking chart",
        Chart::Diverging(_) => "Diverging bar chart",
        Chart::Grouped(_) => "Grouped bar chart",
        Chart::Stacked(_) => "100% stacked bar chart",
        Chart::Heatmap(_) => "Heatmap",
    }
}

/// The text alternative of one question's chart.
/// `text` is the question as the chart names it: a grid's or ranking's shared question,
/// not its first item's.
pub fn frequency_chart(text: &str, chart: &Chart, base_line: &str) -> String {
    format!(
        "{} of answers to: {} {base_line}. {}",
        kind_name(chart),
        isolate(&sentence(text)),
        largest(chart)
    )
}

/// The text alternative of a crosstab's chart.
pub fn crosstab_chart(chart: &Chart, row_text: &str, col_text: &str, base: &str, test: &str) -> String {
    format!(
        "{} of answers to: {row_text}, by {col_text}. {base}. {} {test}",
        kind_name(chart),
        largest(chart)
    )
}

/// The three largest values a chart shows, in words.
fn largest(chart: &Chart) -> String {
    let top = |mut shown: Vec<(String, f64, String)>, words: &str| -> String {
        shown.retain(|(_, value, _)| value.is_finite());
        if shown.is_empty() {
            return "Every value is withheld or empty.".to_string();
        }
        // Stable: equal values keep the chart's order.
        shown.sort_by(|a, b| b.1.total_cmp(&a.1));
        let named: Vec<String> = shown
            .iter()
            .take(3)
            .map(|(label, _, text)| format!("{} {text}", isolate(label)))
            .collect();
        format!("{words}: {}.", named.join("; "))
    };
    match chart {
        Chart::Bars(bars) => {
            let text = |v: f64| match bars.unit {
                Unit::Count => fmt_count(v),
                Unit::Score => format!("{v:.1}"),
                Unit::Percent => percent(v),
            };
            let shown = bars
                .categories
                .iter()
                .zip(&bars.values)
                .filter_map(|(label, value)| value.map(|v| (label.clone(), v, text(v))))
                .collect();
            top(shown, "Largest")
        }
        Chart::Rank(rank) => {
            let shown = rank
                .items
                .iter()
                .zip(&rank.borda)
                .filter_map(|(label, score)| score.map(|v| (label.clone(), v, format!("(mean score {v:.1})"))))
                .collect();
            top(shown, "Ranked highest")
        }
        Chart::Histogram(hist) => {
            let shown = hist
                .counts
                .iter()
                .enumerate()
                .filter_map(|(i, count)| {
                    let (lo, hi) = (hist.edges.get(i)?, hist.edges.get(i + 1)?);
                    count.map(|v| (format!("{lo}–{hi}"), v, format!("({} respondents)", fmt_count(v))))
                })
                .collect();
            top(shown, "Most common")
        }
        Chart::Diverging(rows) => {
            let shown =
                rows.items
                    .iter()
                    .zip(&rows.cells)
                    .flat_map(|(item, cells)| {
                        rows.levels.iter().zip(cells).filter_map(move |(level, value)| {
                            value.map(|v| (format!("{item}: {level}"), v, percent(v)))
                        })
                    })
                    .collect();
            top(shown, "Largest")
        }
        Chart::Grouped(table) | Chart::Stacked(table) | Chart::Heatmap(table) => largest_cells(table, top),
    }
}

fn largest_cells(table: &GroupedTable, top: impl Fn(Vec<(String, f64, String)>, &str) -> String) -> String {
    if !table.cells.iter().flatten().any(Option::is_some) {
        return if table.k > 0 {
            format!("All counts withheld (fewer than {} respondents).", table.k)
        } else {
            "No answers to show.".to_string()
        };
    }
    let shown = table
        .row_labels
        .iter()
        .zip(&table.cells)
        .flat_map(|(row, cells)| {
            table
                .col_labels
                .iter()
                .zip(cells)
                .filter_map(move |(col, value)| value.map(|v| (format!("{row} among {col}"), v, percent(v))))
        })
        .collect();
    top(shown, "Largest")
}

fn p_value(p: f64) -> String {
    if p < 0.001 {
        "p < 0.001".to_string()
    } else {
        format!("p = {p:.3}")
    }
}

/// The crosstab's significance test in words: the chi-square test of the whole table,
/// or Holm-adjusted tests of each answer of a multi-select.
pub fn crosstab_test(table: &Crosstab, by_text: &str) -> String {
    let by = format!("“{by_text}”");
    if let Some(chi2) = &table.chi2 {
        let stats = format!(
            "χ² = {:.1}, df = {}, {}, Cramér's V = {:.2}",
            chi2.statistic,
            chi2.df,
            p_value(chi2.p),
            chi2.cramers_v
        );
        let mut text = if chi2.p < 0.05 {
            format!("Differs by {by}: {stats}.")
        } else {
            format!("No significant difference by {by} at the 5% level: {stats}.")
        };
        if let Some(warning) = &chi2.warning {
            text.push_str(&format!(" Caution: {warning}."));
        }
        return text;
    }
    let tests = table.option_tests.as_ref().map_or(&[][..], |t| &t.tests[..]);
    let tested: Vec<_> = tests.iter().filter_map(|t| t.p_holm.map(|p| (t, p))).collect();
    if tested.is_empty() {
        return "No test is shown: with cells withheld, a test could reveal them, or too few groups have answers."
            .to_string();
    }
    let significant: Vec<String> = tested
        .iter()
        .filter(|(_, p)| *p < 0.05)
        .map(|(t, p)| format!("{} (Holm-adjusted {})", t.option, p_value(*p)))
        .collect();
    let mut text = if significant.is_empty() {
        format!("No answer differs significantly by {by} (Holm-adjusted p ≥ 0.05 for each answer tested).")
    } else {
        format!("Differs by {by} for {}.", significant.join("; "))
    };
    let untested = tests.len() - tested.len();
    if untested > 0 {
        text.push_str(&format!(
            " {untested} of {} answers are not tested: their tests would reveal withheld cells.",
            tests.len()
        ));
    }
    text
}

/// What the marks in a crosstab's table mean, when it has any.
pub fn crosstab_note(shown: &ShownTable, k: usize, reasons: &[WithheldReason]) -> Option<String> {
    let mut notes = Vec::new();
    if shown.cells.iter().flatten().any(|c| c.marked && c.value.is_some()) {
        notes.push("* differs significantly (95% level) from what the groups' totals alone would predict.".to_string());
    }
    notes.extend(withheld_note(k, reasons));
    (!notes.is_empty()).then(|| notes.join(" "))
}

/// One plain sentence on why a table's dashes are there, given each withheld count's
/// reason: a count says which side of k it lies on only where the shown numbers
/// already tell (see `disclosure::withheld_reasons`).
pub fn withheld_note(k: usize, reasons: &[WithheldReason]) -> Option<String> {
    if k == 0 || reasons.is_empty() {
        return None;
    }
    let small = reasons.iter().filter(|&&r| r == WithheldReason::Small).count();
    let protecting = reasons.iter().filter(|&&r| r == WithheldReason::Protecting).count();
    let mut note = format!(
        "– is a count withheld to protect small groups: fewer than {k} respondents (or none), or a larger count that would let such a count be worked out."
    );
    if small + protecting < reasons.len() {
        note.push_str(" Saying which would narrow it down, so the table does not.");
    } else {
        note.push_str(&format!(
            " Here {small} {} fewer than {k} and {protecting} {} others.",
            if small == 1 { "is" } else { "are" },
            if protecting == 1 { "protects" } else { "protect" }
        ));
    }
    Some(note)
}
