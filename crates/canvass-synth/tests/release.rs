//! Releases made from raw responses: determinism, leaf sizes, skip logic, rankings,
//! multi-selects, disjoint files, the raw layout written back, and bad input.
//!
//! The bundled NumPy release stands in for a raw Qualtrics export (1,236 rows, a
//! codebook with skip rules, rankings and multi-selects).

use canvass_core::codebook::parse_codebook;
use canvass_core::crosstab::{crosstab, CrosstabSpec};
use canvass_core::dataset::{CategoricalCell, Column, Dataset};
use canvass_core::{load, load_with_source, LoadOptions};
use canvass_synth::release::cart::{grow, Binned, Growth, Response};
use canvass_synth::release::encoded::{encode, Values};
use canvass_synth::release::roles::Overrides;
use canvass_synth::release::synthesize::{bw_nrd0, synthesize, SynthOptions};
use canvass_synth::release::{make, ReleaseError, ReleaseFiles, ReleaseOptions};
use std::collections::HashSet;

fn root(path: &str) -> String {
    format!("{}/../../{path}", env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &str) -> Vec<u8> {
    std::fs::read(root(path)).unwrap()
}

fn numpy_raw() -> (Vec<u8>, Vec<u8>) {
    (
        read("www/data/numpy-2020/responses.tsv"),
        read("www/data/numpy-2020/codebook.json"),
    )
}

fn numpy_release(options: &ReleaseOptions) -> ReleaseFiles {
    let (raw, cb) = numpy_raw();
    make(&raw, Some(&cb), options, &mut |_, _| {}).unwrap()
}

fn options(seed: u64) -> ReleaseOptions {
    ReleaseOptions {
        seed,
        measure_dcr: false,
        ..ReleaseOptions::default()
    }
}

fn load_release(release: &ReleaseFiles, file: &str, codebook: Option<&str>) -> canvass_core::Loaded {
    let cb = codebook.map(|name| parse_codebook(release.file(name).unwrap()).unwrap());
    load(
        release.file(file).unwrap(),
        &LoadOptions {
            codebook: cb,
            ..LoadOptions::default()
        },
    )
    .unwrap()
}

#[test]
fn a_seed_gives_the_same_files_and_another_seed_others() {
    let a = numpy_release(&options(11));
    let b = numpy_release(&options(11));
    let c = numpy_release(&options(12));
    assert_eq!(a.files, b.files);
    assert_ne!(a.file("responses.tsv"), c.file("responses.tsv"));
}

#[test]
fn every_leaf_holds_at_least_min_leaf_raw_rows() {
    let (raw, cb) = numpy_raw();
    let cb = parse_codebook(&cb).unwrap();
    let ds = load(
        &raw,
        &LoadOptions {
            codebook: Some(cb),
            ..LoadOptions::default()
        },
    )
    .unwrap()
    .dataset;
    let chartable: Vec<usize> = (0..ds.questions().len())
        .filter(|&q| ds.questions()[q].kind.is_chartable() && ds.questions()[q].answered() > 0)
        .collect();
    let enc = encode(&ds, &chartable);
    // Each variable from all the others, as the last step of a visit sequence would be.
    let binned: Vec<Binned> = enc
        .variables
        .iter()
        .map(|v| match &v.values {
            Values::Categorical { levels, codes } => Binned {
                bins: codes.iter().map(|&c| c as u16).collect(),
                n_bins: levels.len(),
                ordered: false,
            },
            Values::Numeric { values, .. } => Binned {
                bins: values
                    .iter()
                    .map(|x| if x.is_nan() { 0 } else { 1 + (*x as u16).min(200) })
                    .collect(),
                n_bins: 202,
                ordered: true,
            },
        })
        .collect();
    let mut trees = 0;
    for min_leaf in [5, 12] {
        for (v, var) in enc.variables.iter().enumerate().step_by(7) {
            let Values::Categorical { levels, codes } = &var.values else {
                continue;
            };
            let preds: Vec<&Binned> = binned
                .iter()
                .enumerate()
                .filter(|(p, _)| *p != v)
                .map(|(_, b)| b)
                .collect();
            let tree = grow(
                &preds,
                Response::Classes {
                    classes: codes,
                    n_classes: levels.len(),
                },
                (0..enc.n_rows as u32).collect(),
                &Growth { min_leaf, cp: 1e-8 },
            );
            let sizes: Vec<usize> = tree.leaves().map(<[u32]>::len).collect();
            assert!(sizes.iter().all(|&s| s >= min_leaf), "{}: {sizes:?}", var.name);
            assert_eq!(sizes.iter().sum::<usize>(), enc.n_rows);
            if sizes.len() > 1 {
                trees += 1;
            }
        }
    }
    // The claim is only tested by trees that split.
    assert!(trees >= 10, "only {trees} trees split");
}

#[test]
fn a_tree_finds_the_split_that_separates_its_classes() {
    // y is 1 exactly when the category is b or d; x2 is noise. One split on x1 is right.
    let n = 200;
    let x1: Vec<u16> = (0..n).map(|i| (i % 4) as u16).collect();
    let x2: Vec<u16> = (0..n).map(|i| ((i * 7) % 5) as u16).collect();
    let y: Vec<u32> = x1.iter().map(|&c| u32::from(c == 1 || c == 3)).collect();
    let p1 = Binned {
        bins: x1,
        n_bins: 4,
        ordered: false,
    };
    let p2 = Binned {
        bins: x2,
        n_bins: 5,
        ordered: true,
    };
    let tree = grow(
        &[&p2, &p1],
        Response::Classes {
            classes: &y,
            n_classes: 2,
        },
        (0..n as u32).collect(),
        &Growth::default(),
    );
    assert_eq!(tree.n_leaves(), 2);
    for leaf in tree.leaves() {
        let first = y[leaf[0] as usize];
        assert!(leaf.iter().all(|&r| y[r as usize] == first));
    }
    let left = tree.donors(&|p| if p == 1 { 1 } else { 0 });
    assert!(left.iter().all(|&r| y[r as usize] == 1));
}

#[test]
fn bandwidth_is_r_bw_nrd0() {
    // R 4.3: bw.nrd0(c(1, 2, 3, 4, 10)) = 0.9 * min(sd, IQR/1.34) * 5^-0.2
    //   sd = 3.535534, IQR = 2, so min = 1.492537; 0.9 * 1.492537 * 0.7247797 = 0.9735843
    assert!((bw_nrd0(&[1.0, 2.0, 3.0, 4.0, 10.0]) - 0.9735843).abs() < 1e-6);
    // Constant values fall back to |x1|: 0.9 * 5 * 4^-0.2 = 3.410361
    assert!((bw_nrd0(&[5.0; 4]) - 3.410361).abs() < 1e-5);
}

#[test]
fn no_synthetic_respondent_answers_a_question_its_skip_rule_did_not_ask() {
    let release = numpy_release(&options(3));
    let cb = parse_codebook(release.file("codebook.json").unwrap()).unwrap();
    let (_, source) = load_with_source(
        release.file("responses.tsv").unwrap(),
        &LoadOptions {
            codebook: Some(cb.clone()),
            ..LoadOptions::default()
        },
    )
    .unwrap();
    let source = source.unwrap();
    let mut checked = 0;
    let mut not_asked = 0;
    for (pos, q) in cb.questions.iter().enumerate() {
        let Some(cond) = &q.asked_if else { continue };
        for row in &source.rows {
            checked += 1;
            if !cb.eval(cond, row) {
                not_asked += 1;
                assert_eq!(row[pos], "", "{} answered though not asked", q.id);
            }
        }
    }
    assert!(
        checked > 10_000 && not_asked > 5_000,
        "{checked} checked, {not_asked} not asked"
    );
}

#[test]
fn every_synthetic_ranking_is_a_raw_respondents_ranking() {
    let release = numpy_release(&options(4));
    let raw = &release.raw;
    let syn = &load_release(&release, "responses.tsv", Some("codebook.json")).dataset;
    let ranking = |ds: &Dataset, row: usize| -> Vec<CategoricalCell> {
        ds.group_members(
            &ds.questions()[ds.find("priorities.website").unwrap()]
                .group
                .clone()
                .unwrap(),
        )
        .iter()
        .map(|&q| match &ds.questions()[q].column {
            Column::Categorical(c) => c.cell(row),
            _ => panic!(),
        })
        .collect()
    };
    let raw_rankings: HashSet<String> = (0..raw.n_rows()).map(|r| format!("{:?}", ranking(raw, r))).collect();
    let mut ranked = 0;
    for row in 0..syn.n_rows() {
        let r = ranking(syn, row);
        assert!(raw_rankings.contains(&format!("{r:?}")), "row {row}: {r:?}");
        let ranks: Vec<u16> = r
            .iter()
            .filter_map(|c| match c {
                CategoricalCell::Level(l) => Some(*l),
                _ => None,
            })
            .collect();
        let distinct: HashSet<u16> = ranks.iter().copied().collect();
        assert_eq!(distinct.len(), ranks.len(), "row {row} repeats a rank: {r:?}");
        ranked += usize::from(ranks.len() > 1);
    }
    assert!(ranked > 100, "{ranked}");
}

#[test]
fn the_release_loads_back_with_the_raw_questions_kinds_and_options() {
    let release = numpy_release(&options(5));
    let raw = &release.raw;
    let syn = &load_release(&release, "responses.tsv", Some("codebook.json")).dataset;
    let released: Vec<&str> = release
        .roles
        .iter()
        .filter(|r| r.released)
        .map(|r| r.question.as_str())
        .collect();
    let ids: Vec<&str> = syn.questions().iter().map(|q| q.id.as_str()).collect();
    assert_eq!(ids, released);
    let mut multis = 0;
    for q in syn.questions() {
        let rq = &raw.questions()[raw.find(&q.id).unwrap()];
        assert_eq!(q.kind, rq.kind, "{}", q.id);
        if let (Column::Multi(s), Column::Multi(r)) = (&q.column, &rq.column) {
            multis += 1;
            let raw_options: HashSet<&String> = r.options().iter().collect();
            for (i, option) in s.options().iter().enumerate() {
                assert!(
                    raw_options.contains(option) || s.selected(i).count_ones() == 0,
                    "{}: {option}",
                    q.id
                );
            }
        }
    }
    assert!(multis >= 10, "{multis}");
    assert_eq!(syn.n_rows(), raw.n_rows());
}

fn cramers_v(ds: &Dataset, a: usize, b: usize) -> f64 {
    let t = crosstab(ds, &CrosstabSpec::new(a, b)).unwrap();
    t.chi2.unwrap().cramers_v
}

#[test]
fn disjoint_files_share_no_column_and_no_row_order() {
    let mut o = options(6);
    o.disjoint = true;
    o.overrides = Overrides {
        quasi: Some(vec!["demographics.programming_exp".into()]),
        ..Overrides::default()
    };
    let release = numpy_release(&o);
    let names: Vec<&str> = release.files.iter().map(|(n, _)| n.as_str()).collect();
    assert!(
        names.contains(&"demographics.tsv") && names.contains(&"answers.tsv"),
        "{names:?}"
    );
    let demo = load_release(&release, "demographics.tsv", Some("demographics.codebook.json")).dataset;
    let answers = load_release(&release, "answers.tsv", Some("answers.codebook.json")).dataset;
    let demo_ids: HashSet<&str> = demo.questions().iter().map(|q| q.id.as_str()).collect();
    assert_eq!(demo_ids, HashSet::from(["demographics.programming_exp"]));
    assert!(answers.questions().iter().all(|q| !demo_ids.contains(q.id.as_str())));
    // Years of programming and of NumPy go together in the raw data; paired row by row
    // across the two files they must not.
    let raw = &release.raw;
    let raw_v = cramers_v(
        raw,
        raw.find("demographics.programming_exp").unwrap(),
        raw.find("demographics.numpy_exp").unwrap(),
    );
    let mut paired = answers.questions().to_vec();
    paired.push(demo.questions()[0].clone());
    let paired = Dataset::new(answers.n_rows(), paired).unwrap();
    let v = cramers_v(
        &paired,
        paired.find("demographics.programming_exp").unwrap(),
        paired.find("demographics.numpy_exp").unwrap(),
    );
    assert!(raw_v > 0.3, "raw V {raw_v}");
    assert!(v < 0.12, "paired V {v} (raw {raw_v})");
}

#[test]
fn a_joint_release_keeps_an_association_the_raw_data_has() {
    let release = numpy_release(&options(8));
    let raw = &release.raw;
    let syn = load_release(&release, "responses.tsv", Some("codebook.json")).dataset;
    let v = |ds: &Dataset| {
        cramers_v(
            ds,
            ds.find("demographics.programming_exp").unwrap(),
            ds.find("demographics.numpy_exp").unwrap(),
        )
    };
    let (raw_v, syn_v) = (v(raw), v(&syn));
    assert!((raw_v - syn_v).abs() < 0.1, "raw {raw_v}, synthetic {syn_v}");
}

#[test]
fn replicated_uniques_are_replaced() {
    let (raw, cb) = numpy_raw();
    let cb = parse_codebook(&cb).unwrap();
    let ds = load(
        &raw,
        &LoadOptions {
            codebook: Some(cb.clone()),
            ..LoadOptions::default()
        },
    )
    .unwrap()
    .dataset;
    let quasi: Vec<usize> = [
        "demographics.gender",
        "demographics.country",
        "demographics.role",
        "demographics.degree",
    ]
    .iter()
    .map(|id| ds.find(id).unwrap())
    .collect();
    let run = |remove: bool| {
        synthesize(
            &ds,
            &quasi,
            &quasi,
            Some(&cb),
            &SynthOptions {
                rows: ds.n_rows(),
                seed: 9,
                remove_replicated_uniques: remove,
                ..SynthOptions::default()
            },
            &mut |_, _| {},
        )
    };
    let count = |s: &canvass_synth::release::synthesize::Synthesis| {
        let key = |e: &canvass_synth::release::encoded::Encoded, row: usize| -> Vec<String> {
            e.variables
                .iter()
                .map(|v| match &v.values {
                    Values::Categorical { levels, codes } => levels[codes[row] as usize].to_string(),
                    Values::Numeric { .. } => unreachable!(),
                })
                .collect()
        };
        let mut raw_counts = std::collections::HashMap::new();
        for r in 0..s.raw.n_rows {
            *raw_counts.entry(key(&s.raw, r)).or_insert(0) += 1;
        }
        let mut syn_counts = std::collections::HashMap::new();
        for r in 0..s.synthetic.n_rows {
            *syn_counts.entry(key(&s.synthetic, r)).or_insert(0) += 1;
        }
        syn_counts
            .iter()
            .filter(|(k, &c)| c == 1 && raw_counts.get(*k) == Some(&1))
            .count()
    };
    let kept = run(false);
    let removed = run(true);
    assert!(count(&kept) > 10, "{}", count(&kept));
    assert_eq!(count(&removed), 0);
    assert_eq!(removed.synthetic.n_rows + removed.rows_short, ds.n_rows());
}

// ── Bad input ────────────────────────────────────────────────────────────────

fn made_up_csv(rows: usize, extra: &dyn Fn(usize) -> Vec<String>, extra_header: &[&str]) -> Vec<u8> {
    let mut s = String::from("email,age,colour,langs,years");
    for h in extra_header {
        s.push(',');
        s.push_str(h);
    }
    s.push('\n');
    let colours = ["red", "green", "blue", "green"];
    let langs = ["\"Python, R\"", "Python", "R", "\"Python, Julia\"", "Julia"];
    for i in 0..rows {
        s.push_str(&format!(
            "p{i}@example.org,{},{},{},{}",
            ["18-24", "25-34", "35-44", "45+"][i % 4],
            colours[(i / 3) % 4],
            langs[(i * 7) % 5],
            format_args!("{}.{}", 1 + i % 9, i % 10)
        ));
        for cell in extra(i) {
            s.push(',');
            s.push_str(&cell);
        }
        s.push('\n');
    }
    s.into_bytes()
}

fn error_of(raw: &[u8], o: &ReleaseOptions) -> String {
    match make(raw, None, o, &mut |_, _| {}) {
        Err(e) => e.to_string(),
        Ok(r) => panic!("no error; roles {:?}", r.roles),
    }
}

fn role_of(raw: &[u8], question: &str) -> (bool, String) {
    let r = make(raw, None, &options(1), &mut |_, _| {}).unwrap();
    let role = r.roles.iter().find(|x| x.question == question).unwrap();
    (role.released, role.reason.clone())
}

#[test]
fn bad_input_gets_a_sentence() {
    let few = make_up(40);
    let e = error_of(&few, &options(1));
    assert!(e.contains("40 respondents, fewer than the 50"), "{e}");

    let e = error_of(&read("tests/data/fail-binary-nul.csv"), &options(1));
    assert!(e.starts_with("the raw file could not be read"), "{e}");

    let mut o = options(1);
    o.overrides.quasi = Some(vec!["nationality".into()]);
    let e = error_of(&make_up(60), &o);
    assert!(
        e.contains("--quasi names \"nationality\", which is no question of the file"),
        "{e}"
    );

    o.overrides.quasi = None;
    o.overrides.curated = vec!["colour".into()];
    let e = error_of(&make_up(60), &o);
    assert!(e.contains("--curated names \"colour\", which is not free text"), "{e}");

    let mut o = options(1);
    o.rows = Some(0);
    let e = error_of(&make_up(60), &o);
    assert!(e.contains("--rows and --min-leaf must be at least 1"), "{e}");

    let e = match make(&make_up(60), Some(b"{\"format\": 1}"), &options(1), &mut |_, _| {}) {
        Err(e @ ReleaseError::Codebook(_)) => e.to_string(),
        other => panic!("{other:?}"),
    };
    assert!(e.starts_with("the codebook could not be read"), "{e}");
}

fn make_up(rows: usize) -> Vec<u8> {
    made_up_csv(rows, &|_| Vec::new(), &[])
}

#[test]
fn columns_that_cannot_be_synthesised_are_withheld_with_a_reason() {
    let raw = made_up_csv(
        60,
        &|i| {
            vec![
                String::new(),
                "same".into(),
                format!("code-{i}"),
                if i == 3 { "only one".into() } else { String::new() },
            ]
        },
        &["empty", "constant", "unique", "once"],
    );
    let (released, why) = role_of(&raw, "empty");
    assert!(!released && why.contains("no respondent answered"), "{why}");
    let (released, why) = role_of(&raw, "constant");
    assert!(!released && why.contains("same answer"), "{why}");
    let (released, why) = role_of(&raw, "unique");
    assert!(!released && why.contains("every answer is different"), "{why}");
    let (released, why) = role_of(&raw, "once");
    assert!(!released, "{why}");
    let (released, why) = role_of(&raw, "email");
    assert!(!released && why.contains("identifies respondents"), "{why}");
    assert!(role_of(&raw, "colour").0);
    let mut o = options(1);
    o.overrides.quasi = Some(vec!["unique".into()]);
    let e = error_of(&raw, &o);
    assert!(e.contains("cannot be synthesised"), "{e}");
}

// ── The raw layout written back ──────────────────────────────────────────────

/// The header records and column order of a release, against the raw file's minus
/// the columns not released.
fn assert_layout_kept(raw: &[u8], release: &ReleaseFiles, file: &str) {
    let (raw_loaded, raw_source) = load_with_source(raw, &LoadOptions::default()).unwrap();
    let (syn_loaded, syn_source) = load_with_source(release.file(file).unwrap(), &LoadOptions::default()).unwrap();
    let (raw_source, syn_source) = (raw_source.unwrap(), syn_source.unwrap());
    assert_eq!(raw_loaded.layout, syn_loaded.layout);
    assert_eq!(raw_source.header.len(), syn_source.header.len());
    let released: HashSet<usize> = release
        .roles
        .iter()
        .filter(|r| r.released)
        .map(|r| r.question_idx)
        .collect();
    let kept: Vec<usize> = (0..raw_source.header[0].len())
        .filter(|c| {
            raw_source
                .columns
                .iter()
                .enumerate()
                .any(|(q, cols)| released.contains(&q) && cols.contains(c))
        })
        .collect();
    assert!(kept.len() < raw_source.header[0].len(), "nothing was withheld");
    for (raw_record, syn_record) in raw_source.header.iter().zip(&syn_source.header) {
        let expected: Vec<&String> = kept.iter().map(|&c| &raw_record[c]).collect();
        let got: Vec<&String> = syn_record.iter().collect();
        assert_eq!(got, expected);
    }
    // The same questions, kinds and (for options) option lists.
    let raw_ds = &raw_loaded.dataset;
    for q in syn_loaded.dataset.questions() {
        let rq = &raw_ds.questions()[raw_ds.find(&q.id).unwrap_or_else(|| panic!("{}", q.id))];
        assert_eq!((q.id.as_str(), q.kind), (rq.id.as_str(), rq.kind));
        // Options are listed in order of first appearance, which synthetic rows change.
        if let (Column::Multi(a), Column::Multi(b)) = (&q.column, &rq.column) {
            let a: HashSet<&String> = a.options().iter().collect();
            let b: HashSet<&String> = b.options().iter().collect();
            assert_eq!(a, b, "{}", q.id);
        }
    }
    assert_eq!(syn_loaded.dataset.n_rows(), raw_ds.n_rows());
}

#[test]
fn a_one_row_csv_is_written_back_in_its_layout() {
    let raw = made_up_csv(80, &|i| vec![format!("note {}", i % 9)], &["comment"]);
    let release = make(&raw, None, &options(2), &mut |_, _| {}).unwrap();
    assert_layout_kept(&raw, &release, "responses.csv");
    // A joined multi-select keeps its quoting and separator.
    let text = String::from_utf8(release.file("responses.csv").unwrap().to_vec()).unwrap();
    assert!(
        text.contains("\"Python, R\"") || text.contains("\"Python, Julia\""),
        "{text}"
    );
}

#[test]
fn a_qualtrics_export_is_written_back_with_its_three_header_rows() {
    let raw = read("tests/data/export-qualtrics-60.csv");
    let release = make(&raw, None, &options(2), &mut |_, _| {}).unwrap();
    assert_layout_kept(&raw, &release, "responses.csv");
    let text = String::from_utf8(release.file("responses.csv").unwrap().to_vec()).unwrap();
    assert!(
        !text.contains("@example.org") && !text.contains("192.0.2."),
        "identifying cells leaked"
    );
}

/// A SurveyMonkey export: a spanning question row, a row of options, dummy columns
/// for a multi-select with an "other (please specify)" column that holds typed text.
fn surveymonkey(rows: usize) -> Vec<u8> {
    let mut s = String::from(
        "Respondent ID,Collector ID,Start Date,End Date,IP Address,Email Address,Which tools do you use?,,,,How satisfied are you?,Comments\n\
         ,,,,,,NumPy,pandas,SciPy,Other (please specify),Response,Open-Ended Response\n",
    );
    let sat = [
        "Very satisfied",
        "Satisfied",
        "Neither satisfied nor dissatisfied",
        "Dissatisfied",
    ];
    for i in 0..rows {
        s.push_str(&format!(
            "{},50,05/01/2020 10:{:02}:00 AM,05/01/2020 10:{:02}:30 AM,192.0.2.{},,{},{},{},{},{},{}\n",
            1000 + i,
            i % 60,
            i % 60,
            i % 250,
            if i % 3 != 0 { "NumPy" } else { "" },
            if i % 2 == 0 { "pandas" } else { "" },
            if i % 5 == 1 { "SciPy" } else { "" },
            if i % 7 == 0 {
                format!("Typed tool {i}")
            } else {
                String::new()
            },
            sat[(i / 2) % 4],
            if i % 4 == 0 {
                format!("comment {i}")
            } else {
                String::new()
            },
        ));
    }
    s.into_bytes()
}

#[test]
fn a_surveymonkey_export_is_written_back_with_its_spans_and_no_typed_text() {
    let raw = surveymonkey(70);
    let release = make(&raw, None, &options(2), &mut |_, _| {}).unwrap();
    assert_layout_kept(&raw, &release, "responses.csv");
    let text = String::from_utf8(release.file("responses.csv").unwrap().to_vec()).unwrap();
    assert!(
        !text.contains("Typed tool"),
        "typed-in text leaked through the option's column"
    );
    assert!(!text.contains("comment "), "free text leaked");
}

#[test]
fn progress_rises_to_its_total() {
    let (raw, cb) = numpy_raw();
    let mut calls: Vec<(usize, usize)> = Vec::new();
    // Synthesis, the DCR synthesis and scoring: one count, never restarting.
    let all_stages = ReleaseOptions {
        measure_dcr: true,
        ..options(1)
    };
    make(&raw, Some(&cb), &all_stages, &mut |done, total| {
        calls.push((done, total))
    })
    .unwrap();
    assert!(calls.len() > 50, "{}", calls.len());
    let total = calls[0].1;
    assert!(calls.iter().all(|&(d, t)| t == total && d <= t), "{calls:?}");
    assert!(calls.windows(2).all(|w| w[0].0 <= w[1].0), "{calls:?}");
    assert_eq!(calls.last(), Some(&(total, total)));
}

fn hex_sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn a_release_failing_a_gate_comes_back_with_its_report_and_the_manifest_covers_it() {
    // Without the half-fitted synthesis the distance-to-closest-record gate cannot be
    // measured, and an unmeasured gate fails.
    let release = numpy_release(&options(4));
    assert!(!release.passed);
    let failed: Vec<&str> = release.report.failed().map(|g| g.name).collect();
    assert!(failed.contains(&"dcr_share"), "{failed:?}");
    assert_eq!(release.file("report.json").unwrap(), release.report.json().as_bytes());
    assert_eq!(release.file("report.md").unwrap(), release.report.markdown().as_bytes());
    let manifest: serde_json::Value = serde_json::from_slice(release.file("manifest.json").unwrap()).unwrap();
    assert_eq!(manifest["accept_risk"], false);
    assert_eq!(manifest["metrics"]["passed"], false);
    let files = manifest["files"].as_object().unwrap();
    assert!(!files.contains_key("manifest.json"));
    for (name, bytes) in release.files.iter().filter(|(n, _)| n != "manifest.json") {
        assert_eq!(
            files[name.as_str()]["sha256"].as_str(),
            Some(hex_sha256(bytes).as_str()),
            "{name}"
        );
    }
    for gate in &failed {
        let g = manifest["metrics"]["gates"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["name"] == *gate)
            .unwrap();
        assert_eq!(g["passed"], false);
    }

    let accepted = numpy_release(&ReleaseOptions {
        accept_risk: true,
        ..options(4)
    });
    let manifest: serde_json::Value = serde_json::from_slice(accepted.file("manifest.json").unwrap()).unwrap();
    assert_eq!(manifest["accept_risk"], true);
    assert_eq!(accepted.file("responses.tsv"), release.file("responses.tsv"));
}

#[test]
fn the_r_community_survey_is_released_with_its_report_and_dcr_sizes() {
    let dir = "crates/canvass-synth/tests/data/r-community-survey-2019/";
    let raw = read(&format!("{dir}responses.tsv"));
    let cb = read(&format!("{dir}codebook.json"));
    let release = make(
        &raw,
        Some(&cb),
        &ReleaseOptions {
            rows: Some(400),
            measure_dcr: true,
            ..options(2)
        },
        &mut |_, _| {},
    )
    .unwrap();
    let n = release.raw.n_rows();
    let dcr = release.report.risk.dcr.as_ref().unwrap();
    // A random half, capped: both sides of the measurement are stated in the report.
    assert_eq!(dcr.n_fit, (n / 2).min(canvass_synth::release::DCR_FIT_ROWS));
    assert_eq!(dcr.n_held_out, (n - n / 2).min(canvass_synth::release::DCR_FIT_ROWS));
    let md = release.report.markdown();
    assert!(
        md.contains(&format!("a synthesis from {} real records", dcr.n_fit)),
        "{md}"
    );
    let loaded = load_release(&release, "responses.tsv", Some("codebook.json"));
    assert_eq!(loaded.dataset.n_rows(), 400);
    assert_eq!(release.passed, release.report.gates.iter().all(|g| g.passed));
}

/// The distance-to-closest-record gate on a real survey: with synthpop's leaves of
/// five and cp of 1e-8 the syntheses from either half sit nearer that half than the
/// other (a share near 0.66); the leaf floor and the release's cp keep the mean of the
/// two folds under the gate's 0.55.
#[test]
fn a_release_of_the_r_survey_passes_the_distance_to_closest_record_gate() {
    let dir = "crates/canvass-synth/tests/data/r-community-survey-2019";
    let raw = read(&format!("{dir}/responses.tsv"));
    let cb = read(&format!("{dir}/codebook.json"));
    let release = make(&raw, Some(&cb), &ReleaseOptions::default(), &mut |_, _| {}).unwrap();
    let dcr = release
        .report
        .risk
        .dcr
        .as_ref()
        .expect("the distance synthesis is made");
    assert_eq!(dcr.fold_shares.len(), 2);
    let mean = (dcr.fold_shares[0] + dcr.fold_shares[1]) / 2.0;
    assert!((dcr.share - mean).abs() < 1e-12);
    assert_eq!(dcr.n_synthetic, dcr.n_held_out * canvass_synth::release::DCR_DRAWS);
    assert!(dcr.share <= 0.55, "distance-to-closest-record share {}", dcr.share);
    let gate = release.report.gates.iter().find(|g| g.name == "dcr_share").unwrap();
    assert!(gate.passed);
}

/// Leaves of five are raised to the floor, a larger `min_leaf` is kept, and a file
/// of few rows gets leaves of a tenth of its rows.
#[test]
fn the_leaf_floor_raises_small_leaves_and_keeps_larger_ones() {
    use canvass_synth::release::synthesize::{leaf_floor, LEAF_FLOOR};
    let (raw, cb) = numpy_raw();
    let ds = load(
        &raw,
        &LoadOptions {
            codebook: Some(parse_codebook(&cb).unwrap()),
            ..LoadOptions::default()
        },
    )
    .unwrap()
    .dataset;
    let questions: Vec<usize> = ["demographics.gender", "demographics.role", "demographics.degree"]
        .iter()
        .map(|id| ds.find(id).unwrap())
        .collect();
    let smallest = |min_leaf: usize| {
        synthesize(
            &ds,
            &questions,
            &[],
            None,
            &SynthOptions {
                rows: 200,
                seed: 3,
                growth: Growth { min_leaf, cp: 1e-8 },
                ..SynthOptions::default()
            },
            &mut |_, _| {},
        )
        .smallest_leaf
    };
    assert!(smallest(5) >= LEAF_FLOOR, "smallest leaf {}", smallest(5));
    assert!(smallest(80) >= 80, "smallest leaf {}", smallest(80));
    let g = Growth { min_leaf: 5, cp: 1e-8 };
    assert_eq!(leaf_floor(&g, 120).min_leaf, 12);
    assert_eq!(leaf_floor(&g, 40).min_leaf, 5);
    assert_eq!(leaf_floor(&g, 5000).min_leaf, LEAF_FLOOR);
}

// ── Write-in answers ─────────────────────────────────────────────────────────

/// Typed-in answers no release may carry, each given by one respondent.
const WRITE_INS: [&str; 4] = [
    "Fortran on punch cards",
    "Written by my cat",
    "Underwater basket team",
    "Chief Llama Officer",
];

/// 150 respondents: a multi-select of languages and two single-choice questions, with
/// the write-ins above among them.
fn with_write_ins() -> Vec<u8> {
    let mut s = String::from("langs,team,role,often\n");
    let langs = ["Python;R", "Python", "R", "Python;Julia", "Julia", "R;Julia"];
    for i in 0..150 {
        let (mut lang, mut team, mut role) = (
            langs[(i * 7) % 6].to_string(),
            ["core", "docs", "web"][i % 3].to_string(),
            ["Dev", "Ops", "Other (please specify)"][(i / 2) % 3].to_string(),
        );
        match i {
            10 => lang = format!("Python;{}", WRITE_INS[0]),
            11 => lang = WRITE_INS[1].to_string(),
            12 => team = WRITE_INS[2].to_string(),
            13 => role = WRITE_INS[3].to_string(),
            _ => {}
        }
        s.push_str(&format!(
            "{lang},{team},{role},{}\n",
            ["Daily", "Weekly", "Monthly"][(i / 5) % 3]
        ));
    }
    s.into_bytes()
}

const WRITE_INS_CODEBOOK: &str = r#"{"format": "canvass-codebook/1", "title": "Write-ins",
  "layout": {"delimiter": ",", "header_rows": 1},
  "questions": [
    {"id": "langs", "text": "Languages?", "kind": "multi", "section": "s", "options": ["Python", "R", "Julia"], "separator": ";"},
    {"id": "role", "text": "Role?", "kind": "single", "section": "s", "options": ["Dev", "Ops", "Other (please specify)"]}
  ]}"#;

fn release_text(release: &ReleaseFiles) -> String {
    release
        .files
        .iter()
        .map(|(name, bytes)| format!("{name}\n{}\n", String::from_utf8_lossy(bytes)))
        .collect()
}

#[test]
fn no_write_in_reaches_the_release_directory() {
    let raw = with_write_ins();
    for codebook in [None, Some(WRITE_INS_CODEBOOK.as_bytes())] {
        let o = ReleaseOptions {
            accept_risk: true,
            ..options(3)
        };
        let release = make(&raw, codebook, &o, &mut |_, _| {}).unwrap();
        let text = release_text(&release);
        for w in WRITE_INS {
            assert!(!text.contains(w), "{w:?} is in the release ({codebook:?})");
        }
        // Said in the roles, the report and the manifest.
        let langs = release.roles.iter().find(|r| r.question == "langs").unwrap();
        assert_eq!(langs.write_ins, 2, "{langs:?}");
        assert!(langs
            .reason
            .contains("2 write-in answers of langs withheld as free text"));
        let manifest: serde_json::Value = serde_json::from_slice(release.file("manifest.json").unwrap()).unwrap();
        let withheld = manifest["write_ins_withheld"].as_array().unwrap();
        assert!(withheld
            .iter()
            .any(|w| w["question"] == "langs" && w["respondents"] == 2));
        assert!(String::from_utf8_lossy(release.file("report.md").unwrap()).contains("write-in answers of langs"));
        // A respondent who wrote in beside a listed option keeps it; the options scored
        // are the listed ones.
        let scored: Vec<&str> = release.report.utility.files[0]
            .variables
            .iter()
            .map(|v| v.name.as_str())
            .filter(|n| n.starts_with("langs["))
            .collect();
        assert_eq!(scored, ["langs[Python]", "langs[R]", "langs[Julia]"]);
    }
    // With the codebook, the one who typed a role chose its "Other (please specify)".
    let release = make(&raw, Some(WRITE_INS_CODEBOOK.as_bytes()), &options(3), &mut |_, _| {}).unwrap();
    let role = release.raw.find("role").unwrap();
    let Column::Categorical(c) = &release.raw.questions()[role].column else {
        panic!()
    };
    assert_eq!(c.levels(), ["Dev", "Ops", "Other (please specify)"]);
    assert_eq!(c.cell(13), CategoricalCell::Level(2));
}

#[test]
fn curated_write_ins_are_released() {
    let raw = with_write_ins();
    let o = ReleaseOptions {
        overrides: Overrides {
            curated: vec!["langs".into()],
            ..Overrides::default()
        },
        ..options(3)
    };
    let release = make(&raw, Some(WRITE_INS_CODEBOOK.as_bytes()), &o, &mut |_, _| {}).unwrap();
    let langs = release.roles.iter().find(|r| r.question == "langs").unwrap();
    assert!(langs.write_ins_curated && langs.reason.contains("curated"), "{langs:?}");
    let Column::Multi(m) = &release.raw.questions()[release.raw.find("langs").unwrap()].column else {
        panic!()
    };
    assert!(m.options().iter().any(|o| o == WRITE_INS[0]));
    let manifest: serde_json::Value = serde_json::from_slice(release.file("manifest.json").unwrap()).unwrap();
    assert_eq!(manifest["write_ins_curated"], serde_json::json!(["langs"]));
    // --curated still refuses a question with nothing typed in.
    let o = ReleaseOptions {
        overrides: Overrides {
            curated: vec!["often".into()],
            ..Overrides::default()
        },
        ..options(3)
    };
    let err = error_of(&raw, &o);
    assert!(err.contains("has no write-in answers"), "{err}");
}

/// The R Community Survey's applications: 11 options listed in the codebook and 145
/// typed in. Only the listed ones are variables of the report, as in SDMetrics' scoring
/// of the same file (`scripts/release/score_sdmetrics.py`).
#[test]
fn the_r_survey_is_scored_on_its_listed_options() {
    let dir = "crates/canvass-synth/tests/data/r-community-survey-2019";
    let raw = read(&format!("{dir}/responses.tsv"));
    let cb_bytes = read(&format!("{dir}/codebook.json"));
    let cb: serde_json::Value = serde_json::from_slice(&cb_bytes).unwrap();
    let listed: Vec<String> = cb["questions"][0]["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| format!("r_applications[{}]", o.as_str().unwrap()))
        .collect();
    let release = make(&raw, Some(&cb_bytes), &options(1), &mut |_, _| {}).unwrap();
    let header = String::from_utf8_lossy(&raw).lines().next().unwrap().to_string();
    let other_questions = header
        .split('\t')
        .filter(|id| *id != "r_applications" && release.roles.iter().any(|r| r.question == *id && r.released))
        .count();
    let names: Vec<&str> = release.report.utility.files[0]
        .variables
        .iter()
        .map(|v| v.name.as_str())
        .collect();
    assert_eq!(names.len(), other_questions + listed.len(), "{names:?}");
    let options: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| n.starts_with("r_applications["))
        .collect();
    assert_eq!(options, listed);
}

// ── The release's codebook and SPSS/Stata input ─────────────────────────────

/// Each question's id, kind and answers in order (levels or options; nothing for
/// numbers and text).
fn shape(ds: &Dataset, ids: &[String]) -> Vec<(String, String, Vec<String>)> {
    ids.iter()
        .map(|id| {
            let Some(q) = ds.find(id).map(|i| &ds.questions()[i]) else {
                return (id.clone(), "absent".into(), Vec::new());
            };
            let answers = match &q.column {
                Column::Categorical(c) => c.levels().to_vec(),
                Column::Multi(m) => m.options().to_vec(),
                _ => Vec::new(),
            };
            (id.clone(), q.kind.as_str().to_string(), answers)
        })
        .collect()
}

fn released_ids(release: &ReleaseFiles) -> Vec<String> {
    release
        .roles
        .iter()
        .filter(|r| r.released)
        .map(|r| r.question.clone())
        .collect()
}

/// Without a codebook, the release still brings one, written from the survey as
/// loaded, and the release opens with it as the raw file was read.
#[test]
fn a_release_made_without_a_codebook_brings_one_it_opens_with() {
    let raw = with_write_ins();
    let release = make(&raw, None, &options(5), &mut |_, _| {}).unwrap();
    let cb = release.file("codebook.json").expect("a codebook is written");
    let manifest: serde_json::Value = serde_json::from_slice(release.file("manifest.json").unwrap()).unwrap();
    assert_eq!(manifest["files"]["codebook.json"]["sha256"], hex_sha256(cb));
    let opened = load_release(&release, "responses.csv", Some("codebook.json"));
    let ids = released_ids(&release);
    assert_eq!(ids, ["langs", "team", "role", "often"]);
    assert_eq!(shape(&opened.dataset, &ids), shape(&release.raw, &ids));
    // The options the codebook lists are the listed ones: no write-in among them.
    let text = String::from_utf8_lossy(cb);
    assert!(text.contains("\"Julia\"") && !WRITE_INS.iter().any(|w| text.contains(w)));
}

/// An SPSS file has no text layout: its release is a one-header-row TSV headed by the
/// question ids, with value labels as answers and multi-selects joined with ";", and a
/// codebook that names each question's kind and labels, so the release opens with the
/// raw file's questions and options.
#[test]
fn a_release_of_an_spss_file_opens_with_its_questions_and_labels() {
    let raw = read("tests/data/labelled/survey-mrsets.sav");
    let release = make(&raw, None, &options(5), &mut |_, _| {}).unwrap();
    let tsv = String::from_utf8_lossy(release.file("responses.tsv").expect("written as TSV"));
    let ids = released_ids(&release);
    assert_eq!(tsv.lines().next().unwrap().split('\t').collect::<Vec<_>>(), ids);
    // The file's respondent id, a numeric variable, is not an answer.
    assert!(!ids.iter().any(|q| q == "id"), "{ids:?}");
    let opened = load_release(&release, "responses.tsv", Some("codebook.json"));
    assert_eq!(opened.dataset.n_rows(), release.raw.n_rows());
    let (got, mut want) = (shape(&opened.dataset, &ids), shape(&release.raw, &ids));
    // A grid's items keep their labels and order but open as questions of their own:
    // the TSV's header holds ids, and a codebook has no grids.
    let mut grid_items = 0;
    for w in want.iter_mut().filter(|w| w.1 == "grid") {
        w.1 = "ordinal".into();
        grid_items += 1;
    }
    assert_eq!(grid_items, 2);
    assert_eq!(got, want);
    // The labels, not the codes, are written.
    assert!(
        tsv.contains("Très") || tsv.contains("Satisfied"),
        "{}",
        &tsv[..300.min(tsv.len())]
    );
}
