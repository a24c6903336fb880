//! `canvass freq`: one question's frequency table, and for numbers their summary.

use crate::filter_args::{fmt_cell, Base, TableArgs};
use canvass_core::freq::{Frequencies, PercentOf};
use canvass_core::numeric::NumericSummary;
use canvass_core::query::{answer, AnswerTable, ViewRequest};
use canvass_core::Loaded;
use clap::{Args, ValueEnum};
use serde::Serialize;
use std::path::Path;

#[derive(Args, Debug)]
pub struct FreqArgs {
    /// The question: its id, or its 1-based position such as @3.
    pub question: String,
    /// Which respondents percentages are of.
    #[arg(long, value_enum, default_value_t = Base::Answered)]
    pub base: Base,
    /// Multi-select: percent of respondents (options may sum past 100) or of selections.
    #[arg(long, value_enum, default_value_t = PercentArg::Respondents)]
    pub percent_of: PercentArg,
    /// Numeric questions: bin width instead of decades (ages) or Freedman–Diaconis.
    /// Under disclosure control only a width giving those default bins is accepted
    /// (histograms at two widths could be subtracted); other widths need --k 0.
    #[arg(long, value_name = "W")]
    pub bin_width: Option<f64>,
    #[command(flatten)]
    pub table: TableArgs,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum PercentArg {
    Respondents,
    Selections,
}

/// The JSON of `freq`: the frequency table's fields, plus the summary of a number.
#[derive(Serialize)]
struct FreqOutput {
    #[serde(flatten)]
    freq: Frequencies,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<NumericSummary>,
}

pub fn run(loaded: &Loaded, file: &Path, args: &FreqArgs) -> Result<(), String> {
    let request = ViewRequest {
        base: args.base.into(),
        percent_of: match args.percent_of {
            PercentArg::Respondents => PercentOf::Respondents,
            PercentArg::Selections => PercentOf::Selections,
        },
        bins: args.bin_width,
        ..args.table.request(&loaded.dataset, &args.question, file)?
    };
    let answer = answer(&loaded.dataset, &request).map_err(|e| e.to_string())?;
    let AnswerTable::Frequencies { table: freq, summary } = answer.table else {
        unreachable!("a request without a breakdown is answered with frequencies")
    };
    let output = FreqOutput { freq, summary };
    if args.table.json {
        crate::print_json(&output)
    } else {
        print_text(&output);
        Ok(())
    }
}

fn print_text(out: &FreqOutput) {
    let f = &out.freq;
    println!("{}", f.text);
    let pct = |p: Option<f64>| p.map_or("–".to_string(), |p| format!("{p:.1}%"));
    let ci = |c: Option<[f64; 2]>| c.map_or(String::new(), |[lo, hi]| format!("[{lo:.1}, {hi:.1}]"));
    for row in f.rows.iter().chain(&f.selected_none).chain(&f.top_two) {
        println!(
            "  {:<40} {:>8} {:>7} {}",
            row.option,
            fmt_cell(row.count),
            pct(row.percent),
            ci(row.ci)
        );
    }
    println!(
        "  base: {}, n = {}; percent of {}",
        f.base.kind.as_str(),
        fmt_cell(Some(f.base.n)),
        f.percent_of
    );
    for m in &f.missing {
        println!("  {}: {}", m.reason.label(), fmt_cell(Some(m.count)));
    }
    if let Some(s) = &out.summary {
        if let (Some(n), Some(mean), Some(q1), Some(median), Some(q3)) = (s.n, s.mean, s.q1, s.median, s.q3) {
            println!("  n = {n}, mean {mean:.2}, quartiles {q1} / {median} / {q3}");
        }
    }
    if f.k > 0 {
        println!("  – marks counts below {} (withheld) and zeros", f.k);
    }
}
