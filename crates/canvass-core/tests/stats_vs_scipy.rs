//! canvass's statistics against scipy, numpy and pandas on a 200-respondent fixture.
//!
//! `tests/data/survey-200.csv` comes from `make_fixture.py`; the expected numbers in
//! `tests/data/expected-survey-200.json` come from `make_expected.py`, which uses
//! scipy's `chi2_contingency`, `association` and `binomtest(...).proportion_ci("wilson")`,
//! numpy's `histogram`, `histogram_bin_edges(bins="fd")` and `percentile`, and pandas'
//! `crosstab` and `pivot_table`. Nothing here is compared with canvass's own output.

use canvass_core::crosstab::{crosstab, CrosstabSpec};
use canvass_core::dataset::{Bitset, Categorical, CategoricalCell, MultiSelect, NumericCell};
use canvass_core::filter::Filter;
use canvass_core::freq::{freq_table, BaseKind, FreqSpec, Frequencies};
use canvass_core::numeric::numeric_summary;
use canvass_core::view::TableOptions;
use canvass_core::{load, Column, Dataset, LoadOptions, Question, QuestionKind};
use serde_json::Value;

const CSV: &[u8] = include_bytes!("data/survey-200.csv");
const EXPECTED: &str = include_str!("data/expected-survey-200.json");

fn expected() -> Value {
    serde_json::from_str(EXPECTED).unwrap()
}

fn close(a: f64, b: f64, tol: f64, what: &str) {
    assert!(
        (a - b).abs() <= tol * b.abs().max(1.0),
        "{what}: canvass {a}, expected {b}"
    );
}

/// Relative closeness, for p-values far below 1.
fn close_rel(a: f64, b: f64, tol: f64, what: &str) {
    assert!((a - b).abs() <= tol * b.abs(), "{what}: canvass {a}, expected {b}");
}

/// The fixture as loaded, plus "tools" (multi-select from the git/docker/ci 0/1
/// columns) and satisfaction reordered into scale order as an ordinal question.
fn dataset() -> Dataset {
    let loaded = load(CSV, &LoadOptions::default()).unwrap();
    let ds = loaded.dataset;
    let n = ds.n_rows();
    let mut questions: Vec<Question> = ds.questions().to_vec();
    let options = ["git", "docker", "ci"];
    let bits: Vec<Bitset> = options
        .iter()
        .map(|name| {
            let Column::Numeric(col) = &ds.questions()[ds.find(name).unwrap()].column else {
                panic!("{name} is not numeric")
            };
            let mut b = Bitset::new(n);
            for (r, cell) in col.cells().iter().enumerate() {
                if *cell == NumericCell::Value(1.0) {
                    b.insert(r);
                }
            }
            b
        })
        .collect();
    questions.push(Question {
        id: "tools".into(),
        text: "Which tools do you use?".into(),
        kind: QuestionKind::Multi,
        group: None,
        column: Column::Multi(MultiSelect::new(options.map(String::from).to_vec(), bits, vec![None; n]).unwrap()),
    });
    let sat_idx = ds.find("satisfaction").unwrap();
    let Column::Categorical(sat) = &ds.questions()[sat_idx].column else {
        panic!()
    };
    let scale: Vec<String> = ["Very poor", "Poor", "Fair", "Good", "Very good"]
        .map(String::from)
        .to_vec();
    let codes = (0..n)
        .map(|r| match sat.cell(r) {
            CategoricalCell::Level(l) => scale.iter().position(|s| *s == sat.levels()[l as usize]).unwrap() as u16,
            CategoricalCell::Missing(m) => Categorical::code_for(CategoricalCell::Missing(m)),
        })
        .collect();
    questions[sat_idx].kind = QuestionKind::Ordinal;
    questions[sat_idx].column = Column::Categorical(Categorical::new(scale, codes).unwrap());
    Dataset::new(n, questions).unwrap()
}

fn raw() -> TableOptions {
    TableOptions::raw()
}

fn freq(ds: &Dataset, q: &str, options: TableOptions) -> Frequencies {
    freq_table(
        ds,
        &FreqSpec {
            options,
            ..FreqSpec::new(ds.find(q).unwrap())
        },
    )
    .unwrap()
}

fn row<'a>(f: &'a Frequencies, option: &str) -> &'a canvass_core::freq::FreqRow {
    f.rows.iter().find(|r| r.option == option).unwrap()
}

#[test]
fn frequencies_and_wilson_intervals_match_scipy() {
    let ds = dataset();
    let e = &expected()["freq_region"];
    let f = freq(&ds, "region", raw());
    assert_eq!(f.base.n, e["n"].as_f64().unwrap());
    for (label, want) in e["rows"].as_object().unwrap() {
        let r = row(&f, label);
        assert_eq!(r.count, want["count"].as_f64());
        close(r.percent.unwrap(), want["percent"].as_f64().unwrap(), 1e-12, label);
        let ci = r.ci.unwrap();
        close(ci[0], want["ci"][0].as_f64().unwrap(), 1e-9, label);
        close(ci[1], want["ci"][1].as_f64().unwrap(), 1e-9, label);
    }
}

#[test]
fn bases_are_explicit_and_blanks_are_apart() {
    let ds = dataset();
    let e = expected();
    let idx = ds.find("plan").unwrap();
    for (kind, name) in [
        (BaseKind::Answered, "answered"),
        (BaseKind::Asked, "asked"),
        (BaseKind::All, "all"),
    ] {
        let f = freq_table(
            &ds,
            &FreqSpec {
                base: kind,
                options: raw(),
                ..FreqSpec::new(idx)
            },
        )
        .unwrap();
        assert_eq!(f.base.n, e["freq_plan_bases"][name].as_f64().unwrap(), "{name}");
        assert_eq!(f.missing.len(), 1);
        assert_eq!(f.missing[0].count, e["freq_plan_no_answer"].as_f64().unwrap());
    }
}

#[test]
fn crosstab_counts_tests_and_residuals_match_scipy() {
    let ds = dataset();
    let e = &expected()["crosstab_region_plan"];
    let t = crosstab(
        &ds,
        &CrosstabSpec {
            row_idx: ds.find("region").unwrap(),
            col_idx: ds.find("plan").unwrap(),
            row_bin_width: None,
            col_bin_width: None,
            options: raw(),
        },
    )
    .unwrap();
    assert_eq!(t.total, e["total"].as_f64().unwrap());
    for (i, r) in t.row_labels.iter().enumerate() {
        assert_eq!(t.row_totals[i], e["row_totals"][r].as_f64());
        for (j, c) in t.col_labels.iter().enumerate() {
            assert_eq!(t.counts[i][j], e["counts"][r][c].as_f64(), "{r} × {c}");
            let cell = &t.cells[i][j];
            close(
                cell.residual.unwrap(),
                e["residuals"][r][c].as_f64().unwrap(),
                1e-9,
                "residual",
            );
            close(
                cell.row_percent.unwrap(),
                e["row_percent"][r][c].as_f64().unwrap(),
                1e-12,
                "row %",
            );
            close(
                cell.col_percent.unwrap(),
                e["col_percent"][r][c].as_f64().unwrap(),
                1e-12,
                "col %",
            );
            let ci = cell.row_ci.unwrap();
            close(ci[0], e["row_ci"][r][c][0].as_f64().unwrap(), 1e-9, "row ci");
            close(ci[1], e["row_ci"][r][c][1].as_f64().unwrap(), 1e-9, "row ci");
        }
    }
    for (j, c) in t.col_labels.iter().enumerate() {
        assert_eq!(t.col_totals[j], e["col_totals"][c].as_f64());
    }
    let chi2 = t.chi2.unwrap();
    close(chi2.statistic, e["chi2"].as_f64().unwrap(), 1e-10, "chi2");
    assert_eq!(chi2.df as u64, e["df"].as_u64().unwrap());
    close_rel(chi2.p, e["p"].as_f64().unwrap(), 1e-6, "p");
    close(chi2.cramers_v, e["cramers_v"].as_f64().unwrap(), 1e-10, "V");
    assert_eq!(chi2.low_expected_share, e["low_expected_share"].as_f64().unwrap());
    assert!(chi2.warning.is_none());
}

#[test]
fn weighted_crosstab_uses_kish_effective_n_like_the_scipy_script() {
    let ds = dataset();
    let e = &expected()["weighted_crosstab_region_plan"];
    let t = crosstab(
        &ds,
        &CrosstabSpec {
            row_idx: ds.find("region").unwrap(),
            col_idx: ds.find("plan").unwrap(),
            row_bin_width: None,
            col_bin_width: None,
            options: TableOptions {
                weight_idx: ds.find("weight"),
                ..raw()
            },
        },
    )
    .unwrap();
    close(t.total, e["total"].as_f64().unwrap(), 1e-12, "weighted total");
    close(t.effective_n, e["effective_n"].as_f64().unwrap(), 1e-12, "n_eff");
    for (i, r) in t.row_labels.iter().enumerate() {
        for (j, c) in t.col_labels.iter().enumerate() {
            close(
                t.counts[i][j].unwrap(),
                e["counts"][r][c].as_f64().unwrap(),
                1e-12,
                "weighted count",
            );
        }
    }
    let chi2 = t.chi2.unwrap();
    close(chi2.statistic, e["chi2"].as_f64().unwrap(), 1e-9, "weighted chi2");
    close_rel(chi2.p, e["p"].as_f64().unwrap(), 1e-6, "weighted p");
    close(chi2.cramers_v, e["cramers_v"].as_f64().unwrap(), 1e-9, "weighted V");
}

#[test]
fn weighted_frequencies_widen_intervals_to_the_effective_n() {
    let ds = dataset();
    let e = &expected()["weighted_freq_region"];
    let f = freq(
        &ds,
        "region",
        TableOptions {
            weight_idx: ds.find("weight"),
            ..raw()
        },
    );
    close(f.base.n, e["n"].as_f64().unwrap(), 1e-12, "weighted base");
    close(f.effective_n, e["effective_n"].as_f64().unwrap(), 1e-12, "n_eff");
    assert!(f.weighted);
    for (label, want) in e["rows"].as_object().unwrap() {
        let r = row(&f, label);
        close(r.count.unwrap(), want["count"].as_f64().unwrap(), 1e-12, label);
        close(r.percent.unwrap(), want["percent"].as_f64().unwrap(), 1e-12, label);
        close(r.ci.unwrap()[0], want["ci"][0].as_f64().unwrap(), 1e-9, label);
        close(r.ci.unwrap()[1], want["ci"][1].as_f64().unwrap(), 1e-9, label);
    }
}

#[test]
fn filters_match_pandas_boolean_indexing() {
    let ds = dataset();
    let e = &expected()["filtered_plan"];
    let filter = Filter::parse(&ds, &["region=North|South", "age>=30"]).unwrap();
    let f = freq(&ds, "plan", TableOptions { filter, ..raw() });
    assert_eq!(f.respondents as u64, e["respondents"].as_u64().unwrap());
    for (label, want) in e["counts"].as_object().unwrap() {
        assert_eq!(row(&f, label).count, want.as_f64(), "{label}");
    }
    let no_answer = f.missing.iter().map(|m| m.count).sum::<f64>();
    assert_eq!(no_answer, e["no_answer"].as_f64().unwrap());
}

#[test]
fn histograms_match_numpy() {
    let ds = dataset();
    let e = expected();
    for (q, key) in [("age", "age_histogram"), ("income", "income_histogram")] {
        let f = freq(&ds, q, raw());
        let bins = f.bins.as_ref().unwrap();
        let want_edges: Vec<f64> = e[key]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        assert_eq!(bins.edges.len(), want_edges.len(), "{q}");
        for (a, b) in bins.edges.iter().zip(&want_edges) {
            close(*a, *b, 1e-12, q);
        }
        let counts: Vec<f64> = f.rows.iter().map(|r| r.count.unwrap()).collect();
        let want: Vec<f64> = e[key]["counts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        assert_eq!(counts, want, "{q}");
    }
}

#[test]
fn numeric_summary_matches_numpy() {
    let ds = dataset();
    let e = &expected()["age_summary"];
    let s = numeric_summary(&ds, ds.find("age").unwrap(), &raw()).unwrap();
    for field in ["n", "mean", "median", "q1", "q3"] {
        let got = match field {
            "n" => s.n,
            "mean" => s.mean,
            "median" => s.median,
            "q1" => s.q1,
            _ => s.q3,
        };
        close(got.unwrap(), e[field].as_f64().unwrap(), 1e-12, field);
    }
}

#[test]
fn top_two_box_matches_pandas() {
    let ds = dataset();
    let e = &expected()["satisfaction_top2"];
    let f = freq(&ds, "satisfaction", raw());
    let t2 = f.top_two.unwrap();
    assert_eq!(t2.option, "top 2: Good + Very good");
    assert_eq!(t2.count, e["count"].as_f64());
    close(t2.percent.unwrap(), e["percent"].as_f64().unwrap(), 1e-12, "top 2");
    close(t2.ci.unwrap()[0], e["ci"][0].as_f64().unwrap(), 1e-9, "top 2 ci");
    // Scale order is kept.
    let options: Vec<&str> = f.rows.iter().map(|r| r.option.as_str()).collect();
    assert_eq!(options, ["Very poor", "Poor", "Fair", "Good", "Very good"]);
}

#[test]
fn multi_select_crosstab_is_respondent_based_with_holm_tests() {
    let ds = dataset();
    let e = &expected()["multi_tools_plan"];
    let t = crosstab(
        &ds,
        &CrosstabSpec {
            row_idx: ds.find("tools").unwrap(),
            col_idx: ds.find("plan").unwrap(),
            row_bin_width: None,
            col_bin_width: None,
            options: raw(),
        },
    )
    .unwrap();
    assert!(t.row_multi && t.chi2.is_none());
    for (i, r) in t.row_labels.iter().enumerate() {
        assert_eq!(t.row_totals[i], e["row_totals"][r].as_f64(), "{r}");
        for (j, c) in t.col_labels.iter().enumerate() {
            assert_eq!(t.counts[i][j], e["counts"][r][c].as_f64(), "{r} × {c}");
        }
    }
    for (j, c) in t.col_labels.iter().enumerate() {
        assert_eq!(t.col_totals[j], e["col_totals"][c].as_f64(), "{c}");
    }
    let tests = t.option_tests.unwrap();
    assert!(tests.method.contains("Holm"));
    for test in &tests.tests {
        let want = &e["tests"][&test.option];
        close(
            test.statistic.unwrap(),
            want["statistic"].as_f64().unwrap(),
            1e-10,
            &test.option,
        );
        assert_eq!(test.df as u64, want["df"].as_u64().unwrap());
        close_rel(test.p.unwrap(), want["p"].as_f64().unwrap(), 1e-6, &test.option);
        close_rel(
            test.p_holm.unwrap(),
            want["p_holm"].as_f64().unwrap(),
            1e-6,
            &test.option,
        );
    }
}

/// Checks a raw crosstab with a numeric row side against `pd.cut` + `pd.crosstab`.
fn check_binned_crosstab(ds: &Dataset, row: &str, col: &str, key: &str) {
    let e = &expected()[key];
    let t = crosstab(
        ds,
        &CrosstabSpec {
            options: raw(),
            ..CrosstabSpec::new(ds.find(row).unwrap(), ds.find(col).unwrap())
        },
    )
    .unwrap();
    let want_labels: Vec<&str> = e["row_labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(t.row_labels, want_labels, "{key}: bins in order");
    assert_eq!(t.total, e["total"].as_f64().unwrap(), "{key}");
    for (i, r) in t.row_labels.iter().enumerate() {
        // A zero and a withheld cell are both None; k = 0 withholds nothing.
        assert_eq!(
            t.row_totals[i].unwrap_or(0.0),
            e["row_totals"][r].as_f64().unwrap(),
            "{key} {r}"
        );
        for (j, c) in t.col_labels.iter().enumerate() {
            assert_eq!(
                t.counts[i][j].unwrap_or(0.0),
                e["counts"][r][c].as_f64().unwrap(),
                "{key} {r} × {c}"
            );
        }
    }
    for (j, c) in t.col_labels.iter().enumerate() {
        assert_eq!(t.col_totals[j], e["col_totals"][c].as_f64(), "{key} {c}");
    }
}

#[test]
fn numeric_crosstab_sides_match_pandas_cut_and_crosstab() {
    let ds = dataset();
    check_binned_crosstab(&ds, "age", "region", "crosstab_age_region");
    check_binned_crosstab(&ds, "income", "plan", "crosstab_income_plan");
    // The side's bins are the histogram's.
    let t = crosstab(
        &ds,
        &CrosstabSpec {
            options: raw(),
            ..CrosstabSpec::new(ds.find("income").unwrap(), ds.find("plan").unwrap())
        },
    )
    .unwrap();
    let f = freq(&ds, "income", raw());
    let hist_labels: Vec<&str> = f.rows.iter().map(|r| r.option.as_str()).collect();
    assert_eq!(t.row_labels, hist_labels);
}

#[test]
fn a_filtered_histogram_keeps_the_whole_files_bins_like_numpy() {
    let ds = dataset();
    let e = &expected()["income_histogram_north"];
    let filter = Filter::parse(&ds, &["region=North"]).unwrap();
    let f = freq(&ds, "income", TableOptions { filter, ..raw() });
    let edges = &f.bins.as_ref().unwrap().edges;
    let want: Vec<f64> = e["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert_eq!(edges.len(), want.len());
    for (a, b) in edges.iter().zip(&want) {
        close(*a, *b, 1e-12, "edge");
    }
    let counts: Vec<f64> = f.rows.iter().map(|r| r.count.unwrap_or(0.0)).collect();
    let want: Vec<f64> = e["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert_eq!(counts, want);
}
