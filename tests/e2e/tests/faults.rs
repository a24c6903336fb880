//! What the page does when its own downloads go wrong, and when a visitor's file
//! does: a clear sentence on the page, never a partial table or chart shown as if
//! complete, and the open survey kept when a file of the visitor's fails.
//!
//! The faults come from the test server (`xtask::server::start_with_faults`): a 404,
//! a body cut short, a damaged byte (so the manifest's sha256 no longer matches) and a
//! wrong `Content-Type` for the wasm.

use canvass_e2e::server::{self, Fault};
use canvass_e2e::Browser;
use std::collections::HashMap;

/// Cards, table rows and the header line the page shows.
async fn shown(browser: &Browser) -> (u64, u64, String) {
    let v = browser
        .eval(
            "return [document.querySelectorAll('.card').length,
                     document.querySelectorAll('table tbody tr').length,
                     document.getElementById('dataset').textContent];",
        )
        .await;
    (
        v[0].as_u64().unwrap(),
        v[1].as_u64().unwrap(),
        v[2].as_str().unwrap().to_string(),
    )
}

#[tokio::test]
async fn a_failed_download_is_an_error_and_shows_nothing() {
    // The sample's file has 321 bytes (its manifest says so).
    let cases: [(&str, &str, Fault, &[&str]); 8] = [
        (
            "sample@1",
            "/data/sample/tools-survey.csv",
            Fault::NotFound,
            &["tools-survey.csv", "answered 404"],
        ),
        (
            "sample@1",
            "/data/sample/tools-survey.csv",
            Fault::Truncate(200),
            &["tools-survey.csv arrived with 200 of its 321 bytes", "cut short"],
        ),
        (
            "sample@1",
            "/data/sample/tools-survey.csv",
            Fault::Corrupt(100),
            &["tools-survey.csv does not match the checksum in its manifest"],
        ),
        (
            "sample@1",
            "/data/sample/manifest.json",
            Fault::NotFound,
            &["manifest.json", "answered 404"],
        ),
        (
            "numpy-2020",
            "/data/numpy-2020/responses.tsv",
            Fault::Corrupt(400_000),
            &["responses.tsv does not match the checksum in its manifest"],
        ),
        (
            "sample@1",
            "/pkg/canvass_web_bg.wasm",
            Fault::NotFound,
            &["could not be started", "404"],
        ),
        (
            "sample@1",
            "/pkg/canvass_web_bg.wasm",
            Fault::Corrupt(0),
            &["could not be started"],
        ),
        (
            "sample@1",
            "/pkg/canvass_web_bg.wasm",
            Fault::ContentType("application/octet-stream"),
            &[
                "could not be started",
                "\"application/octet-stream\", not application/wasm",
            ],
        ),
    ];
    let browser = Browser::launch().await;
    for (dataset, path, fault, sentences) in cases {
        let what = format!("{path} {fault:?}");
        // Without its snapshot the page reads the published files, where the fault is.
        let folder = if dataset.starts_with("sample") {
            "sample"
        } else {
            "numpy-2020"
        };
        let faults = HashMap::from([
            (path.to_string(), fault),
            (format!("/data/{folder}/survey.snapshot"), Fault::NotFound),
        ]);
        let serving = server::start_with_faults(xtask::root().join("www"), 0, faults).expect("serve www/");
        browser
            .client
            .goto(&format!("{}#d={dataset}", serving.url()))
            .await
            .unwrap();
        assert_eq!(browser.settled_state(30).await, "error", "{what}");
        let messages = browser.messages().await;
        for sentence in sentences {
            assert!(messages.contains(sentence), "{what}: {messages:?} lacks {sentence:?}");
        }
        // Whatever did arrive is not shown: no card, no table row, no respondents.
        assert_eq!(
            shown(&browser).await,
            (0, 0, "The survey could not be shown.".to_string()),
            "{what}"
        );
        browser.log("browser").await;
        browser.log("performance").await;
    }
    browser.client.clone().close().await.unwrap();
}

/// A bundled dataset's snapshot stands in for its published files only while it is
/// whole and of those files: a missing, cut or damaged snapshot, or one of other files,
/// leaves the page reading the published files, with the same survey shown.
#[tokio::test]
async fn an_unusable_snapshot_falls_back_to_the_published_files() {
    let snapshot = "/data/numpy-2020/survey.snapshot";
    let other_files = std::fs::read(xtask::root().join("www/data/sample/survey.snapshot")).unwrap();
    let cases: [(Option<Fault>, &str); 5] = [
        (None, "snapshot"),
        (Some(Fault::NotFound), "published"),
        (Some(Fault::Truncate(100_000)), "published"),
        (Some(Fault::Corrupt(200_000)), "published"),
        // The sample's snapshot in the release's place: whole, but of other files.
        (Some(Fault::Bytes(other_files)), "published"),
    ];
    let browser = Browser::launch().await;
    for (fault, source) in cases {
        let what = format!("{fault:?}");
        let faults = fault
            .map(|f| HashMap::from([(snapshot.to_string(), f)]))
            .unwrap_or_default();
        let serving = server::start_with_faults(xtask::root().join("www"), 0, faults).expect("serve www/");
        browser
            .client
            .goto(&format!("{}#view=question&q=demographics.role", serving.url()))
            .await
            .unwrap();
        assert_eq!(
            browser.settled_state(60).await,
            "ready",
            "{what}: {}",
            browser.messages().await
        );
        let (state, table) = (
            browser.eval("return document.body.dataset.source;").await,
            browser
                .eval("return [...document.querySelectorAll('#chart-table tbody tr')].map(tr => tr.textContent);")
                .await,
        );
        assert_eq!(state, source, "{what}");
        assert!(
            table
                .as_array()
                .is_some_and(|rows| rows.iter().any(|r| r.as_str().unwrap_or("").contains("Data scientist"))),
            "{what}: {table}"
        );
        let header = shown(&browser).await.2;
        assert!(header.starts_with("NumPy Community Survey 2020"), "{what}: {header}");
        assert!(header.contains("1,236"), "{what}: {header}");
        browser.log("browser").await;
        browser.log("performance").await;
    }
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn a_failed_or_cancelled_file_keeps_the_open_survey_and_the_next_one_loads() {
    let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
    let browser = Browser::launch().await;
    browser.open_sample_holding_loads(&serving).await;
    browser.eval("window.notReloaded = true; return true;").await;
    let sample = shown(&browser).await;
    assert_eq!(sample.0, 3);

    // A broken file: its error, with line and field, and the sample stays.
    let data = xtask::root().join("tests/data");
    browser.choose_file(&data.join("fail-unterminated-quote.csv")).await;
    browser.wait_for_held_load().await;
    browser.release_load().await;
    browser
        .wait_until(
            "return document.getElementById('messages').textContent.includes('line 2, field 2');",
            20,
        )
        .await;
    let messages = browser.messages().await;
    assert!(
        messages.starts_with("fail-unterminated-quote.csv: line 2, field 2: a quote opens here"),
        "{messages}"
    );
    assert!(
        messages.ends_with("The survey you had open is still here."),
        "{messages}"
    );
    assert_eq!(shown(&browser).await, sample);

    // A file cancelled while it loads (held after its first progress, so it is under
    // way however fast the machine): the sample stays.
    browser.choose_file(&data.join("layout-google-forms.csv")).await;
    browser.wait_for_held_load().await;
    assert!(!browser
        .eval("return document.getElementById('load-status').hidden;")
        .await
        .as_bool()
        .unwrap());
    browser
        .eval("document.getElementById('load-cancel').click(); return true;")
        .await;
    let messages = browser.messages().await;
    assert_eq!(
        messages,
        "Loading was cancelled. The survey you had open is still here."
    );
    assert!(browser
        .eval("return document.getElementById('load-status').hidden;")
        .await
        .as_bool()
        .unwrap());
    // The cancel is acknowledged, and once the page has settled nothing of the load
    // is left to answer, released or not.
    assert_eq!(browser.eval("return document.body.dataset.load;").await, "cancelled");
    browser.release_load().await;
    browser.settled(30).await;
    assert_eq!(shown(&browser).await, sample);

    // The next file loads, in the same page.
    browser.choose_file(&data.join("layout-google-forms.csv")).await;
    browser.wait_for_held_load().await;
    browser.release_load().await;
    browser
        .wait_until(
            "return document.getElementById('dataset').textContent.startsWith('layout-google-forms.csv');",
            20,
        )
        .await;
    assert_eq!(browser.eval("return window.notReloaded === true;").await, true);
    assert_eq!(browser.settled_state(5).await, "ready");
    browser.client.clone().close().await.unwrap();
}

/// The engine that reads files is fetched only when a visitor reaches for one; when it
/// cannot be had, opening a file says so and the survey already shown stays.
#[tokio::test]
async fn a_missing_or_mistyped_file_engine_is_an_error_and_keeps_the_open_survey() {
    let browser = Browser::launch().await;
    let file = xtask::root().join("tests/data/layout-google-forms.csv");
    for (fault, said) in [
        (Fault::NotFound, "the server answered 404 for canvass_loader_bg.wasm"),
        (Fault::Corrupt(0), "could not be started"),
        (
            Fault::ContentType("application/octet-stream"),
            "canvass_loader_bg.wasm as \"application/octet-stream\", not application/wasm",
        ),
    ] {
        let what = format!("{fault:?}");
        let faults = HashMap::from([("/pkg/canvass_loader_bg.wasm".to_string(), fault)]);
        let serving = server::start_with_faults(xtask::root().join("www"), 0, faults).expect("serve www/");
        browser.open_sample(&serving).await;
        let sample = shown(&browser).await;
        assert_eq!(sample.0, 3, "{what}");
        browser.choose_file(&file).await;
        browser
            .wait_until(
                "return document.getElementById('messages').textContent.includes('could not be started');",
                20,
            )
            .await;
        let messages = browser.messages().await;
        assert!(
            messages.starts_with(
                "layout-google-forms.csv: The engine that reads files (canvass_loader_bg.wasm) could not be started"
            ),
            "{what}: {messages}"
        );
        assert!(messages.contains(said), "{what}: {messages}");
        assert!(
            messages.ends_with("The survey you had open is still here."),
            "{what}: {messages}"
        );
        assert_eq!(shown(&browser).await, sample, "{what}");
        assert_eq!(browser.settled_state(5).await, "ready", "{what}");
    }
    browser.client.clone().close().await.unwrap();
}
