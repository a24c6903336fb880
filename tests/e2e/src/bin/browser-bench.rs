//! Browser benchmarks of the explorer page in headless Chromium, run by
//! `cargo xtask bench` after it has built `www/pkg/` and generated the data files.
//!
//! Usage: `browser-bench DATA_DIR OUT_JSON [--rows N,N,...] [--open-file-only |
//! --release-only]`; `--rows` opens only `generic-N.csv` of those sizes (and the SPSS
//! file `survey-100MB.sav`), `--open-file-only` skips everything but opening files, `--release-only` everything
//! but making a release. Measures, with medians over several runs
//! (each navigation in a fresh browser, so the cache is cold): navigation → first chart
//! (in a window that shows every card and in one of a common size, beside the first
//! paint of a page of one word, the browser's own floor), navigation → overview fully
//! drawn, an interaction → redrawn (changing the question,
//! adding a filter, switching to a crosstab, the last two set through the URL hash in
//! the view-state format; timed once the page has settled, see `settled`), the release build's time to draw one chart on a canvas with
//! 10 and with 75 bars, opening each generated
//! file → first chart with the longest main-thread task meanwhile, where that time
//! went (the page's `canvass:file-*` measures: reading into wasm memory, records,
//! typing the columns, the answer), the browser's peak memory during that load, then
//! on that opened file a crosstab with a three-condition filter → redrawn, and the
//! page's transferred bytes (see `payload`), and making a release of the NumPy 2020
//! responses (1,236 × 98) in "Prepare a release", synthesised and scored (see
//! `release`). Nothing here fails on a slow result.

use canvass_core::chart::input::{BarSeries, Chart, Footnote};
use canvass_e2e::{server, Browser};
use fantoccini::Locator;
use serde_json::{json, Value};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

fn median(mut v: Vec<f64>) -> (f64, f64, f64) {
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    let med = if v.len() % 2 == 0 {
        (v[mid - 1] + v[mid]) / 2.0
    } else {
        v[mid]
    };
    (med, v[0], v[v.len() - 1])
}

fn gzip_len(bytes: &[u8]) -> usize {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap().len()
}

/// Sizes of the files under `www` (but `www/data`) that `urls` name: each as served
/// and gzipped at level 9, with the totals.
fn files_of(www: &Path, origin: &str, urls: &[String]) -> Value {
    let mut names: Vec<&str> = urls
        .iter()
        .filter_map(|u| u.strip_prefix(origin))
        .map(|path| path.trim_start_matches('/').split(['?', '#']).next().unwrap_or(""))
        .filter(|path| !path.starts_with("data/"))
        .map(|path| if path.is_empty() { "index.html" } else { path })
        .collect();
    names.sort_unstable();
    names.dedup();
    let (mut rows, mut raw, mut gz) = (Vec::new(), 0, 0);
    for name in names {
        let Ok(bytes) = std::fs::read(www.join(name)) else {
            continue;
        };
        let g = gzip_len(&bytes);
        raw += bytes.len();
        gz += g;
        rows.push(json!({ "file": name, "bytes": bytes.len(), "gzip": g }));
    }
    json!({ "files": rows, "bytes": raw, "gzip": gz })
}

/// The page's transferred bytes apart from data, as a visitor's browser fetches them:
/// what the page and its workers request from navigation until the overview is drawn
/// and two seconds more have passed (the page's deferred work included), then, as
/// `on_reaching_for_a_file`, what the pointer reaching the file button adds (the
/// workers' script and module, see `prepareSpare` in files.js).
async fn payload(url: &str, www: &Path) -> Value {
    // Tall enough that every card is in view and the overview is drawn whole.
    let browser = Browser::launch_with_window(1100, 20000).await;
    browser.client.goto(url).await.unwrap();
    mark_time(&browser, "canvass:overview-drawn", 60).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let mut page = files_of(www, url, &browser.requested_urls(url).await);
    // The page's code for interaction: its wasm and scripts (the file loader is fetched
    // only when a visitor reaches for a file).
    let code: u64 = page["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["file"]
                .as_str()
                .is_some_and(|n| n.ends_with(".js") || n.ends_with(".wasm"))
        })
        .map(|f| f["gzip"].as_u64().unwrap())
        .sum();
    page["code_gzip"] = json!(code);
    browser.reach_for_the_file_button().await;
    page["on_reaching_for_a_file"] = files_of(www, url, &browser.requested_urls(url).await);
    browser.client.clone().close().await.unwrap();
    page
}

/// Resident memory of chromedriver's descendants (this benchmark's Chromium), in
/// bytes, from /proc.
fn tree_rss(root_pid: u32) -> u64 {
    canvass_e2e::descendants(root_pid)
        .into_iter()
        .filter_map(|pid| std::fs::read_to_string(format!("/proc/{pid}/status")).ok())
        .filter_map(|status| {
            let kb = status.lines().find_map(|l| l.strip_prefix("VmRSS:"))?;
            kb.trim().trim_end_matches("kB").trim().parse::<u64>().ok()
        })
        .map(|kb| kb * 1024)
        .sum()
}

/// When the performance entry `mark` (a mark of the page's, or a paint such as
/// `first-contentful-paint`) happened, in ms after navigation; waits up to `secs` for it.
async fn mark_time(browser: &Browser, mark: &str, secs: u64) -> f64 {
    browser
        .wait_until(
            &format!("return performance.getEntriesByName('{mark}').length > 0;"),
            secs,
        )
        .await;
    browser
        .eval(&format!("return performance.getEntriesByName('{mark}')[0].startTime;"))
        .await
        .as_f64()
        .unwrap()
}

/// A page of one word and nothing else: no stylesheet, no script, no image. How soon
/// a fresh browser paints it bounds how soon any page can show its first chart.
const ONE_WORD_PAGE: &str = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>floor</title><link rel=\"icon\" href=\"data:,\"></head><body><p>Survey</p></body></html>\n";

/// Watches a page load from before its first byte (as `window.firstPaint`): when the
/// first prerendered chart and the end of the HTML were parsed and the frames after
/// them, and the browser's layout shifts and largest contentful paint.
const FIRST_PAINT_PROBE: &str = "
    const fp = (window.firstPaint = { chartParsed: null, chartPainted: null, parsed: null, parsedPainted: null, cls: 0, lcp: null });
    // The task after a frame: that frame has been painted by then.
    const afterFrame = (set) => requestAnimationFrame(() => setTimeout(() => set(performance.now()), 0));
    const watch = new MutationObserver(() => {
        if (document.querySelector('#overview svg.chart')) {
            watch.disconnect();
            fp.chartParsed = performance.now();
            afterFrame((t) => (fp.chartPainted = t));
        }
    });
    watch.observe(document, { childList: true, subtree: true });
    document.addEventListener('readystatechange', () => {
        if (document.readyState !== 'interactive') return;
        fp.parsed = performance.now();
        afterFrame((t) => (fp.parsedPainted = t));
    });
    new PerformanceObserver((list) => {
        for (const e of list.getEntries()) if (!e.hadRecentInput) fp.cls += e.value;
    }).observe({ type: 'layout-shift', buffered: true });
    new PerformanceObserver((list) => {
        const entries = list.getEntries();
        fp.lcp = entries[entries.length - 1].startTime;
    }).observe({ type: 'largest-contentful-paint', buffered: true });";

/// One cold load of `url` in `browser` with [`FIRST_PAINT_PROBE`]: navigation → first
/// chart and → overview complete, with the URLs requested before the first chart, the
/// largest contentful paint and the layout shift once the page has settled. A chart in
/// the HTML is on screen at the first contentful paint when it was parsed before it,
/// else at the frame after it was parsed; the overview the build wrote is complete at
/// the frame after the HTML's end. A page that draws its own cards marks both
/// (`canvass:first-chart`, `canvass:overview-drawn`).
async fn load_once(browser: &Browser, url: &str) -> Value {
    browser
        .cdp(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({ "source": FIRST_PAINT_PROBE }),
        )
        .await;
    browser.client.goto(url).await.unwrap();
    let fcp = mark_time(browser, "first-contentful-paint", 60).await;
    browser
        .wait_until("return document.body.dataset.state === 'ready';", 60)
        .await;
    browser.settled(60).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let fp = browser.eval("return window.firstPaint;").await;
    let prerendered = fp["chartParsed"].is_number();
    let (first, complete) = if prerendered {
        let parsed = fp["chartParsed"].as_f64().unwrap();
        let first = if parsed <= fcp {
            fcp
        } else {
            fp["chartPainted"].as_f64().unwrap()
        };
        (first, fp["parsedPainted"].as_f64().unwrap().max(first))
    } else {
        (
            mark_time(browser, "canvass:first-chart", 60).await,
            mark_time(browser, "canvass:overview-drawn", 60).await,
        )
    };
    let before = browser
        .eval(&format!(
            "return [location.href, ...performance.getEntriesByType('resource').filter((r) => r.startTime <= {first}).map((r) => r.name)];"
        ))
        .await;
    json!({
        "prerendered": prerendered,
        "first_chart_ms": first,
        "overview_complete_ms": complete,
        "first_contentful_paint_ms": fcp,
        "lcp_ms": fp["lcp"],
        "cls": fp["cls"],
        "before_first_chart": before,
    })
}

/// Navigation → first chart and → overview complete (see [`load_once`]), each in a
/// fresh browser (cold cache): in a window tall enough for every card, and in a window
/// of a common size (1100 × 900) with the bytes requested before the first chart, LCP
/// and CLS. Beside them, the first paint of a page of one word ([`ONE_WORD_PAGE`]) in
/// the same browser and window: the floor under every page-side figure. The three
/// alternate run by run, so the machine's mood falls on all alike.
async fn navigation(url: &str, www: &Path, runs: usize) -> Value {
    let floor_dir = xtask::ScratchDir::new("canvass-one-word").expect("a scratch folder");
    std::fs::write(floor_dir.path().join("index.html"), ONE_WORD_PAGE).expect("write the one-word page");
    let floor = server::start(floor_dir.path().to_path_buf(), 0).expect("serve the one-word page");
    let (mut first, mut overview, mut first_common, mut floor_paint) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut lcp, mut cls, mut bytes_before) = (Vec::new(), Vec::new(), Value::Null);
    let mut prerendered = true;
    for _ in 0..runs {
        let browser = Browser::launch_with_window(1100, 20000).await;
        let tall = load_once(&browser, url).await;
        first.push(tall["first_chart_ms"].as_f64().unwrap());
        overview.push(tall["overview_complete_ms"].as_f64().unwrap());
        browser.client.clone().close().await.unwrap();

        let browser = Browser::launch_with_window(1100, 900).await;
        let common = load_once(&browser, url).await;
        first_common.push(common["first_chart_ms"].as_f64().unwrap());
        lcp.push(common["lcp_ms"].as_f64().unwrap_or(f64::NAN));
        cls.push(common["cls"].as_f64().unwrap_or(f64::NAN));
        prerendered &= common["prerendered"] == true;
        let urls: Vec<String> = common["before_first_chart"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|u| u.as_str().map(str::to_string))
            .collect();
        bytes_before = files_of(www, url, &urls);
        browser.client.clone().close().await.unwrap();

        let browser = Browser::launch_with_window(1100, 900).await;
        browser.client.goto(&floor.url()).await.unwrap();
        floor_paint.push(mark_time(&browser, "first-contentful-paint", 60).await);
        browser.client.clone().close().await.unwrap();
    }
    let stats = |v: Vec<f64>| {
        let (median, min, max) = median(v);
        json!({ "median": median, "min": min, "max": max })
    };
    let floor_median = median(floor_paint.clone()).0;
    let first_common_median = median(first_common.clone()).0;
    json!({
        "prerendered": prerendered,
        "first_chart_ms": stats(first),
        "overview_complete_ms": stats(overview),
        "first_chart_in_1100x900_ms": stats(first_common),
        "one_word_page_first_paint_ms": stats(floor_paint),
        "first_chart_over_one_word_page": first_common_median / floor_median,
        "lcp_in_1100x900_ms": stats(lcp),
        "cls_in_1100x900": stats(cls),
        "before_first_chart": bytes_before,
        "runs": runs,
    })
}

/// Waits until the page is ready and has settled: a small bundled dataset moves from
/// its worker to the page's thread a few seconds after it is shown, and interactions
/// are timed as a visitor meets them from then on.
async fn settled(browser: &Browser) {
    browser
        .wait_until("return document.body.dataset.state === 'ready';", 60)
        .await;
    browser
        .wait_until(
            "return document.body.dataset.engine === 'page' || performance.now() > 8000;",
            30,
        )
        .await;
}

async fn interaction(url: &str, runs: usize) -> Value {
    let browser = Browser::launch().await;
    browser.client.goto(&format!("{url}#view=question")).await.unwrap();
    settled(&browser).await;
    let mut times = Vec::new();
    for i in 0..runs {
        let v = browser
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 const select = document.getElementById('question');
                 const options = [...select.options];
                 const next = options[(options.indexOf(select.selectedOptions[0]) + 1) % options.length];
                 const t0 = performance.now();
                 document.addEventListener('canvass:rendered', () => done(performance.now() - t0), { once: true });
                 select.value = next.value;
                 select.dispatchEvent(new Event('change'));",
                vec![],
            )
            .await
            .unwrap();
        if i > 0 {
            times.push(v.as_f64().unwrap());
        }
    }
    browser.client.clone().close().await.unwrap();
    let (m, lo, hi) = median(times);
    json!({ "change_question_ms": {"median": m, "min": lo, "max": hi}, "runs": runs - 1 })
}

/// A bar chart input of `n` categories with invented shares, as the worker would
/// send it to the page.
fn bars_json(n: usize) -> String {
    let values: Vec<Option<f64>> = (0..n).map(|i| Some(100.0 / (i + 2) as f64)).collect();
    let chart = Chart::Bars(BarSeries {
        title: format!("A question with {n} answers"),
        categories: (1..=n).map(|i| format!("Answer number {i}")).collect(),
        counts: values.iter().map(|v| v.map(|p| (p * 12.0).round())).collect(),
        intervals: values.iter().map(|v| v.map(|p| [p * 0.9, p * 1.1])).collect(),
        values,
        axis_label: "% of respondents who answered".into(),
        ..BarSeries::default()
    });
    let footnote = Footnote {
        base: "n = 1,200".into(),
        ..Footnote::default()
    };
    json!({ "chart": chart, "footnote": footnote }).to_string()
}

/// Time to size and draw one chart on a canvas with the page's own module (the release
/// build), median over `runs` draws after one warm-up.
async fn draw_times(url: &str, runs: usize) -> Value {
    let browser = Browser::launch().await;
    browser.client.goto(&format!("{url}#d=sample@1")).await.unwrap();
    browser
        .wait_until("return document.body.dataset.state === 'ready';", 60)
        .await;
    let mut out = json!({});
    for n in [10, 75] {
        let v = browser
            .client
            .execute_async(
                "const [json, runs, done] = arguments;
                 import('./pkg/canvass_web.js').then((m) => {
                   const canvas = document.createElement('canvas');
                   document.body.append(canvas);
                   const times = [];
                   for (let i = 0; i <= runs; i++) {
                     const t0 = performance.now();
                     const h = m.chartHeightJson(json, 720);
                     canvas.style.width = '720px';
                     canvas.width = 720 * devicePixelRatio;
                     canvas.height = h * devicePixelRatio;
                     m.drawChartJson(json, canvas, devicePixelRatio, false);
                     if (i > 0) times.push(performance.now() - t0);
                   }
                   canvas.remove();
                   done(times);
                 });",
                vec![json!(bars_json(n)), json!(runs)],
            )
            .await
            .unwrap();
        let times: Vec<f64> = v.as_array().unwrap().iter().filter_map(Value::as_f64).collect();
        let (m, lo, hi) = median(times);
        out[format!("{n}_categories_ms")] = json!({"median": m, "min": lo, "max": hi, "runs": runs});
    }
    browser.client.clone().close().await.unwrap();
    out
}

/// Sets the URL hash to each of `hashes` in turn, alternating with `back` so every
/// step changes the view, and times hash change → `canvass:rendered`. A view the page
/// does not draw yet (no `canvass:rendered` within two seconds, or an error shown) is
/// reported as skipped with a note, not timed.
async fn hash_interaction(url: &str, name: &str, back: &str, target: &str, runs: usize) -> Value {
    let browser = Browser::launch().await;
    browser.client.goto(&format!("{url}#{back}")).await.unwrap();
    settled(&browser).await;
    let timed = time_hashes(&browser, name, back, target, runs).await;
    browser.client.clone().close().await.unwrap();
    timed
}

/// On a page already showing a survey: alternates the hash between `back` and
/// `target` and times each change to `target` until the page reports it redrawn
/// (`canvass:rendered`), dropping the first as a warm-up.
async fn time_hashes(browser: &Browser, name: &str, back: &str, target: &str, runs: usize) -> Value {
    let mut times = Vec::new();
    for i in 0..runs * 2 {
        let hash = if i % 2 == 0 { target } else { back };
        let v = browser
            .client
            .execute_async(
                "const [hash, done] = arguments;
                 const t0 = performance.now();
                 const timer = setTimeout(() => done(null), 2000);
                 document.addEventListener('canvass:rendered', () => { clearTimeout(timer); done(performance.now() - t0); }, { once: true });
                 location.hash = hash;",
                vec![json!(hash)],
            )
            .await
            .unwrap();
        let error = browser
            .eval("return document.querySelector('#messages .error') ? document.getElementById('messages').textContent : null;")
            .await;
        if v.is_null() || !error.is_null() {
            let note = error
                .as_str()
                .unwrap_or("the page did not redraw within 2 s")
                .to_string();
            eprintln!("browser: {name} skipped: {note}");
            return json!({ "skipped": true, "note": note });
        }
        if i % 2 == 0 && i > 0 {
            times.push(v.as_f64().unwrap());
        }
    }
    let (m, lo, hi) = median(times);
    json!({ "median": m, "min": lo, "max": hi, "runs": runs - 1, "hash": target })
}

/// The page's performance entries of a file load, in milliseconds: the worker's stages
/// (`canvass:file-read`, `-records`, `-columns`, `-answer`, measures placed by the page)
/// and, from `canvass:file-start`, when the page had the answer and the first chart.
async fn file_stages(browser: &Browser) -> Value {
    browser
        .eval(
            "const start = performance.getEntriesByName('canvass:file-start')[0].startTime;
             const out = {};
             for (const e of performance.getEntries())
                 if (e.name.startsWith('canvass:file-') && e.entryType === 'measure') out[e.name.slice(13)] = e.duration;
             for (const e of performance.getEntries())
                 if (e.name.startsWith('canvass:file-') && e.entryType === 'mark' && e.name !== 'canvass:file-start')
                     out['at_' + e.name.slice(13)] = e.startTime - start;
             return out;",
        )
        .await
}

/// One cold open of `file` through the file input: time to the first chart, the
/// stages, the longest main-thread task from the start of the load, and the browser's
/// resident memory (sampled every 25 ms) over its baseline.
async fn open_file_once(url: &str, file: &Path) -> Value {
    let browser = Browser::launch().await;
    browser.client.goto(url).await.unwrap();
    browser
        .wait_until("return document.body.dataset.state === 'ready';", 60)
        .await;
    // As a visitor meets it: the first screen drawn, the pointer on the file button,
    // and the worker that will read the file started and warmed up (see `prepareSpare`
    // in files.js), which takes about as long as picking a file.
    browser.reach_for_the_file_button().await;
    browser
        .eval(
            "window.__longest = 0;
             new PerformanceObserver(list => {
                 for (const e of list.getEntries())
                     if (performance.getEntriesByName('canvass:file-start').length) window.__longest = Math.max(window.__longest, e.duration);
             }).observe({ type: 'longtask' });
             return true;",
        )
        .await;
    let driver_pid = browser.driver_pid();
    let baseline = tree_rss(driver_pid);
    let peak = Arc::new(AtomicU64::new(baseline));
    let stop = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, stop) = (peak.clone(), stop.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                peak.fetch_max(tree_rss(driver_pid), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(25));
            }
        })
    };
    let input = browser.client.find(Locator::Css("#file-input")).await.unwrap();
    input.send_keys(&file.display().to_string()).await.unwrap();
    let start = mark_time(&browser, "canvass:file-start", 60).await;
    let first = mark_time(&browser, "canvass:file-first-chart", 600).await;
    stop.store(true, Ordering::Relaxed);
    sampler.join().unwrap();
    let longest = browser.eval("return window.__longest;").await.as_f64().unwrap_or(0.0);
    let stages = file_stages(&browser).await;
    let generic = file
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with("generic-"));
    let filtered_crosstab = if generic {
        browser
            .wait_until("return document.body.dataset.state === 'ready';", 60)
            .await;
        time_hashes(
            &browser,
            "filtered crosstab",
            GENERIC_BACK,
            &generic_filtered_crosstab(),
            11,
        )
        .await
    } else {
        Value::Null
    };
    browser.client.clone().close().await.unwrap();
    json!({
        "to_first_chart_ms": first - start,
        "longest_main_thread_task_ms": longest,
        "rss_baseline_bytes": baseline,
        "rss_over_baseline_bytes": peak.load(Ordering::Relaxed).saturating_sub(baseline),
        "stages_ms": stages,
        "filtered_crosstab_redrawn_ms": filtered_crosstab,
    })
}

/// One question of the generic shape on its own: the view a filtered crosstab is
/// timed against.
const GENERIC_BACK: &str = "view=question&q=Single%20choice%20question%201";

/// The generic shape's first single-choice question by its second, among respondents
/// who gave one of three answers to each of the next three (the native bench's
/// "crosstab, three-condition filter"), at k = 10: worker's table, transfer and the
/// page's redraw, as a visitor waits for them.
fn generic_filtered_crosstab() -> String {
    let condition = |q: usize| {
        let expr = format!("Single choice question {q}=Option 1|Option 2|Option 3");
        format!("&f={}", urlencoding(&expr))
    };
    format!(
        "{GENERIC_BACK}&by=Single%20choice%20question%202{}{}{}",
        condition(3),
        condition(4),
        condition(5)
    )
}

/// Percent-encodes everything but unreserved characters, as `encodeURIComponent` does.
fn urlencoding(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Opens `file` `runs` times, each in a fresh browser, and reports medians (min–max)
/// of the time to the first chart, of each stage, and of the memory the load added.
async fn open_file(url: &str, file: &Path, runs: usize) -> Value {
    let file_bytes = std::fs::metadata(file).unwrap().len();
    let mut each = Vec::new();
    for run in 0..runs {
        let one = open_file_once(url, file).await;
        eprintln!(
            "browser:   run {}: first chart {:.0} ms, {}",
            run + 1,
            one["to_first_chart_ms"].as_f64().unwrap(),
            one["stages_ms"]
        );
        each.push(one);
    }
    let stat = |get: &dyn Fn(&Value) -> Option<f64>| -> Value {
        let values: Vec<f64> = each.iter().filter_map(get).collect();
        if values.is_empty() {
            return Value::Null;
        }
        let (m, lo, hi) = median(values);
        json!({"median": m, "min": lo, "max": hi})
    };
    let mut stages = json!({});
    if let Some(names) = each[0]["stages_ms"].as_object() {
        for name in names.keys() {
            stages[name] = stat(&|v: &Value| v["stages_ms"][name].as_f64());
        }
    }
    let first = stat(&|v: &Value| v["to_first_chart_ms"].as_f64());
    let over = stat(&|v: &Value| v["rss_over_baseline_bytes"].as_f64());
    let crosstab = stat(&|v: &Value| v["filtered_crosstab_redrawn_ms"]["median"].as_f64());
    json!({
        "file": file.file_name().unwrap().to_string_lossy(),
        "bytes": file_bytes,
        "runs": runs,
        "mb_per_s": file_bytes as f64 / 1e6 / (first["median"].as_f64().unwrap() / 1e3),
        "peak_over_file_size": over["median"].as_f64().unwrap() / file_bytes as f64,
        "to_first_chart_ms": first,
        "stages_ms": stages,
        "longest_main_thread_task_ms": stat(&|v: &Value| v["longest_main_thread_task_ms"].as_f64()),
        "filtered_crosstab_redrawn_ms": crosstab,
        "browser_rss_over_baseline_bytes": over,
        "each": each,
    })
}

/// Runs per file: three under 200 MB, one beyond (a 1,000,000-row open takes seconds
/// and most of the machine's memory).
fn open_runs(bytes: u64) -> usize {
    if bytes < 200_000_000 {
        3
    } else {
        1
    }
}

#[tokio::main]
async fn main() {
    let usage = || -> ! {
        eprintln!(
            "usage: browser-bench DATA_DIR OUT_JSON [--rows N,N,...] [--open-file-only | --release-only | --navigation-only]"
        );
        std::process::exit(2);
    };
    let mut paths = Vec::new();
    let (mut rows, mut open_file_only, mut release_only): (Option<Vec<String>>, bool, bool) = (None, false, false);
    let mut navigation_only = false;
    let mut args = std::env::args_os().skip(1);
    while let Some(arg) = args.next() {
        match arg.to_str() {
            Some("--open-file-only") => open_file_only = true,
            Some("--release-only") => release_only = true,
            Some("--navigation-only") => navigation_only = true,
            Some("--rows") => {
                let list = args
                    .next()
                    .and_then(|l| l.into_string().ok())
                    .unwrap_or_else(|| usage());
                rows = Some(list.split(',').map(|n| n.trim().to_string()).collect());
            }
            _ => paths.push(PathBuf::from(arg)),
        }
    }
    let [data_dir, out] = paths.as_slice() else { usage() };
    let www = xtask::root().join("www");
    let serving = server::start(www.clone(), 0).expect("serve www/");
    let url = serving.url();
    eprintln!("browser: payload");
    if release_only {
        let report = json!({ "release": release(&url, &www.join(RELEASE_RAW), 5).await });
        std::fs::write(out, serde_json::to_string_pretty(&report).unwrap()).unwrap();
        println!("{}", serde_json::to_string_pretty(&report).unwrap());
        return;
    }
    let mut report = json!({ "payload": payload(&url, &www).await });
    // The first screen alone: what a change to the page's first paint is measured by.
    if navigation_only {
        report["navigation"] = navigation(&url, &www, 9).await;
        std::fs::write(out, serde_json::to_string_pretty(&report).unwrap()).unwrap();
        println!("{}", serde_json::to_string_pretty(&report).unwrap());
        return;
    }
    if !open_file_only {
        page_benches(&url, &mut report).await;
        report["release"] = release(&url, &www.join(RELEASE_RAW), 5).await;
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(data_dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("csv" | "tsv" | "sav")))
        // With `--rows`, only the generic files of those sizes and the SPSS file, not
        // every file left in the folder by earlier runs.
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.ends_with(".sav")
                || rows
                    .as_ref()
                    .is_none_or(|rows| rows.iter().any(|n| name == format!("generic-{n}.csv")))
        })
        .collect();
    files.sort_by_key(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0));
    let mut loads = Vec::new();
    for file in &files {
        eprintln!("browser: opening {}", file.display());
        let bytes = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
        loads.push(open_file(&url, file, open_runs(bytes)).await);
    }
    report["open_file"] = Value::Array(loads);
    std::fs::write(out, serde_json::to_string_pretty(&report).unwrap()).unwrap();
    println!("{}", serde_json::to_string_pretty(&report).unwrap());
}

/// Everything but opening files: navigation, interactions and drawing.
async fn page_benches(url: &str, report: &mut Value) {
    let url = url.to_string();
    eprintln!("browser: navigation");
    report["navigation"] = navigation(&url, &xtask::root().join("www"), 9).await;
    eprintln!("browser: interaction");
    report["interaction"] = interaction(&url, 21).await;
    // On the NumPy release: one question, then the same with a filter, or crossed by
    // another question.
    let base = "view=question&q=demographics.age";
    report["interaction"]["add_filter_ms"] = hash_interaction(
        &url,
        "add a filter",
        base,
        &format!("{base}&f=demographics.gender%3DMale"),
        21,
    )
    .await;
    report["interaction"]["switch_to_crosstab_ms"] = hash_interaction(
        &url,
        "switch to a crosstab",
        base,
        &format!("{base}&by=demographics.gender"),
        21,
    )
    .await;
    eprintln!("browser: chart draw time");
    report["draw"] = draw_times(&url, 25).await;
}

/// The raw file a release is made of: the NumPy 2020 responses, 1,236 rows × 98 columns.
const RELEASE_RAW: &str = "data/numpy-2020/responses.tsv";

/// Makes a release of `raw` in "Prepare a release" `runs` times, each in a fresh
/// browser, with the suggested roles and every row, and reports the median (min–max)
/// time from "Make the release" to the report on screen (the page's
/// `canvass:release-made` measure): synthesis, the half-rows synthesis for distance to
/// closest record, scoring and drawing the report. Also the gzip size of the release
/// module, which only this flow downloads.
async fn release(url: &str, raw: &Path, runs: usize) -> Value {
    let mut times = Vec::new();
    for run in 0..runs {
        let browser = Browser::launch().await;
        browser.client.goto(url).await.unwrap();
        browser
            .wait_until("return ['ready', 'error'].includes(document.body.dataset.state);", 60)
            .await;
        browser
            .eval("document.getElementById('nav-release').click(); return true;")
            .await;
        browser
            .wait_until("return document.body.dataset.releaseEngine === 'ready';", 60)
            .await;
        let input = browser.client.find(Locator::Css("#release-file")).await.unwrap();
        input.send_keys(raw.to_str().unwrap()).await.unwrap();
        browser
            .wait_until("return document.body.dataset.release === 'roles';", 60)
            .await;
        browser
            .eval("document.getElementById('release-make').click(); return true;")
            .await;
        browser
            .wait_until(
                "return ['made', 'failed'].includes(document.body.dataset.release);",
                300,
            )
            .await;
        let ms = browser
            .eval("return performance.getEntriesByName('canvass:release-made').at(-1)?.duration ?? null;")
            .await
            .as_f64()
            .expect("the release was made");
        eprintln!("browser:   release run {}: {ms:.0} ms", run + 1);
        times.push(ms);
        browser.client.clone().close().await.unwrap();
    }
    let (m, lo, hi) = median(times);
    let module = xtask::root().join("www/pkg/canvass_release_bg.wasm");
    let bytes = std::fs::read(&module).unwrap_or_default();
    json!({
        "file": raw.file_name().unwrap().to_string_lossy(),
        "runs": runs,
        "made_ms": {"median": m, "min": lo, "max": hi},
        "module_bytes": bytes.len(),
        "module_gzip": gzip_len(&bytes),
    })
}
