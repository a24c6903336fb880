//! The release's overview as the build writes it into the page (xtask/src/prerender.rs):
//! its cards hold the numbers the page's engine gives, it reads without JavaScript, it
//! does not move as the page's scripts take over, and the engine's module is fetched
//! only after the first paint.

use canvass_e2e::{server, Browser};
use serde_json::{json, Value};
use std::collections::HashMap;

async fn eval_async(browser: &Browser, script: &str) -> Value {
    browser
        .client
        .execute_async(script, vec![])
        .await
        .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
}

/// Once the engine has taken over, every prerendered card's table, base line and text
/// alternative are what the page itself makes of the engine's answer to that card's
/// request: the same `cardRequest` and `fillTable` the page draws a card with.
#[tokio::test]
async fn prerendered_cards_hold_the_engines_numbers() {
    let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
    let browser = Browser::launch().await;
    browser.client.goto(&serving.url()).await.unwrap();
    browser
        .wait_until("return document.body.dataset.state === 'ready';", 30)
        .await;
    browser.settled(30).await;
    let compared = eval_async(
        &browser,
        "const done = arguments[arguments.length - 1];
         (async () => {
           const { cardRequest } = await import('/overview.js');
           const { fillTable, tableSkeleton } = await import('/tables.js');
           const { page } = await import('/state.js');
           const { el } = await import('/dom.js');
           const cards = [...document.querySelectorAll('#overview .card')];
           const out = { cards: cards.length, prerendered: 0, errors: 0, differ: [] };
           for (const card of cards) {
             const id = card.dataset.id;
             if (card.dataset.drawn === 'error') {
               out.errors += 1;
               try {
                 await page.engine.view(cardRequest(card));
                 out.differ.push(`${id}: prerendered as refused, answered by the engine`);
               } catch (err) {
                 if (card.querySelector('.base').textContent !== err.message) out.differ.push(`${id}: ${err.message}`);
               }
               continue;
             }
             if (card.dataset.drawn !== 'prerendered') { out.differ.push(`${id}: drawn ${card.dataset.drawn}`); continue; }
             out.prerendered += 1;
             const answer = JSON.parse(await page.engine.view(cardRequest(card)));
             const table = tableSkeleton();
             const text = answer.items.length ? card.querySelector('h3').textContent : answer.table.text;
             table.caption.replaceChildren(el('bdi', text), ` · ${answer.base_line}`);
             fillTable(table, answer.table, answer.chart.chart, answer.items, answer.row_order);
             const cells = (t) => [...t.rows].map((r) => [...r.cells].map((c) => c.textContent).join(' | ')).join('\\n');
             const shown = card.querySelector('table');
             if (cells(shown) !== cells(table)) out.differ.push(`${id} table:\\n${cells(shown)}\\nengine:\\n${cells(table)}`);
             if (shown.caption.textContent !== table.caption.textContent) out.differ.push(`${id} caption: ${shown.caption.textContent}`);
             if (card.querySelector('.base').textContent !== answer.base_line) out.differ.push(`${id} base: ${answer.base_line}`);
             const label = card.querySelector('svg.chart').getAttribute('aria-label');
             if (label !== `${answer.description} The table below has the numbers.`) out.differ.push(`${id} label: ${label}`);
           }
           return out;
         })().then(done, (e) => done({ failed: String(e) }));",
    )
    .await;
    assert_eq!(compared["failed"], Value::Null, "{compared}");
    let differ = compared["differ"].as_array().unwrap();
    assert!(differ.is_empty(), "{}", serde_json::to_string_pretty(differ).unwrap());
    // Every charted question of the release is a card, and nearly all are charts.
    assert_eq!(compared["cards"], 49, "{compared}");
    assert!(compared["prerendered"].as_u64().unwrap() >= 45, "{compared}");
    browser.client.clone().close().await.unwrap();
}

/// With JavaScript off, the overview is the page: header, synthetic-data notice, each
/// card's chart (an image with its description), base and table; the controls that
/// need script are hidden and a note says they need it.
#[tokio::test]
async fn the_overview_reads_without_javascript() {
    let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
    let browser = Browser::launch().await;
    browser
        .cdp(
            "Emulation.setScriptExecutionDisabled",
            serde_json::json!({ "value": true }),
        )
        .await;
    browser.client.goto(&serving.url()).await.unwrap();
    let page = browser
        .eval(
            "const cards = [...document.querySelectorAll('#overview .card[data-drawn=\"prerendered\"]')];
             const shown = (el) => el && el.getClientRects().length > 0;
             return {
               state: document.body.dataset.state || null,
               header: document.getElementById('dataset').textContent + ' | ' + document.getElementById('notes').textContent,
               cards: cards.length,
               notDrawn: cards.filter((c) => { const s = c.querySelector('svg.chart'); return !(shown(s) && s.getBoundingClientRect().height > 100 && s.querySelectorAll('text').length > 2 && s.getAttribute('aria-label').length > 20); }).map((c) => c.dataset.id),
               tables: cards.filter((c) => c.querySelectorAll('tbody tr').length > 0).length,
               bases: cards.filter((c) => /^n = /.test(c.querySelector('.base').textContent)).length,
               note: shown(document.querySelector('.needs-script')) ? document.querySelector('.needs-script').textContent : null,
               filtersShown: shown(document.getElementById('add-filter')),
               openShown: shown(document.getElementById('open-file')),
               scrollWidth: document.documentElement.scrollWidth,
               innerWidth: window.innerWidth,
             };",
        )
        .await;
    assert_eq!(page["state"], Value::Null, "the page's scripts ran: {page}");
    let header = page["header"].as_str().unwrap();
    for part in [
        "NumPy Community Survey 2020",
        "1,236 respondents",
        "Synthetic data",
        "smaller than 10",
    ] {
        assert!(header.contains(part), "{part:?} missing from {header:?}");
    }
    let cards = page["cards"].as_u64().unwrap();
    assert!(cards >= 45, "{page}");
    assert_eq!(page["notDrawn"], serde_json::json!([]), "charts not shown: {page}");
    for what in ["tables", "bases"] {
        assert_eq!(page[what].as_u64().unwrap(), cards, "{what}: {page}");
    }
    assert!(
        page["note"].as_str().unwrap_or_default().contains("need JavaScript"),
        "{page}"
    );
    assert_eq!(page["filtersShown"], false, "{page}");
    assert_eq!(page["openShown"], false, "{page}");
    assert!(page["scrollWidth"].as_f64() <= page["innerWidth"].as_f64(), "{page}");
    browser.screenshot("overview-without-javascript").await;
    browser.client.clone().close().await.unwrap();
}

/// The first screen is painted before the engine's module is requested, and nothing on
/// the page moves while the scripts take over and the overview is scrolled through: the
/// browser's PerformanceObserver reports no layout shift (CLS 0).
#[tokio::test]
async fn the_overview_is_painted_first_and_does_not_shift() {
    for (width, height) in [(1280, 900), (375, 800)] {
        let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
        let browser = Browser::launch_with_window(width, height).await;
        browser
            .cdp(
                "Page.addScriptToEvaluateOnNewDocument",
                serde_json::json!({ "source": "
                    window.layoutShifts = [];
                    new PerformanceObserver((list) => {
                        for (const e of list.getEntries()) if (!e.hadRecentInput) window.layoutShifts.push({
                            value: e.value,
                            at: e.startTime,
                            nodes: (e.sources || []).map((s) => s.node ? (s.node.id || s.node.className || s.node.nodeName) : '?'),
                        });
                    }).observe({ type: 'layout-shift', buffered: true });" }),
            )
            .await;
        browser.client.goto(&serving.url()).await.unwrap();
        browser
            .wait_until("return document.body.dataset.state === 'ready';", 30)
            .await;
        browser.settled(30).await;
        // Through the whole overview, a screen at a time, then back.
        browser
            .eval(
                "const step = innerHeight; for (let y = 0; y < document.body.scrollHeight; y += step) window.scrollTo(0, y); window.scrollTo(0, 0); return true;",
            )
            .await;
        browser.settled(30).await;
        let timing = browser
            .eval(
                "const paint = performance.getEntriesByName('first-contentful-paint')[0];
                 const wasm = performance.getEntriesByType('resource').find((r) => r.name.endsWith('canvass_web_bg.wasm'));
                 return { fcp: paint ? paint.startTime : null, wasm: wasm ? wasm.startTime : null, shifts: window.layoutShifts };",
            )
            .await;
        let (fcp, wasm) = (timing["fcp"].as_f64(), timing["wasm"].as_f64());
        assert!(fcp.is_some() && wasm.is_some(), "{width} px: {timing}");
        assert!(
            wasm.unwrap() >= fcp.unwrap(),
            "{width} px: the engine was requested at {wasm:?} ms, before the first paint at {fcp:?} ms"
        );
        let shifts = timing["shifts"].as_array().unwrap();
        let cls: f64 = shifts.iter().map(|s| s["value"].as_f64().unwrap()).sum();
        assert_eq!(cls, 0.0, "{width} px: layout shifts {shifts:#?}");
        browser.client.clone().close().await.unwrap();
    }
}

/// The overview's contents name every section and stay in view while it scrolls; a
/// link scrolls to its section without changing the address (which holds the view),
/// and the same search as One question finds a question's card.
#[tokio::test]
async fn the_overview_has_contents_and_a_search() {
    let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
    let browser = Browser::launch_with_window(1100, 900).await;
    browser.client.goto(&serving.url()).await.unwrap();
    browser
        .wait_until("return document.body.dataset.state === 'ready';", 30)
        .await;
    let hash = browser.eval("return location.hash;").await;
    let contents = browser
        .eval(
            "const links = [...document.querySelectorAll('#overview-contents a')];
             const sections = [...document.querySelectorAll('.overview-section:has(.card)')];
             return { links: links.map((a) => a.textContent), sections: sections.map((s) => s.querySelector('h2').textContent),
                      targets: links.every((a) => document.getElementById(a.getAttribute('href').slice(1))?.matches('.overview-section')) };",
        )
        .await;
    assert_eq!(contents["links"], contents["sections"], "{contents}");
    assert!(contents["links"].as_array().unwrap().len() >= 5, "{contents}");
    assert_eq!(contents["targets"], true, "{contents}");

    let last = browser
        .eval(
            "const links = document.querySelectorAll('#overview-contents a'); const link = links[links.length - 1];
             link.click(); return link.getAttribute('href').slice(1);",
        )
        .await;
    let last = last.as_str().unwrap();
    let after = browser
        .eval(&format!(
            "const section = document.getElementById('{last}');
             return {{ top: section.getBoundingClientRect().top, scrolled: scrollY,
                       focused: document.activeElement === section.querySelector('h2'),
                       contentsTop: document.getElementById('overview-contents').getBoundingClientRect().top,
                       hash: location.hash }};"
        ))
        .await;
    assert!(after["scrolled"].as_f64().unwrap() > 1000.0, "{after}");
    let top = after["top"].as_f64().unwrap();
    assert!((0.0..120.0).contains(&top), "the section is not at the top: {after}");
    assert_eq!(after["focused"], true, "{after}");
    assert_eq!(
        after["contentsTop"].as_f64().unwrap().round(),
        0.0,
        "the contents left the screen: {after}"
    );
    assert_eq!(after["hash"], hash, "{after}");

    // The search: words narrow the questions, Enter goes to the first one's card.
    let search = browser
        .client
        .find(fantoccini::Locator::Id("overview-search"))
        .await
        .unwrap();
    search.send_keys("gender").await.unwrap();
    assert_eq!(
        browser
            .eval("return document.getElementById('overview-question').value;")
            .await,
        "demographics.gender"
    );
    search.send_keys("\u{E007}").await.unwrap(); // Enter
    let found = browser
        .eval(
            "const card = document.querySelector('.card[data-id=\"demographics.gender\"]');
             const top = card.getBoundingClientRect().top;
             return { top, focused: document.activeElement === card.querySelector('h3 a') };",
        )
        .await;
    let top = found["top"].as_f64().unwrap();
    assert!((0.0..120.0).contains(&top) && found["focused"] == true, "{found}");
    search.clear().await.unwrap();
    search.send_keys("no such words").await.unwrap();
    let status = browser
        .eval("return document.getElementById('overview-search-status').textContent;")
        .await;
    assert!(status.as_str().unwrap().contains("No question matches"), "{status}");
    browser.client.clone().close().await.unwrap();
}

/// A release updated without rebuilding the page: its manifest records other files than
/// those the prerendered overview was drawn from, so the page shows the survey from the
/// data it fetched, every card drawn by itself.
#[tokio::test]
async fn a_release_updated_without_a_rebuild_is_drawn_from_its_data() {
    let dir = xtask::root().join("www/data/numpy-2020");
    let tsv = std::fs::read_to_string(dir.join("responses.tsv")).unwrap();
    // One respondent fewer: the last line goes.
    let body = tsv.trim_end_matches('\n');
    let updated = format!("{}\n", &body[..body.rfind('\n').unwrap()]).into_bytes();
    let mut manifest: Value = serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    manifest["files"]["responses.tsv"] = json!({
        "bytes": updated.len(),
        "sha256": canvass_synth::sha256_hex(&updated),
    });
    let faults = HashMap::from([
        (
            "/data/numpy-2020/responses.tsv".to_string(),
            server::Fault::Bytes(updated),
        ),
        (
            "/data/numpy-2020/manifest.json".to_string(),
            server::Fault::Bytes(serde_json::to_vec(&manifest).unwrap()),
        ),
    ]);
    let serving = server::start_with_faults(xtask::root().join("www"), 0, faults).expect("serve www/");
    let browser = Browser::launch().await;
    browser.client.goto(&serving.url()).await.unwrap();
    browser
        .wait_until("return document.body.dataset.state === 'ready';", 30)
        .await;
    browser
        .wait_until("return document.querySelector('.card')?.dataset.drawn === '1';", 30)
        .await;
    let page = browser
        .eval(
            "return { prerendered: document.querySelectorAll('.prerendered, svg.chart').length,
                      header: document.getElementById('dataset').textContent,
                      source: document.body.dataset.source,
                      contents: document.querySelectorAll('#overview-contents a').length };",
        )
        .await;
    assert_eq!(page["prerendered"], 0, "{page}");
    assert!(page["header"].as_str().unwrap().contains("1,235 respondents"), "{page}");
    assert_eq!(
        page["source"], "published",
        "the snapshot of the old files was used: {page}"
    );
    assert!(page["contents"].as_u64().unwrap() >= 5, "{page}");
    browser.client.clone().close().await.unwrap();
}

/// Cards the page draws itself (another dataset than the prerendered one) line up: the
/// cards of a row are equally tall, with their base lines at one distance from the
/// bottom, however tall each chart is.
#[tokio::test]
async fn the_cards_of_a_row_line_up() {
    let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
    let browser = Browser::launch_with_window(1280, 900).await;
    browser
        .client
        .goto(&format!("{}#d=sample", serving.url()))
        .await
        .unwrap();
    browser
        .wait_until("return document.body.dataset.state === 'ready';", 30)
        .await;
    browser.settled(30).await;
    let cards = browser
        .eval(
            "return [...document.querySelectorAll('#overview .card')].map((c) => {
               const r = c.getBoundingClientRect(), b = c.querySelector('.base').getBoundingClientRect();
               return { top: Math.round(r.top), height: Math.round(r.height), baseFromBottom: Math.round(r.bottom - b.bottom),
                        chart: Math.round(c.querySelector('canvas').getBoundingClientRect().height), drawn: c.dataset.drawn };
             });",
        )
        .await;
    let cards = cards.as_array().unwrap();
    assert!(cards.iter().all(|c| c["drawn"] == "1"), "{cards:?}");
    let mut rows: HashMap<i64, Vec<&Value>> = HashMap::new();
    for c in cards {
        rows.entry(c["top"].as_i64().unwrap()).or_default().push(c);
    }
    let mut compared = 0;
    for row in rows.values().filter(|r| r.len() > 1) {
        // Charts of different heights in one row: the layout, not chance, lines them up.
        assert!(row.iter().any(|c| c["chart"] != row[0]["chart"]), "{row:?}");
        for c in row {
            assert_eq!(c["height"], row[0]["height"], "{row:?}");
            assert_eq!(c["baseFromBottom"], row[0]["baseFromBottom"], "{row:?}");
        }
        compared += 1;
    }
    assert!(compared >= 1, "no row of two cards: {cards:?}");
    browser.client.clone().close().await.unwrap();
}

/// An opened file's cards, which the page draws itself, hold their place from the
/// moment they are in the page: each starts as tall as the chart later drawn into it,
/// whatever its kind (bars, histogram, diverging and stacked grids, ranking), so that
/// no card changes height when drawn and nothing on the page moves once the file is
/// shown (CLS 0), at a desktop's and a phone's width.
#[tokio::test]
async fn an_opened_files_cards_keep_their_height_when_drawn() {
    for (width, height) in [(1280, 700), (375, 700)] {
        let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
        let browser = Browser::launch_with_window(width, height).await;
        // At a device pixel ratio of 2, as a phone or a high-density screen draws.
        browser
            .cdp(
                "Emulation.setDeviceMetricsOverride",
                json!({ "width": width, "height": height, "deviceScaleFactor": 2, "mobile": width < 500 }),
            )
            .await;
        browser.client.goto(&serving.url()).await.unwrap();
        browser
            .wait_until("return document.body.dataset.state === 'ready';", 30)
            .await;
        browser.settled(30).await;
        assert_eq!(browser.eval("return innerWidth;").await, json!(width));
        // From here on: every card's height as first laid out and each change after,
        // and every layout shift.
        browser
            .eval(
                "window.cardChanges = []; window.layoutShifts = [];
                 const since = performance.now();
                 const heights = new WeakMap();
                 const watch = new ResizeObserver((entries) => {
                   for (const e of entries) {
                     const h = Math.round(e.target.getBoundingClientRect().height);
                     const before = heights.get(e.target);
                     if (before === undefined) heights.set(e.target, h);
                     else if (before !== h) {
                       window.cardChanges.push({ id: e.target.dataset.id, from: before, to: h, drawn: e.target.dataset.drawn });
                       heights.set(e.target, h);
                     }
                   }
                 });
                 new MutationObserver((records) => {
                   for (const r of records) for (const n of r.addedNodes) {
                     if (n.nodeType !== 1) continue;
                     for (const card of n.matches('.card') ? [n] : n.querySelectorAll('.card')) watch.observe(card);
                   }
                 }).observe(document.getElementById('overview'), { childList: true, subtree: true });
                 new PerformanceObserver((list) => {
                   for (const e of list.getEntries()) if (!e.hadRecentInput && e.startTime > since) window.layoutShifts.push({
                     value: e.value, nodes: (e.sources || []).map((s) => s.node ? (s.node.id || s.node.className || s.node.nodeName) : '?'),
                   });
                 }).observe({ type: 'layout-shift', buffered: true });
                 return true;",
            )
            .await;
        browser
            .open_text_file("every-kind.csv", &canvass_e2e::every_kind_csv())
            .await;
        // Layout shifts count from the file's survey on show: the page around the
        // overview (header, messages) changes with the survey as a new page would.
        browser.eval("window.layoutShifts = []; return true;").await;
        browser.settled(30).await;
        // Through the whole overview, half a screen at a time with a pause for the
        // observer to see each position, then back.
        eval_async(
            &browser,
            "const done = arguments[arguments.length - 1];
             (async () => {
               for (let y = 0; y < document.body.scrollHeight; y += innerHeight / 2) {
                 window.scrollTo(0, y);
                 await new Promise((resolve) => setTimeout(resolve, 100));
               }
               window.scrollTo(0, 0);
               done(true);
             })();",
        )
        .await;
        browser.settled(30).await;
        let seen = browser
            .eval(
                "return {
                   kinds: [...document.querySelectorAll('#overview .card')].map((c) => c.dataset.drawn === '1' ? JSON.parse(c.querySelector('canvas').dataset.layout).kind : 'not drawn'),
                   changes: window.cardChanges, shifts: window.layoutShifts,
                 };",
            )
            .await;
        let mut kinds: Vec<&str> = seen["kinds"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k.as_str().unwrap())
            .collect();
        kinds.sort_unstable();
        kinds.dedup();
        assert_eq!(
            kinds,
            ["bar", "diverging", "histogram", "rank", "stacked"],
            "{width} px: {seen}"
        );
        assert_eq!(
            seen["changes"],
            json!([]),
            "{width} px: cards changed height when drawn"
        );
        let cls: f64 = seen["shifts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["value"].as_f64().unwrap())
            .sum();
        assert_eq!(cls, 0.0, "{width} px: layout shifts {}", seen["shifts"]);
        browser.client.clone().close().await.unwrap();
    }
}
