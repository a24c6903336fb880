//! Packaging a release: the dependency-model document and the manifest, which lists
//! each file with its sha256 checksum.
//!
//! It builds bytes only; writing the files is the command line's job.

use crate::model::Model;
use canvass_core::codebook::{Codebook, Condition, Kind, Test};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// Hex SHA-256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// The manifest of a release.
pub fn manifest(cb: &Codebook, model: &Model, seed: u64, rows: usize, files: &[(String, Vec<u8>)]) -> String {
    let release = model.release.as_ref();
    let withheld: Vec<&str> = cb
        .questions
        .iter()
        .filter(|q| q.always_blank() && !q.kind.is_platform())
        .map(|q| q.id.as_str())
        .collect();
    let mut file_map = serde_json::Map::new();
    for (name, bytes) in files {
        file_map.insert(
            name.clone(),
            json!({ "sha256": sha256_hex(bytes), "bytes": bytes.len() }),
        );
    }
    let v = json!({
        "title": cb.title,
        "version": release.map(|r| r.version.clone()),
        "respondents": rows,
        "synthetic": true,
        "generator": { "name": super::GENERATOR, "version": super::GENERATOR_VERSION, "seed": seed, "rows": rows },
        "source_report": release.map(|r| r.source_report.clone()),
        "licence": release.map(|r| r.licence.clone()),
        "disclosure_threshold_k": release.map(|r| r.disclosure_threshold),
        "free_text": "Free-text answers are not released: their columns are present and empty.",
        "withheld_columns": withheld,
        "notes": release.and_then(|r| r.notes.clone()),
        "files": Value::Object(file_map),
    });
    let mut s = serde_json::to_string_pretty(&v).expect("JSON values serialise");
    s.push('\n');
    s
}

/// Plain-language rendering of a condition.
pub fn describe(c: &Condition) -> String {
    match c {
        Condition::All(v) => v.iter().map(describe).collect::<Vec<_>>().join(" and "),
        Condition::Any(v) => format!("({})", v.iter().map(describe).collect::<Vec<_>>().join(" or ")),
        Condition::Not(x) => format!("not ({})", describe(x)),
        Condition::Test { question, test } => match test {
            Test::AnyOf(v) if v.len() == 1 => format!("{question} = \"{}\"", v[0]),
            Test::AnyOf(v) => format!("{question} in {{{}}}", quoted(v)),
            Test::AllOf(v) => format!("{question} includes all of {{{}}}", quoted(v)),
            Test::NoneOf(v) => format!("{question} answered and not in {{{}}}", quoted(v)),
            Test::Answered(true) => format!("{question} answered"),
            Test::Answered(false) => format!("{question} blank"),
            Test::Range {
                min: Some(a),
                max: Some(b),
            } => format!("{a} <= {question} <= {b}"),
            Test::Range {
                min: Some(a),
                max: None,
            } => format!("{question} >= {a}"),
            Test::Range {
                min: None,
                max: Some(b),
            } => format!("{question} <= {b}"),
            Test::Range { .. } => format!("{question} numeric"),
            Test::NotAbove(o) => format!("{question} <= {o} (scale order)"),
        },
    }
}

fn quoted(v: &[String]) -> String {
    v.iter().map(|s| format!("\"{s}\"")).collect::<Vec<_>>().join(", ")
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// The dependency model of a codebook as Markdown.
pub fn model_markdown(cb: &Codebook, m: &Model) -> String {
    let mut out = String::new();
    let push = |out: &mut String, s: &str| {
        out.push_str(s);
        out.push('\n');
    };
    push(&mut out, &format!("# {}: synthesis model", cb.title));
    push(&mut out, "");
    push(
        &mut out,
        "This document is generated from the `model` section of `codebook.json` by `canvass synth`; \
         edit the codebook, not this file. It lists every assumption the synthetic release rests on.",
    );
    push(&mut out, "");
    push(&mut out, "## Method");
    push(&mut out, "");
    push(
        &mut out,
        &format!(
            "The release has {} rows. For each closed question the generator first fixes integer counts per option \
             that reproduce every published percentage at its base after rounding to the published precision \
             (controlled rounding; counts published or derived from the report are taken exactly). It then picks \
             exactly as many answering respondents as the question had, among those the skip logic shows it to, and \
             deals the counted values out without replacement: each respondent draws from what is left, with odds \
             multiplied by the affinities below and set to zero where a hard rule would break. Remaining rule breaks \
             are repaired by swapping values between respondents, which keeps every count. Rankings are built as a \
             category-by-rank count matrix and split into complete rankings (perfect matchings). Questions are \
             generated in this order first: {}; the rest follow in file order.",
            m.rows,
            if m.order.is_empty() {
                "(none)".to_string()
            } else {
                m.order.join(", ")
            }
        ),
    );
    push(&mut out, "");
    push(&mut out, "## Not synthesised");
    push(&mut out, "");
    for q in cb
        .questions
        .iter()
        .filter(|q| q.always_blank() && !q.kind.is_platform())
    {
        let why = q
            .notes
            .as_deref()
            .unwrap_or(if q.kind == Kind::Text { "free text" } else { "withheld" });
        push(&mut out, &format!("- `{}`: {}", q.id, cell(why)));
    }
    if let Some(q) = cb.questions.iter().find(|q| q.kind == Kind::Country) {
        if let Some(n) = &q.notes {
            push(&mut out, "");
            push(&mut out, &format!("Countries (`{}`): {}", q.id, n));
        }
    }
    push(&mut out, "");
    push(&mut out, "## Assumed answer counts (not published)");
    push(&mut out, "");
    push(&mut out, "| question | answered | why |");
    push(&mut out, "|---|---|---|");
    for a in &m.answered {
        push(
            &mut out,
            &format!("| `{}` | {} | {} |", a.question, a.answered, cell(&a.why)),
        );
    }
    for t in &m.top_codes {
        push(
            &mut out,
            &format!("| `{}` = \"{}\" | {} | {} |", t.question, t.code, t.count, cell(&t.why)),
        );
    }
    push(&mut out, "");
    push(&mut out, "## Joint counts (quotas)");
    push(&mut out, "");
    push(&mut out, "| question | among | answered | counts | why |");
    push(&mut out, "|---|---|---|---|---|");
    for q in &m.quotas {
        let among = q.when.as_ref().map(describe).unwrap_or_else(|| "everyone asked".into());
        let counts = q
            .counts
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let answered = q.answered.map(|a| a.to_string()).unwrap_or_else(|| "-".into());
        push(
            &mut out,
            &format!(
                "| `{}` | {} | {} | {} | {} |",
                q.question,
                cell(&among),
                answered,
                cell(&counts),
                cell(&q.why)
            ),
        );
    }
    for p in &m.pairs {
        push(
            &mut out,
            &format!(
                "| `{}` | both \"{}\" and \"{}\" | - | {} | {} |",
                p.question,
                cell(&p.options[0]),
                cell(&p.options[1]),
                p.both,
                cell(&p.why)
            ),
        );
    }
    push(&mut out, "");
    push(&mut out, "## Hard rules (no synthetic respondent breaks these)");
    push(&mut out, "");
    push(&mut out, "| rule | if | then | why |");
    push(&mut out, "|---|---|---|---|");
    for r in &m.rules {
        push(
            &mut out,
            &format!(
                "| `{}` | {} | {} | {} |",
                r.id,
                cell(&describe(&r.if_)),
                cell(&describe(&r.then)),
                cell(&r.why)
            ),
        );
    }
    push(&mut out, "");
    push(&mut out, "Skip logic (`asked_if` in the codebook) is a hard rule too: nobody answers a question they would not have been shown.");
    push(&mut out, "");
    push(&mut out, "## Soft dependencies (affinities)");
    push(&mut out, "");
    push(&mut out, "Relative odds applied while dealing out a question's counted values; they shape the joint distribution, never the published margins.");
    push(&mut out, "");
    push(&mut out, "| question | when | odds | why |");
    push(&mut out, "|---|---|---|---|");
    for a in &m.affinities {
        let w = a
            .weights
            .iter()
            .map(|(k, v)| format!("{k} x{v}"))
            .collect::<Vec<_>>()
            .join("; ");
        push(
            &mut out,
            &format!(
                "| `{}` | {} | {} | {} |",
                a.question,
                cell(&describe(&a.when)),
                cell(&w),
                cell(&a.why)
            ),
        );
    }
    for n in &m.numeric {
        push(&mut out, "");
        push(
            &mut out,
            &format!(
                "Single values of `{}` inside each published bin follow a {} curve with median {} and sigma {}: {}",
                n.question, n.distribution, n.median, n.sigma, n.why
            ),
        );
    }
    if let Some(nr) = &m.nonresponse {
        push(&mut out, "");
        push(&mut out, "## Item non-response");
        push(&mut out, "");
        push(&mut out, &format!("Strength {}: {}", nr.strength, nr.why));
    }
    if let Some(md) = &m.metadata {
        push(&mut out, "");
        push(&mut out, "## Platform columns");
        push(&mut out, "");
        push(
            &mut out,
            &format!(
                "Field period {} to {}. {} Responses arrive front-loaded (daily weight e^(-day/12) + 0.15); \
                 duration is about 60 s plus 14 s per answer with log-normal spread; a response is finished when it \
                 reaches the last section, otherwise Progress is the share of the questionnaire reached.",
                md.field_start, md.field_end, md.why
            ),
        );
    }
    out
}
