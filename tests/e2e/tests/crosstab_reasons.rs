//! A breakdown's withheld cells say why on the page, as a frequency table's do: each
//! dash carries its reason (the tooltip and accessible description), the one the CLI's
//! JSON gives the same cell, and the sentence beside the table says it for all.

use canvass_e2e::{server, Browser};
use serde_json::Value;

const ROW: &str = "demographics.lang";
const BY: &str = "demographics.use_freq";

/// The words the page gives each reason, written out here rather than taken from the
/// page's module, so that a reason shown wrongly fails.
fn words(reason: &str, k: u64) -> String {
    match reason {
        "small" => format!("Withheld: fewer than {k} respondents"),
        "protecting" => format!("Withheld: {k} or more respondents, so that a smaller count cannot be worked out"),
        "small_or_protecting" => "Withheld to protect small groups".to_string(),
        other => panic!("unknown reason {other:?}"),
    }
}

#[tokio::test]
async fn every_withheld_cell_of_a_breakdown_says_why() {
    let cli = canvass_e2e::cli_crosstab(ROW, BY, "");
    let k = cli["k"].as_u64().unwrap();
    let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
    let browser = Browser::launch().await;
    browser
        .client
        .goto(&format!("{}#view=question&q={ROW}&by={BY}&pct=counts", serving.url()))
        .await
        .unwrap();
    browser
        .wait_until(
            "return document.body.dataset.state === 'ready' && document.querySelectorAll('#chart-table tbody tr').length > 1;",
            30,
        )
        .await;
    let seen = browser
        .eval(
            "const t = document.getElementById('chart-table');
             return {
               heading: t.tHead.rows[0].cells[0].textContent,
               columns: [...t.tHead.rows[0].cells].slice(1, -1).map((th) => th.textContent),
               rows: [...t.tBodies[0].rows].map((tr) => tr.cells[0].textContent),
               cells: [...t.tBodies[0].rows].map((tr) => [...tr.cells].slice(1, -1).map((td) => ({ text: td.textContent, title: td.getAttribute('title') }))),
               note: document.getElementById('table-note').textContent,
             };",
        )
        .await;
    assert_eq!(seen["heading"], "Counts", "{seen}");
    // The page lists the answers in its chart's order, the JSON in the file's: cells
    // are matched by their row and column labels.
    let at = |list: &str, label: &Value| {
        seen[list]
            .as_array()
            .unwrap()
            .iter()
            .position(|l| l == label)
            .unwrap_or_else(|| panic!("{label} is not among the page's {list}: {seen}"))
    };
    let mut withheld = 0;
    for (r, row) in cli["cells"].as_array().unwrap().iter().enumerate() {
        let page_row = at("rows", &cli["row_labels"][r]);
        for (c, cell) in row.as_array().unwrap().iter().enumerate() {
            let on_page = &seen["cells"][page_row][at("columns", &cli["col_labels"][c])];
            match cell["withheld"].as_str() {
                Some(reason) => {
                    withheld += 1;
                    assert_eq!(on_page["text"], "–", "row {r}, column {c}: {seen}");
                    assert_eq!(
                        on_page["title"],
                        words(reason, k).as_str(),
                        "row {r}, column {c}: {seen}"
                    );
                }
                None => assert!(on_page["title"].is_null(), "row {r}, column {c} is shown: {seen}"),
            }
        }
    }
    assert!(withheld > 0, "the breakdown withholds nothing to explain: {seen}");
    assert!(
        seen["note"]
            .as_str()
            .unwrap()
            .contains("withheld to protect small groups"),
        "{seen}"
    );
    browser.client.clone().close().await.unwrap();
}
