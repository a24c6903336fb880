//! Small tables whose every number was worked out by hand (the arithmetic is in the
//! comments): multi-select bases, scales, rankings, numbers with top-coded answers,
//! weights, Holm's adjustment, and the view checks.

use canvass_core::crosstab::holm;
use canvass_core::dataset::{Bitset, Categorical, CategoricalCell, MultiSelect, Numeric, NumericCell};
use canvass_core::error::StatsError;
use canvass_core::filter::Filter;
use canvass_core::freq::{diverging_segments, freq_table, BaseKind, FreqSpec, Frequencies, PercentOf};
use canvass_core::numeric::numeric_summary;
use canvass_core::rank::rank_summary;
use canvass_core::view::TableOptions;
use canvass_core::{Column, Dataset, Missing, Question, QuestionKind};

fn question(id: &str, kind: QuestionKind, column: Column) -> Question {
    Question {
        id: id.into(),
        text: id.into(),
        kind,
        group: None,
        column,
    }
}

fn categorical(levels: &[&str], cells: &[Option<usize>], missing: Missing) -> Column {
    let codes = cells
        .iter()
        .map(|c| match c {
            Some(l) => *l as u16,
            None => Categorical::code_for(CategoricalCell::Missing(missing)),
        })
        .collect();
    Column::Categorical(Categorical::new(levels.iter().map(|s| s.to_string()).collect(), codes).unwrap())
}

/// Six respondents choosing among x, y, z:
/// r0 {x, y}, r1 {x}, r2 {} (answered, nothing), r3 not asked, r4 {y, z}, r5 declined.
fn tools() -> Dataset {
    let n = 6;
    let picks: [&[usize]; 3] = [&[0, 1], &[0, 4], &[4]];
    let selected = picks
        .iter()
        .map(|rows| {
            let mut b = Bitset::new(n);
            for &r in *rows {
                b.insert(r);
            }
            b
        })
        .collect();
    let missing = vec![None, None, None, Some(Missing::NotAsked), None, Some(Missing::Declined)];
    let multi = MultiSelect::new(vec!["x".into(), "y".into(), "z".into()], selected, missing).unwrap();
    Dataset::new(n, vec![question("tools", QuestionKind::Multi, Column::Multi(multi))]).unwrap()
}

fn raw_freq(ds: &Dataset, q: usize, base: BaseKind, percent_of: PercentOf) -> Frequencies {
    freq_table(
        ds,
        &FreqSpec {
            base,
            percent_of,
            options: TableOptions::raw(),
            ..FreqSpec::new(q)
        },
    )
    .unwrap()
}

fn counts_and_percents(f: &Frequencies) -> Vec<(String, f64, f64)> {
    f.rows
        .iter()
        .map(|r| (r.option.clone(), r.count.unwrap(), r.percent.unwrap()))
        .collect()
}

#[test]
fn multi_select_percent_of_respondents_sums_past_100_and_keeps_none_apart() {
    let ds = tools();
    // x: r0 r1 = 2; y: r0 r4 = 2; z: r4 = 1. Answered: r0 r1 r2 r4 = 4.
    let f = raw_freq(&ds, 0, BaseKind::Answered, PercentOf::Respondents);
    assert_eq!(f.base.n, 4.0);
    assert_eq!(f.percent_of, "respondents");
    assert_eq!(
        counts_and_percents(&f),
        [
            ("x".into(), 2.0, 50.0),
            ("y".into(), 2.0, 50.0),
            ("z".into(), 1.0, 25.0)
        ]
    );
    let none = f.selected_none.as_ref().unwrap();
    assert_eq!((none.count, none.percent), (Some(1.0), Some(25.0)));
    let missing: Vec<(Missing, f64)> = f.missing.iter().map(|m| (m.reason, m.count)).collect();
    assert_eq!(missing, [(Missing::NotAsked, 1.0), (Missing::Declined, 1.0)]);
    // Asked adds the declined r5: 5. All: 6.
    assert_eq!(raw_freq(&ds, 0, BaseKind::Asked, PercentOf::Respondents).base.n, 5.0);
    assert_eq!(raw_freq(&ds, 0, BaseKind::All, PercentOf::Respondents).base.n, 6.0);
}

#[test]
fn multi_select_percent_of_selections_sums_to_100() {
    // Five selections in all: 2/5, 2/5, 1/5.
    let f = raw_freq(&tools(), 0, BaseKind::Answered, PercentOf::Selections);
    assert_eq!(f.percent_of, "selections");
    assert_eq!(f.base.n, 5.0);
    assert_eq!(
        counts_and_percents(&f),
        [
            ("x".into(), 2.0, 40.0),
            ("y".into(), 2.0, 40.0),
            ("z".into(), 1.0, 20.0)
        ]
    );
}

#[test]
fn multi_select_filters_include_any_or_all_and_missing_states() {
    let ds = tools();
    let rows = |expr: &str| -> Vec<usize> {
        let f = Filter::parse(&ds, &[expr]).unwrap();
        f.mask(&ds)
            .iter()
            .enumerate()
            .filter(|(_, &m)| m)
            .map(|(i, _)| i)
            .collect()
    };
    assert_eq!(rows("tools=x"), [0, 1]);
    assert_eq!(rows("tools=y|z"), [0, 4]);
    assert_eq!(rows("tools&=x|y"), [0]);
    assert_eq!(rows("tools=[not asked]"), [3]);
    assert_eq!(rows("tools=[declined]|z"), [4, 5]);
}

#[test]
fn scales_keep_their_order_with_top_two_and_diverging_segments() {
    // 1, 1, 2, 4, 2 of ten: 10, 10, 20, 40, 20 percent.
    let levels = ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"];
    let cells: Vec<Option<usize>> = [0, 1, 2, 2, 3, 3, 3, 3, 4, 4].iter().map(|&l| Some(l)).collect();
    let ds = Dataset::new(
        10,
        vec![question(
            "q",
            QuestionKind::Ordinal,
            categorical(&levels, &cells, Missing::NoAnswer),
        )],
    )
    .unwrap();
    let f = raw_freq(&ds, 0, BaseKind::Answered, PercentOf::Respondents);
    let order: Vec<&str> = f.rows.iter().map(|r| r.option.as_str()).collect();
    assert_eq!(order, levels);
    let top = f.top_two.as_ref().unwrap();
    assert_eq!((top.count, top.percent), (Some(6.0), Some(60.0)));
    // Neutral straddles zero (-10..10); disagreement stacks left of -10, agreement
    // right of 10.
    let segments: Vec<(f64, f64)> = f.diverging.unwrap().iter().map(|s| (s.start, s.end)).collect();
    assert_eq!(
        segments,
        [
            (-30.0, -20.0),
            (-20.0, -10.0),
            (-10.0, 10.0),
            (10.0, 50.0),
            (50.0, 70.0)
        ]
    );
    // An even scale splits at zero: 10, 20 | 30, 40.
    let rows = ["a", "b", "c", "d"]
        .iter()
        .zip([10.0, 20.0, 30.0, 40.0])
        .map(|(o, p)| canvass_core::freq::FreqRow {
            option: o.to_string(),
            count: Some(p),
            percent: Some(p),
            ci: None,
            withheld: None,
        })
        .collect::<Vec<_>>();
    let segments: Vec<(f64, f64)> = diverging_segments(&rows)
        .unwrap()
        .iter()
        .map(|s| (s.start, s.end))
        .collect();
    assert_eq!(segments, [(-30.0, -20.0), (-20.0, 0.0), (0.0, 30.0), (30.0, 70.0)]);
}

#[test]
fn rankings_get_borda_scores_and_first_place_shares() {
    // Ranks of items A, B, C by five respondents (r4 ranked nothing, r3 only A):
    //   r0 1 2 3 | r1 2 1 3 | r2 1 3 2 | r3 1 - - | r4 - - -
    // Points 4 - rank: A 3+2+3+3 = 11, B 2+3+1 = 6, C 1+1+2 = 4, over the 4 who ranked.
    let ranks: [[Option<usize>; 5]; 3] = [
        [Some(0), Some(1), Some(0), Some(0), None],
        [Some(1), Some(0), Some(2), None, None],
        [Some(2), Some(2), Some(1), None, None],
    ];
    let questions = ["A", "B", "C"]
        .iter()
        .zip(ranks)
        .map(|(id, cells)| Question {
            group: Some("priorities".into()),
            ..question(
                id,
                QuestionKind::Rank,
                categorical(&["1", "2", "3"], &cells, Missing::NoAnswer),
            )
        })
        .collect();
    let ds = Dataset::new(5, questions).unwrap();
    let r = rank_summary(&ds, "priorities", &TableOptions::raw()).unwrap();
    assert_eq!(r.n, 4.0);
    let got: Vec<(f64, f64, f64)> = r
        .items
        .iter()
        .map(|i| (i.borda.unwrap(), i.first_count.unwrap(), i.first_percent.unwrap()))
        .collect();
    assert_eq!(got, [(2.75, 3.0, 75.0), (1.5, 1.0, 25.0), (1.0, 0.0, 0.0)]);
    let err = rank_summary(&ds, "nope", &TableOptions::raw()).unwrap_err();
    assert!(err.to_string().contains("no question"), "{err}");
}

/// score: 5, 15, 25, "90+", "90+", blank.
fn scores() -> Dataset {
    let cells = vec![
        NumericCell::Value(5.0),
        NumericCell::Value(15.0),
        NumericCell::Value(25.0),
        NumericCell::Coded(0),
        NumericCell::Coded(0),
        NumericCell::Missing(Missing::NoAnswer),
    ];
    let col = Numeric::new(cells, vec!["90+".into()]).unwrap();
    Dataset::new(6, vec![question("score", QuestionKind::Numeric, Column::Numeric(col))]).unwrap()
}

#[test]
fn top_coded_answers_are_a_bin_of_their_own_and_stay_out_of_the_summary() {
    let ds = scores();
    let f = freq_table(
        &ds,
        &FreqSpec {
            bin_width: Some(10.0),
            options: TableOptions::raw(),
            ..FreqSpec::new(0)
        },
    )
    .unwrap();
    let rows: Vec<(String, f64)> = f.rows.iter().map(|r| (r.option.clone(), r.count.unwrap())).collect();
    assert_eq!(
        rows,
        [
            ("0–10".into(), 1.0),
            ("10–20".into(), 1.0),
            ("20–30".into(), 1.0),
            ("90+".into(), 2.0)
        ]
    );
    assert_eq!(f.base.n, 5.0);
    // 5, 15, 25: mean 15, median 15, quartiles 10 and 20 (linear interpolation).
    let s = numeric_summary(&ds, 0, &TableOptions::raw()).unwrap();
    assert_eq!(
        (s.n, s.mean, s.median, s.q1, s.q3),
        (Some(3.0), Some(15.0), Some(15.0), Some(10.0), Some(20.0))
    );
}

#[test]
fn histogram_bins_and_summaries_obey_k() {
    // Ages 21 22 23 | 31 | 41 42 43 44, plus four blanks (a view of 12).
    let mut cells: Vec<NumericCell> = [21.0, 22.0, 23.0, 31.0, 41.0, 42.0, 43.0, 44.0]
        .into_iter()
        .map(NumericCell::Value)
        .collect();
    cells.extend([NumericCell::Missing(Missing::NoAnswer); 4]);
    let col = Numeric::new(cells, Vec::new()).unwrap();
    let ds = Dataset::new(12, vec![question("age", QuestionKind::Numeric, Column::Numeric(col))]).unwrap();
    let with_k = |k| TableOptions {
        k,
        ..TableOptions::default()
    };
    // k = 3: the 30s (1) are withheld and so is the smaller other decade (3).
    let f = freq_table(
        &ds,
        &FreqSpec {
            options: with_k(3),
            ..FreqSpec::new(0)
        },
    )
    .unwrap();
    let counts: Vec<Option<f64>> = f.rows.iter().map(|r| r.count).collect();
    assert_eq!(counts, [None, None, Some(4.0)]);
    assert_eq!(numeric_summary(&ds, 0, &with_k(3)).unwrap().n, Some(8.0));
    // k = 10: eight numbers are too few to summarise, and too few for a base.
    let s = numeric_summary(&ds, 0, &with_k(10)).unwrap();
    assert_eq!((s.n, s.mean, s.median), (None, None, None));
    let err = freq_table(
        &ds,
        &FreqSpec {
            options: with_k(10),
            ..FreqSpec::new(0)
        },
    )
    .unwrap_err();
    assert!(matches!(err, StatsError::BaseTooSmall { k: 10, .. }), "{err}");
}

#[test]
fn weights_scale_counts_and_shrink_the_effective_n() {
    // Two respondents weighing 1 and 3 answer a and b: 25% and 75% of weight 4;
    // Kish n = 4^2 / (1 + 9) = 1.6.
    let answer = categorical(&["a", "b"], &[Some(0), Some(1)], Missing::NoAnswer);
    let weight = Numeric::new(vec![NumericCell::Value(1.0), NumericCell::Value(3.0)], Vec::new()).unwrap();
    let ds = Dataset::new(
        2,
        vec![
            question("q", QuestionKind::Single, answer),
            question("w", QuestionKind::Numeric, Column::Numeric(weight)),
        ],
    )
    .unwrap();
    let f = freq_table(
        &ds,
        &FreqSpec {
            options: TableOptions {
                weight_idx: Some(1),
                ..TableOptions::raw()
            },
            ..FreqSpec::new(0)
        },
    )
    .unwrap();
    assert_eq!(
        counts_and_percents(&f),
        [("a".into(), 1.0, 25.0), ("b".into(), 3.0, 75.0)]
    );
    assert!((f.effective_n - 1.6).abs() < 1e-12);
    let bad = freq_table(
        &ds,
        &FreqSpec {
            options: TableOptions {
                weight_idx: Some(0),
                ..TableOptions::raw()
            },
            ..FreqSpec::new(0)
        },
    )
    .unwrap_err();
    assert!(bad.to_string().contains("must be numeric"), "{bad}");
}

#[test]
fn holm_adjusts_step_down_by_hand() {
    // Sorted 0.01, 0.03, 0.04 times 3, 2, 1: 0.03, 0.06, 0.04 -> running max 0.06.
    let adjusted = holm(&[0.01, 0.04, 0.03]);
    let expected = [0.03, 0.06, 0.06];
    for (a, e) in adjusted.iter().zip(expected) {
        assert!((a - e).abs() < 1e-15, "{adjusted:?}");
    }
    assert_eq!(holm(&[0.5, 0.9]), [1.0, 1.0]);
}

#[test]
fn a_redundant_condition_does_not_hide_a_small_difference() {
    // 20 answer x, 3 answer y, 10 answer z. "q=x" alone widens to everyone by 13;
    // with the redundant "q=x|y", dropping "q=x" widens the view by the 3 y's.
    let cells: Vec<Option<usize>> = std::iter::repeat_n(Some(0), 20)
        .chain(std::iter::repeat_n(Some(1), 3))
        .chain(std::iter::repeat_n(Some(2), 10))
        .collect();
    let ds = Dataset::new(
        33,
        vec![question(
            "q",
            QuestionKind::Single,
            categorical(&["x", "y", "z"], &cells, Missing::NoAnswer),
        )],
    )
    .unwrap();
    let spec = |exprs: &[&str]| FreqSpec {
        options: TableOptions {
            filter: Filter::parse(&ds, exprs).unwrap(),
            ..TableOptions::default()
        },
        ..FreqSpec::new(0)
    };
    let ok = freq_table(&ds, &spec(&["q=x"]));
    assert!(ok.is_ok(), "{ok:?}");
    let err = freq_table(&ds, &spec(&["q=x", "q=x|y"])).unwrap_err();
    assert!(matches!(err, StatsError::Differencing { k: 10, .. }), "{err}");
    assert!(err.to_string().contains("q=x"), "{err}");
    let err = freq_table(&ds, &spec(&["q=y"])).unwrap_err();
    assert_eq!(err, StatsError::UniverseTooSmall { k: 10 });
}

#[test]
fn a_numeric_crosstab_side_has_the_histograms_bins_with_top_codes_last_and_obeys_k() {
    use canvass_core::crosstab::{crosstab, CrosstabSpec};
    // Scores 5 15 25 90+ 90+ (blank) against group a a b b a b:
    //   0–10: a 1 | 10–20: a 1 | 20–30: b 1 | 90+: b 1, a 1; the blank is left out.
    let mut ds = scores();
    let group = categorical(
        &["a", "b"],
        &[Some(0), Some(0), Some(1), Some(1), Some(0), Some(1)],
        Missing::NoAnswer,
    );
    let mut questions = ds.questions().to_vec();
    questions.push(question("group", QuestionKind::Single, group));
    ds = Dataset::new(6, questions).unwrap();
    let spec = CrosstabSpec {
        row_bin_width: Some(10.0),
        options: TableOptions::raw(),
        ..CrosstabSpec::new(0, 1)
    };
    let t = crosstab(&ds, &spec).unwrap();
    assert_eq!(t.row_labels, ["0–10", "10–20", "20–30", "90+"]);
    let counts: Vec<Vec<f64>> = t
        .counts
        .iter()
        .map(|r| r.iter().map(|c| c.unwrap_or(0.0)).collect())
        .collect();
    assert_eq!(counts, [[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]);
    assert_eq!(t.total, 5.0);
    // Under disclosure control only the default bins are shown (a second width could
    // be subtracted from the first). The default for whole numbers is Freedman–Diaconis
    // rounded to a round width: IQR 10 over n = 3 gives 13.9, so width 20, bins 0–20
    // (a 2), 20–40 (b 1) and 90+ (a 1, b 1). With k = 2 the lone respondent of 20–40
    // must be free to be 0 or 2; beside the total of 5 that takes another row total,
    // and with it the 2 of a in 0–20: nothing is shown.
    let with_k = |row_bin_width| CrosstabSpec {
        row_bin_width,
        options: TableOptions {
            k: 2,
            ..TableOptions::default()
        },
        ..spec.clone()
    };
    let err = crosstab(&ds, &with_k(Some(10.0))).unwrap_err();
    assert!(err.to_string().contains("binned only its default way"), "{err}");
    let t = crosstab(&ds, &with_k(None)).unwrap();
    assert_eq!(t.row_labels, ["0–20", "20–40", "90+"]);
    assert_eq!(t.counts, [[None, None], [None, None], [None, None]]);
}

#[test]
fn sixteen_conditions_are_checked_and_a_seventeenth_is_refused() {
    // 30 answer x, 10 answer y. Sixteen copies of "q=x" keep the 30; dropping any set of
    // them changes nothing unless all go, which adds the 10 y's (not fewer than k).
    let cells: Vec<Option<usize>> = std::iter::repeat_n(Some(0), 30)
        .chain(std::iter::repeat_n(Some(1), 10))
        .collect();
    let ds = Dataset::new(
        40,
        vec![question(
            "q",
            QuestionKind::Single,
            categorical(&["x", "y"], &cells, Missing::NoAnswer),
        )],
    )
    .unwrap();
    let spec = |copies: usize, extra: &[&str]| {
        let mut exprs = vec!["q=x"; copies];
        exprs.extend_from_slice(extra);
        FreqSpec {
            options: TableOptions {
                filter: Filter::parse(&ds, &exprs).unwrap(),
                ..TableOptions::default()
            },
            ..FreqSpec::new(0)
        }
    };
    let f = freq_table(&ds, &spec(16, &[])).unwrap();
    assert_eq!(f.respondents, 30);
    assert_eq!(f.rows[0].count, Some(30.0));
    let err = freq_table(&ds, &spec(17, &[])).unwrap_err();
    assert!(err.to_string().contains("at most 16 conditions"), "{err}");
    // With "q=x|y" among them the view is the same, and dropping every "q=x" widens
    // it by the 10 y's: still allowed.
    assert!(freq_table(&ds, &spec(15, &["q=x|y"])).is_ok());
}
