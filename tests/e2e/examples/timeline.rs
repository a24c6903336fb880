//! Prints where the time to the first chart goes: resource timings, the page's
//! performance marks and the long animation frames, for one cold load of the default
//! page. With a folder and a count (`timeline WWW RUNS`), serves that folder instead
//! and prints only the marks of each of RUNS cold loads, for comparing two builds.
//! `TIMELINE_HEIGHT=900` loads into a window of that height rather than one that shows
//! every card.
use canvass_e2e::{server, Browser};

const MARKS: [&str; 5] = [
    "canvass:wasm-ready",
    "canvass:data-fetched",
    "canvass:data-loaded",
    "canvass:first-chart",
    "canvass:overview-drawn",
];

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let www = args
        .first()
        .map(Into::into)
        .unwrap_or_else(|| xtask::root().join("www"));
    let runs: usize = args.get(1).map_or(0, |n| n.parse().expect("RUNS is a number"));
    let serving = server::start(www, 0).expect("serve the page");
    if runs > 0 {
        for _ in 0..runs {
            let browser = cold_load(&serving.url()).await;
            let mut line = String::new();
            for mark in MARKS {
                let t = browser
                    .eval(&format!(
                        "const m = performance.getEntriesByName('{mark}')[0]; return m ? Math.round(m.startTime) : -1;"
                    ))
                    .await;
                line += &format!("{}={t} ", mark.trim_start_matches("canvass:"));
            }
            println!("{line}");
            browser.client.clone().close().await.unwrap();
        }
        return;
    }
    let browser = cold_load(&serving.url()).await;
    let entries = browser
        .eval(
            "return performance.getEntries().filter(e => e.entryType !== 'longtask' && e.entryType !== 'long-animation-frame').map(e => [e.entryType, e.name.replace(location.origin, ''), Math.round(e.startTime), Math.round(e.responseEnd || e.startTime + e.duration)]);",
        )
        .await;
    for e in entries.as_array().unwrap() {
        println!(
            "{:<10} {:<45} {:>6} {:>6}",
            e[0].as_str().unwrap(),
            e[1].as_str().unwrap(),
            e[2],
            e[3]
        );
    }
    // What the long animation frames spent their time on, by script.
    let frames = browser
        .eval(
            "return performance.getEntriesByType('long-animation-frame').map(f => [Math.round(f.startTime), Math.round(f.duration), Math.round(f.renderStart ? f.startTime + f.duration - f.renderStart : 0), f.scripts.map(s => `${s.invoker} ${s.sourceFunctionName || ''} ${Math.round(s.duration)}ms`).join('; ')]);",
        )
        .await;
    for f in frames.as_array().unwrap() {
        println!(
            "frame at {} for {} ms (rendering {} ms): {}",
            f[0],
            f[1],
            f[2],
            f[3].as_str().unwrap()
        );
    }
    browser.client.clone().close().await.unwrap();
}

/// The default window height: every card of the release's overview is in view.
const EVERY_CARD: u32 = 20_000;

/// A fresh browser (cold cache) once `url` has drawn its whole overview, in a window
/// tall enough to show every card; with `TIMELINE_HEIGHT` set lower, in a window of
/// that height, where the later cards wait to be scrolled to, once the first chart
/// is drawn.
async fn cold_load(url: &str) -> Browser {
    let height: u32 = std::env::var("TIMELINE_HEIGHT")
        .ok()
        .and_then(|h| h.parse().ok())
        .unwrap_or(EVERY_CARD);
    let browser = Browser::launch_with_window(1100, height).await;
    browser.client.goto(url).await.unwrap();
    let mark = if height >= EVERY_CARD {
        "canvass:overview-drawn"
    } else {
        "canvass:first-chart"
    };
    browser
        .wait_until(
            &format!("return performance.getEntriesByName('{mark}').length > 0;"),
            60,
        )
        .await;
    browser
}
