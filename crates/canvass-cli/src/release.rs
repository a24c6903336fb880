//! `canvass release`: a synthetic release made from a raw survey export.
//!
//! canvass-synth's `release::make` does the work; this module reads the files, prints
//! the roles table and a summary, and writes the release directory atomically: into
//! a temporary sibling directory that is renamed into place at the end, so a failure
//! leaves nothing half-written where the release was asked for.

use canvass_synth::release::roles::Overrides;
use canvass_synth::release::{make, ReleaseFiles, ReleaseOptions};
use clap::Args;
use serde::Serialize;
use std::path::{Path, PathBuf};

#[derive(Args)]
pub struct ReleaseArgs {
    /// The raw survey export (any file `canvass summary` reads).
    raw: PathBuf,
    /// Codebook of the raw file (canvass-codebook/1).
    #[arg(long)]
    codebook: Option<PathBuf>,
    /// Directory to write the release into; it must not exist yet or be empty.
    #[arg(long)]
    out: PathBuf,
    /// Seed of the random generator: the same seed and inputs give the same files.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Synthetic respondents (default: as many as the raw file has).
    #[arg(long)]
    rows: Option<usize>,
    /// Quasi-identifiers (question ids, comma-separated), replacing the suggested ones.
    #[arg(long, value_delimiter = ',')]
    quasi: Option<Vec<String>>,
    /// Questions to withhold (comma-separated ids).
    #[arg(long, value_delimiter = ',')]
    withhold: Vec<String>,
    /// Free-text questions the team has curated and releases (comma-separated ids).
    #[arg(long, value_delimiter = ',')]
    curated: Vec<String>,
    /// Write demographics and answers as two files with no shared key or row order.
    #[arg(long)]
    disjoint: bool,
    /// Fewest raw respondents in a tree's leaf.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..))]
    min_leaf: u64,
    /// Release even if a risk gate fails; the manifest records it. Without it a failed
    /// gate writes nothing and exits non-zero.
    #[arg(long)]
    accept_risk: bool,
    /// Print the roles and summary as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Summary<'a> {
    out: String,
    rows: usize,
    replicated_uniques_replaced: usize,
    rows_short: usize,
    quasi_identifiers: &'a [String],
    files: Vec<FileLine<'a>>,
    roles: &'a [canvass_synth::release::roles::ColumnRole],
    /// Every risk gate passed.
    passed: bool,
    /// The release was written despite a failed gate.
    accept_risk: bool,
    /// The files were written (false when a gate failed without `--accept-risk`).
    written: bool,
    /// The report's headline figures, as the manifest's `metrics`.
    report: serde_json::Value,
}

#[derive(Serialize)]
struct FileLine<'a> {
    name: &'a str,
    bytes: usize,
}

pub fn run(args: ReleaseArgs) -> Result<(), String> {
    let raw = std::fs::read(&args.raw).map_err(|e| format!("cannot read {}: {e}", args.raw.display()))?;
    let codebook = match &args.codebook {
        Some(path) => Some(std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?),
        None => None,
    };
    if args.out.exists() && std::fs::read_dir(&args.out).map_or(true, |mut d| d.next().is_some()) {
        return Err(format!(
            "{} already exists and is not an empty directory; choose a new --out so no release is overwritten",
            args.out.display()
        ));
    }
    let extension = args
        .raw
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_lowercase)
        .filter(|e| matches!(e.as_str(), "csv" | "tsv" | "txt"));
    let options = ReleaseOptions {
        seed: args.seed,
        rows: args.rows,
        overrides: Overrides {
            quasi: args.quasi.clone(),
            withhold: args.withhold.clone(),
            curated: args.curated.clone(),
        },
        disjoint: args.disjoint,
        min_leaf: args.min_leaf as usize,
        accept_risk: args.accept_risk,
        extension,
        title: args.raw.file_stem().and_then(|s| s.to_str()).map(str::to_string),
        ..ReleaseOptions::default()
    };
    let release = make(&raw, codebook.as_deref(), &options, &mut |_, _| {})
        .map_err(|e| format!("{}: {e}", args.raw.display()))?;
    let write = release.passed || args.accept_risk;
    if write {
        write_atomically(&args.out, &release)?;
    }
    report(&args, &release, write)?;
    if write {
        Ok(())
    } else {
        Err(refusal(&release))
    }
}

/// Why nothing was written: each failed gate with its value, limit and what to change.
fn refusal(release: &ReleaseFiles) -> String {
    let mut s = String::from("no release written: the synthesis failed these risk gates");
    for g in release.report.failed() {
        let value = g
            .value
            .map_or_else(|| "not measured".to_string(), |v| format!("{v:.3}"));
        s.push_str(&format!(
            "\n  {} (value {value}, limit {}): {}",
            g.name, g.limit, g.advice
        ));
    }
    s.push_str("\nChange the release as advised, or pass --accept-risk to write it anyway (the manifest records it).");
    s
}

fn write_atomically(out: &Path, release: &ReleaseFiles) -> Result<(), String> {
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = out.file_name().and_then(|n| n.to_str()).unwrap_or("release");
    let temp = parent.join(format!(".{name}.partial-{}", std::process::id()));
    let result = (|| {
        std::fs::create_dir_all(&temp).map_err(|e| format!("cannot create {}: {e}", temp.display()))?;
        for (file, bytes) in &release.files {
            let path = temp.join(file);
            std::fs::write(&path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
        if out.exists() {
            // An empty directory the caller made for us: replaced by the finished one.
            std::fs::remove_dir(out).map_err(|e| format!("cannot replace {}: {e}", out.display()))?;
        }
        std::fs::rename(&temp, out).map_err(|e| format!("cannot move the release into {}: {e}", out.display()))
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&temp);
    }
    result
}

fn report(args: &ReleaseArgs, release: &ReleaseFiles, written: bool) -> Result<(), String> {
    let summary = Summary {
        out: args.out.display().to_string(),
        rows: release.rows,
        replicated_uniques_replaced: release.replicated_uniques_replaced,
        rows_short: release.rows_short,
        quasi_identifiers: &release.quasi,
        files: release
            .files
            .iter()
            .map(|(name, bytes)| FileLine {
                name,
                bytes: bytes.len(),
            })
            .collect(),
        roles: &release.roles,
        passed: release.passed,
        accept_risk: args.accept_risk && !release.passed,
        written,
        report: release.report.summary(),
    };
    if args.json {
        return crate::print_json(&summary);
    }
    let width = release
        .roles
        .iter()
        .map(|r| r.question.chars().count())
        .max()
        .unwrap_or(8)
        .min(40);
    println!("{:<width$}  {:<16}  {:<8}  reason", "question", "role", "released");
    for r in &release.roles {
        println!(
            "{:<width$}  {:<16}  {:<8}  {}",
            r.question,
            r.role.as_str(),
            if r.released { "yes" } else { "no" },
            r.reason
        );
    }
    println!();
    for g in &release.report.gates {
        let value = g
            .value
            .map_or_else(|| "not measured".to_string(), |v| format!("{v:.3}"));
        println!(
            "gate {:<22} {:<6}  value {value}, limit {}",
            g.name,
            if g.passed { "passed" } else { "FAILED" },
            g.limit
        );
    }
    if !written {
        return Ok(());
    }
    let released = release.roles.iter().filter(|r| r.released).count();
    println!(
        "wrote {} synthetic respondents of {} released questions ({} withheld) to {}",
        release.rows,
        released,
        release.roles.len() - released,
        args.out.display()
    );
    println!(
        "quasi-identifiers: {}",
        if release.quasi.is_empty() {
            "none".to_string()
        } else {
            release.quasi.join(", ")
        }
    );
    println!(
        "replicated uniques replaced: {}{}",
        release.replicated_uniques_replaced,
        if release.rows_short > 0 {
            format!(" ({} rows short: no replacement was found)", release.rows_short)
        } else {
            String::new()
        }
    );
    for (name, bytes) in &release.files {
        println!("  {name} ({} bytes)", bytes.len());
    }
    Ok(())
}
