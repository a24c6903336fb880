//! How much of a release disclosure control withholds: the share of cells withheld
//! over every card (each chartable question's frequency table) and every one-level
//! breakdown (each closed question by each other one), at the default k, and the time
//! the breakdowns take.
//!
//! `cargo run --release -p canvass-core --example withheld_share -- www/data/numpy-2020`

use canvass_core::codebook::parse_codebook;
use canvass_core::crosstab::{crosstab, CrosstabSpec};
use canvass_core::freq::{freq_table, FreqSpec};
use canvass_core::{load, LoadOptions, QuestionKind};

/// Tables answered, tables refused, cells withheld and cells in all.
#[derive(Default)]
struct Tally {
    tables: usize,
    refused: usize,
    withheld: usize,
    cells: usize,
}

impl Tally {
    fn add<'a>(&mut self, cells: impl Iterator<Item = &'a Option<f64>>) {
        self.tables += 1;
        for cell in cells {
            self.cells += 1;
            self.withheld += usize::from(cell.is_none());
        }
    }

    fn line(&self, what: &str) -> String {
        let share = 100.0 * self.withheld as f64 / self.cells.max(1) as f64;
        format!(
            "{what}: {} tables, {} refused, {} of {} cells withheld ({share:.1}%)",
            self.tables, self.refused, self.withheld, self.cells
        )
    }
}

fn main() -> Result<(), String> {
    let dir = std::env::args().nth(1).ok_or("usage: withheld_share RELEASE_DIR")?;
    let read = |name: &str| std::fs::read(format!("{dir}/{name}")).map_err(|e| format!("{dir}/{name}: {e}"));
    let codebook = parse_codebook(&read("codebook.json")?).map_err(|e| e.to_string())?;
    let options = LoadOptions {
        codebook: Some(codebook),
        ..LoadOptions::default()
    };
    let dataset = load(&read("responses.tsv")?, &options)
        .map_err(|e| e.to_string())?
        .dataset;
    let questions = dataset.questions();

    let mut cards = Tally::default();
    for (idx, question) in questions.iter().enumerate() {
        if question.kind.is_chartable() {
            match freq_table(&dataset, &FreqSpec::new(idx)) {
                Ok(table) => cards.add(table.rows.iter().map(|r| &r.count)),
                Err(_) => cards.refused += 1,
            }
        }
    }
    println!("{}", cards.line("cards"));

    let closed =
        |kind: QuestionKind| matches!(kind, QuestionKind::Single | QuestionKind::Ordinal | QuestionKind::Multi);
    let mut breakdowns = Tally::default();
    let started = std::time::Instant::now();
    for (row, row_q) in questions.iter().enumerate().filter(|(_, q)| closed(q.kind)) {
        for (col, col_q) in questions.iter().enumerate().filter(|(_, q)| closed(q.kind)) {
            let same_group = col_q.group.is_some() && col_q.group == row_q.group;
            if col == row || same_group {
                continue;
            }
            match crosstab(&dataset, &CrosstabSpec::new(row, col)) {
                Ok(table) => breakdowns.add(table.counts.iter().flatten()),
                Err(_) => breakdowns.refused += 1,
            }
        }
    }
    println!(
        "{} in {:.1} s",
        breakdowns.line("breakdowns"),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
