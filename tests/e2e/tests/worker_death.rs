//! A survey engine (worker) that really fails while it reads a visitor's file: the
//! server hands the page's second worker a script that throws out of its `load`
//! handler, so the browser itself reports the worker's failure to the page. The page
//! must keep the survey it has open, say what happened in a sentence, and load the
//! next file without a reload. `privacy.rs` has the same story with the failure
//! simulated inside the page; this one changes nothing in the page.

use canvass_e2e::server::{self, Fault};
use canvass_e2e::Browser;
use std::collections::HashMap;

/// The worker script the page gets once: it accepts the file and then breaks, the
/// error escaping every handler as an engine fault or exhausted memory would.
const DYING_WORKER: &str = "self.onmessage = (event) => {
  if (event.data.type === 'load') throw new Error('the survey engine broke while reading the file');
};
";

#[tokio::test]
async fn a_worker_that_fails_mid_load_leaves_the_open_survey_and_the_next_file_loads() {
    // The release is read from its snapshot on the page's thread, so the first request
    // for worker.js is the worker started ahead for the visitor's next file.
    let faults = HashMap::from([(
        "/worker.js".to_string(),
        Fault::Nth(1, Box::new(Fault::Body(DYING_WORKER))),
    )]);
    let serving = server::start_with_faults(xtask::root().join("www"), 0, faults).expect("serve www/");
    let browser = Browser::launch().await;
    let origin = serving.url();
    browser.client.goto(&origin).await.unwrap();
    assert_eq!(browser.settled_state(60).await, "ready", "{}", browser.messages().await);
    let header = || async {
        browser
            .eval("return document.getElementById('dataset').textContent;")
            .await
            .as_str()
            .unwrap()
            .to_string()
    };
    let release = header().await;
    assert!(release.starts_with("NumPy Community Survey 2020"), "{release}");
    // A mark that a reload would erase.
    browser.eval("window.sameDocument = true; return true;").await;

    let data = xtask::root().join("tests/data");
    browser.choose_file(&data.join("export-google-forms-40.csv")).await;
    browser
        .wait_until(
            "return document.getElementById('messages').textContent.includes('export-google-forms-40.csv');",
            30,
        )
        .await;
    let messages = browser.messages().await;
    assert!(messages.contains("The survey engine stopped"), "{messages}");
    assert!(
        messages.ends_with("The survey you had open is still here."),
        "{messages}"
    );
    assert_eq!(header().await, release);
    assert_eq!(
        browser
            .eval("return document.getElementById('load-status').hidden;")
            .await,
        true
    );

    // The open survey still answers questions.
    browser
        .eval("location.hash = '#view=question&q=demographics.role'; return true;")
        .await;
    browser
        .wait_until(
            "return [...document.querySelectorAll('#chart-table tbody th')].some((th) => th.textContent === 'Data scientist');",
            30,
        )
        .await;

    // The next file loads, in the same document.
    browser.choose_file(&data.join("export-qualtrics-60.csv")).await;
    browser
        .wait_until(
            "return document.getElementById('dataset').textContent.startsWith('export-qualtrics-60.csv');",
            30,
        )
        .await;
    assert_eq!(browser.eval("return document.body.dataset.state;").await, "ready");
    assert_eq!(browser.eval("return window.sameDocument === true;").await, true);
    // The failure was the served script's, not a lucky pass: two workers were fetched.
    let workers = browser
        .requested_urls(&origin[..origin.len() - 1])
        .await
        .iter()
        .filter(|u| u.ends_with("/worker.js"))
        .count();
    assert_eq!(workers, 2);
}
