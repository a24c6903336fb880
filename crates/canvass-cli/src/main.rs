//! `canvass`: the core's numbers on the command line, for scripts and reports.
//!
//! Each subcommand reads a file, hands its bytes to the core and prints the answer,
//! as a plain table or, with `--json`, in the shapes documented in the README. This
//! binary holds no statistics of its own.

mod crosstab;
mod filter_args;
mod freq;
mod rank;

use canvass_core::{load, LoadOptions, Loaded};
use clap::{Parser, Subcommand};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "canvass",
    version,
    about = "Explore survey results: frequencies and charts from a survey export."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List the questions of a survey file with their kinds and answer counts.
    Summary {
        file: PathBuf,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Count the answers to one question, over a filtered and weighted view.
    #[command(after_help = filter_args::FILTER_HELP)]
    Freq {
        file: PathBuf,
        #[command(flatten)]
        args: freq::FreqArgs,
    },
    /// Cross-tabulate two questions, with percents, intervals and tests.
    #[command(after_help = filter_args::FILTER_HELP)]
    Crosstab {
        file: PathBuf,
        #[command(flatten)]
        args: crosstab::CrosstabArgs,
    },
    /// Borda scores and first-place shares of a ranking question's items.
    #[command(after_help = filter_args::FILTER_HELP)]
    Rank {
        file: PathBuf,
        #[command(flatten)]
        args: rank::RankArgs,
    },
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("canvass: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        Command::Summary { file, json } => {
            let loaded = read_survey(&file)?;
            let summary = Summary::of(&loaded);
            if json {
                print_json(&summary)
            } else {
                print_summary(&summary);
                Ok(())
            }
        }
        Command::Freq { file, args } => freq::run(&read_survey(&file)?, &file, &args),
        Command::Crosstab { file, args } => crosstab::run(&read_survey(&file)?, &file, &args),
        Command::Rank { file, args } => rank::run(&read_survey(&file)?, &file, &args),
    }
}

fn read_survey(path: &Path) -> Result<Loaded, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    load(&bytes, &LoadOptions::default()).map_err(|e| format!("{}: {e}", path.display()))
}

fn print_json<T: Serialize>(value: &T) -> Result<(), String> {
    let text = serde_json::to_string_pretty(value).map_err(|e| e.to_string())?;
    println!("{text}");
    Ok(())
}

#[derive(Serialize)]
struct Summary {
    respondents: usize,
    encoding: &'static str,
    delimiter: String,
    header_rows: usize,
    questions: Vec<QuestionSummary>,
    warnings: Vec<canvass_core::Warning>,
}

#[derive(Serialize)]
struct QuestionSummary {
    id: String,
    text: String,
    kind: &'static str,
    group: Option<String>,
    options: Vec<String>,
    answered: usize,
}

impl Summary {
    fn of(loaded: &Loaded) -> Summary {
        use canvass_core::Column;
        let questions = loaded
            .dataset
            .questions()
            .iter()
            .map(|q| QuestionSummary {
                id: q.id.clone(),
                text: q.text.clone(),
                kind: q.kind.as_str(),
                group: q.group.clone(),
                options: match &q.column {
                    Column::Categorical(c) => c.levels().to_vec(),
                    Column::Multi(c) => c.options().to_vec(),
                    _ => Vec::new(),
                },
                answered: q.answered(),
            })
            .collect();
        Summary {
            respondents: loaded.dataset.n_rows(),
            encoding: loaded.encoding,
            delimiter: (loaded.delimiter as char).to_string(),
            header_rows: loaded.header_rows,
            questions,
            warnings: loaded.warnings.clone(),
        }
    }
}

fn print_summary(s: &Summary) {
    println!("{} respondents, {} questions", s.respondents, s.questions.len());
    for (i, q) in s.questions.iter().enumerate() {
        println!("@{:<3} {:<10} {:>7} answered  {}", i + 1, q.kind, q.answered, q.id);
    }
    for w in &s.warnings {
        println!("warning: line {}: {}", w.line, w.message);
    }
}
