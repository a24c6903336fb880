//! `cargo xtask <command>`: the project's commands, each installing what it needs.
//!
//! - `serve [--port N]`: build the explorer and serve it on http://127.0.0.1:8000.
//! - `build`: build the bundle into `www/pkg` only, for rerunning one end-to-end test.
//! - `test`: the checks first (formatting, clippy with warnings denied on the native
//!   and wasm targets and on the fuzz targets, rustdoc with warnings denied), then the
//!   native tests (which replay the fuzz corpus), the web crate's tests in headless
//!   Chromium, and the end-to-end tests of the served page. A failed check names the
//!   command that fixes or reproduces it.
//! - `fuzz [--seconds N] [TARGET...]`: runs each fuzz target (all four unless named) for
//!   N seconds (default 60) with cargo-fuzz, then minimises its corpus in
//!   `fuzz/corpus/<target>/`; commit what it adds. It builds on the stable toolchain
//!   (`RUSTC_BOOTSTRAP=1`, no sanitizer), so it finds panics, hangs and memory
//!   use past 2 GB, not the memory errors a sanitizer would.
//! - `bench [--rows N,N,...] [--native-only | --open-file-only | --release-only]`: native
//!   and browser benchmarks on generated files; prints tables and writes JSON under
//!   `target/bench/`. `--open-file-only` times only opening the generic files in the
//!   browser, the quick loop for work on that path; `--release-only` times only making
//!   a release in the page.

use std::process::{Command, ExitCode};
use xtask::{
    build_wasm, check, ensure_axe_core, ensure_cargo_fuzz, ensure_chromium, ensure_rustfmt_and_clippy,
    ensure_wasm_bindgen_cli, ensure_wasm_target, root, run, server, step, Result, ScratchDir, CHROMEDRIVER,
    WASM_TARGET,
};

const USAGE: &str = "usage: cargo xtask serve [--port N] | cargo xtask build | cargo xtask test \
     | cargo xtask fuzz [--seconds N] [load|codebook|snapshot|view_state ...] \
     | cargo xtask bench [--rows N,N,...] [--native-only | --open-file-only | --release-only]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("serve") => port_arg(&args[1..]).and_then(serve),
        Some("build") if args.len() == 1 => build(),
        Some("test") if args.len() == 1 => test(),
        Some("fuzz") => fuzz_args(&args[1..]).and_then(|(seconds, targets)| fuzz(seconds, &targets)),
        Some("bench") => bench_args(&args[1..]).and_then(|(rows, only)| bench(&rows, only)),
        _ => Err(USAGE.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

fn port_arg(args: &[String]) -> Result<u16> {
    match args {
        [] => Ok(8000),
        [flag, port] if flag == "--port" => port
            .parse()
            .map_err(|_| format!("--port takes a number from 1 to 65535, not {port:?}")),
        [flag] if flag.starts_with("--port=") => {
            let port = &flag["--port=".len()..];
            port.parse()
                .map_err(|_| format!("--port takes a number from 1 to 65535, not {port:?}"))
        }
        _ => Err(USAGE.to_string()),
    }
}

fn bundle_sizes(files: &[std::path::PathBuf]) {
    for file in files {
        let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
        let name = file.file_name().unwrap_or_default().to_string_lossy();
        step(&format!("bundle: {name}, {size} bytes"));
    }
}

fn serve(port: u16) -> Result<()> {
    ensure_wasm_target()?;
    ensure_wasm_bindgen_cli()?;
    bundle_sizes(&build_wasm()?);
    let serving = server::start(root().join("www"), port)
        .map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}; pick another with --port"))?;
    println!("canvass is being served at {}  (Ctrl-C stops it)", serving.url());
    loop {
        std::thread::park();
    }
}

/// Builds the page's bundle into `www/pkg` without serving it, so that one end-to-end test
/// can be rerun (`cargo test -p canvass-e2e --test page NAME`) after a change to the page.
fn build() -> Result<()> {
    ensure_wasm_target()?;
    ensure_wasm_bindgen_cli()?;
    bundle_sizes(&build_wasm()?);
    Ok(())
}

/// The checks `test` runs before any test: each is one command, printed with the
/// command that fixes or reproduces its failure.
fn checks() -> Result<()> {
    ensure_rustfmt_and_clippy()?;
    let root = root();
    let cargo = |args: &[&str]| {
        let mut cmd = Command::new("cargo");
        cmd.current_dir(&root).args(args);
        cmd
    };
    check(
        "check: formatting (cargo fmt --all --check)",
        &mut cargo(&["fmt", "--all", "--check"]),
        "run `cargo fmt --all`",
    )?;
    check(
        "check: formatting of the fuzz targets (cargo fmt --all --check --manifest-path fuzz/Cargo.toml)",
        &mut cargo(&["fmt", "--all", "--check", "--manifest-path", "fuzz/Cargo.toml"]),
        "run `cargo fmt --all --manifest-path fuzz/Cargo.toml`",
    )?;
    let native = "cargo clippy --workspace --all-targets -- -D warnings";
    check(
        &format!("check: clippy, native ({native})"),
        &mut cargo(&["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]),
        &format!("reproduce with `{native}`"),
    )?;
    // The page's, the workers' and the release modules each build with one feature (see
    // MODULES) and the tests with all: code used by one of them only must pass clippy in each.
    for features in [
        &["--all-targets"][..],
        &["--lib", "--no-default-features", "--features", "paint"],
        &["--lib", "--no-default-features", "--features", "files"],
        &["--lib", "--no-default-features", "--features", "release"],
    ] {
        let shown = format!(
            "cargo clippy --package canvass-web --target {WASM_TARGET} {} -- -D warnings",
            features.join(" ")
        );
        check(
            &format!("check: clippy, wasm ({shown})"),
            cargo(&["clippy", "--package", "canvass-web", "--target", WASM_TARGET])
                .args(features)
                .args(["--", "-D", "warnings"]),
            &format!("reproduce with `{shown}`"),
        )?;
    }
    // The fuzz targets build on stable this way too; only running them needs cargo-fuzz.
    let fuzz = "cargo clippy --manifest-path fuzz/Cargo.toml --all-targets -- -D warnings";
    check(
        &format!("check: the fuzz targets compile, clippy ({fuzz})"),
        &mut cargo(&[
            "clippy",
            "--manifest-path",
            "fuzz/Cargo.toml",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
        &format!("reproduce with `{fuzz}`"),
    )?;
    let doc = "RUSTDOCFLAGS='-D warnings' cargo doc --no-deps --workspace";
    check(
        &format!("check: documentation ({doc})"),
        cargo(&["doc", "--no-deps", "--workspace"]).env("RUSTDOCFLAGS", "-D warnings"),
        &format!("reproduce with `{doc}`"),
    )
}

fn test() -> Result<()> {
    ensure_wasm_target()?;
    checks()?;
    ensure_wasm_bindgen_cli()?;
    ensure_chromium()?;
    ensure_axe_core()?;
    let root = root();
    // Tests, browsers and chromedriver write their temporary files here, and all of
    // it goes when the run ends, passed or failed.
    let scratch = ScratchDir::new("canvass")?;

    step("the page's pure modules (node --test in www/test)");
    // Node finds www/test's *.test.js itself; a missing node is named as such.
    match Command::new("node")
        .arg("--test")
        .current_dir(root.join("www/test"))
        .status()
    {
        Err(_) => {
            return Err("node (v20 or later) is needed for the page's unit tests in www/test; install Node.js".into())
        }
        Ok(status) if !status.success() => {
            return Err(format!(
                "the page's unit tests (node --test in www/test) failed ({status})"
            ))
        }
        Ok(_) => {}
    }

    step("native tests: core, CLI, tooling");
    run(Command::new("cargo")
        .current_dir(&root)
        .args([
            "test",
            "--workspace",
            "--exclude",
            "canvass-web",
            "--exclude",
            "canvass-e2e",
        ])
        .env("TMPDIR", scratch.path()))?;

    step("web crate tests in headless Chromium (wasm-bindgen-test)");
    run(Command::new("cargo")
        .current_dir(root.join("crates/canvass-web"))
        .args(["test", "--package", "canvass-web", "--target", WASM_TARGET])
        .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", "wasm-bindgen-test-runner")
        .env("CHROMEDRIVER", CHROMEDRIVER)
        .env_remove("GECKODRIVER")
        .env_remove("SAFARIDRIVER")
        .env("TMPDIR", scratch.path()))?;

    bundle_sizes(&build_wasm()?);
    step("end-to-end tests: the served page in headless Chromium");
    run(Command::new("cargo")
        .current_dir(&root)
        .args(["test", "--package", "canvass-e2e"])
        .env("TMPDIR", scratch.path()))?;
    step("all tests passed");
    Ok(())
}

/// The fuzz targets and the folders of hand-picked inputs each starts from, relative to
/// `fuzz/`; the same as `TARGETS` in fuzz/src/lib.rs, which the corpus replay test reads.
const FUZZ_TARGETS: [(&str, &[&str]); 6] = [
    ("load", &["../tests/data"]),
    ("codebook", &["../tests/data"]),
    ("snapshot", &["seeds/snapshot"]),
    ("view_state", &["seeds/view_state"]),
    ("sav", &["../tests/data/labelled"]),
    ("dta", &["../tests/data/labelled"]),
];

fn fuzz_args(args: &[String]) -> Result<(u32, Vec<&'static str>)> {
    let mut seconds = 60;
    let mut targets = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        if arg == "--seconds" {
            let n = it.next().ok_or("--seconds takes a number")?;
            seconds = n
                .parse()
                .map_err(|_| format!("--seconds: {n:?} is not a whole number of seconds"))?;
        } else if let Some(&(name, _)) = FUZZ_TARGETS.iter().find(|(name, _)| name == arg) {
            targets.push(name);
        } else {
            return Err(USAGE.to_string());
        }
    }
    if targets.is_empty() {
        targets = FUZZ_TARGETS.iter().map(|&(name, _)| name).collect();
    }
    Ok((seconds, targets))
}

/// Runs each target for `seconds`, keeping what it finds in `fuzz/corpus/<target>/`, then
/// minimises that folder. cargo-fuzz asks for nightly because it passes unstable flags
/// (`-Z` and `-Cllvm-args` for coverage); `RUSTC_BOOTSTRAP=1` lets stable accept them, and
/// no sanitizer is used because the sanitizers need a nightly standard library. Builds
/// have debug assertions, so an arithmetic overflow is a crash too.
fn fuzz(seconds: u32, targets: &[&str]) -> Result<()> {
    ensure_cargo_fuzz()?;
    let dir = root().join("fuzz");
    let flags = ["--sanitizer", "none", "--release", "--debug-assertions"];
    let mut crashed = Vec::new();
    for &target in targets {
        let seeds = FUZZ_TARGETS
            .iter()
            .find(|(name, _)| *name == target)
            .map_or(&[][..], |&(_, seeds)| seeds);
        let corpus = format!("corpus/{target}");
        std::fs::create_dir_all(dir.join(&corpus)).map_err(|e| format!("cannot create fuzz/{corpus}: {e}"))?;
        step(&format!("fuzzing {target} for {seconds} s"));
        let ran = run(Command::new("cargo")
            .current_dir(&dir)
            .env("RUSTC_BOOTSTRAP", "1")
            .args(["fuzz", "run"])
            .args(flags)
            .args([target, &corpus])
            .args(seeds)
            // A hang is an input that takes more than 10 s.
            .args(["--", &format!("-max_total_time={seconds}"), "-timeout=10"]));
        if let Err(e) = ran {
            crashed.push(format!(
                "{target}: {e}; the input is saved under fuzz/artifacts/{target}/, reproduce with \
                 `cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run {} {target} artifacts/{target}/<file>`",
                flags.join(" ")
            ));
            continue;
        }
        step(&format!("minimising fuzz/{corpus}"));
        run(Command::new("cargo")
            .current_dir(&dir)
            .env("RUSTC_BOOTSTRAP", "1")
            .args(["fuzz", "cmin"])
            .args(flags)
            .args([target, &corpus])
            // Keep one input per code edge reached, not per hit count of each edge: a
            // minute of the loader otherwise leaves about 1,900 files (3.3 MB) to commit.
            .args(["--", "-use_counters=0"]))?;
    }
    if !crashed.is_empty() {
        return Err(crashed.join("\n"));
    }
    step("fuzzing found no crash; commit what it added to fuzz/corpus/");
    Ok(())
}

/// Which part of the benchmarks to run.
#[derive(Clone, Copy, PartialEq, Eq)]
enum BenchPart {
    All,
    NativeOnly,
    /// Opening the generic files in the browser, and nothing else.
    OpenFileOnly,
    /// Making a release in the browser, and nothing else.
    ReleaseOnly,
}

fn bench_args(args: &[String]) -> Result<(Vec<usize>, BenchPart)> {
    let mut rows = vec![1_236, 100_000, 1_000_000];
    let mut part = BenchPart::All;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--native-only" if part == BenchPart::All => part = BenchPart::NativeOnly,
            "--open-file-only" if part == BenchPart::All => part = BenchPart::OpenFileOnly,
            "--release-only" if part == BenchPart::All => part = BenchPart::ReleaseOnly,
            "--rows" => {
                let list = it.next().ok_or("--rows takes a list such as 1236,100000")?;
                rows = list
                    .split(',')
                    .map(|n| {
                        n.trim()
                            .parse()
                            .map_err(|_| format!("--rows: {n:?} is not a number of rows"))
                    })
                    .collect::<Result<_>>()?;
            }
            _ => return Err(USAGE.to_string()),
        }
    }
    Ok((rows, part))
}

/// Writes `rows` made-up respondents of the generic benchmark shape to `path`, streamed:
/// the largest files do not fit comfortably in memory.
fn write_generic(path: &std::path::Path, rows: usize) -> std::io::Result<()> {
    use canvass_synth::made_up::{write_survey_csv, Shape};
    use std::io::Write;
    let mut out = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    write_survey_csv(&mut out, &Shape::GENERIC, rows, 2020)?;
    out.flush()
}

/// Generates the benchmark files (once; they are deterministic), then runs the native
/// and browser benchmarks. Never part of `test`: timings on a shared machine are noisy.
fn bench(rows: &[usize], part: BenchPart) -> Result<()> {
    let root = root();
    let data_dir = xtask::target_dir().join("bench-data");
    let out_dir = xtask::target_dir().join("bench");
    for dir in [&data_dir, &out_dir] {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    for &n in rows.iter().filter(|_| part != BenchPart::ReleaseOnly) {
        let path = data_dir.join(format!("generic-{n}.csv"));
        if !path.exists() {
            step(&format!("generating {}", path.display()));
            write_generic(&path, n).map_err(|e| format!("writing {}: {e}", path.display()))?;
        }
    }
    // An SPSS file of about 100 MB, opened in the browser beside the generic files.
    let sav = data_dir.join("survey-100MB.sav");
    if part != BenchPart::ReleaseOnly && !sav.exists() {
        step(&format!("generating {}", sav.display()));
        run(Command::new("cargo")
            .current_dir(&root)
            .args([
                "run",
                "--release",
                "--quiet",
                "--package",
                "canvass-core",
                "--example",
                "sav_speed",
                "--",
                "100",
                "--write",
            ])
            .arg(&sav))?;
    }
    // Opening files in the browser uses the generic files and the SPSS file.
    for &n in rows
        .iter()
        .filter(|_| !matches!(part, BenchPart::OpenFileOnly | BenchPart::ReleaseOnly))
    {
        // The NumPy release scaled up: the same codebook, quotas and skip logic, n rows.
        let dir = data_dir.join(format!("numpy-{n}"));
        if !dir.join("responses.tsv").exists() {
            step(&format!("generating {}", dir.display()));
            run(Command::new("cargo")
                .current_dir(&root)
                .args([
                    "run",
                    "--release",
                    "--quiet",
                    "--package",
                    "canvass-cli",
                    "--",
                    "synth",
                    "--codebook",
                ])
                .arg(root.join("www/data/numpy-2020/codebook.json"))
                .args(["--seed", "2020", "--rows", &n.to_string(), "--out"])
                .arg(&dir))?;
        }
    }
    if !matches!(part, BenchPart::OpenFileOnly | BenchPart::ReleaseOnly) {
        step("native benchmarks (release build)");
        run(Command::new("cargo")
            .current_dir(&root)
            .args(["bench", "--package", "canvass-core", "--bench", "core"])
            .env("CANVASS_BENCH_DATA", &data_dir)
            .env("CANVASS_BENCH_OUT", out_dir.join("native.json")))?;
        step("native release benchmarks: synthesis from raw responses (release build)");
        run(Command::new("cargo")
            .current_dir(&root)
            .args(["bench", "--package", "canvass-synth", "--bench", "release"])
            .env("CANVASS_BENCH_OUT", out_dir.join("release.json")))?;
    }
    if part == BenchPart::NativeOnly {
        return Ok(());
    }
    ensure_wasm_target()?;
    ensure_wasm_bindgen_cli()?;
    ensure_chromium()?;
    bundle_sizes(&build_wasm()?);
    step("browser benchmarks (headless Chromium)");
    run(Command::new("cargo")
        .current_dir(&root)
        .args([
            "run",
            "--release",
            "--quiet",
            "--package",
            "canvass-e2e",
            "--bin",
            "browser-bench",
            "--",
        ])
        .arg(&data_dir)
        .arg(out_dir.join("browser.json"))
        .arg("--rows")
        .arg(rows.iter().map(usize::to_string).collect::<Vec<_>>().join(","))
        .args((part == BenchPart::OpenFileOnly).then_some("--open-file-only"))
        .args((part == BenchPart::ReleaseOnly).then_some("--release-only")))?;
    step(&format!("results: {}", out_dir.display()));
    Ok(())
}
