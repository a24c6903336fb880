//! The release file layout: delimiter-separated, one respondent per line,
//! three Qualtrics-style header rows (column ids, question text, ImportId
//! JSON), no quoting. Cells never contain the delimiter or a line break.
//!
//! This writes releases and reads them back for the checker only; the loader in
//! canvass-core reads a release with its general reader, as it reads any survey.

use super::SynthError;
use canvass_core::codebook::Codebook;
use serde_json::json;

/// The three header rows for a codebook.
pub fn header_rows(cb: &Codebook) -> [Vec<String>; 3] {
    let ids = cb.questions.iter().map(|q| q.id.clone()).collect();
    let texts = cb.questions.iter().map(|q| q.text.clone()).collect();
    let imports = cb
        .questions
        .iter()
        .map(|q| {
            let v = q.import_id.clone().unwrap_or_else(|| json!({ "ImportId": q.id }));
            serde_json::to_string(&v).expect("JSON values serialise")
        })
        .collect();
    [ids, texts, imports]
}

/// Render rows (cells in codebook order) as the release file.
pub fn render(cb: &Codebook, rows: &[Vec<String>]) -> Result<String, SynthError> {
    let delim = cb.layout.delimiter.as_str();
    let mut out = String::new();
    let headers = header_rows(cb);
    for line in headers.iter().take(cb.layout.header_rows) {
        out.push_str(&line.join(delim));
        out.push('\n');
    }
    for (r, row) in rows.iter().enumerate() {
        if let Some(c) = row.iter().position(|c| c.contains(delim) || c.contains(['\n', '\r'])) {
            return Err(SynthError::new(format!(
                "row {}, column '{}': a cell contains the delimiter or a line break",
                r + 1,
                cb.questions[c].id
            )));
        }
        out.push_str(&row.join(delim));
        out.push('\n');
    }
    Ok(out)
}

/// Parse a release file: check the header rows against the codebook and
/// return the data rows.
pub fn parse(cb: &Codebook, text: &str) -> Result<Vec<Vec<String>>, SynthError> {
    let delim = cb.layout.delimiter.as_str();
    let width = cb.questions.len();
    let mut lines = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .enumerate()
        .peekable();
    let expected = header_rows(cb);
    for (h, want) in expected.iter().enumerate().take(cb.layout.header_rows) {
        let (n, line) = lines
            .next()
            .ok_or_else(|| SynthError::new(format!("the file ends inside header row {}", h + 1)))?;
        let got: Vec<&str> = line.split(delim).collect();
        if got.len() != width {
            return Err(SynthError::new(format!(
                "line {}: header row has {} columns, the codebook {width}",
                n + 1,
                got.len()
            )));
        }
        if let Some(c) = (0..width).find(|&c| got[c] != want[c]) {
            return Err(SynthError::new(format!(
                "line {}, column {}: header is {:?}, the codebook says {:?}",
                n + 1,
                c + 1,
                got[c],
                want[c]
            )));
        }
    }
    let mut rows = Vec::new();
    while let Some((n, line)) = lines.next() {
        if line.is_empty() && lines.peek().is_none() {
            break;
        }
        let cells: Vec<String> = line.split(delim).map(str::to_string).collect();
        if cells.len() != width {
            return Err(SynthError::new(format!(
                "line {}: {} cells, expected {width}",
                n + 1,
                cells.len()
            )));
        }
        rows.push(cells);
    }
    Ok(rows)
}
