//! `canvass crosstab`: two questions against each other, with tests.

use crate::filter_args::{find_question, fmt_cell, TableArgs};
use canvass_core::chart::crosstab_view::reordered;
use canvass_core::crosstab::Crosstab;
use canvass_core::query::{answer, AnswerTable, ViewRequest};
use canvass_core::Loaded;
use clap::Args;
use std::path::Path;

#[derive(Args, Debug)]
pub struct CrosstabArgs {
    /// The question whose options make the rows (id or @N); a numeric question is
    /// binned like its histogram.
    pub row: String,
    /// The question whose options make the columns (id or @N).
    pub col: String,
    /// Numeric sides: bin width instead of decades (ages) or Freedman–Diaconis, the
    /// same bins `canvass freq` shows for the question; under disclosure control only
    /// the default bins, so other widths need --k 0.
    #[arg(long, value_name = "W")]
    pub bin_width: Option<f64>,
    #[command(flatten)]
    pub table: TableArgs,
}

pub fn run(loaded: &Loaded, file: &Path, args: &CrosstabArgs) -> Result<(), String> {
    let dataset = &loaded.dataset;
    let col = find_question(dataset, &args.col, file)?;
    let request = ViewRequest {
        by: Some(dataset.questions()[col].id.clone()),
        bins: args.bin_width,
        ..args.table.request(dataset, &args.row, file)?
    };
    let answer = answer(dataset, &request).map_err(|e| e.to_string())?;
    let AnswerTable::Crosstab { crosstab: table, .. } = answer.table else {
        unreachable!("a request with a breakdown is answered with a crosstab")
    };
    if args.table.json {
        crate::print_json(&table)
    } else {
        // In the order its chart draws the answers, as the page's table is.
        print_text(&reordered(&table, &answer.row_order));
        Ok(())
    }
}

fn print_text(t: &Crosstab) {
    println!("{} × {}", t.row_question, t.col_question);
    let width = 12;
    print!("  {:<30}", "");
    for label in &t.col_labels {
        print!(" {:>width$.width$}", label);
    }
    println!(" {:>width$}", "total");
    for (i, label) in t.row_labels.iter().enumerate() {
        print!("  {:<30.30}", label);
        for count in &t.counts[i] {
            print!(" {:>width$}", fmt_cell(*count));
        }
        println!(" {:>width$}", fmt_cell(t.row_totals[i]));
    }
    print!("  {:<30}", "total");
    for total in &t.col_totals {
        print!(" {:>width$}", fmt_cell(*total));
    }
    println!(" {:>width$}", fmt_cell(Some(t.total)));
    if let Some(c) = &t.chi2 {
        println!(
            "  chi-square {:.3}, df {}, p = {:.4}, Cramér's V {:.3}",
            c.statistic, c.df, c.p, c.cramers_v
        );
        if let Some(w) = &c.warning {
            println!("  warning: {w}");
        }
    }
    if let Some(tests) = &t.option_tests {
        println!("  {}:", tests.method);
        for test in &tests.tests {
            let p = |v: Option<f64>| v.map_or("–".to_string(), |p| format!("{p:.4}"));
            println!("    {:<30} p = {}, Holm p = {}", test.option, p(test.p), p(test.p_holm));
        }
    }
    if t.k > 0 {
        println!(
            "  – marks counts below {} (withheld), cells withheld to protect them, and zeros",
            t.k
        );
    }
}
