//! CSV of the table a view shows, for spreadsheets.
//!
//! The CSV is RFC 4180 (comma-separated, CRLF line ends, fields quoted when they hold a
//! comma, quote or line break, quotes doubled). It opens with lines that say where the
//! numbers come from (dataset, version, question, filters, base, disclosure threshold,
//! and the synthetic-data mark) so that a copied file still carries them, then a blank
//! line and the table. A withheld or zero cell is an empty field, as it is a dash on the
//! page; nothing here decides what is withheld: the tables arrive protected.
//!
//! Survey text is untrusted: a label such as `=HYPERLINK(…)` would run as a formula
//! when the file is opened in a spreadsheet, so every text field that begins with `=`,
//! `+`, `-`, `@`, a tab, a carriage return or another control character is prefixed
//! with `'`, which spreadsheets read as "this is text". Numbers are written by this
//! module and never prefixed.

use crate::chart::adapt::ItemTable;
use crate::chart::crosstab_view::is_significant;
use crate::crosstab::Crosstab;
use crate::crosstab::PercentMode;
use crate::disclosure::cell_key::MAX_PERTURBATION;
use crate::disclosure::WithheldReason;
use crate::freq::{FreqRow, Frequencies};
use serde::Serialize;

/// Where a table comes from: the lines above it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CsvHeader {
    pub dataset: Option<String>,
    pub version: Option<String>,
    /// The question's text.
    pub question: String,
    /// The text of the question the table is broken down by, if any.
    pub by: Option<String>,
    /// The filter's conditions as the page names them.
    pub filters: Vec<String>,
    /// The base in words, such as "Base: 1,236 respondents who answered".
    pub base: String,
    /// Disclosure threshold; 0 when control is off.
    pub k: usize,
    /// Counts are perturbed by the cell-key method rather than withheld.
    pub perturbed: bool,
    pub synthetic: bool,
}

/// A text field made safe for spreadsheets (see the module docs) and quoted as RFC
/// 4180 requires.
pub fn text_field(text: &str) -> String {
    let risky = text
        .chars()
        .next()
        .is_some_and(|c| matches!(c, '=' | '+' | '-' | '@') || c.is_control());
    let text = if risky { format!("'{text}") } else { text.to_string() };
    if text.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// A number as the page shows it, without thousands separators; empty for `None`.
fn number_field(value: Option<f64>, decimals: usize) -> String {
    match value {
        Some(v) if v.is_finite() => format!("{v:.decimals$}"),
        _ => String::new(),
    }
}

fn count_field(value: Option<f64>) -> String {
    // Weighted counts have fractions; respondent counts print as whole numbers.
    match value {
        Some(v) if v.fract() == 0.0 => number_field(Some(v), 0),
        other => number_field(other, 1),
    }
}

fn percent_field(value: Option<f64>) -> String {
    number_field(value, 1)
}

struct Writer {
    out: String,
}

impl Writer {
    /// One record of fields already made into CSV fields.
    fn record(&mut self, fields: &[String]) {
        self.out.push_str(&fields.join(","));
        self.out.push_str("\r\n");
    }

    fn pair(&mut self, key: &str, value: &str) {
        self.record(&[text_field(key), text_field(value)]);
    }

    fn header(header: &CsvHeader) -> Writer {
        let mut w = Writer { out: String::new() };
        w.pair("Dataset", header.dataset.as_deref().unwrap_or(""));
        w.pair("Version", header.version.as_deref().unwrap_or(""));
        w.pair("Question", &header.question);
        if let Some(by) = &header.by {
            w.pair("By", by);
        }
        let filters = if header.filters.is_empty() {
            "none".to_string()
        } else {
            header.filters.join("; ")
        };
        w.pair("Filters", &filters);
        w.pair("Base", &header.base);
        let k = if header.perturbed {
            format!(
                "none: counts are perturbed by up to {MAX_PERTURBATION} to protect small groups (the cell-key method)"
            )
        } else if header.k > 0 {
            format!(
                "{}: cells based on fewer respondents, and cells that would reveal them, are empty",
                header.k
            )
        } else {
            "0: no cells withheld".to_string()
        };
        w.pair("Disclosure threshold (k)", &k);
        if header.synthetic {
            w.pair("Synthetic data", "generated for illustration, not real responses");
        }
        w.record(&[]);
        w
    }
}

/// The frequency table as the page shows it: answer, count, percent and its 95%
/// interval.
pub fn frequencies_csv(freq: &Frequencies, header: &CsvHeader) -> String {
    let mut w = Writer::header(header);
    w.record(
        &[
            "Answer",
            "Count",
            "Percent",
            "95% interval low",
            "95% interval high",
            "Withheld",
        ]
        .map(text_field),
    );
    for row in freq.rows.iter().chain(&freq.base_rows) {
        let reason = row.withheld.map_or("", WithheldReason::as_str).to_string();
        w.record(&[vec![text_field(&row.option)], number_fields(row), vec![reason]].concat());
    }
    w.out
}

/// A frequency row's count, percent and the interval's ends, as CSV fields.
fn number_fields(row: &FreqRow) -> Vec<String> {
    vec![
        count_field(row.count),
        percent_field(row.percent),
        percent_field(row.ci.map(|c| c[0])),
        percent_field(row.ci.map(|c| c[1])),
    ]
}

/// Every item of a grid or ranking, one block of answers after another, as the page's
/// table shows them: item, answer, count, percent and its 95% interval.
pub fn items_csv(items: &[ItemTable], header: &CsvHeader) -> String {
    let mut w = Writer::header(header);
    w.record(
        &[
            "Item",
            "Answer",
            "Count",
            "Percent",
            "95% interval low",
            "95% interval high",
        ]
        .map(text_field),
    );
    for item in items {
        for row in &item.table.rows {
            w.record(
                &[
                    vec![text_field(&item.item), text_field(&row.option)],
                    number_fields(row),
                ]
                .concat(),
            );
        }
    }
    w.out
}

/// One cell of a crosstab as shown: its number (a count or a percent), that percent's
/// interval, and whether it differs significantly. `None` is withheld or zero.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShownCell {
    pub value: Option<f64>,
    pub ci: Option<[f64; 2]>,
    pub marked: bool,
    /// Why the cell's count is withheld; absent when it is shown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub withheld: Option<WithheldReason>,
}

/// A crosstab as the page's table and the CSV show it in one percent mode: the page
/// renders exactly these numbers, so the two cannot disagree.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShownTable {
    /// "count" or "percent".
    pub unit: &'static str,
    /// What the numbers are, such as "Percent of each column".
    pub heading: &'static str,
    pub row_labels: Vec<String>,
    pub col_labels: Vec<String>,
    pub cells: Vec<Vec<ShownCell>>,
    /// Each row's total: its count, or its share of the table (100 across a row of row
    /// percents).
    pub row_margins: Vec<Option<f64>>,
    pub col_margins: Vec<Option<f64>>,
    pub corner: f64,
    /// The disclosure threshold the table obeys, which a withheld cell's reason names.
    pub k: usize,
}

/// Which number each cell and margin of `table` shows in `percent` mode.
pub fn shown_crosstab(table: &Crosstab, percent: PercentMode) -> ShownTable {
    let t = table;
    let cells = (0..t.row_labels.len())
        .map(|r| {
            (0..t.col_labels.len())
                .map(|c| {
                    let s = &t.cells[r][c];
                    let (value, ci) = match percent {
                        PercentMode::Counts => (t.counts[r][c], None),
                        PercentMode::Row => (s.row_percent, s.row_ci),
                        PercentMode::Column => (s.col_percent, s.col_ci),
                        PercentMode::Total => (s.total_percent, s.total_ci),
                    };
                    ShownCell {
                        value,
                        ci,
                        marked: is_significant(s),
                        withheld: s.withheld,
                    }
                })
                .collect()
        })
        .collect();
    let row_margins = (0..t.row_labels.len())
        .map(|r| match percent {
            PercentMode::Counts => t.row_totals[r],
            PercentMode::Row => t.row_totals[r].map(|_| 100.0),
            PercentMode::Column | PercentMode::Total => t.row_percent_of_total[r],
        })
        .collect();
    let col_margins = (0..t.col_labels.len())
        .map(|c| match percent {
            PercentMode::Counts => t.col_totals[c],
            PercentMode::Column => t.col_totals[c].map(|_| 100.0),
            PercentMode::Row | PercentMode::Total => t.col_percent_of_total[c],
        })
        .collect();
    ShownTable {
        unit: if percent == PercentMode::Counts {
            "count"
        } else {
            "percent"
        },
        heading: match percent {
            PercentMode::Counts => "Counts",
            PercentMode::Row => "Percent of each row",
            PercentMode::Column => "Percent of each column",
            PercentMode::Total => "Percent of the table",
        },
        row_labels: t.row_labels.clone(),
        col_labels: t.col_labels.clone(),
        cells,
        row_margins,
        col_margins,
        corner: if percent == PercentMode::Counts { t.total } else { 100.0 },
        k: t.k,
    }
}

/// The crosstab as the page shows it in `percent` mode: a row per answer of the row
/// question, a column per answer of the other and a total of each; with `intervals`,
/// each group's column is followed by its interval's ends. Marked cells are not
/// flagged in the CSV: a mark in a number field would stop it being a number.
pub fn crosstab_csv(table: &Crosstab, percent: PercentMode, intervals: bool, header: &CsvHeader) -> String {
    let shown = shown_crosstab(table, percent);
    let value = |v: Option<f64>| match percent {
        PercentMode::Counts => count_field(v),
        _ => percent_field(v),
    };
    let with_ci = intervals && percent != PercentMode::Counts;
    let mut w = Writer::header(header);
    let mut heading = vec![text_field(shown.heading)];
    for label in &shown.col_labels {
        heading.push(text_field(label));
        if with_ci {
            heading.push(text_field(&format!("{label} 95% low")));
            heading.push(text_field(&format!("{label} 95% high")));
        }
    }
    heading.push(text_field("Total"));
    w.record(&heading);
    for (row, label) in shown.row_labels.iter().enumerate() {
        let mut fields = vec![text_field(label)];
        for cell in &shown.cells[row] {
            fields.push(value(cell.value));
            if with_ci {
                fields.push(percent_field(cell.ci.map(|c| c[0])));
                fields.push(percent_field(cell.ci.map(|c| c[1])));
            }
        }
        fields.push(value(shown.row_margins[row]));
        w.record(&fields);
    }
    let mut totals = vec![text_field("Total")];
    for margin in &shown.col_margins {
        totals.push(value(*margin));
        if with_ci {
            totals.extend([String::new(), String::new()]);
        }
    }
    totals.push(value(Some(shown.corner)));
    w.record(&totals);
    w.out
}

/// A text field for the tidy CSV: as `text_field`, and quoted when it holds a `#`, so
/// that a reader told `#` starts a comment (pandas' `comment='#'`) keeps it.
fn tidy_text(text: &str) -> String {
    let field = text_field(text);
    if field.contains('#') && !field.starts_with('"') {
        format!("\"{field}\"")
    } else {
        field
    }
}

/// One number of a view in the tidy CSV.
struct TidyRow<'a> {
    item: &'a str,
    answer: &'a str,
    group: &'a str,
    count: Option<f64>,
    percent: Option<f64>,
    ci: Option<[f64; 2]>,
    withheld: Option<WithheldReason>,
}

/// The tidy CSV: its header line first, then one record a number, then where the
/// numbers come from as `#` comment lines at the end, so that `pandas.read_csv(path,
/// comment="#")` or R's `read.csv(path, comment.char="#")` reads it as it is.
fn tidy_csv(header: &CsvHeader, percent_of: &str, rows: &[TidyRow]) -> String {
    let mut w = Writer { out: String::new() };
    w.record(
        &[
            "question",
            "item",
            "answer",
            "group",
            "count",
            "percent",
            "ci_low",
            "ci_high",
            "withheld",
            "withheld_reason",
        ]
        .map(text_field),
    );
    for row in rows {
        w.record(&[
            tidy_text(&header.question),
            tidy_text(row.item),
            tidy_text(row.answer),
            tidy_text(row.group),
            count_field(row.count),
            percent_field(row.percent),
            percent_field(row.ci.map(|c| c[0])),
            percent_field(row.ci.map(|c| c[1])),
            if row.count.is_none() { "true" } else { "false" }.to_string(),
            row.withheld.map_or("", WithheldReason::as_str).to_string(),
        ]);
    }
    // The same lines as the other CSV opens with, each a comment.
    let mut meta = Writer::header(header).out;
    meta.push_str(&format!("Percent,{}\r\n", text_field(percent_of)));
    // Each line is `key,value`; the keys hold no comma.
    for line in meta.split("\r\n").filter(|l| !l.is_empty()) {
        let (key, value) = line.split_once(',').unwrap_or((line, ""));
        let value = match value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
            Some(quoted) => quoted.replace("\"\"", "\""),
            None => value.to_string(),
        };
        w.out
            .push_str(&format!("# {key}: {}\r\n", value.replace(['\r', '\n'], " ")));
    }
    w.out
}

/// A question's numbers in the tidy CSV: a row per answer (per item and answer for a
/// grid or ranking), the group column empty.
pub fn frequencies_tidy_csv(freq: &Frequencies, items: &[ItemTable], header: &CsvHeader) -> String {
    let single = [ItemTable {
        item: String::new(),
        table: freq.clone(),
    }];
    let tables = if items.is_empty() { &single[..] } else { items };
    let rows: Vec<TidyRow> = tables
        .iter()
        .flat_map(|t| {
            let base_rows = if items.is_empty() { &t.table.base_rows[..] } else { &[] };
            t.table.rows.iter().chain(base_rows).map(move |row| TidyRow {
                item: &t.item,
                answer: &row.option,
                group: "",
                count: row.count,
                percent: row.percent,
                ci: row.ci,
                withheld: row.withheld,
            })
        })
        .collect();
    tidy_csv(header, &format!("of the base ({})", header.base), &rows)
}

/// A crosstab's numbers in the tidy CSV: a row per cell, its count and its percent
/// (`percent` mode; a table of counts gives column percents) side by side.
pub fn crosstab_tidy_csv(table: &Crosstab, percent: PercentMode, header: &CsvHeader) -> String {
    let percent = if percent == PercentMode::Counts {
        PercentMode::Column
    } else {
        percent
    };
    let shown = shown_crosstab(table, percent);
    let mut rows = Vec::new();
    for (r, answer) in shown.row_labels.iter().enumerate() {
        for (c, group) in shown.col_labels.iter().enumerate() {
            rows.push(TidyRow {
                item: "",
                answer,
                group,
                count: table.counts[r][c],
                percent: shown.cells[r][c].value,
                ci: shown.cells[r][c].ci,
                withheld: table.cells[r][c].withheld,
            });
        }
    }
    tidy_csv(header, shown.heading, &rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crosstab::{crosstab, CrosstabSpec};
    use crate::freq::{freq_table, FreqSpec};
    use crate::load::{load, LoadOptions};
    use crate::view::TableOptions;

    #[test]
    fn every_formula_prefix_is_neutralised() {
        for risky in ["=SUM(A1)", "+1", "-2", "@cmd", "\tx", "\rx", "\u{1}x", "\u{7f}x"] {
            let field = text_field(risky);
            let unquoted = field
                .strip_prefix('"')
                .and_then(|f| f.strip_suffix('"'))
                .unwrap_or(&field);
            assert_eq!(unquoted, format!("'{risky}"), "{risky:?}");
        }
        // A carriage return inside the text also makes the field need quotes.
        assert_eq!(text_field("\rx"), "\"'\rx\"");
        for safe in ["Python", "1 to 2", "Prefer not to answer", "", "a=b", "'quoted"] {
            assert_eq!(text_field(safe), safe);
        }
    }

    #[test]
    fn fields_are_quoted_as_rfc_4180_says() {
        assert_eq!(text_field("C, C++ or Fortran"), "\"C, C++ or Fortran\"");
        assert_eq!(text_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(text_field("two\nlines"), "\"two\nlines\"");
        assert_eq!(text_field("=1,2"), "\"'=1,2\"");
    }

    fn header() -> CsvHeader {
        CsvHeader {
            dataset: Some("Test survey".into()),
            version: Some("1.0".into()),
            question: "Which language?".into(),
            by: None,
            filters: vec!["use=Daily".into()],
            base: "Base: 5 respondents who answered".into(),
            k: 0,
            perturbed: false,
            synthetic: true,
        }
    }

    #[test]
    fn frequencies_csv_has_its_header_lines_and_hand_counted_rows() {
        let csv = "lang\nPython\nPython\nPython\n=SUM(A1)\n\"C, C++\"\n";
        let d = load(csv.as_bytes(), &LoadOptions::default()).unwrap().dataset;
        let spec = FreqSpec {
            options: TableOptions::raw(),
            ..FreqSpec::new(0)
        };
        let freq = freq_table(&d, &spec).unwrap();
        let out = frequencies_csv(&freq, &header());
        let lines: Vec<&str> = out.split("\r\n").collect();
        assert_eq!(
            &lines[..8],
            [
                "Dataset,Test survey",
                "Version,1.0",
                "Question,Which language?",
                "Filters,use=Daily",
                "Base,Base: 5 respondents who answered",
                "Disclosure threshold (k),0: no cells withheld",
                "Synthetic data,\"generated for illustration, not real responses\"",
                "",
            ]
        );
        assert_eq!(
            lines[8],
            "Answer,Count,Percent,95% interval low,95% interval high,Withheld"
        );
        // 3 of 5 are Python (60%), 1 of 5 each of the others (20%).
        assert!(lines[9].starts_with("Python,3,60.0,"), "{}", lines[9]);
        let rest: Vec<&str> = lines[10..12]
            .iter()
            .map(|l| l.split(",1,20.0,").next().unwrap())
            .collect();
        assert!(rest.contains(&"'=SUM(A1)"), "{rest:?}");
        assert!(rest.contains(&"\"C, C++\""), "{rest:?}");
        assert_eq!(lines[12], "");
    }

    /// Student Yes 30 / No 10, Engineer Yes 10 / No 20, Other Yes 3 / No 17, counted by
    /// hand; at k = 5 the three Other–Yes respondents are withheld.
    fn crosstab_of_roles(k: usize) -> Crosstab {
        let mut csv = String::from("use,role\n");
        for (use_, role, n) in [
            ("Yes", "Student", 30),
            ("No", "Student", 10),
            ("Yes", "Engineer", 10),
            ("No", "Engineer", 20),
            ("Yes", "Other", 3),
            ("No", "Other", 17),
        ] {
            for _ in 0..n {
                csv.push_str(&format!("{use_},{role}\n"));
            }
        }
        let d = load(csv.as_bytes(), &LoadOptions::default()).unwrap().dataset;
        let spec = CrosstabSpec {
            options: TableOptions {
                k,
                ..TableOptions::default()
            },
            ..CrosstabSpec::new(0, 1)
        };
        crosstab(&d, &spec).unwrap()
    }

    fn table_lines(csv: &str) -> Vec<String> {
        let blank = csv.find("\r\n\r\n").unwrap();
        csv[blank + 4..]
            .split("\r\n")
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn crosstab_csv_counts_and_percents_match_hand_counts() {
        let table = crosstab_of_roles(0);
        let h = CsvHeader {
            by: Some("Role".into()),
            ..header()
        };
        let counts = crosstab_csv(&table, PercentMode::Counts, false, &h);
        assert!(counts.contains("\r\nBy,Role\r\n"));
        assert_eq!(
            table_lines(&counts),
            [
                "Counts,Student,Engineer,Other,Total",
                "Yes,30,10,3,43",
                "No,10,20,17,47",
                "Total,40,30,20,90"
            ]
        );
        // Column percents: 30/40, 10/30, 3/20; the row margin is each row's share of 90.
        let cols = crosstab_csv(&table, PercentMode::Column, false, &h);
        assert_eq!(
            table_lines(&cols)[1..],
            [
                "Yes,75.0,33.3,15.0,47.8",
                "No,25.0,66.7,85.0,52.2",
                "Total,100.0,100.0,100.0,100.0"
            ]
        );
        let with_ci = crosstab_csv(&table, PercentMode::Row, true, &h);
        let lines = table_lines(&with_ci);
        assert_eq!(
            lines[0],
            "Percent of each row,Student,Student 95% low,Student 95% high,Engineer,Engineer 95% low,\
             Engineer 95% high,Other,Other 95% low,Other 95% high,Total"
        );
        // 30 of the 43 Yes are students: 69.8%.
        assert!(lines[1].starts_with("Yes,69.8,"), "{}", lines[1]);
    }

    #[test]
    fn withheld_cells_are_empty_fields() {
        let table = crosstab_of_roles(5);
        assert_eq!(table.counts[0][2], None, "Other–Yes is below k");
        let out = crosstab_csv(&table, PercentMode::Counts, false, &CsvHeader { k: 5, ..header() });
        assert!(out.contains("Disclosure threshold (k),\"5: cells based on fewer respondents"));
        let lines = table_lines(&out);
        for (row, line) in lines[1..3].iter().enumerate() {
            let fields: Vec<&str> = line.split(',').collect();
            for col in 0..3 {
                assert_eq!(fields[1 + col].is_empty(), table.counts[row][col].is_none(), "{line}");
            }
        }
        assert_eq!(lines[1].split(',').nth(3), Some(""));
        // The tidy CSV says why each empty cell is empty, and nothing of shown ones.
        let tidy = crosstab_tidy_csv(&table, PercentMode::Counts, &CsvHeader { k: 5, ..header() });
        let records: Vec<&str> = tidy.lines().skip(1).filter(|l| !l.starts_with('#')).collect();
        assert_eq!(records.len(), 6, "{tidy}");
        for record in records {
            let withheld = record.contains(",true,");
            let reason = record.rsplit(',').next().unwrap();
            assert_eq!(
                withheld,
                ["small", "protecting", "small_or_protecting"].contains(&reason),
                "{record}"
            );
            assert_eq!(!withheld, reason.is_empty(), "{record}");
        }
    }
}
