//! Attacks on disclosure control through the page, on the NumPy release (k = 10): each
//! test plays a visitor who wants a count the page withholds and tries one route to
//! it — margins, complementary filters, switching bases, switching chart kinds and
//! percent modes, the downloads, and the DOM's attributes and hidden text — and
//! checks that the route fails.
//!
//! Which cells are truly small comes from `canvass … --k 0 --json` on the same files
//! (the raw counts an attacker is after); what the page shows comes from the page
//! alone. The raw counts never decide what the page should show; they only say which
//! targets are worth attacking and let each test check that the numbers the page does
//! show are true ones, so that the attacker's arithmetic starts from real data.
//!
//! What these attackers do not try: linear programming over several tables at once,
//! and linking different questions' tables (see ARCHITECTURE.md, "what it does not
//! cover"). The crosstab attacker is complete for one table with its margins: it
//! either pins a cell or exhibits a second table, consistent with everything shown,
//! in which the cell differs.

use canvass_e2e::{parse_csv, server, Browser};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::process::Command;

const RELEASE: &str = "www/data/numpy-2020";
/// The release manifest's disclosure threshold.
const K: i64 = 10;
const ROLE: &str = "demographics.role";
const GENDER: &str = "demographics.gender";
const USE_FREQ: &str = "demographics.use_freq";

fn small(n: i64) -> bool {
    (1..K).contains(&n)
}

// ---- The raw counts, from the CLI at k = 0 -----------------------------------------

/// `canvass <args> --codebook … --k 0 --json` on the release, through cargo so the CLI
/// is the one built from this tree.
fn cli_raw(args: &[&str]) -> Value {
    let root = xtask::root();
    let release = root.join(RELEASE);
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(&root)
        .args(["run", "-q", "-p", "canvass-cli", "--"])
        .arg(args[0])
        .arg(release.join("responses.tsv"))
        .args(&args[1..])
        .arg("--codebook")
        .arg(release.join("codebook.json"))
        .args(["--k", "0", "--json"])
        .output()
        .expect("cargo runs the canvass CLI");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("the CLI prints JSON")
}

fn int(v: &Value) -> i64 {
    v.as_f64().unwrap_or_else(|| panic!("a number, not {v}")).round() as i64
}

/// The raw frequencies of `question` over `filters` with `base`, as named quantities:
/// `o:<option>`, `n` (the base), `resp` (respondents in the view) and `m:<reason>`.
fn raw_freq(question: &str, base: &str, filters: &[&str]) -> BTreeMap<String, i64> {
    let mut args = vec!["freq", question, "--base", base];
    for f in filters {
        args.extend(["--filter", f]);
    }
    let json = cli_raw(&args);
    let mut q = BTreeMap::new();
    for row in json["rows"].as_array().unwrap() {
        q.insert(format!("o:{}", row["option"].as_str().unwrap()), int(&row["count"]));
    }
    q.insert("n".into(), int(&json["base"]["n"]));
    q.insert("resp".into(), int(&json["respondents"]));
    for reason in ["not_asked", "no_answer", "declined"] {
        let count = json["missing"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["reason"] == reason)
            .map_or(0, |m| int(&m["count"]));
        q.insert(format!("m:{}", reason.replace('_', " ")), count);
    }
    q
}

/// A crosstab's counts with its margins as one grid: rows then the total row, columns
/// then the total column.
struct Grid {
    row_labels: Vec<String>,
    col_labels: Vec<String>,
    cells: Vec<Vec<i64>>,
}

fn raw_crosstab(row: &str, col: &str) -> Grid {
    let json = cli_raw(&["crosstab", row, col]);
    let labels = |key: &str| -> Vec<String> {
        json[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap().to_string())
            .collect()
    };
    let mut cells: Vec<Vec<i64>> = json["counts"]
        .as_array()
        .unwrap()
        .iter()
        .zip(json["row_totals"].as_array().unwrap())
        .map(|(r, total)| r.as_array().unwrap().iter().chain([total]).map(int).collect())
        .collect();
    let mut total_row: Vec<i64> = json["col_totals"].as_array().unwrap().iter().map(int).collect();
    total_row.push(int(&json["total"]));
    cells.push(total_row);
    Grid {
        row_labels: labels("row_labels"),
        col_labels: labels("col_labels"),
        cells,
    }
}

impl Grid {
    /// The grid with its rows in the order of `labels` (the page lists a nominal
    /// question's answers as its chart draws them, the CLI's JSON in the file's
    /// order); the total row stays last.
    fn in_row_order(mut self, labels: &[&str]) -> Grid {
        assert_eq!(labels.len(), self.row_labels.len(), "{labels:?} {:?}", self.row_labels);
        let total = self.cells.pop().unwrap();
        let at = |label: &str| {
            self.row_labels
                .iter()
                .position(|l| l == label)
                .unwrap_or_else(|| panic!("{label:?} is not a row of {:?}", self.row_labels))
        };
        let order: Vec<usize> = labels.iter().map(|l| at(l)).collect();
        let mut cells: Vec<Vec<i64>> = order.iter().map(|&i| self.cells[i].clone()).collect();
        cells.push(total);
        Grid {
            row_labels: labels.iter().map(|l| l.to_string()).collect(),
            col_labels: self.col_labels,
            cells,
        }
    }
}

/// The labels of a page table's rows, its total row left out.
fn body_labels(table: &PageTable) -> Vec<&str> {
    table.body.iter().map(|r| r[0].as_str()).collect()
}

// ---- The page ------------------------------------------------------------------------

async fn open_release(browser: &Browser, url: &str) {
    browser.client.goto(url).await.unwrap();
    assert_eq!(browser.settled_state(60).await, "ready", "{}", browser.messages().await);
}

/// Shows the view of `hash` as a visitor's link or control would, and returns the
/// page's refusal in words if it would not show it.
async fn show(browser: &Browser, hash: &str) -> Result<(), String> {
    let script = format!(
        "window.attackRendered = false;
         document.addEventListener('canvass:rendered', () => {{ window.attackRendered = true; }}, {{ once: true }});
         if (location.hash === {hash:?}) {{ window.attackRendered = true; }} else {{ location.hash = {hash:?}; }}
         return true;"
    );
    browser.eval(&script).await;
    browser.wait_until("return window.attackRendered === true;", 60).await;
    let errors = browser
        .eval("return [...document.querySelectorAll('#messages .error')].map((e) => e.textContent).join(' ');")
        .await;
    match errors.as_str().unwrap_or("") {
        "" => Ok(()),
        refusal => Err(refusal.to_string()),
    }
}

fn view_hash(question: &str, by: Option<&str>, filters: &[&str], extra: &[(&str, &str)]) -> String {
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'_' | b'-' => (b as char).to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    let mut parts = vec!["view=question".to_string(), format!("q={}", enc(question))];
    if let Some(by) = by {
        parts.push(format!("by={}", enc(by)));
    }
    parts.extend(filters.iter().map(|f| format!("f={}", enc(f))));
    parts.extend(extra.iter().map(|(k, v)| format!("{k}={}", enc(v))));
    format!("#{}", parts.join("&"))
}

/// The texts of a table's header, body and total rows.
struct PageTable {
    head: Vec<String>,
    body: Vec<Vec<String>>,
    foot: Option<Vec<String>>,
    caption: String,
}

async fn read_table(browser: &Browser, css: &str) -> PageTable {
    let t = browser
        .eval(&format!(
            "const t = document.querySelector({css:?});
             const cells = (tr) => [...tr.cells].map((c) => c.textContent);
             return {{
               head: [...t.tHead.rows].map(cells)[0],
               body: [...t.tBodies[0].rows].map(cells),
               foot: t.tFoot ? ([...t.tFoot.rows].map(cells)[0] || null) : null,
               caption: t.caption ? t.caption.textContent : '',
             }};"
        ))
        .await;
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect()
    };
    PageTable {
        head: strings(&t["head"]),
        body: t["body"].as_array().unwrap().iter().map(strings).collect(),
        foot: (!t["foot"].is_null()).then(|| strings(&t["foot"])),
        caption: t["caption"].as_str().unwrap().to_string(),
    }
}

/// A number as the page prints it: "1,234", "12.5%", a significance mark after it;
/// `None` for "–" (withheld, or zero).
fn page_number(text: &str) -> Option<f64> {
    let text = text.trim_end_matches(" * (differs significantly)");
    if text == "–" {
        return None;
    }
    let text = text.trim_end_matches('%').replace(',', "");
    Some(
        text.parse()
            .unwrap_or_else(|_| panic!("not a number the page prints: {text:?}")),
    )
}

/// What a frequency table on the page shows, as the same named quantities as
/// [`raw_freq`]: each shown option count, the base `n`, the view's `resp` and each
/// missing reason the caption names ("n = 83 of 1,236; 1,148 not asked").
fn shown_freq(table: &PageTable) -> BTreeMap<String, i64> {
    assert_eq!(table.head[..2], ["Answer", "Count"], "a frequency table");
    let mut shown = BTreeMap::new();
    for row in &table.body {
        if let Some(count) = page_number(&row[1]) {
            // A base of those asked or of everyone lists those without an answer as
            // rows after the answers: "(no answer)", "(prefer not to answer)"…
            let name = match row[0].strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
                Some("prefer not to answer") => "m:declined".to_string(),
                Some(reason @ ("not asked" | "no answer")) => format!("m:{reason}"),
                _ => format!("o:{}", row[0]),
            };
            shown.insert(name, count as i64);
        }
    }
    let (_, base) = table.caption.rsplit_once(" · ").expect("the caption states the base");
    let mut parts = base.split("; ");
    let (n, resp) = parts
        .next()
        .unwrap()
        .strip_prefix("n = ")
        .and_then(|s| s.split_once(" of "))
        .unwrap_or_else(|| panic!("a base in {base:?}"));
    let num = |s: &str| -> i64 {
        s.replace(',', "")
            .parse()
            .unwrap_or_else(|_| panic!("{s:?} in {base:?}"))
    };
    shown.insert("n".into(), num(n));
    shown.insert("resp".into(), num(resp));
    for part in parts {
        let (count, reason) = part.split_once(' ').unwrap();
        let reason = if reason == "declined" {
            "declined".to_string()
        } else {
            reason.to_string()
        };
        shown.insert(format!("m:{reason}"), num(count));
    }
    shown
}

/// A crosstab table on the page as a grid like [`Grid`]: `None` where it shows "–".
fn shown_grid(table: &PageTable) -> Vec<Vec<Option<f64>>> {
    let mut grid: Vec<Vec<Option<f64>>> = table
        .body
        .iter()
        .map(|row| row[1..].iter().map(|c| page_number(c)).collect())
        .collect();
    let foot = table.foot.as_ref().expect("a crosstab has a total row");
    grid.push(foot[1..].iter().map(|c| page_number(c)).collect());
    grid
}

// ---- Attackers -----------------------------------------------------------------------

/// An attacker who knows what the page showed and that some quantities add up to
/// others, and solves every sum with one unknown left until nothing more follows.
/// Returns every quantity it learned that was not shown.
fn solve_sums(known: &BTreeMap<String, i64>, sums: &[(String, Vec<String>)]) -> BTreeMap<String, i64> {
    let mut values = known.clone();
    loop {
        let mut learned = false;
        for (whole, parts) in sums {
            let unknown: Vec<&String> = std::iter::once(whole)
                .chain(parts)
                .filter(|q| !values.contains_key(*q))
                .collect();
            if unknown.len() != 1 {
                continue;
            }
            let target = unknown[0].clone();
            let parts_known: i64 = parts.iter().filter_map(|p| values.get(p)).sum();
            let value = if &target == whole {
                parts_known
            } else {
                values[whole] - parts_known
            };
            values.insert(target, value);
            learned = true;
        }
        if !learned {
            break;
        }
    }
    values.into_iter().filter(|(q, _)| !known.contains_key(q)).collect()
}

/// Whether the value at `target` of a table with margins (the last row and column)
/// can differ from `truth` in a table that agrees with every shown number: an
/// alternating cycle through `target` of withheld positions, along which adding and
/// taking one keeps every row and column adding up and no count negative. Without
/// one, the cell is pinned by its row and column.
fn cell_can_move(truth: &[Vec<i64>], withheld: &[Vec<bool>], target: (usize, usize)) -> bool {
    let last_r = truth.len() - 1;
    let last_c = truth[0].len() - 1;
    // With each margin negated, every row and column of the grid sums to zero, so any
    // cycle that alternates +d and -d keeps them so; a margin's count moves opposite.
    let sign = |r: usize, c: usize| if (r == last_r) == (c == last_c) { 1 } else { -1 };
    let can_take = |r: usize, c: usize, d: i64| truth[r][c] + sign(r, c) * d >= 0;
    let (tr, tc) = target;
    for d in [1i64, -1] {
        if !can_take(tr, tc, d) {
            continue;
        }
        // Breadth-first from column `tc` to row `tr` over withheld positions; leaving a
        // column takes -d, leaving a row adds +d.
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
        enum Node {
            Row(usize),
            Col(usize),
        }
        let mut seen = BTreeSet::from([Node::Col(tc)]);
        let mut queue = VecDeque::from([Node::Col(tc)]);
        while let Some(node) = queue.pop_front() {
            if node == Node::Row(tr) {
                return true;
            }
            let next: Vec<Node> = match node {
                Node::Col(c) => (0..=last_r)
                    .filter(|&r| (r, c) != target && withheld[r][c] && can_take(r, c, -d))
                    .map(Node::Row)
                    .collect(),
                Node::Row(r) => (0..=last_c)
                    .filter(|&c| (r, c) != target && withheld[r][c] && can_take(r, c, d))
                    .map(Node::Col)
                    .collect(),
            };
            for n in next {
                if seen.insert(n) {
                    queue.push_back(n);
                }
            }
        }
    }
    false
}

/// Every quantity the attacker learned that is a count below k.
fn small_learned(learned: &BTreeMap<String, i64>, raw: &BTreeMap<String, i64>) -> Vec<String> {
    learned
        .iter()
        .filter(|(q, _)| raw.get(*q).is_some_and(|&n| small(n)))
        .map(|(q, v)| format!("{q} = {v}"))
        .collect()
}

/// Every number the page showed is the true one, so the attacks start from real data.
fn assert_true_numbers(shown: &BTreeMap<String, i64>, raw: &BTreeMap<String, i64>, what: &str) {
    for (q, v) in shown {
        assert_eq!(Some(v), raw.get(q), "{what}: the page shows {q} = {v}");
    }
}

/// The sums inside one frequency table of a single-select question, its quantities
/// prefixed with `p`: the options add up to the answered base, and the answered base
/// and the missing reasons to the view.
fn freq_sums(p: &str, raw: &BTreeMap<String, i64>) -> Vec<(String, Vec<String>)> {
    let options: Vec<String> = raw
        .keys()
        .filter(|q| q.starts_with("o:"))
        .map(|q| format!("{p}{q}"))
        .collect();
    let mut to_view = vec![format!("{p}n")];
    to_view.extend(raw.keys().filter(|q| q.starts_with("m:")).map(|q| format!("{p}{q}")));
    vec![(format!("{p}n"), options), (format!("{p}resp"), to_view)]
}

fn prefixed(p: &str, map: &BTreeMap<String, i64>) -> BTreeMap<String, i64> {
    map.iter().map(|(q, v)| (format!("{p}{q}"), *v)).collect()
}

async fn launch() -> (server::Serving, Browser) {
    let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
    let browser = Browser::launch_with_window(1100, 1400).await;
    open_release(&browser, &format!("{}#view=question", serving.url())).await;
    (serving, browser)
}

#[tokio::test]
async fn margins_attack_recovers_no_crosstab_cell_and_no_card_option() {
    let (_serving, browser) = launch().await;

    // The crosstab: every small cell, margins included, must be withheld and must be
    // able to take another value in a table that agrees with everything shown.
    show(&browser, &view_hash(ROLE, Some(GENDER), &[], &[("pct", "counts")]))
        .await
        .unwrap();
    let table = read_table(&browser, "#chart-table").await;
    let raw = raw_crosstab(ROLE, GENDER).in_row_order(&body_labels(&table));
    assert_eq!(table.head[1..=raw.col_labels.len()], raw.col_labels[..]);
    let labels: Vec<&String> = table.body.iter().map(|r| &r[0]).collect();
    assert_eq!(labels, raw.row_labels.iter().collect::<Vec<_>>());
    let shown = shown_grid(&table);
    let withheld: Vec<Vec<bool>> = shown.iter().map(|r| r.iter().map(Option::is_none).collect()).collect();
    let mut targets = Vec::new();
    for (r, row) in shown.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            let truth = raw.cells[r][c];
            if let Some(v) = value {
                assert_eq!(*v as i64, truth, "the page shows a false count at row {r}, column {c}");
            }
            if small(truth) {
                assert!(withheld[r][c], "a count of {truth} is shown at row {r}, column {c}");
                assert!(
                    cell_can_move(&raw.cells, &withheld, (r, c)),
                    "row {r}, column {c} (a count of {truth}) is pinned by its row and column"
                );
                targets.push(truth);
            }
        }
    }
    // Role by gender has small cells in many rows, and a small column total.
    assert!(targets.len() >= 15, "only {} small cells to attack", targets.len());

    // The question alone, in the question view and on its overview card: the options
    // add up to the base the caption states.
    let raw_role = raw_freq(ROLE, "answered", &[]);
    let smallest = raw_role
        .iter()
        .filter(|(q, &n)| q.starts_with("o:") && small(n))
        .count();
    assert!(smallest >= 1, "the release has a role chosen by fewer than {K}");
    show(&browser, &view_hash(ROLE, None, &[], &[])).await.unwrap();
    let in_view = shown_freq(&read_table(&browser, "#chart-table").await);
    show(&browser, "#").await.unwrap();
    let card = format!(".card[data-id={ROLE:?}]");
    browser
        .eval(&format!(
            "document.querySelector({card:?}).scrollIntoView(); return true;"
        ))
        .await;
    browser
        .wait_until(
            &format!("return ['1', 'prerendered'].includes(document.querySelector({card:?}).dataset.drawn);"),
            30,
        )
        .await;
    let on_card = shown_freq(&read_table(&browser, &format!("{card} table")).await);
    for (what, shown) in [("question view", &in_view), ("overview card", &on_card)] {
        assert_true_numbers(shown, &raw_role, what);
        let learned = solve_sums(shown, &freq_sums("", &raw_role));
        assert_eq!(small_learned(&learned, &raw_role), Vec::<String>::new(), "{what}");
    }
}

/// The filters of one differencing attack: a view `a`, and `b` and its complement
/// within the question's answers, so that `a` = `a`∧`b` + `a`∧¬`b` respondent by
/// respondent.
struct Split {
    a: &'static [&'static str],
    b: &'static str,
    not_b: &'static str,
}

#[tokio::test]
async fn complementary_filters_difference_out_no_small_count() {
    let (_serving, browser) = launch().await;
    let gender = "demographics.gender=Male";
    let not_gender = "demographics.gender=Female|Other|[no answer]|[declined]";
    let splits = [
        Split {
            a: &[],
            b: gender,
            not_b: not_gender,
        },
        Split {
            a: &["demographics.country=United States"],
            b: gender,
            not_b: not_gender,
        },
    ];
    let mut targets = 0;
    for split in &splits {
        let views: [(&str, Vec<&str>); 3] = [
            ("a.", split.a.to_vec()),
            ("ab.", [split.a, &[split.b]].concat()),
            ("anb.", [split.a, &[split.not_b]].concat()),
        ];
        let mut known = BTreeMap::new();
        let mut raw = BTreeMap::new();
        let mut sums = Vec::new();
        let mut refused = Vec::new();
        for (p, filters) in &views {
            let raw_view = raw_freq(ROLE, "answered", filters);
            sums.extend(freq_sums(p, &raw_view));
            match show(&browser, &view_hash(ROLE, None, filters, &[])).await {
                Ok(()) => {
                    let shown = shown_freq(&read_table(&browser, "#chart-table").await);
                    assert_true_numbers(&shown, &raw_view, &format!("{filters:?}"));
                    known.extend(prefixed(p, &shown));
                }
                Err(refusal) => refused.push(format!("{filters:?}: {refusal}")),
            }
            raw.extend(prefixed(p, &raw_view));
        }
        // The complement's counts are the differences the attacker is after.
        for q in raw.keys().filter(|q| q.starts_with("a.")) {
            let q = &q[2..];
            sums.push((format!("a.{q}"), vec![format!("ab.{q}"), format!("anb.{q}")]));
            if small(raw[&format!("anb.{q}")]) {
                targets += 1;
            }
        }
        eprintln!("filters {:?} split by {:?}: refused {refused:?}", split.a, split.b);
        // The attack has material: the wider view and the narrower one are both shown.
        for p in ["a.", "ab."] {
            assert!(known.keys().any(|q| q.starts_with(p)), "no {p} view shown: {refused:?}");
        }
        let learned = solve_sums(&known, &sums);
        assert_eq!(
            small_learned(&learned, &raw),
            Vec::<String>::new(),
            "filters {:?} with and without {:?} (refused: {refused:?})",
            split.a,
            split.b
        );
    }
    assert!(targets >= 5, "only {targets} small differences to attack");
}

#[tokio::test]
async fn switching_base_differences_out_no_small_count() {
    let (_serving, browser) = launch().await;
    // Asked only of NumPy contributors: some of them skipped it, and one answer is rare.
    let question = "numpy.continue";
    let mut raw = BTreeMap::new();
    let mut known = BTreeMap::new();
    for base in ["answered", "asked", "all"] {
        let raw_view = raw_freq(question, base, &[]);
        let rename = |map: &BTreeMap<String, i64>| -> BTreeMap<String, i64> {
            map.iter()
                .map(|(q, v)| (if q == "n" { format!("n {base}") } else { q.clone() }, *v))
                .collect()
        };
        match show(&browser, &view_hash(question, None, &[], &[("base", base)])).await {
            Ok(()) => {
                let shown = shown_freq(&read_table(&browser, "#chart-table").await);
                assert_true_numbers(&shown, &raw_view, base);
                known.extend(rename(&shown));
            }
            Err(refusal) => eprintln!("base {base} refused: {refusal}"),
        }
        raw.extend(rename(&raw_view));
    }
    // Those asked who gave no answer, as one group: what differencing two bases yields.
    // It is a sum of two cells, not a cell, and so (as in the core's audit) a way to a
    // cell rather than a target of its own; a single table's caption gives it too.
    let skipped = raw["m:no answer"] + raw["m:declined"];
    let options: Vec<String> = raw.keys().filter(|q| q.starts_with("o:")).cloned().collect();
    let s = |q: &str| q.to_string();
    let sums = vec![
        (s("n answered"), options.clone()),
        (s("n asked"), vec![s("n answered"), s("skipped")]),
        (s("skipped"), vec![s("m:no answer"), s("m:declined")]),
        (s("resp"), vec![s("n asked"), s("m:not asked")]),
        (s("n all"), vec![s("resp")]),
    ];
    assert!(small(skipped) && options.iter().any(|o| small(raw[o])), "{raw:?}");
    assert!(
        known.contains_key("n answered") && known.contains_key("n asked"),
        "{known:?}"
    );
    let learned = solve_sums(&known, &sums);
    assert_eq!(small_learned(&learned, &raw), Vec::<String>::new(), "shown: {known:?}");
}

/// The page's crosstab of role by gender in `pct` mode drawn as `kind`, with
/// intervals on: its table as texts and its chart's layout (as the canvas keeps it).
async fn crosstab_view(browser: &Browser, kind: &str, pct: &str) -> (PageTable, Value) {
    crosstab_view_of(browser, ROLE, GENDER, kind, pct).await
}

async fn crosstab_view_of(browser: &Browser, row: &str, col: &str, kind: &str, pct: &str) -> (PageTable, Value) {
    show(
        browser,
        &view_hash(row, Some(col), &[], &[("pct", pct), ("ci", "1"), ("kind", kind)]),
    )
    .await
    .unwrap_or_else(|e| panic!("{kind} {pct}: {e}"));
    let table = read_table(browser, "#chart-table").await;
    let layout = browser
        .eval("return JSON.parse(document.getElementById('chart').dataset.layout);")
        .await;
    (table, layout)
}

/// The table's cells as texts, rows then the total row, each with its margin last.
fn cell_texts(table: &PageTable) -> Vec<Vec<String>> {
    let mut rows: Vec<Vec<String>> = table.body.iter().map(|r| r[1..].to_vec()).collect();
    rows.push(table.foot.as_ref().unwrap()[1..].to_vec());
    rows
}

/// Each bar of a crosstab chart with the table cell it stands for: the chart's input
/// has the table's rows as categories unless it was drawn the other way round (row
/// percents chart the columns' question by the rows').
fn bars_by_cell(layout: &Value, row_text: &str) -> Vec<((usize, usize), Value)> {
    let transposed = layout["title"] != row_text;
    layout["bars"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            let (cat, ser) = (
                b["category"].as_u64().unwrap() as usize,
                b["series"].as_u64().unwrap() as usize,
            );
            (if transposed { (ser, cat) } else { (cat, ser) }, b.clone())
        })
        .collect()
}

#[tokio::test]
async fn switching_chart_kind_and_percent_mode_withholds_the_same_cells() {
    let (_serving, browser) = launch().await;
    let (counts, _) = crosstab_view(&browser, "grouped", "counts").await;
    let raw = raw_crosstab(ROLE, GENDER).in_row_order(&body_labels(&counts));
    let withheld: Vec<Vec<bool>> = cell_texts(&counts)
        .iter()
        .map(|r| r.iter().map(|t| t == "–").collect())
        .collect();
    let row_text = browser
        .eval(&format!(
            "return document.querySelector('#question option[value={ROLE:?}]').textContent;"
        ))
        .await;
    let mut margins_named = 0;
    for kind in ["grouped", "stacked", "heatmap"] {
        for pct in ["counts", "row", "col", "total"] {
            let (table, layout) = crosstab_view(&browser, kind, pct).await;
            let texts = cell_texts(&table);
            let last_r = texts.len() - 1;
            let last_c = texts[0].len() - 1;
            // Which number a percent is of: its row's or column's total, or the grand
            // total for the margin that is not its own base.
            let base_of = |mode: &str, r: usize, c: usize| match mode {
                "row" if r < last_r => (r, last_c),
                "col" if c < last_c => (last_r, c),
                _ => (last_r, last_c),
            };
            for (r, row) in texts.iter().enumerate() {
                for (c, text) in row.iter().enumerate() {
                    let shown = text != "–";
                    if pct == "counts" {
                        assert_eq!(
                            shown, !withheld[r][c],
                            "{kind}: row {r}, column {c} differs from grouped"
                        );
                        continue;
                    }
                    // A percent and its base give the count back, and a percent and its
                    // count give the base: both must be shown as counts.
                    let base = base_of(pct, r, c);
                    if shown && base == (r, c) {
                        assert!(text.starts_with("100.0%"), "{kind} {pct}: {text:?} is of itself");
                    } else if shown {
                        assert!(
                            !withheld[r][c] && !withheld[base.0][base.1],
                            "{kind} {pct}: {text:?} at row {r}, column {c} is a percent of or beside a withheld count"
                        );
                    }
                }
            }
            // The chart: a bar with a value or a length shows a percent (in counts
            // mode, of its column), held to the same rule; a withheld cell's bar has
            // no length, and a heatmap paints every withheld cell alike.
            let chart_mode = if pct == "counts" { "col" } else { pct };
            let mut withheld_fills = BTreeSet::new();
            for ((r, c), bar) in bars_by_cell(&layout, row_text.as_str().unwrap()) {
                let sized = bar["w_px"] != 0 && bar["h_px"] != 0;
                if bar["value_label"] != "–" {
                    let base = base_of(chart_mode, r, c);
                    assert!(
                        !withheld[r][c] && !withheld[base.0][base.1],
                        "{kind} {pct}: the bar of row {r}, column {c} shows a withheld count's percent: {bar}"
                    );
                } else if kind == "heatmap" {
                    withheld_fills.insert(bar["fill"].to_string());
                } else {
                    assert!(
                        !sized,
                        "{kind} {pct}: the bar of row {r}, column {c} has no value but a size: {bar}"
                    );
                }
            }
            assert!(
                withheld_fills.len() <= 1,
                "{kind} {pct}: withheld cells in {withheld_fills:?}"
            );
            // Labels such as "Male (n=899)" name a margin; only shown ones, truly.
            for text in layout["texts"].as_array().unwrap() {
                let text = text["text"].as_str().unwrap();
                let Some((label, n)) = text.strip_suffix(')').and_then(|t| t.rsplit_once(" (n=")) else {
                    continue;
                };
                let n: i64 = n.replace(',', "").parse().unwrap();
                let r = raw.row_labels.iter().position(|l| l == label);
                let c = raw.col_labels.iter().position(|l| l == label);
                let (truth, hidden) = match (r, c) {
                    (Some(r), _) => (raw.cells[r][last_c], withheld[r][last_c]),
                    (_, Some(c)) => (raw.cells[last_r][c], withheld[last_r][c]),
                    _ => panic!("{kind} {pct}: {text:?} names no row or column"),
                };
                assert!(
                    !hidden && n == truth,
                    "{kind} {pct}: {text:?} names a withheld or false total"
                );
                margins_named += 1;
            }
        }
    }
    assert!(margins_named > 0, "no chart named a group's size");
}

/// Wraps `URL.createObjectURL` so that every download is kept in `window.downloads`
/// as its blob.
async fn capture_downloads(browser: &Browser) {
    browser
        .eval(
            "window.downloads = [];
             const original = URL.createObjectURL;
             URL.createObjectURL = (blob) => { window.downloads.push(blob); return original.call(URL, blob); };
             return true;",
        )
        .await;
}

async fn download_text(browser: &Browser, button: &str, count: usize) -> String {
    browser
        .eval(&format!("document.getElementById({button:?}).click(); return true;"))
        .await;
    browser
        .wait_until(&format!("return window.downloads.length >= {count};"), 20)
        .await;
    browser
        .client
        .execute_async(
            &format!(
                "const done = arguments[0]; window.downloads[{}].text().then(done);",
                count - 1
            ),
            vec![],
        )
        .await
        .unwrap()
        .as_str()
        .unwrap()
        .to_string()
}

/// The texts of an SVG document's `<text>` elements, unescaped.
fn svg_texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .map(|rest| {
            let inner = &rest[rest.find('>').unwrap() + 1..rest.find("</text>").unwrap()];
            inner
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&apos;", "'")
                .replace("&amp;", "&")
        })
        .collect()
}

#[tokio::test]
async fn exports_reveal_nothing_the_table_withholds() {
    let (_serving, browser) = launch().await;
    // Role by frequency of use: withheld cells, and enough shown ones (with their
    // column totals) to hold every bar to one scale.
    let (table, layout) = crosstab_view_of(&browser, ROLE, USE_FREQ, "grouped", "counts").await;
    let raw = raw_crosstab(ROLE, USE_FREQ).in_row_order(&body_labels(&table));
    let texts = cell_texts(&table);
    capture_downloads(&browser).await;

    // The CSV: each row of the table, by its label, with the same cells, a withheld
    // one empty.
    let csv = parse_csv(&download_text(&browser, "export-csv", 1).await);
    let labels: Vec<&str> = raw.row_labels.iter().map(String::as_str).chain(["Total"]).collect();
    for (r, label) in labels.iter().enumerate() {
        let record = csv
            .iter()
            .find(|rec| rec.first().map(String::as_str) == Some(*label))
            .unwrap_or_else(|| panic!("no CSV row {label:?} in {csv:?}"));
        assert_eq!(record.len() - 1, texts[r].len(), "{record:?}");
        for (c, (field, text)) in record[1..].iter().zip(&texts[r]).enumerate() {
            match page_number(text) {
                None => assert_eq!(
                    field, "",
                    "the CSV fills row {r}, column {c}, which the table withholds"
                ),
                Some(v) => assert_eq!(field.parse::<f64>().ok(), Some(v), "row {r}, column {c}: {field:?}"),
            }
        }
    }

    // The SVG: exactly the chart's own words and numbers, whose withheld values are
    // checked against the table above (and in the chart-kind test).
    let svg = download_text(&browser, "export-svg", 2).await;
    let mut in_svg: Vec<String> = svg_texts(&svg).iter().map(|t| t.trim().to_string()).collect();
    let mut in_layout: Vec<String> = layout["texts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["text"].as_str().unwrap().to_string())
        .collect();
    in_svg.sort();
    in_layout.sort();
    assert_eq!(in_svg, in_layout, "the SVG's texts differ from the chart's");
    for bar in layout["bars"].as_array().unwrap() {
        let (r, c) = (
            bar["category"].as_u64().unwrap() as usize,
            bar["series"].as_u64().unwrap() as usize,
        );
        if texts[r][c] == "–" {
            assert_eq!(bar["w_px"], 0, "{bar}");
        }
    }

    // The PNG: a tenth of the way down every bar the chart lays out (clear of the
    // interval whisker through its middle and of its caps, 0.3 of the bar high each way), the run of the bar's colour is as long as
    // the bar, so as long as the shown percent of its column
    // (this chart plots each gender's share); a withheld cell's place is empty.
    browser
        .eval("document.getElementById('export-png').click(); return true;")
        .await;
    browser.wait_until("return window.downloads.length >= 3;", 20).await;
    let runs = browser
        .client
        .execute_async(
            "const [layout, done] = arguments;
             createImageBitmap(window.downloads[2]).then((image) => {
               const scale = image.width / layout.width_px;
               const canvas = new OffscreenCanvas(image.width, image.height);
               const ctx = canvas.getContext('2d');
               ctx.drawImage(image, 0, 0);
               const px = ctx.getImageData(0, 0, image.width, image.height).data;
               const hex = (x, y) => {
                 const i = 4 * (y * image.width + x);
                 return '#' + [px[i], px[i + 1], px[i + 2]].map((v) => v.toString(16).padStart(2, '0')).join('');
               };
               done(layout.bars.map((b) => {
                 const y = Math.round((b.y_px + b.h_px / 10) * scale);
                 let x = Math.round(b.x_px * scale) + 1;
                 // The bar's extent: its colour, across gaps of a few pixels where a
                 // whisker's cap or a grid line is drawn over it.
                 let run = 0, gap = 0;
                 while (x < image.width && gap <= 2 * scale + 1) {
                   if (hex(x, y) === b.fill) { run += gap + 1; gap = 0; } else { gap += 1; }
                   x += 1;
                 }
                 return { run, scale };
               }));
             });",
            vec![layout.clone()],
        )
        .await
        .unwrap();
    let mut per_percent = Vec::new();
    for (bar, run) in layout["bars"].as_array().unwrap().iter().zip(runs.as_array().unwrap()) {
        let (r, c) = (
            bar["category"].as_u64().unwrap() as usize,
            bar["series"].as_u64().unwrap() as usize,
        );
        let run_px = run["run"].as_f64().unwrap();
        let scale = run["scale"].as_f64().unwrap();
        match (page_number(&texts[r][c]), page_number(&texts[texts.len() - 1][c])) {
            (Some(count), Some(col_total)) => {
                let expect_px = bar["w_px"].as_f64().unwrap() * scale;
                assert!(
                    (run_px - expect_px).abs() <= scale + 2.0,
                    "row {r}, column {c}: {run_px} px, not {expect_px}"
                );
                per_percent.push(run_px / (100.0 * count / col_total));
            }
            (None, _) => assert!(
                run_px <= 1.0,
                "row {r}, column {c} is withheld but has {run_px} px of bar"
            ),
            (Some(_), None) => {}
        }
    }
    assert!(per_percent.len() >= 10, "{per_percent:?}");
    let (lo, hi) = per_percent
        .iter()
        .fold((f64::MAX, f64::MIN), |(lo, hi), &v| (lo.min(v), hi.max(v)));
    // One scale for every bar: within a pixel or two of rounding at the shortest bar.
    assert!(
        hi / lo < 1.1,
        "bar lengths do not follow the shown values: {per_percent:?}"
    );
}

#[tokio::test]
async fn no_attribute_or_hidden_text_carries_a_withheld_count() {
    let (_serving, browser) = launch().await;
    let raw = raw_crosstab(ROLE, GENDER);
    let raw_role = raw_freq(ROLE, "answered", &[]);
    // The crosstab in the question view, then the overview with the role's card drawn;
    // the question view stays in the DOM, hidden.
    crosstab_view(&browser, "grouped", "counts").await;
    show(&browser, "#").await.unwrap();
    let card = format!(".card[data-id={ROLE:?}]");
    browser
        .eval(&format!(
            "document.querySelector({card:?}).scrollIntoView(); return true;"
        ))
        .await;
    browser
        .wait_until(
            &format!("return ['1', 'prerendered'].includes(document.querySelector({card:?}).dataset.drawn);"),
            30,
        )
        .await;
    // Every attribute, and the text of every hidden element, with where it is.
    let found = browser
        .eval(
            "const out = [];
             for (const el of document.querySelectorAll('*')) {
               for (const a of el.attributes) out.push({ at: `${el.tagName} ${a.name}`, text: a.value });
               const style = getComputedStyle(el);
               // Text is tied to a cell within one element; a hidden section holds
               // whole tables, whose cells are looked at one by one.
               const hidden = el.hidden || style.display === 'none' || style.visibility === 'hidden'
                 || el.classList.contains('visually-hidden') || el.closest('[hidden]');
               if (hidden && el.children.length === 0)
                 out.push({ at: `${el.tagName} hidden text`, text: el.textContent });
             }
             return out;",
        )
        .await;
    // A target: a withheld small count with the labels that tie a number to it.
    let last_r = raw.cells.len() - 1;
    let last_c = raw.cells[0].len() - 1;
    let mut targets: Vec<(Vec<String>, i64)> = Vec::new();
    for (r, row) in raw.cells.iter().enumerate() {
        for (c, &n) in row.iter().enumerate() {
            if !small(n) {
                continue;
            }
            let mut labels = Vec::new();
            if r < last_r {
                labels.push(raw.row_labels[r].clone());
            }
            if c < last_c {
                labels.push(raw.col_labels[c].clone());
            }
            targets.push((labels, n));
        }
    }
    for (q, &n) in &raw_role {
        if let Some(option) = q.strip_prefix("o:").filter(|_| small(n)) {
            targets.push((vec![option.to_string()], n));
        }
    }
    assert!(targets.len() >= 15);
    // Whole numbers as written: "9.2%" is the token "9.2", never a count of 9.
    let tokens = |text: &str| -> BTreeSet<String> {
        text.split(|ch: char| !(ch.is_ascii_digit() || ch == ',' || ch == '.'))
            .map(|t| t.trim_matches('.'))
            .map(|t| t.trim_matches(',').replace(',', ""))
            .filter(|t| !t.is_empty())
            .collect()
    };
    let mut leaks = Vec::new();
    for item in found.as_array().unwrap() {
        let (at, text) = (item["at"].as_str().unwrap(), item["text"].as_str().unwrap());
        // The chart's layout is checked bar by bar in the chart-kind test.
        if at.ends_with("data-layout") {
            continue;
        }
        let numbers = tokens(text);
        for (labels, n) in &targets {
            if labels.iter().all(|l| text.contains(l.as_str())) && numbers.contains(&n.to_string()) {
                leaks.push(format!("{at}: {labels:?} with {n} in {text:?}"));
            }
        }
    }
    assert_eq!(leaks, Vec::<String>::new());
}

/// The attackers themselves, on tables small enough to work out by hand: each must
/// find what is there to find, or the page's tests above would prove nothing.
#[test]
fn the_attackers_find_a_cell_that_is_pinned() {
    // 3 4 | 7
    // 5 6 | 11
    // 8 10| 18
    let truth = vec![vec![3, 4, 7], vec![5, 6, 11], vec![8, 10, 18]];
    let only = |cells: &[(usize, usize)]| -> Vec<Vec<bool>> {
        (0..3)
            .map(|r| (0..3).map(|c| cells.contains(&(r, c))).collect())
            .collect()
    };
    // Alone in its row, a withheld cell is its margin less the rest.
    assert!(!cell_can_move(&truth, &only(&[(0, 0)]), (0, 0)));
    // Withheld with its margins, the row still pins it through the grand total.
    assert!(!cell_can_move(&truth, &only(&[(0, 0), (0, 2)]), (0, 0)));
    // Four interior cells withheld in a rectangle: 3 can become 2 or 4.
    assert!(cell_can_move(&truth, &only(&[(0, 0), (0, 1), (1, 0), (1, 1)]), (0, 0)));
    // A cell and its row and column margins with the grand total: a cycle through the
    // margins moves it.
    assert!(cell_can_move(&truth, &only(&[(0, 0), (0, 2), (2, 0), (2, 2)]), (0, 0)));
    // Counts cannot go below zero: with the other three corners of the rectangle
    // empty, moving the 3 either way would need a negative count somewhere.
    let empty = vec![vec![3, 0, 3], vec![0, 0, 0], vec![3, 0, 3]];
    assert!(!cell_can_move(&empty, &only(&[(0, 0), (0, 1), (1, 0), (1, 1)]), (0, 0)));
    // Two withheld cells that share no row or column form no cycle.
    assert!(!cell_can_move(&truth, &only(&[(0, 0), (1, 1)]), (0, 0)));

    // Differencing: a view of 30 and a narrower one of 25 leave 5 apart.
    let known = BTreeMap::from([("a".to_string(), 30), ("ab".to_string(), 25)]);
    let sums = vec![("a".to_string(), vec!["ab".to_string(), "anb".to_string()])];
    assert_eq!(solve_sums(&known, &sums), BTreeMap::from([("anb".to_string(), 5)]));
    // With the narrower one unknown, nothing follows.
    let known = BTreeMap::from([("a".to_string(), 30)]);
    assert!(solve_sums(&known, &sums).is_empty());
}
