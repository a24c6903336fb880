//! Opens a page of `www/` (or of the folder in CANVASS_WWW) and reports whether it
//! became ready within 20 s: `cargo run -p canvass-e2e --example probe -- '#d=sample@1'`.
use canvass_e2e::{server, Browser};
use fantoccini::wd::TimeoutConfiguration;
use std::time::Duration;

#[tokio::main]
async fn main() {
    let suffix = std::env::args().nth(1).unwrap_or_default();
    let root = std::env::var_os("CANVASS_WWW")
        .map(Into::into)
        .unwrap_or_else(|| xtask::root().join("www"));
    let serving = server::start(root, 0).expect("serve");
    let browser = Browser::launch().await;
    browser
        .client
        .update_timeouts(TimeoutConfiguration::new(
            Some(Duration::from_secs(20)),
            Some(Duration::from_secs(20)),
            None,
        ))
        .await
        .unwrap();
    match browser.client.goto(&format!("{}{suffix}", serving.url())).await {
        Ok(()) => {
            tokio::time::sleep(Duration::from_secs(3)).await;
            let state = browser
                .eval("return [document.body.dataset.state, document.getElementById('messages').textContent];")
                .await;
            println!("state: {state}");
            println!("console: {:?}", browser.log("browser").await);
        }
        Err(e) => println!("hung: {e}"),
    }
}
