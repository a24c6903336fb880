//! `canvass`: the core's numbers on the command line, for scripts and reports.
//!
//! Each subcommand reads a file, hands its bytes to the core and prints the answer,
//! as a plain table or, with `--json`, in the shapes documented in the README. This
//! binary holds no statistics of its own.

mod chart_cmd;

use canvass_core::freq::{frequencies, BaseKind, Frequencies};
use canvass_core::{load, LoadOptions, Loaded};
use clap::{Parser, Subcommand, ValueEnum};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod summary;
mod synth;

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
    Summary(summary::SummaryArgs),
    /// Count the answers to one question.
    Freq {
        file: PathBuf,
        /// The question: its id, or its 1-based position such as @3.
        question: String,
        /// Which respondents percentages are of.
        #[arg(long, value_enum, default_value_t = Base::Answered)]
        base: Base,
        #[arg(long)]
        json: bool,
    },
    /// Draw one question, or one question by another, to an SVG or PNG file.
    Chart(chart_cmd::ChartArgs),
    /// Generate a synthetic release from a codebook, or check a release (--check).
    Synth(synth::SynthArgs),
}

#[derive(Clone, Copy, ValueEnum)]
enum Base {
    Asked,
    Answered,
    All,
}

impl From<Base> for BaseKind {
    fn from(b: Base) -> Self {
        match b {
            Base::Asked => BaseKind::Asked,
            Base::Answered => BaseKind::Answered,
            Base::All => BaseKind::All,
        }
    }
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
        Command::Synth(args) => match synth::run(args)? {
            true => Ok(()),
            false => Err("synth --check: the release does not match its codebook (see above)".into()),
        },
        Command::Summary(args) => summary::run(args),
        Command::Freq {
            file,
            question,
            base,
            json,
        } => {
            let loaded = read_survey(&file)?;
            let question_idx = loaded.dataset.find(&question).ok_or_else(|| {
                format!(
                    "no question {question:?} in {}: name it by id or by position such as @3 (see `canvass summary`)",
                    file.display()
                )
            })?;
            let freq = frequencies(&loaded.dataset, question_idx, base.into()).map_err(|e| e.to_string())?;
            if json {
                print_json(&freq)
            } else {
                print_frequencies(&freq);
                Ok(())
            }
        }
        Command::Chart(args) => chart_cmd::run(args),
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

fn print_frequencies(f: &Frequencies) {
    println!("{}", f.text);
    for row in &f.rows {
        let count = row.count.map_or("–".to_string(), |c| format!("{c}"));
        let percent = row.percent.map_or("–".to_string(), |p| format!("{p:.1}%"));
        println!("  {:<40} {:>8} {:>7}", row.option, count, percent);
    }
    println!("  base: {:?}, n = {}", f.base.kind, f.base.n);
    for m in &f.missing {
        println!("  {}: {}", m.reason.label(), m.count);
    }
}
