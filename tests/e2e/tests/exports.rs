//! Real-world exports opened through the page's file input: a Qualtrics export (three
//! header rows, identifying columns) and a Google Forms one (comma-joined choices).
//! The files are `tests/data/export-*.csv`, laid out by `tests/data/make_exports.py`
//! so that each count can be read off its rule; the numbers here are those counts.

use canvass_e2e::{server, Browser};
use serde_json::Value;

/// `(title, [(answer, count)], bars drawn)` of every overview card, once all are drawn.
async fn cards(browser: &Browser) -> Vec<(String, Vec<(String, String)>, u64)> {
    browser
        .eval("document.querySelectorAll('.card').forEach(c => c.scrollIntoView()); return true;")
        .await;
    browser
        .wait_until(
            "return [...document.querySelectorAll('.card')].every(c => c.dataset.drawn === '1');",
            15,
        )
        .await;
    let v = browser
        .eval(
            "return [...document.querySelectorAll('.card')].map(card => [
                 card.querySelector('h3').textContent,
                 [...card.querySelectorAll('tbody tr')].map(tr => [tr.cells[0].textContent, tr.cells[1].textContent]),
                 JSON.parse(card.querySelector('canvas').dataset.layout).bars.length,
             ]);",
        )
        .await;
    v.as_array()
        .unwrap()
        .iter()
        .map(|card| {
            let rows = card[1]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| (r[0].as_str().unwrap().to_string(), r[1].as_str().unwrap().to_string()))
                .collect();
            (card[0].as_str().unwrap().to_string(), rows, card[2].as_u64().unwrap())
        })
        .collect()
}

fn rows(expect: &[(&str, &str)]) -> Vec<(String, String)> {
    expect.iter().map(|&(a, n)| (a.to_string(), n.to_string())).collect()
}

async fn open(browser: &Browser, name: &str) {
    browser.choose_file(&xtask::root().join("tests/data").join(name)).await;
    browser
        .wait_until(
            &format!("return document.getElementById('dataset').textContent.startsWith({name:?});"),
            20,
        )
        .await;
    assert_eq!(browser.settled_state(5).await, "ready");
}

#[tokio::test]
async fn qualtrics_and_google_forms_exports_are_charted_from_the_file_input() {
    let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
    let browser = Browser::launch().await;
    browser.open_sample(&serving).await;

    open(&browser, "export-qualtrics-60.csv").await;
    let header = browser
        .eval("return document.getElementById('dataset').textContent;")
        .await;
    assert_eq!(header, "export-qualtrics-60.csv · 60 respondents · 3 questions");
    let mut shown = cards(&browser).await;
    // Multi-select options come in the file's order of appearance; compare as sets.
    shown[1].1.sort();
    assert_eq!(
        shown,
        [
            (
                "How often do you use NumPy?".to_string(),
                rows(&[("Rarely", "15"), ("Weekly", "20"), ("Daily", "25")]),
                3
            ),
            (
                "Which languages do you use?".to_string(),
                rows(&[("Julia", "12"), ("Python", "50"), ("R", "20")]),
                3
            ),
            (
                "What is your role?".to_string(),
                rows(&[("Student", "30"), ("Researcher", "18"), ("Engineer", "12")]),
                3
            ),
        ]
    );
    let not_charted = browser
        .eval(
            "return [...document.querySelectorAll('#not-charted li')].map(li => li.textContent)
                 .filter((t) => t.endsWith(': identifying, not charted'));",
        )
        .await;
    let expected: Vec<String> = [
        "IP Address",
        "Response ID",
        "Recipient Last Name",
        "Recipient First Name",
        "Recipient Email",
        "External Data Reference",
        "Location Latitude",
        "Location Longitude",
    ]
    .iter()
    .map(|t| format!("{t}: identifying, not charted"))
    .collect();
    assert_eq!(not_charted, Value::from(expected));
    assert!(browser.messages().await.contains("identify respondents"));

    open(&browser, "export-google-forms-40.csv").await;
    let header = browser
        .eval("return document.getElementById('dataset').textContent;")
        .await;
    assert_eq!(header, "export-google-forms-40.csv · 40 respondents · 3 questions");
    let mut shown = cards(&browser).await;
    shown[0].1.sort();
    assert_eq!(
        shown,
        [
            (
                "Which languages do you use?".to_string(),
                rows(&[("Julia", "10"), ("Python", "36"), ("R", "14")]),
                3
            ),
            (
                "How many years have you used Python?".to_string(),
                rows(&[("Less than 1 year", "10"), ("1-2 years", "12"), ("3-5 years", "18")]),
                3
            ),
            (
                "What is your role?".to_string(),
                rows(&[("Student", "16"), ("Academic", "14"), ("Industry", "10")]),
                3
            ),
        ]
    );
    // Every column that is not charted is listed with why, named by its text.
    let not_charted = browser
        .eval("return [...document.querySelectorAll('#not-charted li')].map(li => li.textContent);")
        .await;
    assert_eq!(
        not_charted,
        serde_json::json!([
            "Timestamp: dates and times of answering, not charted",
            "Email Address: identifying, not charted",
            "Any other comments?: free text, listed rather than charted",
        ])
    );
    browser.client.clone().close().await.unwrap();
}

/// Headers and answers that are markup, script, prototype names, formulas and a
/// right-to-left override: 12 respondents, each column's answers set by row.
fn hostile_csv() -> String {
    let header = "\"<img src=x onerror=\"\"window.hit=1\"\">\",__proto__,constructor,=SUM(A1:A9),\"abc\u{202E}dcba\"";
    let mut text = format!("{header}\n");
    for i in 0..12 {
        let markup = if i < 10 {
            "<script>window.hit=2</script>"
        } else {
            "plain"
        };
        let proto = if i < 10 { "__proto__" } else { "constructor" };
        text += &format!("\"{markup}\",{proto},toString,=1+2,x{}\n", i % 2);
    }
    text
}

#[tokio::test]
async fn hostile_labels_are_shown_as_text() {
    let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
    let browser = Browser::launch().await;
    browser.open_sample(&serving).await;
    browser.log("browser").await;
    browser
        .eval(&format!(
            "window.alert = () => {{ window.hit = 'alert'; }};
             const dt = new DataTransfer();
             dt.items.add(new File([{}], 'hostile.csv', {{ type: 'text/csv' }}));
             window.dispatchEvent(new DragEvent('drop', {{ dataTransfer: dt, bubbles: true, cancelable: true }}));
             return true;",
            serde_json::to_string(&hostile_csv()).unwrap()
        ))
        .await;
    browser
        .wait_until(
            "return document.getElementById('dataset').textContent.startsWith('hostile.csv');",
            20,
        )
        .await;
    let shown = cards(&browser).await;
    let titles: Vec<&str> = shown.iter().map(|c| c.0.as_str()).collect();
    assert_eq!(
        titles,
        [
            "<img src=x onerror=\"window.hit=1\">",
            "__proto__",
            "constructor",
            "=SUM(A1:A9)",
            "abc\u{202E}dcba"
        ]
    );
    // Counted from hostile_csv: 10 and 2, the 2 withheld below k = 10 and with it the
    // 10, which the base of 12 would give away.
    assert_eq!(
        shown[0].1,
        rows(&[("<script>window.hit=2</script>", "–"), ("plain", "–")])
    );
    assert_eq!(shown[1].1, rows(&[("__proto__", "–"), ("constructor", "–")]));
    let injected = browser
        .eval("return [window.hit ?? null, document.querySelectorAll('main img, main script').length];")
        .await;
    assert_eq!(injected, serde_json::json!([null, 0]));
    // The right-to-left override is held inside its own text, not across the base.
    let caption = browser
        .eval(
            "const c = document.querySelector('.card:last-child table caption');
             return [c.firstChild.nodeName, c.firstChild.textContent];",
        )
        .await;
    assert_eq!(caption, serde_json::json!(["BDI", "abc\u{202E}dcba"]));

    // The prototype names work as question ids in a link, too.
    browser
        .eval("document.querySelector('.card[data-id=\"__proto__\"] h3 a').click(); return true;")
        .await;
    browser
        .wait_until("return document.getElementById('question').value === '__proto__';", 10)
        .await;
    let console = browser.log("browser").await;
    let problems: Vec<&Value> = console.iter().filter(|e| e["level"] == "SEVERE").collect();
    assert!(problems.is_empty(), "console errors: {problems:#?}");
    browser.client.clone().close().await.unwrap();
}
