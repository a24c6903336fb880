//! The explorer's crosstabs, filters and exports on the NumPy release, driven as a
//! visitor drives them (clicks, and keys alone), checked against `canvass crosstab`
//! run on the same file, and at a phone's width.

use canvass_e2e::server::Fault;
use canvass_e2e::{parse_csv, server, Browser};
use fantoccini::Locator;
use serde_json::{json, Value};
use std::collections::HashMap;

const TAB: &str = "\u{E004}";
const ENTER: &str = "\u{E007}";

async fn open(browser: &Browser, url: &str) {
    browser.client.goto(url).await.unwrap();
    browser
        .wait_until("return ['ready', 'error'].includes(document.body.dataset.state);", 30)
        .await;
    let messages = browser
        .eval("return document.getElementById('messages').textContent;")
        .await;
    assert_eq!(
        browser.eval("return document.body.dataset.state;").await,
        "ready",
        "{messages}"
    );
}

/// The question view's table: its header row, its body rows and its total row, each
/// as the texts of its cells.
async fn read_table(browser: &Browser) -> Value {
    browser
        .eval(
            "const t = document.getElementById('chart-table');
             const cells = (tr) => [...tr.cells].map((c) => c.textContent);
             return {
               head: [...t.tHead.rows].map(cells)[0],
               body: [...t.tBodies[0].rows].map(cells),
               foot: [...t.tFoot.rows].map(cells)[0] || null,
             };",
        )
        .await
}

/// A count as the page prints it ("1,234", or "–" for withheld and zero).
fn page_count(text: &str) -> Option<f64> {
    let text = text.trim_end_matches(" * (differs significantly)");
    (text != "–").then(|| text.replace(',', "").parse().unwrap_or_else(|_| panic!("{text:?}")))
}

fn cli_counts(values: &Value) -> Vec<Option<f64>> {
    values.as_array().unwrap().iter().map(Value::as_f64).collect()
}

/// No console error or warning, and so no Content-Security-Policy violation (Chromium
/// reports those as errors).
async fn assert_clean_console(browser: &Browser) {
    let console = browser.log("browser").await;
    let problems: Vec<&Value> = console
        .iter()
        .filter(|e| {
            e["level"] == "SEVERE"
                || e["level"] == "WARNING"
                || e["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("Content Security Policy"))
        })
        .collect();
    assert!(problems.is_empty(), "console errors or warnings: {problems:#?}");
}

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

async fn select(browser: &Browser, css: &str, value: &str) {
    browser
        .client
        .find(Locator::Css(css))
        .await
        .unwrap()
        .select_by_value(value)
        .await
        .unwrap_or_else(|e| panic!("{css} = {value}: {e}"));
}

/// Wraps `URL.createObjectURL` so that every download's text is kept in
/// `window.exported`, as `{type, text}`.
async fn capture_downloads(browser: &Browser) {
    browser
        .eval(
            "window.exported = [];
             const original = URL.createObjectURL;
             URL.createObjectURL = (blob) => {
               blob.text().then((text) => window.exported.push({ type: blob.type, text }));
               return original.call(URL, blob);
             };
             return true;",
        )
        .await;
}

async fn next_download(browser: &Browser, count: usize) -> Value {
    browser
        .wait_until(&format!("return window.exported.length >= {count};"), 10)
        .await;
    browser.eval(&format!("return window.exported[{}];", count - 1)).await
}

const ROW: &str = "demographics.primary_use";
const BY: &str = "demographics.use_freq";
const FILTER: &str = "demographics.gender=Male";

#[tokio::test]
async fn a_filtered_crosstab_matches_the_cli_round_trips_and_exports() {
    let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
    // Tall enough for the README's screenshot to hold controls, chart and table.
    let browser = Browser::launch_with_window(1100, 1500).await;
    open(&browser, &format!("{}#view=question", serving.url())).await;

    // Build the view with the mouse: question, by, counts, one filter.
    select(&browser, "#question", ROW).await;
    browser
        .wait_until(&format!("return location.hash.includes('q={ROW}');"), 10)
        .await;
    select(&browser, "#by", BY).await;
    browser
        .wait_until("return !document.getElementById('percent-choice').hidden;", 10)
        .await;
    click(&browser, "input[name='percent'][value='counts']").await;
    click(&browser, "#add-filter").await;
    select(&browser, "#filter-question", "demographics.gender").await;
    click(&browser, "#filter-options input[value='Male']").await;
    click(&browser, "#filter-apply").await;
    browser
        .wait_until(
            "return document.querySelectorAll('#filter-chips li').length === 1
                && document.querySelector('#chart-table thead th')?.textContent === 'Counts'
                && document.getElementById('view-n').textContent.includes('match the filters');",
            15,
        )
        .await;
    let chip = browser
        .eval("return document.querySelector('#filter-chips li span').textContent;")
        .await;
    assert_eq!(chip, "What is your gender? is Male");

    // Every cell of the page's table equals the CLI's crosstab of the same spec.
    let cli = canvass_e2e::cli_crosstab(ROW, BY, FILTER);
    let table = read_table(&browser).await;
    let head: Vec<&str> = table["head"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let col_labels: Vec<&str> = cli["col_labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(head[1..head.len() - 1], col_labels[..]);
    assert_eq!(head.last(), Some(&"Total"));
    let body = table["body"].as_array().unwrap();
    let row_labels = cli["row_labels"].as_array().unwrap();
    assert_eq!(body.len(), row_labels.len());
    let mut withheld = 0;
    // The page lists the answers in its chart's order, the CLI's JSON in the file's.
    for row in body {
        let cells: Vec<&str> = row.as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        let i = row_labels
            .iter()
            .position(|l| l == cells[0])
            .unwrap_or_else(|| panic!("{} is not a row of the CLI's table", cells[0]));
        let shown: Vec<Option<f64>> = cells[1..cells.len() - 1].iter().map(|t| page_count(t)).collect();
        assert_eq!(shown, cli_counts(&cli["counts"][i]), "row {}", cells[0]);
        withheld += shown.iter().filter(|c| c.is_none()).count();
        assert_eq!(
            page_count(cells.last().unwrap()),
            cli["row_totals"][i].as_f64(),
            "row total {}",
            cells[0]
        );
    }
    assert!(
        withheld > 0,
        "this view is chosen because disclosure control withholds cells in it"
    );
    let foot: Vec<&str> = table["foot"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let col_totals: Vec<Option<f64>> = foot[1..foot.len() - 1].iter().map(|t| page_count(t)).collect();
    assert_eq!(col_totals, cli_counts(&cli["col_totals"]));
    assert_eq!(page_count(foot.last().unwrap()), cli["total"].as_f64());
    let n = browser
        .eval("return document.getElementById('view-n').textContent;")
        .await;
    assert!(n.as_str().unwrap().starts_with("n = "), "{n}");

    // The test in words carries the CLI's statistic.
    let chi2 = &cli["chi2"];
    let words = browser
        .eval("return document.getElementById('test-result').textContent;")
        .await;
    let words = words.as_str().unwrap();
    let statistic = format!("χ² = {:.1}, df = {}", chi2["statistic"].as_f64().unwrap(), chi2["df"]);
    assert!(words.contains(&statistic), "{words:?} lacks {statistic:?}");
    assert!(words.contains("Cramér's V = "), "{words}");
    assert!(
        words.starts_with("Differs by") == (chi2["p"].as_f64().unwrap() < 0.05),
        "{words}"
    );

    // The chart says what it is for screen readers, and has the table's numbers below.
    let label = browser
        .eval("return document.getElementById('chart').getAttribute('aria-label');")
        .await;
    assert!(
        label
            .as_str()
            .unwrap()
            .starts_with("Grouped bar chart of answers to: How do you primarily use NumPy?"),
        "{label}"
    );
    browser.eval("window.scrollTo(0, 0); return true;").await;
    browser.screenshot("explorer").await;

    // The permalink, opened in a fresh tab, reproduces the view exactly.
    let url = browser.eval("return location.href;").await;
    let url = url.as_str().unwrap().to_string();
    for part in ["by=demographics.use_freq", "pct=counts", "f=demographics.gender%3DMale"] {
        assert!(url.contains(part), "{url} lacks {part}");
    }
    let first_tab = browser.client.window().await.unwrap();
    let fresh = browser.client.new_window(true).await.unwrap();
    browser.client.switch_to_window(fresh.handle).await.unwrap();
    open(&browser, &url).await;
    browser
        .wait_until(
            "return document.querySelector('#chart-table thead th')?.textContent === 'Counts';",
            15,
        )
        .await;
    assert_eq!(read_table(&browser).await, table);
    assert_eq!(browser.eval("return document.getElementById('by').value;").await, BY);
    assert_clean_console(&browser).await;
    browser.client.close_window().await.unwrap();
    browser.client.switch_to_window(first_tab).await.unwrap();

    // CSV: the table's numbers, withheld cells empty, under lines naming the source.
    capture_downloads(&browser).await;
    click(&browser, "#export-csv").await;
    let csv = next_download(&browser, 1).await;
    assert!(csv["type"].as_str().unwrap().starts_with("text/csv"), "{csv}");
    let records = parse_csv(csv["text"].as_str().unwrap());
    let value_of = |key: &str| {
        records
            .iter()
            .find(|r| r[0] == key)
            .map(|r| r[1].clone())
            .unwrap_or_else(|| panic!("no {key} line: {records:?}"))
    };
    assert_eq!(value_of("Dataset"), "NumPy Community Survey 2020");
    assert_eq!(value_of("Version"), "1.0.0");
    assert_eq!(value_of("Question"), "How do you primarily use NumPy?");
    assert_eq!(value_of("By"), "How often do you use NumPy?");
    assert_eq!(value_of("Filters"), "What is your gender? is Male");
    assert!(value_of("Disclosure threshold (k)").starts_with("10:"));
    assert!(value_of("Synthetic data").contains("not real responses"));
    let blank = records.iter().position(|r| r.len() == 1 && r[0].is_empty()).unwrap();
    let csv_table = &records[blank + 1..];
    assert_eq!(csv_table[0], head);
    let page_rows: Vec<&Value> = body.iter().chain(std::iter::once(&table["foot"])).collect();
    assert_eq!(csv_table.len() - 1, page_rows.len());
    for (csv_row, page_row) in csv_table[1..].iter().zip(page_rows) {
        let page_row: Vec<&str> = page_row
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(csv_row[0], page_row[0]);
        for (field, text) in csv_row[1..].iter().zip(&page_row[1..]) {
            let from_csv = (!field.is_empty()).then(|| field.parse::<f64>().unwrap());
            assert_eq!(from_csv, page_count(text), "{csv_row:?} vs {page_row:?}");
        }
    }

    // SVG and PNG: the core's renderer, with the footnote naming filters and release.
    click(&browser, "#export-svg").await;
    let svg = next_download(&browser, 2).await;
    let svg_text = svg["text"].as_str().unwrap();
    assert!(svg_text.starts_with("<svg"), "{}", &svg_text[..80.min(svg_text.len())]);
    for wanted in [
        "Filtered to What is your gender? is Male",
        "NumPy Community Survey 2020, version 1.0.0",
        "SYNTHETIC DATA",
    ] {
        assert!(svg_text.replace('\n', " ").contains(wanted), "the SVG lacks {wanted:?}");
    }
    click(&browser, "#export-png").await;
    let png = next_download(&browser, 3).await;
    assert_eq!(png["type"], "image/png");
    assert_clean_console(&browser).await;
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn csv_of_an_own_file_neutralises_formulas() {
    let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
    let browser = Browser::launch().await;
    open(&browser, &serving.url()).await;
    // Twelve respondents give each answer, so both survive k = 10.
    let mut csv = String::from("tool,team\n");
    for _ in 0..12 {
        csv.push_str("=SUM(A1),Alpha\n@cmd,Beta\n");
    }
    browser
        .client
        .execute(
            "const [text] = arguments;
             const input = document.getElementById('file-input');
             const files = new DataTransfer();
             files.items.add(new File([text], 'formulas.csv', { type: 'text/csv' }));
             input.files = files.files;
             input.dispatchEvent(new Event('change'));
             return true;",
            vec![Value::String(csv)],
        )
        .await
        .unwrap();
    browser
        .wait_until(
            "return document.getElementById('dataset').textContent.startsWith('formulas.csv');",
            20,
        )
        .await;
    browser
        .eval("location.hash = '#view=question&q=tool'; return true;")
        .await;
    browser
        .wait_until(
            "return document.querySelector('#chart-table tbody th')?.textContent === '=SUM(A1)';",
            10,
        )
        .await;
    // The hash of an own file names no dataset, only the question.
    let hash = browser.eval("return location.hash;").await;
    assert_eq!(hash, "#view=question&q=tool");
    capture_downloads(&browser).await;
    click(&browser, "#export-csv").await;
    let text = next_download(&browser, 1).await["text"].as_str().unwrap().to_string();
    let records = parse_csv(&text);
    assert_eq!(records[0], ["Dataset", "formulas.csv"]);
    let answers: Vec<&str> = records
        .iter()
        .skip_while(|r| r[0] != "Answer")
        .skip(1)
        .map(|r| r[0].as_str())
        .collect();
    assert_eq!(answers.len(), 2, "{records:?}");
    assert!(
        answers.contains(&"'=SUM(A1)") && answers.contains(&"'@cmd"),
        "{answers:?}"
    );
    assert!(
        !records.iter().any(|r| r[0] == "Synthetic data"),
        "an own file is not synthetic"
    );
    assert_clean_console(&browser).await;
    browser.client.clone().close().await.unwrap();
}

/// Presses Tab until the element `id` has focus, at most `limit` times.
async fn tab_to(browser: &Browser, id: &str, limit: usize) {
    for _ in 0..limit {
        if browser.eval("return document.activeElement?.id ?? '';").await == id {
            return;
        }
        browser
            .client
            .active_element()
            .await
            .unwrap()
            .send_keys(TAB)
            .await
            .unwrap();
    }
    let at = browser
        .eval(
            "const e = document.activeElement; return e ? `${e.tagName.toLowerCase()}#${e.id}.${e.className}` : null;",
        )
        .await;
    panic!("{limit} presses of Tab did not reach #{id}; focus is on {at}");
}

async fn keys(browser: &Browser, text: &str) {
    browser
        .client
        .active_element()
        .await
        .unwrap()
        .send_keys(text)
        .await
        .unwrap();
}

#[tokio::test]
async fn the_by_picker_and_a_filter_work_from_the_keyboard() {
    let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
    let browser = Browser::launch().await;
    open(&browser, &format!("{}#view=question&q={ROW}", serving.url())).await;
    browser.eval("document.activeElement.blur(); return true;").await;

    tab_to(&browser, "by-search", 30).await;
    keys(&browser, "often").await;
    browser
        .wait_until(
            &format!("return location.hash.includes('by={BY}') && document.getElementById('by').value === '{BY}';"),
            10,
        )
        .await;
    browser
        .wait_until("return !document.getElementById('test-result').hidden;", 10)
        .await;

    // The filter: open the editor with Enter, find the question, tick an answer with
    // Space and apply with Enter.
    tab_to(&browser, "add-filter", 40).await;
    keys(&browser, ENTER).await;
    browser
        .wait_until("return document.activeElement?.id === 'filter-search';", 5)
        .await;
    keys(&browser, "gender").await;
    browser
        .wait_until(
            "return document.getElementById('filter-question').value === 'demographics.gender';",
            5,
        )
        .await;
    keys(&browser, TAB).await;
    keys(&browser, TAB).await;
    let focused = browser.eval("return document.activeElement?.value;").await;
    assert_eq!(focused, "Male");
    // The focused control shows a visible outline.
    let outline = browser
        .eval("const s = getComputedStyle(document.activeElement); return s.outlineStyle + ' ' + s.outlineWidth;")
        .await;
    assert_eq!(outline, "solid 3px");
    keys(&browser, " ").await;
    tab_to(&browser, "filter-apply", 10).await;
    keys(&browser, ENTER).await;
    browser
        .wait_until(
            "return location.hash.includes('f=demographics.gender%3DMale')
                && document.querySelectorAll('#filter-chips li').length === 1
                && document.getElementById('view-n').textContent.includes('match the filters')
                && document.activeElement?.id === 'add-filter';",
            15,
        )
        .await;

    // The chip's remove button, reached by keyboard, takes the filter away again.
    keys(&browser, &format!("{}{}", "\u{E008}", TAB)).await; // Shift+Tab back to the chip
    let focused = browser
        .eval("return document.activeElement?.getAttribute('aria-label');")
        .await;
    assert_eq!(focused, "Remove filter: What is your gender? is Male");
    keys(&browser, "\u{E000}").await; // release Shift
    keys(&browser, ENTER).await;
    browser
        .wait_until(
            "return !location.hash.includes('f=') && !document.querySelector('#filter-chips li');",
            15,
        )
        .await;
    assert_clean_console(&browser).await;
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn a_phone_wide_window_has_no_horizontal_scroll() {
    let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
    let browser = Browser::launch().await;
    // Chromium's windows are at least 500 px wide; a phone's viewport is emulated.
    browser
        .cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": 375, "height": 800, "deviceScaleFactor": 2, "mobile": true }),
        )
        .await;
    let no_overflow = "return document.documentElement.scrollWidth <= window.innerWidth;";
    open(&browser, &serving.url()).await;
    browser
        .wait_until(
            "return document.querySelector('.card[data-drawn=\"1\"], .card[data-drawn=\"prerendered\"]') !== null;",
            15,
        )
        .await;
    let inner = browser.eval("return window.innerWidth;").await;
    assert!(
        inner.as_u64().unwrap() <= 400,
        "the window is {inner} px wide, not a phone's"
    );
    assert_eq!(browser.eval(no_overflow).await, true, "overview");
    open(
        &browser,
        &format!(
            "{}#view=question&q={ROW}&by={BY}&pct=col&ci=1&f=demographics.gender%3DMale",
            serving.url()
        ),
    )
    .await;
    browser
        .wait_until("return !document.getElementById('test-result').hidden;", 15)
        .await;
    click(&browser, "#add-filter").await;
    select(&browser, "#filter-question", "demographics.role").await;
    browser.screenshot("explorer-375").await;
    let width = browser
        .eval("return [document.documentElement.scrollWidth, window.innerWidth];")
        .await;
    assert_eq!(browser.eval(no_overflow).await, true, "crosstab view: {width}");
    assert_clean_console(&browser).await;
    browser.client.clone().close().await.unwrap();
}

/// The question the explorer is built to answer: do PhD students use numpy.random more
/// than software engineers, among daily users? Found by typing into the pickers, read
/// as column percents, and checked against the CLI's counts.
#[tokio::test]
async fn the_numpy_random_question_is_answered_and_shared() {
    let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
    let browser = Browser::launch().await;
    open(&browser, &format!("{}#view=question", serving.url())).await;
    let type_into = |css: &'static str, text: &'static str| {
        let browser = &browser;
        async move {
            let field = browser.client.find(Locator::Css(css)).await.unwrap();
            field.send_keys(text).await.unwrap();
        }
    };
    type_into("#question-search", "components").await;
    browser
        .wait_until("return location.hash.includes('q=demographics.components');", 10)
        .await;
    type_into("#by-search", "role").await;
    browser
        .wait_until("return location.hash.includes('by=demographics.role');", 10)
        .await;
    click(&browser, "input[name='percent'][value='column']").await;
    click(&browser, "#add-filter").await;
    type_into("#filter-search", "how often").await;
    click(&browser, "#filter-options input[value='Daily']").await;
    click(&browser, "#filter-apply").await;
    browser
        .wait_until(
            "return location.hash.includes('f=demographics.use_freq%3DDaily')
                && document.querySelector('#chart-table thead th')?.textContent === 'Percent of each column';",
            15,
        )
        .await;

    let cli = canvass_e2e::cli_crosstab(
        "demographics.components",
        "demographics.role",
        "demographics.use_freq=Daily",
    );
    let labels = |key: &str| -> Vec<String> {
        cli[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    };
    let (rows, cols) = (labels("row_labels"), labels("col_labels"));
    let r = rows.iter().position(|l| l.contains("numpy.random")).unwrap();
    let table = read_table(&browser).await;
    // The page lists the answers in its chart's order, the CLI's JSON in the file's.
    let page_row = table["body"]
        .as_array()
        .unwrap()
        .iter()
        .position(|row| row[0] == cli["row_labels"][r])
        .unwrap();
    for group in ["PhD student", "Software engineer"] {
        let c = cols.iter().position(|l| l == group).unwrap();
        let percent = 100.0 * cli["counts"][r][c].as_f64().unwrap() / cli["col_totals"][c].as_f64().unwrap();
        let shown = table["body"][page_row][c + 1].as_str().unwrap();
        assert_eq!(
            shown.trim_end_matches(" * (differs significantly)"),
            format!("{percent:.1}%"),
            "{group}"
        );
    }
    let hash = browser.eval("return location.hash;").await;
    eprintln!("permalink: {}", hash.as_str().unwrap());

    // A filter that leaves 6 respondents (DevOps engineers, counted with canvass freq
    // --k 0) is refused in words; the view, its chips and its link stay as they were.
    click(&browser, "#add-filter").await;
    select(&browser, "#filter-question", "demographics.role").await;
    click(&browser, "#filter-options input[value='DevOps engineer']").await;
    click(&browser, "#filter-apply").await;
    browser
        .wait_until(
            "return document.getElementById('messages').textContent.includes('This filter was not applied');",
            10,
        )
        .await;
    let message = browser
        .eval("return document.querySelector('#messages [role=alert]').textContent;")
        .await;
    assert!(
        message.as_str().unwrap().contains("fewer than 10 respondents"),
        "{message}"
    );
    assert_eq!(browser.eval("return location.hash;").await, hash);
    assert_eq!(
        browser
            .eval("return document.querySelectorAll('#filter-chips li').length;")
            .await,
        1
    );
    assert_eq!(read_table(&browser).await, table);

    // The roles are more groups than the palette has colours, so the chart suited to
    // the table is a heatmap. Another chart kind is another link; Back returns to it.
    assert!(browser
        .eval("return document.getElementById('chart').getAttribute('aria-label');")
        .await
        .as_str()
        .unwrap()
        .starts_with("Heatmap"));
    click(&browser, "input[name='kind'][value='grouped']").await;
    browser
        .wait_until(
            "return location.hash.includes('kind=grouped')
                && document.getElementById('chart').getAttribute('aria-label').startsWith('Grouped');",
            10,
        )
        .await;
    assert_eq!(
        read_table(&browser).await,
        table,
        "the chart kind leaves the table alone"
    );
    browser.client.back().await.unwrap();
    browser
        .wait_until(
            "return !location.hash.includes('kind=')
                && document.getElementById('chart').getAttribute('aria-label').startsWith('Heatmap');",
            10,
        )
        .await;
    assert_clean_console(&browser).await;
    browser.client.clone().close().await.unwrap();
}

/// Answer and count cells of a table's body rows, withheld and zero as `None`.
async fn answer_counts(browser: &Browser, table_css: &str) -> Vec<(String, Option<f64>)> {
    let rows = browser
        .eval(&format!(
            "return [...document.querySelectorAll('{table_css} tbody tr')].map(tr => [tr.cells[0].textContent, tr.cells[1].textContent]);"
        ))
        .await;
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| (r[0].as_str().unwrap().to_string(), page_count(r[1].as_str().unwrap())))
        .collect()
}

#[tokio::test]
async fn a_number_range_filter_narrows_the_question_and_the_overview() {
    let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
    let browser = Browser::launch().await;
    // The twelve-row sample (k = 0), whose ages are easy to count by hand.
    open(&browser, &format!("{}#d=sample@1&view=question", serving.url())).await;
    click(&browser, "#add-filter").await;
    select(&browser, "#filter-question", "Age").await;
    browser
        .wait_until("return !document.getElementById('filter-range').hidden;", 5)
        .await;
    for (css, value) in [("#filter-min", "30"), ("#filter-max", "50")] {
        browser
            .client
            .find(Locator::Css(css))
            .await
            .unwrap()
            .send_keys(value)
            .await
            .unwrap();
    }
    click(&browser, "#filter-apply").await;
    browser
        .wait_until(
            "return document.querySelectorAll('#filter-chips li').length === 2
                && document.getElementById('view-n').textContent.includes('match');",
            10,
        )
        .await;
    let chips = browser
        .eval("return [...document.querySelectorAll('#filter-chips li span')].map(s => s.textContent);")
        .await;
    assert_eq!(chips, json!(["Age is at least 30", "Age is at most 50"]));
    // By hand: ages 30 to 50 are R01 (34, Python), R03 (41, Rust), R07 (38, C++),
    // R09 (31, Rust), R10 (45, no language) and R11 (36, Python).
    let n = browser
        .eval("return document.getElementById('view-n').textContent;")
        .await;
    assert_eq!(n, "n = 6 respondents match the filters");
    // Without disclosure control (k = 0) a zero is printed as 0.
    let mut wanted = vec![
        ("Python".to_string(), Some(2.0)),
        ("Rust".to_string(), Some(2.0)),
        ("C++".to_string(), Some(1.0)),
        ("Julia".to_string(), Some(0.0)),
        ("C, C++ or Fortran".to_string(), Some(0.0)),
    ];
    wanted.sort_by(|a, b| b.1.partial_cmp(&a.1).unwrap().then(a.0.cmp(&b.0)));
    let mut shown = answer_counts(&browser, "#chart-table").await;
    shown.sort_by(|a, b| b.1.partial_cmp(&a.1).unwrap().then(a.0.cmp(&b.0)));
    assert_eq!(shown, wanted);

    // The overview's card of the same question follows the filters too.
    click(&browser, "#nav-overview").await;
    let card = "document.querySelector('.card[data-id=\"Which language do you use most?\"]')";
    browser
        .wait_until(&format!("return {card}?.dataset.drawn === '1';"), 10)
        .await;
    let mut on_card = answer_counts(&browser, ".card[data-id=\"Which language do you use most?\"]").await;
    on_card.sort_by(|a, b| b.1.partial_cmp(&a.1).unwrap().then(a.0.cmp(&b.0)));
    assert_eq!(on_card, wanted);
    assert_clean_console(&browser).await;
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn a_number_breaks_a_question_down_in_its_histogram_bins() {
    let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
    let browser = Browser::launch().await;
    open(&browser, &format!("{}#view=question", serving.url())).await;
    select(&browser, "#question", "demographics.role").await;
    browser
        .wait_until("return location.hash.includes('q=demographics.role');", 10)
        .await;
    // Ages are offered as a "by" question, and split the roles into the age
    // histogram's decades.
    select(&browser, "#by", "demographics.age").await;
    browser
        .wait_until("return !document.getElementById('percent-choice').hidden;", 10)
        .await;
    click(&browser, "input[name='percent'][value='counts']").await;
    browser
        .wait_until(
            "return location.hash.includes('by=demographics.age')
                && document.querySelector('#chart-table thead th')?.textContent === 'Counts';",
            15,
        )
        .await;
    let cli = canvass_e2e::cli_crosstab("demographics.role", "demographics.age", "");
    let table = read_table(&browser).await;
    let head: Vec<String> = table["head"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    let col_labels: Vec<String> = cli["col_labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    assert!(col_labels.iter().any(|l| l.starts_with("20")), "{col_labels:?}");
    assert_eq!(head[1..head.len() - 1], col_labels[..]);
    let row_labels = cli["row_labels"].as_array().unwrap();
    for row in table["body"].as_array().unwrap() {
        let cells: Vec<&str> = row.as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        let i = row_labels.iter().position(|l| l == cells[0]).unwrap();
        let shown: Vec<Option<f64>> = cells[1..cells.len() - 1].iter().map(|t| page_count(t)).collect();
        assert_eq!(shown, cli_counts(&cli["counts"][i]), "row {}", cells[0]);
    }
    assert_clean_console(&browser).await;
}

/// The release gives the same table read from its snapshot on the page's thread, read
/// from its published files in a worker, and after moving from that worker to the
/// page's thread once the page is idle.
#[tokio::test]
async fn the_release_answers_alike_from_its_snapshot_its_files_and_after_moving() {
    let view = format!("q={ROW}&by={BY}&pct=col&f=demographics.gender%3DMale");
    let other_view = view.replace("pct=col", "pct=row");
    let browser = Browser::launch().await;

    let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
    open(&browser, &format!("{}#view=question&{view}", serving.url())).await;
    let engine = browser
        .eval("return [document.body.dataset.source, document.body.dataset.engine];")
        .await;
    assert_eq!(engine, json!(["snapshot", "page"]));
    let from_snapshot = read_table(&browser).await;
    assert_clean_console(&browser).await;

    // Without the snapshot: the published files, parsed in a worker.
    let faults = HashMap::from([("/data/numpy-2020/survey.snapshot".to_string(), Fault::NotFound)]);
    let serving = server::start_with_faults(xtask::root().join("www"), 0, faults).expect("serve www/");
    open(&browser, &format!("{}#view=question&{view}", serving.url())).await;
    let first = browser
        .eval("return [document.body.dataset.source, document.body.dataset.engine];")
        .await;
    let before = read_table(&browser).await;
    browser
        .wait_until("return document.body.dataset.engine === 'page';", 30)
        .await;
    // Another view and back, both counted on the page's thread.
    browser
        .eval(&format!("location.hash = '#view=question&{other_view}'; return true;"))
        .await;
    browser
        .wait_until(
            "return location.hash.includes('pct=row') && document.body.dataset.state === 'ready';",
            10,
        )
        .await;
    browser
        .eval(&format!("location.hash = '#view=question&{view}'; return true;"))
        .await;
    browser
        .wait_until(
            "return location.hash.includes('pct=col') && document.querySelector('#chart-table thead th')?.textContent !== '';",
            10,
        )
        .await;
    let after = read_table(&browser).await;
    assert!(
        before["body"].as_array().is_some_and(|rows| rows.len() == 3),
        "{before}"
    );
    assert!(
        before["body"][0][1]
            .as_str()
            .is_some_and(|cell| cell.ends_with('%') || cell.contains("% ")),
        "{before}"
    );
    assert_eq!(first, json!(["published", "worker"]));
    assert_eq!(
        before, from_snapshot,
        "published files in a worker against the snapshot"
    );
    assert_eq!(before, after, "before and after moving to the page");
}

/// A filter the core refuses, applied on the overview, is refused in words there too:
/// the cards, chips and link stay as they were, with nothing tried and thrown away.
#[tokio::test]
async fn a_refused_filter_on_the_overview_keeps_the_cards() {
    let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
    let browser = Browser::launch().await;
    open(&browser, &serving.url()).await;
    browser.settled(30).await;
    let hash = browser.eval("return location.hash;").await;
    let cards = "return [...document.querySelectorAll('.card[data-drawn=\"1\"] .base, .card[data-drawn=\"prerendered\"] .base')].map((p) => p.textContent);";
    let before = browser.eval(cards).await;
    assert!(!before.as_array().unwrap().is_empty());
    // Six DevOps engineers: fewer than the release's threshold of 10.
    click(&browser, "#add-filter").await;
    select(&browser, "#filter-question", "demographics.role").await;
    click(&browser, "#filter-options input[value='DevOps engineer']").await;
    click(&browser, "#filter-apply").await;
    browser
        .wait_until(
            "return document.getElementById('messages').textContent.includes('This filter was not applied');",
            10,
        )
        .await;
    browser.settled(30).await;
    let message = browser.messages().await;
    assert!(message.contains("fewer than 10 respondents"), "{message}");
    assert_eq!(browser.eval("return location.hash;").await, hash);
    assert_eq!(
        browser
            .eval("return document.querySelectorAll('#filter-chips li').length;")
            .await,
        0
    );
    // The cards in view are drawn again as they were; those below, drawn ahead at
    // first, are drawn again when they scroll into view.
    let after = browser.eval(cards).await;
    let (after, before) = (after.as_array().unwrap(), before.as_array().unwrap());
    assert!(
        !after.is_empty() && before.starts_with(after),
        "{after:?} after {before:?}"
    );
    // No card is left refused but those the release refuses with no filter (drawn so
    // by the build).
    assert_eq!(
        browser
            .eval("return document.querySelectorAll('.card[data-drawn=\"error\"]:not([data-prerendered=\"error\"])').length;")
            .await,
        0
    );
    assert_clean_console(&browser).await;
    browser.client.clone().close().await.unwrap();
}

/// An SPSS file opened from the dialog shows its questions by their variable labels and
/// its multiple-response set as one question, counted as pyreadstat counts them
/// (tests/data/labelled/expected.json).
#[tokio::test]
async fn an_spss_file_opens_with_its_labels_and_response_sets() {
    let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
    let browser = Browser::launch().await;
    open(&browser, &serving.url()).await;
    browser
        .open_file(&xtask::root().join("tests/data/labelled/survey-mrsets.sav"))
        .await;
    browser
        .eval("location.hash = '#view=question&q=cars'; return true;")
        .await;
    browser
        .wait_until(
            "return document.querySelectorAll('#chart-table tbody tr').length === 3;",
            10,
        )
        .await;
    let rows = browser
        .eval(
            "return [...document.querySelectorAll('#chart-table tbody tr')]
               .map(tr => [tr.querySelector('th').textContent, tr.querySelector('td').textContent]);",
        )
        .await;
    // Ford 34, Fiat 26, Toyota 24 of the 60 who answered.
    let mut rows: Vec<(String, String)> = serde_json::from_value::<Vec<(String, String)>>(rows).unwrap();
    rows.sort();
    assert_eq!(
        rows,
        [
            ("Fiat".into(), "26".into()),
            ("Ford".into(), "34".into()),
            ("Toyota".into(), "24".into())
        ]
    );
    // Questions are named by their variable labels.
    let labels = browser
        .eval("return [...document.querySelectorAll('#question option')].map(o => o.textContent);")
        .await
        .to_string();
    assert!(labels.contains("How satisfied are you with the service?"), "{labels}");
}

/// Shows the question whose picker option reads `text`, with `options` (`&ci=1`) in
/// the address; returns its id.
async fn show_question_named(browser: &Browser, text: &str, options: &str) -> Value {
    browser
        .client
        .execute(
            "const [text, options] = arguments;
             const o = [...document.querySelectorAll('#question option')].find((o) => o.textContent === text);
             location.hash = '#view=question' + options + '&q=' + encodeURIComponent(o.value);
             return o.value;",
            vec![Value::String(text.into()), Value::String(options.into())],
        )
        .await
        .unwrap()
}

/// A Google Forms grid of four statements; the first is answered unlike the others,
/// so a table of the first statement alone is caught.
fn grid_csv() -> String {
    let mut csv = String::from("Docs [Reference],Docs [Tutorials],Docs [Examples],Docs [Search]\n");
    for i in 0..48 {
        let first = if i < 24 { "Good" } else { "Poor" };
        let rest = if i < 36 { "Good" } else { "Poor" };
        csv.push_str(&format!("{first},{rest},{rest},{rest}\n"));
    }
    csv
}

#[tokio::test]
async fn a_grids_table_and_csv_hold_every_statement() {
    let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
    let browser = Browser::launch().await;
    open(&browser, &serving.url()).await;
    browser.open_text_file("grid.csv", &grid_csv()).await;
    show_question_named(&browser, "Docs", "").await;
    browser
        .wait_until(
            "return document.querySelectorAll('#chart-table tbody tr').length > 2;",
            10,
        )
        .await;
    let table = read_table(&browser).await;
    assert_eq!(
        table["head"],
        json!(["Item", "Answer", "Count", "Percent", "95% interval"])
    );
    let rows: Vec<(String, String, String)> = table["body"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let s = |i: usize| r[i].as_str().unwrap().to_string();
            (s(0), s(1), s(2))
        })
        .collect();
    let expect: Vec<(String, String, String)> = [
        ("Reference", "Poor", "24"),
        ("Reference", "Good", "24"),
        ("Tutorials", "Poor", "12"),
        ("Tutorials", "Good", "36"),
        ("Examples", "Poor", "12"),
        ("Examples", "Good", "36"),
        ("Search", "Poor", "12"),
        ("Search", "Good", "36"),
    ]
    .iter()
    .map(|&(a, b, c)| (a.into(), b.into(), c.into()))
    .collect();
    assert_eq!(rows, expect);

    capture_downloads(&browser).await;
    click(&browser, "#export-csv").await;
    let text = next_download(&browser, 1).await["text"].as_str().unwrap().to_string();
    let records = parse_csv(&text);
    let csv_rows: Vec<(String, String, String)> = records
        .iter()
        .skip_while(|r| r[0] != "Item")
        .skip(1)
        .map(|r| (r[0].clone(), r[1].clone(), r[2].clone()))
        .collect();
    assert_eq!(csv_rows, expect, "{records:?}");
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn the_chart_kind_keeps_keyboard_focus_when_changed_with_an_arrow() {
    let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
    let browser = Browser::launch().await;
    // A scale of satisfaction: bars or diverging bars are offered.
    open(
        &browser,
        &format!("{}#view=question&q=mentorship.satisfaction", serving.url()),
    )
    .await;
    browser.eval("document.activeElement.blur(); return true;").await;
    for _ in 0..40 {
        if browser.eval("return document.activeElement?.name ?? '';").await == "kind" {
            break;
        }
        keys(&browser, TAB).await;
    }
    let focused = browser.eval("return document.activeElement?.value;").await;
    assert_eq!(focused, "", "Tab reaches the chosen chart kind, suited to the question");
    keys(&browser, "\u{E014}").await; // →
    browser
        .wait_until("return location.hash.includes('kind=bar');", 10)
        .await;
    browser.settled(10).await;
    let focused = browser
        .eval("const e = document.activeElement; return [e?.name ?? e?.tagName, e?.value, e?.checked];")
        .await;
    assert_eq!(focused, json!(["kind", "bar", true]));
    assert_clean_console(&browser).await;
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn a_breakdown_opens_as_percent_within_each_group_titled_by_the_question() {
    let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
    let browser = Browser::launch().await;
    let percent = "return document.querySelector('input[name=percent]:checked')?.value;";
    open(&browser, &format!("{}#view=question&q={BY}", serving.url())).await;
    select(&browser, "#by", ROW).await;
    browser
        .wait_until(&format!("return location.hash.includes('by={ROW}');"), 10)
        .await;
    browser.settled(10).await;
    assert_eq!(browser.eval(percent).await, "column");
    let table = read_table(&browser).await;
    assert_eq!(table["head"][0], "Percent of each column");
    // Each group's answers add up to 100%: the groups are the columns.
    assert_eq!(table["foot"][1], "100.0%");
    capture_downloads(&browser).await;
    click(&browser, "#export-svg").await;
    let svg = next_download(&browser, 1).await["text"]
        .as_str()
        .unwrap()
        .replace('\n', " ");
    let question = svg
        .find("How often do you use NumPy?")
        .expect("the SVG names the question");
    let by = svg
        .find("By How do you primarily use NumPy?")
        .expect("the SVG names the breakdown under the title");
    assert!(question < by, "the question comes first");

    // A link written before the default changed kept row percents unsaid; it still
    // means them.
    browser.client.goto("about:blank").await.unwrap();
    browser
        .client
        .goto(&format!("{}#view=question&q={BY}&by={ROW}", serving.url()))
        .await
        .unwrap();
    browser.settled(20).await;
    browser
        .wait_until("return !document.getElementById('percent-choice').hidden;", 10)
        .await;
    assert_eq!(browser.eval(percent).await, "row");
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn finding_a_question_says_when_nothing_matches_and_clearing_keeps_the_question() {
    let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
    let browser = Browser::launch().await;
    open(&browser, &format!("{}#view=question&q={ROW}", serving.url())).await;
    let search = |words: &str| {
        format!(
            "const box = document.getElementById('question-search');
             box.value = {words:?};
             box.dispatchEvent(new Event('input'));
             return document.getElementById('question-search-status').textContent;"
        )
    };
    let said = browser.eval(&search("zzqx")).await;
    assert_eq!(said, "No question matches “zzqx”.");
    browser.eval(&search("often do you")).await;
    browser
        .wait_until(&format!("return location.hash.includes('q={BY}');"), 10)
        .await;
    let said = browser.eval(&search("")).await;
    assert_eq!(said, "");
    browser.settled(10).await;
    let hash = browser.eval("return location.hash;").await;
    assert!(hash.as_str().unwrap().contains(&format!("q={BY}")), "{hash}");

    // Two follow-up questions share their text: each option still says which is which.
    let texts = browser
        .eval("return [...document.querySelectorAll('#question option')].map((o) => o.textContent);")
        .await;
    let texts: Vec<&str> = texts.as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect();
    let mut unique = texts.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), texts.len(), "{texts:?}");
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn at_a_phones_width_titles_and_footnotes_wrap_whole() {
    let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
    let browser = Browser::launch().await;
    browser
        .cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": 375, "height": 800, "deviceScaleFactor": 2, "mobile": true }),
        )
        .await;
    open(
        &browser,
        &format!(
            "{}#view=question&q={ROW}&by={BY}&pct=col&ci=1&f=demographics.gender%3DMale",
            serving.url()
        ),
    )
    .await;
    browser.settled(15).await;
    let cut = browser
        .eval(
            "const layout = JSON.parse(document.getElementById('chart').dataset.layout);
             return layout.texts
               .filter((t) => ['title', 'subtitle', 'footnote'].includes(t.role) && t.text.includes('…'))
               .map((t) => `${t.role}: ${t.text}`);",
        )
        .await;
    assert_eq!(cut, json!([]), "texts cut short at 375 px");
    let footnote = browser
        .eval("return JSON.parse(document.getElementById('chart').dataset.layout).footnote.join(' ');")
        .await;
    // The footnote is whole, to its last sentence.
    assert!(
        footnote
            .as_str()
            .unwrap()
            .ends_with("Synthetic data: generated for illustration, not real responses."),
        "{footnote}"
    );
    // A phone widens its layout to fit what overflows, so innerWidth must stay 375:
    // here, and on a crosstab whose marked cells carry words for screen readers.
    let sideways = "return [document.documentElement.scrollWidth, window.innerWidth];";
    let width = browser.eval(sideways).await;
    assert!(
        width[0].as_u64() <= width[1].as_u64() && width[1] == 375,
        "the page scrolls sideways: {width}"
    );
    open(
        &browser,
        &format!("{}#view=question&q={BY}&by={ROW}&pct=col", serving.url()),
    )
    .await;
    browser.settled(15).await;
    let width = browser.eval(sideways).await;
    assert!(
        width[0].as_u64() <= width[1].as_u64() && width[1] == 375,
        "the crosstab scrolls sideways: {width}"
    );
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn a_base_is_explained_where_chosen_and_its_unanswered_rows_are_shown() {
    let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
    let browser = Browser::launch().await;
    let q = "usage.bug_resolution";
    open(&browser, &format!("{}#view=question&q={q}", serving.url())).await;
    browser.settled(10).await;
    let note = "return document.getElementById('base-note').textContent;";
    let first_cells =
        "return [...document.querySelectorAll('#chart-table tbody tr')].map((tr) => tr.cells[0].textContent);";
    assert!(browser.eval(note).await.as_str().unwrap().contains("gave an answer"));
    let answered = browser.eval(first_cells).await;
    assert!(!answered.to_string().contains("(not asked)"), "{answered}");

    click(&browser, "input[name='base'][value='all']").await;
    browser
        .wait_until("return location.hash.includes('base=all');", 10)
        .await;
    browser.settled(10).await;
    assert!(browser.eval(note).await.as_str().unwrap().contains("everyone"));
    let rows = browser.eval(first_cells).await;
    assert_eq!(
        rows.as_array().unwrap().last().unwrap(),
        "(not asked)",
        "the respondents the base counts without an answer are rows: {rows}"
    );
    browser.client.clone().close().await.unwrap();
}

/// A grid on a frequency scale, which has no "disagree" side.
fn frequency_grid_csv() -> String {
    let mut csv = String::from("Use [Pandas],Use [NumPy]\n");
    let levels = ["Daily", "Weekly", "Monthly", "Less frequently"];
    for i in 0..40 {
        csv.push_str(&format!("{},{}\n", levels[i % 4], levels[(i / 2) % 4]));
    }
    csv
}

#[tokio::test]
async fn a_frequency_grid_is_not_diverging_and_the_toggle_says_where_intervals_are_not_drawn() {
    let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
    let browser = Browser::launch().await;
    open(&browser, &serving.url()).await;
    browser.open_text_file("often.csv", &frequency_grid_csv()).await;
    show_question_named(&browser, "Use", "&ci=1").await;
    browser
        .wait_until(
            "return document.getElementById('chart').getAttribute('aria-label').includes('Use');",
            10,
        )
        .await;
    let seen = browser
        .eval(
            "return { label: document.getElementById('chart').getAttribute('aria-label'),
                      kinds: [...document.querySelectorAll('#kind-choice input')].map((i) => i.value),
                      kindsHidden: document.getElementById('kind-choice').hidden,
                      note: document.getElementById('intervals-note').hidden ? null : document.getElementById('intervals-note').textContent };",
        )
        .await;
    let label = seen["label"].as_str().unwrap();
    assert!(!label.starts_with("Diverging"), "{seen}");
    assert!(label.starts_with("100% stacked"), "{seen}");
    assert!(
        seen["kindsHidden"].as_bool().unwrap() && !seen["kinds"].as_array().unwrap().iter().any(|k| k == "diverging"),
        "{seen}"
    );
    assert_eq!(
        seen["note"],
        json!("Not drawn on a 100% stacked chart; the table gives them."),
        "{seen}"
    );
    // Asked for by a link, diverging bars are refused with the reason.
    browser
        .eval("location.hash = location.hash + '&kind=diverging'; return true;")
        .await;
    browser
        .wait_until(
            "return document.getElementById('messages').textContent.includes('agreement or satisfaction');",
            10,
        )
        .await;
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn a_table_lists_answers_in_its_charts_order() {
    let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
    let browser = Browser::launch().await;
    open(&browser, &serving.url()).await;
    // Read in the order first seen (fewest first); the chart draws the most first.
    let mut csv = String::from("Fruit\n");
    for (fruit, n) in [("Apple", 11), ("Banana", 30), ("Cherry", 20)] {
        for _ in 0..n {
            csv.push_str(fruit);
            csv.push('\n');
        }
    }
    browser.open_text_file("fruit.csv", &csv).await;
    browser
        .eval("location.hash = '#view=question&q=Fruit'; return true;")
        .await;
    browser
        .wait_until(
            "return document.querySelectorAll('#chart-table tbody tr').length === 3;",
            10,
        )
        .await;
    let answers = browser
        .eval("return [...document.querySelectorAll('#chart-table tbody th')].map((th) => th.textContent);")
        .await;
    assert_eq!(answers, json!(["Banana", "Cherry", "Apple"]));
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn a_reload_asks_for_the_file_again_and_then_shows_its_view() {
    let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
    let browser = Browser::launch().await;
    open(&browser, &serving.url()).await;
    browser.open_text_file("grid.csv", &grid_csv()).await;
    let id = show_question_named(&browser, "Docs", "&ci=1").await;
    browser
        .wait_until(
            "return document.querySelectorAll('#chart-table tbody tr').length > 2;",
            10,
        )
        .await;
    // Any change the visitor makes keeps the file's name in the address.
    browser
        .eval("document.getElementById('base-choice').querySelector('[value=asked]').click(); return true;")
        .await;
    browser
        .wait_until("return location.hash.includes('d=file%3Agrid.csv');", 10)
        .await;
    let hash = browser.eval("return location.hash;").await;
    browser.client.refresh().await.unwrap();
    browser
        .wait_until("return ['ready', 'error'].includes(document.body.dataset.state);", 30)
        .await;
    browser
        .wait_until(
            "return document.getElementById('messages').textContent.includes('never stored');",
            10,
        )
        .await;
    let messages = browser.messages().await;
    assert!(
        messages.contains("grid.csv") && messages.contains("open it again"),
        "{messages}"
    );
    // Opened again, the file is shown at the view the address held.
    browser.open_text_file("grid.csv", &grid_csv()).await;
    browser
        .wait_until(
            "return document.querySelectorAll('#chart-table tbody tr').length > 2;",
            10,
        )
        .await;
    assert_eq!(browser.eval("return location.hash;").await, hash);
    assert_eq!(
        browser.eval("return document.getElementById('question').value;").await,
        id
    );
    assert_eq!(
        browser
            .eval("return document.querySelector('[name=base][value=asked]').checked;")
            .await,
        json!(true)
    );
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn a_ranking_is_captioned_by_its_question_and_its_score_explained() {
    let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
    let browser = Browser::launch().await;
    open(
        &browser,
        &format!("{}#view=question&q=priorities.website", serving.url()),
    )
    .await;
    browser
        .wait_until(
            "return document.querySelectorAll('#chart-table tbody tr').length > 3;",
            20,
        )
        .await;
    let seen = browser
        .eval(
            "return { caption: document.getElementById('chart-table-caption').textContent,
                      chart: document.getElementById('chart').getAttribute('aria-label'),
                      notes: document.getElementById('table-note').textContent,
                      head: [...document.querySelectorAll('#chart-table thead th')].map((th) => th.textContent) };",
        )
        .await;
    let caption = seen["caption"].as_str().unwrap();
    assert!(!caption.contains("Website redesign"), "{seen}");
    assert!(caption.contains("priority for the NumPy project"), "{seen}");
    assert!(!seen.to_string().contains("Borda"), "{seen}");
    // What a score is, in one line beside the table.
    assert!(seen["notes"].as_str().unwrap().contains("points"), "{seen}");
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn a_tidy_csv_has_its_header_first_a_row_per_cell_and_its_notes_last() {
    let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
    let browser = Browser::launch().await;
    open(&browser, &format!("{}#view=question&q={ROW}&by={BY}", serving.url())).await;
    browser
        .wait_until(
            "return document.querySelectorAll('#chart-table tbody tr').length > 1;",
            20,
        )
        .await;
    capture_downloads(&browser).await;
    click(&browser, "#export-tidy").await;
    let text = next_download(&browser, 1).await["text"].as_str().unwrap().to_string();
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(
        lines[0],
        "question,item,answer,group,count,percent,ci_low,ci_high,withheld,withheld_reason"
    );
    let first_comment = lines.iter().position(|l| l.starts_with('#')).unwrap();
    assert!(lines[first_comment..].iter().all(|l| l.starts_with("# ")), "{text}");
    assert!(lines.iter().any(|l| l.starts_with("# Filters: ")), "{text}");
    // One record a cell of the table on screen, count and percent side by side.
    let cells = browser
        .eval("const t = document.getElementById('chart-table'); return t.tBodies[0].rows.length * (t.tHead.rows[0].cells.length - 2);")
        .await;
    assert_eq!(first_comment as u64 - 1, cells.as_u64().unwrap(), "{text}");
    let records = parse_csv(&lines[..first_comment].join("\r\n"));
    assert!(
        records[1..]
            .iter()
            .all(|r| r.len() == 10 && r[4].parse::<f64>().is_ok() == (r[8] == "false")),
        "{records:?}"
    );
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn a_weight_is_chosen_in_the_page_and_its_effective_n_shown() {
    let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
    let browser = Browser::launch().await;
    open(&browser, &serving.url()).await;
    // Ten weights of about 3 and thirty of about 0.6: worth about 24 respondents.
    let mut csv = String::from("Tool,Weight\n");
    for i in 0..40 {
        let (tool, wt) = if i < 10 {
            ("A", 3.0 + 0.01 * i as f64)
        } else {
            ("B", 0.5 + 0.01 * (i - 10) as f64)
        };
        csv.push_str(&format!("{tool},{wt:.2}\n"));
    }
    browser.open_text_file("weighted.csv", &csv).await;
    browser
        .eval("location.hash = location.hash + '&view=question&q=Tool'; return true;")
        .await;
    browser
        .wait_until(
            "return document.getElementById('chart-caption').textContent.startsWith('n = 40');",
            10,
        )
        .await;
    assert_eq!(
        browser
            .eval("return document.getElementById('weight-choice').hidden;")
            .await,
        json!(false)
    );
    select(&browser, "#weight", "Weight").await;
    browser
        .wait_until(
            "return document.getElementById('chart-caption').textContent.includes('effective n');",
            10,
        )
        .await;
    let caption = browser
        .eval("return document.getElementById('chart-caption').textContent;")
        .await;
    assert!(caption.as_str().unwrap().contains("effective n = 24"), "{caption}");
    assert!(browser
        .eval("return location.hash;")
        .await
        .as_str()
        .unwrap()
        .contains("w=Weight"));
    // The overview's cards are weighted too.
    click(&browser, "#nav-overview").await;
    browser
        .wait_until(
            "return [...document.querySelectorAll('.card .base')].some((p) => p.textContent.includes('effective n'));",
            10,
        )
        .await;
    browser.client.clone().close().await.unwrap();
}

/// The ids of the open survey's questions whose picker options read `texts`.
async fn ids_of(browser: &Browser, texts: &[&str]) -> Vec<String> {
    let ids = browser
        .client
        .execute(
            "return arguments[0].map((text) => [...document.querySelectorAll('#question option')].find((o) => o.textContent === text).value);",
            vec![json!(texts)],
        )
        .await
        .unwrap();
    ids.as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

/// Sets `params` in the address, keeping the rest of the view (the file, its weight).
async fn set_view(browser: &Browser, params: Value) {
    browser
        .client
        .execute(
            "const params = new URLSearchParams(location.hash.slice(1));
             for (const [k, v] of Object.entries(arguments[0])) params.set(k, v);
             location.hash = params.toString();
             return true;",
            vec![params],
        )
        .await
        .unwrap();
}

/// The answers or items the question view's chart names beside its bars, top to
/// bottom.
async fn chart_labels(browser: &Browser) -> Vec<String> {
    let labels = browser
        .eval(
            "const texts = JSON.parse(document.getElementById('chart').dataset.layout).texts;
             return texts.filter((t) => t.role === 'label').sort((a, b) => a.y_px - b.y_px).map((t) => t.text);",
        )
        .await;
    serde_json::from_value(labels).unwrap()
}

/// Where the overview's cards cannot draw intervals (a histogram, grids, a ranking),
/// the note beside the toggle says so, as the question view's does for its chart.
#[tokio::test]
async fn the_overview_says_which_of_its_charts_draw_no_intervals() {
    let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
    let browser = Browser::launch().await;
    open(&browser, &serving.url()).await;
    browser
        .open_text_file("every-kind.csv", &canvass_e2e::every_kind_csv())
        .await;
    browser.settled(30).await;
    let note = "const n = document.getElementById('intervals-note'); return n.hidden ? null : n.textContent;";
    assert_eq!(browser.eval(note).await, Value::Null, "no note while intervals are off");
    browser
        .eval("document.getElementById('intervals').click(); return true;")
        .await;
    browser.wait_until("return location.hash.includes('ci=1');", 10).await;
    browser.settled(30).await;
    let text = browser.eval(note).await;
    let text = text.as_str().unwrap_or_else(|| panic!("no note on the overview"));
    for kind in ["histogram", "diverging", "stacked", "ranking"] {
        assert!(text.contains(kind), "{kind}: {text}");
    }
    assert!(text.contains("table"), "{text}");
    browser.client.clone().close().await.unwrap();
}

/// One order for a question's answers wherever they are shown: a ranking's table
/// follows its chart (highest score first), and a breakdown lists a nominal question's
/// answers in the order its own bar chart draws them, in its chart and its table.
#[tokio::test]
async fn tables_follow_the_order_of_their_charts() {
    let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
    let browser = Browser::launch().await;
    open(&browser, &serving.url()).await;
    browser
        .open_text_file("every-kind.csv", &canvass_e2e::every_kind_csv())
        .await;
    let ids = ids_of(
        &browser,
        &["Rank these priorities", "What is your role?", "Where do you work?"],
    )
    .await;
    let table_rows =
        "return [...document.getElementById('chart-table').tBodies[0].rows].map((r) => r.cells[0].textContent);";

    set_view(&browser, json!({ "view": "question", "q": ids[0] })).await;
    browser.settled(30).await;
    let ranked = chart_labels(&browser).await;
    assert_eq!(ranked, ["Packaging", "Docs", "Speed"], "highest score first");
    assert_eq!(browser.eval(table_rows).await, json!(ranked));

    set_view(&browser, json!({ "q": ids[1] })).await;
    browser.settled(30).await;
    let answers = chart_labels(&browser).await;
    assert_eq!(browser.eval(table_rows).await, json!(answers));
    // Largest first (a tie keeps the file's order), "Other" last: not the file's order.
    assert_eq!(answers, ["Student", "Engineer", "Researcher", "Other"]);

    set_view(&browser, json!({ "by": ids[2], "pct": "col" })).await;
    browser.settled(30).await;
    assert_eq!(chart_labels(&browser).await, answers, "the breakdown's chart");
    assert_eq!(browser.eval(table_rows).await, json!(answers), "the breakdown's table");
    browser.client.clone().close().await.unwrap();
}

/// An SPSS file that names its own weight variable opens weighted by it: "Weight by"
/// shows it chosen, and a crosstab's base line then gives its effective n.
#[tokio::test]
async fn a_files_own_weight_is_chosen_and_a_weighted_crosstab_gives_its_effective_n() {
    let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
    let browser = Browser::launch().await;
    open(&browser, &serving.url()).await;
    browser
        .open_file(&xtask::root().join("tests/data/labelled/survey-mrsets.sav"))
        .await;
    browser.settled(30).await;
    assert_eq!(
        browser.eval("return document.getElementById('weight').value;").await,
        json!("wt")
    );
    assert!(
        browser
            .eval("return location.hash;")
            .await
            .as_str()
            .unwrap()
            .contains("w=wt"),
        "the address holds the weight"
    );
    set_view(&browser, json!({ "view": "question", "q": "region", "by": "q1" })).await;
    browser.settled(30).await;
    let caption = browser
        .eval("return document.getElementById('chart-caption').textContent;")
        .await;
    assert!(
        caption.as_str().unwrap().contains("weighted; effective n = "),
        "{caption}"
    );
    browser.client.clone().close().await.unwrap();
}

/// A link kept from a file is applied only to a file of that name whose questions it
/// names: another file opens at its overview, the kept view is dropped, and the note
/// asking for the first file goes.
#[tokio::test]
async fn a_kept_view_is_applied_only_to_its_own_file() {
    let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
    let browser = Browser::launch().await;
    // Both files have this question; only the name tells them apart.
    let kept = "#d=file%3Aother.csv&view=question&q=What+is+your+role%3F&ci=1";
    open(&browser, &format!("{}{kept}", serving.url())).await;
    browser
        .wait_until(
            "return document.getElementById('messages').textContent.includes('never stored');",
            10,
        )
        .await;
    browser
        .open_text_file("every-kind.csv", &canvass_e2e::every_kind_csv())
        .await;
    browser.settled(30).await;
    let shown = browser
        .eval(
            "return { hash: decodeURIComponent(location.hash), overview: !document.getElementById('overview').hidden,
                      messages: document.getElementById('messages').textContent };",
        )
        .await;
    assert_eq!(shown["overview"], json!(true), "{shown}");
    let hash = shown["hash"].as_str().unwrap();
    assert!(
        hash.contains("d=file:every-kind.csv") && !hash.contains("view=question") && !hash.contains("ci=1"),
        "{shown}"
    );
    assert!(!shown["messages"].as_str().unwrap().contains("never stored"), "{shown}");
    // The kept view is gone: the file it was made on, opened now, opens at its overview.
    browser
        .open_text_file("other.csv", &canvass_e2e::every_kind_csv())
        .await;
    browser.settled(30).await;
    assert_eq!(
        browser
            .eval("return !document.getElementById('overview').hidden && !location.hash.includes('view=question');")
            .await,
        json!(true)
    );
    // A kept view of a question the file does not have opens the file at its overview.
    open(
        &browser,
        &format!(
            "{}#d=file%3Aevery-kind.csv&view=question&q=No+such+question",
            serving.url()
        ),
    )
    .await;
    browser
        .open_text_file("every-kind.csv", &canvass_e2e::every_kind_csv())
        .await;
    browser.settled(30).await;
    assert_eq!(
        browser
            .eval("return !document.getElementById('overview').hidden && document.body.dataset.state === 'ready' && !location.hash.includes('No');")
            .await,
        json!(true)
    );
    browser.client.clone().close().await.unwrap();
}
