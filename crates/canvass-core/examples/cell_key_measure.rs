//! What the cell-key method costs and what it stops, on a release: the mean absolute
//! change of percents over every card and every one-level breakdown (column percents),
//! against the unperturbed tables; and the differencing attack of the disclosure audit
//! (a card unfiltered less the same card under one condition gives the count of those
//! outside it), run on every option whose true difference is 1 to k − 1, alone and
//! averaged with the complement's own table.
//!
//! `cargo run --release -p canvass-core --example cell_key_measure -- www/data/numpy-2020`

use canvass_core::codebook::parse_codebook;
use canvass_core::crosstab::{crosstab, CrosstabSpec};
use canvass_core::dataset::Column;
use canvass_core::disclosure::cell_key::seed_from_secret;
use canvass_core::filter::Filter;
use canvass_core::freq::{freq_table, FreqSpec, Frequencies};
use canvass_core::view::TableOptions;
use canvass_core::{load, Dataset, LoadOptions, QuestionKind};

/// The single conditions of the audit's batteries.
const CONDITIONS: [&str; 6] = [
    "demographics.gender=Male",
    "demographics.age>=30",
    "demographics.degree=Doctorate (e.g. PhD, EdD, MD)",
    "demographics.use_freq=Daily",
    "demographics.primary_use=For work",
    "oss.contributed=Yes",
];

/// The condition keeping those `condition` leaves out: the other options and every
/// missing state, or the flipped range.
fn complement(dataset: &Dataset, condition: &str) -> String {
    if let Some((q, v)) = condition.split_once(">=") {
        return format!("{q}<{v}");
    }
    let (q, chosen) = condition.split_once('=').expect("q=option");
    let question = &dataset.questions()[dataset.find(q).expect("a question of the release")];
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

const K: usize = 10;

fn options(dataset: &Dataset, filters: &[&str], cell_key: Option<u64>) -> Option<TableOptions> {
    let filters: Vec<String> = filters.iter().map(|f| f.to_string()).collect();
    Some(TableOptions {
        filter: Filter::parse(dataset, &filters).ok()?,
        k: 0,
        cell_key,
        ..TableOptions::default()
    })
}

fn table(dataset: &Dataset, idx: usize, filters: &[&str], cell_key: Option<u64>) -> Option<Frequencies> {
    let spec = FreqSpec {
        options: options(dataset, filters, cell_key)?,
        ..FreqSpec::new(idx)
    };
    freq_table(dataset, &spec).ok()
}

/// Sum and count of absolute differences.
#[derive(Default)]
struct Mean {
    sum: f64,
    n: usize,
    max: f64,
}

impl Mean {
    fn add(&mut self, a: Option<f64>, b: Option<f64>) {
        if let (Some(a), Some(b)) = (a, b) {
            self.sum += (a - b).abs();
            self.max = self.max.max((a - b).abs());
            self.n += 1;
        }
    }
    fn line(&self, what: &str) -> String {
        format!(
            "{what}: mean absolute change {:.3} points over {} percents (largest {:.2})",
            self.sum / self.n.max(1) as f64,
            self.n,
            self.max
        )
    }
}

fn main() -> Result<(), String> {
    let dir = std::env::args().nth(1).ok_or("usage: cell_key_measure RELEASE_DIR")?;
    let read = |name: &str| std::fs::read(format!("{dir}/{name}")).map_err(|e| format!("{dir}/{name}: {e}"));
    let codebook = parse_codebook(&read("codebook.json")?).map_err(|e| e.to_string())?;
    let load_options = LoadOptions {
        codebook: Some(codebook),
        ..LoadOptions::default()
    };
    let dataset = load(&read("responses.tsv")?, &load_options)
        .map_err(|e| e.to_string())?
        .dataset;
    let seed = Some(seed_from_secret("a release's own secret"));
    let questions = dataset.questions();
    let cards: Vec<usize> = (0..questions.len())
        .filter(|&i| questions[i].kind.is_chartable())
        .collect();

    let mut card_change = Mean::default();
    for &idx in &cards {
        if let (Some(raw), Some(ck)) = (table(&dataset, idx, &[], None), table(&dataset, idx, &[], seed)) {
            for (r, c) in raw.rows.iter().zip(&ck.rows) {
                card_change.add(r.percent, c.percent);
            }
        }
    }
    println!("{}", card_change.line("cards"));

    let closed =
        |kind: QuestionKind| matches!(kind, QuestionKind::Single | QuestionKind::Ordinal | QuestionKind::Multi);
    let (mut breakdown_change, mut breakdown_change_k) = (Mean::default(), Mean::default());
    for (row, row_q) in questions.iter().enumerate().filter(|(_, q)| closed(q.kind)) {
        for (col, col_q) in questions.iter().enumerate().filter(|(_, q)| closed(q.kind)) {
            let same_group = col_q.group.is_some() && col_q.group == row_q.group;
            if col == row || same_group {
                continue;
            }
            let spec = |cell_key| CrosstabSpec {
                options: TableOptions {
                    k: 0,
                    cell_key,
                    ..TableOptions::default()
                },
                ..CrosstabSpec::new(row, col)
            };
            if let (Ok(raw), Ok(ck)) = (crosstab(&dataset, &spec(None)), crosstab(&dataset, &spec(seed))) {
                for (r_row, c_row) in raw.cells.iter().zip(&ck.cells) {
                    for (j, (r, c)) in r_row.iter().zip(c_row).enumerate() {
                        breakdown_change.add(r.col_percent, c.col_percent);
                        if raw.col_totals[j].unwrap_or(0.0) >= K as f64 {
                            breakdown_change_k.add(r.col_percent, c.col_percent);
                        }
                    }
                }
            }
        }
    }
    println!("{}", breakdown_change.line("breakdowns, column percents"));
    println!(
        "{}",
        breakdown_change_k.line(&format!("breakdowns, column percents of columns of {K} or more"))
    );

    // The differencing attack, and the same attack averaged with the complement's table.
    let (mut attacks, mut exact, mut exact_averaged, mut error) = (0, 0, 0, 0.0);
    for condition in CONDITIONS {
        let flip = complement(&dataset, condition);
        for &idx in &cards {
            let (Some(all), Some(part)) = (
                table(&dataset, idx, &[], None),
                table(&dataset, idx, &[condition], None),
            ) else {
                continue;
            };
            let (Some(all_ck), Some(part_ck)) = (
                table(&dataset, idx, &[], seed),
                table(&dataset, idx, &[condition], seed),
            ) else {
                continue;
            };
            let flip_ck = table(&dataset, idx, &[&flip], seed);
            for o in 0..all.rows.len() {
                let truth = all.rows[o].count.unwrap_or(0.0) - part.rows[o].count.unwrap_or(0.0);
                if !(1.0..K as f64).contains(&truth) {
                    continue;
                }
                let estimate = all_ck.rows[o].count.unwrap_or(0.0) - part_ck.rows[o].count.unwrap_or(0.0);
                attacks += 1;
                exact += usize::from(estimate == truth);
                error += (estimate - truth).abs();
                let averaged = match &flip_ck {
                    Some(f) => ((estimate + f.rows[o].count.unwrap_or(0.0)) / 2.0).round(),
                    None => estimate,
                };
                exact_averaged += usize::from(averaged == truth);
            }
        }
    }
    println!(
        "differencing: {attacks} attacks on groups of 1 to {}, {exact} exact ({:.0}%), mean absolute error {:.2}; averaged with the complement's table: {exact_averaged} exact ({:.0}%)",
        K - 1,
        100.0 * exact as f64 / attacks.max(1) as f64,
        error / attacks.max(1) as f64,
        100.0 * exact_averaged as f64 / attacks.max(1) as f64,
    );
    Ok(())
}
