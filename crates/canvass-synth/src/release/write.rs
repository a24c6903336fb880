//! Synthetic rows written back in the raw file's own layout: its header rows, its
//! column order, its cell encodings and its delimiter, in UTF-8, with the columns of
//! unreleased questions removed.
//!
//! Cells are copied rather than re-encoded wherever the raw file has an example: for
//! each question, a raw row with exactly the synthetic row's answer lends its cells
//! (so "Strongly agree", a dummy column's `1`, a number as it was written, a joined
//! multi-select with its separator, all come out as the raw file wrote them). Only
//! answers no raw row has are written fresh: a smoothed number (at the column's
//! observed decimals), a new combination of multi-select options (joined with the
//! codebook's separator or the one the raw cells use, or one marker per dummy
//! column), or a missing reason no raw row had (blank).
//!
//! A column a multi-select shares with its "other, please specify" text is never
//! copied unless that text is released: a synthetic respondent who chose "other"
//! gets the option's label there, so no typed-in answer leaks through the option.
//!
//! Files without a text layout (SPSS, Stata) are written as one-header-row TSV.

use super::encoded::{Encoded, Gap, Level, Part, Values, SELECTED};
use super::synthesize::{decimals, level_hash, number_key};
use super::write_ins::WriteIns;
use canvass_core::codebook::Codebook;
use canvass_core::dataset::{Column, Dataset, QuestionKind};
use canvass_core::Source;
use std::collections::HashMap;

/// Everything the writer needs to know about the raw file.
pub struct RawFile<'a> {
    pub dataset: &'a Dataset,
    /// `None` for SPSS and Stata files.
    pub source: Option<&'a Source>,
    pub delimiter: u8,
    pub codebook: Option<&'a Codebook>,
    /// Write-ins withheld: a raw row that gave one never lends its cells, which
    /// hold the typed words, to a synthetic row.
    pub write_ins: &'a [WriteIns],
}

/// Writes `synthetic` (encoded like `raw_enc`, variables in the same order) for the
/// questions `released`.
pub fn write(raw: &RawFile, raw_enc: &Encoded, synthetic: &Encoded, released: &[usize]) -> Vec<u8> {
    match raw.source {
        Some(source) => write_layout(raw, source, raw_enc, synthetic, released),
        None => write_plain(raw, raw_enc, synthetic, released),
    }
}

fn vars_of(enc: &Encoded, q: usize) -> Vec<usize> {
    (0..enc.variables.len())
        .filter(|&v| enc.variables[v].question_idx == q)
        .collect()
}

fn cell_key(enc: &Encoded, vars: &[usize], row: usize) -> Vec<u64> {
    vars.iter()
        .map(|&v| match &enc.variables[v].values {
            Values::Categorical { levels, codes } => level_hash(&levels[codes[row] as usize]),
            Values::Numeric { values, gaps, .. } => number_key(values[row], gaps[row]),
        })
        .collect()
}

/// A raw row per distinct answer (all of a question's variables at once), among the
/// rows that may lend their cells.
fn donors_by_key(enc: &Encoded, vars: &[usize], lends: &dyn Fn(usize) -> bool) -> HashMap<Vec<u64>, usize> {
    let mut map = HashMap::new();
    for row in (0..enc.n_rows).filter(|&r| lends(r)) {
        map.entry(cell_key(enc, vars, row)).or_insert(row);
    }
    map
}

struct Question<'a> {
    q: usize,
    vars: Vec<usize>,
    columns: &'a [usize],
    donors: HashMap<Vec<u64>, usize>,
    /// Per variable: a raw row per level (by content), for one dummy column at a time.
    by_level: Vec<HashMap<u64, usize>>,
    decimals: u32,
    decimal_comma: bool,
    separator: String,
}

fn write_layout(raw: &RawFile, source: &Source, raw_enc: &Encoded, syn: &Encoded, released: &[usize]) -> Vec<u8> {
    let ds = raw.dataset;
    let n_cols = source.header.first().map_or(0, Vec::len);
    // Which questions read each column, and whether it is released.
    let mut readers: Vec<Vec<usize>> = vec![Vec::new(); n_cols];
    for (q, cols) in source.columns.iter().enumerate() {
        for &c in cols {
            if c < n_cols {
                readers[c].push(q);
            }
        }
    }
    let kept: Vec<usize> = (0..n_cols)
        .filter(|&c| readers[c].iter().any(|q| released.contains(q)))
        .collect();
    let text_withheld = |c: usize| {
        readers[c]
            .iter()
            .any(|&q| ds.questions()[q].kind == QuestionKind::Text && !released.contains(&q))
    };
    let mut questions: Vec<Question> = Vec::new();
    for &q in released {
        let vars = vars_of(raw_enc, q);
        if vars.is_empty() {
            continue;
        }
        let columns = source.columns.get(q).map(Vec::as_slice).unwrap_or(&[]);
        let wrote_in = raw.write_ins.iter().find(|w| w.question_idx == q);
        let lends = |row: usize| wrote_in.is_none_or(|w| !w.rows[row]);
        let by_level = vars
            .iter()
            .map(|&v| {
                let mut m = HashMap::new();
                for row in (0..raw_enc.n_rows).filter(|&r| lends(r)) {
                    m.entry(cell_key(raw_enc, &[v], row)[0]).or_insert(row);
                }
                m
            })
            .collect();
        let (decimals, decimal_comma) = match &raw_enc.variables[vars[0]].values {
            Values::Numeric { values, gaps, .. } => {
                let observed: Vec<f64> = values
                    .iter()
                    .zip(gaps)
                    .filter(|(_, g)| g.is_none())
                    .map(|(&x, _)| x)
                    .collect();
                let comma = columns.first().is_some_and(|&c| {
                    source.rows.iter().any(|r| {
                        let cell = r[c].trim();
                        cell.contains(',') && !cell.contains('.') && cell.chars().any(|ch| ch.is_ascii_digit())
                    })
                });
                (decimals(&observed), comma)
            }
            _ => (0, false),
        };
        questions.push(Question {
            q,
            donors: donors_by_key(raw_enc, &vars, &lends),
            by_level,
            vars,
            columns,
            decimals,
            decimal_comma,
            separator: separator_of(raw, source, q),
        });
    }
    let mut out = String::new();
    let delim = raw.delimiter as char;
    for record in &source.header {
        let cells: Vec<&str> = kept.iter().map(|&c| record.get(c).map_or("", String::as_str)).collect();
        push_record(&mut out, &cells, delim);
    }
    let mut row_cells: Vec<String> = vec![String::new(); n_cols];
    for row in 0..syn.n_rows {
        for c in &kept {
            row_cells[*c].clear();
        }
        for question in &questions {
            let key = cell_key(syn, &question.vars, row);
            let q_kind = ds.questions()[question.q].kind;
            if let Some(&donor) = question.donors.get(&key) {
                for &c in question.columns {
                    row_cells[c] = source.rows[donor][c].clone();
                }
            } else {
                fresh_cells(raw, source, question, syn, row, &mut row_cells);
            }
            // Keep typed-in "other" answers out of an option's column.
            if q_kind == QuestionKind::Multi {
                for (i, &c) in question.columns.iter().enumerate() {
                    if question.columns.len() > 1 && text_withheld(c) {
                        let selected = question
                            .vars
                            .get(i)
                            .is_some_and(|&v| level_of(syn, v, row) == Level::Answer(SELECTED.into()));
                        row_cells[c] = if selected {
                            option_label(ds, question.q, i)
                        } else {
                            String::new()
                        };
                    }
                }
            }
        }
        let cells: Vec<&str> = kept.iter().map(|&c| row_cells[c].as_str()).collect();
        push_record(&mut out, &cells, delim);
    }
    out.into_bytes()
}

fn level_of(enc: &Encoded, v: usize, row: usize) -> Level {
    match &enc.variables[v].values {
        Values::Categorical { levels, codes } => levels[codes[row] as usize].clone(),
        Values::Numeric { .. } => Level::Answer(String::new()),
    }
}

fn option_label(ds: &Dataset, q: usize, i: usize) -> String {
    match &ds.questions()[q].column {
        Column::Multi(m) => m.options().get(i).cloned().unwrap_or_default(),
        _ => String::new(),
    }
}

/// Cells for an answer no raw row gave.
fn fresh_cells(raw: &RawFile, source: &Source, question: &Question, syn: &Encoded, row: usize, cells: &mut [String]) {
    let ds = raw.dataset;
    let col = &ds.questions()[question.q].column;
    match col {
        Column::Multi(m) if question.columns.len() > 1 => {
            // One dummy column per option: each copied from a raw row with that option's state.
            for (i, &c) in question.columns.iter().enumerate() {
                let Some(&v) = question.vars.get(i) else { continue };
                let key = cell_key(syn, &[v], row)[0];
                cells[c] = match question.by_level[i].get(&key) {
                    Some(&donor) => source.rows[donor][c].clone(),
                    None if level_of(syn, v, row) == Level::Answer(SELECTED.into()) => m.options()[i].clone(),
                    None => String::new(),
                };
            }
        }
        Column::Multi(m) => {
            let Some(&c) = question.columns.first() else { return };
            let first = level_of(syn, question.vars[0], row);
            cells[c] = if first.is_missing() {
                match question.by_level[0].get(&level_hash(&first)) {
                    Some(&donor) => source.rows[donor][c].clone(),
                    None => String::new(),
                }
            } else {
                let chosen: Vec<&str> = question
                    .vars
                    .iter()
                    .enumerate()
                    .filter(|&(_, &v)| level_of(syn, v, row) == Level::Answer(SELECTED.into()))
                    .map(|(i, _)| m.options()[i].as_str())
                    .collect();
                chosen.join(&question.separator)
            };
        }
        Column::Numeric(_) => {
            let Some(&c) = question.columns.first() else { return };
            let v = question.vars[0];
            let Values::Numeric { values, gaps, .. } = &syn.variables[v].values else {
                return;
            };
            cells[c] = match gaps[row] {
                None => {
                    let s = format!("{:.*}", question.decimals as usize, values[row]);
                    if question.decimal_comma {
                        s.replace('.', ",")
                    } else {
                        s
                    }
                }
                Some(g) => match question.by_level[0].get(&number_key(f64::NAN, Some(g))) {
                    Some(&donor) => source.rows[donor][c].clone(),
                    None => gap_text(g, &syn.variables[v].values),
                },
            };
        }
        _ => {
            // An answer whose every raw example held a write-in is written as its label;
            // a level added while drawing (a missing reason) blank, as skipped cells are.
            for &c in question.columns {
                cells[c] = String::new();
            }
            if let (Some(&c), Level::Answer(label)) = (question.columns.first(), level_of(syn, question.vars[0], row)) {
                cells[c] = label;
            }
        }
    }
}

fn gap_text(g: Gap, values: &Values) -> String {
    match (g, values) {
        (Gap::Coded(i), Values::Numeric { coded_labels, .. }) => {
            coded_labels.get(i as usize).cloned().unwrap_or_default()
        }
        _ => String::new(),
    }
}

/// The separator of a one-cell multi-select: the codebook's, else the text between two
/// options in a raw cell that holds several, else `;`.
fn separator_of(raw: &RawFile, source: &Source, q: usize) -> String {
    let question = &raw.dataset.questions()[q];
    if let Some(sep) = raw
        .codebook
        .and_then(|cb| cb.question(&question.id))
        .and_then(|cq| cq.separator.clone())
    {
        return sep;
    }
    let Column::Multi(m) = &question.column else {
        return ";".into();
    };
    let Some(&c) = source.columns.get(q).and_then(|cols| cols.first()) else {
        return ";".into();
    };
    for row in &source.rows {
        let cell = &row[c];
        for a in m.options() {
            if let Some(rest) = cell.strip_prefix(a.as_str()) {
                for b in m.options() {
                    if b != a {
                        if let Some(sep) = rest.strip_suffix(b.as_str()) {
                            if !sep.is_empty() && sep.len() <= 3 {
                                return sep.to_string();
                            }
                        }
                    }
                }
            }
        }
    }
    ";".into()
}

fn push_record(out: &mut String, cells: &[&str], delim: char) {
    // An empty line would be skipped as blank: a lone empty cell is written quoted.
    if cells.len() == 1 && cells[0].is_empty() {
        out.push_str("\"\"\n");
        return;
    }
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            out.push(delim);
        }
        // A quote inside a field needs quoting only where it opens the field, but CSV
        // exporters quote any field holding one; each file keeps its own convention.
        let quote_inside = delim == ',' && cell.contains('"');
        if quote_inside || cell.starts_with('"') || cell.contains([delim, '\n', '\r']) {
            out.push('"');
            out.push_str(&cell.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(cell);
        }
    }
    out.push('\n');
}

/// A one-header-row TSV of the released questions, for files with no text layout.
fn write_plain(raw: &RawFile, _raw_enc: &Encoded, syn: &Encoded, released: &[usize]) -> Vec<u8> {
    let ds = raw.dataset;
    let mut out = String::new();
    let header: Vec<&str> = released.iter().map(|&q| ds.questions()[q].id.as_str()).collect();
    push_record(&mut out, &header, '\t');
    let vars: Vec<Vec<usize>> = released.iter().map(|&q| vars_of(syn, q)).collect();
    for row in 0..syn.n_rows {
        let cells: Vec<String> = vars
            .iter()
            .map(|vs| {
                let mut selected = Vec::new();
                for &v in vs {
                    let var = &syn.variables[v];
                    match (&var.values, var.part) {
                        (Values::Numeric { values, gaps, .. }, _) => {
                            return match gaps[row] {
                                None => format!("{}", values[row]),
                                Some(g) => gap_text(g, &var.values),
                            }
                        }
                        (Values::Categorical { levels, codes }, Part::Whole) => {
                            return match &levels[codes[row] as usize] {
                                Level::Answer(l) => l.clone(),
                                Level::Missing(_) => String::new(),
                            }
                        }
                        (Values::Categorical { levels, codes }, Part::Option(i)) => {
                            if let Level::Answer(l) = &levels[codes[row] as usize] {
                                if l == SELECTED {
                                    selected.push(option_label(ds, var.question_idx, i));
                                }
                            }
                        }
                    }
                }
                selected.join(";")
            })
            .collect();
        let refs: Vec<&str> = cells.iter().map(String::as_str).collect();
        push_record(&mut out, &refs, '\t');
    }
    out.into_bytes()
}

/// A codebook for a release made without one, from the loaded survey's model: each
/// released single-choice, ordinal and one-column multi-select question with its
/// options in their order (and the separator its cells are written with), curated
/// free text as text, and the numbers of an SPSS or Stata file. Other numbers and
/// rankings are left to the loader's inference, which reads them as it read the raw
/// file; grid items, which a codebook cannot group, open as questions of their own. `None` when a released question spans several
/// columns (one dummy column per option): a codebook describes one column per
/// question, and with one the loader would read each dummy column on its own.
pub fn model_codebook(raw: &RawFile, released: &[usize], title: &str) -> Option<Vec<u8>> {
    use serde_json::{json, Value};
    let ds = raw.dataset;
    let header_id = |q: usize| -> Option<&str> {
        match raw.source {
            Some(source) => match source.columns.get(q).map(Vec::as_slice) {
                Some(&[c]) => source.header.first().and_then(|h| h.get(c)).map(String::as_str),
                _ => None,
            },
            // `write_plain` heads each column with its question's id.
            None => Some(ds.questions()[q].id.as_str()),
        }
    };
    let mut questions: Vec<Value> = Vec::new();
    for &q in released {
        let question = &ds.questions()[q];
        if header_id(q) != Some(question.id.as_str()) {
            return None;
        }
        let (kind, options, separator) = match (&question.column, question.kind) {
            (Column::Categorical(c), QuestionKind::Single) => ("single", c.levels().to_vec(), None),
            (Column::Categorical(c), QuestionKind::Ordinal) => ("ordinal", c.levels().to_vec(), None),
            (Column::Multi(m), QuestionKind::Multi) => {
                let separator = match raw.source {
                    Some(source) => separator_of(raw, source, q),
                    None => ";".to_string(),
                };
                // A codebook cannot name a separator that holds the delimiter (a quoted
                // "Python, R" in a CSV): the loader's inference reads those as before.
                if separator.is_empty() || separator.contains(raw.delimiter as char) {
                    continue;
                }
                ("multi", m.options().to_vec(), Some(separator))
            }
            (Column::Text(_), QuestionKind::Text) => ("text", Vec::new(), None),
            // `write_plain` writes numbers with a decimal point and no top codes, so the
            // kind is all a codebook needs to keep a number (an SPSS id, say) a number.
            (Column::Numeric(n), QuestionKind::Numeric) if raw.source.is_none() && n.coded_labels().is_empty() => {
                ("numeric", Vec::new(), None)
            }
            _ => continue,
        };
        let mut entry = json!({
            "id": question.id,
            "text": question.text,
            "kind": kind,
            "section": "",
        });
        if !options.is_empty() {
            entry["options"] = json!(options);
        }
        if let Some(sep) = separator {
            entry["separator"] = json!(sep);
        }
        if kind == "numeric" {
            entry["numeric"] = json!({});
        }
        questions.push(entry);
    }
    if questions.is_empty() {
        return None;
    }
    let header_rows = raw.source.map_or(1, |s| s.header.len());
    let delimiter = if raw.source.is_some() {
        raw.delimiter as char
    } else {
        '\t'
    };
    let v = json!({
        "format": "canvass-codebook/1",
        "title": title,
        "description": "Written from the survey as loaded, for a release made without a codebook.",
        "layout": { "delimiter": delimiter.to_string(), "header_rows": header_rows, "encoding": "utf-8" },
        "questions": questions,
    });
    let mut s = serde_json::to_string_pretty(&v).expect("JSON values serialise");
    s.push('\n');
    // Whatever the codebook reader would refuse is left to inference rather than failing
    // the release.
    canvass_core::codebook::parse_codebook(s.as_bytes()).ok()?;
    Some(s.into_bytes())
}
