//! One small example of every chart kind, shaped like a developer-community survey.
//!
//! The numbers are invented (each footnote says so); they exist so that tests in the
//! core, the CLI and the browser draw the same charts, and so a style change can be
//! looked at across every kind at once.

use super::input::{BarOrder, BarSeries, Chart, Footnote, GroupedTable, Histogram, LikertRows, RankScores};

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn some(values: &[f64]) -> Vec<Option<f64>> {
    values.iter().map(|&v| Some(v)).collect()
}

/// A footnote for the examples: invented numbers, so marked synthetic.
pub fn footnote(base: &str) -> Footnote {
    Footnote {
        base: base.to_string(),
        dataset: Some("canvass examples".to_string()),
        version: Some("1".to_string()),
        synthetic: true,
        ..Footnote::default()
    }
}

/// A nominal question: sorted by size, "Other" and the refusal last, with intervals.
pub fn nominal() -> Chart {
    let counts = [742.0, 151.0, 74.0, 52.0, 37.0, 25.0, 99.0, 36.0];
    let n: f64 = counts.iter().sum();
    let pct: Vec<f64> = counts.iter().map(|c| 100.0 * c / n).collect();
    Chart::Bars(BarSeries {
        title: "Which programming language do you use most often for your work?".into(),
        categories: strings(&[
            "Python",
            "C or C++",
            "R",
            "Julia",
            "Rust",
            "Fortran",
            "Other (please specify)",
            "Prefer not to answer",
        ]),
        values: some(&pct),
        counts: some(&counts),
        intervals: pct
            .iter()
            .zip(&counts)
            .map(|(p, _)| {
                let half = 1.96 * (p * (100.0 - p) / n).sqrt();
                Some([(p - half).max(0.0), (p + half).min(100.0)])
            })
            .collect(),
        axis_label: "% of respondents who answered".into(),
        ..BarSeries::default()
    })
}

/// An ordinal question: bars in scale order, one value withheld (`None`).
pub fn ordinal() -> Chart {
    Chart::Bars(BarSeries {
        title: "How often do you use NumPy?".into(),
        categories: strings(&[
            "Every day",
            "A few times a week",
            "A few times a month",
            "Less often",
            "Never",
        ]),
        values: vec![Some(48.2), Some(31.5), Some(12.9), Some(6.7), None],
        counts: vec![Some(596.0), Some(389.0), Some(159.0), Some(83.0), None],
        axis_label: "% of respondents who answered".into(),
        order: BarOrder::AsGiven,
        ..BarSeries::default()
    })
}

/// A multi-select question: percentages of respondents, adding up past 100.
pub fn multi() -> Chart {
    Chart::Bars(BarSeries {
        title: "Which parts of NumPy do you use? (choose all that apply)".into(),
        categories: strings(&[
            "Array creation and indexing",
            "Linear algebra (numpy.linalg)",
            "Random numbers (numpy.random)",
            "Fourier transforms (numpy.fft)",
            "The C API",
            "None of the above",
        ]),
        values: some(&[91.3, 58.4, 66.0, 21.7, 6.2, 1.1]),
        counts: some(&[1128.0, 722.0, 816.0, 268.0, 77.0, 14.0]),
        axis_label: "% of respondents".into(),
        ..BarSeries::default()
    })
}

/// A numeric question as a histogram.
pub fn histogram() -> Chart {
    Chart::Histogram(Histogram {
        title: "How old are you?".into(),
        edges: (0..=11).map(|i| 15.0 + 5.0 * i as f64).collect(),
        counts: some(&[21.0, 164.0, 298.0, 263.0, 187.0, 121.0, 80.0, 46.0, 27.0, 12.0, 5.0]),
        axis_label: "Age (years)".into(),
    })
}

/// A crosstab: how people learned NumPy, by role; two cells marked significant.
pub fn crosstab() -> GroupedTable {
    GroupedTable {
        title: "How did you first learn NumPy?".into(),
        col_title: "Role".into(),
        row_labels: strings(&[
            "University course",
            "Online tutorial",
            "Official documentation",
            "From a colleague",
        ]),
        col_labels: strings(&["Student", "Researcher", "Engineer"]),
        cells: vec![
            some(&[52.0, 31.0, 18.0]),
            some(&[27.0, 30.0, 41.0]),
            vec![Some(13.0), Some(24.0), None],
            some(&[8.0, 15.0, 19.0]),
        ],
        significant: vec![
            vec![true, false, false],
            vec![false, false, true],
            vec![false, false, false],
            vec![false, false, false],
        ],
        col_bases: some(&[312.0, 405.0, 298.0]),
        ..GroupedTable::default()
    }
}

/// Agreement with statements about the documentation, with a "Don't know" level.
pub fn likert() -> Chart {
    Chart::Diverging(LikertRows {
        title: "How far do you agree with these statements about NumPy's documentation?".into(),
        items: strings(&[
            "It is easy to find what I need",
            "It is up to date",
            "It has enough examples",
            "It explains the concepts behind the functions",
        ]),
        levels: strings(&[
            "Strongly disagree",
            "Disagree",
            "Neutral",
            "Agree",
            "Strongly agree",
            "Don't know",
        ]),
        cells: vec![
            some(&[4.0, 12.0, 20.0, 44.0, 17.0, 3.0]),
            some(&[2.0, 6.0, 25.0, 45.0, 16.0, 6.0]),
            some(&[9.0, 24.0, 23.0, 30.0, 11.0, 3.0]),
            vec![Some(6.0), Some(18.0), None, Some(35.0), Some(12.0), Some(4.0)],
        ],
    })
}

/// A ranking of priorities.
pub fn rank() -> Chart {
    Chart::Rank(RankScores {
        title: "Rank these priorities for NumPy's next year".into(),
        items: strings(&[
            "Performance",
            "Documentation",
            "Stability",
            "New features",
            "GPU support",
        ]),
        borda: some(&[2.61, 2.34, 2.02, 1.55, 1.48]),
        first_place: some(&[34.0, 23.0, 18.0, 14.0, 11.0]),
        max_score: 4.0,
    })
}

/// Every kind, named as the CLI names them, with a footnote.
pub fn all() -> Vec<(&'static str, Chart, Footnote)> {
    let base = footnote("Base: 1,216 respondents who answered");
    vec![
        ("nominal", nominal(), base.clone()),
        ("ordinal", ordinal(), {
            let mut f = footnote("Base: 1,227 respondents who answered");
            f.suppression = Some("Values based on fewer than 10 respondents are not shown".into());
            f
        }),
        ("multi", multi(), {
            let mut f = footnote("Base: 1,235 respondents");
            f.notes.push("Respondents could choose more than one answer".into());
            f
        }),
        (
            "histogram",
            histogram(),
            footnote("Base: 1,224 respondents who gave their age"),
        ),
        (
            "grouped",
            Chart::Grouped(crosstab()),
            footnote("Base: 1,015 respondents who answered both questions"),
        ),
        (
            "stacked",
            Chart::Stacked(crosstab()),
            footnote("Base: 1,015 respondents who answered both questions"),
        ),
        (
            "heatmap",
            Chart::Heatmap(crosstab()),
            footnote("Base: 1,015 respondents who answered both questions"),
        ),
        ("diverging", likert(), footnote("Base: 1,130 respondents who answered")),
        ("rank", rank(), footnote("Base: 986 respondents who ranked all five")),
    ]
}
