//! The query layer completes what every face shows: footnotes, cards, intervals, words.

use super::*;
use crate::chart::Chart;
use crate::freq::BaseKind;
use crate::load::{load, LoadOptions};

/// 60 respondents: tool A 30, B 20, C 10; role Student for the first 40.
fn survey() -> Dataset {
    let mut csv = String::from("tool,role\n");
    for i in 0..60 {
        let tool = if i < 30 {
            "A"
        } else if i < 50 {
            "B"
        } else {
            "C"
        };
        let role = if i < 40 { "Student" } else { "Engineer" };
        csv.push_str(&format!("{tool},{role}\n"));
    }
    load(csv.as_bytes(), &LoadOptions::default()).unwrap().dataset
}

fn bars(chart: &Chart) -> &crate::chart::BarSeries {
    match chart {
        Chart::Bars(b) => b,
        other => panic!("expected bars, got {}", other.kind_name()),
    }
}

#[test]
fn a_question_answers_with_its_complete_footnote_and_words() {
    let d = survey();
    let request = ViewRequest {
        filters: vec!["role=Student".into()],
        k: Some(10),
        release: Release {
            name: Some("Tools".into()),
            version: Some("1".into()),
            synthetic: true,
        },
        ..ViewRequest::question("tool")
    };
    let answer = answer(&d, &request).unwrap();
    let footnote = &answer.chart.footnote;
    assert_eq!(footnote.filters, ["role is Student"]);
    assert_eq!(
        footnote.suppression.as_deref(),
        Some("Values based on fewer than 10 respondents, and values that would reveal them, are not shown")
    );
    assert_eq!((footnote.dataset.as_deref(), footnote.synthetic), (Some("Tools"), true));
    assert_eq!(answer.respondents, 40);
    assert_eq!(answer.base_line, "n = 40 of 40");
    assert_eq!(
        answer.filters,
        [FilterText {
            expr: "role=Student".into(),
            text: "role is Student".into()
        }]
    );
    // Students chose A 30 times and B 10 times: 75% and 25%, largest first.
    assert!(
        answer
            .description
            .ends_with("Largest: \u{2068}A\u{2069} 75.0%; \u{2068}B\u{2069} 25.0%."),
        "{}",
        answer.description
    );
    assert!(
        bars(&answer.chart.chart).intervals.is_empty(),
        "intervals only when asked"
    );
    assert!(answer.csv.is_none());
}

#[test]
fn a_card_has_no_title_or_base_and_keeps_the_intervals_asked_for() {
    let d = survey();
    let full = answer(
        &d,
        &ViewRequest {
            k: Some(0),
            intervals: true,
            ..ViewRequest::question("tool")
        },
    )
    .unwrap();
    let card = answer(
        &d,
        &ViewRequest {
            card: true,
            csv: true,
            ..ViewRequest {
                k: Some(0),
                intervals: true,
                ..ViewRequest::question("tool")
            }
        },
    )
    .unwrap();
    assert_eq!(full.chart.chart.title(), "tool");
    assert_eq!(card.chart.chart.title(), "");
    assert!(full.chart.footnote.base.starts_with("Base: 60"));
    assert_eq!(card.chart.footnote.base, "");
    assert_eq!(bars(&card.chart.chart).intervals.len(), 3);
    assert!(card.csv.unwrap().contains("\r\nA,30,50.0,"));
}

#[test]
fn a_breakdown_answers_with_its_test_and_notes() {
    let d = survey();
    let request = ViewRequest {
        by: Some("role".into()),
        k: Some(0),
        ..ViewRequest::question("tool")
    };
    let answer = answer(&d, &request).unwrap();
    assert!(matches!(answer.table, AnswerTable::Crosstab { .. }));
    assert_eq!(answer.base_line, "Base: 60 respondents who answered both questions.");
    // Every Student chose A or B and every Engineer B or C: a strong association.
    let test = answer.test.unwrap();
    assert!(test.starts_with("Differs by “role”: χ² = "), "{test}");
    assert!(
        answer.description.contains("of answers to: tool, by role."),
        "{}",
        answer.description
    );
    assert_eq!(answer.chart.footnote.suppression, None);
}

#[test]
fn names_that_are_not_questions_are_refused_in_words() {
    let d = survey();
    let err = answer(&d, &ViewRequest::question("nope")).unwrap_err().to_string();
    assert!(err.contains("nope"), "{err}");
    let err = answer(
        &d,
        &ViewRequest {
            by: Some("@9".into()),
            ..ViewRequest::question("tool")
        },
    )
    .unwrap_err();
    assert!(err.to_string().contains("@9"), "{err}");
}

#[test]
fn filters_are_named_in_words_by_question_text() {
    let mut csv = String::from("How old are you?,Tools you use,Your role\n");
    for (i, tools) in [
        "NumPy;SciPy",
        "NumPy",
        "SciPy",
        "NumPy;SciPy;pandas",
        "pandas",
        "NumPy;pandas",
    ]
    .iter()
    .cycle()
    .take(30)
    .enumerate()
    {
        csv.push_str(&format!("{},{tools},{}\n", 20 + i, ["Student", "Engineer"][i % 2]));
    }
    let d = load(csv.as_bytes(), &LoadOptions::default()).unwrap().dataset;
    assert_eq!(d.questions()[1].kind, crate::dataset::QuestionKind::Multi);
    let id = |i: usize| d.questions()[i].id.clone();
    let words = |expr: String| {
        let filter = Filter::parse(&d, &[expr]).unwrap();
        filter.conditions[0].in_words(&d)
    };
    assert_eq!(words(format!("{}>=18", id(0))), "How old are you? is at least 18");
    assert_eq!(words(format!("{}>18", id(0))), "How old are you? is more than 18");
    assert_eq!(
        words(format!("{}&=NumPy|SciPy", id(1))),
        "Tools you use includes all of NumPy and SciPy"
    );
    assert_eq!(words(format!("{}=NumPy", id(1))), "Tools you use includes NumPy");
    assert_eq!(
        words(format!("{}=Student|Engineer", id(2))),
        "Your role is Student or Engineer"
    );
    assert_eq!(words(format!("{}=[no answer]", id(2))), "Your role is (no answer)");
}

#[test]
fn zeros_a_filter_forces_are_shown_and_never_cover_a_small_count() {
    // Ages: 40 in their 30s, 17 in their 60s, 6 in their 70s. Filtered to 60 and over,
    // the bins below 60 are empty by the filter's own definition: shown as 0, so the
    // six in their 70s must be covered by the 17, not by those zeros.
    let mut csv = String::from("age,team\n");
    for (age, n) in [(35, 40), (65, 17), (75, 6)] {
        for i in 0..n {
            csv.push_str(&format!("{age},{}\n", ["a", "b"][i % 2]));
        }
    }
    let d = load(csv.as_bytes(), &LoadOptions::default()).unwrap().dataset;
    let answer = answer(
        &d,
        &ViewRequest {
            filters: vec!["age>=60".into()],
            k: Some(10),
            ..ViewRequest::question("age")
        },
    )
    .unwrap();
    let AnswerTable::Frequencies { table, .. } = answer.table else {
        panic!("frequencies expected")
    };
    let count = |label: &str| table.rows.iter().find(|r| r.option == label).map(|r| r.count);
    assert_eq!(count("30–40"), Some(Some(0.0)), "{:?}", table.rows);
    assert_eq!(count("70–80"), Some(None));
    assert_eq!(count("60–70"), Some(None), "the 17 covers the 6: {:?}", table.rows);
}

#[test]
fn a_summary_that_would_single_out_a_few_is_withheld() {
    // 60 give an age; `top` more answer "90 or older", which has no number.
    let summary = |top: usize| {
        let mut csv = String::from("age\n");
        for i in 0..60 {
            csv.push_str(&format!("{}\n", 30 + i % 20));
        }
        for _ in 0..top {
            csv.push_str("90 or older\n");
        }
        let d = load(csv.as_bytes(), &LoadOptions::default()).unwrap().dataset;
        let request = ViewRequest {
            k: Some(10),
            ..ViewRequest::question("age")
        };
        match answer(&d, &request).unwrap().table {
            AnswerTable::Frequencies { table, summary } => (table, summary.unwrap()),
            AnswerTable::Crosstab { .. } => panic!("frequencies expected"),
        }
    };
    // Three top-coded answers are withheld in the table; the table's base (63) less the
    // summary's n (60) would give them away, so the summary is withheld too.
    let (table, three) = summary(3);
    assert_eq!(table.base.n, 63.0);
    assert_eq!(table.rows.last().map(|r| r.count), Some(None), "{:?}", table.rows);
    assert_eq!((three.n, three.mean), (None, None), "{three:?}");
    // Twelve of them are shown in the table, and so is the summary.
    let (_, twelve) = summary(12);
    assert_eq!(twelve.n, Some(60.0));
}

/// 48 respondents rating four statements: the first item's answers differ from the
/// others', so a table of the first item alone would be caught.
fn grid_survey() -> Dataset {
    let mut csv = String::from("Docs [Reference],Docs [Tutorials],Docs [Examples],Docs [Search]\n");
    for i in 0..48 {
        let first = if i < 24 { "Good" } else { "Poor" };
        let rest = if i < 36 { "Good" } else { "Poor" };
        csv.push_str(&format!("{first},{rest},{rest},{rest}\n"));
    }
    load(csv.as_bytes(), &LoadOptions::default()).unwrap().dataset
}

#[test]
fn a_grid_answers_with_every_items_table_and_csv() {
    let d = grid_survey();
    let first = d.questions()[0].id.clone();
    assert_eq!(d.questions()[0].kind, crate::dataset::QuestionKind::Grid);
    let answer = answer(
        &d,
        &ViewRequest {
            csv: true,
            ..ViewRequest::question(&first)
        },
    )
    .unwrap();
    let items: Vec<(&str, usize)> = answer
        .items
        .iter()
        .map(|i| (i.item.as_str(), i.table.rows.len()))
        .collect();
    assert_eq!(
        items,
        [("Reference", 2), ("Tutorials", 2), ("Examples", 2), ("Search", 2)]
    );
    let csv = answer.csv.unwrap();
    let table: Vec<&str> = csv.split("\r\n").skip_while(|l| !l.starts_with("Item,")).collect();
    assert_eq!(table[0], "Item,Answer,Count,Percent,95% interval low,95% interval high");
    let firsts: Vec<String> = table[1..]
        .iter()
        .filter(|l| !l.is_empty())
        .map(|l| l.split(',').take(3).collect::<Vec<_>>().join(","))
        .collect();
    assert_eq!(
        firsts,
        [
            "Reference,Poor,24",
            "Reference,Good,24",
            "Tutorials,Poor,12",
            "Tutorials,Good,36",
            "Examples,Poor,12",
            "Examples,Good,36",
            "Search,Poor,12",
            "Search,Good,36",
        ]
    );
    assert!(csv.contains("Question,Docs\r\n"), "{csv}");
}

#[test]
fn a_base_that_counts_the_unanswered_shows_them_as_rows() {
    // 40 answer A, 20 B and 15 leave it blank.
    let mut csv = String::from("tool,role\n");
    for i in 0..75 {
        csv.push_str(match i {
            0..=39 => "A,x\n",
            40..=59 => "B,x\n",
            _ => ",x\n",
        });
    }
    let d = load(csv.as_bytes(), &LoadOptions::default()).unwrap().dataset;
    let asked = answer(
        &d,
        &ViewRequest {
            base: BaseKind::Asked,
            csv: true,
            ..ViewRequest::question("tool")
        },
    )
    .unwrap();
    let AnswerTable::Frequencies { table, .. } = &asked.table else {
        panic!("one question answers with frequencies")
    };
    let rows: Vec<(&str, Option<f64>, Option<f64>)> = table
        .base_rows
        .iter()
        .map(|r| (r.option.as_str(), r.count, r.percent))
        .collect();
    assert_eq!(rows, [("(no answer)", Some(15.0), Some(20.0))]);
    assert!(asked.csv.unwrap().contains("\r\n(no answer),15,20.0,"));
    let answered = answer(&d, &ViewRequest::question("tool")).unwrap();
    let AnswerTable::Frequencies { table, .. } = &answered.table else {
        panic!("one question answers with frequencies")
    };
    assert!(table.base_rows.is_empty(), "{:?}", table.base_rows);
}

#[test]
fn the_tidy_csv_opens_with_its_header_and_ends_with_comments() {
    let mut csv = String::from("lang,role\n");
    for i in 0..40 {
        let lang = if i < 25 { "C#" } else { "Python, mostly" };
        let role = if i % 2 == 0 { "Student" } else { "Engineer" };
        csv.push_str(&format!("\"{lang}\",{role}\n"));
    }
    let d = load(csv.as_bytes(), &LoadOptions::default()).unwrap().dataset;
    for by in [None, Some("role".to_string())] {
        let request = ViewRequest {
            by: by.clone(),
            k: Some(0),
            csv: true,
            ..ViewRequest::question("lang")
        };
        let tidy = answer(&d, &request).unwrap().tidy_csv.unwrap();
        let lines: Vec<&str> = tidy.split("\r\n").filter(|l| !l.is_empty()).collect();
        assert_eq!(
            lines[0],
            "question,item,answer,group,count,percent,ci_low,ci_high,withheld,withheld_reason"
        );
        // Numbers first, every comment after them; a "#" in an answer is quoted.
        let first_comment = lines.iter().position(|l| l.starts_with('#')).unwrap();
        assert!(lines[first_comment..].iter().all(|l| l.starts_with("# ")), "{tidy}");
        assert!(lines.contains(&"# Question: lang"), "{tidy}");
        assert!(lines[1..first_comment].iter().all(|l| !l.starts_with('#')));
        assert!(lines[1..first_comment].iter().any(|l| l.contains(",\"C#\",")), "{tidy}");
        let records = first_comment - 1;
        if by.is_some() {
            // One record a cell: two answers by two groups, count and percent side by side.
            assert_eq!(records, 4, "{tidy}");
            assert!(
                lines.iter().any(|l| l.starts_with("lang,,\"C#\",Student,13,")),
                "{tidy}"
            );
        } else {
            assert_eq!(records, 2, "{tidy}");
        }
    }
}

#[test]
fn a_weighted_base_says_its_effective_n() {
    let mut csv = String::from("tool,wt\n");
    for i in 0..40 {
        let (tool, wt) = if i < 10 { ("A", "3") } else { ("B", "0.5") };
        csv.push_str(&format!("{tool},{wt}\n"));
    }
    let d = load(csv.as_bytes(), &LoadOptions::default()).unwrap().dataset;
    let plain = answer(
        &d,
        &ViewRequest {
            k: Some(0),
            ..ViewRequest::question("tool")
        },
    )
    .unwrap();
    assert!(!plain.base_line.contains("effective"), "{}", plain.base_line);
    let request = ViewRequest {
        weight: Some("wt".into()),
        k: Some(0),
        ..ViewRequest::question("tool")
    };
    let weighted = answer(&d, &request).unwrap();
    // Weights 3 (×10) and 0.5 (×30): (45)² / (90 + 7.5) ≈ 20.8 respondents' worth.
    assert!(
        weighted.base_line.contains("effective n = 21"),
        "{}",
        weighted.base_line
    );
}

/// A card's outline (see `card_outline`) is as tall as the chart the card then draws,
/// at a phone's width and wider, for every chartable question of files with every kind
/// of card: the page sizes a card's placeholder from it.
#[test]
fn a_cards_outline_is_as_tall_as_its_drawn_chart() {
    use crate::chart::adapt::card_outline;
    use crate::chart::{preferred_height_with_footnote, ChartStyle};
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data");
    let mut kinds = std::collections::BTreeSet::new();
    let mut compared = 0;
    for file in [
        "cards-every-kind.csv",
        "export-google-forms-40.csv",
        "export-qualtrics-60.csv",
        "kinds-scales-ranges-numbers.csv",
        "labelled/survey-mrsets.sav",
    ] {
        let bytes = std::fs::read(data.join(file)).unwrap();
        let d = load(&bytes, &LoadOptions::default()).unwrap().dataset;
        for (idx, q) in d.questions().iter().enumerate() {
            let Some((chart, footnote)) = card_outline(&d, idx) else {
                assert!(!q.kind.is_chartable(), "{file}: {}", q.id);
                continue;
            };
            let request = ViewRequest {
                card: true,
                ..ViewRequest::question(&q.id)
            };
            // A card too small to show says so instead of drawing.
            let Ok(drawn) = answer(&d, &request) else { continue };
            assert_eq!(chart.kind_name(), drawn.chart.chart.kind_name(), "{file}: {}", q.id);
            kinds.insert(chart.kind_name());
            for width in [300, 375, 640, 1200] {
                let style = ChartStyle::default();
                assert_eq!(
                    preferred_height_with_footnote(&chart, &footnote, width, &style),
                    preferred_height_with_footnote(&drawn.chart.chart, &drawn.chart.footnote, width, &style),
                    "{file}: {} at {width} px",
                    q.id
                );
            }
            compared += 1;
        }
    }
    assert!(compared >= 20, "{compared} cards compared");
    assert_eq!(kinds.len(), 5, "{kinds:?}");
}

#[test]
fn a_rankings_items_tables_and_csv_follow_its_chart() {
    let bytes =
        std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/cards-every-kind.csv"))
            .unwrap();
    let d = load(&bytes, &LoadOptions::default()).unwrap().dataset;
    let request = ViewRequest {
        csv: true,
        ..ViewRequest::question("Rank these priorities [Speed]")
    };
    let ranking = answer(&d, &request).unwrap();
    let Chart::Rank(rank) = &ranking.chart.chart else {
        panic!("a ranking")
    };
    // The file's rule (see tests/data/README.md) gives Packaging the highest score and
    // Speed the lowest, the reverse of their columns.
    assert_eq!(rank.items, ["Packaging", "Docs", "Speed"]);
    assert!(rank.borda.windows(2).all(|w| w[0] >= w[1]), "{:?}", rank.borda);
    let items: Vec<&str> = ranking.items.iter().map(|i| i.item.as_str()).collect();
    assert_eq!(items, rank.items);
    // Each item keeps its own table: Packaging is ranked first most often.
    let firsts = |t: &Frequencies| t.rows[0].count;
    assert!(firsts(&ranking.items[0].table) > firsts(&ranking.items[2].table));
    let csv = ranking.csv.unwrap();
    let order: Vec<&str> = ["Packaging", "Docs", "Speed"]
        .into_iter()
        .filter(|item| csv.contains(item))
        .collect();
    assert_eq!(order.len(), 3, "{csv}");
    let at = |item: &str| {
        csv.find(&format!("\n{item},"))
            .unwrap_or_else(|| panic!("{item}: {csv}"))
    };
    assert!(at("Packaging") < at("Docs") && at("Docs") < at("Speed"), "{csv}");
}
