//! The cell-key release option on the bundled NumPy 2020 release: every count within
//! the p-table's bounds of the truth, the same cell perturbed alike however it is
//! reached, the same answer on every request, and the audit's differencing attack,
//! exact on unprotected tables, mostly wrong on perturbed ones.

use canvass_core::dataset::Column;
use canvass_core::disclosure::cell_key::MAX_PERTURBATION;
use canvass_core::query::{answer, AnswerTable, ViewRequest};
use canvass_core::{load, Dataset, LoadOptions};

fn numpy() -> Dataset {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../www/data/numpy-2020/");
    let bytes = std::fs::read(format!("{root}responses.tsv")).unwrap();
    let codebook =
        canvass_core::codebook::parse_codebook(&std::fs::read(format!("{root}codebook.json")).unwrap()).unwrap();
    let opts = LoadOptions {
        codebook: Some(codebook),
        ..LoadOptions::default()
    };
    load(&bytes, &opts).unwrap().dataset
}

const SECRET: &str = "the release's secret";

fn request(question: &str, by: Option<&str>, filters: &[&str], secret: Option<&str>) -> ViewRequest {
    ViewRequest {
        by: by.map(str::to_string),
        filters: filters.iter().map(|f| f.to_string()).collect(),
        // Unprotected unless perturbed: the truth the perturbed tables are held to.
        k: Some(0),
        cell_key_secret: secret.map(str::to_string),
        ..ViewRequest::question(question)
    }
}

fn freq(ds: &Dataset, question: &str, filters: &[&str], secret: Option<&str>) -> canvass_core::freq::Frequencies {
    match answer(ds, &request(question, None, filters, secret)).unwrap().table {
        AnswerTable::Frequencies { table, .. } => table,
        AnswerTable::Crosstab { .. } => unreachable!(),
    }
}

fn cards(ds: &Dataset) -> Vec<String> {
    ds.questions()
        .iter()
        .filter(|q| q.kind.is_chartable() && q.kind != canvass_core::QuestionKind::Numeric)
        .map(|q| q.id.clone())
        .collect()
}

#[test]
fn every_count_stays_within_the_p_table_and_zero_stays_zero() {
    let ds = numpy();
    let (mut moved, mut counts, mut small) = (0, 0, 0);
    for q in cards(&ds) {
        let truth = freq(&ds, &q, &[], None);
        let shown = freq(&ds, &q, &[], Some(SECRET));
        assert!(shown.perturbed && !truth.perturbed, "{q}");
        let mut pairs: Vec<(f64, f64)> = truth
            .rows
            .iter()
            .zip(&shown.rows)
            .map(|(t, s)| (t.count.unwrap(), s.count.unwrap()))
            .collect();
        pairs.push((truth.base.n, shown.base.n));
        pairs.push((truth.respondents as f64, shown.respondents as f64));
        for (t, s) in pairs {
            counts += 1;
            assert!((s - t).abs() <= MAX_PERTURBATION as f64, "{q}: {t} shown as {s}");
            assert_eq!(t == 0.0, s == 0.0, "{q}: {t} shown as {s}");
            moved += usize::from(s != t);
            small += usize::from((1.0..10.0).contains(&t));
        }
        for row in &shown.rows {
            let p = row.percent.unwrap();
            assert!((0.0..=100.0).contains(&p), "{q}: {p}%");
        }
    }
    // The p-table leaves 40% of counts as they are; far fewer moved means it is not applied.
    assert!(counts > 300 && small > 20, "{counts} counts, {small} small");
    assert!(moved * 100 > counts * 45, "only {moved} of {counts} counts moved");
}

#[test]
fn the_same_request_gets_the_same_counts_and_another_secret_others() {
    let ds = numpy();
    let mut differ = 0;
    for q in cards(&ds).iter().take(20) {
        let a = freq(&ds, q, &["demographics.gender=Male"], Some(SECRET));
        let b = freq(&ds, q, &["demographics.gender=Male"], Some(SECRET));
        assert_eq!(a, b, "{q}");
        let other = freq(&ds, q, &["demographics.gender=Male"], Some("another secret"));
        differ += usize::from(other.rows != a.rows);
    }
    assert!(differ >= 10, "another secret changed only {differ} of 20 tables");
}

#[test]
fn a_cell_reached_by_a_filter_or_in_a_crosstab_is_perturbed_alike() {
    let ds = numpy();
    let cross = match answer(
        &ds,
        &request("demographics.degree", Some("demographics.gender"), &[], Some(SECRET)),
    )
    .unwrap()
    .table
    {
        AnswerTable::Crosstab { crosstab, .. } => crosstab,
        AnswerTable::Frequencies { .. } => unreachable!(),
    };
    let mut compared = 0;
    for (j, gender) in cross.col_labels.iter().enumerate() {
        let filter = format!("demographics.gender={gender}");
        let filtered = freq(&ds, "demographics.degree", &[&filter], Some(SECRET));
        let truth = freq(&ds, "demographics.degree", &[&filter], None);
        // The same respondents: those of this gender who gave this degree, and those of
        // this gender who gave any degree.
        for (i, row) in filtered.rows.iter().enumerate() {
            assert_eq!(row.count, cross.counts[i][j], "{} × {gender}", row.option);
            compared += usize::from(row.count != truth.rows[i].count);
        }
        assert_eq!(Some(filtered.base.n), cross.col_totals[j], "{gender}'s base");
    }
    assert!(compared >= 4, "only {compared} compared cells were perturbed at all");
}

/// The condition keeping those `condition` leaves out: the other options and every
/// missing state.
fn complement(ds: &Dataset, condition: &str) -> String {
    let (q, chosen) = condition.split_once('=').unwrap();
    let question = &ds.questions()[ds.find(q).unwrap()];
    let Column::Categorical(col) = &question.column else {
        panic!("{q}: a single-choice question")
    };
    let mut parts: Vec<&str> = col
        .levels()
        .iter()
        .map(String::as_str)
        .filter(|l| *l != chosen)
        .collect();
    parts.extend(["[not asked]", "[no answer]", "[declined]"]);
    format!("{q}={}", parts.join("|"))
}

#[test]
fn differencing_recovers_small_groups_exactly_without_protection_but_not_under_cell_key() {
    let ds = numpy();
    let conditions = [
        "demographics.gender=Male",
        "demographics.degree=Doctorate (e.g. PhD, EdD, MD)",
        "oss.contributed=Yes",
    ];
    let (mut attacks, mut exact_raw, mut exact_perturbed) = (0, 0, 0);
    for condition in conditions {
        for q in cards(&ds) {
            if condition.starts_with(&format!("{q}=")) {
                continue;
            }
            let Ok(part) = answer(&ds, &request(&q, None, &[condition], None)) else {
                continue;
            };
            let AnswerTable::Frequencies { table: part, .. } = part.table else {
                unreachable!()
            };
            let all = freq(&ds, &q, &[], None);
            let all_ck = freq(&ds, &q, &[], Some(SECRET));
            let part_ck = freq(&ds, &q, &[condition], Some(SECRET));
            // The truth, counted directly: those outside the condition.
            let outside = freq(&ds, &q, &[&complement(&ds, condition)], None);
            for o in 0..all.rows.len() {
                let truth = outside.rows[o].count.unwrap();
                if !(1.0..10.0).contains(&truth) {
                    continue;
                }
                attacks += 1;
                exact_raw += usize::from(all.rows[o].count.unwrap() - part.rows[o].count.unwrap() == truth);
                exact_perturbed += usize::from(all_ck.rows[o].count.unwrap() - part_ck.rows[o].count.unwrap() == truth);
            }
        }
    }
    println!("{attacks} attacks: {exact_raw} exact unprotected, {exact_perturbed} exact under cell-key");
    assert!(attacks >= 100, "only {attacks} differencing attacks on small groups");
    assert_eq!(exact_raw, attacks, "differencing unprotected tables is exact");
    // Two independent draws agree about a quarter of the time (Σp² = 0.26 from 3 on).
    assert!(
        exact_perturbed * 2 < attacks,
        "{exact_perturbed} of {attacks} attacks recovered the count under cell-key"
    );
}
