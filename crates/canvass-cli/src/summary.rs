//! `canvass summary`: what a survey file holds, as a table or as JSON.
//!
//! The JSON shape is a public interface (see the README): `respondents`, `encoding`,
//! `delimiter`, `header_rows`, `questions` (`id`, `text`, `kind`, `group`, `options`,
//! `answered`) and `warnings` (`line`, `message`). Fields are only ever added; this
//! module adds `layout`, `blank_lines`, `weight`, each question's `chartable` and
//! `not_charted` (why not, or null), and each warning's `kind` (`general`, or
//! `quote_swallowed_rows` when a quote took whole rows into one answer and the table is
//! short of respondents).

use canvass_core::codebook::parse_codebook;
use canvass_core::{load, Column, LoadOptions, Loaded};
use clap::Args;
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Args)]
pub struct SummaryArgs {
    pub file: PathBuf,
    /// A canvass codebook (JSON) that fixes kinds, options, separators and skip logic.
    #[arg(long, value_name = "CB")]
    pub codebook: Option<PathBuf>,
    /// The field separator, one character such as `,` or `;`, or `tab`; guessed when
    /// left out.
    #[arg(long, value_name = "C", value_parser = parse_delimiter)]
    pub delimiter: Option<u8>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

fn parse_delimiter(s: &str) -> Result<u8, String> {
    match s {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        _ if s.len() == 1 && s.is_ascii() && !matches!(s, "\"" | "\n" | "\r") => Ok(s.as_bytes()[0]),
        _ => Err(format!(
            "{s:?} is not a delimiter: give one ASCII character other than a quote or a line end, or `tab`"
        )),
    }
}

pub fn run(args: SummaryArgs) -> Result<(), String> {
    let codebook = match &args.codebook {
        Some(path) => {
            let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            Some(parse_codebook(&bytes).map_err(|e| format!("{}: {e}", path.display()))?)
        }
        None => None,
    };
    let opts = LoadOptions {
        delimiter: args.delimiter,
        codebook,
        ..LoadOptions::default()
    };
    let loaded = read(&args.file, &opts)?;
    let summary = Summary::of(&loaded);
    if args.json {
        let text = serde_json::to_string_pretty(&summary).map_err(|e| e.to_string())?;
        finish_output(writeln!(std::io::stdout().lock(), "{text}"))?;
    } else {
        finish_output(print_table(&mut std::io::stdout().lock(), &summary))?;
    }
    Ok(())
}

fn read(path: &Path, opts: &LoadOptions) -> Result<Loaded, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    load(&bytes, opts).map_err(|e| format!("{}: {e}", path.display()))
}

#[derive(Serialize)]
struct Summary {
    respondents: usize,
    encoding: &'static str,
    delimiter: String,
    header_rows: usize,
    layout: &'static str,
    blank_lines: u64,
    /// The question an SPSS file names as its weight, to give as `--weight`.
    weight: Option<String>,
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
    chartable: bool,
    /// Why the question is not charted (dates and times, free text, identifiers), or
    /// null when it is.
    not_charted: Option<&'static str>,
    /// Identifies respondents (e-mail or IP address, name, location, phone, id).
    identifying: bool,
}

impl Summary {
    fn of(loaded: &Loaded) -> Summary {
        let questions = loaded
            .dataset
            .questions()
            .iter()
            .zip(&loaded.identifying)
            .map(|(q, &identifying)| QuestionSummary {
                id: q.id.clone(),
                text: q.text.clone(),
                kind: q.kind.as_str(),
                group: q.group.clone(),
                options: match &q.column {
                    Column::Categorical(c) => c.levels().to_vec(),
                    Column::Multi(c) => c.options().to_vec(),
                    Column::Numeric(c) => c.coded_labels().to_vec(),
                    Column::Text(_) => Vec::new(),
                },
                answered: q.answered(),
                chartable: q.kind.is_chartable(),
                not_charted: q.kind.not_charted_reason(),
                identifying,
            })
            .collect();
        Summary {
            respondents: loaded.dataset.n_rows(),
            encoding: loaded.encoding,
            // SPSS and Stata files have no delimiter: an empty string, not a NUL.
            delimiter: if loaded.delimiter == 0 {
                String::new()
            } else {
                (loaded.delimiter as char).to_string()
            },
            header_rows: loaded.header_rows,
            layout: loaded.layout,
            blank_lines: loaded.blank_lines,
            weight: loaded.weight.map(|w| loaded.dataset.questions()[w].id.clone()),
            questions,
            warnings: loaded.warnings.clone(),
        }
    }
}

/// A reader that stops early (`canvass summary big.csv | head`) closes the pipe; that
/// ends the output, it is not an error worth a message, and never a panic.
fn finish_output(result: std::io::Result<()>) -> Result<(), String> {
    match result {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(format!("cannot write the summary: {e}")),
        _ => Ok(()),
    }
}

fn print_table(out: &mut impl Write, s: &Summary) -> std::io::Result<()> {
    writeln!(
        out,
        "{} respondents, {} questions ({}, {}, {} header row{})",
        s.respondents,
        s.questions.len(),
        s.encoding,
        match s.delimiter.as_str() {
            "\t" => "tab",
            "" => s.layout,
            d => d,
        },
        s.header_rows,
        if s.header_rows == 1 { "" } else { "s" }
    )?;
    for (i, q) in s.questions.iter().enumerate() {
        writeln!(out, "@{:<3} {:<10} {:>7} answered  {}", i + 1, q.kind, q.answered, q.id)?;
    }
    for w in &s.warnings {
        writeln!(out, "warning: line {}: {}", w.line, w.message)?;
    }
    Ok(())
}
