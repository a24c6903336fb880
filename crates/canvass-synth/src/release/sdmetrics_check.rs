//! canvass's release report against independent tools on a committed fixture: 400
//! respondents of the R Community Survey 2019 and a synthpop CART release of them
//! (`tests/data/release-fixture/`). The expected figures come from
//! `scripts/release/score_sdmetrics.py` (SDMetrics, statsmodels, scipy), which
//! rewrites `sdmetrics.json`; a drift in canvass's numbers fails here.

use super::matched::{as_categories, match_file, Matched, MatchedVar};
use super::report::{score, DcrInput, ScoreInput};
use super::utility::pair_scores;
use canvass_core::codebook::parse_codebook;
use canvass_core::{load, Dataset, LoadOptions};
use serde_json::Value;

const RAW: &[u8] = include_bytes!("../../tests/data/release-fixture/raw.tsv");
const CODEBOOK: &[u8] = include_bytes!("../../tests/data/release-fixture/codebook.json");
const RELEASE: &[u8] = include_bytes!("../../tests/data/release-fixture/synthpop/responses.tsv");
const DCR_SYNTHETIC: &[u8] = include_bytes!("../../tests/data/release-fixture/synthpop/dcr-synthetic.tsv");
const EXPECTED: &str = include_str!("../../tests/data/release-fixture/sdmetrics.json");

/// Figures computed the same way on the same cells agree to rounding.
const EXACT: f64 = 1e-9;

fn read(bytes: &[u8]) -> Dataset {
    let codebook = parse_codebook(CODEBOOK).unwrap();
    let options = LoadOptions {
        codebook: Some(codebook),
        ..LoadOptions::default()
    };
    load(bytes, &options).unwrap().dataset
}

fn close(what: &str, got: f64, want: f64, tolerance: f64) {
    assert!(
        (got - want).abs() <= tolerance,
        "{what}: canvass {got}, independent tools {want} (tolerance {tolerance})"
    );
}

fn number(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("{v} is not a number"))
}

#[test]
fn release_report_agrees_with_sdmetrics_statsmodels_and_scipy() {
    let expected: Value = serde_json::from_str(EXPECTED).unwrap();
    let raw = read(RAW);
    let release = read(RELEASE);
    let dcr_synthetic = read(DCR_SYNTHETIC);
    let fit: Vec<usize> = (0..raw.n_rows()).step_by(2).collect();
    let held: Vec<usize> = (1..raw.n_rows()).step_by(2).collect();
    let input = ScoreInput {
        raw: &raw,
        released: vec![("responses.tsv", &release)],
        quasi: &[],
        dcr: Some(DcrInput {
            fit_rows: &fit,
            held_out_rows: &held,
            synthetic: &dcr_synthetic,
        }),
        dcr_swapped: None,
    };
    let report = score(&input, &mut |_, _| {});
    let u = &report.utility.files[0];

    // Column Shapes: TVComplement per category, KSComplement per number.
    let shapes = expected["shapes"].as_object().unwrap();
    assert_eq!(u.variables.len(), shapes.len(), "the same variables are scored");
    for v in &u.variables {
        let want = &shapes[&v.name];
        assert_eq!(v.metric, want["metric"].as_str().unwrap(), "{}", v.name);
        close(&v.name, v.score, number(&want["score"]), EXACT);
    }
    close(
        "Column Shapes",
        u.column_shapes.unwrap(),
        number(&expected["column_shapes"]),
        EXACT,
    );

    // Column Pair Trends: two categories or two numbers are computed alike. A number
    // against a category is binned differently: SDMetrics bins each side on its own
    // range (so raw and synthetic bins differ, and one outlier squeezes the rest into
    // a few bins) and puts the maximum with the blanks; canvass bins both sides on the
    // raw range. Those pairs are left out of the exact comparison, and the averages
    // differ by them alone.
    let m: Matched = match_file("responses.tsv", &raw, &release, &[]);
    let scored: Vec<&MatchedVar> = m.vars.iter().filter(|v| v.scored).collect();
    let cats: Vec<_> = scored.iter().map(|v| as_categories(v)).collect();
    let (pairs, _) = pair_scores(&scored, &cats, &mut || {});
    let want_pairs = expected["pairs"].as_array().unwrap();
    assert_eq!(pairs.len(), want_pairs.len());
    let (mut same_kind, mut mixed) = (0usize, 0usize);
    for want in want_pairs {
        let (a, b) = (want["a"].as_str().unwrap(), want["b"].as_str().unwrap());
        let got = pairs
            .iter()
            .find(|p| (p.a == a && p.b == b) || (p.a == b && p.b == a))
            .unwrap_or_else(|| panic!("pair {a} × {b} not scored"));
        let kind = |n: &str| expected["sdtypes"][n].as_str().unwrap();
        if kind(a) == kind(b) {
            same_kind += 1;
            assert_eq!(got.metric, want["metric"].as_str().unwrap(), "{a} × {b}");
            close(&format!("{a} × {b}"), got.score.unwrap(), number(&want["score"]), EXACT);
        } else {
            mixed += 1;
        }
    }
    assert!(
        same_kind > 100 && mixed > 0,
        "{same_kind} pairs compared, {mixed} mixed"
    );
    close(
        "Column Pair Trends",
        u.pairs.column_pair_trends.unwrap(),
        number(&expected["column_pair_trends"]),
        0.03,
    );
    close(
        "Column Pair Trends over associated pairs",
        u.pairs.column_pair_trends_associated.unwrap(),
        number(&expected["column_pair_trends_default_thresholds"]),
        0.03,
    );
    if std::env::var_os("SHOW_REPORT").is_some() {
        eprintln!("{}", serde_json::to_string_pretty(&report).unwrap());
    }

    // pMSE: statsmodels' logistic fit of the same main-effects design with the same
    // ridge.
    let p = u.pmse.as_ref().unwrap();
    let want = &expected["pmse"];
    assert_eq!(p.k as u64, want["k"].as_u64().unwrap());
    close("pMSE", p.pmse, number(&want["pmse"]), 1e-3 * number(&want["pmse"]));
    close(
        "S_pMSE",
        p.s_pmse,
        number(&want["s_pmse"]),
        1e-3 * number(&want["s_pmse"]),
    );

    // Conclusions kept: scipy's chi2_contingency without continuity correction.
    let c = &u.conclusions;
    let want = &expected["conclusions"];
    assert_eq!(c.n_tested as u64, want["n_tested"].as_u64().unwrap());
    assert_eq!(c.n_significant_raw as u64, want["n_significant_raw"].as_u64().unwrap());
    assert_eq!(c.n_kept as u64, want["n_kept"].as_u64().unwrap());
    assert_eq!(c.n_spurious as u64, want["n_spurious"].as_u64().unwrap());

    // CI overlap: statsmodels' Wilson intervals.
    let want = &expected["ci_overlap"];
    assert_eq!(u.ci_overlap.n_estimates as u64, want["n_estimates"].as_u64().unwrap());
    close("CI overlap", u.ci_overlap.mean.unwrap(), number(&want["mean"]), EXACT);

    // Distances: SDMetrics' DCR (mean of per-column distances).
    let dcr = report.risk.dcr.as_ref().unwrap();
    assert_eq!(dcr.n_compared, dcr.n_synthetic, "small enough to compare every row");
    close(
        "DCROverfittingProtection closer_to_training",
        dcr.closer_to_fit,
        number(&expected["dcr_overfitting_protection"]["closer_to_training"]),
        EXACT,
    );
    close(
        "DCRBaselineProtection median DCR of the synthetic data",
        report.risk.files[0].median_dcr_to_raw.unwrap(),
        number(&expected["dcr_baseline_protection"]["median_dcr_synthetic"]),
        EXACT,
    );
}
