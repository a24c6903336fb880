//! Harness for the end-to-end tests: a chromedriver on a free loopback port, a headless
//! Chromium with a fresh profile and no background networking, and access to the
//! browser's console and network logs.

use fantoccini::wd::{Capabilities, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub use xtask::server;

/// A running browser; dropping it stops chromedriver and removes the profile.
pub struct Browser {
    pub client: Client,
    driver: Child,
    profile_dir: PathBuf,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

impl Browser {
    pub async fn launch() -> Browser {
        Self::launch_with_window(1100, 900).await
    }

    /// A browser whose window is `width` × `height` CSS pixels (a tall one shows the
    /// whole overview at once).
    pub async fn launch_with_window(width: u32, height: u32) -> Browser {
        let port = free_port();
        // Everything the browser writes (profile and temporary files) goes under one
        // folder that `Drop` removes: Chromium killed mid-session cleans up nothing. The
        // name stays short, as Chromium's socket in it must (107 bytes at most).
        let profile_dir = std::env::temp_dir().join(format!("e2e-{}-{port}", std::process::id()));
        let browser_tmp = profile_dir.join("tmp");
        std::fs::create_dir_all(&browser_tmp).expect("a folder for the browser's files");
        let driver = Command::new(xtask::CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .env("TMPDIR", &browser_tmp)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts (run `cargo xtask test`, which installs it)");
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "chromedriver did not listen on port {port} within 30 s"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let caps = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": xtask::CHROMIUM,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-quic", "--no-first-run", format!("--window-size={width},{height}"),
                    format!("--user-data-dir={}", profile_dir.join("profile").display()),
                ],
            },
            "goog:loggingPrefs": { "browser": "ALL", "performance": "ALL" },
        });
        let Value::Object(caps) = caps else { unreachable!() };
        let caps: Capabilities = caps;
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("a WebDriver session in headless Chromium");
        let browser = Browser {
            client,
            driver,
            profile_dir,
        };
        // Headless Chromium keeps a window at least 500 px wide, so a phone's width is
        // emulated: a test asking for 375 px lays the page out at 375.
        if width < 500 {
            browser
                .cdp(
                    "Emulation.setDeviceMetricsOverride",
                    json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": true }),
                )
                .await;
        }
        // Whatever the browser did before the test navigates is not the page's doing.
        browser.log("performance").await;
        browser
    }

    /// The process id of chromedriver, the parent of this browser's processes.
    pub fn driver_pid(&self) -> u32 {
        self.driver.id()
    }

    /// Runs `script` (a function body) in the page and returns its value.
    pub async fn eval(&self, script: &str) -> Value {
        self.client
            .execute(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Waits until `script` returns a truthy value, or fails after `secs` seconds
    /// with the page's console so far.
    pub async fn wait_until(&self, script: &str, secs: u64) {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let v = self.eval(script).await;
            if v.as_bool() == Some(true) {
                return;
            }
            if Instant::now() > deadline {
                let console = self.log("browser").await;
                panic!("timed out after {secs} s waiting for `{script}`; console: {console:#?}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Saves a screenshot as `name`.png in the folder named by `CANVASS_SCREENSHOTS`,
    /// when that variable is set (for looking at the page and for the README).
    pub async fn screenshot(&self, name: &str) {
        let Some(dir) = std::env::var_os("CANVASS_SCREENSHOTS") else {
            return;
        };
        let png = self.client.screenshot().await.expect("a screenshot");
        std::fs::create_dir_all(&dir).expect("the screenshot folder");
        std::fs::write(PathBuf::from(dir).join(format!("{name}.png")), png).expect("writing the screenshot");
    }

    /// Entries of Chromium's `browser` (console) or `performance` (DevTools) log
    /// since the last call.
    pub async fn log(&self, kind: &'static str) -> Vec<Value> {
        match self.client.issue_cmd(GetLog(kind)).await {
            Ok(Value::Array(entries)) => entries,
            other => panic!("reading the {kind} log failed: {other:?}"),
        }
    }

    /// Sends a DevTools protocol command to the page (chromedriver's `goog/cdp/execute`)
    /// and returns its result: how benchmarks reach the profiler.
    pub async fn cdp(&self, cmd: &'static str, params: Value) -> Value {
        self.client
            .issue_cmd(CdpExecute(cmd, params))
            .await
            .unwrap_or_else(|e| panic!("DevTools command {cmd} failed: {e}"))
    }

    /// Every URL requested since the last call by documents and workers of `origin`
    /// (a request's DevTools `documentURL` names who made it), from network events.
    /// Requests of other documents (Chromium's own new-tab page, say) are not the
    /// page's doing and are left out; anything the page itself asks of another origin
    /// is kept.
    pub async fn requested_urls(&self, origin: &str) -> Vec<String> {
        self.log("performance")
            .await
            .iter()
            .filter_map(|entry| serde_json::from_str::<Value>(entry["message"].as_str()?).ok())
            .filter(|m| m["message"]["method"] == "Network.requestWillBeSent")
            .map(|m| m["message"]["params"].clone())
            .filter(|p| p["documentURL"].as_str().is_some_and(|d| d.starts_with(origin)))
            .filter_map(|p| p["request"]["url"].as_str().map(String::from))
            .collect()
    }
}

/// One request as DevTools saw it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub url: String,
    /// The body sent with it, if any.
    pub post_data: Option<String>,
}

impl Browser {
    /// Every request since the last call by documents and workers of `origin`, with
    /// method and body (see [`Browser::requested_urls`]).
    pub async fn requests(&self, origin: &str) -> Vec<Request> {
        self.log("performance")
            .await
            .iter()
            .filter_map(|entry| serde_json::from_str::<Value>(entry["message"].as_str()?).ok())
            .filter(|m| m["message"]["method"] == "Network.requestWillBeSent")
            .map(|m| m["message"]["params"].clone())
            .filter(|p| p["documentURL"].as_str().is_some_and(|d| d.starts_with(origin)))
            .map(|p| Request {
                method: p["request"]["method"].as_str().unwrap_or("").to_string(),
                url: p["request"]["url"].as_str().unwrap_or("").to_string(),
                post_data: p["request"]["postData"].as_str().map(String::from),
            })
            .collect()
    }

    /// Opens the small bundled sample survey (`#d=sample@1`) served by `serving` and
    /// waits until the page is ready with it.
    pub async fn open_sample(&self, serving: &server::Serving) {
        self.client
            .goto(&format!("{}#d=sample@1", serving.url()))
            .await
            .unwrap();
        assert_eq!(self.settled_state(30).await, "ready", "{}", self.messages().await);
    }

    /// Opens the sample as [`Browser::open_sample`] does, with the page's test hook
    /// that holds a file's load after its first progress message (`?hold-load`, see
    /// www/files.js) until [`Browser::release_load`].
    pub async fn open_sample_holding_loads(&self, serving: &server::Serving) {
        self.client
            .goto(&format!("{}?hold-load#d=sample@1", serving.url()))
            .await
            .unwrap();
        assert_eq!(self.settled_state(30).await, "ready", "{}", self.messages().await);
    }

    /// Waits until a load the page holds (see [`Browser::open_sample_holding_loads`])
    /// has reported its first progress.
    pub async fn wait_for_held_load(&self) {
        self.wait_until("return document.body.dataset.load === 'held';", 30)
            .await;
    }

    /// Lets the load the page holds go on.
    pub async fn release_load(&self) {
        self.eval("document.dispatchEvent(new Event('canvass:release-load')); return true;")
            .await;
    }

    /// Waits until the page has settled: every request, card and redraw it had in
    /// flight is done (`body[data-settled]`, see www/settled.js). How a test shows
    /// that nothing more happens, on a machine of any speed.
    pub async fn settled(&self, secs: u64) {
        self.wait_until("return document.body.dataset.settled === 'true';", secs)
            .await;
    }

    /// Every URL requested by the page (as [`Browser::requested_urls`]) up to now: the
    /// page requests a marker, and the log is read until the marker is in it, so no
    /// request made before that is still on its way to the log.
    pub async fn requested_urls_so_far(&self, origin: &str) -> Vec<String> {
        let marker = format!("e2e-marker-{}", Instant::now().elapsed().as_nanos());
        self.eval(&format!("fetch('/{marker}').catch(() => {{}}); return true;"))
            .await;
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut urls = Vec::new();
        loop {
            urls.extend(self.requested_urls(origin).await);
            if let Some(at) = urls.iter().position(|u| u.ends_with(&marker)) {
                urls.remove(at);
                return urls;
            }
            assert!(
                Instant::now() < deadline,
                "the marker request {marker} never reached the log"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until the page says it is ready or has failed, and returns which.
    pub async fn settled_state(&self, secs: u64) -> String {
        self.wait_until("return ['ready', 'error'].includes(document.body.dataset.state);", secs)
            .await;
        self.eval("return document.body.dataset.state;")
            .await
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    /// The text of the page's message area (errors, warnings, notices).
    pub async fn messages(&self) -> String {
        self.eval("return document.getElementById('messages').textContent;")
            .await
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    /// The pointer reaching "Open your own file…": the page starts the worker that will
    /// read a file, fetching its code (see `prepareSpare` in files.js); this waits until
    /// that worker is ready and warmed up.
    pub async fn reach_for_the_file_button(&self) {
        self.eval("document.getElementById('open-file').dispatchEvent(new PointerEvent('pointerenter')); return true;")
            .await;
        self.wait_until("return document.body.dataset.spare === 'warm';", 30)
            .await;
    }

    /// Opens a file named `name` holding `text` through the page's file input, as a
    /// visitor picking it would, and waits until the page names it.
    pub async fn open_text_file(&self, name: &str, text: &str) {
        self.client
            .execute(
                "const [name, text] = arguments;
                 const input = document.getElementById('file-input');
                 const files = new DataTransfer();
                 files.items.add(new File([text], name, { type: 'text/csv' }));
                 input.files = files.files;
                 input.dispatchEvent(new Event('change'));
                 return true;",
                vec![Value::String(name.into()), Value::String(text.into())],
            )
            .await
            .unwrap();
        self.wait_until(
            &format!("return document.getElementById('dataset').textContent.startsWith({name:?});"),
            30,
        )
        .await;
    }

    /// Opens `path` through the page's file input, as "Open your own file…" does.
    pub async fn choose_file(&self, path: &std::path::Path) {
        let input = self
            .client
            .find(fantoccini::Locator::Css("#file-input"))
            .await
            .expect("the page has a file input");
        input
            .send_keys(path.to_str().expect("a UTF-8 path"))
            .await
            .expect("chromedriver hands the file to the input");
    }

    /// Runs axe-core (`axe`, its script, installed by `xtask::ensure_axe_core`) over the
    /// page as it is and returns its violations as "rule: target (summary)" lines.
    pub async fn axe_violations(&self, axe: &str) -> Vec<String> {
        self.client
            .execute(&format!("{axe}\nreturn true;"), vec![])
            .await
            .expect("axe-core loads into the page");
        let found = self
            .eval(
                "return axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.flatMap((v) =>
                 v.nodes.map((n) => `${v.id}: ${n.target.join(' ')} (${n.failureSummary.replace(/\\s+/g, ' ')})`)));",
            )
            .await;
        found
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    }

    /// Waits up to `secs` for "Prepare a release" to finish and fails with the panel's
    /// messages unless the release was made.
    pub async fn release_made(&self, secs: u64) {
        self.wait_until(
            "return ['made', 'failed'].includes(document.body.dataset.release);",
            secs,
        )
        .await;
        assert_eq!(
            self.eval("return document.body.dataset.release;").await,
            "made",
            "{}",
            self.eval("return document.getElementById('release-messages').textContent;")
                .await
        );
    }

    /// Opens `path` as [`Browser::choose_file`] does and waits until the page names it.
    pub async fn open_file(&self, path: &std::path::Path) {
        self.choose_file(path).await;
        let name = path.file_name().and_then(|n| n.to_str()).expect("a UTF-8 file name");
        self.wait_until(
            &format!("return document.getElementById('dataset').textContent.startsWith({name:?});"),
            30,
        )
        .await;
    }
}

/// Every process below `root_pid` (its children, their children…), from /proc.
pub fn descendants(root_pid: u32) -> Vec<u32> {
    let mut parent_of: Vec<(u32, u32)> = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().filter_map(Result::ok) {
        let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
            continue;
        };
        let Ok(status) = std::fs::read_to_string(entry.path().join("status")) else {
            continue;
        };
        if let Some(ppid) = status
            .lines()
            .find_map(|l| l.strip_prefix("PPid:"))
            .and_then(|v| v.trim().parse().ok())
        {
            parent_of.push((pid, ppid));
        }
    }
    let mut found = vec![root_pid];
    let mut i = 0;
    while i < found.len() {
        let parent = found[i];
        found.extend(
            parent_of
                .iter()
                .filter(|(_, ppid)| *ppid == parent)
                .map(|(pid, _)| *pid),
        );
        i += 1;
    }
    found.remove(0);
    found
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Chromium outlives a killed chromedriver; end the whole tree so a failed test
        // leaves no browser running.
        for pid in descendants(self.driver.id()) {
            let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile_dir);
    }
}

/// chromedriver's log endpoint, which fantoccini has no method for.
#[derive(Debug)]
struct GetLog(&'static str);

impl WebDriverCompatibleCommand for GetLog {
    fn endpoint(&self, base_url: &url::Url, session_id: Option<&str>) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!("session/{}/se/log", session_id.unwrap_or_default()))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(json!({ "type": self.0 }).to_string()))
    }
}

/// chromedriver's DevTools passthrough, which fantoccini has no method for either.
#[derive(Debug)]
struct CdpExecute(&'static str, Value);

impl WebDriverCompatibleCommand for CdpExecute {
    fn endpoint(&self, base_url: &url::Url, session_id: Option<&str>) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!("session/{}/goog/cdp/execute", session_id.unwrap_or_default()))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        (
            http::Method::POST,
            Some(json!({ "cmd": self.0, "params": self.1 }).to_string()),
        )
    }
}

/// Splits CSV text into records of fields (RFC 4180: quoted fields may hold commas,
/// doubled quotes and line breaks).
pub fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.trim_start_matches('\u{feff}').chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    records
}

/// `tests/data/cards-every-kind.csv`: a survey file with a card of every kind the page
/// draws (bars, histogram, diverging and stacked grids, a ranking); see that folder's
/// README.
pub fn every_kind_csv() -> String {
    std::fs::read_to_string(xtask::root().join("tests/data/cards-every-kind.csv"))
        .expect("tests/data/cards-every-kind.csv")
}

/// `canvass crosstab … --json` on the bundled NumPy release, through cargo, so the CLI
/// is the one built from this tree; an empty `filter` means none.
pub fn cli_crosstab(row: &str, col: &str, filter: &str) -> Value {
    let root = xtask::root();
    let release = root.join("www/data/numpy-2020");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(&root)
        .args(["run", "-q", "-p", "canvass-cli", "--", "crosstab"])
        .arg(release.join("responses.tsv"))
        .args([row, col, "--codebook"])
        .arg(release.join("codebook.json"))
        .args(if filter.is_empty() {
            vec!["--json"]
        } else {
            vec!["--filter", filter, "--json"]
        })
        .output()
        .expect("cargo runs the canvass CLI");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("the CLI prints JSON")
}
