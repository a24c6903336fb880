//! `cargo xtask <command>`: the project's commands, each installing what it needs.
//!
//! - `serve [--port N]`: build the explorer and serve it on http://127.0.0.1:8000.
//! - `test`: native tests, the web crate's tests in headless Chromium, and the
//!   end-to-end tests of the served page.

use std::process::{Command, ExitCode};
use xtask::{
    build_wasm, ensure_chromium, ensure_wasm_bindgen_cli, ensure_wasm_target, root, run, server, step, Result,
    CHROMEDRIVER, WASM_TARGET,
};

const USAGE: &str = "usage: cargo xtask serve [--port N] | cargo xtask test";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("serve") => port_arg(&args[1..]).and_then(serve),
        Some("test") if args.len() == 1 => test(),
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

fn bundle_sizes(wasm: &std::path::Path, js: &std::path::Path) {
    let size = |p: &std::path::Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    step(&format!(
        "bundle: {} bytes of wasm, {} bytes of JS glue",
        size(wasm),
        size(js)
    ));
}

fn serve(port: u16) -> Result<()> {
    ensure_wasm_target()?;
    ensure_wasm_bindgen_cli()?;
    let (wasm, js) = build_wasm()?;
    bundle_sizes(&wasm, &js);
    let serving = server::start(root().join("www"), port)
        .map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}; pick another with --port"))?;
    println!("canvass is being served at {}  (Ctrl-C stops it)", serving.url());
    loop {
        std::thread::park();
    }
}

fn test() -> Result<()> {
    ensure_wasm_target()?;
    ensure_wasm_bindgen_cli()?;
    ensure_chromium()?;
    let root = root();

    step("native tests: core, CLI, tooling");
    run(Command::new("cargo").current_dir(&root).args([
        "test",
        "--workspace",
        "--exclude",
        "canvass-web",
        "--exclude",
        "canvass-e2e",
    ]))?;

    step("web crate tests in headless Chromium (wasm-bindgen-test)");
    run(Command::new("cargo")
        .current_dir(root.join("crates/canvass-web"))
        .args(["test", "--package", "canvass-web", "--target", WASM_TARGET])
        .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", "wasm-bindgen-test-runner")
        .env("CHROMEDRIVER", CHROMEDRIVER)
        .env_remove("GECKODRIVER")
        .env_remove("SAFARIDRIVER"))?;

    let (wasm, js) = build_wasm()?;
    bundle_sizes(&wasm, &js);
    step("end-to-end tests: the served page in headless Chromium");
    run(Command::new("cargo")
        .current_dir(&root)
        .args(["test", "--package", "canvass-e2e"]))?;
    step("all tests passed");
    Ok(())
}
