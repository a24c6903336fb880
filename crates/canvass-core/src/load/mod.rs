//! Turning the bytes of a survey export into a [`Dataset`].
//!
//! The entry point is [`load`]: bytes and options in, a dataset plus warnings out. The
//! stages, each in its own file:
//!
//! 1. `decode` — which encoding (UTF-8 ± BOM, UTF-16 LE/BE with or without BOM,
//!    Windows-1252 as a stated fallback), and refusal of files that are not text;
//! 2. `sniff` — the field separator, unless the caller gives one;
//! 3. `records` — RFC 4180 records and fields, borrowed from the text;
//! 4. `header` — how many header rows, ids, question text, groups, platform columns;
//! 5. `infer` — each column dictionary-encoded while it is read, then typed;
//! 6. `group` — grids, rankings and one-column-per-option multi-selects.
//!
//! Files of statistics packages are recognised by their first bytes, before any of
//! that: `sav` reads SPSS `.sav`/`.zsav`, `dta` reads Stata `.dta`, and `labelled`
//! turns their labelled variables into questions.
//!
//! Messy rows (a missing field, an extra one, text after a closing quote, bytes that
//! are not valid in the encoding) are warnings with their line number; only input
//! that cannot be a table is an error, and every error says where and what to do.
//! Every cap is checked before the memory it guards is spent. This module never reads
//! files: the CLI reads them and the page hands over the bytes of a fetch or a drop.

mod apply;
mod decode;
mod dict;
mod dta;
mod group;
mod header;
pub mod infer;
mod labelled;
mod records;
mod sav;
pub(crate) mod scales;
pub use scales::is_bipolar;
mod sniff;
mod words;

use crate::codebook::Codebook;
use crate::dataset::{Dataset, InvariantError};
use infer::{Built, ColumnBuilder, Inference, Verdict};
use records::{Collect, Discard, FieldSink, Records};
use serde::Serialize;
use std::fmt;

/// Limits that keep a large or hostile file from exhausting memory, above all in a
/// browser tab. Each is checked before the memory it guards is allocated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caps {
    /// Largest file accepted, in bytes.
    pub max_file_bytes: usize,
    /// Most columns in the header.
    pub max_columns: usize,
    /// Most fields in any one record (a ragged row may have more than the header).
    pub max_fields_per_record: usize,
    /// Longest field, in bytes.
    pub max_field_bytes: usize,
    /// Most distinct answers kept as categories; a column with more is read as text
    /// (or numbers), and a codebook that insists on categories gets an error.
    pub max_categories: usize,
    /// Most cells (respondents times columns).
    pub max_cells: usize,
}

impl Default for Caps {
    fn default() -> Self {
        Caps {
            max_file_bytes: 1 << 30,
            max_columns: 10_000,
            max_fields_per_record: 20_000,
            max_field_bytes: 1 << 20,
            max_categories: 10_000,
            max_cells: 100_000_000,
        }
    }
}

/// How to read the bytes. Every field has a sensible default.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Field separator; when `None`, the codebook's if it splits the header into the
    /// codebook's columns, else sniffed from the first lines.
    pub delimiter: Option<u8>,
    /// Fixes kinds, question text, option order, separators, rank groups and skip
    /// logic for the columns it names.
    pub codebook: Option<Codebook>,
    pub caps: Caps,
}

/// Something odd but recoverable, tied to the 1-based line it was found on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    pub line: u64,
    pub message: String,
    /// Which warnings a reader should see before the table: most are `general`.
    pub kind: WarningKind,
}

/// Kinds of warning a page or script may want to tell apart from the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningKind {
    /// A messy row, a renamed column, a replaced character: worth a line in the report.
    General,
    /// A quoted field opened on one line and closed inside a field of a later one, so
    /// whole rows were read as one answer and the table lost respondents. The table
    /// is wrong until the file's quoting is fixed, so it deserves more than a line.
    QuoteSwallowedRows,
}

impl WarningKind {
    /// Every kind, in the order a snapshot numbers them.
    pub const ALL: [WarningKind; 2] = [WarningKind::General, WarningKind::QuoteSwallowedRows];

    pub fn as_str(self) -> &'static str {
        match self {
            WarningKind::General => "general",
            WarningKind::QuoteSwallowedRows => "quote_swallowed_rows",
        }
    }
}

/// Warnings with a ceiling: a file with a million ragged rows gets a hundred
/// sentences and a count, not a million sentences.
pub(crate) struct Warnings {
    list: Vec<Warning>,
    cap: usize,
    dropped: usize,
}

impl Warnings {
    pub fn new(cap: usize) -> Self {
        Warnings {
            list: Vec::new(),
            cap,
            dropped: 0,
        }
    }

    pub fn push(&mut self, line: u64, message: String) {
        self.push_kind(line, message, WarningKind::General);
    }

    pub fn push_kind(&mut self, line: u64, message: String, kind: WarningKind) {
        if self.list.len() < self.cap {
            self.list.push(Warning { line, message, kind });
        } else {
            self.dropped += 1;
        }
    }

    pub fn into_vec(mut self) -> Vec<Warning> {
        if self.dropped > 0 {
            let line = self.list.last().map_or(0, |w| w.line);
            self.list.push(Warning {
                line,
                message: format!("{} more warnings like these were not listed", self.dropped),
                kind: WarningKind::General,
            });
        }
        self.list
    }
}

/// Most warnings listed one by one.
const MAX_WARNINGS: usize = 100;

/// A successful load: the data and everything worth telling the user about it.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub dataset: Dataset,
    pub warnings: Vec<Warning>,
    /// `utf-8`, `utf-8-bom`, `utf-16le`, `utf-16be` or `windows-1252`.
    pub encoding: &'static str,
    pub delimiter: u8,
    pub header_rows: usize,
    /// `one-row`, `qualtrics`, `qualtrics-legacy` or `surveymonkey`.
    pub layout: &'static str,
    /// Blank lines skipped (also reported in a warning).
    pub blank_lines: u64,
    /// One per question: whether it identifies respondents (e-mail or IP addresses,
    /// names, locations, phone numbers, response ids), by its header or its answers.
    /// Such questions are identifiers, never charted, and named in a warning.
    pub identifying: Vec<bool>,
    /// The question the file itself names as its weight (an SPSS file's weight
    /// variable), offered to the user; tables are unweighted until it is chosen.
    pub weight: Option<usize>,
}

/// Input that cannot be read as a survey table. `Display` says where and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadError {
    Empty,
    BomOnly {
        encoding: &'static str,
    },
    HeaderOnly {
        header_rows: usize,
        line: u64,
    },
    NotText {
        line: u64,
        what: &'static str,
    },
    UnterminatedQuote {
        line: u64,
        field: usize,
    },
    FileTooLarge {
        bytes: usize,
        cap: usize,
    },
    /// `found` is `None` when the header stopped at the fields-per-record cap before
    /// its end, so all that is known is that it has more than that many columns.
    TooManyColumns {
        found: Option<usize>,
        cap: usize,
    },
    TooManyFields {
        line: u64,
        cap: usize,
    },
    FieldTooLong {
        line: u64,
        field: usize,
        cap: usize,
    },
    TooManyCells {
        line: u64,
        cap: usize,
    },
    TooManyLevels {
        question: String,
        levels: usize,
        cap: usize,
    },
    /// An SPSS or Stata file that is cut short or damaged: `offset` is the byte where
    /// the problem was found.
    Damaged {
        format: &'static str,
        offset: u64,
        problem: String,
    },
    Internal(String),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Empty => write!(
                f,
                "line 1: the file is empty; export the survey responses again as CSV or TSV"
            ),
            LoadError::BomOnly { encoding } => write!(
                f,
                "line 1: the file holds only a {encoding} byte-order mark and no text; export the responses again"
            ),
            LoadError::HeaderOnly { header_rows, line } => write!(
                f,
                "line {line}: the file ends after its {header_rows} header row{} and has no responses; \
                 check that the export included the response rows",
                if *header_rows == 1 { "" } else { "s" }
            ),
            LoadError::NotText { line, what } => write!(f, "line {line}: this is not survey text but {what}"),
            LoadError::UnterminatedQuote { line, field } => write!(
                f,
                "line {line}, field {field}: a quote opens here and is never closed, so the rest of the file \
                 would be one answer; close the quote or double any quote inside the answer (\"\")"
            ),
            LoadError::FileTooLarge { bytes, cap } => write!(
                f,
                "line 1: the file has {bytes} bytes, more than the {cap} this loader accepts; \
                 split it or drop columns you do not need"
            ),
            LoadError::TooManyColumns {
                found: Some(found),
                cap,
            } => write!(
                f,
                "line 1: the header has {found} columns, more than the {cap} this loader accepts; \
                 export fewer columns or check the delimiter"
            ),
            LoadError::TooManyColumns { found: None, cap } => write!(
                f,
                "line 1: the header has more columns than the {cap} this loader accepts; \
                 export fewer columns or check the delimiter"
            ),
            LoadError::TooManyFields { line, cap } => write!(
                f,
                "line {line}: the record has more than {cap} fields, the most this loader accepts; \
                 check the delimiter and the quoting"
            ),
            LoadError::FieldTooLong { line, field, cap } => write!(
                f,
                "line {line}, field {field}: the field is longer than {cap} bytes, the most this loader accepts; \
                 check that its quotes are closed and the delimiter is right, or shorten the answer"
            ),
            LoadError::TooManyCells { line, cap } => write!(
                f,
                "line {line}: the file has more than {cap} cells (respondents times columns), the most this \
                 loader accepts; split the file or drop columns you do not need"
            ),
            LoadError::TooManyLevels { question, levels, cap } => write!(
                f,
                "question {question:?} has {levels} distinct answers, more than the {cap} a chart can hold; \
                 give it kind \"text\" in a codebook"
            ),
            LoadError::Damaged {
                format,
                offset,
                problem,
            } => write!(
                f,
                "{format}, byte {offset}: {problem}; if the file is complete, save or export it again from the \
                 program that made it"
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

/// The codebook's delimiter, if it splits the first line into the codebook's columns.
fn codebook_delimiter(codebook: &Codebook, text: &str) -> Option<u8> {
    let &[delimiter] = codebook.layout.delimiter.as_bytes() else {
        return None;
    };
    let first_line = text.split(['\n', '\r']).next().unwrap_or("");
    let fields = first_line.bytes().filter(|&b| b == delimiter).count() + 1;
    (fields == codebook.questions.len()).then_some(delimiter)
}

/// Header records looked at before the layout is decided.
const LOOKAHEAD_RECORDS: usize = 3;

/// Feeds each field straight into its column's builder.
struct ColumnsSink<'b> {
    builders: &'b mut [ColumnBuilder],
}

impl FieldSink for ColumnsSink<'_> {
    #[inline(always)]
    fn field(&mut self, field_idx: usize, value: &str) {
        if let Some(builder) = self.builders.get_mut(field_idx) {
            builder.push(value);
        }
    }
}

/// An empty or repeated header gets a made-up id (`column_3`, `lang (2)`); the user
/// should know which name to look for.
fn note_renamed_headers(raw: &[String], header: &header::Header, line: u64, warnings: &mut Warnings) {
    for (col_idx, (raw, column)) in raw.iter().zip(&header.columns).enumerate() {
        let raw = raw.trim();
        if raw == column.id {
            continue;
        }
        let message = if raw.is_empty() {
            format!("column {} has no header; it is called {:?}", col_idx + 1, column.id)
        } else {
            format!(
                "column {} repeats the header {raw:?}; it is called {:?}",
                col_idx + 1,
                column.id
            )
        };
        warnings.push(line, message);
    }
}

/// Characters that change how text looks without being seen: zero-width spaces and
/// joiners of words, a byte-order mark inside the text, and the bidirectional
/// embeddings, overrides and isolates that can make one label read as another.
/// Zero-width (non-)joiners and direction marks are left out: Persian, Indic scripts
/// and emoji need them.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Answers are kept as written, so two that look the same on screen may be counted
/// apart; a warning per question says so.
fn note_invisible_characters(questions: &[crate::dataset::Question], line: u64, warnings: &mut Warnings) {
    use crate::dataset::Column;
    for q in questions {
        let labels: &[String] = match &q.column {
            Column::Categorical(c) => c.levels(),
            Column::Multi(m) => m.options(),
            _ => &[],
        };
        let found = std::iter::once(q.id.as_str())
            .chain(std::iter::once(q.text.as_str()))
            .chain(labels.iter().map(String::as_str))
            .find_map(|label| label.chars().find(|&c| is_invisible(c)));
        if let Some(c) = found {
            warnings.push(
                line,
                format!(
                    "question {:?} holds invisible or direction-changing characters (such as U+{:04X}); they are \
                     kept as written, so answers that look alike may be counted apart",
                    q.id, c as u32
                ),
            );
        }
    }
}

/// Whether a question identifies respondents, and who said so.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Identifying {
    No,
    /// The codebook names it an identifier: its author knows, so no warning.
    Declared,
    /// Its header (`IPAddress`, `RecipientEmail`, `LocationLatitude`, `Name`,
    /// `ResponseId`…) or its answers (e-mail and IP addresses, phone numbers,
    /// coordinates, under a header that names no platform role) say so.
    Guessed,
}

/// Which questions identify respondents. A codebook decides for the columns it names
/// (`identifier` is, `metadata` is bookkeeping and is not); a codebook that gives such
/// a column a chartable kind is followed.
fn identifying_questions(
    questions: &[crate::dataset::Question],
    header: &header::Header,
    codebook: Option<&Codebook>,
) -> Vec<Identifying> {
    use crate::codebook::Kind;
    use crate::dataset::QuestionKind;
    let roles: std::collections::HashMap<&str, Option<header::Role>> =
        header.columns.iter().map(|c| (c.id.as_str(), c.role)).collect();
    questions
        .iter()
        .map(|q| {
            if q.kind != QuestionKind::Identifier {
                return Identifying::No;
            }
            let declared = codebook.and_then(|cb| cb.position(&q.id).map(|pos| cb.questions[pos].kind));
            let guessed = match roles.get(q.id.as_str()).copied().flatten() {
                Some(role) => role == header::Role::Identifying,
                None => true,
            };
            match declared {
                Some(Kind::Identifier) => Identifying::Declared,
                Some(_) => Identifying::No,
                None if guessed => Identifying::Guessed,
                None => Identifying::No,
            }
        })
        .collect()
}

/// A column the layout marks as typed-in text (Qualtrics' `_TEXT`, SurveyMonkey's
/// "Open-Ended Response") skips inference; when every answer in it is an e-mail or IP
/// address, a phone number or coordinates, it is an identifier all the same. A
/// codebook that names the column is followed.
fn identify_free_text(
    questions: &mut [crate::dataset::Question],
    header: &header::Header,
    codebook: Option<&Codebook>,
) {
    use crate::dataset::{Column, QuestionKind};
    let plain: std::collections::HashSet<&str> = header
        .columns
        .iter()
        .filter(|c| c.role.is_none())
        .map(|c| c.id.as_str())
        .collect();
    for q in questions.iter_mut() {
        let Column::Text(text) = &q.column else { continue };
        if q.kind != QuestionKind::Text
            || !plain.contains(q.id.as_str())
            || codebook.is_some_and(|cb| cb.position(&q.id).is_some())
        {
            continue;
        }
        let mut answers = (0..text.len())
            .map(|r| text.get(r).trim())
            .filter(|v| !v.is_empty())
            .peekable();
        if answers.peek().is_some() && answers.all(infer::looks_identifying) {
            q.kind = QuestionKind::Identifier;
        }
    }
}

/// One warning naming every guessed identifying column.
fn note_identifying(
    questions: &[crate::dataset::Question],
    identifying: &[Identifying],
    line: u64,
    warnings: &mut Warnings,
) {
    let names: Vec<String> = questions
        .iter()
        .zip(identifying)
        .filter(|(_, &how)| how == Identifying::Guessed)
        .map(|(q, _)| format!("{:?}", q.id))
        .collect();
    if names.is_empty() {
        return;
    }
    warnings.push(
        line,
        format!(
            "{} {} respondents (e-mail or IP addresses, names, locations, phone numbers or ids); {} kept \
             but never charted or tabulated, and best removed before the file is shared",
            if names.len() == 1 {
                format!("column {}", names[0])
            } else {
                format!("columns {}", names.join(", "))
            },
            if names.len() == 1 { "identifies" } else { "identify" },
            if names.len() == 1 { "it is" } else { "they are" },
        ),
    );
}
/// Rows read before the row count is estimated and the columns' storage reserved.
const ROWS_BEFORE_ESTIMATE: usize = 1024;

/// The rows a file probably holds, from the bytes the first rows took, with a tenth
/// more for variation. Growing a column's codes by doubling copies every code already
/// read and touches fresh memory each time; reserving once avoids that, and a too-high
/// guess is given back when the column is finished.
fn estimate_rows(rows_read: usize, bytes_read: usize, body_bytes: usize) -> usize {
    let per_row = (bytes_read / rows_read.max(1)).max(1);
    (body_bytes / per_row).saturating_add(body_bytes / per_row / 10)
}

/// Text read between two progress reports: often enough for a smooth bar, rarely
/// enough that reporting costs nothing measurable.
const PROGRESS_STEP_BYTES: usize = 1 << 20;

/// Reads a delimited survey export.
pub fn load(bytes: &[u8], opts: &LoadOptions) -> Result<Loaded, LoadError> {
    load_with_progress(bytes, opts, &mut |_, _| {})
}

/// [`load`], calling `progress(done, total)` as the records are read: bytes of text
/// read so far and in all (the decoded text, which for UTF-8 files is the file). It is
/// called with `done == 0` before the first record, about every megabyte, and with
/// `done == total` once every record is read; typing the columns comes after that and
/// takes a small share of the time.
pub fn load_with_progress(
    bytes: &[u8],
    opts: &LoadOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Loaded, LoadError> {
    load_inner(bytes, opts, progress, false).map(|(loaded, _)| loaded)
}

/// A delimited file as the loader read it, for writing a file back in its own layout:
/// its header records and response records as text (a short record padded with empty
/// fields), and for each question of the dataset the file's columns (0-based) it was
/// read from, in file order. A multi-select read from one column per option lists
/// those columns in the order of its options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub header: Vec<Vec<String>>,
    pub rows: Vec<Vec<String>>,
    pub columns: Vec<Vec<usize>>,
}

/// [`load`], plus the file's [`Source`]; `None` for SPSS and Stata files, which have
/// no text layout to write back.
pub fn load_with_source(bytes: &[u8], opts: &LoadOptions) -> Result<(Loaded, Option<Source>), LoadError> {
    load_inner(bytes, opts, &mut |_, _| {}, true)
}

fn load_inner(
    bytes: &[u8],
    opts: &LoadOptions,
    progress: &mut dyn FnMut(usize, usize),
    want_source: bool,
) -> Result<(Loaded, Option<Source>), LoadError> {
    let caps = &opts.caps;
    if bytes.len() > caps.max_file_bytes {
        return Err(LoadError::FileTooLarge {
            bytes: bytes.len(),
            cap: caps.max_file_bytes,
        });
    }
    let mut warnings = Warnings::new(MAX_WARNINGS);
    // Statistics packages' files are recognised by their first bytes, whatever their name.
    if sav::is_sav(bytes) || dta::is_dta(bytes) {
        progress(0, bytes.len());
        let file = if sav::is_sav(bytes) {
            sav::read(bytes, caps, &mut warnings)?
        } else {
            dta::read(bytes, caps, &mut warnings)?
        };
        progress(bytes.len(), bytes.len());
        return labelled::assemble(file, caps, warnings, opts.codebook.as_ref()).map(|loaded| (loaded, None));
    }
    let decoded = decode::decode(bytes, &mut warnings)?;
    let text: &str = &decoded.text;
    if text.trim().is_empty() {
        return Err(LoadError::Empty);
    }
    let delimiter = opts
        .delimiter
        .or_else(|| opts.codebook.as_ref().and_then(|cb| codebook_delimiter(cb, text)))
        .unwrap_or_else(|| sniff::sniff_delimiter(text));
    let mut records = Records::new(text, delimiter, caps);
    // Excel writes `sep=;` as a first line when asked to; it names the separator.
    let delimiter = records.skip_separator_line(opts.delimiter).unwrap_or(delimiter);

    // Look ahead at the first records to decide the header layout, then read again.
    let start = records.mark();
    let header_line = records.line();
    let mut first = Vec::new();
    let mut ignored = Warnings::new(0);
    for record_idx in 0..LOOKAHEAD_RECORDS {
        let mut sink = Collect::default();
        match records.next_record(&mut sink, &mut ignored) {
            Ok(Some(_)) => first.push(sink.0),
            Ok(None) => break,
            // A header cut short by the fields cap is wider than the column cap (the
            // smaller of the two), and columns are what the visitor can change.
            Err(LoadError::TooManyFields { .. })
                if record_idx == 0 && caps.max_columns < caps.max_fields_per_record =>
            {
                return Err(LoadError::TooManyColumns {
                    found: None,
                    cap: caps.max_columns,
                });
            }
            Err(e) => return Err(e),
        }
    }
    if first.is_empty() {
        return Err(LoadError::Empty);
    }
    if first[0].len() > caps.max_columns {
        return Err(LoadError::TooManyColumns {
            found: Some(first[0].len()),
            cap: caps.max_columns,
        });
    }
    let header = header::read_header(&first);
    if header.layout != "surveymonkey" {
        note_renamed_headers(&first[0], &header, header_line, &mut warnings);
    }
    let header_records = if want_source {
        first.truncate(header.rows);
        first
    } else {
        Vec::new()
    };
    records.reset(start);
    for _ in 0..header.rows {
        records.next_record(&mut Discard, &mut warnings)?;
    }

    let n_cols = header.columns.len();
    records.space_lines_are_blank = n_cols > 1;
    // A first pass over the response records keeps their text; the second types them.
    let mut source_rows = Vec::new();
    if want_source {
        let body = records.mark();
        let mut ignored = Warnings::new(0);
        loop {
            let mut sink = Collect::default();
            if records.next_record(&mut sink, &mut ignored)?.is_none() {
                break;
            }
            let mut row = sink.0;
            row.resize(n_cols, String::new());
            source_rows.push(row);
        }
        records.reset(body);
    }
    let mut builders: Vec<ColumnBuilder> = (0..n_cols).map(|_| ColumnBuilder::new(caps.max_categories)).collect();
    let mut n_rows = 0usize;
    let cells_per_row = n_cols.max(1);
    let body_start = records.pos();
    let total = text.len();
    progress(0, total);
    let mut next_report = body_start + PROGRESS_STEP_BYTES;
    loop {
        let mut sink = ColumnsSink {
            builders: &mut builders,
        };
        let Some(end) = records.next_record(&mut sink, &mut warnings)? else {
            break;
        };
        if end.n_fields != n_cols {
            if end.n_fields < n_cols {
                for builder in &mut builders[end.n_fields..] {
                    builder.push("");
                }
            }
            warnings.push(
                end.line,
                format!(
                    "expected {n_cols} fields, found {}; {}",
                    end.n_fields,
                    if end.n_fields < n_cols {
                        "the missing ones are read as no answer"
                    } else {
                        "the extra ones are ignored"
                    }
                ),
            );
        }
        n_rows += 1;
        if n_rows.saturating_mul(cells_per_row) > caps.max_cells {
            return Err(LoadError::TooManyCells {
                line: end.line,
                cap: caps.max_cells,
            });
        }
        if records.pos() >= next_report {
            progress(records.pos(), total);
            next_report = records.pos() + PROGRESS_STEP_BYTES;
        }
        if n_rows == ROWS_BEFORE_ESTIMATE {
            let rows = estimate_rows(n_rows, records.pos() - body_start, text.len() - body_start);
            let rows = rows.min(caps.max_cells / cells_per_row);
            for builder in &mut builders {
                builder.reserve(rows.saturating_sub(n_rows));
            }
        }
    }
    progress(total, total);
    if n_rows == 0 {
        return Err(LoadError::HeaderOnly {
            header_rows: header.rows,
            line: records.line(),
        });
    }
    if records.blank_lines > 0 {
        let line = records.first_blank_line.unwrap_or(0);
        warnings.push(
            line,
            format!(
                "{} blank line{} skipped, the first here",
                records.blank_lines,
                if records.blank_lines == 1 { " was" } else { "s were" }
            ),
        );
    }

    let built: Vec<Built> = builders.into_iter().map(ColumnBuilder::finish).collect();
    let verdicts: Vec<Verdict> = built
        .iter()
        .map(|b| match b {
            Built::Dict { values, counts, .. } => {
                let values: Vec<&str> = values.iter().map(|v| &**v).collect();
                infer::infer(&values, counts, delimiter == b';')
            }
            Built::Text(_) => Verdict {
                inference: Inference::Text,
                declined: Vec::new(),
            },
        })
        .collect();
    let (questions, columns) = match &opts.codebook {
        Some(codebook) => apply::assemble_with_codebook(
            &header,
            built,
            &verdicts,
            n_rows,
            codebook,
            caps.max_categories,
            &mut warnings,
        )
        .map(|questions| (questions, (0..n_cols).map(|c| vec![c]).collect()))?,
        None => group::assemble(
            &header,
            built.into_iter().map(Some).collect(),
            &verdicts,
            n_rows,
            caps.max_categories,
            &mut warnings,
        )?,
    };
    note_invisible_characters(&questions, header.rows as u64, &mut warnings);
    let mut questions = questions;
    identify_free_text(&mut questions, &header, opts.codebook.as_ref());
    let identifying = identifying_questions(&questions, &header, opts.codebook.as_ref());
    note_identifying(&questions, &identifying, header_line, &mut warnings);
    let blank_lines = records.blank_lines;
    let source = want_source.then_some(Source {
        header: header_records,
        rows: source_rows,
        columns,
    });
    let loaded = Loaded {
        dataset: Dataset::new(n_rows, questions)?,
        warnings: warnings.into_vec(),
        encoding: decoded.encoding,
        delimiter,
        header_rows: header.rows,
        layout: header.layout,
        blank_lines,
        identifying: identifying.iter().map(|&how| how != Identifying::No).collect(),
        weight: None,
    };
    Ok((loaded, source))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::{Column, QuestionKind};

    fn load_str(s: &str) -> Result<Loaded, LoadError> {
        load(s.as_bytes(), &LoadOptions::default())
    }

    #[test]
    fn sniffs_tabs_and_types_columns() {
        let loaded = load_str("id\tlang\tage\n1\tPython\t30\n2\tRust\t\n3\tPython\t41\n").unwrap();
        assert_eq!(loaded.delimiter, b'\t');
        let kinds: Vec<_> = loaded.dataset.questions().iter().map(|q| q.kind).collect();
        // "id" is a platform column: kept, never charted.
        assert_eq!(
            kinds,
            [QuestionKind::Identifier, QuestionKind::Single, QuestionKind::Numeric]
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
        assert_eq!(load_str("\n\n").unwrap_err(), LoadError::Empty);
        assert_eq!(
            load_str("\u{FEFF}").unwrap_err(),
            LoadError::BomOnly { encoding: "UTF-8" }
        );
        let err = load_str("a,b\n").unwrap_err();
        assert_eq!(
            err,
            LoadError::HeaderOnly {
                header_rows: 1,
                line: 2
            }
        );
        assert!(err.to_string().contains("no responses"), "{err}");
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

    #[test]
    fn caps_are_errors_that_state_the_cap() {
        let opts = |caps: Caps| LoadOptions {
            caps,
            ..LoadOptions::default()
        };
        let err = load(
            b"a,b\n1,2\n",
            &opts(Caps {
                max_file_bytes: 4,
                ..Caps::default()
            }),
        )
        .unwrap_err();
        assert_eq!(err, LoadError::FileTooLarge { bytes: 8, cap: 4 });
        assert!(err.to_string().contains("more than the 4"));
        let err = load(
            b"a,b,c\n1,2,3\n",
            &opts(Caps {
                max_columns: 2,
                ..Caps::default()
            }),
        )
        .unwrap_err();
        assert_eq!(err, LoadError::TooManyColumns { found: Some(3), cap: 2 });
        let err = load(
            b"a,b\n1,2\n3,4\n5,6\n",
            &opts(Caps {
                max_cells: 5,
                ..Caps::default()
            }),
        )
        .unwrap_err();
        assert_eq!(err, LoadError::TooManyCells { line: 4, cap: 5 });
    }

    #[test]
    fn a_column_past_the_category_cap_is_text_with_a_warning_stating_the_cap() {
        let opts = LoadOptions {
            caps: Caps {
                max_categories: 3,
                ..Caps::default()
            },
            ..LoadOptions::default()
        };
        // "word" repeats each of three answers twice before a fourth passes the cap;
        // "note" is unique on every row, free text with or without a cap, so no warning.
        let csv = b"word,note\na,n1\nb,n2\nc,n3\na,n4\nb,n5\nc,n6\nd,n7\n";
        let loaded = load(csv, &opts).unwrap();
        let kinds: Vec<QuestionKind> = loaded.dataset.questions().iter().map(|q| q.kind).collect();
        assert_eq!(kinds, [QuestionKind::Text, QuestionKind::Text]);
        assert_eq!(loaded.warnings.len(), 1);
        assert_eq!(loaded.warnings[0].line, 1);
        assert!(
            loaded.warnings[0].message.contains("more than 3 distinct answers"),
            "{}",
            loaded.warnings[0].message
        );
    }

    #[test]
    fn a_source_names_the_columns_each_question_was_read_from() {
        // Kobo's 0/1 columns become one multi-select; the rest are a column each.
        let csv = "id,fruit/apple,fruit/pear,fruit/fig,size\n1,1,0,1,S\n2,0,1,0,M\n3,1,1,0,L\n\n4,0,0,1,S\n";
        let (loaded, source) = load_with_source(csv.as_bytes(), &LoadOptions::default()).unwrap();
        let source = source.unwrap();
        let ids: Vec<&str> = loaded.dataset.questions().iter().map(|q| q.id.as_str()).collect();
        assert_eq!(ids, ["id", "fruit", "size"]);
        assert_eq!(source.columns, [vec![0], vec![1, 2, 3], vec![4]]);
        assert_eq!(
            source.header,
            [["id", "fruit/apple", "fruit/pear", "fruit/fig", "size"]]
        );
        // The blank line is skipped, as the loader skips it: one text row per respondent.
        assert_eq!(source.rows.len(), loaded.dataset.n_rows());
        assert_eq!(source.rows[3], ["4", "0", "0", "1", "S"]);
    }

    #[test]
    fn progress_runs_from_zero_to_the_whole_text_in_steps() {
        // 100,000 rows of "Option N,M\n", 11 bytes each: 1.1 MB, one step and a bit.
        let mut csv = String::from("a,b\n");
        for i in 0..100_000 {
            csv.push_str(&format!("Option {},{}\n", i % 7, i % 3));
        }
        let mut calls = Vec::new();
        let loaded = load_with_progress(csv.as_bytes(), &LoadOptions::default(), &mut |done, total| {
            calls.push((done, total))
        })
        .unwrap();
        assert_eq!(loaded.dataset.n_rows(), 100_000);
        let total = csv.len();
        assert_eq!(calls.first(), Some(&(0, total)));
        assert_eq!(calls.last(), Some(&(total, total)));
        assert!(calls.iter().all(|&(_, t)| t == total));
        assert!(calls.windows(2).all(|w| w[0].0 <= w[1].0), "{calls:?}");
        // One report past the first megabyte, plus the first and the last.
        assert!(total > 1 << 20 && total < 2 << 20, "{total}");
        assert_eq!(calls.len(), 3, "{calls:?}");
    }
}
