//! The utility and risk report of a release: [`score`] measures every released file
//! against the raw responses ([`super::utility`], [`super::risk`]), applies the gates
//! ([`super::gates`]) and gives a [`Report`] that serialises to `report.json` and
//! renders `report.md`.
//!
//! It reads datasets only; making the release and writing its files happen elsewhere.

use super::gates::{evaluate, Gate, GateLimits};
use super::matched::match_file;
use super::risk::{dcr, dcr_rows, file_risk, Dcr, Risk};
use super::utility::{file_utility, Utility};
use canvass_core::Dataset;
use serde::Serialize;
use std::fmt::Write;

/// What to score.
pub struct ScoreInput<'a> {
    pub raw: &'a Dataset,
    /// The released files by name; two or more make a disjoint release, whose files
    /// share no key.
    pub released: Vec<(&'a str, &'a Dataset)>,
    /// Quasi-identifiers, as question ids.
    pub quasi: &'a [String],
    pub dcr: Option<DcrInput<'a>>,
    /// The same measurement with the halves swapped (fitted on `dcr`'s held-out rows,
    /// compared with its fitting rows); the share is then the mean of the two.
    pub dcr_swapped: Option<DcrInput<'a>>,
}

/// A synthesis made from part of the raw rows, for the distance-to-closest-record
/// share.
pub struct DcrInput<'a> {
    /// Raw rows the synthesis was fitted on.
    pub fit_rows: &'a [usize],
    /// Raw rows it never saw.
    pub held_out_rows: &'a [usize],
    pub synthetic: &'a Dataset,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub utility: Utility,
    pub risk: Risk,
    pub gates: Vec<Gate>,
    /// Write-in answers left out of the release and of its scores, by question.
    pub write_ins_withheld: Vec<WriteInsWithheld>,
}

/// One question's write-in answers, withheld as free text (see `write_ins`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WriteInsWithheld {
    pub question: String,
    /// Distinct write-in answers.
    pub answers: usize,
    /// Respondents who gave at least one.
    pub respondents: usize,
    /// What a respondent who gave only write-ins became ("\"Other\"" or "no answer").
    pub became: String,
}

impl WriteInsWithheld {
    /// The sentence the roles table, the report and the manifest give.
    pub fn sentence(&self) -> String {
        format!(
            "{} write-in answer{} of {} withheld as free text ({} respondent{}; one who wrote in only became {})",
            self.answers,
            if self.answers == 1 { "" } else { "s" },
            self.question,
            self.respondents,
            if self.respondents == 1 { "" } else { "s" },
            self.became
        )
    }
}

impl Report {
    /// Every gate passed.
    pub fn passed(&self) -> bool {
        self.gates.iter().all(|g| g.passed)
    }

    /// The gates that failed.
    pub fn failed(&self) -> impl Iterator<Item = &Gate> {
        self.gates.iter().filter(|g| !g.passed)
    }

    /// `report.json`.
    pub fn json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("the report serialises");
        s.push('\n');
        s
    }

    /// The headline figures: every gate, each file's utility scores and the
    /// distance-to-closest-record measurement with its sizes. The manifest's
    /// `metrics` and the CLI's `--json` summary.
    pub fn summary(&self) -> serde_json::Value {
        use serde_json::json;
        json!({
            "passed": self.passed(),
            "gates": self.gates.iter().map(|g| json!({
                "name": g.name, "passed": g.passed, "value": g.value, "limit": g.limit,
            })).collect::<Vec<_>>(),
            "utility": self.utility.files.iter().map(|f| json!({
                "file": f.file,
                "column_shapes": f.column_shapes,
                "column_pair_trends": f.pairs.column_pair_trends,
                "s_pmse": f.pmse.as_ref().map(|p| p.s_pmse),
                "conclusions_kept": f.conclusions.share_kept,
                "ci_overlap": f.ci_overlap.mean,
            })).collect::<Vec<_>>(),
            "risk": {
                "files": self.risk.files.iter().map(|f| json!({
                    "file": f.file,
                    "exact_copies": f.exact_copies.share,
                    "replicated_uniques": f.quasi.as_ref().map(|q| q.replicated_uniques.count),
                    "smallest_group": f.quasi.as_ref().map(|q| q.smallest_group),
                    "smallest_shared_group": f.quasi.as_ref().and_then(|q| q.smallest_shared_group),
                })).collect::<Vec<_>>(),
                "dcr": self.risk.dcr.as_ref().map(|d| json!({
                    "share": d.share, "n_fit": d.n_fit, "n_held_out": d.n_held_out, "n_compared": d.n_compared,
                })),
            },
        })
    }
}

/// Scores a release with the default gate limits. `progress(done, total)` is called
/// as the work advances.
pub fn score(input: &ScoreInput, progress: &mut dyn FnMut(usize, usize)) -> Report {
    score_with(input, &GateLimits::default(), progress)
}

/// [`score`] with chosen gate limits.
pub fn score_with(input: &ScoreInput, limits: &GateLimits, progress: &mut dyn FnMut(usize, usize)) -> Report {
    let matched: Vec<_> = input
        .released
        .iter()
        .map(|(name, ds)| match_file(name, input.raw, ds, input.quasi))
        .collect();
    let dcr_matched: Vec<_> = [&input.dcr, &input.dcr_swapped]
        .into_iter()
        .flatten()
        .map(|d| (d, match_file("dcr", input.raw, d.synthetic, input.quasi)))
        .collect();
    let dcr_total: usize = dcr_matched
        .iter()
        .map(|(d, m)| {
            if m.vars.iter().any(|v| v.scored) {
                dcr_rows(m, d.fit_rows.len() + d.held_out_rows.len())
            } else {
                0
            }
        })
        .sum();
    let total = matched
        .iter()
        .map(|m| m.vars.iter().filter(|v| v.scored).count() + 1)
        .sum::<usize>()
        + dcr_total;
    let mut done = 0usize;
    progress(done, total);

    let mut utility_files = Vec::new();
    let mut risk_files = Vec::new();
    for m in &matched {
        utility_files.push(file_utility(m, &mut || {
            done += 1;
            progress(done, total);
        }));
        risk_files.push(file_risk(m));
        done += 1;
        progress(done, total);
    }
    let folds: Vec<Dcr> = dcr_matched
        .iter()
        .filter_map(|(d, m)| {
            dcr(m, d.fit_rows, d.held_out_rows, &mut || {
                done += 1;
                progress(done, total);
            })
        })
        .collect();
    let dcr = two_fold(folds);
    let mut quasi: Vec<String> = input
        .quasi
        .iter()
        .filter(|q| input.raw.questions().iter().any(|r| r.id == **q))
        .cloned()
        .collect();
    quasi.dedup();
    let unknown_quasi: Vec<String> = input.quasi.iter().filter(|q| !quasi.contains(q)).cloned().collect();
    let risk = Risk {
        quasi,
        unknown_quasi,
        files: risk_files,
        dcr,
        cross_file: (input.released.len() > 1).then(|| {
            "not applicable: the files share no key or row order, so no released record ties one file's answers to another's".to_string()
        }),
    };
    let gates = evaluate(&risk, limits);
    progress(total, total);
    Report {
        utility: Utility { files: utility_files },
        risk,
        gates,
        write_ins_withheld: Vec::new(),
    }
}

/// The first fold with its shares replaced by the mean over the folds, each fold's
/// share kept: a split of a few hundred rows moves one fold's share by several
/// hundredths whatever the synthesis, and swapping the halves evens that out.
fn two_fold(folds: Vec<Dcr>) -> Option<Dcr> {
    let n = folds.len() as f64;
    let mean = |f: fn(&Dcr) -> f64| folds.iter().map(f).sum::<f64>() / n;
    let (share, closer_to_fit, ties) = (mean(|d| d.share), mean(|d| d.closer_to_fit), mean(|d| d.ties));
    let fold_shares = folds.iter().map(|d| d.share).collect();
    folds.into_iter().next().map(|first| Dcr {
        share,
        closer_to_fit,
        ties,
        fold_shares,
        ..first
    })
}

fn pct(v: f64) -> String {
    format!("{:.1}%", 100.0 * v)
}

fn opt(v: Option<f64>, digits: usize) -> String {
    v.map_or_else(|| "not measured".to_string(), |v| format!("{v:.digits$}"))
}

impl Report {
    /// `report.md`: every figure with what it means, and a verdict per gate.
    pub fn markdown(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "# Release report\n");
        let verdict = if self.passed() {
            "The release passes every risk gate."
        } else {
            "The release fails at least one risk gate: read the advice under each failed gate before publishing."
        };
        let _ = writeln!(s, "{verdict}\n");
        let _ = writeln!(s, "## Risk gates\n");
        for g in &self.gates {
            let mark = if g.passed { "passed" } else { "FAILED" };
            let value = g
                .value
                .map_or_else(|| "not measured".to_string(), |v| format!("{v:.3}"));
            let _ = writeln!(
                s,
                "- **{}: {mark}** (value {value}, limit {}). {}.",
                g.name,
                g.limit,
                capitalise(&g.meaning)
            );
            if !g.advice.is_empty() {
                let _ = writeln!(s, "  What to change: {}.", g.advice);
            }
        }
        if !self.write_ins_withheld.is_empty() {
            let _ = writeln!(s, "\n## Write-in answers withheld\n");
            let _ = writeln!(
                s,
                "Typed-in answers are free text: they are neither released nor scored unless the team curates them.\n"
            );
            for w in &self.write_ins_withheld {
                let _ = writeln!(s, "- {}.", capitalise(&w.sentence()));
            }
        }
        for f in &self.utility.files {
            let _ = writeln!(s, "\n## Utility of {}\n", f.file);
            let _ = writeln!(
                s,
                "{} raw respondents, {} synthetic records. Scores run from 0 (nothing alike) to 1 (identical).\n",
                f.n_raw, f.n_synthetic
            );
            let _ = writeln!(
                s,
                "- **Column shapes {}**: how alike each question's answers are, one question at a time (1 − total variation distance; the Kolmogorov–Smirnov complement for numbers), averaged as SDMetrics' quality report does.",
                opt(f.column_shapes, 3)
            );
            let _ = writeln!(
                s,
                "- **Column pair trends {}** over {} pairs (mean distance of the two-way tables {}): how alike the answers to two questions are together.",
                opt(f.pairs.column_pair_trends, 3),
                f.pairs.n_pairs,
                opt(f.pairs.mean_tvd, 3)
            );
            if !f.pairs.worst.is_empty() {
                let _ = writeln!(s, "  The least alike pairs:");
                for p in &f.pairs.worst {
                    let _ = writeln!(s, "  - {} × {}: distance {:.3}", p.a, p.b, p.tvd);
                }
            }
            match &f.pmse {
                Some(p) => {
                    let _ = writeln!(
                        s,
                        "- **pMSE {:.5}, S_pMSE {:.2}**: a logistic regression with {} parameters tried to tell synthetic records from real ones; S_pMSE near 1 means it did no better than chance would, larger means it found differences.",
                        p.pmse, p.s_pmse, p.k
                    );
                }
                None => {
                    let _ = writeln!(s, "- **pMSE**: not measured (no rows on one side).");
                }
            }
            let c = &f.conclusions;
            let _ = writeln!(
                s,
                "- **Conclusions kept {}**: of {} pairs of questions related at the 5% level in the raw data (χ² test), {} are related in the release too; {} pairs related only in the release.",
                opt(c.share_kept.map(|v| 100.0 * v), 1) + "%",
                c.n_significant_raw,
                c.n_kept,
                c.n_spurious
            );
            let _ = writeln!(
                s,
                "- **Confidence-interval overlap {}** over {} published-style percentages: 1 when the 95% intervals from the release and the raw data coincide, 0 or less when they do not touch.",
                opt(f.ci_overlap.mean, 3),
                f.ci_overlap.n_estimates
            );
            if !f.not_scored.is_empty() {
                let _ = writeln!(s, "- Not scored: {}.", f.not_scored.join("; "));
            }
        }
        let _ = writeln!(s, "\n## Risk\n");
        if self.risk.quasi.is_empty() {
            let _ = writeln!(
                s,
                "No quasi-identifiers were named, so the measures that need them were not taken.\n"
            );
        } else {
            let _ = writeln!(
                s,
                "Quasi-identifiers (what an intruder may know about a person): {}.\n",
                self.risk.quasi.join(", ")
            );
        }
        if !self.risk.unknown_quasi.is_empty() {
            let _ = writeln!(
                s,
                "Not questions of the raw file, so not used as quasi-identifiers: {}.\n",
                self.risk.unknown_quasi.join(", ")
            );
        }
        for f in &self.risk.files {
            let _ = writeln!(s, "### {}\n", f.file);
            let _ = writeln!(
                s,
                "- **Exact copies {}** ({} records): synthetic records identical to a real one on every released column; {} copy a real record that is unique.",
                pct(f.exact_copies.share),
                f.exact_copies.count,
                f.unique_copies.count
            );
            if let Some(d) = f.median_dcr_to_raw {
                let _ = writeln!(
                    s,
                    "- **Median distance to the closest real record {d:.3}** (share of columns that differ, over {} synthetic records).",
                    f.median_dcr_rows
                );
            }
            match &f.quasi {
                None => {
                    let _ = writeln!(s, "- This file holds no quasi-identifier.");
                }
                Some(q) => {
                    let _ = writeln!(
                        s,
                        "- **On the quasi-identifiers**: {} of synthetic records match a real combination; {} replicated uniques; the smallest group has {} record{}; among combinations real respondents share, the smallest group (real or synthetic, the larger) has {}.",
                        pct(q.exact_copies.share),
                        q.replicated_uniques.count,
                        q.smallest_group,
                        if q.smallest_group == 1 { "" } else { "s" },
                        q.smallest_shared_group.map_or_else(|| "none: no combination is shared".to_string(), |n| n.to_string())
                    );
                    if let Some(worst) = q.disclosure.first() {
                        let _ = writeln!(
                            s,
                            "- **Attribute disclosure**: knowing a respondent's quasi-identifiers, the release gives away the answer to {} for {} of real respondents (the raw data itself would for {}). Per answer, most disclosed first:",
                            worst.target,
                            pct(worst.disclosed),
                            pct(worst.baseline)
                        );
                        for d in q.disclosure.iter().take(10) {
                            let _ = writeln!(
                                s,
                                "  - {}: {} (raw data: {})",
                                d.target,
                                pct(d.disclosed),
                                pct(d.baseline)
                            );
                        }
                    }
                }
            }
            let _ = writeln!(s);
        }
        match &self.risk.dcr {
            Some(d) => {
                let _ = writeln!(
                    s,
                    "**Distance to closest record {:.3}**: a synthesis from {} real records was compared with them and with {} held-out records; {} of {} synthetic records compared lie closer to the records it learnt from (ties count half). 0.5 means nothing is memorised.",
                    d.share,
                    d.n_fit,
                    d.n_held_out,
                    pct(d.closer_to_fit + 0.5 * d.ties),
                    d.n_compared
                );
            }
            None => {
                let _ = writeln!(s, "**Distance to closest record**: not measured.");
            }
        }
        if let Some(note) = &self.risk.cross_file {
            let _ = writeln!(s, "\nMeasures across files: {note}.");
        }
        s
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use canvass_core::{load, LoadOptions};

    fn dataset(csv: &str) -> Dataset {
        load(csv.as_bytes(), &LoadOptions::default()).unwrap().dataset
    }

    #[test]
    fn a_copied_release_fails_its_gates_and_says_what_to_change() {
        let mut csv = String::from("age,sex,answer\n");
        for i in 0..60 {
            csv.push_str(&format!(
                "{},{},{}\n",
                20 + i,
                ["f", "m"][i % 2],
                ["yes", "no", "maybe"][i % 3]
            ));
        }
        let raw = dataset(&csv);
        let quasi = vec!["age".to_string(), "sex".to_string(), "height".to_string()];
        let fit: Vec<usize> = (0..30).collect();
        let held: Vec<usize> = (30..60).collect();
        let half = dataset(&csv.lines().take(31).collect::<Vec<_>>().join("\n"));
        let input = ScoreInput {
            raw: &raw,
            released: vec![("responses.csv", &raw)],
            quasi: &quasi,
            dcr: Some(DcrInput {
                fit_rows: &fit,
                held_out_rows: &held,
                synthetic: &half,
            }),
            dcr_swapped: None,
        };
        let mut calls = Vec::new();
        let report = score(&input, &mut |d, t| calls.push((d, t)));
        assert!(!report.passed());
        let failed: Vec<&str> = report.gates.iter().filter(|g| !g.passed).map(|g| g.name).collect();
        assert_eq!(
            failed,
            [
                "replicated_uniques",
                "dcr_share",
                "exact_copies",
                "smallest_quasi_group"
            ]
        );
        assert!(report.gates.iter().all(|g| g.passed || !g.advice.is_empty()));
        assert_eq!(report.risk.dcr.as_ref().unwrap().share, 1.0);
        assert_eq!(calls.last().map(|c| c.0 == c.1), Some(true));
        assert!(calls.windows(2).all(|w| w[0].0 <= w[1].0));
        let md = report.markdown();
        assert!(md.contains("**replicated_uniques: FAILED**"), "{md}");
        assert_eq!(report.risk.unknown_quasi, ["height"]);
        assert!(md.contains("Not questions of the raw file, so not used as quasi-identifiers: height."));
        let json = serde_json::to_value(&report).unwrap();
        assert!(json["utility"]["files"][0]["column_shapes"].is_number());
        assert!(json["gates"].as_array().unwrap().len() == 4);
    }

    #[test]
    fn a_disjoint_release_scores_each_file_and_says_why_cross_file_risk_does_not_apply() {
        let raw = dataset("age,sex,a,b\n20,f,yes,p\n30,m,no,q\n40,f,yes,p\n50,m,no,q\n");
        let demo = dataset("age,sex\n20,f\n30,m\n40,f\n50,m\n");
        let answers = dataset("a,b\nno,p\nyes,q\nyes,q\nno,p\n");
        let quasi = vec!["age".to_string(), "sex".to_string()];
        let input = ScoreInput {
            raw: &raw,
            released: vec![("demographics.csv", &demo), ("answers.csv", &answers)],
            quasi: &quasi,
            dcr: None,
            dcr_swapped: None,
        };
        let report = score(&input, &mut |_, _| {});
        assert_eq!(report.utility.files.len(), 2);
        assert!(report.risk.files[1].quasi.is_none());
        assert!(report.risk.cross_file.is_some());
        assert!(report.risk.unknown_quasi.is_empty());
        let dcr_gate = report.gates.iter().find(|g| g.name == "dcr_share").unwrap();
        assert!(!dcr_gate.passed && dcr_gate.value.is_none());
        // The answers file has no quasi-identifier, and the demographics file is
        // nothing but quasi-identifiers: exact copies there are judged by the groups.
        let copies = report.gates.iter().find(|g| g.name == "exact_copies").unwrap();
        assert_eq!(copies.value, Some(0.0));
    }

    #[test]
    fn the_group_gate_judges_only_combinations_real_respondents_share() {
        // Raw: 10 of (a, x), 10 of (b, y), one (c, z).
        let mut raw = String::from("p,q,answer\n");
        for i in 0..10 {
            raw.push_str(&format!("a,x,{}\nb,y,{}\n", i % 2, i % 3));
        }
        raw.push_str("c,z,1\n");
        let raw = dataset(&raw);
        let quasi = vec!["p".to_string(), "q".to_string()];
        let gate = |synthetic: &str| {
            let syn = dataset(synthetic);
            let report = score(
                &ScoreInput {
                    raw: &raw,
                    released: vec![("responses.csv", &syn)],
                    quasi: &quasi,
                    dcr: None,
                    dcr_swapped: None,
                },
                &mut |_, _| {},
            );
            let q = report.risk.files[0].quasi.clone().unwrap();
            let g = report
                .gates
                .into_iter()
                .find(|g| g.name == "smallest_quasi_group")
                .unwrap();
            (q.smallest_group, g.value, g.passed)
        };
        // A synthetic record alone on a combination no one has (a, y), and one alone on
        // a combination ten people share (a, x): no one is singled out.
        let (smallest, value, passed) = gate("p,q,answer\na,y,1\na,x,0\nb,y,1\nb,y,2\n");
        assert_eq!(smallest, 1);
        assert_eq!(value, Some(10.0));
        assert!(passed);
        // Two synthetic records of the combination only one respondent has.
        let (_, value, passed) = gate("p,q,answer\nc,z,1\nc,z,0\na,x,0\n");
        assert_eq!(value, Some(2.0));
        assert!(!passed);
        // Nothing shared: nothing to judge.
        let (_, value, passed) = gate("p,q,answer\na,z,1\nc,x,0\n");
        assert_eq!(value, None);
        assert!(passed);
    }
}
