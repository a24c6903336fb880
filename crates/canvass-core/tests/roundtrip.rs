//! Property: whatever records the `csv` crate's writer produces, the loader reads back
//! the same cells. The writer is an independent implementation of RFC 4180 quoting,
//! so this checks the loader's reader against it on delimiters, quotes, CR, LF and
//! non-ASCII text inside fields.
//!
//! A codebook declares every column free text, so the loader stores cells as read
//! instead of typing them; the only change it makes is trimming surrounding spaces.

use canvass_core::codebook::parse_codebook;
use canvass_core::{load, Column, LoadOptions};
use proptest::prelude::*;

fn codebook_json(n_cols: usize) -> String {
    let questions: Vec<String> = (0..n_cols)
        .map(|c| format!(r#"{{"id": "c{c}", "text": "c{c}", "kind": "text", "section": "s"}}"#))
        .collect();
    format!(
        r#"{{"format": "canvass-codebook/1", "title": "round trip", "questions": [{}]}}"#,
        questions.join(",")
    )
}

/// Cells mixing every byte the reader treats specially with ordinary and wide text.
fn cell() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[a-z0-9 ,;|\t\"\r\néü€✓]{0,12}").unwrap()
}

fn table() -> impl Strategy<Value = (u8, Vec<Vec<String>>)> {
    (1usize..6, 1usize..20).prop_flat_map(|(n_cols, n_rows)| {
        (
            prop_oneof![Just(b','), Just(b'\t'), Just(b';'), Just(b'|')],
            proptest::collection::vec(proptest::collection::vec(cell(), n_cols), n_rows),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn records_written_by_csv_load_back_identically((delimiter, rows) in table(), crlf in any::<bool>()) {
        let n_cols = rows[0].len();
        let mut writer = csv::WriterBuilder::new()
            .delimiter(delimiter)
            .terminator(if crlf { csv::Terminator::CRLF } else { csv::Terminator::Any(b'\n') })
            .from_writer(Vec::new());
        writer.write_record((0..n_cols).map(|c| format!("c{c}"))).unwrap();
        for row in &rows {
            writer.write_record(row).unwrap();
        }
        let bytes = writer.into_inner().unwrap();

        // A record whose cells are all empty is, for one column, an empty line that
        // csv writes as `""`; for several columns it is a line of delimiters. Both
        // are respondents, not blank lines.
        let opts = LoadOptions {
            delimiter: Some(delimiter),
            codebook: Some(parse_codebook(codebook_json(n_cols).as_bytes()).unwrap()),
            ..LoadOptions::default()
        };
        let loaded = load(&bytes, &opts).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(loaded.dataset.n_rows(), rows.len());
        prop_assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
        for (col_idx, q) in loaded.dataset.questions().iter().enumerate() {
            let Column::Text(text) = &q.column else {
                return Err(TestCaseError::fail(format!("column {col_idx} is not text")));
            };
            for (row_idx, row) in rows.iter().enumerate() {
                prop_assert_eq!(text.get(row_idx), row[col_idx].trim(), "row {} column {}", row_idx, col_idx);
            }
        }
    }
}
