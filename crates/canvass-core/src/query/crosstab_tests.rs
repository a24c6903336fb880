//! Crosstab views answered end to end: numbers checked by hand, withheld cells, refusals.

use super::*;
use crate::chart::adapt::ChartKind;
use crate::chart::GroupedTable;
use crate::crosstab::PercentMode;
use crate::load::{load, LoadOptions};

/// A CSV with `n` copies of each (use, role, daily) combination given.
fn survey(groups: &[(&str, &str, &str, usize)]) -> Dataset {
    let mut csv = String::from("use,role,daily\n");
    for &(use_, role, daily, n) in groups {
        for _ in 0..n {
            csv.push_str(&format!("{use_},{role},{daily}\n"));
        }
    }
    load(csv.as_bytes(), &LoadOptions::default()).unwrap().dataset
}

/// "use" by "role", with intervals, as the page asks for it.
fn view(_dataset: &Dataset, k: usize, percent: PercentMode, filters: &[&str]) -> ViewRequest {
    ViewRequest {
        by: Some("role".into()),
        filters: filters.iter().map(|f| f.to_string()).collect(),
        k: Some(k),
        percent,
        intervals: true,
        release: Release {
            name: Some("Test survey".into()),
            version: Some("2.1".into()),
            synthetic: true,
        },
        ..ViewRequest::question("use")
    }
}

/// The chart, footnote and table `answer` gives for `request`.
fn chart_for_crosstab_view(
    dataset: &Dataset,
    request: &ViewRequest,
) -> Result<(Chart, Footnote, Crosstab), ChartError> {
    let answer = answer(dataset, request)?;
    match answer.table {
        AnswerTable::Crosstab { crosstab, .. } => Ok((answer.chart.chart, answer.chart.footnote, crosstab)),
        AnswerTable::Frequencies { .. } => panic!("a crosstab request answered with frequencies"),
    }
}

fn grouped(chart: &Chart) -> &GroupedTable {
    match chart {
        Chart::Grouped(t) | Chart::Stacked(t) | Chart::Heatmap(t) => t,
        other => panic!("not a crosstab chart: {}", other.kind_name()),
    }
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-9)
}

// By hand: Student Yes 30 / No 10 (40), Engineer Yes 10 / No 20 (30); 70 in all.
// Column %: Student 75 / 25, Engineer 33.3 / 66.7. Row %: Yes (40) 75 / 25,
// No (30) 33.3 / 66.7. Chi-square = n(ad − bc)² / (r1 r2 c1 c2) = 70 · 500² /
// (40 · 30 · 40 · 30) = 12.15; each adjusted residual is ±3.49, beyond 1.96.
const TWO_BY_TWO: [(&str, &str, &str, usize); 4] = [
    ("Yes", "Student", "yes", 30),
    ("No", "Student", "yes", 10),
    ("Yes", "Engineer", "yes", 10),
    ("No", "Engineer", "yes", 20),
];

#[test]
fn column_percent_chart_matches_hand_counts_and_marks_differences() {
    let d = survey(&TWO_BY_TWO);
    let (chart, footnote, table) = chart_for_crosstab_view(&d, &view(&d, 5, PercentMode::Column, &[])).unwrap();
    let g = grouped(&chart);
    assert_eq!(g.row_labels, ["Yes", "No"]);
    assert_eq!(g.col_labels, ["Student", "Engineer"]);
    assert!(close(g.cells[0][0], 75.0) && close(g.cells[1][0], 25.0));
    assert!(close(g.cells[0][1], 100.0 / 3.0) && close(g.cells[1][1], 200.0 / 3.0));
    assert_eq!(g.col_bases, [Some(40.0), Some(30.0)]);
    assert_eq!(g.significant, [[true, true], [true, true]]);
    let chi2 = table.chi2.unwrap();
    assert!((chi2.statistic - 70.0 * 500.0f64.powi(2) / 1_440_000.0).abs() < 1e-9);
    assert_eq!(footnote.base, "Base: 70 respondents who answered both questions");
    assert_eq!(
        footnote.sentences().last().unwrap(),
        "Synthetic data: generated for illustration, not real responses."
    );
    assert!(footnote
        .sentences()
        .contains(&"Data: Test survey, version 2.1.".to_string()));
}

#[test]
fn row_percent_chart_is_the_table_transposed() {
    let d = survey(&TWO_BY_TWO);
    let (chart, _, _) = chart_for_crosstab_view(&d, &view(&d, 5, PercentMode::Row, &[])).unwrap();
    let g = grouped(&chart);
    assert_eq!(g.row_labels, ["Student", "Engineer"]);
    assert_eq!(g.col_labels, ["Yes", "No"]);
    assert!(close(g.cells[0][0], 75.0) && close(g.cells[1][0], 25.0));
    assert!(close(g.cells[0][1], 100.0 / 3.0) && close(g.cells[1][1], 200.0 / 3.0));
    assert_eq!(g.col_bases, [Some(40.0), Some(30.0)]);
}

#[test]
fn a_filter_narrows_the_counts_and_is_named_in_the_footnote() {
    // The 30 Student–Yes split 12 daily, 18 not; everyone else is daily. Daily only:
    // Student Yes 12 / No 10 (22), Engineer Yes 10 / No 20 (30): 52.
    let mut groups = TWO_BY_TWO.to_vec();
    groups[0].3 = 12;
    groups.push(("Yes", "Student", "no", 18));
    let d = survey(&groups);
    let (chart, footnote, table) =
        chart_for_crosstab_view(&d, &view(&d, 5, PercentMode::Column, &["daily=yes"])).unwrap();
    assert_eq!(table.counts, [[Some(12.0), Some(10.0)], [Some(10.0), Some(20.0)]]);
    // No (30) outnumbers Yes (22) now, and is drawn first, as in the bar chart of "use".
    let g = grouped(&chart);
    assert_eq!(g.row_labels, ["No", "Yes"]);
    assert!(close(g.cells[1][0], 100.0 * 12.0 / 22.0));
    assert_eq!(footnote.filters, ["daily is yes"]);
    assert_eq!(footnote.base, "Base: 52 respondents who answered both questions");
}

#[test]
fn withheld_cells_stay_withheld_in_the_chart_and_carry_no_mark() {
    // Other–Yes holds 3 respondents, below k = 5.
    let d = survey(&[
        ("Yes", "Student", "yes", 20),
        ("No", "Student", "yes", 20),
        ("Yes", "Engineer", "yes", 25),
        ("No", "Engineer", "yes", 15),
        ("Yes", "Other", "yes", 3),
        ("No", "Other", "yes", 17),
    ]);
    // Column percents by hand, rows Yes/No, columns Student/Engineer/Other.
    let by_hand = [[50.0, 62.5, 15.0], [50.0, 37.5, 85.0]];
    for kind in [ChartKind::Grouped, ChartKind::Stacked, ChartKind::Heatmap] {
        let mut v = view(&d, 5, PercentMode::Column, &[]);
        v.chart = Some(kind);
        let (chart, footnote, table) = chart_for_crosstab_view(&d, &v).unwrap();
        assert_eq!(chart.kind_name(), kind.name());
        let g = grouped(&chart);
        assert_eq!(table.col_labels, ["Student", "Engineer", "Other"]);
        assert_eq!(table.counts[0][2], None, "the small cell is withheld");
        assert_eq!(g.cells[0][2], None);
        for (r, hand_row) in by_hand.iter().enumerate() {
            for (c, &hand) in hand_row.iter().enumerate() {
                match table.counts[r][c] {
                    None => {
                        assert_eq!(g.cells[r][c], None, "cell {r},{c}");
                        assert!(!g.significant[r][c], "cell {r},{c}");
                    }
                    Some(_) if table.col_totals[c].is_some() => assert!(close(g.cells[r][c], hand), "cell {r},{c}"),
                    Some(_) => assert_eq!(g.cells[r][c], None),
                }
            }
        }
        assert_eq!(
            footnote.suppression.as_deref(),
            Some("Cells based on fewer than 5 respondents, and cells that would reveal them, are not shown")
        );
    }
}

#[test]
fn refusals_and_one_question_kinds_are_errors_in_words() {
    let d = survey(&TWO_BY_TWO);
    // 70 respondents answered both, below k = 80: the table is refused.
    let err = chart_for_crosstab_view(&d, &view(&d, 80, PercentMode::Column, &[])).unwrap_err();
    assert!(err.to_string().contains("fewer than 80"), "{err}");
    let mut v = view(&d, 5, PercentMode::Column, &[]);
    v.chart = Some(ChartKind::Bar);
    let err = chart_for_crosstab_view(&d, &v).unwrap_err();
    assert!(err.to_string().contains("grouped, stacked or heatmap"), "{err}");
}
#[test]
fn intervals_follow_the_drawn_percent_and_withheld_cells_have_none() {
    // Wilson 95% intervals by hand (python, z = 1.959964): 30 of 40 → 59.81–85.81%,
    // 10 of 30 → 19.23–51.22%.
    let d = survey(&TWO_BY_TWO);
    let near = |got: Option<[f64; 2]>, want: [f64; 2]| {
        got.is_some_and(|[lo, hi]| (lo - want[0]).abs() < 0.01 && (hi - want[1]).abs() < 0.01)
    };
    let (chart, _, _) = chart_for_crosstab_view(&d, &view(&d, 5, PercentMode::Column, &[])).unwrap();
    let g = grouped(&chart);
    assert!(near(g.intervals[0][0], [59.81, 85.81]), "{:?}", g.intervals);
    assert!(near(g.intervals[0][1], [19.23, 51.22]), "{:?}", g.intervals);
    assert_eq!(g.k, 5);
    // Row percents: Yes is 30 Students of 40, No 10 Students of 30 (transposed).
    let (chart, _, _) = chart_for_crosstab_view(&d, &view(&d, 5, PercentMode::Row, &[])).unwrap();
    let g = grouped(&chart);
    assert!(near(g.intervals[0][0], [59.81, 85.81]), "{:?}", g.intervals);
    assert!(near(g.intervals[0][1], [19.23, 51.22]), "{:?}", g.intervals);
    // Other–Yes holds 3 respondents, below k = 5: no value, no interval.
    let d = survey(&[
        ("Yes", "Student", "yes", 20),
        ("No", "Student", "yes", 20),
        ("Yes", "Other", "yes", 3),
        ("No", "Other", "yes", 17),
    ]);
    let (chart, _, _) = chart_for_crosstab_view(&d, &view(&d, 5, PercentMode::Column, &[])).unwrap();
    let g = grouped(&chart);
    for (r, row) in g.cells.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            if value.is_none() {
                assert_eq!(g.intervals[r][c], None, "cell {r},{c}");
            }
        }
    }
    assert_eq!(g.cells[0][1], None);
}

#[test]
fn more_groups_than_colours_default_to_a_heatmap() {
    let roles = ["A", "B", "C", "D", "E", "F", "G", "H"];
    let groups = |n: usize| -> Vec<(&str, &str, &str, usize)> {
        roles[..n]
            .iter()
            .flat_map(|r| [("Yes", *r, "yes", 6), ("No", *r, "yes", 6)])
            .collect()
    };
    let seven = survey(&groups(7));
    let (chart, _, _) = chart_for_crosstab_view(&seven, &view(&seven, 5, PercentMode::Column, &[])).unwrap();
    assert_eq!(chart.kind_name(), "grouped");
    let eight = survey(&groups(8));
    let (chart, _, _) = chart_for_crosstab_view(&eight, &view(&eight, 5, PercentMode::Column, &[])).unwrap();
    assert_eq!(chart.kind_name(), "heatmap");
    assert_eq!(grouped(&chart).col_labels.len(), 8);
    // Row percents put the two answers in the columns: two colours, grouped bars.
    let (chart, _, _) = chart_for_crosstab_view(&eight, &view(&eight, 5, PercentMode::Row, &[])).unwrap();
    assert_eq!(chart.kind_name(), "grouped");
    // Asked for by name, grouped bars stay grouped bars.
    let mut v = view(&eight, 5, PercentMode::Column, &[]);
    v.chart = Some(ChartKind::Grouped);
    let (chart, _, _) = chart_for_crosstab_view(&eight, &v).unwrap();
    assert_eq!(chart.kind_name(), "grouped");
}

#[test]
fn a_breakdown_by_default_is_percent_within_each_group_titled_by_the_question() {
    let d = survey(&[("Work", "Student", "Yes", 20), ("Study", "Engineer", "No", 20)]);
    let answer = answer(
        &d,
        &ViewRequest {
            by: Some("role".into()),
            ..ViewRequest::question("use")
        },
    )
    .unwrap();
    let AnswerTable::Crosstab { shown, .. } = &answer.table else {
        panic!("a breakdown answers with a crosstab")
    };
    assert_eq!(shown.heading, "Percent of each column");
    assert_eq!(answer.chart.chart.title(), "use");
}

/// Kish's effective n of the weights given, `(Σw)² / Σw²`, computed here from the raw
/// weights rather than by the code under test.
fn kish(weights: &[f64]) -> f64 {
    let sum: f64 = weights.iter().sum();
    sum * sum / weights.iter().map(|w| w * w).sum::<f64>()
}

#[test]
fn a_weighted_crosstab_says_its_effective_n() {
    // "use" by "role" with unequal weights; two respondents answer only one of the two
    // questions, and are not in the table's base.
    let mut csv = String::from("use,role,wt\n");
    let mut in_table = Vec::new();
    for i in 0..48 {
        let (use_, role) = (["Yes", "No"][i % 2], ["Student", "Engineer", "Other"][i % 3]);
        let wt = [0.4, 1.0, 2.5, 4.0][i % 4];
        csv.push_str(&format!("{use_},{role},{wt}\n"));
        in_table.push(wt);
    }
    csv.push_str("Yes,,9\n,Student,9\n");
    let d = load(csv.as_bytes(), &LoadOptions::default()).unwrap().dataset;
    let request = |weight: Option<&str>| ViewRequest {
        by: Some("role".into()),
        weight: weight.map(String::from),
        k: Some(0),
        ..ViewRequest::question("use")
    };
    let plain = answer(&d, &request(None)).unwrap();
    assert!(!plain.base_line.contains("effective"), "{}", plain.base_line);
    let weighted = answer(&d, &request(Some("wt"))).unwrap();
    let expected = kish(&in_table);
    // By hand: twelve each of 0.4, 1, 2.5 and 4, so Σw = 94.8 and Σw² = 280.92, and the
    // 48 respondents are worth 94.8² / 280.92 ≈ 31.99.
    assert!((expected - 31.99).abs() < 0.01, "{expected}");
    assert!(
        weighted
            .base_line
            .ends_with(&format!("; weighted; effective n = {}.", expected.round())),
        "{}",
        weighted.base_line
    );
}

#[test]
fn a_nominal_questions_breakdown_lists_its_answers_as_its_bar_chart_does() {
    // "use" in the file's order: Maybe, No, Other, Yes; by count: Yes 30, No 20,
    // Maybe 10, and "Other" last whatever its count.
    let d = survey(&[
        ("Maybe", "Student", "Yes", 10),
        ("No", "Student", "Yes", 12),
        ("Other", "Engineer", "No", 15),
        ("Yes", "Student", "No", 18),
        ("Yes", "Engineer", "Yes", 12),
        ("No", "Engineer", "No", 8),
    ]);
    let bars = answer(
        &d,
        &ViewRequest {
            k: Some(0),
            ..ViewRequest::question("use")
        },
    )
    .unwrap();
    let Chart::Bars(series) = &bars.chart.chart else {
        panic!("bars")
    };
    let drawn: Vec<&str> = bars.row_order.iter().map(|&i| series.categories[i].as_str()).collect();
    assert_eq!(drawn, ["Yes", "No", "Maybe", "Other"]);
    for percent in [PercentMode::Column, PercentMode::Row, PercentMode::Counts] {
        let request = ViewRequest {
            csv: true,
            ..view(&d, 0, percent, &[])
        };
        let crosstab = answer(&d, &request).unwrap();
        let AnswerTable::Crosstab { crosstab: table, shown } = &crosstab.table else {
            panic!("a crosstab")
        };
        // The statistic keeps the file's order; what is shown follows the chart.
        assert_eq!(table.row_labels, ["Maybe", "No", "Other", "Yes"]);
        let in_order: Vec<&str> = crosstab
            .row_order
            .iter()
            .map(|&i| table.row_labels[i].as_str())
            .collect();
        assert_eq!(in_order, drawn, "{percent:?}");
        assert_eq!(shown.row_labels, drawn, "{percent:?}");
        // Every number stays with its answer: Yes is 18 students and 12 engineers.
        let students = table.col_labels.iter().position(|c| c == "Student").unwrap();
        if percent == PercentMode::Counts {
            assert_eq!(shown.cells[0][students].value, Some(18.0));
            assert_eq!(shown.row_margins[0], Some(30.0));
        }
        let chart = grouped(&crosstab.chart.chart);
        let chart_answers = if percent == PercentMode::Row {
            &chart.col_labels
        } else {
            &chart.row_labels
        };
        assert_eq!(chart_answers, &drawn, "{percent:?}");
        // The CSV's records follow: each answer's first field, after the header lines.
        let csv = crosstab.csv.unwrap();
        let firsts: Vec<&str> = csv
            .lines()
            .filter_map(|l| l.split(',').next())
            .filter(|f| drawn.contains(f))
            .collect();
        assert_eq!(firsts, drawn, "{csv}");
    }
    // A scale keeps its own order in a breakdown, as in its bar chart.
    let scale = survey(&[
        ("Never", "Student", "Yes", 5),
        ("Sometimes", "Student", "No", 20),
        ("Always", "Engineer", "No", 10),
    ]);
    let AnswerTable::Crosstab { shown, .. } = answer(&scale, &view(&scale, 0, PercentMode::Column, &[]))
        .unwrap()
        .table
    else {
        panic!("a crosstab")
    };
    assert_eq!(shown.row_labels, ["Never", "Sometimes", "Always"]);
}
