//! The broken-input battery: one table of hostile and damaged files, each with the
//! outcome it must have, asserted exactly.
//!
//! An outcome is one of three: the file is shown (the table and every warning, with
//! its line, rendered as text and compared whole), or it is refused with a sentence
//! that names the line (and field, where there is one) and says what to do. No case
//! may panic or hang. Small cases are files in `tests/data/` (several shared with
//! `formats.rs`, listed by name); the huge ones (a 50 MB field, 100,000 columns, a
//! million distinct answers) are generated here rather than committed.
//!
//! The expected tables were counted by hand from the files; `tests/data/README.md`
//! lists each case and why its outcome is the right one.

use canvass_core::{load, Column, LoadOptions, Loaded, WarningKind};
use std::path::PathBuf;

enum Input {
    File(&'static str),
    Generated(fn() -> Vec<u8>),
}

enum Outcome {
    /// Loads, and renders exactly as written (see [`render`]).
    Shown(&'static str),
    /// Refused with exactly this sentence.
    Refused(&'static str),
}

struct Case {
    what: &'static str,
    input: Input,
    outcome: Outcome,
}

fn bytes_of(input: &Input) -> Vec<u8> {
    match input {
        Input::File(name) => {
            let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../tests/data")
                .join(name);
            std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        }
        Input::Generated(make) => make(),
    }
}

/// One line per question (id, kind, levels or options, answered) and one per
/// warning. Labels are printed with `{:?}`, so invisible and control characters show.
fn render(loaded: &Loaded) -> String {
    let mut out = format!("respondents {}\n", loaded.dataset.n_rows());
    for q in loaded.dataset.questions() {
        out += &format!("{:?} {}", q.id, q.kind.as_str());
        match &q.column {
            Column::Categorical(c) => out += &format!(" {:?}", c.levels()),
            Column::Multi(m) => out += &format!(" {:?}", m.options()),
            _ => {}
        }
        out += &format!(" answered {}\n", q.answered());
    }
    for w in &loaded.warnings {
        match w.kind {
            WarningKind::General => out += &format!("line {}: {}\n", w.line, w.message),
            kind => out += &format!("line {} [{}]: {}\n", w.line, kind.as_str(), w.message),
        }
    }
    out
}

fn trim_lines(s: &str) -> String {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// A header `q1,q2`, then a record whose second field is `fill` 50 MB long, quoted or not.
fn fifty_megabyte_field(quoted: bool) -> Vec<u8> {
    let quote: &[u8] = if quoted { b"\"" } else { b"" };
    let mut bytes = b"q1,q2\na,".to_vec();
    bytes.extend_from_slice(quote);
    bytes.extend_from_slice(&vec![b'x'; 50 << 20]);
    bytes.extend_from_slice(quote);
    bytes.extend_from_slice(b"\nb,c\n");
    bytes
}

fn hundred_thousand_columns() -> Vec<u8> {
    let header: Vec<String> = (1..=100_000).map(|i| format!("q{i}")).collect();
    format!("{}\n{}\n", header.join(","), vec!["1"; 100_000].join(",")).into_bytes()
}

fn million_distinct_answers() -> Vec<u8> {
    let mut text = String::from("lang,answer\n");
    for i in 0..1_000_000 {
        text += &format!("Python,answer {i}\n");
    }
    text.into_bytes()
}

fn cases() -> Vec<Case> {
    use Input::*;
    use Outcome::*;
    vec![
        Case {
            what: "ragged rows, text after a closing quote and a blank line (shared with formats.rs)",
            input: File("messy-ragged-rows.csv"),
            outcome: Shown(
                r#"
                respondents 5
                "q1" single ["a", "ax"] answered 5
                "q2" single ["b"] answered 5
                "q3" single ["c"] answered 4
                line 3: expected 3 fields, found 2; the missing ones are read as no answer
                line 4: expected 3 fields, found 4; the extra ones are ignored
                line 5: field 1 has text after its closing quote; it was kept. Quote the whole field, doubling any quote inside it
                line 6: 1 blank line was skipped, the first here
                "#,
            ),
        },
        Case {
            what: "a quote that opens on one line and closes inside a field of the next: the row between is \
                   swallowed into one answer, and a warning of its own kind says so",
            input: File("battery-quote-swallows-row.csv"),
            outcome: Shown(
                r#"
                respondents 2
                "lang" single ["Python", "Julia"] answered 2
                "comment" single ["I liked it,5\nRust,great docs", "ok"] answered 2
                "score" numeric answered 2
                line 2 [quote_swallowed_rows]: lines 2–3: a quote opened on line 2 (field 2) closes on line 3 inside a field; the rows between were read as one answer — check the quoting, and write a quote inside an answer twice ("")
                "#,
            ),
        },
        Case {
            what: "an unterminated quote (shared with formats.rs)",
            input: File("fail-unterminated-quote.csv"),
            outcome: Refused(
                "line 2, field 2: a quote opens here and is never closed, so the rest of the file would be one \
                 answer; close the quote or double any quote inside the answer (\"\")",
            ),
        },
        Case {
            what: "backslash-escaped quotes: CSV has no backslash escape, so the first \\\" closes the field",
            input: File("battery-backslash-quotes.csv"),
            outcome: Shown(
                r#"
                respondents 2
                "q1" single ["say \\hi\\\"\"", "plain"] answered 2
                "q2" single ["x", "y"] answered 2
                line 2: field 1 has text after its closing quote; it was kept. Quote the whole field, doubling any quote inside it (a backslash before a quote does not escape it in CSV: write "" instead of \")
                "#,
            ),
        },
        Case {
            what: "blank and whitespace-only lines (spaces, a tab, both) between records",
            input: File("battery-blank-whitespace-lines.csv"),
            outcome: Shown(
                r#"
                respondents 3
                "lang" single ["Python", "Rust"] answered 3
                "level" single ["High", "Low"] answered 3
                line 2: 4 blank lines were skipped, the first here
                "#,
            ),
        },
        Case {
            what: "a repeated header and two empty ones",
            input: File("battery-duplicate-empty-headers.csv"),
            outcome: Shown(
                r#"
                respondents 2
                "lang" single ["Python", "Rust"] answered 2
                "lang (2)" single ["Py", "Rs"] answered 2
                "column_3" single ["x", "y"] answered 2
                "level" single ["High", "Low"] answered 2
                "column_5" numeric answered 2
                line 1: column 2 repeats the header "lang"; it is called "lang (2)"
                line 1: column 3 has no header; it is called "column_3"
                line 1: column 5 has no header; it is called "column_5"
                "#,
            ),
        },
        Case {
            what: "an empty file (shared with formats.rs)",
            input: File("fail-empty.csv"),
            outcome: Refused("line 1: the file is empty; export the survey responses again as CSV or TSV"),
        },
        Case {
            what: "a UTF-8 byte-order mark and nothing else (shared with formats.rs)",
            input: File("fail-bom-only.csv"),
            outcome: Refused(
                "line 1: the file holds only a UTF-8 byte-order mark and no text; export the responses again",
            ),
        },
        Case {
            what: "a header and no responses (shared with formats.rs)",
            input: File("fail-header-only.csv"),
            outcome: Refused(
                "line 2: the file ends after its 1 header row and has no responses; check that the export \
                 included the response rows",
            ),
        },
        Case {
            what: "a NUL byte (shared with formats.rs)",
            input: File("fail-binary-nul.csv"),
            outcome: Refused(
                "line 2: this is not survey text but binary data (a NUL byte) in no format this loader reads; \
                 export the responses as CSV or TSV text, or as an SPSS (.sav, .zsav) or Stata (.dta) file",
            ),
        },
        Case {
            what: "control characters (SOH, ESC, BEL, DEL) inside answers",
            input: File("battery-control-characters.csv"),
            outcome: Shown(
                r#"
                respondents 3
                "lang" single ["Python", "Rust"] answered 3
                "note" single ["ok��[31m", "bell��"] answered 3
                line 2: 6 control characters (such as U+0001) were replaced with �; they are not text, and the file may be damaged
                "#,
            ),
        },
        Case {
            what: "C1 control characters (NEL, CSI) inside answers, beside signs that share their lead byte",
            input: File("battery-c1-control-characters.csv"),
            outcome: Shown(
                r#"
                respondents 3
                "lang" single ["Python", "Rust"] answered 3
                "note" single ["next�line", "csi�31m", "fine © £ \u{a0}ok"] answered 3
                line 2: 2 control characters (such as U+0085) were replaced with �; they are not text, and the file may be damaged
                "#,
            ),
        },
        Case {
            what: "one invalid UTF-8 byte between valid accented lines",
            input: File("battery-invalid-utf8-middle.csv"),
            outcome: Shown(
                r#"
                respondents 3
                "lang" single ["Python", "Rust", "Julia"] answered 3
                "note" single ["café", "bad � byte", "naïve"] answered 3
                line 3: bytes that are not valid UTF-8 were replaced with �; the file may be damaged or mix encodings
                "#,
            ),
        },
        Case {
            what: "UTF-16 big-endian without a BOM (shared with formats.rs)",
            input: File("encoding-utf16be-no-bom.csv"),
            outcome: Shown(
                r#"
                respondents 2
                "Pays" single ["France", "Côte d'Ivoire"] answered 2
                "Réponse" single ["Très satisfait", "Satisfait"] answered 2
                "#,
            ),
        },
        Case {
            what: "UTF-16 little-endian without a BOM",
            input: File("battery-utf16le-no-bom.csv"),
            outcome: Shown(
                r#"
                respondents 2
                "lang" single ["Python", "Rust"] answered 2
                "Pays" single ["France", "Deutschland"] answered 2
                "#,
            ),
        },
        Case {
            what: "labels carrying HTML and script, __proto__ and constructor, formulas, a right-to-left \
                   override and a zero-width space: kept as written, the invisible ones warned about",
            input: File("battery-hostile-labels.csv"),
            outcome: Shown(
                r#"
                respondents 4
                "<b>Lang</b>" single ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "plain"] answered 4
                "__proto__" single ["__proto__", "constructor", "prototype"] answered 4
                "constructor" single ["toString", "hasOwnProperty", "valueOf"] answered 4
                "=SUM(A1:A9)" single ["=1+2", "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3"] answered 4
                "dir" single ["abc\u{202e}dcba", "zero\u{200b}width", "zerowidth"] answered 4
                line 1: question "dir" holds invisible or direction-changing characters (such as U+202E); they are kept as written, so answers that look alike may be counted apart
                "#,
            ),
        },
        Case {
            what: "a quoted field of 50 MB",
            input: Generated(|| fifty_megabyte_field(true)),
            outcome: Refused(
                "line 2, field 2: the field is longer than 1048576 bytes, the most this loader accepts; check \
                 that its quotes are closed and the delimiter is right, or shorten the answer",
            ),
        },
        Case {
            what: "an unquoted field of 50 MB",
            input: Generated(|| fifty_megabyte_field(false)),
            outcome: Refused(
                "line 2, field 2: the field is longer than 1048576 bytes, the most this loader accepts; check \
                 that its quotes are closed and the delimiter is right, or shorten the answer",
            ),
        },
        Case {
            what: "100,000 columns",
            input: Generated(hundred_thousand_columns),
            outcome: Refused(
                "line 1: the header has more columns than the 10000 this loader accepts; export fewer columns \
                 or check the delimiter",
            ),
        },
        Case {
            what: "a question with a million distinct answers: free text, never a million bars",
            input: Generated(million_distinct_answers),
            outcome: Shown(
                r#"
                respondents 1000000
                "lang" single ["Python"] answered 1000000
                "answer" text answered 1000000
                "#,
            ),
        },
    ]
}

#[test]
fn every_case_has_its_outcome() {
    let mut failures = Vec::new();
    for case in cases() {
        let bytes = bytes_of(&case.input);
        let result = load(&bytes, &LoadOptions::default());
        let mismatch = match (&case.outcome, &result) {
            (Outcome::Shown(expect), Ok(loaded)) => {
                let actual = render(loaded);
                (actual != trim_lines(expect)).then(|| format!("shown as\n{actual}"))
            }
            (Outcome::Refused(expect), Err(e)) => {
                let actual = e.to_string();
                (actual != *expect).then(|| format!("refused with\n{actual}"))
            }
            (_, Ok(loaded)) => Some(format!("shown instead of refused:\n{}", render(loaded))),
            (_, Err(e)) => Some(format!("refused instead of shown: {e}")),
        };
        if let Some(m) = mismatch {
            failures.push(format!("--- {}: {m}", case.what));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// Every refusal starts at a line (and a field where there is one) and ends with
/// what to do, after a semicolon.
#[test]
fn every_refusal_names_where_and_what_to_do() {
    for case in cases() {
        if let Outcome::Refused(sentence) = case.outcome {
            let (place, rest) = sentence.split_once(": ").unwrap();
            assert!(place.starts_with("line "), "{}: {sentence}", case.what);
            assert!(rest.contains("; "), "{}: {sentence}", case.what);
        }
    }
}

/// The battery's small files are all listed; a new file there joins the table.
#[test]
fn every_battery_file_is_a_case() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/data");
    let listed: Vec<&str> = cases()
        .iter()
        .filter_map(|c| match c.input {
            Input::File(name) => Some(name),
            Input::Generated(_) => None,
        })
        .collect();
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name.starts_with("battery-") {
            assert!(listed.contains(&name.as_str()), "{name} is not in the battery's table");
        }
    }
}
