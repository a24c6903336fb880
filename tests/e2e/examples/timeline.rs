//! Prints where the time to the first chart goes: resource timings and the page's
//! performance marks, for one cold load of the default page.
use canvass_e2e::{server, Browser};

#[tokio::main]
async fn main() {
    let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
    let browser = Browser::launch_with_window(1100, 20000).await;
    browser.client.goto(&serving.url()).await.unwrap();
    browser
        .wait_until(
            "return performance.getEntriesByName('canvass:overview-drawn').length > 0;",
            60,
        )
        .await;
    let entries = browser
        .eval(
            "return performance.getEntries().filter(e => e.entryType !== 'longtask').map(e => [e.entryType, e.name.replace(location.origin, ''), Math.round(e.startTime), Math.round(e.responseEnd || e.startTime + e.duration)]);",
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
    browser.client.clone().close().await.unwrap();
}
