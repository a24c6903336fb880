//! Every authored file in `tests/data/` loaded and compared, as plain text, with its
//! summary worked out by hand from the file: one file per format, encoding, header
//! layout and failure.
//!
//! The rendering reads the dataset only through its public getters, and counts
//! missing reasons itself, so a mistake in `Question::answered` or in the loader's
//! bookkeeping shows up as a mismatch.

use canvass_core::codebook::parse_codebook;
use canvass_core::dataset::{Categorical, CategoricalCell, NumericCell};
use canvass_core::{load, Caps, Column, LoadError, LoadOptions, Loaded, Missing};
use std::path::PathBuf;

fn data(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Counts of each missing reason in a column, by reading its cells.
fn missing_counts(column: &Column) -> [usize; 3] {
    let mut counts = [0; 3];
    let mut add = |m: Missing| counts[Missing::ALL.iter().position(|&x| x == m).unwrap()] += 1;
    match column {
        Column::Categorical(c) => {
            for &code in c.codes() {
                if let CategoricalCell::Missing(m) = Categorical::decode(code) {
                    add(m);
                }
            }
        }
        Column::Multi(m) => (0..m.len()).filter_map(|r| m.missing(r)).for_each(&mut add),
        Column::Numeric(n) => n.cells().iter().for_each(|cell| {
            if let NumericCell::Missing(m) = cell {
                add(*m)
            }
        }),
        Column::Text(_) => {}
    }
    counts
}

fn render(loaded: &Loaded) -> String {
    let mut out = format!(
        "respondents {}, encoding {}, delimiter {:?}, header rows {}, layout {}\n",
        loaded.dataset.n_rows(),
        loaded.encoding,
        loaded.delimiter as char,
        loaded.header_rows,
        loaded.layout
    );
    for q in loaded.dataset.questions() {
        let mut line = format!("{} | {}", q.id, q.kind.as_str());
        if q.text != q.id {
            line += &format!(" | text {:?}", q.text);
        }
        if let Some(group) = &q.group {
            line += &format!(" | group {group:?}");
        }
        let options = match &q.column {
            Column::Categorical(c) => c.levels().to_vec(),
            Column::Multi(m) => m.options().to_vec(),
            Column::Numeric(n) => n.coded_labels().to_vec(),
            Column::Text(_) => Vec::new(),
        };
        if !options.is_empty() {
            line += &format!(" | {options:?}");
        }
        line += &format!(" | answered {}", q.answered());
        for (reason, n) in Missing::ALL.iter().zip(missing_counts(&q.column)) {
            if n > 0 {
                line += &format!(" | {} {n}", reason.label());
            }
        }
        out += &line;
        out.push('\n');
    }
    for w in &loaded.warnings {
        out += &format!("warning line {}: {}\n", w.line, w.message);
    }
    out
}

#[track_caller]
fn check_with(name: &str, opts: &LoadOptions, expect: &str) {
    let loaded = load(&data(name), opts).unwrap_or_else(|e| panic!("{name}: {e}"));
    let actual = render(&loaded);
    let expect = expect
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
        + "\n";
    assert_eq!(actual, expect, "\n--- {name} actual:\n{actual}");
}

#[track_caller]
fn check(name: &str, expect: &str) {
    check_with(name, &LoadOptions::default(), expect);
}

#[track_caller]
fn check_error(name: &str, expect: LoadError, sentence: &str) {
    let err = load(&data(name), &LoadOptions::default()).unwrap_err();
    assert_eq!(err, expect, "{name}");
    assert!(err.to_string().contains(sentence), "{name}: {err}");
}

#[test]
fn qualtrics_three_header_rows() {
    check(
        "layout-qualtrics-3-rows.csv",
        r#"
        respondents 5, encoding utf-8, delimiter ',', header rows 3, layout qualtrics
        StartDate | datetime | text "Start Date" | answered 5
        EndDate | datetime | text "End Date" | answered 5
        ResponseId | identifier | text "Response ID" | answered 5
        Q1 | ordinal | text "How satisfied are you with NumPy?" | ["Dissatisfied", "Satisfied", "Very satisfied"] | answered 4 | no answer 1
        Q2 | multi | text "Which languages do you use?" | ["Python", "R", "Julia"] | answered 5
        Q3_1 | rank | text "Rank these priorities - Speed" | group "Rank these priorities" | ["1", "2", "3"] | answered 4 | no answer 1
        Q3_2 | rank | text "Rank these priorities - Docs" | group "Rank these priorities" | ["1", "2", "3"] | answered 4 | no answer 1
        Q3_3 | rank | text "Rank these priorities - Packaging" | group "Rank these priorities" | ["1", "2", "3"] | answered 4 | no answer 1
        Q4 | text | text "Anything else?" | answered 2
        warning line 1: column "ResponseId" identifies respondents (e-mail or IP addresses, names, locations, phone numbers or ids); it is kept but never charted or tabulated, and best removed before the file is shared
        "#,
    );
}

#[test]
fn qualtrics_legacy_two_header_rows() {
    check(
        "layout-qualtrics-legacy-2-rows.csv",
        r#"
        respondents 4, encoding utf-8, delimiter ',', header rows 2, layout qualtrics-legacy
        V1 | identifier | text "ResponseID" | answered 4
        V2 | identifier | text "ResponseSet" | answered 4
        V3 | identifier | text "Name" | answered 4
        V8 | datetime | text "StartDate" | answered 4
        V9 | datetime | text "EndDate" | answered 4
        Q1 | ordinal | text "How often do you use NumPy?" | ["Rarely", "Weekly", "Daily"] | answered 4
        Q2 | numeric | text "Your age" | ["> 60"] | answered 3 | no answer 1
        warning line 1: columns "V1", "V3" identify respondents (e-mail or IP addresses, names, locations, phone numbers or ids); they are kept but never charted or tabulated, and best removed before the file is shared
        "#,
    );
}

#[test]
fn surveymonkey_question_and_option_rows() {
    check(
        "layout-surveymonkey.csv",
        r#"
        respondents 4, encoding utf-8, delimiter ',', header rows 2, layout surveymonkey
        Respondent ID | identifier | answered 4
        Collector ID | identifier | answered 4
        Start Date | datetime | answered 4
        End Date | datetime | answered 4
        IP Address | identifier | answered 4
        Email Address | identifier | answered 0
        Which tools do you use? | multi | ["NumPy", "pandas", "SciPy", "Other (please specify)"] | answered 3 | no answer 1
        Which tools do you use? [Other (please specify)] | text | group "Which tools do you use?" | answered 1
        How satisfied are you? | ordinal | ["Neither satisfied nor dissatisfied", "Satisfied", "Very satisfied"] | answered 3 | no answer 1
        Comments | text | answered 1
        warning line 1: columns "Respondent ID", "Collector ID", "IP Address", "Email Address" identify respondents (e-mail or IP addresses, names, locations, phone numbers or ids); they are kept but never charted or tabulated, and best removed before the file is shared
        "#,
    );
}

#[test]
fn google_forms_grid_and_comma_joined_multi_select() {
    check(
        "layout-google-forms.csv",
        r#"
        respondents 5, encoding utf-8, delimiter ',', header rows 1, layout one-row
        Timestamp | datetime | answered 5
        Email Address | identifier | answered 5
        Which languages do you use? | multi | ["Python", "R", "Julia", "C, C++ or Fortran"] | answered 5
        How do you rate the docs? [Reference] | grid | group "How do you rate the docs?" | ["Poor", "Fair", "Good", "Very good", "Excellent"] | answered 5
        How do you rate the docs? [Tutorials] | grid | group "How do you rate the docs?" | ["Poor", "Fair", "Good", "Very good", "Excellent"] | answered 4 | no answer 1
        How do you rate the docs? [Examples] | grid | group "How do you rate the docs?" | ["Poor", "Fair", "Good", "Very good", "Excellent"] | answered 5
        How many years have you used Python? | ordinal | ["Less than 1 year", "1-2 years", "3-5 years", "10+ years"] | answered 4 | no answer 1
        Any other comments? | text | answered 3
        warning line 1: column "Email Address" identifies respondents (e-mail or IP addresses, names, locations, phone numbers or ids); it is kept but never charted or tabulated, and best removed before the file is shared
        "#,
    );
}

#[test]
fn limesurvey_codes_with_y_marks_and_an_other_column() {
    check(
        "layout-limesurvey-codes.csv",
        r#"
        respondents 4, encoding utf-8, delimiter ',', header rows 1, layout one-row
        id | identifier | answered 4
        submitdate | datetime | answered 4
        lastpage | identifier | answered 4
        startlanguage | identifier | answered 4
        seed | identifier | answered 4
        Q1 | multi | ["SQ001", "SQ002", "SQ003", "other"] | answered 3 | no answer 1
        Q1[other] | text | group "Q1" | answered 1
        Q2[SQ001] | grid | group "Q2" | ["Disagree", "Agree", "Strongly agree"] | answered 3 | no answer 1
        Q2[SQ002] | grid | group "Q2" | ["Disagree", "Agree", "Strongly agree"] | answered 4
        Q3 | single | ["Yes", "No"] | answered 3 | no answer 1
        warning line 1: columns "id", "seed" identify respondents (e-mail or IP addresses, names, locations, phone numbers or ids); they are kept but never charted or tabulated, and best removed before the file is shared
        "#,
    );
}

#[test]
fn kobo_one_zero_one_column_per_option() {
    check(
        "layout-kobo-0-1-columns.csv",
        r#"
        respondents 4, encoding utf-8, delimiter ',', header rows 1, layout one-row
        start | datetime | answered 4
        end | datetime | answered 4
        today | datetime | answered 4
        deviceid | identifier | answered 4
        fruit (text) | text | text "fruit" | answered 3
        fruit | multi | ["apple", "banana", "cherry"] | answered 3 | no answer 1
        household_size | ordinal | ["2", "4", "5"] | answered 3 | no answer 1
        _id | identifier | answered 4
        _uuid | identifier | answered 4
        _submission_time | datetime | answered 4
        warning line 1: column "fruit" repeats the choices of the "fruit/…" columns after it; they are counted as one multi-select question and this column is kept as text
        warning line 1: columns "deviceid", "_id", "_uuid" identify respondents (e-mail or IP addresses, names, locations, phone numbers or ids); they are kept but never charted or tabulated, and best removed before the file is shared
        "#,
    );
}

#[test]
fn scales_ranges_numbers_dates_and_refusals() {
    check(
        "kinds-scales-ranges-numbers.csv",
        r#"
        respondents 6, encoding utf-8, delimiter ',', header rows 1, layout one-row
        agree_docs | ordinal | ["Disagree", "Agree", "Strongly agree"] | answered 4 | prefer not to answer 2
        importance_speed | ordinal | ["Not at all important", "Somewhat important", "Very important", "Extremely important"] | answered 5 | no answer 1
        use_freq | ordinal | ["Never", "Rarely", "Sometimes", "Often", "Always"] | answered 6
        experience | ordinal | ["Less than 1 year", "1-2 years", "5-10 years", "More than 10 years"] | answered 6
        age | numeric | ["> 65"] | answered 4 | no answer 1 | prefer not to answer 1
        income | ordinal | ["Less than $25,000", "$25,000 - $49,999", "$50,000 - $99,999", "$100,000 or more"] | answered 5 | prefer not to answer 1
        started | datetime | answered 6
        contact | identifier | answered 6
        country | single | ["France", "Kenya", "Chile"] | answered 5 | no answer 1
        warning line 1: column "contact" identifies respondents (e-mail or IP addresses, names, locations, phone numbers or ids); it is kept but never charted or tabulated, and best removed before the file is shared
        "#,
    );
}

#[test]
fn rfc4180_quoting_crlf_and_blank_lines() {
    check(
        "quoting-rfc4180-crlf.csv",
        r#"
        respondents 3, encoding utf-8, delimiter ',', header rows 1, layout one-row
        label | single | ["a, b", "two\r\nlines", "c"] | answered 3
        quote | single | ["He said \"hi\"", "plain"] | answered 2 | no answer 1
        choice | single | ["x", "y"] | answered 3
        warning line 3: 1 blank line was skipped, the first here
        "#,
    );
    check(
        "line-ends-cr.csv",
        r#"
        respondents 2, encoding utf-8, delimiter ',', header rows 1, layout one-row
        q | single | ["x", "y"] | answered 2
        n | numeric | answered 2
        "#,
    );
}

#[test]
fn messy_rows_are_warnings_with_line_numbers() {
    check(
        "messy-ragged-rows.csv",
        r#"
        respondents 5, encoding utf-8, delimiter ',', header rows 1, layout one-row
        q1 | single | ["a", "ax"] | answered 5
        q2 | single | ["b"] | answered 5
        q3 | single | ["c"] | answered 4 | no answer 1
        warning line 3: expected 3 fields, found 2; the missing ones are read as no answer
        warning line 4: expected 3 fields, found 4; the extra ones are ignored
        warning line 5: field 1 has text after its closing quote; it was kept. Quote the whole field, doubling any quote inside it
        warning line 6: 1 blank line was skipped, the first here
        "#,
    );
}

#[test]
fn delimiters_are_sniffed() {
    check(
        "delimiter-semicolon.csv",
        r#"
        respondents 3, encoding utf-8, delimiter ';', header rows 1, layout one-row
        Sprache | single | ["Python", "R"] | answered 3
        Alter | numeric | answered 2 | no answer 1
        "#,
    );
    check(
        "delimiter-tab.tsv",
        r#"
        respondents 3, encoding utf-8, delimiter '\t', header rows 1, layout one-row
        lang | single | ["Python", "Rust"] | answered 3
        years | numeric | answered 2 | no answer 1
        "#,
    );
    check(
        "delimiter-pipe.txt",
        r#"
        respondents 2, encoding utf-8, delimiter '|', header rows 1, layout one-row
        lang | single | ["Python", "Rust"] | answered 2
        years | numeric | answered 2
        "#,
    );
}

#[test]
fn semicolon_files_may_write_decimal_commas() {
    check(
        "delimiter-semicolon-decimal-comma.csv",
        r#"
        respondents 3, encoding utf-8, delimiter ';', header rows 1, layout one-row
        Land | single | ["Deutschland", "Österreich", "Schweiz"] | answered 3
        Stunden pro Woche | numeric | answered 3
        Alter | numeric | answered 2 | no answer 1
        "#,
    );
}

#[test]
fn an_excel_sep_line_names_the_delimiter() {
    // "sep=;" is not a header row: the header is the line after it.
    check(
        "delimiter-excel-sep-line.csv",
        r#"
        respondents 2, encoding utf-8, delimiter ';', header rows 1, layout one-row
        lang | single | ["Python", "Rust"] | answered 2
        years | numeric | answered 2
        "#,
    );
}

#[test]
fn a_given_delimiter_overrides_the_guess() {
    // Read with commas, the semicolon file is one column of "Python;34"-style answers.
    let opts = LoadOptions {
        delimiter: Some(b','),
        ..LoadOptions::default()
    };
    check_with(
        "delimiter-semicolon.csv",
        &opts,
        r#"
        respondents 3, encoding utf-8, delimiter ',', header rows 1, layout one-row
        Sprache;Alter | single | ["Python;34", "R;29", "Python;"] | answered 3
        "#,
    );
}

#[test]
fn encodings_are_recognised_and_stated() {
    for (name, encoding) in [
        ("encoding-utf8-bom.csv", "utf-8-bom"),
        ("encoding-utf16le-bom.csv", "utf-16le"),
        ("encoding-utf16be-no-bom.csv", "utf-16be"),
    ] {
        check(
            name,
            &format!(
                r#"
                respondents 2, encoding {encoding}, delimiter ',', header rows 1, layout one-row
                Pays | single | ["France", "Côte d'Ivoire"] | answered 2
                Réponse | single | ["Très satisfait", "Satisfait"] | answered 2
                "#
            ),
        );
    }
    check(
        "encoding-windows-1252.csv",
        r#"
        respondents 2, encoding windows-1252, delimiter ',', header rows 1, layout one-row
        Pays | single | ["France", "Côte d'Ivoire"] | answered 2
        Réponse | single | ["Très satisfait – oui", "Satisfait"] | answered 2
        warning line 1: the file is not UTF-8; it was read as Windows-1252, the usual encoding of spreadsheets saved on Windows. If accents look wrong, export the file again as UTF-8
        "#,
    );
    check(
        "encoding-damaged-utf8.csv",
        r#"
        respondents 2, encoding utf-8, delimiter ',', header rows 1, layout one-row
        q | single | ["valid é", "bad �"] | answered 2
        warning line 3: bytes that are not valid UTF-8 were replaced with �; the file may be damaged or mix encodings
        "#,
    );
}

#[test]
fn a_codebook_fixes_kinds_options_and_skip_logic() {
    let codebook = parse_codebook(&data("codebook-skip-logic.json")).unwrap();
    let opts = LoadOptions {
        codebook: Some(codebook),
        ..LoadOptions::default()
    };
    // kinds: R_2 answered No and R_5 declined, so the codebook's asked_if (contributed
    // is Yes) did not show them the question; R_3 was shown it and left it blank.
    check_with(
        "codebook-skip-logic.tsv",
        &opts,
        r#"
        respondents 5, encoding utf-8, delimiter '\t', header rows 3, layout qualtrics
        ResponseId | identifier | text "Response ID" | answered 5
        contributed | single | text "Have you contributed?" | ["Yes", "No"] | answered 4 | prefer not to answer 1
        kinds | multi | text "How did you contribute?" | ["Code", "Docs, tutorials", "Other (please specify)", "Mentoring"] | answered 2 | not asked 2 | no answer 1
        kinds_other | text | text "How did you contribute? - Other - Text" | answered 1
        age | numeric | text "Age" | ["> 40"] | answered 4 | no answer 1
        "#,
    );
}

#[test]
fn a_codebook_that_insists_on_categories_meets_the_category_cap() {
    let codebook = parse_codebook(&data("codebook-skip-logic.json")).unwrap();
    let opts = LoadOptions {
        codebook: Some(codebook),
        caps: Caps {
            max_categories: 2,
            ..Caps::default()
        },
        ..LoadOptions::default()
    };
    // ResponseId has five distinct values but is an identifier, so text is fine;
    // contributed has three (Yes, No, Prefer not to answer) and must be categorical.
    let err = load(&data("codebook-skip-logic.tsv"), &opts).unwrap_err();
    assert_eq!(
        err,
        LoadError::TooManyLevels {
            question: "contributed".into(),
            levels: 3,
            cap: 2
        }
    );
    assert!(err.to_string().contains("more than the 2"), "{err}");
}

#[test]
fn unusable_files_are_errors_that_say_where_and_what_to_do() {
    check_error("fail-empty.csv", LoadError::Empty, "line 1: the file is empty");
    check_error(
        "fail-bom-only.csv",
        LoadError::BomOnly { encoding: "UTF-8" },
        "only a UTF-8 byte-order mark",
    );
    check_error(
        "fail-header-only.csv",
        LoadError::HeaderOnly {
            header_rows: 1,
            line: 2,
        },
        "line 2: the file ends after its 1 header row and has no responses",
    );
    check_error(
        "fail-unterminated-quote.csv",
        LoadError::UnterminatedQuote { line: 2, field: 2 },
        "line 2, field 2: a quote opens here and is never closed",
    );
    let err = load(&data("fail-binary-xlsx.csv"), &LoadOptions::default()).unwrap_err();
    assert!(matches!(err, LoadError::NotText { line: 1, .. }), "{err:?}");
    assert!(err.to_string().contains("save the responses as CSV"), "{err}");
    let err = load(&data("fail-binary-nul.csv"), &LoadOptions::default()).unwrap_err();
    assert!(matches!(err, LoadError::NotText { line: 2, .. }), "{err:?}");
}

/// `make_checkboxes_and_lists.py` writes the file and its docstring gives the rule of
/// every column; the kinds and options here are read off those rules.
#[test]
fn checkbox_combinations_are_multi_selects_and_typed_lists_are_text() {
    use canvass_core::QuestionKind;
    let loaded = load(
        &data("kinds-checkboxes-vs-free-text-lists.csv"),
        &LoadOptions::default(),
    )
    .unwrap();
    let ds = &loaded.dataset;
    let question = |id: &str| &ds.questions()[ds.find(id).unwrap()];
    let options = |id: &str| -> Vec<String> {
        let mut options = match &question(id).column {
            Column::Multi(m) => m.options().to_vec(),
            Column::Categorical(c) => c.levels().to_vec(),
            _ => Vec::new(),
        };
        options.sort();
        options
    };
    assert_eq!(ds.n_rows(), 2400);
    assert_eq!(question("Timestamp").kind, QuestionKind::Datetime);
    // Three options and the eight "Other" answers each given in one cell: 15 distinct
    // cells are combinations of these eleven, not eleven plus four more "options".
    let os = "Which operating systems do you use?";
    assert_eq!(question(os).kind, QuestionKind::Multi);
    assert_eq!(
        options(os),
        [
            "Android", "ChromeOS", "FreeBSD", "Haiku", "Linux", "MacOS", "OpenBSD", "Solaris", "WSL", "Windows",
            "iPadOS"
        ]
    );
    assert_eq!(question(os).answered(), 2340);
    // Six options and one-off "Other" editors: 110 distinct cells, a multi-select.
    let editors = "Which of these editors do you use?";
    assert_eq!(question(editors).kind, QuestionKind::Multi);
    let editor_options = options(editors);
    for option in ["Emacs", "Jupyter", "PyCharm", "Spyder", "VS Code", "Vim"] {
        assert!(editor_options.iter().any(|o| o == option), "{option}");
    }
    assert!(editor_options.iter().all(|o| !o.contains(", ")), "{editor_options:?}");
    // Names typed by hand in any case, with a long tail: free text, whatever the commas.
    assert_eq!(question("Which other libraries do you use?").kind, QuestionKind::Text);
    // Scales of five whole numbers, written plainly or with a decimal: ordinal.
    let satisfaction = "Overall satisfaction (1-5)";
    assert_eq!(question(satisfaction).kind, QuestionKind::Ordinal);
    assert_eq!(options(satisfaction), ["1", "2", "3", "4", "5"]);
    let docs = "Satisfaction with the docs";
    assert_eq!(question(docs).kind, QuestionKind::Ordinal);
    assert_eq!(options(docs), ["1.0", "2.0", "3.0", "4.0", "5.0"]);
    // Ages 18 to 74 under a question without the word "age": whole, round edges.
    let age = question("How old are you?");
    assert_eq!(age.kind, QuestionKind::Numeric);
    let (_, edges) = canvass_core::numeric::question_bins(age, None).unwrap();
    let width = edges[1] - edges[0];
    assert!([1.0, 2.0, 5.0, 10.0].contains(&width), "{edges:?}");
    assert!(edges.iter().all(|e| e % width == 0.0), "{edges:?}");
}
