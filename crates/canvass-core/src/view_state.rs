//! What the explorer shows, as a value that round-trips through the URL hash, so every
//! view is a link and back/forward work.
//!
//! The hash is untrusted text (anyone can craft a link), so parsing never fails: unknown
//! keys are ignored, bad values fall back to defaults and are reported, and sizes are
//! capped. Only question ids, option labels inside filters and display options are
//! stored; whether they name anything in the loaded survey is checked where the state is
//! applied, not here.

use crate::chart::adapt::ChartKind;
use crate::chart::input::Fields;
use crate::crosstab::PercentMode;
use crate::freq::BaseKind;
use crate::query::ViewRequest;
use serde::{Deserialize, Serialize};

/// Longest hash read, in bytes; the rest is ignored and reported.
pub const MAX_HASH_BYTES: usize = 8 * 1024;
/// Most filter conditions a link may carry.
pub const MAX_FILTERS: usize = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum View {
    #[default]
    Overview,
    Question,
}

/// The explorer's state: which dataset, which page, and the view asked for there. Of
/// the request, the link keeps what a person chooses (question, breakdown, filters,
/// weight, base, percent, intervals, chart kind); the threshold and the release come
/// from the dataset, and `card`/`csv` from what the page is drawing.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct ViewState {
    /// Dataset id and version, `numpy-2020@1.0.0`; `None` for a file the user opened.
    pub dataset: Option<String>,
    pub view: View,
    #[serde(flatten)]
    pub request: ViewRequest,
}

impl ViewState {
    /// Reads a state in the shape `Serialize` writes (as `parse_hash` answers it); absent
    /// or `null` fields take their defaults. By hand, for the reason given at
    /// [`ViewRequest::from_json`].
    pub fn from_json(text: &str) -> Result<ViewState, String> {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("view state: {e}"))?;
        let f = Fields::of(&value, "view state")?;
        let view = match f.opt_string("view")?.as_deref() {
            None | Some("overview") => View::Overview,
            Some("question") => View::Question,
            Some(_) => return Err(f.wrong("view", "overview or question")),
        };
        Ok(ViewState {
            dataset: f.opt_string("dataset")?,
            view,
            request: ViewRequest::from_value(&value, "view state")?,
        })
    }
}

/// A parsed hash and what in it was not understood.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Parsed {
    pub state: ViewState,
    pub problems: Vec<String>,
}

/// Reads a URL hash (with or without its leading `#`).
pub fn parse_hash(hash: &str) -> Parsed {
    let mut problems = Vec::new();
    let mut hash = hash.strip_prefix('#').unwrap_or(hash);
    if hash.len() > MAX_HASH_BYTES {
        let mut cut = MAX_HASH_BYTES;
        while !hash.is_char_boundary(cut) {
            cut -= 1;
        }
        hash = &hash[..cut];
        problems.push(format!(
            "the link is longer than {MAX_HASH_BYTES} bytes; the rest was ignored"
        ));
    }
    let mut state = ViewState::default();
    let mut percent_said = false;
    for pair in hash.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = decode_component(key);
        let value = decode_component(value);
        let nonempty = |v: String| (!v.is_empty()).then_some(v);
        match key.as_str() {
            "d" => state.dataset = nonempty(value),
            "view" => match value.as_str() {
                "overview" => state.view = View::Overview,
                "question" => state.view = View::Question,
                _ => problems.push(format!("unknown view {value:?}")),
            },
            "q" => state.request.question = value,
            "by" => state.request.by = nonempty(value),
            "w" => state.request.weight = nonempty(value),
            "f" if state.request.filters.len() >= MAX_FILTERS => {
                problems.push(format!("more than {MAX_FILTERS} filters; the rest were ignored"));
            }
            "f" => state.request.filters.extend(nonempty(value)),
            "base" => match value.as_str() {
                "answered" => state.request.base = BaseKind::Answered,
                "asked" => state.request.base = BaseKind::Asked,
                "all" => state.request.base = BaseKind::All,
                _ => problems.push(format!("unknown base {value:?}")),
            },
            "pct" => {
                percent_said = true;
                match value.as_str() {
                    "counts" => state.request.percent = PercentMode::Counts,
                    "row" => state.request.percent = PercentMode::Row,
                    "col" => state.request.percent = PercentMode::Column,
                    "total" => state.request.percent = PercentMode::Total,
                    _ => problems.push(format!("unknown percentage {value:?}")),
                }
            }
            "ci" => state.request.intervals = value == "1",
            "kind" => match ChartKind::parse(&value) {
                Some(kind) => state.request.chart = Some(kind),
                None => problems.push(format!("unknown chart kind {value:?}")),
            },
            _ => problems.push(format!("unknown link part {key:?}")),
        }
    }
    // Links written while row percents were the default left them unsaid; a breakdown
    // without `pct` is such a link, and keeps meaning what it meant.
    if state.request.by.is_some() && !percent_said {
        state.request.percent = PercentMode::Row;
    }
    problems.dedup();
    Parsed { state, problems }
}

/// Writes `state` as a hash (with its `#`), leaving out whatever is at its default.
pub fn to_hash(state: &ViewState) -> String {
    let request = &state.request;
    let mut parts: Vec<String> = Vec::new();
    let mut put = |key: &str, value: &str| parts.push(format!("{key}={}", encode_component(value)));
    if let Some(d) = &state.dataset {
        put("d", d);
    }
    if state.view != View::Overview {
        put("view", "question");
    }
    if !request.question.is_empty() {
        put("q", &request.question);
    }
    if let Some(by) = &request.by {
        put("by", by);
    }
    if let Some(weight) = &request.weight {
        put("w", weight);
    }
    for f in request.filters.iter().take(MAX_FILTERS) {
        put("f", f);
    }
    match request.base {
        BaseKind::Answered => {}
        BaseKind::Asked => put("base", "asked"),
        BaseKind::All => put("base", "all"),
    }
    // With a breakdown the percent is always written: an unsaid one means row
    // percents (see `parse_hash`).
    match request.percent {
        PercentMode::Column if request.by.is_none() => {}
        PercentMode::Column => put("pct", "col"),
        PercentMode::Row => put("pct", "row"),
        PercentMode::Counts => put("pct", "counts"),
        PercentMode::Total => put("pct", "total"),
    }
    if request.intervals {
        put("ci", "1");
    }
    if let Some(kind) = request.chart {
        put("kind", kind.name());
    }
    format!("#{}", parts.join("&"))
}

/// Percent-encodes everything but unreserved characters (RFC 3986), so ids and
/// labels with `&`, `=`, `#`, `%`, spaces or any script survive the round trip.
fn encode_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes `%XX` escapes and `+` as a space; malformed escapes stay as written and bytes
/// that are not UTF-8 become U+FFFD, so no input is rejected.
fn decode_component(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = |b: u8| (b as char).to_digit(16);
                match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                    (Some(hi), Some(lo)) => {
                        out.push((hi * 16 + lo) as u8);
                        i += 3;
                        continue;
                    }
                    _ => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_hash_is_the_default_view() {
        assert_eq!(
            parse_hash(""),
            Parsed {
                state: ViewState::default(),
                problems: vec![]
            }
        );
        assert_eq!(parse_hash("#"), parse_hash(""));
        assert_eq!(to_hash(&ViewState::default()), "#");
    }

    #[test]
    fn a_full_state_round_trips_through_awkward_text() {
        let state = ViewState {
            dataset: Some("numpy-2020@1.0.0".into()),
            view: View::Question,
            request: ViewRequest {
                question: "demographics.role".into(),
                by: Some("Q 7 & more = 100% #1".into()),
                weight: Some("weight (raked)".into()),
                filters: vec![
                    "usage.freq=Daily|Weekly".into(),
                    "age>=20".into(),
                    "lang=中文 + ∑".into(),
                ],
                base: BaseKind::Asked,
                percent: PercentMode::Column,
                intervals: true,
                chart: Some(ChartKind::Heatmap),
                ..ViewRequest::default()
            },
        };
        let hash = to_hash(&state);
        assert!(!hash[1..].contains(['#', ' ', '|']), "{hash}");
        assert_eq!(
            parse_hash(&hash),
            Parsed {
                state,
                problems: vec![]
            }
        );
    }

    #[test]
    fn a_state_reads_back_from_the_json_it_is_written_as() {
        let parsed = parse_hash("#d=x%401&view=question&q=Q2&by=Q5&f=Q3%3DYes&base=asked&pct=col&ci=1&kind=heatmap");
        assert!(parsed.problems.is_empty());
        let json = serde_json::to_string(&parsed.state).unwrap();
        assert_eq!(ViewState::from_json(&json).unwrap(), parsed.state);
        assert!(ViewState::from_json(r#"{"view": "graph"}"#).is_err());
    }

    #[test]
    fn browsers_plus_signs_and_raw_text_are_read_leniently() {
        let parsed = parse_hash("view=question&q=How+often%3F&by=%E4%B8%AD&f=a%2");
        assert_eq!(parsed.state.request.question, "How often?");
        assert_eq!(parsed.state.request.by.as_deref(), Some("中"));
        assert_eq!(parsed.state.request.filters, ["a%2"]);
        let parsed = parse_hash("q=%FF%FE");
        assert_eq!(parsed.state.request.question, "\u{FFFD}\u{FFFD}");
    }

    #[test]
    fn nonsense_falls_back_to_defaults_and_is_reported() {
        let parsed = parse_hash("view=graph&base=everyone&pct=x&kind=pie&__proto__=1&ci=yes");
        assert_eq!(parsed.state, ViewState::default());
        assert_eq!(parsed.problems.len(), 5, "{:?}", parsed.problems);
        assert!(parsed.problems.iter().any(|p| p.contains("__proto__")));
    }

    #[test]
    fn a_breakdown_defaults_to_percent_within_each_group_and_old_links_keep_row_percents() {
        assert_eq!(ViewRequest::default().percent, PercentMode::Column);
        assert_eq!(
            parse_hash("view=question&q=a").state.request.percent,
            PercentMode::Column
        );
        // Written before column percents became the default: row percents, unsaid.
        let old = parse_hash("view=question&q=a&by=b");
        assert_eq!(old.state.request.percent, PercentMode::Row);
        assert_eq!(to_hash(&old.state), "#view=question&q=a&by=b&pct=row");
        let mut state = old.state;
        state.request.percent = PercentMode::Column;
        let hash = to_hash(&state);
        assert_eq!(hash, "#view=question&q=a&by=b&pct=col");
        assert_eq!(parse_hash(&hash).state, state);
    }

    #[test]
    fn sizes_are_capped() {
        let many: Vec<String> = (0..40).map(|i| format!("f=q{i}%3D1")).collect();
        let parsed = parse_hash(&many.join("&"));
        assert_eq!(parsed.state.request.filters.len(), MAX_FILTERS);
        assert_eq!(parsed.problems.len(), 1);
        let long = format!("q={}", "é".repeat(MAX_HASH_BYTES));
        let parsed = parse_hash(&long);
        assert!(parsed.state.request.question.len() < MAX_HASH_BYTES);
        assert!(parsed.problems[0].contains("longer than"));
    }
}
