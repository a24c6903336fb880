//! Project automation shared by `cargo xtask` and the end-to-end tests: installing
//! what a fresh machine lacks, building the wasm bundle, and serving `www/`.
//!
//! Every step checks before it acts and prints what it does, so a newcomer can read
//! the log and redo any step by hand.

pub mod prerender;
pub mod server;

use std::path::{Path, PathBuf};
use std::process::Command;

pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
pub const WASM_PROFILE: &str = "wasm-release";

pub type Result<T> = std::result::Result<T, String>;

/// The workspace root (the parent of this crate's directory).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

pub fn step(message: &str) {
    eprintln!("\x1b[1m==>\x1b[0m {message}");
}

/// Runs `cmd`, streaming its output, and fails with the command line if it fails.
pub fn run(cmd: &mut Command) -> Result<()> {
    let shown = format!("{cmd:?}");
    let status = cmd.status().map_err(|e| format!("cannot start {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed ({status})"))
    }
}

/// A folder in the system's temporary folder that is removed, with everything in it,
/// when this value is dropped.
///
/// Browser steps run with `TMPDIR` pointing here: Chromium leaves a profile of about
/// 35 MB in the temporary folder for every session that chromedriver starts without a
/// `--user-data-dir` (wasm-bindgen-test-runner's do), and a few hundred test runs
/// filled a disk that way. Its path stays short: Chromium puts a Unix socket in it,
/// and a socket's path may not pass 107 bytes.
pub struct ScratchDir(PathBuf);

impl ScratchDir {
    pub fn new(name: &str) -> Result<ScratchDir> {
        let path = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
        std::fs::create_dir_all(&path).map_err(|e| format!("cannot create {}: {e}", path.display()))?;
        Ok(ScratchDir(path))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn output_of(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The version of `package` recorded in Cargo.lock.
pub fn locked_version(package: &str) -> Result<String> {
    let lock =
        std::fs::read_to_string(root().join("Cargo.lock")).map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let needle = format!("name = \"{package}\"\nversion = \"");
    let start = lock
        .find(&needle)
        .ok_or_else(|| format!("{package} is not in Cargo.lock"))?
        + needle.len();
    let end = lock[start..].find('"').ok_or("Cargo.lock is malformed")? + start;
    Ok(lock[start..end].to_string())
}

pub fn ensure_wasm_target() -> Result<()> {
    let installed = output_of("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if installed.lines().any(|l| l.trim() == WASM_TARGET) {
        return Ok(());
    }
    step(&format!("installing the {WASM_TARGET} target"));
    run(Command::new("rustup").args(["target", "add", WASM_TARGET]))
}

/// Installs wasm-bindgen-cli at exactly the version Cargo.lock pins, if the one on
/// PATH differs: the generated JS glue and the wasm must come from the same version.
pub fn ensure_wasm_bindgen_cli() -> Result<()> {
    let wanted = locked_version("wasm-bindgen")?;
    let have = output_of("wasm-bindgen", &["--version"]).unwrap_or_default();
    let runner = output_of("wasm-bindgen-test-runner", &["--version"]).unwrap_or_default();
    if have.split_whitespace().nth(1) == Some(wanted.as_str()) && runner.contains(&wanted) {
        return Ok(());
    }
    let have = if have.is_empty() {
        "none".to_string()
    } else {
        have.trim().to_string()
    };
    step(&format!(
        "installing wasm-bindgen-cli {wanted} (Cargo.lock pins it; found: {have}); this takes a few minutes once"
    ));
    run(Command::new("cargo").args(["install", "--locked", "wasm-bindgen-cli", "--version", &wanted]))
}

/// Installs rustfmt and clippy through rustup when `cargo fmt` or `cargo clippy` is
/// missing (a minimal rustup profile leaves them out).
pub fn ensure_rustfmt_and_clippy() -> Result<()> {
    let missing: Vec<&str> = [("rustfmt", "fmt"), ("clippy", "clippy")]
        .into_iter()
        .filter(|(_, sub)| output_of("cargo", &[sub, "--version"]).is_none())
        .map(|(component, _)| component)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let fix = format!("rustup component add {}", missing.join(" "));
    step(&format!("installing {} ({fix})", missing.join(" and ")));
    run(Command::new("rustup").args(["component", "add"]).args(&missing))
        .map_err(|e| format!("{e}; the checks need them: run `{fix}`"))
}

/// Runs `cmd` as one of the checks: on failure, says what failed and `fix`, the exact
/// command that fixes or reproduces it.
pub fn check(what: &str, cmd: &mut Command, fix: &str) -> Result<()> {
    step(what);
    run(cmd).map_err(|e| format!("{e}\n{what}: failed; {fix}"))
}

/// Installs cargo-fuzz when `cargo fuzz` is missing.
pub fn ensure_cargo_fuzz() -> Result<()> {
    if output_of("cargo", &["fuzz", "--version"]).is_some() {
        return Ok(());
    }
    step("installing cargo-fuzz (cargo install cargo-fuzz --locked); this takes a minute once");
    run(Command::new("cargo").args(["install", "cargo-fuzz", "--locked"]))
        .map_err(|e| format!("{e}; `cargo xtask fuzz` needs it: run `cargo install cargo-fuzz --locked`"))
}

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Installs Debian's Chromium and chromedriver when either is missing.
pub fn ensure_chromium() -> Result<()> {
    if Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists() {
        return Ok(());
    }
    let fix = "apt-get update && apt-get install -y chromium chromium-driver";
    let is_root = output_of("id", &["-u"]).is_some_and(|uid| uid.trim() == "0");
    if !is_root {
        return Err(format!(
            "Chromium and chromedriver are needed for the browser tests; install them with: sudo sh -c '{fix}'"
        ));
    }
    step("installing Chromium and chromedriver from Debian's packages");
    // CI has no terminal: debconf must not stop to ask anything.
    run(Command::new("apt-get")
        .arg("update")
        .env("DEBIAN_FRONTEND", "noninteractive"))?;
    run(Command::new("apt-get").env("DEBIAN_FRONTEND", "noninteractive").args([
        "install",
        "-y",
        "chromium",
        "chromium-driver",
    ]))
}

/// The axe-core release the accessibility test runs over the page: pinned, so a new
/// rule cannot fail a run that changed nothing.
pub const AXE_CORE_VERSION: &str = "4.14.1";

/// The script of axe-core, installed with npm into `target/axe/` when missing;
/// returns its path.
pub fn ensure_axe_core() -> Result<PathBuf> {
    let prefix = target_dir().join("axe");
    let script = prefix.join("node_modules/axe-core/axe.min.js");
    let package = prefix.join("node_modules/axe-core/package.json");
    let installed = std::fs::read_to_string(&package)
        .is_ok_and(|text| text.contains(&format!("\"version\": \"{AXE_CORE_VERSION}\"")));
    if installed && script.is_file() {
        return Ok(script);
    }
    step(&format!(
        "installing axe-core {AXE_CORE_VERSION} with npm into {}",
        prefix.display()
    ));
    std::fs::create_dir_all(&prefix).map_err(|e| format!("cannot create {}: {e}", prefix.display()))?;
    run(Command::new("npm")
        .args(["install", "--no-save", "--no-audit", "--no-fund", "--prefix"])
        .arg(&prefix)
        .arg(format!("axe-core@{AXE_CORE_VERSION}")))
    .map_err(|e| format!("{e}; the accessibility test needs npm (Node.js) to install axe-core"))?;
    Ok(script)
}

/// One of the page's three wasm modules, all built from canvass-web: the crate
/// features and the cargo profile it is built with, and the name of its files in
/// `www/pkg/`.
pub struct Module {
    pub name: &'static str,
    pub features: &'static str,
    pub profile: &'static str,
}

/// The page's module reads snapshots, answers views and paints; every visitor downloads
/// it, so it is built for size. The workers' module reads survey files and answers
/// views; only a visitor who opens a file downloads it (see `loaderModule` in app.js),
/// so it is built for speed (see the profiles in Cargo.toml). The release module reads
/// a raw file and makes a synthetic release of it; only a visitor who opens "Prepare a
/// release" downloads it (see release.js), and synthesis is the heaviest work the page
/// does, so it is built for speed too.
pub const MODULES: [Module; 3] = [
    Module {
        name: "canvass_web",
        features: "paint",
        profile: WASM_PROFILE,
    },
    Module {
        name: "canvass_loader",
        features: "files",
        profile: "wasm-loader",
    },
    Module {
        name: "canvass_release",
        features: "release",
        profile: "wasm-loader",
    },
];

/// Builds the browser bundle into `www/pkg/` (each of [`MODULES`] as `<name>_bg.wasm`
/// and `<name>.js`, and the workers' [`WARM_UP_FILE`]) and a snapshot of each bundled
/// dataset, and returns the paths of the files written into `www/pkg/`.
pub fn build_wasm() -> Result<Vec<PathBuf>> {
    let root = root();
    let out_dir = root.join("www").join("pkg");
    let mut written = Vec::new();
    for module in &MODULES {
        step(&format!(
            "building {} (features {}, profile {}) and its JS bindings into www/pkg/",
            module.name, module.features, module.profile
        ));
        run(Command::new("cargo").current_dir(&root).args([
            "build",
            "--package",
            "canvass-web",
            "--lib",
            "--target",
            WASM_TARGET,
            "--profile",
            module.profile,
            "--no-default-features",
            "--features",
            module.features,
        ]))?;
        let wasm = target_dir()
            .join(WASM_TARGET)
            .join(module.profile)
            .join("canvass_web.wasm");
        run(Command::new("wasm-bindgen")
            .args([
                "--target",
                "web",
                "--no-typescript",
                "--out-name",
                module.name,
                "--out-dir",
            ])
            .arg(&out_dir)
            .arg(&wasm))?;
        written.push(out_dir.join(format!("{}_bg.wasm", module.name)));
        written.push(out_dir.join(format!("{}.js", module.name)));
    }
    step("writing the workers' warm-up survey");
    written.push(write_warm_up(&out_dir)?);
    step("writing a snapshot of each bundled dataset");
    let data = root.join("www").join("data");
    write_snapshots(&data)?;
    step("prerendering the overview into www/index.html");
    let folder = data.join(prerender::DEFAULT_DATASET);
    let read = |p: PathBuf| std::fs::read(&p).map_err(|e| format!("cannot read {}: {e}", p.display()));
    prerender::write_index(
        &root.join("www"),
        &read(folder.join("survey.snapshot"))?,
        &read(folder.join("manifest.json"))?,
    )?;
    Ok(written)
}

/// The made-up survey a spare worker reads while the page is idle, so that the
/// browser has optimised the reading code before a visitor's file needs it.
pub const WARM_UP_FILE: &str = "warm-up.csv";
/// Enough rows to get the reading code optimised, few enough to read in a moment.
pub const WARM_UP_ROWS: usize = 2000;

/// Writes [`WARM_UP_FILE`] into `out_dir` and returns its path.
pub fn write_warm_up(out_dir: &Path) -> Result<PathBuf> {
    use canvass_synth::made_up::{survey_csv, Shape};
    let path = out_dir.join(WARM_UP_FILE);
    std::fs::write(&path, survey_csv(&Shape::WARM_UP, WARM_UP_ROWS, 1))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

/// Writes `survey.snapshot` into each bundled dataset's folder: the survey its responses
/// file (and `codebook.json`, when there is one) load into, which the page reads
/// instead of parsing the published files on every visit. It records the files'
/// digests; the page uses it only while they match the manifest's.
pub fn write_snapshots(data_dir: &Path) -> Result<()> {
    use canvass_core::codebook::parse_codebook;
    use canvass_core::snapshot::{write, Sources};
    let mut folders: Vec<PathBuf> = std::fs::read_dir(data_dir)
        .map_err(|e| format!("cannot list {}: {e}", data_dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.join("manifest.json").is_file())
        .collect();
    folders.sort();
    for folder in folders {
        let responses: Vec<PathBuf> = std::fs::read_dir(&folder)
            .map_err(|e| format!("cannot list {}: {e}", folder.display()))?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("tsv" | "csv" | "txt")))
            .collect();
        let [responses] = responses.as_slice() else {
            return Err(format!("{} should hold one responses file", folder.display()));
        };
        let read = |p: &Path| std::fs::read(p).map_err(|e| format!("cannot read {}: {e}", p.display()));
        let bytes = read(responses)?;
        let codebook_path = folder.join("codebook.json");
        let codebook_bytes = codebook_path.is_file().then(|| read(&codebook_path)).transpose()?;
        let codebook = codebook_bytes
            .as_deref()
            .map(parse_codebook)
            .transpose()
            .map_err(|e| format!("{}: {e}", codebook_path.display()))?;
        let sections = codebook.as_ref().map(|cb| cb.sections()).unwrap_or_default();
        let opts = canvass_core::LoadOptions {
            codebook,
            ..Default::default()
        };
        let loaded = canvass_core::load(&bytes, &opts).map_err(|e| format!("{}: {e}", responses.display()))?;
        let sources = Sources {
            responses_sha256: canvass_synth::sha256_hex(&bytes),
            codebook_sha256: codebook_bytes.as_deref().map(canvass_synth::sha256_hex),
        };
        let snapshot = write(&loaded, &sections, &sources).map_err(|e| format!("{}: {e}", responses.display()))?;
        let out = folder.join("survey.snapshot");
        std::fs::write(&out, snapshot).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    }
    Ok(())
}

pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_pinned_wasm_bindgen_version_from_cargo_lock() {
        let version = locked_version("wasm-bindgen").unwrap();
        let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
        assert!(
            manifest.contains(&format!("wasm-bindgen = \"={version}\"")),
            "Cargo.lock has {version}"
        );
        assert!(locked_version("no-such-crate").is_err());
    }

    #[test]
    fn the_warm_up_survey_loads_with_all_its_rows() {
        let dir = ScratchDir::new("canvass-warm-up").unwrap();
        let path = write_warm_up(dir.path()).unwrap();
        let loaded = canvass_core::load(&std::fs::read(path).unwrap(), &Default::default()).unwrap();
        assert_eq!(loaded.dataset.n_rows(), WARM_UP_ROWS);
    }
}
