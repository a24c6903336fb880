//! A visitor's own file stays on their machine: dropped on the page and explored, it
//! causes no request (the code that reads it was fetched as the drag reached the page), and none of its answers reach storage, cookies, the console or
//! the URL. The same holds for a raw file made into a release in "Prepare a release".
//! Also: a second file dropped while the first is read replaces it cleanly,
//! and a survey engine (worker) that dies leaves the page working with a message.

use canvass_e2e::{server, Browser};
use serde_json::Value;

/// Answers no page, library or browser would produce by itself.
const SECRETS: [&str; 4] = [
    "zebra-quartz-7731",
    "mango-vortex-2284",
    "kiwi-nebula-5519",
    "secret-note-",
];

/// A file of 30 respondents: a favourite (15, 12 and 3), a team (18 and 12) and a
/// free-text note each.
fn private_csv() -> String {
    let mut text = String::from("Favourite,Team,Note\n");
    for i in 0..30 {
        let favourite = match i {
            0..=14 => SECRETS[0],
            15..=26 => SECRETS[1],
            _ => SECRETS[2],
        };
        let team = if i < 18 { "Orbit" } else { "Harbor" };
        text += &format!("{favourite},{team},{}{i}\n", SECRETS[3]);
    }
    text
}

/// A visitor's drag reaching the page, left again: the page starts the worker that
/// will read a file, fetching its code (see `prepareSpare` in files.js); this waits until
/// that worker is ready.
async fn reach_for_a_file(browser: &Browser) {
    browser
        .eval(
            "const dt = new DataTransfer();
             dt.items.add(new File(['x'], 'x.csv', { type: 'text/csv' }));
             window.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dt, bubbles: true }));
             window.dispatchEvent(new DragEvent('dragleave', { dataTransfer: dt, bubbles: true }));
             return true;",
        )
        .await;
    browser
        .wait_until("return document.body.dataset.spare === 'warm';", 30)
        .await;
}

/// Drops a file with `text` (a JS expression) named `name` on the page, as a
/// visitor's drag and drop does.
async fn drop_file(browser: &Browser, name: &str, text_expr: &str) {
    browser
        .eval(&format!(
            "const dt = new DataTransfer();
             dt.items.add(new File([{text_expr}], {name:?}, {{ type: 'text/csv' }}));
             window.dispatchEvent(new DragEvent('drop', {{ dataTransfer: dt, bubbles: true, cancelable: true }}));
             return true;"
        ))
        .await;
}

async fn header(browser: &Browser) -> String {
    browser
        .eval("return document.getElementById('dataset').textContent;")
        .await
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn a_dropped_file_makes_no_request_and_leaves_no_trace() {
    let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
    let browser = Browser::launch().await;
    browser.open_sample(&serving).await;
    // The engine that reads files is fetched when a visitor reaches for one, before
    // any file is handed over.
    reach_for_a_file(&browser).await;
    let origin = serving.url();
    browser.requests(&origin).await;
    browser.log("browser").await;

    let csv = private_csv();
    drop_file(&browser, "private.csv", &serde_json::to_string(&csv).unwrap()).await;
    browser
        .wait_until(
            "return document.getElementById('dataset').textContent.startsWith('private.csv');",
            20,
        )
        .await;

    // Explore: every card drawn, one question opened, its base changed, another picked.
    browser
        .eval("document.querySelectorAll('.card').forEach(c => c.scrollIntoView()); return true;")
        .await;
    browser
        .wait_until(
            "return [...document.querySelectorAll('.card')].every(c => c.dataset.drawn === '1');",
            10,
        )
        .await;
    browser
        .eval("document.querySelector('.card h3 a').click(); return true;")
        .await;
    browser
        .wait_until(
            &format!(
                "return document.querySelector('#chart-table tbody th')?.textContent === '{}';",
                SECRETS[0]
            ),
            10,
        )
        .await;
    // Counted from private_csv: 15, 12 and 3. The 3 is below k = 10 and withheld, and
    // so is the 12, since 30 − 15 would give it away.
    let rows = browser
        .eval("return [...document.querySelectorAll('#chart-table tbody tr')].map(tr => [tr.cells[0].textContent, tr.cells[1].textContent]);")
        .await;
    assert_eq!(
        rows,
        serde_json::json!([[SECRETS[0], "15"], [SECRETS[1], "–"], [SECRETS[2], "–"]])
    );
    browser
        .eval("document.querySelector('input[name=base][value=all]').click(); return true;")
        .await;
    browser
        .wait_until(
            "return document.getElementById('chart-caption').textContent.startsWith('n = 30 of 30');",
            10,
        )
        .await;
    browser.eval("const s = document.getElementById('question'); s.value = 'Team'; s.dispatchEvent(new Event('change')); return true;").await;
    browser
        .wait_until(
            "return document.querySelector('#chart-table tbody th')?.textContent === 'Orbit';",
            10,
        )
        .await;

    // Nothing went over the network after the drop.
    let requests = browser.requests(&origin).await;
    assert!(requests.is_empty(), "requests after the drop: {requests:#?}");

    // Nothing of the file is kept anywhere a later visit or another site could read.
    let kept = what_the_page_keeps(&browser).await;
    assert_eq!(kept[..5], ["", "", "", "[]", "[]"], "storage after the drop");
    let console = console_messages(&browser).await;
    for secret in SECRETS {
        for (place, text) in [("URL", &kept[5]), ("history state", &kept[6])] {
            assert!(!text.contains(secret), "{secret} is in the {place}: {text}");
        }
        assert!(
            !console.iter().any(|m| m.contains(secret)),
            "{secret} on the console: {console:#?}"
        );
    }
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn a_second_file_dropped_while_the_first_loads_replaces_it() {
    let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
    let browser = Browser::launch().await;
    // Loads are held after their first progress, so the first is still being read
    // when the second arrives, however fast the machine.
    browser.open_sample_holding_loads(&serving).await;
    drop_file(&browser, "first.csv", "'q1,q2\\nYes,No\\nNo,Yes\\n'").await;
    browser.wait_for_held_load().await;
    assert!(browser
        .eval("return !document.getElementById('load-status').hidden;")
        .await
        .as_bool()
        .unwrap());
    drop_file(&browser, "second.csv", &serde_json::to_string(&private_csv()).unwrap()).await;
    browser.wait_for_held_load().await;
    browser.release_load().await;
    browser
        .wait_until(
            "return document.getElementById('dataset').textContent.startsWith('second.csv');",
            20,
        )
        .await;
    // Settled: the first's worker was ended when the second arrived, so nothing of it
    // is left to answer.
    browser.settled(30).await;
    assert!(header(&browser).await.starts_with("second.csv · 30 respondents"));
    assert_eq!(browser.settled_state(5).await, "ready");
    let errors = browser
        .eval("return document.querySelectorAll('#messages .error').length;")
        .await;
    assert_eq!(errors, 0, "{}", browser.messages().await);
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn a_worker_that_dies_leaves_the_page_working_with_a_message() {
    let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
    let browser = Browser::launch().await;
    browser.open_sample(&serving).await;
    let sample = header(&browser).await;
    // The worker that reads the next file dies as the browser reports a worker killed
    // by running out of memory: it stops, and an `error` event reaches the page.
    // Later workers are real.
    browser
        .eval(
            "const real = Worker.prototype.postMessage;
             Worker.prototype.postMessage = function (message, transfer) {
                 if (message.type !== 'load') return real.call(this, message, transfer);
                 Worker.prototype.postMessage = real;
                 this.terminate();
                 setTimeout(() => this.dispatchEvent(new Event('error', { cancelable: true })), 0);
             };
             return true;",
        )
        .await;
    drop_file(&browser, "doomed.csv", &serde_json::to_string(&private_csv()).unwrap()).await;
    browser
        .wait_until(
            "return document.getElementById('messages').textContent.startsWith('doomed.csv');",
            20,
        )
        .await;
    let messages = browser.messages().await;
    assert!(messages.contains("The survey engine stopped"), "{messages}");
    assert!(
        messages.ends_with("The survey you had open is still here."),
        "{messages}"
    );
    assert_eq!(header(&browser).await, sample);
    assert!(browser
        .eval("return document.getElementById('load-status').hidden;")
        .await
        .as_bool()
        .unwrap());

    // The open survey still answers, and the next file loads.
    browser
        .eval("document.querySelector('.card h3 a').click(); return true;")
        .await;
    browser
        .wait_until(
            "return document.querySelectorAll('#chart-table tbody tr').length > 0;",
            10,
        )
        .await;
    drop_file(&browser, "next.csv", &serde_json::to_string(&private_csv()).unwrap()).await;
    browser
        .wait_until(
            "return document.getElementById('dataset').textContent.startsWith('next.csv');",
            20,
        )
        .await;
    let value: Value = browser.eval("return document.body.dataset.state;").await;
    assert_eq!(value, "ready");
    browser.client.clone().close().await.unwrap();
}

/// A raw file of 120 respondents for "Prepare a release": the favourites and teams of
/// `private_csv` four times over, with a free-text note each.
fn private_raw_csv() -> String {
    let mut text = String::from("Favourite,Team,Note\n");
    for i in 0..120 {
        let favourite = SECRETS[i % 3];
        let team = if i % 5 < 3 { "Orbit" } else { "Harbor" };
        text += &format!("{favourite},{team},{}{i}\n", SECRETS[3]);
    }
    text
}

#[tokio::test]
async fn a_release_made_in_the_page_makes_no_request_and_leaves_no_trace() {
    let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
    let browser = Browser::launch().await;
    browser.open_sample(&serving).await;
    let origin = serving.url();
    // Opening the panel fetches the release engine, before any file is handed over.
    browser
        .eval("document.getElementById('nav-release').click(); return true;")
        .await;
    browser
        .wait_until("return document.body.dataset.releaseEngine === 'ready';", 60)
        .await;
    browser.requested_urls_so_far(&origin).await;
    browser.log("browser").await;

    // Dropped on the page while the panel is open, the file goes to the release.
    drop_file(
        &browser,
        "private.csv",
        &serde_json::to_string(&private_raw_csv()).unwrap(),
    )
    .await;
    browser
        .wait_until(
            "return ['roles', 'failed'].includes(document.body.dataset.release);",
            60,
        )
        .await;
    assert_eq!(browser.eval("return document.body.dataset.release;").await, "roles");
    // The explorer's survey is untouched: the file went to the release flow only.
    assert!(
        header(&browser).await.starts_with("Tools survey"),
        "{}",
        header(&browser).await
    );
    browser
        .eval("document.getElementById('release-make').click(); return true;")
        .await;
    browser.release_made(120).await;
    // Both downloads leave as blobs made in the page.
    browser
        .eval("document.querySelectorAll('#release-downloads button:not(:disabled)').forEach(b => b.click()); return true;")
        .await;

    let requests = browser.requests(&origin).await;
    assert!(requests.is_empty(), "requests after the drop: {requests:#?}");
    let kept = what_the_page_keeps(&browser).await;
    assert_eq!(kept[..5], ["", "", "", "[]", "[]"], "storage after the release");
    let console = console_messages(&browser).await;
    for secret in SECRETS {
        assert!(!kept[5].contains(secret), "{secret} is in the URL: {}", kept[5]);
        assert!(
            !console.iter().any(|m| m.contains(secret)),
            "{secret} on the console: {console:#?}"
        );
    }
    browser.client.clone().close().await.unwrap();
}

/// What the page could keep after a visit, as text: local storage, session storage,
/// cookies, IndexedDB's databases and the caches (the first five, empty or `[]` when
/// nothing is kept), then the URL and the history state.
async fn what_the_page_keeps(browser: &Browser) -> Vec<String> {
    let kept = browser
        .eval(
            "return (async () => {
                 const storage = (s) => Object.keys(s).map(k => k + '=' + s.getItem(k)).join('\\n');
                 const dbs = indexedDB.databases ? (await indexedDB.databases()).map(d => d.name) : [];
                 const caches_ = self.caches ? await caches.keys() : [];
                 return [storage(localStorage), storage(sessionStorage), document.cookie,
                         JSON.stringify(dbs), JSON.stringify(caches_), location.href,
                         JSON.stringify(history.state)];
             })();",
        )
        .await;
    kept.as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

/// The browser console's messages since the last look.
async fn console_messages(browser: &Browser) -> Vec<String> {
    browser
        .log("browser")
        .await
        .iter()
        .map(|e| e["message"].as_str().unwrap_or("").to_string())
        .collect()
}
