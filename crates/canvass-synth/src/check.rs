//! The fidelity checker: reads a release (codebook, responses, manifest) and
//! recomputes every published number from the response file alone, checks
//! every cell against the codebook, the skip logic and the model's hard
//! rules, verifies checksums, and reports duplicate rows and the smallest
//! groups on the disclosure key. It shares no state with the generator, and it
//! reports problems without repairing them.

use super::doc::sha256_hex;
use super::{tsv, SynthError, CODEBOOK_FILE, MANIFEST_FILE, RESPONSES_FILE};
use crate::model::{parse_codebook_with_model, Model};
use canvass_core::codebook::{allowed_error, Base, Codebook, Kind, Question, Source};
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};
use std::fmt::Write;

/// Outcome of one published number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Reproduced within its precision or tolerance.
    Ok,
    /// Knowingly not reproduced; the codebook gives the reason.
    Deviation,
    /// The release cannot recompute it (e.g. its base counts withheld answers).
    NotVerifiable,
    /// Not reproduced.
    Fail,
}

impl Status {
    fn label(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Deviation => "dev",
            Status::NotVerifiable => "n/v",
            Status::Fail => "FAIL",
        }
    }
}

/// One published number against its synthetic counterpart.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub question: String,
    pub option: String,
    pub source: Source,
    pub base: String,
    pub published: f64,
    pub allowed: f64,
    pub published_base: Option<u64>,
    pub count: u64,
    pub base_n: u64,
    pub status: Status,
    pub note: String,
}

impl Finding {
    pub fn synthetic_percent(&self) -> f64 {
        if self.base_n == 0 {
            0.0
        } else {
            100.0 * self.count as f64 / self.base_n as f64
        }
    }
}

/// Sizes of the groups formed by the disclosure key questions.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupSizes {
    pub keys: Vec<String>,
    pub k: u64,
    pub groups: usize,
    pub groups_below_k: usize,
    pub rows_below_k: usize,
    pub singletons: usize,
    /// The smallest groups, smallest first: (description, size).
    pub smallest: Vec<(String, usize)>,
}

/// Everything the checker found.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckReport {
    pub rows: usize,
    pub findings: Vec<Finding>,
    /// Broken structure: invalid cells, skip logic, rules, rankings, checksums.
    pub problems: Vec<String>,
    /// Rows identical to an earlier row on every substantive column.
    pub duplicate_rows: usize,
    pub groups: Option<GroupSizes>,
}

impl CheckReport {
    /// True when nothing failed.
    pub fn passed(&self) -> bool {
        self.problems.is_empty() && self.findings.iter().all(|f| f.status != Status::Fail)
    }

    pub fn count(&self, s: Status) -> usize {
        self.findings.iter().filter(|f| f.status == s).count()
    }

    /// The report as printed by `canvass synth --check`.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "published vs synthetic ({} rows)", self.rows);
        let _ = writeln!(out, "status  question | option | source, base | published | synthetic");
        for f in &self.findings {
            let published = match f.source {
                Source::WebMeasured => format!("~{}% (±{})", f.published, f.allowed),
                _ => format!("{}%", f.published),
            };
            let pb = f.published_base.map(|b| format!(" of {b}")).unwrap_or_default();
            let _ = write!(
                out,
                "{:<6}  {} | {} | {:?}, {} | {published}{pb} | {}/{} = {:.2}%",
                f.status.label(),
                f.question,
                f.option,
                f.source,
                f.base,
                f.count,
                f.base_n,
                f.synthetic_percent()
            );
            if !f.note.is_empty() {
                let _ = write!(out, "  [{}]", f.note);
            }
            out.push('\n');
        }
        let _ = writeln!(
            out,
            "\n{} published numbers: {} ok, {} documented deviations, {} not verifiable from the release, {} failed",
            self.findings.len(),
            self.count(Status::Ok),
            self.count(Status::Deviation),
            self.count(Status::NotVerifiable),
            self.count(Status::Fail)
        );
        let _ = writeln!(out, "structure: {} problems", self.problems.len());
        for p in self.problems.iter().take(50) {
            let _ = writeln!(out, "  {p}");
        }
        if self.problems.len() > 50 {
            let _ = writeln!(out, "  ... and {} more", self.problems.len() - 50);
        }
        let _ = writeln!(
            out,
            "exact duplicate rows (substantive columns): {}",
            self.duplicate_rows
        );
        if let Some(g) = &self.groups {
            let _ = writeln!(
                out,
                "groups on {}: {} groups; {} smaller than k = {} holding {} rows; {} singletons",
                g.keys.join(" x "),
                g.groups,
                g.groups_below_k,
                g.k,
                g.rows_below_k,
                g.singletons
            );
            for (key, n) in &g.smallest {
                let _ = writeln!(out, "  {n:>4}  {key}");
            }
        }
        let _ = writeln!(out, "{}", if self.passed() { "PASS" } else { "FAIL" });
        out
    }
}

/// Check a release given its files by name. `codebook.json` and
/// `responses.tsv` are required; `manifest.json`, when present, has its
/// checksums verified against every file it lists.
pub fn check_release(files: &[(String, Vec<u8>)]) -> Result<CheckReport, SynthError> {
    let get = |name: &str| files.iter().find(|(n, _)| n == name).map(|(_, b)| b.as_slice());
    let cb_bytes = get(CODEBOOK_FILE).ok_or_else(|| SynthError::new(format!("the release has no {CODEBOOK_FILE}")))?;
    let data = get(RESPONSES_FILE).ok_or_else(|| SynthError::new(format!("the release has no {RESPONSES_FILE}")))?;
    let (cb, model) =
        parse_codebook_with_model(cb_bytes).map_err(|e| SynthError::new(format!("{CODEBOOK_FILE}: {e}")))?;
    let text = std::str::from_utf8(data).map_err(|_| SynthError::new(format!("{RESPONSES_FILE} is not UTF-8")))?;
    let rows = tsv::parse(&cb, text).map_err(|e| SynthError::new(format!("{RESPONSES_FILE}: {e}")))?;
    let mut problems = Vec::new();
    let mut k = None;
    if let Some(m) = get(MANIFEST_FILE) {
        k = manifest_problems(m, files, rows.len(), &mut problems);
    }
    structure_problems(&cb, model.as_ref(), &rows, &mut problems);
    let findings = published_findings(&cb, model.as_ref(), &rows);
    let duplicate_rows = duplicates(&cb, &rows);
    let k = k.or_else(|| {
        model
            .as_ref()
            .and_then(|m| m.release.as_ref())
            .map(|r| r.disclosure_threshold)
    });
    let groups = group_sizes(&cb, model.as_ref(), &rows, k.unwrap_or(10));
    Ok(CheckReport {
        rows: rows.len(),
        findings,
        problems,
        duplicate_rows,
        groups,
    })
}

fn manifest_problems(m: &[u8], files: &[(String, Vec<u8>)], rows: usize, problems: &mut Vec<String>) -> Option<u64> {
    let v: Value = match serde_json::from_slice(m) {
        Ok(v) => v,
        Err(e) => {
            problems.push(format!("{MANIFEST_FILE} is not valid JSON: {e}"));
            return None;
        }
    };
    if v.get("synthetic") != Some(&Value::Bool(true)) {
        problems.push(format!("{MANIFEST_FILE} does not declare \"synthetic\": true"));
    }
    if v.get("respondents").and_then(Value::as_u64) != Some(rows as u64) {
        problems.push(format!(
            "{MANIFEST_FILE}: 'respondents' does not equal the {rows} data rows"
        ));
    }
    match v.get("files").and_then(Value::as_object) {
        None => problems.push(format!("{MANIFEST_FILE} lists no files")),
        Some(listed) => {
            for name in [RESPONSES_FILE, CODEBOOK_FILE] {
                if !listed.contains_key(name) {
                    problems.push(format!("{MANIFEST_FILE} does not list {name}"));
                }
            }
            for (name, entry) in listed {
                let want = entry.get("sha256").and_then(Value::as_str).unwrap_or("");
                match files.iter().find(|(n, _)| n == name) {
                    None => problems.push(format!("{name} is listed in {MANIFEST_FILE} but missing")),
                    Some((_, bytes)) if sha256_hex(bytes) != want => {
                        problems.push(format!("{name}: sha256 differs from {MANIFEST_FILE}"))
                    }
                    _ => {}
                }
            }
        }
    }
    v.get("disclosure_threshold_k").and_then(Value::as_u64)
}

fn structure_problems(cb: &Codebook, model: Option<&Model>, rows: &[Vec<String>], problems: &mut Vec<String>) {
    for (r, row) in rows.iter().enumerate() {
        let line = r + 1 + cb.layout.header_rows;
        for (c, q) in cb.questions.iter().enumerate() {
            let cell = row[c].as_str();
            if let Err(e) = cell_problem(q, cell) {
                problems.push(format!("line {line}, {}: {e}", q.id));
            }
            if !cell.is_empty() {
                if let Some(a) = &q.asked_if {
                    if !cb.eval(a, row) {
                        problems.push(format!(
                            "line {line}, {}: answered although the skip logic does not ask it",
                            q.id
                        ));
                    }
                }
            }
        }
        if let Some(m) = model {
            for rule in &m.rules {
                if cb.eval(&rule.if_, row) && !cb.eval(&rule.then, row) {
                    problems.push(format!("line {line}: breaks rule '{}' ({})", rule.id, rule.why));
                }
            }
        }
    }
    // Rankings: all blank or a permutation of the ranks.
    let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (c, q) in cb.questions.iter().enumerate() {
        if let Some(g) = &q.rank_group {
            groups.entry(g).or_default().push(c);
        }
    }
    for (g, cols) in &groups {
        for (r, row) in rows.iter().enumerate() {
            let vals: Vec<&str> = cols.iter().map(|&c| row[c].as_str()).collect();
            if vals.iter().all(|v| v.is_empty()) {
                continue;
            }
            let distinct: HashSet<&str> = vals.iter().copied().filter(|v| !v.is_empty()).collect();
            if distinct.len() != cols.len() {
                problems.push(format!(
                    "line {}: ranking '{g}' is not a complete permutation",
                    r + 1 + cb.layout.header_rows
                ));
            }
        }
    }
}

fn cell_problem(q: &Question, cell: &str) -> Result<(), String> {
    if cell.is_empty() || q.kind.is_platform() {
        return Ok(());
    }
    if q.always_blank() {
        return Err("must be blank in this release".into());
    }
    match q.kind {
        Kind::Single | Kind::Ordinal | Kind::Country | Kind::Rank if q.option_index(cell).is_none() => {
            return Err(format!("'{cell}' is not an option"));
        }
        Kind::Multi => {
            let sel = q.selected(cell);
            let mut last = None;
            for s in sel {
                let i = q.option_index(s).ok_or_else(|| format!("'{s}' is not an option"))?;
                if last.is_some_and(|l| i <= l) {
                    return Err("selections repeat or are out of codebook order".into());
                }
                last = Some(i);
            }
        }
        Kind::Numeric => {
            let spec = q.numeric.as_ref().ok_or("numeric question without spec")?;
            if !spec.top_codes.iter().any(|t| t.code == cell) {
                let v: f64 = cell.parse().map_err(|_| format!("'{cell}' is not a number"))?;
                if spec.integer && v.fract() != 0.0 {
                    return Err(format!("'{cell}' is not an integer"));
                }
                if spec.min.is_some_and(|m| v < m) || spec.max.is_some_and(|m| v > m) {
                    return Err(format!("{cell} is out of range"));
                }
            }
        }
        _ => {}
    }
    Ok(())
}

fn published_findings(cb: &Codebook, model: Option<&Model>, rows: &[Vec<String>]) -> Vec<Finding> {
    let target_size = model.map(|m| m.rows);
    let full_size = target_size.is_none_or(|n| n == rows.len());
    let mut out = Vec::new();
    for (c, q) in cb.questions.iter().enumerate() {
        for p in &q.published {
            let in_pop = |row: &Vec<String>| match p.base {
                Base::All => p.among.as_ref().is_none_or(|a| cb.eval(a, row)),
                _ => {
                    q.asked_if.as_ref().is_none_or(|a| cb.eval(a, row))
                        && p.among.as_ref().is_none_or(|a| cb.eval(a, row))
                }
            };
            let matches_option = |cell: &str| -> bool {
                if q.kind == Kind::Numeric {
                    q.bin_of(cell).as_deref() == Some(p.option.as_str()) && !p.exclude.iter().any(|e| e == cell)
                } else {
                    q.selected(cell).contains(&p.option.as_str())
                }
            };
            let excluded = |cell: &str| -> bool {
                if q.kind == Kind::Numeric {
                    p.exclude.iter().any(|e| e == cell)
                } else {
                    q.selected(cell).iter().any(|s| p.exclude.iter().any(|e| e == s))
                }
            };
            let (mut count, mut base) = (0u64, 0u64);
            for row in rows.iter().filter(|r| in_pop(r)) {
                let cell = row[c].as_str();
                match p.base {
                    Base::Answered => {
                        if !cell.is_empty() && !excluded(cell) {
                            base += 1;
                            count += u64::from(matches_option(cell));
                        }
                    }
                    Base::Asked | Base::All => {
                        if !excluded(cell) {
                            base += 1;
                            count += u64::from(matches_option(cell));
                        }
                    }
                    Base::Mentions => {
                        let sel = q.selected(cell);
                        base += sel.len() as u64;
                        count += sel.iter().filter(|s| **s == p.option).count() as u64;
                    }
                }
            }
            let base_name = match (&p.among, p.base) {
                (Some(a), b) => format!("{b:?} among {}", super::doc::describe(a)).to_lowercase(),
                (None, b) => format!("{b:?}").to_lowercase(),
            };
            out.push(judge(
                q.id.clone(),
                p.option.clone(),
                p.source,
                base_name,
                (p.percent, p.allowed_error(), p.base_n),
                (count, base),
                (p.deviation.clone(), p.verifiable == Some(false), full_size),
            ));
        }
    }
    for f in &cb.facts {
        let den: Vec<&Vec<String>> = rows.iter().filter(|r| cb.eval(&f.denominator, r)).collect();
        let num = den.iter().filter(|r| cb.eval(&f.numerator, r)).count() as u64;
        out.push(judge(
            format!("fact:{}", f.id),
            f.text.clone(),
            f.source,
            super::doc::describe(&f.denominator),
            (f.percent, allowed_error(f.precision, f.tolerance), f.base_n),
            (num, den.len() as u64),
            (None, false, full_size),
        ));
    }
    out
}

fn judge(
    question: String,
    option: String,
    source: Source,
    base: String,
    (published, allowed, published_base): (f64, f64, Option<u64>),
    (count, base_n): (u64, u64),
    (deviation, unverifiable, full_size): (Option<String>, bool, bool),
) -> Finding {
    let pct = if base_n == 0 {
        f64::NAN
    } else {
        100.0 * count as f64 / base_n as f64
    };
    let within = (pct - published).abs() <= allowed + 1e-9;
    let base_ok = !full_size || published_base.is_none_or(|b| b == base_n);
    let (status, note) = if unverifiable {
        (
            Status::NotVerifiable,
            "base includes answers the release withholds".to_string(),
        )
    } else if let Some(d) = deviation {
        (Status::Deviation, d)
    } else if !within {
        (Status::Fail, "outside the published precision".to_string())
    } else if !base_ok {
        (
            Status::Fail,
            format!("published base is {}", published_base.unwrap_or(0)),
        )
    } else {
        (Status::Ok, String::new())
    };
    Finding {
        question,
        option,
        source,
        base,
        published,
        allowed,
        published_base,
        count,
        base_n,
        status,
        note,
    }
}

fn duplicates(cb: &Codebook, rows: &[Vec<String>]) -> usize {
    let cols: Vec<usize> = (0..cb.questions.len())
        .filter(|&c| !cb.questions[c].kind.is_platform())
        .collect();
    let mut seen = HashSet::new();
    rows.iter()
        .filter(|r| {
            let key: Vec<&str> = cols.iter().map(|&c| r[c].as_str()).collect();
            !seen.insert(key)
        })
        .count()
}

fn group_sizes(cb: &Codebook, model: Option<&Model>, rows: &[Vec<String>], k: u64) -> Option<GroupSizes> {
    let keys: Vec<String> = model?.release.as_ref()?.key_questions.clone();
    if keys.is_empty() {
        return None;
    }
    let cols: Vec<usize> = keys.iter().filter_map(|id| cb.position(id)).collect();
    if cols.len() != keys.len() {
        return None;
    }
    let mut sizes: BTreeMap<Vec<String>, usize> = BTreeMap::new();
    for row in rows {
        let key: Vec<String> = cols
            .iter()
            .map(|&c| {
                let q = &cb.questions[c];
                let cell = row[c].as_str();
                if cell.is_empty() {
                    "(blank)".to_string()
                } else if q.kind == Kind::Numeric {
                    q.bin_of(cell).unwrap_or_else(|| cell.to_string())
                } else {
                    cell.to_string()
                }
            })
            .collect();
        *sizes.entry(key).or_default() += 1;
    }
    let mut list: Vec<(String, usize)> = sizes.iter().map(|(k, &n)| (k.join(" | "), n)).collect();
    list.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
    let below: Vec<&(String, usize)> = list.iter().filter(|(_, n)| (*n as u64) < k).collect();
    Some(GroupSizes {
        keys,
        k,
        groups: list.len(),
        groups_below_k: below.len(),
        rows_below_k: below.iter().map(|(_, n)| n).sum(),
        singletons: list.iter().filter(|(_, n)| *n == 1).count(),
        smallest: list.iter().take(10).cloned().collect(),
    })
}
