//! The explorer page as a visitor gets it: served from `www/`, opened in headless
//! Chromium, checked by what is on screen and what went over the network.

use canvass_e2e::{server, Browser};
use fantoccini::Locator;
use serde_json::Value;

/// Counts of the sample file (`www/data/sample/tools-survey.csv`), counted by hand
/// from its twelve rows, not by the code under test.
const LANGUAGE_COUNTS: [(&str, u64); 5] = [
    ("Python", 6),
    ("Rust", 2),
    ("Julia", 1),
    ("C++", 1),
    ("C, C++ or Fortran", 1),
];
/// A frequency scale, shown in scale order rather than by size.
const FREQUENCY_COUNTS: [(&str, u64); 4] = [("Rarely", 1), ("Monthly", 2), ("Weekly", 3), ("Daily", 6)];

async fn table_counts(browser: &Browser) -> Vec<(String, u64)> {
    let rows = browser
        .eval(
            "return [...document.querySelectorAll('#chart-table tbody tr')]
                .map(tr => [tr.cells[0].textContent, tr.cells[1].textContent]);",
        )
        .await;
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r[0].as_str().unwrap().to_string(),
                r[1].as_str().unwrap().replace(',', "").parse().unwrap(),
            )
        })
        .collect()
}

/// Measures, on the canvas itself, how many pixels of bar colour each bar row holds.
async fn bar_lengths_px(browser: &Browser) -> Vec<u64> {
    let v = browser
        .eval(
            "const c = document.getElementById('chart');
             const layout = JSON.parse(c.dataset.layout);
             // One read of a copy, so the measurement itself adds no console warning.
             const copy = document.createElement('canvas');
             copy.width = c.width; copy.height = c.height;
             const ctx = copy.getContext('2d', { willReadFrequently: true });
             ctx.drawImage(c, 0, 0);
             const px = ctx.getImageData(0, 0, c.width, c.height).data;
             return layout.bars.map(b => {
                 // One row under the bar's top edge: clear of the interval whisker,
                 // which runs through the bar's middle.
                 const y = b.y_px + 1;
                 let n = 0;
                 for (let x = 0; x < c.width; x++) {
                     const i = 4 * (y * c.width + x);
                     const [r, g, bl] = [px[i], px[i + 1], px[i + 2]];
                     if (r === 0x00 && g === 0x72 && bl === 0xB2) n++;
                 }
                 return n;
             });",
        )
        .await;
    v.as_array().unwrap().iter().map(|n| n.as_u64().unwrap()).collect()
}

fn assert_proportional(lengths: &[u64], counts: &[u64]) {
    let (max_len, max_count) = (
        *lengths.iter().max().unwrap() as f64,
        *counts.iter().max().unwrap() as f64,
    );
    assert!(max_len > 50.0, "the longest bar is only {max_len} px: {lengths:?}");
    for (len, count) in lengths.iter().zip(counts) {
        let expected = max_len * *count as f64 / max_count;
        assert!(
            (*len as f64 - expected).abs() <= 2.0,
            "bar of {len} px for count {count}; expected {expected:.1}: {lengths:?}"
        );
    }
}

#[tokio::test]
async fn sample_survey_draws_bars_and_tables_from_local_requests_only() {
    let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
    let browser = Browser::launch().await;
    browser
        .client
        .goto(&format!("{}#d=sample@1", serving.url()))
        .await
        .unwrap();
    browser
        .wait_until("return ['ready', 'error'].includes(document.body.dataset.state);", 30)
        .await;
    let state = browser.eval("return document.body.dataset.state;").await;
    let messages = browser
        .eval("return document.getElementById('messages').textContent;")
        .await;
    assert_eq!(state, "ready", "the page reported: {messages}");

    // The overview has one card per chartable question (not the identifying column),
    // each drawn once it scrolls into view.
    let cards = browser
        .eval("return [...document.querySelectorAll('.card h3')].map(h => h.textContent);")
        .await;
    assert_eq!(
        cards,
        serde_json::json!(["Which language do you use most?", "How often do you use NumPy?", "Age"])
    );
    browser
        .eval("document.querySelectorAll('.card').forEach(c => c.scrollIntoView()); return true;")
        .await;
    browser
        .wait_until(
            "return [...document.querySelectorAll('.card')].every(c => c.dataset.drawn === '1');",
            10,
        )
        .await;
    browser.eval("window.scrollTo(0, 0); return true;").await;
    browser.screenshot("overview").await;

    // A permalink opens one question, whose table and bars match the hand counts.
    let question_url = format!("{}#d=sample@1&view=question", serving.url());
    browser.client.goto(&question_url).await.unwrap();
    browser
        .wait_until(
            "return document.querySelector('#chart-table tbody th')?.textContent === 'Python';",
            10,
        )
        .await;
    let expected: Vec<(String, u64)> = LANGUAGE_COUNTS.iter().map(|(o, n)| (o.to_string(), *n)).collect();
    assert_eq!(table_counts(&browser).await, expected);
    let caption = browser
        .eval("return document.getElementById('chart-table-caption').textContent;")
        .await;
    assert!(
        caption.as_str().unwrap().contains("n = 11 of 12; 1 no answer"),
        "{caption}"
    );
    assert_proportional(&bar_lengths_px(&browser).await, &LANGUAGE_COUNTS.map(|(_, n)| n));
    browser.screenshot("question").await;

    // Choosing another question redraws chart and table and is recorded in the URL.
    let select = browser.client.find(Locator::Css("#question")).await.unwrap();
    select.select_by_label("How often do you use NumPy?").await.unwrap();
    browser
        .wait_until(
            "return document.querySelector('#chart-table tbody th')?.textContent === 'Rarely';",
            10,
        )
        .await;
    let expected: Vec<(String, u64)> = FREQUENCY_COUNTS.iter().map(|(o, n)| (o.to_string(), *n)).collect();
    assert_eq!(table_counts(&browser).await, expected);
    assert_proportional(&bar_lengths_px(&browser).await, &FREQUENCY_COUNTS.map(|(_, n)| n));
    let hash = browser
        .eval("return decodeURIComponent(location.hash.replaceAll('+', ' '));")
        .await;
    assert!(
        hash.as_str().unwrap().contains("q=How often do you use NumPy?"),
        "{hash}"
    );

    // Back returns to the previous question.
    browser.client.back().await.unwrap();
    browser
        .wait_until(
            "return document.querySelector('#chart-table tbody th')?.textContent === 'Python';",
            10,
        )
        .await;

    // The identifying column is never offered as a chart.
    let options = browser
        .eval("return [...document.querySelectorAll('#question option')].map(o => o.textContent);")
        .await;
    assert!(
        !options.as_array().unwrap().iter().any(|o| o == "Response ID"),
        "{options}"
    );

    let console = browser.log("browser").await;
    let problems: Vec<&Value> = console
        .iter()
        .filter(|e| e["level"] == "SEVERE" || e["level"] == "WARNING")
        .collect();
    assert!(problems.is_empty(), "console errors or warnings: {problems:#?}");

    // Tabbing onto the file button is not reaching for a file (see `prepareSpare`):
    // no spare worker is started, then or once the page has settled.
    let spare = browser
        .eval("document.getElementById('open-file').focus(); return document.body.dataset.spare ?? null;")
        .await;
    assert_eq!(spare, Value::Null);
    browser.settled(30).await;
    assert_eq!(
        browser.eval("return document.body.dataset.spare ?? null;").await,
        Value::Null
    );
    let urls = browser.requested_urls_so_far(&serving.url()).await;
    for wanted in [
        "canvass_web_bg.wasm",
        "app.js",
        "manifest.json",
        // The sample is read from the snapshot the build writes; the published file is
        // fetched only when that snapshot is missing or stale (see faults.rs).
        "survey.snapshot",
    ] {
        assert!(
            urls.iter().any(|u| u.ends_with(wanted)),
            "{wanted} was never requested: {urls:#?}"
        );
    }
    // A visitor who only looks never downloads the code that reads files, focus on the
    // file button included: it is fetched when they reach for a file (see
    // `prepareSpare` in files.js).
    for unwanted in ["/pkg/canvass_loader_bg.wasm", "/pkg/canvass_loader.js", "/worker.js"] {
        assert!(
            !urls.iter().any(|u| u.ends_with(unwanted)),
            "{unwanted} was requested without a file in sight: {urls:#?}"
        );
    }
    // Nor the code that makes releases, fetched only when "Prepare a release" opens.
    for unwanted in [
        "/pkg/canvass_release_bg.wasm",
        "/pkg/canvass_release.js",
        "/release.js",
        "/release-worker.js",
    ] {
        assert!(
            !urls.iter().any(|u| u.ends_with(unwanted)),
            "{unwanted} was requested before Prepare a release was opened: {urls:#?}"
        );
    }
    browser.reach_for_the_file_button().await;
    let reached = browser.requested_urls(&serving.url()).await;
    for wanted in ["/pkg/canvass_loader_bg.wasm", "/worker.js"] {
        assert!(
            reached.iter().any(|u| u.ends_with(wanted)),
            "reaching for a file did not fetch {wanted}: {reached:#?}"
        );
    }
    let origin = serving.url();
    let foreign: Vec<&String> = urls
        .iter()
        .filter(|u| !u.starts_with(&origin) && !u.starts_with("data:"))
        .collect();
    assert!(
        foreign.is_empty(),
        "requests left the page's origin {origin}: {foreign:#?}"
    );
    browser.client.clone().close().await.unwrap();
}

/// Counts the values of one column of the release, read as plain tab-separated lines
/// (the release has no quoting), independently of the loader under test.
fn count_release_column(column_id: &str) -> Vec<(String, u64)> {
    let text = std::fs::read_to_string(xtask::root().join("www/data/numpy-2020/responses.tsv")).unwrap();
    let mut lines = text.lines();
    let ids: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let col = ids.iter().position(|id| *id == column_id).unwrap();
    let mut counts: Vec<(String, u64)> = Vec::new();
    for line in lines.skip(2) {
        let value = line.split('\t').nth(col).unwrap_or("").to_string();
        match counts.iter_mut().find(|(v, _)| *v == value) {
            Some((_, n)) => *n += 1,
            None => counts.push((value, 1)),
        }
    }
    counts
}

#[tokio::test]
async fn the_numpy_release_is_the_default_and_its_cards_match_the_file() {
    let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
    let browser = Browser::launch().await;
    browser.client.goto(&serving.url()).await.unwrap();
    browser
        .wait_until("return ['ready', 'error'].includes(document.body.dataset.state);", 30)
        .await;
    let header = browser
        .eval("return document.getElementById('dataset').textContent + ' | ' + document.getElementById('notes').textContent;")
        .await;
    let header = header.as_str().unwrap();
    for part in [
        "NumPy Community Survey 2020",
        "version 1.0.0",
        "1,236 respondents",
        "Synthetic data",
        "smaller than 10",
    ] {
        assert!(header.contains(part), "{part:?} missing from {header:?}");
    }
    let sections = browser
        .eval("return [...document.querySelectorAll('.overview-section h2')].map(h => h.textContent);")
        .await;
    for section in ["demographics", "oss", "numpy", "mentorship", "usage"] {
        assert!(
            sections.as_array().unwrap().iter().any(|s| s == section),
            "{section}: {sections}"
        );
    }
    browser.screenshot("release-overview").await;

    let card = "document.querySelector('.card[data-id=\"demographics.gender\"]')";
    browser.eval(&format!("{card}.scrollIntoView(); return true;")).await;
    browser
        .wait_until(&format!("return {card}.dataset.drawn === 'prerendered';"), 10)
        .await;
    let rows = browser
        .eval(&format!(
            "return [...{card}.querySelectorAll('tbody tr')].map(tr => [tr.cells[0].textContent, tr.cells[1].textContent]);"
        ))
        .await;
    let mut shown: Vec<(String, u64)> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r[0].as_str().unwrap().to_string(),
                r[1].as_str().unwrap().replace(',', "").parse().unwrap(),
            )
        })
        .collect();
    let mut expected: Vec<(String, u64)> = count_release_column("demographics.gender")
        .into_iter()
        .filter(|(v, _)| !v.is_empty() && v != "Prefer not to answer")
        .collect();
    shown.sort();
    expected.sort();
    assert_eq!(shown, expected);
    let base = browser
        .eval(&format!("return {card}.querySelector('.base').textContent;"))
        .await;
    let declined = count_release_column("demographics.gender")
        .into_iter()
        .find(|(v, _)| v == "Prefer not to answer")
        .map_or(0, |(_, n)| n);
    assert!(
        base.as_str()
            .unwrap()
            .contains(&format!("{declined} prefer not to answer")),
        "{base}"
    );
    // The line under the card gives the base, the header the threshold and the
    // release: the card's chart (prerendered, its words are SVG text) repeats neither,
    // but keeps what only it can say.
    let chart_text = |id: &str| {
        format!("return [...document.querySelectorAll('.card[data-id=\"{id}\"] svg.chart text')].map(t => t.textContent).join(' ');")
    };
    let gender_text = browser.eval(&chart_text("demographics.gender")).await;
    let gender_text = gender_text.as_str().unwrap();
    assert!(gender_text.contains("Male"), "{gender_text}");
    for repeated in ["n = 1,100", "no answer", "Synthetic", "smaller than"] {
        assert!(
            !gender_text.contains(repeated),
            "the gender card's chart says {repeated:?}: {gender_text}"
        );
    }
    let multi_text = browser.eval(&chart_text("demographics.prog_lang")).await;
    let multi_text = multi_text.as_str().unwrap();
    assert!(
        multi_text.contains("more than one answer") && !multi_text.contains("Base"),
        "{multi_text}"
    );

    let console = browser.log("browser").await;
    let problems: Vec<&Value> = console
        .iter()
        .filter(|e| e["level"] == "SEVERE" || e["level"] == "WARNING")
        .collect();
    assert!(problems.is_empty(), "console errors or warnings: {problems:#?}");
    browser.client.clone().close().await.unwrap();
}

/// A dropped file is read by the worker with a determinate progress bar, and the page
/// ends up showing it. The file is 150,000 rows of two columns written here, so the
/// expected respondent count is known without the code under test.
#[tokio::test]
async fn opening_a_file_shows_progress_then_the_survey() {
    let dir = std::env::temp_dir().join(format!("canvass-e2e-progress-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("progress.csv");
    let mut csv = String::from("Favourite,Often\n");
    for i in 0..150_000 {
        csv.push_str(["Python,Daily\n", "Rust,Weekly\n", "Julia,Monthly\n"][i % 3]);
    }
    std::fs::write(&path, &csv).unwrap();

    let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
    let browser = Browser::launch().await;
    browser.open_sample(&serving).await;
    browser
        .eval(
            "window.__bar = [];
             const bar = document.getElementById('load-progress');
             new MutationObserver(() => window.__bar.push(bar.value)).observe(bar, { attributes: true, attributeFilter: ['value'] });
             return true;",
        )
        .await;
    let input = browser.client.find(Locator::Css("#file-input")).await.unwrap();
    input.send_keys(&path.display().to_string()).await.unwrap();
    browser
        .wait_until(
            "return document.getElementById('dataset').textContent.includes('progress.csv');",
            60,
        )
        .await;
    let header = browser
        .eval("return document.getElementById('dataset').textContent;")
        .await;
    assert!(header.as_str().unwrap().contains("150,000 respondents"), "{header}");
    let hidden = browser
        .eval("return document.getElementById('load-status').hidden;")
        .await;
    assert_eq!(hidden, Value::Bool(true));
    let values: Vec<f64> = browser
        .eval("return window.__bar;")
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert!(
        values.iter().any(|&v| v > 0.0 && v < 100.0),
        "no step between 0 and 100: {values:?}"
    );
    assert!(
        values.windows(2).all(|w| w[0] <= w[1]),
        "the bar went backwards: {values:?}"
    );
    browser.client.clone().close().await.unwrap();
    std::fs::remove_dir_all(&dir).ok();
}

/// The overview measures its cards' width once, on the first card, before the others
/// exist. Each card must still be painted once, at the width it is shown: here in a
/// window narrow enough that the scrollbar takes from the cards and tall enough that
/// the first card alone does not make the page scroll; the whole overview does. With
/// intervals on, the prerendered cards (drawn without) are all painted by the page.
#[tokio::test]
async fn overview_cards_are_painted_once_at_the_width_they_are_shown() {
    let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
    let browser = Browser::launch_with_window(700, 1300).await;
    // Before any of the page's scripts: record every size given to a card's canvas.
    browser
        .cdp(
            "Page.addScriptToEvaluateOnNewDocument",
            serde_json::json!({ "source": "
                const width = Object.getOwnPropertyDescriptor(HTMLCanvasElement.prototype, 'width');
                window.canvasWidthsSet = [];
                Object.defineProperty(HTMLCanvasElement.prototype, 'width', {
                    configurable: true,
                    get() { return width.get.call(this); },
                    set(v) {
                        const card = this.closest('.card');
                        if (card) window.canvasWidthsSet.push([card.dataset.id, v]);
                        width.set.call(this, v);
                    },
                });" }),
        )
        .await;
    browser.client.goto(&format!("{}#ci=1", serving.url())).await.unwrap();
    browser
        .wait_until(
            "return performance.getEntriesByName('canvass:first-chart').length > 0;",
            30,
        )
        .await;
    let scrollbar = browser
        .eval("return window.innerWidth - document.documentElement.clientWidth;")
        .await;
    assert!(
        scrollbar.as_f64().unwrap() > 0.0,
        "the window shows a scrollbar that takes room: {scrollbar}"
    );
    browser
        .wait_until(
            "return document.querySelectorAll('.card[data-drawn=\"1\"]').length >= 2;",
            30,
        )
        .await;
    // Settled: a redraw for a changed width would have been under way until done.
    browser.settled(30).await;
    let cards = browser
        .eval(
            "return [...document.querySelectorAll('.card[data-drawn=\"1\"]')].map(card => {
                 const c = card.querySelector('canvas');
                 return [card.dataset.id, c.width, Math.round(c.clientWidth * devicePixelRatio),
                         window.canvasWidthsSet.filter(([id]) => id === card.dataset.id).length];
             });",
        )
        .await;
    let cards = cards.as_array().unwrap();
    assert!(cards.len() >= 2, "{cards:?}");
    for card in cards {
        assert_eq!(
            card[1], card[2],
            "card {} is painted {} wide but shown {} wide",
            card[0], card[1], card[2]
        );
        assert_eq!(card[3], 1, "card {} was painted {} times", card[0], card[3]);
    }
    browser.client.clone().close().await.unwrap();
}

/// Clicks the element `css`.
async fn click(browser: &Browser, css: &str) {
    browser
        .client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("clicking {css}: {e}"));
}

#[tokio::test]
async fn messages_end_as_sentences_and_a_notice_goes_with_the_next_change() {
    let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
    let browser = Browser::launch().await;
    browser.open_sample(&serving).await;

    // A notice for a filter with nothing chosen, then a change that succeeds.
    click(&browser, "#add-filter").await;
    click(&browser, "#filter-apply").await;
    assert!(browser.messages().await.starts_with("Choose at least one answer"));
    click(&browser, "#filter-cancel").await;
    click(&browser, "#nav-question").await;
    browser
        .wait_until("return location.hash.includes('view=question');", 10)
        .await;
    browser.settled(10).await;
    assert_eq!(browser.messages().await, "");

    // A workbook instead of a CSV: the file's message and the page's are two sentences.
    browser
        .client
        .execute(
            "const input = document.getElementById('file-input');
             const files = new DataTransfer();
             files.items.add(new File(['PK\\u0003\\u0004 not really a workbook'], 'answers.xlsx'));
             input.files = files.files;
             input.dispatchEvent(new Event('change'));
             return true;",
            vec![],
        )
        .await
        .unwrap();
    browser
        .wait_until(
            "return document.getElementById('messages').textContent.includes('still here');",
            20,
        )
        .await;
    let said = browser.messages().await;
    assert!(
        said.contains("save the responses as CSV. The survey you had open is still here."),
        "{said}"
    );
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn the_window_title_names_the_view_and_the_survey() {
    let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
    let browser = Browser::launch().await;
    browser.open_sample(&serving).await;
    let survey = browser
        .eval("return document.querySelector('#dataset bdi').textContent;")
        .await;
    let survey = survey.as_str().unwrap();
    browser.settled(10).await;
    assert_eq!(
        browser.eval("return document.title;").await,
        format!("Overview · {survey}")
    );
    click(&browser, "#nav-question").await;
    browser
        .wait_until("return location.hash.includes('view=question');", 10)
        .await;
    browser.settled(10).await;
    assert_eq!(
        browser.eval("return document.title;").await,
        format!("Which language do you use most? · {survey}")
    );
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn add_filter_lines_up_with_the_toggle() {
    let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
    let browser = Browser::launch().await;
    browser.open_sample(&serving).await;
    browser.settled(10).await;
    // With no chips, "Add filter" starts the row: an empty list of chips takes no gap.
    let offsets = browser
        .eval(
            "const bar = document.querySelector('.filter-bar').getBoundingClientRect();
             const add = document.getElementById('add-filter').getBoundingClientRect();
             const toggle = document.querySelector('.filter-bar .toggle').getBoundingClientRect();
             return [add.left - bar.left, (add.top + add.bottom) / 2 - (toggle.top + toggle.bottom) / 2];",
        )
        .await;
    let [left, middle] = [offsets[0].as_f64().unwrap(), offsets[1].as_f64().unwrap()];
    assert!(left.abs() < 1.0, "Add filter is {left}px in from the row's start");
    assert!(middle.abs() < 1.5, "Add filter is {middle}px off the toggle's middle");

    browser.client.clone().close().await.unwrap();
}
