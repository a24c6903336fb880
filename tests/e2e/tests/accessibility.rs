//! The page's accessibility checked as numbers, in light and dark schemes: the WCAG
//! contrast of every visible text against the background it is drawn on (4.5:1, or
//! 3:1 for large text), of every keyboard focus ring against what surrounds it (3:1),
//! and, with `prefers-reduced-motion: reduce`, that nothing moves.
//!
//! Colour schemes and motion preferences are emulated through the DevTools command
//! `Emulation.setEmulatedMedia`, sent through chromedriver's `goog/cdp/execute`.
//! Contrast is computed from `getComputedStyle` colours with WCAG 2's relative
//! luminance; a background is the first opaque one up the tree, with translucent ones
//! composited over it. Disabled controls are left out, as WCAG exempts them.

use canvass_e2e::{server, Browser};
use serde_json::{json, Value};

async fn emulate(browser: &Browser, features: Value) {
    browser
        .cdp("Emulation.setEmulatedMedia", json!({ "features": features }))
        .await;
}

/// Loads `url` afresh: a link that differs only in its hash would otherwise keep the
/// page, with whatever was left open on it.
async fn open(browser: &Browser, url: &str) {
    browser.client.goto("about:blank").await.unwrap();
    browser.client.goto(url).await.unwrap();
    browser
        .wait_until("return ['ready', 'error'].includes(document.body.dataset.state);", 30)
        .await;
    // Let redraws that follow the emulated scheme settle.
    browser
        .wait_until("return new Promise((r) => requestAnimationFrame(() => r(true)));", 5)
        .await;
}

/// WCAG colour arithmetic shared by the scripts below: parse a computed colour,
/// composite, relative luminance, contrast ratio, and the background an element is
/// drawn on.
const COLOUR_JS: &str = r#"
const parse = (c) => {
  const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)/.exec(c);
  if (!m) return null;
  return [+m[1], +m[2], +m[3], m[4] === undefined ? 1 : +m[4]];
};
const over = (top, bottom) => {
  const a = top[3];
  return [0, 1, 2].map((i) => top[i] * a + bottom[i] * (1 - a)).concat([1]);
};
const lum = (c) => {
  const lin = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  return 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2]);
};
const ratio = (a, b) => { const [x, y] = [lum(a) + 0.05, lum(b) + 0.05]; return Math.max(x, y) / Math.min(x, y); };
// The page's own canvas colour when nothing up the tree is opaque.
const rootBackground = () => {
  const dark = matchMedia('(prefers-color-scheme: dark)').matches;
  return dark ? [18, 18, 18, 1] : [255, 255, 255, 1];
};
const backgroundOf = (el) => {
  const layers = [];
  for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
    const bg = parse(getComputedStyle(node).backgroundColor);
    if (bg && bg[3] > 0) {
      layers.push(bg);
      if (bg[3] >= 1) break;
    }
  }
  let colour = layers.length && layers[layers.length - 1][3] >= 1 ? layers.pop() : rootBackground();
  while (layers.length) colour = over(layers.pop(), colour);
  return colour;
};
const opacityOf = (el) => {
  let o = 1;
  for (let node = el; node && node.nodeType === 1; node = node.parentElement) o *= +getComputedStyle(node).opacity;
  return o;
};
const visible = (el) => {
  const r = el.getBoundingClientRect();
  if (r.width <= 1 || r.height <= 1 || r.right < 0 || r.bottom < 0 || r.left > innerWidth + 2000) return false;
  const s = getComputedStyle(el);
  return s.visibility === 'visible' && s.display !== 'none';
};
const describe = (el) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : ''}`;
"#;

/// Every visible text below 4.5:1 (3:1 when large) against its background, and how
/// many texts were measured.
const TEXT_CONTRAST_JS: &str = r#"
const failures = [];
let measured = 0;
const check = (el, colourText, label) => {
  if (el.closest(':disabled, [aria-disabled="true"]')) return;
  const s = getComputedStyle(el);
  const bg = backgroundOf(el);
  let fg = parse(colourText);
  if (!fg) return;
  fg = over([fg[0], fg[1], fg[2], fg[3] * opacityOf(el)], bg);
  const size = parseFloat(s.fontSize);
  const bold = +s.fontWeight >= 700;
  const large = size >= 24 || (bold && size >= 18.66);
  const need = large ? 3 : 4.5;
  const r = ratio(fg, bg);
  measured++;
  if (r < need) failures.push(`${describe(el)} "${label.slice(0, 40)}": ${r.toFixed(2)} < ${need} (${colourText} on rgb(${bg.slice(0, 3).map(Math.round)}))`);
};
for (const el of document.body.querySelectorAll('*')) {
  if (!visible(el) || ['SCRIPT', 'STYLE', 'CANVAS', 'OPTION', 'OPTGROUP'].includes(el.tagName)) continue;
  const own = [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join('').trim();
  if (own) check(el, getComputedStyle(el).color, own);
  if (el.tagName === 'SELECT' && el.selectedOptions[0]) check(el, getComputedStyle(el).color, el.selectedOptions[0].text);
  if (el.tagName === 'INPUT' && el.placeholder && !el.value) {
    check(el, getComputedStyle(el, '::placeholder').color, `placeholder ${el.placeholder}`);
  }
  if (el.tagName === 'INPUT' && el.value && ['search', 'number', 'text'].includes(el.type)) check(el, getComputedStyle(el).color, el.value);
}
return { failures, measured };
"#;

/// The focused element's focus ring: its contrast against the background around the
/// element, or why it has none.
const FOCUS_RING_JS: &str = r#"
const el = document.activeElement;
if (!el || el === document.body) return null;
const s = getComputedStyle(el);
const name = describe(el);
if (s.outlineStyle === 'none' || parseFloat(s.outlineWidth) < 2) return { name, problem: `no visible focus outline (${s.outlineStyle} ${s.outlineWidth})` };
const ring = parse(s.outlineColor);
// The ring is drawn outside the element (outline-offset), over its parent's background.
const around = backgroundOf(el.parentElement || el);
const r = ratio(over(ring, around), around);
return { name, ratio: r, problem: r < 3 ? `focus ring ${s.outlineColor} on rgb(${around.slice(0, 3).map(Math.round)}): ${r.toFixed(2)} < 3` : null };
"#;

async fn text_contrast(browser: &Browser, what: &str) -> u64 {
    let result = browser.eval(&format!("{COLOUR_JS}\n{TEXT_CONTRAST_JS}")).await;
    assert_eq!(result["failures"], json!([]), "{what}");
    let measured = result["measured"].as_u64().unwrap();
    assert!(measured > 20, "{what}: only {measured} texts measured");
    measured
}

/// Tabs through the page from its top and checks the ring of every element that
/// takes focus; returns how many were checked.
async fn focus_rings(browser: &Browser, what: &str, tabs: usize) -> usize {
    browser
        .eval("document.activeElement?.blur(); window.scrollTo(0, 0); return true;")
        .await;
    let body = browser.client.find(fantoccini::Locator::Css("body")).await.unwrap();
    let mut checked = 0;
    let mut problems = Vec::new();
    for _ in 0..tabs {
        body.send_keys("\u{E004}").await.unwrap();
        let ring = browser.eval(&format!("{COLOUR_JS}\n{FOCUS_RING_JS}")).await;
        if ring.is_null() {
            continue;
        }
        checked += 1;
        if let Some(problem) = ring["problem"].as_str() {
            problems.push(format!("{}: {problem}", ring["name"]));
        }
    }
    assert!(problems.is_empty(), "{what}: {problems:#?}");
    checked
}

#[tokio::test]
async fn text_and_focus_rings_meet_wcag_aa_in_light_and_dark() {
    let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
    let browser = Browser::launch().await;
    for scheme in ["light", "dark"] {
        emulate(&browser, json!([{ "name": "prefers-color-scheme", "value": scheme }])).await;
        // The overview, with its first cards drawn and their tables open.
        open(&browser, &format!("{}#view=overview", serving.url())).await;
        assert_eq!(
            browser
                .eval("return matchMedia('(prefers-color-scheme: dark)').matches;")
                .await,
            scheme == "dark"
        );
        browser
            .wait_until(
                "return document.querySelectorAll(\".card[data-drawn='1'], .card[data-drawn='prerendered']\").length >= 4;",
                15,
            )
            .await;
        browser
            .eval("document.querySelectorAll('details').forEach((d) => (d.open = true)); return true;")
            .await;
        text_contrast(&browser, &format!("{scheme}: overview")).await;
        let rings = focus_rings(&browser, &format!("{scheme}: overview"), 12).await;
        assert!(rings >= 8, "{scheme}: {rings} focus rings");

        // A crosstab with marked cells, its test in words, the table's note, an
        // informational message (a link part not understood) and the filter editor.
        open(
            &browser,
            &format!(
                "{}#view=question&q=demographics.components&by=demographics.role&pct=col&kind=bogus",
                serving.url()
            ),
        )
        .await;
        browser
            .wait_until("return !document.getElementById('test-result').hidden;", 15)
            .await;
        browser
            .eval("document.getElementById('add-filter').click(); return true;")
            .await;
        browser
            .wait_until("return !document.getElementById('filter-editor').hidden;", 5)
            .await;
        assert!(browser
            .eval("return document.querySelector('#messages .info').textContent;")
            .await
            .as_str()
            .unwrap()
            .contains("not understood"));
        text_contrast(&browser, &format!("{scheme}: crosstab")).await;
        let rings = focus_rings(&browser, &format!("{scheme}: crosstab"), 30).await;
        assert!(rings >= 25, "{scheme}: {rings} focus rings");

        // An error in words: a link whose filter leaves fewer than k respondents.
        browser.client.goto("about:blank").await.unwrap();
        browser
            .client
            .goto(&format!(
                "{}#view=question&q=demographics.components&f=demographics.role%3DDevOps%20engineer",
                serving.url()
            ))
            .await
            .unwrap();
        browser
            .wait_until("return document.querySelector('#messages .error') !== null;", 15)
            .await;
        text_contrast(&browser, &format!("{scheme}: error message")).await;
    }
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn nothing_moves_when_reduced_motion_is_asked_for() {
    let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
    let browser = Browser::launch().await;
    // Without the preference the page does move (buttons ease their colour), so what
    // follows tests the preference, not an absence.
    open(&browser, &serving.url()).await;
    let moves = browser
        .eval("return getComputedStyle(document.querySelector('button')).transitionDuration;")
        .await;
    assert_ne!(moves, "0s", "{moves}");
    emulate(
        &browser,
        json!([{ "name": "prefers-reduced-motion", "value": "reduce" }]),
    )
    .await;
    for hash in [
        "#view=overview",
        "#view=question&q=demographics.components&by=demographics.role&pct=col",
    ] {
        open(&browser, &format!("{}{hash}", serving.url())).await;
        browser
            .eval("document.querySelectorAll('details').forEach((d) => (d.open = true)); return true;")
            .await;
        let moving = browser
            .eval(
                "const out = [];
                 if (!matchMedia('(prefers-reduced-motion: reduce)').matches) out.push('not emulated');
                 const root = getComputedStyle(document.documentElement);
                 if (root.scrollBehavior !== 'auto') out.push(`html scroll-behavior ${root.scrollBehavior}`);
                 const zero = (v) => v.split(',').every((d) => parseFloat(d) === 0 || d.trim() === 'auto');
                 for (const el of document.querySelectorAll('*')) {
                   for (const pseudo of [null, '::before', '::after']) {
                     const s = getComputedStyle(el, pseudo);
                     const what = `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${pseudo || ''}`;
                     if (!zero(s.transitionDuration)) out.push(`${what} transition ${s.transitionDuration}`);
                     if (s.animationName !== 'none' && !zero(s.animationDuration)) out.push(`${what} animation ${s.animationName} ${s.animationDuration}`);
                     if (s.scrollBehavior !== 'auto') out.push(`${what} scroll-behavior ${s.scrollBehavior}`);
                   }
                 }
                 // Whatever the style sheet says, nothing is animating right now.
                 for (const a of document.getAnimations()) out.push(`running: ${a.constructor.name} ${a.animationName || a.transitionProperty}`);
                 return out;",
            )
            .await;
        assert_eq!(moving, json!([]), "{hash}");
    }
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn axe_finds_no_violation_in_any_view_light_or_dark() {
    let axe = std::fs::read_to_string(xtask::ensure_axe_core().expect("axe-core is installed")).unwrap();
    let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
    let browser = Browser::launch().await;
    let mut problems = Vec::new();
    for scheme in ["light", "dark"] {
        emulate(&browser, json!([{ "name": "prefers-color-scheme", "value": scheme }])).await;
        let views = [
            ("overview", "#view=overview"),
            ("a question", "#view=question&q=demographics.use_freq"),
            (
                "a crosstab",
                "#view=question&q=demographics.use_freq&by=demographics.primary_use",
            ),
        ];
        for (what, hash) in views {
            open(&browser, &format!("{}{hash}", serving.url())).await;
            browser.settled(20).await;
            for v in browser.axe_violations(&axe).await {
                problems.push(format!("{scheme}, {what}: {v}"));
            }
        }
        browser
            .eval("document.getElementById('add-filter').click(); return true;")
            .await;
        browser
            .wait_until("return !document.getElementById('filter-editor').hidden;", 5)
            .await;
        for v in browser.axe_violations(&axe).await {
            problems.push(format!("{scheme}, the filter editor: {v}"));
        }

        // A visitor's own file: a grid, a free-text column and a question.
        let mut csv = String::from("Docs [Reference],Docs [Tutorials],Role,Comments\n");
        for i in 0..30 {
            let rating = if i < 15 { "Good" } else { "Poor" };
            let role = if i < 20 { "Student" } else { "Engineer" };
            csv.push_str(&format!("{rating},{rating},{role},comment number {i}\n"));
        }
        browser
            .client
            .execute(
                "const input = document.getElementById('file-input');
                 const files = new DataTransfer();
                 files.items.add(new File([arguments[0]], 'own.csv', { type: 'text/csv' }));
                 input.files = files.files;
                 input.dispatchEvent(new Event('change'));
                 return true;",
                vec![Value::String(csv)],
            )
            .await
            .unwrap();
        browser
            .wait_until(
                "return document.getElementById('dataset').textContent.startsWith('own.csv');",
                20,
            )
            .await;
        browser.settled(20).await;
        for v in browser.axe_violations(&axe).await {
            problems.push(format!("{scheme}, an opened file: {v}"));
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
    browser.client.clone().close().await.unwrap();
}
