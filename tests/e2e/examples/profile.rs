//! Samples the page's main thread with the DevTools profiler and prints the functions
//! that held it longest (self time): JavaScript, the browser's own work, and wasm
//! functions by name when the module keeps its name section. `profile WWW open`
//! profiles a cold load of the default page up to the overview drawn; `profile WWW
//! switch` loads it, then profiles twenty question changes.
//!
//! A module with names: `CARGO_PROFILE_WASM_RELEASE_STRIP=false cargo build --profile
//! wasm-release --target wasm32-unknown-unknown -p canvass-web`, then `wasm-bindgen
//! --target web --out-dir WWW/pkg` on it.
use canvass_e2e::{server, Browser};
use serde_json::{json, Value};
use std::collections::HashMap;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let www = args
        .first()
        .map(Into::into)
        .unwrap_or_else(|| xtask::root().join("www"));
    let what = args.get(1).map_or("open", String::as_str);
    let serving = server::start(www, 0).expect("serve the page");
    let browser = Browser::launch_with_window(1100, 20000).await;
    let overview_drawn = "return performance.getEntriesByName('canvass:overview-drawn').length > 0;";
    browser.client.goto("about:blank").await.unwrap();
    browser.cdp("Profiler.enable", json!({})).await;
    browser
        .cdp("Profiler.setSamplingInterval", json!({ "interval": 100 }))
        .await;
    if what == "open" {
        browser.cdp("Profiler.start", json!({})).await;
        browser.client.goto(&serving.url()).await.unwrap();
        browser.wait_until(overview_drawn, 60).await;
    } else {
        browser.client.goto(&serving.url()).await.unwrap();
        browser.wait_until(overview_drawn, 60).await;
        let ids = browser
            .eval("return [...document.querySelectorAll('.card')].slice(0, 20).map(c => c.dataset.id);")
            .await;
        browser.cdp("Profiler.start", json!({})).await;
        for id in ids.as_array().unwrap() {
            browser
                .client
                .execute_async(
                    &format!(
                        "const done = arguments[0];
                     document.addEventListener('canvass:rendered', () => done(true), {{ once: true }});
                     location.hash = '#view=question&q={}';",
                        id.as_str().unwrap()
                    ),
                    vec![],
                )
                .await
                .unwrap();
        }
    }
    let profile = browser.cdp("Profiler.stop", json!({})).await;
    print_top(&profile["profile"], 40);
    browser.client.clone().close().await.unwrap();
}

fn print_top(profile: &Value, n: usize) {
    let mut name_of = HashMap::new();
    for node in profile["nodes"].as_array().unwrap() {
        let frame = &node["callFrame"];
        let mut name = frame["functionName"].as_str().unwrap_or_default().to_string();
        if name.is_empty() {
            name = format!(
                "({})",
                frame["url"]
                    .as_str()
                    .unwrap_or_default()
                    .rsplit('/')
                    .next()
                    .unwrap_or_default()
            );
        }
        // Rust symbol hashes only get in the way.
        if let Some(at) = name.rfind("::h") {
            if name.len() - at == 19 {
                name.truncate(at);
            }
        }
        name_of.insert(node["id"].as_u64().unwrap(), name);
    }
    let mut self_us: HashMap<&str, f64> = HashMap::new();
    let samples = profile["samples"].as_array().unwrap();
    let deltas = profile["timeDeltas"].as_array().unwrap();
    for (sample, delta) in samples.iter().zip(deltas) {
        *self_us.entry(&name_of[&sample.as_u64().unwrap()]).or_default() += delta.as_f64().unwrap();
    }
    let total: f64 = self_us.values().sum();
    let mut rows: Vec<_> = self_us.into_iter().collect();
    rows.sort_by(|a, b| b.1.total_cmp(&a.1));
    println!("{:>9.1} ms sampled", total / 1e3);
    for (name, us) in rows.into_iter().take(n) {
        println!("{:>9.1} ms  {}", us / 1e3, name.chars().take(140).collect::<String>());
    }
}
