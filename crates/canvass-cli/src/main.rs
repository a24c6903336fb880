//! `canvass`: the core's numbers on the command line, for scripts and reports.
//!
//! Each subcommand reads a file, hands its bytes to the core and prints the answer,
//! as a plain table or, with `--json`, in the shapes documented in the README. This
//! binary holds no statistics of its own.

mod chart_cmd;
mod crosstab;
mod filter_args;
mod freq;
mod rank;
mod release;

use clap::{Parser, Subcommand};
use serde::Serialize;
use std::path::PathBuf;
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
    /// Draw one question, or one question by another, to an SVG or PNG file.
    Chart(chart_cmd::ChartArgs),
    /// Generate a synthetic release from a codebook, or check a release (--check).
    Synth(synth::SynthArgs),
    /// Make a synthetic release from raw responses by sequential CART.
    Release(release::ReleaseArgs),
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
        Command::Freq { file, args } => freq::run(&args.table.read_survey(&file)?, &file, &args),
        Command::Crosstab { file, args } => crosstab::run(&args.table.read_survey(&file)?, &file, &args),
        Command::Rank { file, args } => rank::run(&args.table.read_survey(&file)?, &file, &args),
        Command::Chart(args) => chart_cmd::run(args),
        Command::Release(args) => release::run(args),
    }
}

fn print_json<T: Serialize>(value: &T) -> Result<(), String> {
    let text = serde_json::to_string_pretty(value).map_err(|e| e.to_string())?;
    println!("{text}");
    Ok(())
}
