//! The default dataset's overview, written into the page at build time: every card's
//! chart as inline SVG, its table and its base line, so that the first screen is
//! complete at the first paint, with or without script.
//!
//! Each card is answered by the core's one query, from the same `ViewRequest` the page
//! sends for a card (`cardRequest` in www/overview.js) and over the survey read back
//! from the snapshot the page reads, so its numbers are the page's, disclosure control
//! included. The chart is laid out at the width and height the page's canvas gets in a
//! desktop window's two-column grid and painted by the core's painter on plotters' SVG
//! backend. The page keeps these cards until a card must change (filters, intervals,
//! weight), and draws its own from the manifest's data when the recorded digests differ
//! from the manifest it fetches.
//!
//! `www/index.template.html` is the committed page; `www/index.html` (ignored, like
//! `www/pkg/`) is this module's output, so a static host serves `www/` as it is.

use crate::Result;
use canvass_core::chart::{self, Chart, ChartStyle};
use canvass_core::query::{answer, ViewRequest};
use canvass_core::snapshot::Snapshot;
use canvass_core::view_state::{to_hash, View, ViewState};
use plotters::prelude::{IntoDrawingArea, SVGBackend};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

/// The dataset a page without `#d=` shows (`DEFAULT_DATASET` in www/hash.js).
pub const DEFAULT_DATASET: &str = "numpy-2020";

/// The CSS width of a card's chart in a desktop window: the page's 52rem column less its
/// padding, two grid columns with a 1rem gap, less the card's padding and border (see
/// www/style.css). Narrower windows show the same SVG scaled; it is vector, so it stays
/// sharp at every device pixel ratio.
pub const CARD_WIDTH_PX: u32 = 366;
/// A card's chart is never shorter than this (the `140` of overview.js's `paint` call).
pub const CARD_MIN_HEIGHT_PX: i32 = 140;

/// Where the overview goes in the template, and where the header's lines go.
const OVERVIEW_MARK: &str = "<!-- prerendered overview -->";
const DATASET_MARK: &str = "<!-- prerendered dataset -->";
const NOTES_MARK: &str = "<!-- prerendered notes -->";
const WEIGHT_MARK: &str = "<!-- prerendered weight -->";
const RESPONDENTS_MARK: &str = "<!-- prerendered respondents -->";
const CONTENTS_MARK: &str = "<!-- prerendered contents -->";

/// Writes `www/index.html` from `www/index.template.html`, with the overview of
/// [`DEFAULT_DATASET`] read from `snapshot` (the bytes of its `survey.snapshot`) and
/// described by its `manifest.json`, and the chart colours of the dark scheme into
/// `www/prerendered.css`.
pub fn write_index(www: &Path, snapshot: &[u8], manifest: &[u8]) -> Result<()> {
    let template_path = www.join("index.template.html");
    let template =
        std::fs::read_to_string(&template_path).map_err(|e| format!("cannot read {}: {e}", template_path.display()))?;
    let snapshot = canvass_core::snapshot::read(snapshot).map_err(|e| format!("{DEFAULT_DATASET}: {e}"))?;
    let manifest: Value = serde_json::from_slice(manifest)
        .map_err(|e| format!("{DEFAULT_DATASET}/manifest.json: {e}; fix the release manifest"))?;
    let page = overview(&snapshot, &manifest)?;
    let mut html = template;
    for (mark, text) in [
        (OVERVIEW_MARK, &page.overview),
        (DATASET_MARK, &page.dataset_line),
        (NOTES_MARK, &page.notes),
        (WEIGHT_MARK, &page.weight),
        (RESPONDENTS_MARK, &page.respondents),
        (CONTENTS_MARK, &page.contents),
    ] {
        if !html.contains(mark) {
            return Err(format!("{} lacks the line {mark}", template_path.display()));
        }
        html = html.replacen(mark, text, 1);
    }
    let out = www.join("index.html");
    std::fs::write(&out, html).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    let css = www.join("prerendered.css");
    std::fs::write(&css, &page.dark_css).map_err(|e| format!("cannot write {}: {e}", css.display()))?;
    Ok(())
}

/// The parts of the page the build writes.
pub struct Prerendered {
    /// The overview's sections and cards, and the "Not charted" list.
    pub overview: String,
    /// The header's line naming the dataset (as show-survey.js writes it).
    pub dataset_line: String,
    /// The header's notes: synthetic data, the threshold.
    pub notes: String,
    /// Rules that repaint the charts' light colours in the dark scheme.
    pub dark_css: String,
    /// The weight picker as weight.js fills it, and the line of respondents beside it
    /// (filters.js): written so that the filter bar is as wide as it will be.
    pub weight: String,
    pub respondents: String,
    /// The overview's contents: a link to each section (`fillContents` in overview.js).
    pub contents: String,
}

/// One chartable question as the page's overview lists it (`chartable` in
/// www/questions.js): a grid or ranking once, by its first item, under its group's
/// question.
struct CardQuestion {
    id: String,
    text: String,
    section: String,
}

fn card_questions(snapshot: &Snapshot) -> Vec<CardQuestion> {
    let questions = snapshot.loaded.dataset.questions();
    let sections: BTreeMap<&str, &str> = snapshot
        .sections
        .iter()
        .map(|(q, s)| (q.as_str(), s.as_str()))
        .collect();
    let mut members: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for q in questions {
        if let Some(g) = &q.group {
            members.entry(g.as_str()).or_default().push(q.text.as_str());
        }
    }
    let mut seen = std::collections::HashSet::new();
    let mut cards = Vec::new();
    for q in questions {
        if !q.kind.is_chartable() {
            continue;
        }
        let grouped = matches!(q.kind.as_str(), "rank" | "grid");
        if let (Some(g), true) = (&q.group, grouped) {
            if !seen.insert(g.clone()) {
                continue;
            }
        }
        let group_title = q.group.as_deref().and_then(|g| chart::adapt::group_title(&members[g]));
        cards.push(CardQuestion {
            id: q.id.clone(),
            text: group_title.unwrap_or_else(|| q.text.clone()),
            section: sections.get(q.id.as_str()).unwrap_or(&"Questions").to_string(),
        });
    }
    cards
}

/// The prerendered parts of the page for the survey in `snapshot`.
pub fn overview(snapshot: &Snapshot, manifest: &Value) -> Result<Prerendered> {
    let dataset = &snapshot.loaded.dataset;
    let text = |key: &str| {
        manifest
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let (title, version) = (text("title"), text("version"));
    let synthetic = manifest.get("synthetic").and_then(Value::as_bool) == Some(true);
    let k = manifest
        .get("disclosure_threshold_k")
        .and_then(Value::as_u64)
        .unwrap_or(10);
    let dataset_id = format!("{DEFAULT_DATASET}@{version}");
    let cards = card_questions(snapshot);

    let mut dark = ColourMap::default();
    let mut out = String::new();
    // The digests of the files these cards were computed from: the page keeps the
    // cards only while the manifest it fetches gives the same (see overview.js).
    let sources = &snapshot.sources;
    let _ = write!(
        out,
        "<div class=\"prerendered\" data-dataset=\"{}\" data-responses-sha256=\"{}\" data-codebook-sha256=\"{}\" data-k=\"{k}\">",
        attr(&dataset_id),
        attr(&sources.responses_sha256),
        attr(sources.codebook_sha256.as_deref().unwrap_or_default()),
    );
    // Grouped by section in the order each first appears, as the page groups them.
    let mut sections: Vec<(&str, Vec<&CardQuestion>)> = Vec::new();
    for card in &cards {
        match sections.iter_mut().find(|(name, _)| *name == card.section) {
            Some((_, members)) => members.push(card),
            None => sections.push((&card.section, vec![card])),
        }
    }
    let mut contents = String::from("<ul>");
    for (name, members) in sections {
        let id = attr(&section_id(name));
        let _ = write!(
            out,
            "<section class=\"overview-section\" id=\"{id}\"><h2 tabindex=\"-1\">{}</h2><div class=\"cards\">",
            html(name)
        );
        let _ = write!(contents, "<li><a href=\"#{id}\">{}</a></li>", html(name));
        for card in members {
            out.push_str(&card_html(dataset, card, &dataset_id, k, &mut dark)?);
        }
        out.push_str("</div></section>");
    }
    out.push_str(&not_charted(snapshot));
    out.push_str("</div>");

    let n_rows = dataset.n_rows();
    let dataset_line = format!(
        "<bdi>{}</bdi> · version {} · {} respondents · {} questions",
        html(&title),
        html(&version),
        group_digits(n_rows as u64),
        group_digits(cards.len() as u64)
    );
    let mut notes = Vec::new();
    if synthetic {
        notes.push("Synthetic data: generated to match the published results, not real responses.".to_string());
    }
    if k > 0 {
        notes.push(format!("Groups smaller than {k} are not shown."));
    }
    let numbers: Vec<_> = dataset
        .questions()
        .iter()
        .filter(|q| q.kind.as_str() == "numeric")
        .collect();
    let mut weight = format!(
        "<label class=\"toggle\" id=\"weight-choice\"{}>Weight by <select id=\"weight\"><option value=\"\">nothing (unweighted)</option>",
        if numbers.is_empty() { " hidden" } else { "" }
    );
    for q in numbers {
        let _ = write!(weight, "<option value=\"{}\">{}</option>", attr(&q.id), html(&q.text));
    }
    weight.push_str("</select></label>");
    contents.push_str("</ul>");
    Ok(Prerendered {
        contents,
        weight,
        respondents: format!("n = {} respondents", group_digits(n_rows as u64)),
        overview: out,
        dataset_line,
        notes: html(&notes.join(" ")),
        dark_css: dark.css(),
    })
}

/// The request the page sends for a card, with the overview's defaults: no filter, no
/// weight, no intervals (`cardRequest` in www/overview.js).
fn card_request(id: &str, k: u64) -> Result<ViewRequest> {
    let json = serde_json::json!({
        "question": id,
        "filters": [],
        "weight": null,
        "k": k,
        "base": "answered",
        "intervals": false,
        "card": true,
    });
    ViewRequest::from_json(&json.to_string()).map_err(|e| format!("the card request of {id}: {e}"))
}

fn card_html(
    dataset: &canvass_core::Dataset,
    card: &CardQuestion,
    dataset_id: &str,
    k: u64,
    dark: &mut ColourMap,
) -> Result<String> {
    let link = to_hash(&ViewState {
        dataset: Some(dataset_id.to_string()),
        view: View::Question,
        request: ViewRequest::question(&card.id),
    });
    let mut out = String::new();
    let heading = format!("<h3><a href=\"{}\">{}</a></h3>", attr(&link), html(&card.text));
    let request = card_request(&card.id, k)?;
    let answered = match answer(dataset, &request) {
        Ok(a) => a,
        Err(e) => {
            // As the page shows a card the core refuses: its sentence, no chart.
            let message = e.to_string();
            let _ = write!(
                out,
                "<article class=\"card\" data-id=\"{}\" data-drawn=\"error\">{heading}<div class=\"chart-slot\" role=\"img\" aria-label=\"{}\"></div><p class=\"base\">{}</p></article>",
                attr(&card.id),
                attr(&message),
                html(&message)
            );
            return Ok(out);
        }
    };
    let (chart, footnote) = (&answered.chart.chart, &answered.chart.footnote);
    let width = CARD_WIDTH_PX as i32;
    let height =
        chart::preferred_height_with_footnote(chart, footnote, width, &ChartStyle::default()).max(CARD_MIN_HEIGHT_PX);
    let light = svg(chart, footnote, width, height, ChartStyle::svg())?;
    let night = svg(chart, footnote, width, height, ChartStyle::svg().dark())?;
    let label = format!("{} The table below has the numbers.", answered.description);
    // One SVG whose colours the dark scheme's style sheet repaints; a chart whose dark
    // colours cannot be told from its light ones that way carries both.
    let charts = if dark.learn(&light, &night) {
        svg_element(&light, &label, "chart")
    } else {
        svg_element(&light, &label, "chart only-light") + &svg_element(&night, &label, "chart only-dark")
    };
    let value = serde_json::to_value(&answered).map_err(|e| e.to_string())?;
    let table_text = if answered.items.is_empty() {
        value["table"]["text"].as_str().unwrap_or_default().to_string()
    } else {
        card.text.clone()
    };
    let _ = write!(
        out,
        "<article class=\"card\" data-id=\"{}\" data-drawn=\"prerendered\">{heading}<div class=\"chart-slot\">{charts}</div><p class=\"base\">{}</p><details><summary>Table</summary><table><caption><bdi>{}</bdi> · {}</caption>{}</table></details></article>",
        attr(&card.id),
        html(&answered.base_line),
        html(&table_text),
        html(&answered.base_line),
        table_body(&value)
    );
    Ok(out)
}

fn svg(chart: &Chart, footnote: &chart::Footnote, width: i32, height: i32, style: ChartStyle) -> Result<String> {
    let mut text = String::new();
    {
        let area = SVGBackend::with_string(&mut text, (width as u32, height as u32)).into_drawing_area();
        chart::draw(&area, chart, footnote, &style).map_err(|e| e.to_string())?;
    }
    Ok(text)
}

/// `svg` as an element of the page: an image named by `label`, scaled to its box.
fn svg_element(svg: &str, label: &str, class: &str) -> String {
    let svg = compact(svg);
    let open_end = svg.find('>').unwrap_or(0);
    let (open, rest) = svg.split_at(open_end);
    let open = open.replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1);
    format!(
        "{open} class=\"{class}\" role=\"img\" aria-label=\"{}\" preserveAspectRatio=\"xMinYMin meet\"{rest}",
        attr(label)
    )
}

/// `svg` as plotters writes it, less what draws nothing: attributes at their defaults
/// (`opacity="1"`, a rectangle's `stroke="none"`), the font family the page's style
/// sheet gives every chart's text (`svg.chart text` in www/style.css), font sizes past
/// a hundredth of a pixel, and the line breaks around each text, which SVG drops: bytes
/// a host that does not compress would send as they are.
fn compact(svg: &str) -> String {
    let mut out = svg
        .replace(" opacity=\"1\"", "")
        .replace(" stroke=\"none\"/>", "/>")
        .replace(" font-family=\"sans-serif\"", "")
        .replace(">\n", ">")
        .replace("\n</text>", "</text>");
    let mut rounded = String::with_capacity(out.len());
    let mut rest = out.as_str();
    while let Some(at) = rest.find("font-size=\"") {
        let start = at + "font-size=\"".len();
        rounded.push_str(&rest[..start]);
        let end = rest[start..].find('"').map_or(rest.len(), |e| start + e);
        match rest[start..end].parse::<f64>() {
            Ok(size) => {
                let text = format!("{:.2}", size);
                rounded.push_str(text.trim_end_matches('0').trim_end_matches('.'));
            }
            Err(_) => rounded.push_str(&rest[start..end]),
        }
        rest = &rest[end..];
    }
    rounded.push_str(rest);
    out = rounded;
    out
}

/// The table of a card as the page's `fillTable` (www/tables.js) writes it, from the
/// answer as JSON (the page's view of it).
fn table_body(answer: &Value) -> String {
    let head = |cells: &[&str]| {
        let mut s = String::from("<thead><tr>");
        for c in cells {
            let _ = write!(s, "<th scope=\"col\">{}</th>", html(c));
        }
        s + "</tr></thead>"
    };
    let answer_cells = |row: &Value| {
        let ci = match row["ci"].as_array() {
            Some(ci) if ci.len() == 2 => format!(
                "{}–{}%",
                to_fixed(ci[0].as_f64().unwrap_or(f64::NAN), 1),
                to_fixed(ci[1].as_f64().unwrap_or(f64::NAN), 1)
            ),
            _ => "–".to_string(),
        };
        format!(
            "<td>{}</td><td>{}</td><td>{}</td>",
            fmt_count(&row["count"]),
            fmt_pct(&row["percent"]),
            ci
        )
    };
    let empty = Vec::new();
    let list = |v: &Value| v.as_array().unwrap_or(&empty).clone();
    let mut out = String::new();
    if let Some(rank) = answer["chart"]["chart"].get("Rank") {
        let max = js_number(rank["max_score"].as_f64().unwrap_or(f64::NAN));
        out.push_str(&head(&["Item", &format!("Mean score (0–{max})"), "Ranked first"]));
        out.push_str("<tbody>");
        let (borda, first) = (list(&rank["borda"]), list(&rank["first_place"]));
        for (i, item) in list(&rank["items"]).iter().enumerate() {
            let score = borda
                .get(i)
                .and_then(Value::as_f64)
                .map_or("–".to_string(), |s| to_fixed(s, 2));
            let _ = write!(
                out,
                "<tr><th scope=\"row\">{}</th><td>{score}</td><td>{}</td></tr>",
                html(item.as_str().unwrap_or_default()),
                fmt_pct(first.get(i).unwrap_or(&Value::Null))
            );
        }
        return out + "</tbody>";
    }
    let items = list(&answer["items"]);
    if !items.is_empty() {
        out.push_str(&head(&["Item", "Answer", "Count", "Percent", "95% interval"]));
        out.push_str("<tbody>");
        for item in &items {
            let name = html(item["item"].as_str().unwrap_or_default());
            for row in list(&item["table"]["rows"]) {
                let _ = write!(
                    out,
                    "<tr><th scope=\"row\">{name}</th><th scope=\"row\">{}</th>{}</tr>",
                    html(row["option"].as_str().unwrap_or_default()),
                    answer_cells(&row)
                );
            }
        }
        return out + "</tbody>";
    }
    out.push_str(&head(&["Answer", "Count", "Percent", "95% interval"]));
    out.push_str("<tbody>");
    let rows = list(&answer["table"]["rows"]);
    let order: Vec<usize> = list(&answer["row_order"])
        .iter()
        .filter_map(|i| i.as_u64().map(|i| i as usize))
        .collect();
    let ordered: Vec<&Value> = if order.len() == rows.len() {
        order.iter().filter_map(|&i| rows.get(i)).collect()
    } else {
        rows.iter().collect()
    };
    let base_rows = list(&answer["table"]["base_rows"]);
    for row in ordered.into_iter().chain(base_rows.iter()) {
        let _ = write!(
            out,
            "<tr><th scope=\"row\">{}</th>{}</tr>",
            html(row["option"].as_str().unwrap_or_default()),
            answer_cells(row)
        );
    }
    out + "</tbody>"
}

/// The "Not charted" list of the overview (`listNotCharted` in www/overview.js).
fn not_charted(snapshot: &Snapshot) -> String {
    let questions = snapshot.loaded.dataset.questions();
    let mut items = String::new();
    for (q, &identifying) in questions.iter().zip(&snapshot.loaded.identifying) {
        let reason = if identifying {
            "identifying, not charted"
        } else {
            match q.kind.not_charted_reason() {
                Some(r) => r,
                None => continue,
            }
        };
        let _ = write!(
            items,
            "<li data-id=\"{}\"><bdi>{}</bdi>: {}</li>",
            attr(&q.id),
            html(&q.text),
            html(reason)
        );
    }
    if items.is_empty() {
        return String::new();
    }
    format!("<section class=\"overview-section\" id=\"not-charted\"><h2>Not charted</h2><ul>{items}</ul></section>")
}

/// Light chart colours and the dark colours the same marks take, learnt by painting each
/// chart in both schemes.
#[derive(Default)]
struct ColourMap {
    light_to_dark: BTreeMap<String, String>,
}

impl ColourMap {
    /// Learns the colours of `light` against `dark`, the same chart in each scheme;
    /// false, learning nothing, when a light colour would need two dark ones.
    fn learn(&mut self, light: &str, dark: &str) -> bool {
        let (l, d) = (colours(light), colours(dark));
        if l.len() != d.len() {
            return false;
        }
        let mut learnt = self.light_to_dark.clone();
        for (a, b) in l.into_iter().zip(d) {
            match learnt.get(&a) {
                Some(known) if *known != b => return false,
                _ => {
                    learnt.insert(a, b);
                }
            }
        }
        self.light_to_dark = learnt;
        true
    }

    fn css(&self) -> String {
        let mut css = String::from(
            "/* The prerendered charts in the dark scheme: each light colour as the core's dark\n   style paints it. Written by `cargo xtask build` with www/index.html. */\n@media (prefers-color-scheme: dark) {\n",
        );
        for (light, dark) in &self.light_to_dark {
            if light == dark {
                continue;
            }
            let _ = writeln!(
                css,
                "  svg.chart [fill=\"{light}\"] {{ fill: {dark}; }}\n  svg.chart [stroke=\"{light}\"] {{ stroke: {dark}; }}"
            );
        }
        css + "}\n"
    }
}

/// Every colour an SVG paints with, in document order.
fn colours(svg: &str) -> Vec<String> {
    let mut out = Vec::new();
    let bytes = svg.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let rest = &svg[i..];
        let hit = ["fill=\"#", "stroke=\"#"]
            .iter()
            .filter_map(|p| rest.find(p).map(|at| (at, p.len())))
            .min();
        let Some((at, len)) = hit else { break };
        let start = i + at + len - 1;
        let end = svg[start..].find('"').map_or(svg.len(), |e| start + e);
        out.push(svg[start..end].to_string());
        i = end;
    }
    out
}

/// The id of a section's element, which the overview's contents link to (`sectionId` in
/// www/overview.js): its name in lower-case ASCII words joined by hyphens.
fn section_id(name: &str) -> String {
    let mut slug = String::new();
    for c in name.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    format!("section-{}", slug.trim_matches('-'))
}

/// Text for an HTML text node.
fn html(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// Text for a double-quoted HTML attribute.
fn attr(text: &str) -> String {
    html(text).replace('"', "&quot;")
}

/// An integer with its digits grouped in threes (`fmtInt` in www/format.js).
fn group_digits(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn fmt_count(v: &Value) -> String {
    match v.as_f64() {
        // JS's Math.round: halves go up.
        Some(c) if c.is_finite() => {
            let r = (c + 0.5).floor();
            if r < 0.0 {
                format!("-{}", group_digits((-r) as u64))
            } else {
                group_digits(r as u64)
            }
        }
        _ => "–".to_string(),
    }
}

fn fmt_pct(v: &Value) -> String {
    match v.as_f64() {
        Some(p) => format!("{}%", to_fixed(p, 1)),
        None => "–".to_string(),
    }
}

/// A number as JS writes it in a template string, for the values a table's heading
/// holds (whole numbers without a fraction).
fn js_number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// JS's `Number.prototype.toFixed`: of the two nearest, an exact tie takes the larger
/// magnitude (Rust's formatting takes the even one).
pub fn to_fixed(x: f64, digits: usize) -> String {
    if !x.is_finite() {
        return if x.is_nan() {
            "NaN".into()
        } else if x > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        };
    }
    // The exact decimal expansion, far enough to see the digit after the last kept.
    let exact = format!("{:.*}", digits + 40, x.abs());
    let point = exact.find('.').unwrap_or(exact.len());
    let kept_end = point + 1 + digits;
    let next = exact.as_bytes().get(kept_end).copied().unwrap_or(b'0');
    let mut kept: Vec<u8> = exact.as_bytes()[..kept_end.min(exact.len())].to_vec();
    if next >= b'5' {
        let mut i = kept.len();
        loop {
            if i == 0 {
                kept.insert(0, b'1');
                break;
            }
            i -= 1;
            match kept[i] {
                b'.' => continue,
                b'9' => kept[i] = b'0',
                d => {
                    kept[i] = d + 1;
                    break;
                }
            }
        }
    }
    let mut s = String::from_utf8(kept).unwrap_or_default();
    if digits == 0 {
        s = s.trim_end_matches('.').to_string();
    }
    if x < 0.0 {
        s.insert(0, '-');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn to_fixed_rounds_ties_up_as_javascript_does() {
        // Node: (0.25).toFixed(1) === "0.3", (12.25).toFixed(1) === "12.3",
        // (1.005).toFixed(2) === "1.00" (1.005 is a little below), (99.95).toFixed(1) === "100.0".
        assert_eq!(to_fixed(0.25, 1), "0.3");
        assert_eq!(to_fixed(12.25, 1), "12.3");
        assert_eq!(to_fixed(1.005, 2), "1.00");
        assert_eq!(to_fixed(99.95, 1), "100.0");
        assert_eq!(to_fixed(9.96, 1), "10.0");
        assert_eq!(to_fixed(0.0, 1), "0.0");
        assert_eq!(to_fixed(-0.04, 1), "-0.0");
        assert_eq!(to_fixed(2.5, 0), "3");
    }

    #[test]
    fn compacting_keeps_what_is_drawn() {
        let svg = "<svg>\n<rect x=\"0\" opacity=\"1\" fill=\"#FFFFFF\" stroke=\"none\"/>\n<text x=\"1\" font-family=\"sans-serif\" font-size=\"11.049999999999999\" opacity=\"1\" fill=\"#59636E\">\n0%\n</text>\n<text font-size=\"13.000000000000002\">a</text>\n</svg>\n";
        assert_eq!(
            compact(svg),
            "<svg><rect x=\"0\" fill=\"#FFFFFF\"/><text x=\"1\" font-size=\"11.05\" fill=\"#59636E\">0%</text><text font-size=\"13\">a</text></svg>"
        );
    }

    #[test]
    fn colours_are_read_in_document_order() {
        let svg = r##"<svg><rect fill="#FFFFFF" stroke="#000000"/><text fill="#1F2328">a</text></svg>"##;
        assert_eq!(colours(svg), ["#FFFFFF", "#000000", "#1F2328"]);
    }

    #[test]
    fn a_colour_that_needs_two_dark_ones_is_not_learnt() {
        let mut map = ColourMap::default();
        assert!(map.learn(r##"<a fill="#111111"/>"##, r##"<a fill="#eeeeee"/>"##));
        assert!(!map.learn(r##"<a fill="#111111"/>"##, r##"<a fill="#dddddd"/>"##));
        assert_eq!(map.light_to_dark["#111111"], "#eeeeee");
    }
}
