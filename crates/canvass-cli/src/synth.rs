//! `canvass synth`: write a synthetic release from a codebook, or audit one.
//!
//! canvass-synth does the work ([`canvass_synth`]); this module reads and
//! writes the files.

use canvass_synth::{build_release, check_release, MANIFEST_FILE};
use clap::Args;
use serde_json::Value;
use std::path::{Path, PathBuf};

#[derive(Args)]
#[command(group(clap::ArgGroup::new("mode").required(true).args(["codebook", "check"])))]
pub struct SynthArgs {
    /// Codebook with a `model` section to generate from.
    #[arg(long, requires_all = ["seed", "rows", "out"])]
    codebook: Option<PathBuf>,
    /// Seed of the random generator; the same seed and codebook give the same bytes.
    #[arg(long)]
    seed: Option<u64>,
    /// Number of synthetic respondents.
    #[arg(long)]
    rows: Option<usize>,
    /// Directory to write the release into (created if missing).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Check the release in this directory against its codebook; exits non-zero on failure.
    #[arg(long, value_name = "RELEASE_DIR", conflicts_with_all = ["codebook", "seed", "rows", "out"])]
    check: Option<PathBuf>,
}

/// Run the subcommand; `Ok(false)` means the check ran and failed.
pub fn run(args: SynthArgs) -> Result<bool, String> {
    if let Some(dir) = args.check {
        return check(&dir);
    }
    let (Some(codebook), Some(seed), Some(rows), Some(out)) = (args.codebook, args.seed, args.rows, args.out) else {
        return Err("synth needs --codebook, --seed, --rows and --out (or --check <dir>)".into());
    };
    let bytes = std::fs::read(&codebook).map_err(|e| format!("cannot read {}: {e}", codebook.display()))?;
    let release = build_release(&bytes, seed, rows).map_err(|e| format!("{}: {e}", codebook.display()))?;
    std::fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    for (name, content) in &release.files {
        let path = out.join(name);
        std::fs::write(&path, content).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    println!(
        "wrote {} synthetic respondents to {} (seed {seed})",
        rows,
        out.display()
    );
    Ok(true)
}

fn check(dir: &Path) -> Result<bool, String> {
    let read = |name: &str| -> Result<Option<Vec<u8>>, String> {
        let path = dir.join(name);
        match std::fs::read(&path) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(format!("cannot read {}: {e}", path.display())),
        }
    };
    let mut names = vec![
        canvass_synth::CODEBOOK_FILE.to_string(),
        canvass_synth::RESPONSES_FILE.to_string(),
        MANIFEST_FILE.to_string(),
    ];
    // Every file the manifest lists is read, so its checksum can be verified.
    if let Some(m) = read(MANIFEST_FILE)? {
        if let Ok(Value::Object(v)) = serde_json::from_slice::<Value>(&m) {
            if let Some(Value::Object(files)) = v.get("files") {
                for name in files.keys() {
                    let plain = Path::new(name).file_name().is_some_and(|f| f == name.as_str());
                    if !plain {
                        return Err(format!(
                            "{MANIFEST_FILE} lists {name:?}, which is not a plain file name"
                        ));
                    }
                    if !names.contains(name) {
                        names.push(name.clone());
                    }
                }
            }
        }
    }
    let mut files = Vec::new();
    for name in names {
        if let Some(b) = read(&name)? {
            files.push((name, b));
        }
    }
    let report = check_release(&files).map_err(|e| format!("{}: {e}", dir.display()))?;
    print!("{}", report.render());
    Ok(report.passed())
}
