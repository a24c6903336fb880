//! "Prepare a release" in the page: the bundled NumPy 2020 responses chosen as a raw
//! file, the release made and its report read, its .zip taken from the download and
//! read back, and its responses file opened in the explorer. Operated from the
//! keyboard where a visitor would; nothing goes over the network once the file is
//! chosen; axe-core finds no violation on the flow's screens, light or dark.
//! Screenshots at 1280 and 375 px go to `CANVASS_SCREENSHOTS` when it is set.

use canvass_e2e::{server, Browser};
use serde_json::{json, Value};

const TAB: &str = "\u{E004}";
const ENTER: &str = "\u{E007}";
const SPACE: &str = "\u{E00D}";
const ARROW_DOWN: &str = "\u{E015}";
/// Rows of the release: fewer than the file's 1,236 keep the test quick.
const ROWS: usize = 400;

fn responses() -> std::path::PathBuf {
    xtask::root().join("www/data/numpy-2020/responses.tsv")
}

/// How many header rows the raw file has (Qualtrics' three): its lines less its
/// respondents.
fn raw_header_rows() -> usize {
    let raw = std::fs::read_to_string(responses()).unwrap();
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(responses().with_file_name("manifest.json")).unwrap()).unwrap();
    raw.lines().count() - manifest["respondents"].as_u64().unwrap() as usize
}

/// Presses Tab until `id` has focus (at most `most` times), as a keyboard user does.
async fn tab_to(browser: &Browser, id: &str, most: usize) {
    let body = browser.client.find(fantoccini::Locator::Css("body")).await.unwrap();
    for _ in 0..most {
        if browser
            .eval(&format!("return document.activeElement?.id === {id:?};"))
            .await
            == json!(true)
        {
            return;
        }
        body.send_keys(TAB).await.unwrap();
    }
    panic!("{id} never took focus in {most} tabs");
}

async fn press(browser: &Browser, key: &str) {
    let active = browser.client.active_element().await.unwrap();
    active.send_keys(key).await.unwrap();
}

/// Opens the explorer at its default dataset and opens "Prepare a release" from the
/// keyboard; waits until the release engine is ready.
async fn open_release(browser: &Browser, serving: &server::Serving) {
    browser.client.goto(&serving.url()).await.unwrap();
    assert_eq!(browser.settled_state(30).await, "ready", "{}", browser.messages().await);
    browser.eval("document.activeElement?.blur(); return true;").await;
    tab_to(browser, "nav-release", 20).await;
    press(browser, ENTER).await;
    browser
        .wait_until("return document.body.dataset.releaseEngine === 'ready';", 60)
        .await;
    assert!(browser.eval("return document.getElementById('main').hidden;").await == json!(true));
}

/// Chooses the raw file, with the bundled release's codebook beside it, as a team
/// with a codebook does.
async fn choose_raw(browser: &Browser, path: &std::path::Path) {
    let codebook = browser
        .client
        .find(fantoccini::Locator::Css("#release-codebook"))
        .await
        .expect("the release panel has a codebook input");
    codebook
        .send_keys(path.with_file_name("codebook.json").to_str().unwrap())
        .await
        .unwrap();
    let input = browser
        .client
        .find(fantoccini::Locator::Css("#release-file"))
        .await
        .expect("the release panel has a file input");
    input.send_keys(path.to_str().unwrap()).await.unwrap();
    browser
        .wait_until(
            "return ['roles', 'failed'].includes(document.body.dataset.release);",
            60,
        )
        .await;
    assert_eq!(
        browser.eval("return document.body.dataset.release;").await,
        "roles",
        "{}",
        browser
            .eval("return document.getElementById('release-messages').textContent;")
            .await
    );
}

/// Types the number of rows and makes the release from the keyboard.
async fn make_release(browser: &Browser) {
    browser
        .eval("document.getElementById('release-rows').focus(); return true;")
        .await;
    press(browser, &ROWS.to_string()).await;
    tab_to(browser, "release-make", 10).await;
    press(browser, ENTER).await;
    browser.release_made(180).await;
}

/// Ticks "I accept the risk" from the keyboard (reached within `tabs` presses of Tab)
/// and waits until the release's files can be downloaded.
async fn accept_the_risk(browser: &Browser, tabs: usize) {
    tab_to(browser, "release-accept-risk", tabs).await;
    press(browser, SPACE).await;
    browser
        .wait_until(
            "return document.body.dataset.release === 'made' && !document.getElementById('release-zip').disabled;",
            180,
        )
        .await;
}

/// The files of a stored zip, `(name, bytes)`, each checked against its CRC-32.
fn unzip(zip: &[u8]) -> Vec<(String, Vec<u8>)> {
    let u16_at = |at: usize| u16::from_le_bytes([zip[at], zip[at + 1]]) as usize;
    let u32_at = |at: usize| u32::from_le_bytes(zip[at..at + 4].try_into().unwrap()) as usize;
    let end = zip.len() - 22;
    assert_eq!(u32_at(end), 0x0605_4b50, "end of central directory");
    let (count, mut at) = (u16_at(end + 10), u32_at(end + 16));
    let mut files = Vec::new();
    for _ in 0..count {
        assert_eq!(u32_at(at), 0x0201_4b50, "central directory entry");
        let (crc, size, name_len, offset) = (u32_at(at + 16), u32_at(at + 20), u16_at(at + 28), u32_at(at + 42));
        let name = String::from_utf8(zip[at + 46..at + 46 + name_len].to_vec()).unwrap();
        let data = offset + 30 + u16_at(offset + 26) + u16_at(offset + 28);
        let bytes = zip[data..data + size].to_vec();
        let mut check = flate2::Crc::new();
        check.update(&bytes);
        assert_eq!(check.sum() as usize, crc, "CRC-32 of {name}");
        files.push((name, bytes));
        at += 46 + name_len;
    }
    files
}

/// Clicks the download button `selector` and returns the bytes of the blob it hands
/// to the browser's download, read through JS.
async fn downloaded(browser: &Browser, selector: &str) -> Vec<u8> {
    let bytes = browser
        .eval(&format!(
            "return (async () => {{
                 const made = [];
                 const original = URL.createObjectURL;
                 URL.createObjectURL = (blob) => {{ made.push(blob); return original(blob); }};
                 try {{ document.querySelector({selector:?}).click(); }} finally {{ URL.createObjectURL = original; }}
                 return [...new Uint8Array(await made[0].arrayBuffer())];
             }})();"
        ))
        .await;
    bytes
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b.as_u64().unwrap() as u8)
        .collect()
}

#[tokio::test]
async fn a_release_is_made_read_back_and_opened_in_the_explorer_with_no_request() {
    let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
    let browser = Browser::launch().await;
    let origin = serving.url();
    open_release(&browser, &serving).await;
    // Everything the flow needs has arrived; from here on, nothing may be requested.
    let before = browser.requested_urls_so_far(&origin).await;
    assert!(
        before.iter().any(|u| u.ends_with("canvass_release_bg.wasm")),
        "the release engine is fetched when the panel opens: {before:#?}"
    );
    browser.log("browser").await;

    choose_raw(&browser, &responses()).await;
    let roles = browser
        .eval("return [...document.querySelectorAll('#release-roles tbody tr')].map(tr => [tr.cells[0].querySelector('bdi').textContent, tr.cells[1].textContent, tr.cells[2].textContent]);")
        .await;
    let roles = roles.as_array().unwrap();
    assert!(roles.len() > 50, "{} columns", roles.len());
    assert!(
        roles.iter().all(|r| !r[2].as_str().unwrap().is_empty()),
        "every role has a reason"
    );
    // A role changed from the keyboard: the first adjustable column (a suggested
    // quasi-identifier) goes down its choices to withheld.
    let first = browser
        .eval("const s = document.querySelector('#release-roles select'); s.focus(); return [s.dataset.question, s.value];")
        .await;
    assert_eq!(first[1], "quasi", "{first}");
    let first = first[0].clone();
    press(&browser, ARROW_DOWN).await;
    press(&browser, ARROW_DOWN).await;
    assert_eq!(
        browser.eval("return document.activeElement.value;").await,
        "withheld",
        "arrows choose a role"
    );

    make_release(&browser).await;
    let gates = browser
        .eval("return [...document.querySelectorAll('#release-gates li')].map(li => [li.className, li.textContent]);")
        .await;
    let gates = gates.as_array().unwrap();
    assert_eq!(gates.len(), 4, "{gates:#?}");
    for g in gates {
        let text = g[1].as_str().unwrap();
        assert!(
            (g[0] == "passed" && text.contains("Passes."))
                || (g[0] == "failed" && text.contains("Fails. ") && text.contains("To pass:")),
            "{g}"
        );
    }
    let failed = gates.iter().any(|g| g[0] == "failed");
    let compared = browser
        .eval("return document.querySelectorAll('#release-compare details').length;")
        .await;
    assert!(compared.as_u64().unwrap() > 20, "{compared}");

    if failed {
        // A failed gate holds the files back until the risk is accepted from the keyboard.
        assert_eq!(
            browser
                .eval("return document.getElementById('release-zip').disabled;")
                .await,
            true
        );
        accept_the_risk(&browser, 40).await;
    }
    let zip = downloaded(&browser, "#release-zip").await;
    let files = unzip(&zip);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    for needed in [
        "responses.tsv",
        "codebook.json",
        "manifest.json",
        "report.json",
        "report.md",
    ] {
        assert!(names.contains(&needed), "{needed} is not in the zip: {names:?}");
    }
    let file = |name: &str| &files.iter().find(|(n, _)| n == name).unwrap().1;
    let manifest: Value = serde_json::from_slice(file("manifest.json")).unwrap();
    assert_eq!(manifest["synthetic"], true);
    assert_eq!(
        manifest["accept_risk"], failed,
        "the manifest records an accepted risk, and only then"
    );
    assert!(
        manifest["withheld_columns"].as_array().unwrap().contains(&first),
        "the column withheld in the roles table is withheld: {first}"
    );
    // The responses file downloaded alone is the one in the zip.
    let alone = downloaded(&browser, "button[data-file='responses.tsv']").await;
    assert_eq!(&alone, file("responses.tsv"));
    let raw_header = std::fs::read_to_string(responses()).unwrap();
    let header = String::from_utf8(alone.clone()).unwrap();
    // The raw file's own header rows, then one line per synthetic respondent.
    let header_rows = raw_header_rows();
    assert_eq!(
        header.lines().count(),
        header_rows + ROWS,
        "{header_rows} header rows and {ROWS} rows"
    );
    assert!(
        header.lines().next().unwrap().split('\t').all(|c| raw_header
            .lines()
            .next()
            .unwrap()
            .split('\t')
            .any(|r| r == c)),
        "the release keeps the raw file's column names"
    );

    // Nothing went over the network after the file was chosen.
    let requests = browser.requests(&origin).await;
    assert!(requests.is_empty(), "requests after the file was chosen: {requests:#?}");
    let kept = browser
        .eval("return [Object.keys(localStorage).length, Object.keys(sessionStorage).length, document.cookie];")
        .await;
    assert_eq!(kept, json!([0, 0, ""]), "nothing stored");

    // The downloaded responses file opens in the explorer like any file.
    browser
        .eval("document.getElementById('nav-overview').click(); return true;")
        .await;
    browser
        .eval(&format!(
            "const dt = new DataTransfer();
             dt.items.add(new File([new Uint8Array({})], 'responses.tsv', {{ type: 'text/tab-separated-values' }}));
             window.dispatchEvent(new DragEvent('drop', {{ dataTransfer: dt, bubbles: true, cancelable: true }}));
             return true;",
            serde_json::to_string(&alone).unwrap()
        ))
        .await;
    browser
        .wait_until(
            "return document.getElementById('dataset').textContent.startsWith('responses.tsv');",
            30,
        )
        .await;
    assert_eq!(browser.settled_state(30).await, "ready", "{}", browser.messages().await);
    assert!(
        browser
            .eval("return document.querySelectorAll('.card').length;")
            .await
            .as_u64()
            .unwrap()
            > 20
    );
    browser.client.clone().close().await.unwrap();
}

/// Opens `bytes` as the visitor's own file `name` through "Open your own file…" in the
/// explorer, and returns the ids of the questions its overview shows, in order.
async fn open_in_explorer(browser: &Browser, name: &str, bytes: &[u8]) -> Vec<String> {
    let dir = std::env::temp_dir().join(format!("canvass-release-e2e-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    browser
        .eval("document.getElementById('nav-overview').click(); return true;")
        .await;
    browser.open_file(&path).await;
    assert_eq!(browser.settled_state(30).await, "ready", "{}", browser.messages().await);
    let _ = std::fs::remove_dir_all(&dir);
    let ids = browser
        .eval("return [...document.querySelectorAll('#overview .card')].map((c) => c.dataset.id);")
        .await;
    ids.as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

/// The column names of a released file's header row.
fn header_of(bytes: &[u8]) -> Vec<String> {
    let text = std::str::from_utf8(bytes).expect("a release is UTF-8");
    text.lines().next().unwrap().split('\t').map(str::to_string).collect()
}

/// A disjoint release made in the page ("Disjoint sets" ticked from the keyboard): its
/// two files hold the demographics and the other answers, with no column in common and
/// no identifying column to join them by, each with its own codebook; each downloads on
/// its own and opens in the explorer as a visitor's own file, showing its own questions
/// and none of the other file's.
#[tokio::test]
async fn a_disjoint_release_is_two_files_the_explorer_opens_each_with_its_own_questions() {
    let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
    let browser = Browser::launch().await;
    open_release(&browser, &serving).await;
    choose_raw(&browser, &responses()).await;
    let roles = browser
        .eval(
            "return [...document.querySelectorAll('#release-roles tbody tr')].map((tr) => {
                 const select = tr.cells[1].querySelector('select');
                 return [tr.cells[0].querySelector('bdi').textContent, select ? select.value : tr.cells[1].textContent];
             });",
        )
        .await;
    let with_role = |role: &str| -> Vec<String> {
        roles
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r[1] == role)
            .map(|r| r[0].as_str().unwrap().to_string())
            .collect()
    };
    let (quasi, answers) = (with_role("quasi"), with_role("answer"));
    assert!(
        quasi.len() >= 2 && answers.len() > 20,
        "quasi {quasi:?}, answers {answers:?}"
    );

    tab_to(&browser, "release-disjoint", 60).await;
    press(&browser, SPACE).await;
    assert_eq!(
        browser
            .eval("return document.getElementById('release-disjoint').checked;")
            .await,
        true,
        "Space ticks “Disjoint sets”"
    );
    make_release(&browser).await;
    if browser
        .eval("return document.getElementById('release-zip').disabled;")
        .await
        == json!(true)
    {
        accept_the_risk(&browser, 60).await;
    }
    // The report scores each file: its utility figures are headed by the file's name.
    let scored = browser
        .eval("return [...document.querySelectorAll('#release-utility h5')].map((h) => h.textContent);")
        .await;
    assert_eq!(scored, json!(["demographics.tsv", "answers.tsv"]));

    let files = unzip(&downloaded(&browser, "#release-zip").await);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    for needed in [
        "demographics.tsv",
        "answers.tsv",
        "demographics.codebook.json",
        "answers.codebook.json",
        "manifest.json",
        "report.json",
        "report.md",
    ] {
        assert!(names.contains(&needed), "{needed} is not in the zip: {names:?}");
    }
    assert!(!names.contains(&"responses.tsv"), "{names:?}");
    let file = |name: &str| &files.iter().find(|(n, _)| n == name).unwrap().1;
    let manifest: Value = serde_json::from_slice(file("manifest.json")).unwrap();
    assert_eq!(manifest["synthetic"], true);

    let demographics = downloaded(&browser, "button[data-file='demographics.tsv']").await;
    let answers_file = downloaded(&browser, "button[data-file='answers.tsv']").await;
    assert_eq!(&demographics, file("demographics.tsv"));
    assert_eq!(&answers_file, file("answers.tsv"));
    let (demo_header, answers_header) = (header_of(&demographics), header_of(&answers_file));
    let sorted = |v: &[String]| {
        let mut v = v.to_vec();
        v.sort();
        v
    };
    assert_eq!(
        sorted(&demo_header),
        sorted(&quasi),
        "the demographics file holds the quasi-identifiers"
    );
    assert_eq!(
        sorted(&answers_header),
        sorted(&answers),
        "the answers file holds the other answers"
    );
    let shared: Vec<&String> = demo_header.iter().filter(|c| answers_header.contains(c)).collect();
    assert!(shared.is_empty(), "columns in both files: {shared:?}");
    for header in [&demo_header, &answers_header] {
        assert!(
            !header
                .iter()
                .any(|c| with_role("identifying (never released)").contains(c)),
            "an identifying column could join the files: {header:?}"
        );
    }
    let header_rows = raw_header_rows();
    for bytes in [&demographics, &answers_file] {
        assert_eq!(
            std::str::from_utf8(bytes).unwrap().lines().count(),
            header_rows + ROWS,
            "the raw file's {header_rows} header rows and {ROWS} rows"
        );
    }

    // Each file opens in the explorer with its own questions, and only those: its
    // codebook's, with a ranking's items one question, as the explorer shows a ranking
    // (named by its first item).
    for (name, bytes, role) in [
        ("demographics.tsv", &demographics, &quasi),
        ("answers.tsv", &answers_file, &answers),
    ] {
        let codebook: Value = serde_json::from_slice(file(&name.replace(".tsv", ".codebook.json"))).unwrap();
        let mut groups = Vec::new();
        let mut expected = Vec::new();
        for q in codebook["questions"].as_array().unwrap() {
            let id = q["id"].as_str().unwrap().to_string();
            assert!(
                role.contains(&id),
                "{name}'s codebook has {id}, not one of its questions"
            );
            match q["rank_group"].as_str() {
                Some(group) if groups.contains(&group) => {}
                group => {
                    groups.extend(group);
                    expected.push(id);
                }
            }
        }
        let shown = open_in_explorer(&browser, name, bytes).await;
        assert_eq!(
            sorted(&shown),
            sorted(&expected),
            "the explorer shows {name}'s questions"
        );
    }
    browser.client.clone().close().await.unwrap();
}

async fn scheme(browser: &Browser, scheme: &str) {
    browser
        .cdp(
            "Emulation.setEmulatedMedia",
            // Without motion, colours change at once: axe measures no half-eased colour.
            json!({ "features": [
                { "name": "prefers-color-scheme", "value": scheme },
                { "name": "prefers-reduced-motion", "value": "reduce" },
            ] }),
        )
        .await;
}

/// What of the page lies outside the window sideways: the page's own scroll width
/// beyond the window, each element of the release panel reaching past either edge, and
/// a table of the panel wider than its box (which would hide its last columns until
/// scrolled).
async fn sideways(browser: &Browser, width: u32) -> Vec<String> {
    let found = browser
        .eval(&format!(
            "const out = [];
             const w = window.innerWidth;
             if (w !== {width}) out.push(`the window is ${{w}} px wide, not {width}`);
             if (document.documentElement.scrollWidth > w) out.push(`the page is ${{document.documentElement.scrollWidth}} px wide`);
             for (const e of document.querySelectorAll('#release *')) {{
                 if (e.closest('.table-scroll') !== e && e.closest('.table-scroll')) continue;
                 const r = e.getBoundingClientRect();
                 if (r.width === 0 || r.height === 0) continue;
                 if (r.left < -0.5 || r.right > w + 0.5)
                     out.push(`${{e.tagName.toLowerCase()}}${{e.id ? '#' + e.id : ''}} “${{e.textContent.trim().slice(0, 40)}}” spans ${{Math.round(r.left)}}–${{Math.round(r.right)}} px`);
             }}
             for (const box of document.querySelectorAll('#release .table-scroll')) {{
                 if (box.offsetParent !== null && box.scrollWidth > box.clientWidth + 1)
                     out.push(`“${{box.querySelector('caption').textContent.slice(0, 40)}}” scrolls sideways: ${{box.scrollWidth}} px in ${{box.clientWidth}}`);
             }}
             return out;"
        ))
        .await;
    found
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

/// Every screen of the flow, light and dark, at 1280 px and a phone's 375 px: axe-core
/// finds no violation on any, nothing reaches past the window's edges, and each is saved
/// as a screenshot when asked for, the roles table and the report among them.
#[tokio::test]
async fn the_release_flow_passes_axe_at_two_widths_light_and_dark() {
    let axe = std::fs::read_to_string(xtask::ensure_axe_core().expect("axe-core is installed")).unwrap();
    let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
    let mut problems = Vec::new();
    for width in [1280, 375] {
        // At 375 px a phone is emulated (headless windows are at least 500 px wide).
        let browser = Browser::launch_with_window(width, 900).await;
        open_release(&browser, &serving).await;
        for (i, step) in ["panel", "roles", "report"].into_iter().enumerate() {
            match i {
                1 => choose_raw(&browser, &responses()).await,
                2 => {
                    make_release(&browser).await;
                    browser
                        .eval("document.querySelector('#release-compare details').open = true; document.getElementById('release-report-heading').scrollIntoView(); return true;")
                        .await;
                }
                _ => {}
            }
            for s in ["light", "dark"] {
                scheme(&browser, s).await;
                browser.settled(20).await;
                for v in browser.axe_violations(&axe).await {
                    problems.push(format!("{width} px, {s}, {step}: {v}"));
                }
                for v in sideways(&browser, width).await {
                    problems.push(format!("{width} px, {s}, {step}: {v}"));
                }
                browser.screenshot(&format!("release-{step}-{width}-{s}")).await;
            }
        }
        // Further down: the roles table, the figures, the downloads and the comparison tables.
        for (name, target) in [
            ("roles-table", "#release-roles tbody tr:nth-child(8)"),
            ("figures", "#release-utility"),
            ("downloads", "#release-downloads"),
            ("compare", "#release-compare details"),
        ] {
            browser
                .eval(&format!(
                    "document.querySelector({target:?}).scrollIntoView(); return true;"
                ))
                .await;
            for s in ["light", "dark"] {
                scheme(&browser, s).await;
                browser.screenshot(&format!("release-{name}-{width}-{s}")).await;
            }
        }
        browser.client.clone().close().await.unwrap();
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

/// A release under way can be cancelled and made again; a file too small for a
/// release gets the engine's sentence, and the page goes on working.
#[tokio::test]
async fn making_can_be_cancelled_and_a_file_too_small_is_refused_in_words() {
    let serving = server::start(xtask::root().join("www"), 0).expect("serve www/");
    let browser = Browser::launch().await;
    open_release(&browser, &serving).await;
    choose_raw(&browser, &responses()).await;
    // Both clicks in one script: the release is under way when Cancel is pressed,
    // however fast the machine.
    browser
        .eval("document.getElementById('release-make').click(); document.getElementById('release-cancel').click(); return true;")
        .await;
    assert_eq!(browser.eval("return document.body.dataset.release;").await, "cancelled");
    assert!(browser
        .eval("return document.getElementById('release-messages').textContent;")
        .await
        .as_str()
        .unwrap()
        .starts_with("Making the release was cancelled"));
    assert_eq!(
        browser
            .eval("return document.getElementById('release-status').hidden;")
            .await,
        true
    );
    browser
        .eval("document.getElementById('release-rows').value = '200'; document.getElementById('release-make').click(); return true;")
        .await;
    browser.release_made(180).await;

    // Twenty respondents: read, but refused when made, in the engine's words.
    let small = std::env::temp_dir().join("canvass-release-small.csv");
    let mut csv = String::from("Colour,Size\n");
    for i in 0..20 {
        csv += &format!("{},{}\n", ["red", "blue"][i % 2], ["S", "M", "L"][i % 3]);
    }
    std::fs::write(&small, csv).unwrap();
    let input = browser
        .client
        .find(fantoccini::Locator::Css("#release-file"))
        .await
        .unwrap();
    input.send_keys(small.to_str().unwrap()).await.unwrap();
    browser
        .wait_until("return document.body.dataset.release === 'roles';", 60)
        .await;
    assert_eq!(
        browser
            .eval("return document.getElementById('release-report').hidden;")
            .await,
        true
    );
    browser
        .eval("document.getElementById('release-make').click(); return true;")
        .await;
    browser
        .wait_until("return ['made', 'failed'].includes(document.body.dataset.release);", 60)
        .await;
    assert_eq!(browser.eval("return document.body.dataset.release;").await, "failed");
    let message = browser
        .eval("return document.querySelector('#release-messages [role=alert]')?.textContent ?? '';")
        .await;
    assert!(message.as_str().unwrap().contains("20 respondents"), "{message}");
    let _ = std::fs::remove_file(small);
    browser.client.clone().close().await.unwrap();
}
