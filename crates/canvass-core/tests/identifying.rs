//! Columns that identify respondents are flagged, kept out of every table and named
//! in a warning: by header (Qualtrics' `IPAddress`, `RecipientEmail`,
//! `LocationLatitude`…) and by answers (phone numbers and coordinates under headers
//! that say nothing). `tests/data/layout-qualtrics-identifying.csv` has four
//! respondents; its flagged columns and counts below were read off the file by hand.

use canvass_core::freq::{freq_table, FreqSpec};
use canvass_core::{load, LoadOptions};

fn loaded() -> canvass_core::Loaded {
    let path =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/layout-qualtrics-identifying.csv");
    load(&std::fs::read(path).unwrap(), &LoadOptions::default()).unwrap()
}

#[test]
fn identifying_columns_are_flagged_by_header_and_by_answers() {
    let loaded = loaded();
    let flagged: Vec<(&str, &str, bool)> = loaded
        .dataset
        .questions()
        .iter()
        .zip(&loaded.identifying)
        .map(|(q, &flag)| (q.id.as_str(), q.kind.as_str(), flag))
        .collect();
    assert_eq!(
        flagged,
        [
            ("StartDate", "datetime", false),
            ("IPAddress", "identifier", true),
            ("ResponseId", "identifier", true),
            ("RecipientLastName", "identifier", true),
            ("RecipientFirstName", "identifier", true),
            ("RecipientEmail", "identifier", true),
            ("LocationLatitude", "identifier", true),
            ("LocationLongitude", "identifier", true),
            ("Q1", "ordinal", false),
            ("Q2", "single", false),
            // Typed-in text (`QID3_TEXT`) whose answers are all phone numbers, and
            // coordinates: identifying by what they hold.
            ("Q3", "identifier", true),
            ("Q4", "identifier", true),
        ]
    );
    assert_eq!(loaded.warnings.len(), 1, "{:?}", loaded.warnings);
    assert_eq!(loaded.warnings[0].line, 1);
    assert_eq!(
        loaded.warnings[0].message,
        "columns \"IPAddress\", \"ResponseId\", \"RecipientLastName\", \"RecipientFirstName\", \
         \"RecipientEmail\", \"LocationLatitude\", \"LocationLongitude\", \"Q3\", \"Q4\" identify respondents (e-mail or IP \
         addresses, names, locations, phone numbers or ids); they are kept but never charted or tabulated, \
         and best removed before the file is shared"
    );
}

#[test]
fn identifying_columns_have_no_table() {
    let loaded = loaded();
    for (idx, q) in loaded.dataset.questions().iter().enumerate() {
        if loaded.identifying[idx] {
            assert!(!q.kind.is_chartable(), "{}", q.id);
            assert!(freq_table(&loaded.dataset, &FreqSpec::new(idx)).is_err(), "{}", q.id);
        }
    }
    // The survey's own questions still count: Q2 is Physics 2, Biology 1, Chemistry 1.
    let q2 = freq_table(
        &loaded.dataset,
        &FreqSpec {
            options: canvass_core::view::TableOptions {
                k: 0,
                ..Default::default()
            },
            ..FreqSpec::new(9)
        },
    )
    .unwrap();
    let counts: Vec<(&str, Option<f64>)> = q2.rows.iter().map(|r| (r.option.as_str(), r.count)).collect();
    assert_eq!(
        counts,
        [("Physics", Some(2.0)), ("Biology", Some(1.0)), ("Chemistry", Some(1.0))]
    );
}

#[test]
fn answers_alone_flag_a_column_under_a_plain_header() {
    let csv = "lang,reach,spot,host\n\
               Python,+44 20 7946 0958,\"51.5072, -0.1276\",192.0.2.10\n\
               Rust,(555) 010-0199,\"59.3293, 18.0686\",198.51.100.7\n\
               Python,555-010-0123,\"-23.5558, -46.6396\",2001:db8::1\n";
    let loaded = load(csv.as_bytes(), &LoadOptions::default()).unwrap();
    let kinds: Vec<&str> = loaded.dataset.questions().iter().map(|q| q.kind.as_str()).collect();
    assert_eq!(kinds, ["single", "identifier", "identifier", "identifier"]);
    assert_eq!(loaded.identifying, [false, true, true, true]);
    assert!(loaded.warnings[0]
        .message
        .starts_with("columns \"reach\", \"spot\", \"host\" identify respondents"));
}

#[test]
fn numbers_dates_and_ranges_are_not_phone_numbers() {
    let csv = "age,when,years,score,span\n34,2021-03-04,1-2,3.5,2019-2020\n41,2021-03-05,3-5,4.25,2020-2021\n29,2021-03-06,10+,1.0,2019-2020\n";
    let loaded = load(csv.as_bytes(), &LoadOptions::default()).unwrap();
    assert_eq!(loaded.identifying, [false; 5]);
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
}
