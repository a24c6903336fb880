//! The committed NumPy 2020 synthetic release: it regenerates byte for byte,
//! passes its own audit, and holds the survey's structure when read back by
//! plain code that uses neither the generator nor the codebook's conditions.

use canvass_synth::{build_release, check_release, Status, CODEBOOK_FILE, MANIFEST_FILE, MODEL_FILE, RESPONSES_FILE};
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

fn release_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../www/data/numpy-2020")
}

fn committed() -> Vec<(String, Vec<u8>)> {
    [RESPONSES_FILE, CODEBOOK_FILE, MODEL_FILE, MANIFEST_FILE]
        .iter()
        .map(|n| (n.to_string(), std::fs::read(release_dir().join(n)).unwrap()))
        .collect()
}

fn file<'a>(files: &'a [(String, Vec<u8>)], name: &str) -> &'a [u8] {
    &files.iter().find(|(n, _)| n == name).unwrap().1
}

fn manifest() -> Value {
    serde_json::from_slice(&std::fs::read(release_dir().join(MANIFEST_FILE)).unwrap()).unwrap()
}

/// The data file as a table keyed by the first header row.
struct Table {
    col: HashMap<String, usize>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn read() -> Table {
        let text = std::fs::read_to_string(release_dir().join(RESPONSES_FILE)).unwrap();
        let mut lines = text.lines();
        let ids: Vec<&str> = lines.next().unwrap().split('\t').collect();
        let col = ids.iter().enumerate().map(|(i, id)| (id.to_string(), i)).collect();
        let rows = lines
            .skip(2)
            .map(|l| l.split('\t').map(str::to_string).collect())
            .collect();
        Table { col, rows }
    }
    fn get<'a>(&self, row: &'a [String], id: &str) -> &'a str {
        &row[*self.col.get(id).unwrap_or_else(|| panic!("no column {id}"))]
    }
}

#[test]
fn release_regenerates_byte_for_byte_from_codebook_and_seed() {
    let m = manifest();
    let seed = m["generator"]["seed"].as_u64().unwrap();
    let rows = m["generator"]["rows"].as_u64().unwrap() as usize;
    let files = committed();
    let fresh = build_release(file(&files, CODEBOOK_FILE), seed, rows).unwrap();
    for (name, bytes) in &fresh.files {
        assert!(
            file(&files, name) == bytes.as_slice(),
            "{name} differs from a fresh generation"
        );
    }
}

#[test]
fn committed_release_passes_the_fidelity_check() {
    let report = check_release(&committed()).unwrap();
    let failed: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.status == Status::Fail)
        .map(|f| format!("{} {}", f.question, f.option))
        .collect();
    assert!(failed.is_empty(), "failed: {failed:?}");
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert!(report.passed());
    assert_eq!(report.rows, 1236);
    // Every published number is accounted for, and the exceptions are few and named.
    assert!(report.count(Status::Ok) > 500);
    assert!(report.count(Status::Deviation) <= 2);
    assert_eq!(report.duplicate_rows, 0);
    let groups = report.groups.as_ref().expect("disclosure key in the codebook");
    assert_eq!(groups.k, 10);
    assert_eq!(groups.keys.len(), 4);
}

#[test]
fn another_seed_also_reproduces_every_published_number() {
    let files = committed();
    let other = build_release(file(&files, CODEBOOK_FILE), 7, 1236).unwrap();
    assert_ne!(other.file(RESPONSES_FILE), Some(file(&files, RESPONSES_FILE)));
    let report = check_release(&other.files).unwrap();
    assert!(report.passed(), "{}", report.render());
}

#[test]
fn skip_logic_and_structure_hold_in_the_data_file() {
    let t = Table::read();
    assert_eq!(t.rows.len(), 1236);
    let maybe = "Maybe (can\u{2019}t definitively say that NumPy was the problem)";
    for row in &t.rows {
        let v = |id: &str| t.get(row, id);
        let blank_unless = |ids: &[&str], asked: bool| {
            for id in ids {
                assert!(asked || v(id).is_empty(), "{id} answered but not asked: {row:?}");
            }
        };
        blank_unless(
            &["oss.projects", "oss.contr_type", "oss.regular", "oss.how_got_started"],
            v("oss.contributed") == "Yes",
        );
        blank_unless(&["oss.interested"], v("oss.contributed") == "No");
        blank_unless(
            &["oss.limitations"],
            v("oss.contributed") == "No" && v("oss.interested") == "Yes",
        );
        blank_unless(
            &[
                "numpy.contr_type",
                "numpy.regular",
                "numpy.how_got_started",
                "numpy.motivations",
                "numpy.continue",
            ],
            v("numpy.contributed") == "Yes",
        );
        blank_unless(&["numpy.interested"], v("numpy.contributed") == "No");
        blank_unless(
            &["numpy.interests"],
            v("numpy.contributed") == "No" && v("numpy.interested") == "Yes",
        );
        blank_unless(&["mentorship.role"], v("mentorship.participated") == "Yes");
        let role = v("mentorship.role");
        blank_unless(
            &[
                "mentorship.mentor_paid",
                "mentorship.mentor_motivation",
                "mentorship.mentor_connect",
                "mentorship.mentor_activities",
            ],
            role == "Mentor" || role == "Both",
        );
        blank_unless(
            &[
                "mentorship.mentee_charged",
                "mentorship.mentee_connect",
                "mentorship.mentee_activities",
                "mentorship.satisfaction",
            ],
            role == "Mentee" || role == "Both",
        );
        blank_unless(
            &["usage.bug_resolution"],
            v("usage.bug") == "Yes" || v("usage.bug") == maybe,
        );
        blank_unless(&["usage.unsolvable_resolution"], v("usage.unsolvable") == "Yes");
        // Rankings are complete permutations or absent.
        let ranks: Vec<&str> = [
            "website",
            "performance",
            "reliability",
            "packaging",
            "new_features",
            "documentation",
            "other",
        ]
        .iter()
        .map(|c| v(&format!("priorities.{c}")))
        .collect();
        if ranks.iter().any(|r| !r.is_empty()) {
            let set: BTreeSet<&str> = ranks.iter().copied().collect();
            assert_eq!(
                set,
                ["1", "2", "3", "4", "5", "6", "7"].into_iter().collect(),
                "{ranks:?}"
            );
        }
    }
}

#[test]
fn no_impossible_respondent() {
    let t = Table::read();
    let scale = ["Less than 1 year", "1-2 years", "3-5 years", "5-10 years", "10+ years"];
    let level = |s: &str| scale.iter().position(|x| *x == s);
    for row in &t.rows {
        let v = |id: &str| t.get(row, id);
        if let (Some(n), Some(p)) = (
            level(v("demographics.numpy_exp")),
            level(v("demographics.programming_exp")),
        ) {
            assert!(n <= p, "more years of NumPy than of programming: {row:?}");
        }
        let age: Option<u32> = v("demographics.age").parse().ok();
        let degree = v("demographics.degree");
        let role = v("demographics.role");
        if let Some(a) = age {
            assert!((10..=79).contains(&a));
            if degree.starts_with("Doctorate") {
                assert!(a >= 24, "doctorate at {a}");
            }
            if degree.starts_with("Master's") {
                assert!(a >= 21, "master's degree at {a}");
            }
            if v("demographics.programming_exp") == "10+ years" {
                assert!(a >= 20, "ten years of programming at {a}");
            }
            if v("demographics.numpy_exp") == "10+ years" {
                assert!(a >= 24, "ten years of NumPy at {a}");
            }
            if role == "Postdoctoral scholar" || role == "PhD student" {
                assert!(a >= 20, "{role} at {a}");
            }
        }
        if role == "Postdoctoral scholar" && !degree.is_empty() {
            assert!(degree.starts_with("Doctorate"), "postdoc without a doctorate");
        }
        if role == "PhD student" {
            assert!(
                !degree.starts_with("Doctorate") && !degree.starts_with("High school"),
                "PhD student with {degree}"
            );
        }
    }
}

/// A test on one row, given a cell getter.
type Pred<'a> = dyn Fn(&dyn Fn(&str) -> String) -> bool + 'a;

fn count_rows(t: &Table, f: &Pred<'_>) -> usize {
    t.rows
        .iter()
        .filter(|row| {
            let v = |id: &str| t.get(row, id).to_string();
            f(&v)
        })
        .count()
}

#[test]
fn published_cross_question_facts_hold_when_counted_by_hand() {
    let t = Table::read();
    let count = |f: &Pred<'_>| count_rows(&t, f);
    assert_eq!(count(&|v| v("numpy.contributed") == "Yes"), 88);
    assert_eq!(
        count(&|v| v("numpy.contributed") == "Yes" && v("oss.contributed") == "Yes"),
        85
    );
    assert_eq!(count(&|v| v("numpy.regular") == "Yes"), 16);
    assert_eq!(
        count(&|v| v("numpy.regular") == "Yes" && v("numpy.continue") == "Yes"),
        16
    );
    assert_eq!(
        count(&|v| v("numpy.regular") == "No" && v("numpy.continue") == "Yes"),
        58
    );
    let mentor = |v: &dyn Fn(&str) -> String| ["Mentor", "Both"].contains(&v("mentorship.role").as_str());
    let mentee = |v: &dyn Fn(&str) -> String| ["Mentee", "Both"].contains(&v("mentorship.role").as_str());
    assert_eq!(count(&|v| mentor(v)), 104);
    assert_eq!(count(&|v| mentor(v) && v("mentorship.interested") == "Yes"), 73);
    assert_eq!(count(&|v| mentee(v) && v("mentorship.interested") == "Yes"), 44);
    let both_docs = |v: &dyn Fn(&str) -> String| {
        let cell = v("numpy.interests");
        let sel: Vec<&str> = cell.split(';').collect();
        sel.iter().any(|s| s.starts_with("Writing technical documentation"))
            && sel.iter().any(|s| s.starts_with("Developing educational content"))
    };
    assert_eq!(count(&|v| both_docs(v)), 192);
    // 97% of NumPy contributors contributed elsewhere: 85/88 rounds to 97.
    assert_eq!((100.0 * 85.0f64 / 88.0).round(), 97.0);
}

#[test]
fn free_text_is_withheld_and_countries_are_only_those_named() {
    let files = committed();
    let codebook: Value = serde_json::from_slice(file(&files, CODEBOOK_FILE)).unwrap();
    let t = Table::read();
    for q in codebook["questions"].as_array().unwrap() {
        let id = q["id"].as_str().unwrap();
        if q["kind"] == "text" || q["withheld"] == true || q["no_data"] == true {
            assert!(t.rows.iter().all(|r| t.get(r, id).is_empty()), "{id} is not empty");
        }
    }
    let countries: BTreeSet<&str> = t
        .rows
        .iter()
        .map(|r| t.get(r, "demographics.country"))
        .filter(|c| !c.is_empty())
        .collect();
    // Countries the report lists only by name, with 10 or fewer respondents, never appear.
    for pooled in ["Cape Verde", "Togo", "Bolivia", "Hong Kong", "Latvia", "Portugal"] {
        assert!(!countries.contains(pooled), "{pooled} released");
    }
    assert!(countries.contains("Other") && countries.contains("United States"));
    assert_eq!(countries.len(), 28, "{countries:?}");
    let multi = t
        .rows
        .iter()
        .map(|r| t.get(r, "mentorship.mentor_activities"))
        .find(|c| c.contains(';'))
        .unwrap();
    assert!(
        !multi.split(';').any(|s| s.starts_with(' ')),
        "a multi-select cell split into fragments: {multi}"
    );
}

#[test]
fn checker_fails_on_tampered_files() {
    let files = committed();
    let text = String::from_utf8(file(&files, RESPONSES_FILE).to_vec()).unwrap();
    let replace = |from: &str, to: &str| -> Vec<(String, Vec<u8>)> {
        files
            .iter()
            .map(|(n, b)| {
                let b = if n == RESPONSES_FILE {
                    text.replace(from, to).into_bytes()
                } else {
                    b.clone()
                };
                (n.clone(), b)
            })
            .collect()
    };
    // Checksums catch any edit while the manifest is present.
    let edited = replace("\tJapan\t", "\tGermany\t");
    let report = check_release(&edited).unwrap();
    assert!(!report.passed());
    assert!(
        report.problems.iter().any(|p| p.contains("sha256")),
        "{:?}",
        report.problems
    );
    // Without the manifest, the published numbers themselves fail.
    let no_manifest: Vec<_> = edited.into_iter().filter(|(n, _)| n != MANIFEST_FILE).collect();
    let report = check_release(&no_manifest).unwrap();
    let failed: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.status == Status::Fail)
        .map(|f| f.option.as_str())
        .collect();
    assert!(failed.contains(&"Japan") && failed.contains(&"Germany"), "{failed:?}");
    // A respondent answering a question the skip logic hides is a structural failure.
    let lines: Vec<&str> = text.lines().collect();
    let ids: Vec<&str> = lines[0].split('\t').collect();
    let gate = ids.iter().position(|i| *i == "oss.contributed").unwrap();
    let follow = ids.iter().position(|i| *i == "oss.regular").unwrap();
    let row = lines
        .iter()
        .position(|l| l.split('\t').nth(gate) == Some("No"))
        .unwrap();
    let mut cells: Vec<&str> = lines[row].split('\t').collect();
    cells[follow] = "Yes";
    let mut tampered: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
    tampered[row] = cells.join("\t");
    let data = tampered.join("\n") + "\n";
    let files2: Vec<(String, Vec<u8>)> = files
        .iter()
        .filter(|(n, _)| n != MANIFEST_FILE)
        .map(|(n, b)| {
            (
                n.clone(),
                if n == RESPONSES_FILE {
                    data.clone().into_bytes()
                } else {
                    b.clone()
                },
            )
        })
        .collect();
    let report = check_release(&files2).unwrap();
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.contains("oss.regular") && p.contains("skip logic")),
        "{:?}",
        report.problems
    );
    assert!(!report.passed());
}

#[test]
fn generation_errors_are_explained_not_panics() {
    let files = committed();
    let cb = file(&files, CODEBOOK_FILE);
    assert!(build_release(b"{", 1, 10).unwrap_err().to_string().contains("line 1"));
    assert!(build_release(cb, 1, 0).unwrap_err().to_string().contains("at least 1"));
    // Small and large sizes still give structurally valid data (published numbers are exact only at 1236).
    for rows in [1, 37, 2500] {
        let r = build_release(cb, 3, rows).unwrap();
        let report = check_release(&r.files).unwrap();
        assert!(report.problems.is_empty(), "{rows} rows: {:?}", report.problems);
        assert_eq!(report.rows, rows);
    }
    // A codebook whose numbers cannot all hold is refused with the question and option named.
    let text = String::from_utf8(cb.to_vec()).unwrap();
    let broken = text.replacen("\"percent\": 47,", "\"percent\": 60,", 1);
    let err = build_release(broken.as_bytes(), 1, 1236).unwrap_err().to_string();
    assert!(
        err.contains("demographics.use_freq") && err.contains("'Daily'") && err.contains("cannot all hold"),
        "{err}"
    );
}
