//! What the page's charts say besides their pixels: every canvas is an image with a
//! description of its largest values and a table beside it holding the numbers the
//! chart draws (withheld values as "–" in both), and the intervals toggle governs the
//! whiskers of every chart on the page, the overview's cards included.

use canvass_e2e::{server, Browser};
use fantoccini::Locator;
use serde_json::{json, Value};

async fn open(browser: &Browser, url: &str) {
    browser.client.goto(url).await.unwrap();
    browser
        .wait_until("return document.body.dataset.state === 'ready';", 30)
        .await;
}

/// Scrolls every overview card into view in turn and waits until each is drawn or
/// refused; returns the ids of the drawn ones. A refused card (a base below k) must
/// say why on the card and in its canvas's text alternative.
async fn draw_every_card(browser: &Browser) -> Vec<String> {
    let n = browser
        .eval("return document.querySelectorAll('.card').length;")
        .await
        .as_u64()
        .unwrap() as usize;
    let mut drawn = Vec::new();
    for i in 0..n {
        let card = format!("document.querySelectorAll('.card')[{i}]");
        browser.eval(&format!("{card}.scrollIntoView(); return true;")).await;
        browser
            .wait_until(&format!("return ['1', 'error'].includes({card}.dataset.drawn);"), 15)
            .await;
        let state = browser
            .eval(&format!(
                "return [{card}.dataset.id, {card}.dataset.drawn, {card}.querySelector('.base').textContent,
                         {card}.querySelector('canvas').getAttribute('aria-label')];"
            ))
            .await;
        if state[1] == "1" {
            drawn.push(state[0].as_str().unwrap().to_string());
        } else {
            let reason = state[2].as_str().unwrap();
            assert!(reason.contains("fewer than 10 respondents"), "{state}");
            assert_eq!(state[3], state[2], "{state}");
        }
    }
    assert!(drawn.len() > 20, "{drawn:?}");
    drawn
}

/// Checks, in the page, one canvas against the table beside it and returns what does
/// not agree. `table` is the canvas's own table; `crosstab` says whether the table is a
/// crosstab (answers down, groups across) rather than one row per answer, and
/// `transposed` whether the chart draws it the other way round (row percents).
const CHECK_CANVAS: &str = r#"
const [canvas, table, crosstab, transposed] = arguments;
const problems = [];
const name = canvas.closest('[data-id]')?.dataset.id || canvas.id;
if (canvas.getAttribute('role') !== 'img') problems.push(`${name}: role is not img`);
// Survey text in the description sits between direction isolates (U+2068, U+2069).
const label = (canvas.getAttribute('aria-label') || '').replace(/[\u2068\u2069]/g, '');
const layout = JSON.parse(canvas.dataset.layout);
const rows = [...table.tBodies[0].rows].map((tr) => [...tr.cells].map((c) => c.textContent));
if (!rows.length) problems.push(`${name}: empty table`);
// A percent as the chart prints it from the table's one decimal: whole numbers, "<1%".
const whole = (text) => {
  const p = parseFloat(text);
  return p > 0 && p < 0.5 ? ['<1%'] : [`${Math.floor(p)}%`, `${Math.ceil(p)}%`];
};
const strip = (t) => t.replace(/ \(differs significantly\)$/, '').replace(/ ?\*$/, '');
// The texts of the largest value (several when tied), one of which the description
// must contain.
let largest = null; // [texts, value]
const consider = (text, value) => {
  if (!Number.isFinite(value)) return;
  if (!largest || value > largest[1]) largest = [[text], value];
  else if (value === largest[1]) largest[0].push(text);
};
if (crosstab) {
  const cols = [...table.tHead.rows[0].cells].slice(1, -1).map((c) => c.textContent);
  for (const bar of layout.bars) {
    const [r, c] = transposed ? [bar.series, bar.category] : [bar.category, bar.series];
    const cell = rows[r] && rows[r][c + 1];
    if (cell === undefined) { problems.push(`${name}: no cell for ${bar.label} / ${bar.series}`); continue; }
    const shown = strip(cell);
    const drawn = strip(bar.value_label);
    if (drawn === '–' || shown === '–') {
      if (drawn !== shown) problems.push(`${name}: ${bar.label}/${cols[bar.series]} chart ${drawn}, table ${shown}`);
    } else if (!whole(shown).includes(drawn)) {
      problems.push(`${name}: ${bar.label}/${cols[bar.series]} chart ${drawn}, table ${shown}`);
    }
  }
  rows.forEach((r, i) => r.slice(1, -1).forEach((cell, c) => {
    const shown = strip(cell);
    const words = transposed ? `${cols[c]} among ${r[0]}` : `${r[0]} among ${cols[c]}`;
    if (shown !== '–') consider(`${words} ${shown}`, parseFloat(shown));
  }));
} else if (layout.kind === 'bar') {
  for (const bar of layout.bars) {
    const row = rows.find((r) => r[0] === bar.label);
    if (!row) { problems.push(`${name}: no row for ${bar.label}`); continue; }
    const drawn = strip(bar.value_label);
    if (drawn === '–') {
      if (row[1] !== '–' || row[2] !== '–') problems.push(`${name}: ${bar.label} withheld in the chart, ${row} in the table`);
      continue;
    }
    const expected = whole(row[2]).map((p) => `${p} (n=${row[1]})`);
    if (!expected.includes(drawn)) problems.push(`${name}: ${bar.label} chart ${drawn}, table ${row}`);
  }
  for (const r of rows) if (r[2] !== '–') consider(`${r[0]} ${r[2]}`, parseFloat(r[2]));
} else if (layout.kind === 'rank') {
  for (const bar of layout.bars) {
    const row = rows.find((r) => r[0] === bar.label);
    if (!row) { problems.push(`${name}: no row for ${bar.label}`); continue; }
    if (Math.abs(parseFloat(bar.value_label) - parseFloat(row[1])) > 0.051) problems.push(`${name}: ${bar.label} chart ${bar.value_label}, table ${row}`);
    consider(`${row[0]} (mean score`, parseFloat(row[1]));
  }
} else if (layout.kind === 'histogram') {
  layout.bars.forEach((bar, i) => {
    if (!rows[i] || rows[i][1] !== bar.value_label) problems.push(`${name}: bin ${bar.label} chart ${bar.value_label}, table ${rows[i]}`);
    if (rows[i]) consider(`${bar.label} (${rows[i][1]} respondents)`, parseFloat(rows[i][1].replace(/,/g, '')));
  });
} else {
  problems.push(`${name}: a ${layout.kind} chart this test does not know`);
}
if (!largest) {
  if (!/withheld|No answers/.test(label)) problems.push(`${name}: nothing shown, and the description does not say so: ${label}`);
} else if (!largest[0].some((text) => label.includes(text))) {
  problems.push(`${name}: the description does not name the largest value "${largest[0]}": ${label}`);
}
return { problems, kind: layout.kind, bars: layout.bars.length };
"#;

async fn check_canvas(browser: &Browser, canvas_css: &str, table_css: &str, crosstab: bool, transposed: bool) -> Value {
    let canvas = browser.client.find(Locator::Css(canvas_css)).await.unwrap();
    let table = browser.client.find(Locator::Css(table_css)).await.unwrap();
    let args = vec![
        serde_json::to_value(canvas).unwrap(),
        serde_json::to_value(table).unwrap(),
        Value::Bool(crosstab),
        Value::Bool(transposed),
    ];
    browser.client.execute(CHECK_CANVAS, args).await.unwrap()
}

#[tokio::test]
async fn every_canvas_is_described_and_has_a_table_with_its_numbers() {
    let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
    let browser = Browser::launch().await;
    // With intervals on, the page paints every card itself (the prerendered cards are
    // drawn without them; first_paint.rs checks those against the engine).
    open(&browser, &format!("{}#view=overview&ci=1", serving.url())).await;
    let mut kinds = std::collections::BTreeSet::new();
    for id in draw_every_card(&browser).await {
        let card = format!(".card[data-id='{id}']");
        let result = check_canvas(
            &browser,
            &format!("{card} canvas"),
            &format!("{card} table"),
            false,
            false,
        )
        .await;
        assert_eq!(result["problems"], Value::Array(vec![]), "{id}");
        kinds.insert(result["kind"].as_str().unwrap().to_string());
    }
    // The release has single and multiple choice questions, rankings and a number.
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        ["bar", "histogram", "rank"],
        "kinds of card"
    );

    // One question, and one question by another in each percent mode and chart kind.
    let base = format!("{}#view=question&q=demographics.components", serving.url());
    open(&browser, &base).await;
    let result = check_canvas(&browser, "#chart", "#chart-table", false, false).await;
    assert_eq!(result["problems"], Value::Array(vec![]), "question view");
    // Every kind draws the table's percents (stacked bars label each segment with its
    // cell's percent); row percents are drawn with the table's rows as groups.
    for (pct, kind) in [
        ("col", "grouped"),
        ("col", "heatmap"),
        ("col", ""),
        ("col", "stacked"),
        ("row", "grouped"),
        ("row", "heatmap"),
    ] {
        let mut url = format!("{base}&by=demographics.role&pct={pct}");
        if !kind.is_empty() {
            url.push_str(&format!("&kind={kind}"));
        }
        browser.client.goto(&url).await.unwrap();
        browser
            .wait_until(
                "return document.getElementById('chart-table').tFoot.rows.length === 1
                    && document.body.dataset.state === 'ready';",
                15,
            )
            .await;
        let result = check_canvas(&browser, "#chart", "#chart-table", true, pct == "row").await;
        assert_eq!(result["problems"], Value::Array(vec![]), "{url}");
        assert!(result["bars"].as_u64().unwrap() > 10, "{url}: {result}");
    }
    browser.client.clone().close().await.unwrap();
}

/// The layout of a canvas: how many whiskers (three lines each) it draws and how
/// many values it shows.
async fn whiskers_and_values(browser: &Browser, canvas_js: &str) -> (u64, u64, bool) {
    let v = browser
        .eval(&format!(
            "const layout = JSON.parse({canvas_js}.dataset.layout);
             // Whiskers are drawn in the text colour; the zero line and grid are not.
             const ink = layout.texts.find((t) => t.role === 'title' || t.role === 'label').colour;
             const whiskers = layout.lines.filter((l) => l.colour === ink).length;
             const shown = layout.bars.filter((b) => !b.value_label.startsWith('–')).length;
             return [whiskers, shown, layout.footnote.join(' ').includes('Whiskers show 95%')];"
        ))
        .await;
    (v[0].as_u64().unwrap(), v[1].as_u64().unwrap(), v[2].as_bool().unwrap())
}

#[tokio::test]
async fn the_intervals_toggle_governs_every_chart_and_the_link() {
    let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
    let browser = Browser::launch().await;
    open(&browser, &format!("{}#view=overview", serving.url())).await;
    let card = "document.querySelector(\".card[data-id='demographics.gender']\")";
    browser.eval(&format!("{card}.scrollIntoView(); return true;")).await;
    // Off by default: the card is the one the build drew, without intervals.
    browser
        .wait_until(&format!("return {card}.dataset.drawn === 'prerendered';"), 15)
        .await;
    assert!(!browser
        .eval("return document.getElementById('intervals').checked;")
        .await
        .as_bool()
        .unwrap());
    let canvas = format!("{card}.querySelector('canvas')");

    // On: every shown bar of the card gets a whisker, and the link remembers it.
    browser
        .client
        .find(Locator::Id("intervals"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .wait_until(
            &format!("return location.hash.includes('ci=1') && {card}.dataset.drawn === '1' && JSON.parse({canvas}.dataset.layout).lines.length > 1;"),
            15,
        )
        .await;
    let (whiskers, shown, note) = whiskers_and_values(&browser, &canvas).await;
    assert!(shown >= 3, "{shown}");
    assert_eq!((whiskers, note), (3 * shown, true));

    // The crosstab follows it too, and its whiskers span the intervals its table
    // prints (one decimal), on the chart's own scale.
    let url = format!(
        "{}#view=question&q=demographics.components&by=demographics.role&pct=col&kind=grouped&ci=1",
        serving.url()
    );
    browser.client.goto(&url).await.unwrap();
    browser
        .wait_until(
            "return document.body.dataset.state === 'ready'
                && document.getElementById('chart').getAttribute('aria-label').startsWith('Grouped')
                && document.getElementById('intervals').checked;",
            15,
        )
        .await;
    let (whiskers, shown, note) = whiskers_and_values(&browser, "document.getElementById('chart')").await;
    assert!(shown > 10 && note, "{shown}");
    assert_eq!(whiskers, 3 * shown);
    let mismatches = browser
        .eval(
            "const layout = JSON.parse(document.getElementById('chart').dataset.layout);
             const max = layout.ticks[layout.ticks.length - 1].value;
             const x = (v) => layout.plot_x0_px + v / max * (layout.plot_x1_px - layout.plot_x0_px);
             const rows = [...document.querySelectorAll('#chart-table tbody tr')].map((tr) => [...tr.cells].map((c) => c.textContent));
             const spans = layout.lines.filter((l, i) => l.y0_px === l.y1_px && l.colour === layout.lines[0].colour);
             const out = [];
             for (const bar of layout.bars.filter((b) => !b.value_label.startsWith('–'))) {
               const span = spans.find((s) => s.y0_px >= bar.y_px && s.y0_px <= bar.y_px + bar.h_px);
               const m = /\\((\\d+\\.\\d)–(\\d+\\.\\d)\\)/.exec(rows[bar.category][bar.series + 1]);
               if (!span || !m) { out.push([bar.label, bar.series, 'missing']); continue; }
               const [lo, hi] = [x(parseFloat(m[1])), x(parseFloat(m[2]))];
               if (Math.abs(span.x0_px - lo) > 1.5 || Math.abs(span.x1_px - hi) > 1.5) out.push([bar.label, bar.series, span, lo, hi]);
             }
             return out;",
        )
        .await;
    assert_eq!(mismatches, Value::Array(vec![]));

    // Off again: no whisker in the crosstab, none on the cards, and no `ci` in the link.
    browser
        .client
        .find(Locator::Id("intervals"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .wait_until(
            "return !location.hash.includes('ci=1')
                && JSON.parse(document.getElementById('chart').dataset.layout).lines.length === 1;",
            15,
        )
        .await;
    browser
        .client
        .find(Locator::Id("nav-overview"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser.eval(&format!("{card}.scrollIntoView(); return true;")).await;
    browser
        .wait_until(
            &format!("return {card}.dataset.drawn === '1' && JSON.parse({canvas}.dataset.layout).lines.length === 1;"),
            15,
        )
        .await;
    assert!(!browser
        .eval("return document.getElementById('intervals').checked;")
        .await
        .as_bool()
        .unwrap());
    browser.client.clone().close().await.unwrap();
}

/// The overview's cards share one width, measured once; when the window changes it,
/// every drawn card is painted again at the new width, pixel for pixel.
#[tokio::test]
async fn cards_are_repainted_at_the_new_width_when_the_window_changes() {
    let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
    let browser = Browser::launch().await;
    let window = |width: u32| json!({ "width": width, "height": 900, "deviceScaleFactor": 1, "mobile": false });
    browser.cdp("Emulation.setDeviceMetricsOverride", window(1200)).await;
    // Cards the page paints (with intervals); a prerendered card's SVG scales itself.
    open(&browser, &format!("{}#ci=1", serving.url())).await;
    // Every drawn card's bitmap is as wide as its canvas is on screen.
    let sharp = "const drawn = [...document.querySelectorAll('.card[data-drawn=\"1\"] canvas')];
                 return drawn.length >= 2 && drawn.every((c) => c.width === Math.round(c.getBoundingClientRect().width * devicePixelRatio))";
    browser.wait_until(&format!("{sharp};"), 15).await;
    let first = "document.querySelector('.card[data-drawn=\"1\"] canvas').width";
    let wide = browser.eval(&format!("return {first};")).await.as_u64().unwrap();
    browser.cdp("Emulation.setDeviceMetricsOverride", window(700)).await;
    browser.wait_until(&format!("{sharp} && {first} !== {wide};"), 15).await;
    browser.client.clone().close().await.unwrap();
}
