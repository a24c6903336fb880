//! Turning the bytes of a survey export into a [`Dataset`].
//!
//! The entry point is [`load`]: bytes and options in, a dataset plus warnings out.
//! Messy rows (a missing field, an extra one) are warnings with their line number;
//! only input that cannot be a table is an error. This module never reads files:
//! the CLI reads them and the page hands over the bytes of a fetch or a dropped file.

use crate::dataset::{
    Categorical, CategoricalCell, Column, Dataset, InvariantError, Missing, Numeric, NumericCell, Question,
    QuestionKind, Text, MAX_LEVELS,
};
use serde::Serialize;
use std::collections::HashMap;
use std::fmt;

/// How to read the bytes. Every field has a sensible default.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Field separator; sniffed from the header line when `None`.
    pub delimiter: Option<u8>,
}

/// Something odd but recoverable, tied to the 1-based line it was found on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    pub line: u64,
    pub message: String,
}

/// A successful load: the data and everything worth telling the user about it.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub dataset: Dataset,
    pub warnings: Vec<Warning>,
    pub encoding: &'static str,
    pub delimiter: u8,
    pub header_rows: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadError {
    Empty,
    HeaderOnly,
    NotText { offset: usize },
    Csv { line: u64, message: String },
    TooManyLevels { question: String, levels: usize },
    Internal(String),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Empty => write!(f, "the file is empty: export the survey responses again and choose a CSV or TSV file"),
            LoadError::HeaderOnly => write!(f, "the file has a header but no responses: check that the export included the response rows"),
            LoadError::NotText { offset } => write!(
                f,
                "byte {offset}: this is not UTF-8 text; export the responses as CSV or TSV in UTF-8"
            ),
            LoadError::Csv { line, message } => write!(f, "line {line}: {message}"),
            LoadError::TooManyLevels { question, levels } => write!(
                f,
                "question {question:?} has {levels} distinct answers, more than the {MAX_LEVELS} a chart can hold; give it kind \"text\" in a codebook"
            ),
            LoadError::Internal(message) => write!(f, "{message}"),
        }
    }
}

impl std::error::Error for LoadError {}

impl From<InvariantError> for LoadError {
    fn from(e: InvariantError) -> Self {
        LoadError::Internal(e.to_string())
    }
}

/// Reads a delimited survey export with one header row.
pub fn load(bytes: &[u8], opts: &LoadOptions) -> Result<Loaded, LoadError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(LoadError::Empty);
    }
    if let Err(e) = std::str::from_utf8(bytes) {
        return Err(LoadError::NotText {
            offset: e.valid_up_to(),
        });
    }
    let delimiter = opts.delimiter.unwrap_or_else(|| sniff_delimiter(bytes));
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);

    let mut warnings = Vec::new();
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => return Err(csv_error(&e)),
        None => return Err(LoadError::Empty),
    };
    let n_cols = header.len();
    let mut cells: Vec<Vec<String>> = vec![Vec::new(); n_cols];
    let mut n_rows = 0usize;
    for record in records {
        let record = record.map_err(|e| csv_error(&e))?;
        let line = record.position().map_or(0, |p| p.line());
        if record.len() == 1 && record[0].trim().is_empty() {
            continue;
        }
        if record.len() != n_cols {
            warnings.push(Warning {
                line,
                message: format!(
                    "expected {n_cols} fields, found {}; {}",
                    record.len(),
                    if record.len() < n_cols {
                        "the missing ones are read as no answer"
                    } else {
                        "the extra ones are ignored"
                    }
                ),
            });
        }
        for (col_idx, column) in cells.iter_mut().enumerate() {
            column.push(record.get(col_idx).unwrap_or("").to_string());
        }
        n_rows += 1;
    }
    if n_rows == 0 {
        return Err(LoadError::HeaderOnly);
    }

    let mut seen_ids: HashMap<String, usize> = HashMap::new();
    let mut questions = Vec::with_capacity(n_cols);
    for (col_idx, column) in cells.iter().enumerate() {
        let text = header[col_idx].trim().to_string();
        let base_id = if text.is_empty() {
            format!("column_{}", col_idx + 1)
        } else {
            text.clone()
        };
        let seen = seen_ids.entry(base_id.clone()).or_insert(0);
        *seen += 1;
        let id = if *seen == 1 {
            base_id
        } else {
            format!("{base_id} ({seen})")
        };
        let (kind, column) = infer_column(&id, column)?;
        questions.push(Question {
            text: if text.is_empty() { id.clone() } else { text },
            id,
            kind,
            group: None,
            column,
        });
    }
    Ok(Loaded {
        dataset: Dataset::new(n_rows, questions)?,
        warnings,
        encoding: "utf-8",
        delimiter,
        header_rows: 1,
    })
}

fn csv_error(e: &csv::Error) -> LoadError {
    let line = e.position().map_or(0, |p| p.line());
    LoadError::Csv {
        line,
        message: format!("{e}; check the quoting of this record"),
    }
}

/// Picks the candidate that splits the first line into the most fields.
fn sniff_delimiter(bytes: &[u8]) -> u8 {
    let first_line = bytes.split(|&b| b == b'\n').next().unwrap_or(bytes);
    [b',', b'\t', b';', b'|']
        .into_iter()
        .max_by_key(|&d| (first_line.iter().filter(|&&b| b == d).count(), d == b','))
        .unwrap_or(b',')
}

const IDENTIFYING_HEADERS: [&str; 8] = [
    "responseid",
    "response id",
    "respondent id",
    "email",
    "e-mail",
    "ipaddress",
    "ip address",
    "name",
];

/// Decides a column's kind from its header and cells and encodes it.
fn infer_column(id: &str, cells: &[String]) -> Result<(QuestionKind, Column), LoadError> {
    let lower = id.to_lowercase();
    if IDENTIFYING_HEADERS.contains(&lower.as_str()) {
        return Ok((
            QuestionKind::Identifier,
            Column::Text(Text::from_cells(cells.iter().map(String::as_str))),
        ));
    }
    let answered: Vec<&str> = cells.iter().map(|c| c.trim()).filter(|c| !c.is_empty()).collect();
    if !answered.is_empty() && answered.iter().all(|c| c.parse::<f64>().is_ok_and(f64::is_finite)) {
        let numeric = Numeric::new(
            cells
                .iter()
                .map(|c| match c.trim().parse::<f64>() {
                    Ok(v) => NumericCell::Value(v),
                    Err(_) => NumericCell::Missing(Missing::NoAnswer),
                })
                .collect(),
            Vec::new(),
        )?;
        return Ok((QuestionKind::Numeric, Column::Numeric(numeric)));
    }
    // Levels in order of first appearance: stable, and the codebook can reorder them.
    let mut level_of: HashMap<&str, u16> = HashMap::new();
    let mut levels: Vec<String> = Vec::new();
    let mut codes = Vec::with_capacity(cells.len());
    for cell in cells {
        let value = cell.trim();
        let code = if value.is_empty() {
            Categorical::code_for(CategoricalCell::Missing(Missing::NoAnswer))
        } else if let Some(&code) = level_of.get(value) {
            code
        } else {
            if levels.len() >= MAX_LEVELS {
                return Err(LoadError::TooManyLevels {
                    question: id.to_string(),
                    levels: levels.len() + 1,
                });
            }
            let code = levels.len() as u16;
            level_of.insert(value, code);
            levels.push(value.to_string());
            code
        };
        codes.push(code);
    }
    // Mostly-unique answers are free text, not categories.
    let looks_like_text = levels.len() > 30 && levels.len() * 2 > answered.len();
    if looks_like_text {
        return Ok((
            QuestionKind::Text,
            Column::Text(Text::from_cells(cells.iter().map(String::as_str))),
        ));
    }
    Ok((
        QuestionKind::Single,
        Column::Categorical(Categorical::new(levels, codes)?),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_str(s: &str) -> Result<Loaded, LoadError> {
        load(s.as_bytes(), &LoadOptions::default())
    }

    #[test]
    fn sniffs_tabs_and_types_columns() {
        let loaded = load_str("id\tlang\tage\n1\tPython\t30\n2\tRust\t\n3\tPython\t41\n").unwrap();
        assert_eq!(loaded.delimiter, b'\t');
        let kinds: Vec<_> = loaded.dataset.questions().iter().map(|q| q.kind).collect();
        assert_eq!(
            kinds,
            [QuestionKind::Numeric, QuestionKind::Single, QuestionKind::Numeric]
        );
        let Column::Categorical(lang) = &loaded.dataset.questions()[1].column else {
            panic!()
        };
        assert_eq!(lang.levels(), ["Python", "Rust"]);
        assert_eq!(loaded.dataset.questions()[2].answered(), 2);
    }

    #[test]
    fn ragged_rows_are_warnings_with_line_numbers() {
        let loaded = load_str("a,b\nx,y\nx\nx,y,z\n").unwrap();
        assert_eq!(loaded.dataset.n_rows(), 3);
        let lines: Vec<u64> = loaded.warnings.iter().map(|w| w.line).collect();
        assert_eq!(lines, [3, 4]);
        assert!(loaded.warnings[0].message.contains("expected 2 fields, found 1"));
    }

    #[test]
    fn unusable_input_is_an_error_naming_what_to_do() {
        assert_eq!(load_str("").unwrap_err(), LoadError::Empty);
        assert_eq!(load_str("\u{FEFF}").unwrap_err(), LoadError::Empty);
        assert_eq!(load_str("a,b\n").unwrap_err(), LoadError::HeaderOnly);
        let err = load(b"a,b\n\xff\xfe,x\n", &LoadOptions::default()).unwrap_err();
        assert_eq!(err, LoadError::NotText { offset: 4 });
        assert!(err.to_string().contains("UTF-8"));
    }

    #[test]
    fn quoted_fields_keep_delimiters_and_newlines() {
        let loaded = load_str("q,\"r, s\"\n\"a, b\",\"line\nbreak\"\n\"a, b\",x\n").unwrap();
        let q = &loaded.dataset.questions()[0];
        let Column::Categorical(c) = &q.column else { panic!() };
        assert_eq!(c.levels(), ["a, b"]);
        assert_eq!(loaded.dataset.questions()[1].id, "r, s");
    }

    #[test]
    fn duplicate_and_empty_headers_get_distinct_ids() {
        let loaded = load_str("a,a,\n1,2,3\n").unwrap();
        let ids: Vec<&str> = loaded.dataset.questions().iter().map(|q| q.id.as_str()).collect();
        assert_eq!(ids, ["a", "a (2)", "column_3"]);
    }
}
