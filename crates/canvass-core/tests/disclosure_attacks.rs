//! Disclosure control under attack: each test names an attack a reader of the page or
//! the CLI could try, publishes the tables that attack needs, and asserts that no count
//! of 1 to k − 1 respondents can be pinned down from them.
//!
//! The attacker is written here from the published numbers alone: one unknown per
//! true count, shared by every table that shows it, and the arithmetic any reader
//! knows (cells add up to margins, options to their base, a view to its parts, bins to
//! the wider bins they make up). It narrows every unknown to an interval by
//! propagation until nothing changes. True counts are counted here from the dataset's
//! columns, not taken from the tables.
//!
//! Data: the synthetic NumPy 2020 release at its k = 10, and small hand-made datasets.
//! The CLI's JSON is attacked in `canvass-cli`'s `tests/cli.rs`.

use canvass_core::chart::adapt::chart_for_view;
use canvass_core::chart::Chart;
use canvass_core::codebook::parse_codebook;
use canvass_core::crosstab::{crosstab, Crosstab, CrosstabSpec};
use canvass_core::dataset::{Categorical, CategoricalCell, Column, Dataset, Missing, NumericCell};
use canvass_core::filter::{Condition, Filter};
use canvass_core::freq::{freq_table, BaseKind, FreqSpec, Frequencies};
use canvass_core::view::TableOptions;
use canvass_core::{load, LoadOptions};
use std::collections::HashMap;

const K: usize = 10;

fn numpy() -> Dataset {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../www/data/numpy-2020/");
    let bytes = std::fs::read(format!("{root}responses.tsv")).unwrap();
    let codebook = parse_codebook(&std::fs::read(format!("{root}codebook.json")).unwrap()).unwrap();
    let opts = LoadOptions {
        codebook: Some(codebook),
        ..LoadOptions::default()
    };
    load(&bytes, &opts).unwrap().dataset
}

fn q(ds: &Dataset, id: &str) -> usize {
    ds.find(id).unwrap_or_else(|| panic!("no question {id}"))
}

/// Unknown counts, each with its true value, and the sums they obey.
#[derive(Default)]
struct Attacker {
    bounds: Vec<(i64, i64)>,
    truth: Vec<i64>,
    names: Vec<String>,
    by_name: HashMap<String, usize>,
    sums: Vec<(usize, Vec<usize>)>,
    /// Unknowns that are not themselves protected (item nonresponse within a group):
    /// the attacker may learn them, but must learn nothing protected through them.
    not_targets: std::collections::HashSet<usize>,
}

const UNBOUNDED: i64 = 1 << 40;

impl Attacker {
    /// The unknown called `name` (created on first use with its true value).
    fn var(&mut self, name: &str, truth: usize) -> usize {
        if let Some(&v) = self.by_name.get(name) {
            assert_eq!(self.truth[v], truth as i64, "{name}: two different truths");
            return v;
        }
        self.bounds.push((0, UNBOUNDED));
        self.truth.push(truth as i64);
        self.names.push(name.to_string());
        self.by_name.insert(name.to_string(), self.bounds.len() - 1);
        self.bounds.len() - 1
    }

    /// A number the page shows: the unknown is pinned to it (and it must be true).
    fn shown(&mut self, v: usize, value: Option<f64>) {
        if let Some(x) = value {
            assert_eq!(
                x, self.truth[v] as f64,
                "{}: shown number is not the truth",
                self.names[v]
            );
            self.bounds[v] = (x as i64, x as i64);
        }
    }

    fn sum(&mut self, whole: usize, parts: Vec<usize>) {
        self.sums.push((whole, parts));
    }

    fn run(&mut self) {
        for _ in 0..10_000 {
            let mut changed = false;
            for (whole, parts) in &self.sums {
                let lo: i64 = parts.iter().map(|&p| self.bounds[p].0).sum();
                let hi: i64 = parts.iter().map(|&p| self.bounds[p].1).sum::<i64>().min(UNBOUNDED);
                let w = self.bounds[*whole];
                let nw = (w.0.max(lo), w.1.min(hi));
                changed |= nw != w;
                self.bounds[*whole] = nw;
                for &p in parts {
                    let b = self.bounds[p];
                    let others_lo = lo - b.0;
                    let others_hi = if hi >= UNBOUNDED { UNBOUNDED } else { hi - b.1 };
                    let nb = (b.0.max(nw.0 - others_hi).max(0), b.1.min(nw.1 - others_lo));
                    changed |= nb != b;
                    self.bounds[p] = nb;
                }
            }
            if !changed {
                break;
            }
        }
        for (v, &(lo, hi)) in self.bounds.iter().enumerate() {
            assert!(
                lo <= self.truth[v] && self.truth[v] <= hi,
                "{}: attacker arithmetic is wrong",
                self.names[v]
            );
        }
    }

    /// Every unknown whose truth is 1 to k − 1 and which the attacker pinned down.
    fn pinned_small(&self) -> Vec<String> {
        (0..self.bounds.len())
            .filter(|&v| !self.not_targets.contains(&v))
            .filter(|&v| (1..K as i64).contains(&self.truth[v]) && self.bounds[v].0 == self.bounds[v].1)
            .map(|v| format!("{} = {}", self.names[v], self.truth[v]))
            .collect()
    }

    /// Runs the attack and fails naming every small count it recovered.
    fn assert_fails(&mut self) {
        self.run();
        let pinned = self.pinned_small();
        assert!(pinned.is_empty(), "the attack recovered {pinned:?}");
    }
}

/// Which option (level index) each respondent gave; `None` when missing.
fn codes(ds: &Dataset, question_idx: usize) -> Vec<Option<usize>> {
    match &ds.questions()[question_idx].column {
        Column::Categorical(c) => c
            .codes()
            .iter()
            .map(|&code| match Categorical::decode(code) {
                CategoricalCell::Level(l) => Some(l as usize),
                CategoricalCell::Missing(_) => None,
            })
            .collect(),
        _ => panic!("not categorical"),
    }
}

fn missing_reason(ds: &Dataset, question_idx: usize, row: usize) -> Option<Missing> {
    match &ds.questions()[question_idx].column {
        Column::Categorical(c) => match c.cell(row) {
            CategoricalCell::Missing(m) => Some(m),
            CategoricalCell::Level(_) => None,
        },
        _ => panic!("not categorical"),
    }
}

/// Publishes a single-choice frequency table of `question_idx` over the rows in
/// `in_view` under the name `view`: options and missing reasons are unknowns of
/// (view, option), shared with every other table of the same view; the table's
/// arithmetic ties them to its base and to the view's size.
fn publish_freq(att: &mut Attacker, ds: &Dataset, f: &Frequencies, question_idx: usize, in_view: &[bool], view: &str) {
    let answers = codes(ds, question_idx);
    let count = |pred: &dyn Fn(usize) -> bool| (0..ds.n_rows()).filter(|&r| in_view[r] && pred(r)).count();
    let options: Vec<usize> = (0..f.rows.len())
        .map(|i| {
            let v = att.var(&format!("{view}: option {i}"), count(&|r| answers[r] == Some(i)));
            att.shown(v, f.rows[i].count);
            // A percent of a shown base gives the count away too.
            if let (Some(p), None) = (f.rows[i].percent, f.rows[i].count) {
                panic!("{view}: option {i} has a percent ({p}) but no count");
            }
            v
        })
        .collect();
    let missing: Vec<usize> = Missing::ALL
        .iter()
        .map(|&m| {
            let v = att.var(
                &format!("{view}: {m:?}"),
                count(&|r| missing_reason(ds, question_idx, r) == Some(m)),
            );
            att.shown(v, f.missing.iter().find(|c| c.reason == m).map(|c| c.count));
            v
        })
        .collect();
    let n_view = in_view.iter().filter(|&&b| b).count();
    let respondents = att.var(&format!("{view}: respondents"), n_view);
    att.shown(respondents, Some(f.respondents as f64));
    let answered_n = count(&|r| answers[r].is_some());
    let answered = att.var(&format!("{view}: answered"), answered_n);
    att.sum(answered, options);
    let asked = att.var(
        &format!("{view}: asked"),
        answered_n
            + count(&|r| {
                matches!(
                    missing_reason(ds, question_idx, r),
                    Some(Missing::NoAnswer | Missing::Declined)
                )
            }),
    );
    att.sum(asked, vec![answered, missing[1], missing[2]]);
    att.sum(respondents, vec![asked, missing[0]]);
    let base = match f.base.kind {
        BaseKind::Answered => answered,
        BaseKind::Asked => asked,
        BaseKind::All => respondents,
    };
    att.shown(base, Some(f.base.n));
}

/// Publishes a single-choice × single-choice crosstab over `in_view`.
fn publish_crosstab(
    att: &mut Attacker,
    ds: &Dataset,
    t: &Crosstab,
    rq: usize,
    cq: usize,
    in_view: &[bool],
    view: &str,
) {
    let (ra, ca) = (codes(ds, rq), codes(ds, cq));
    let both: Vec<usize> = (0..ds.n_rows())
        .filter(|&r| in_view[r] && ra[r].is_some() && ca[r].is_some())
        .collect();
    let cell = |i: usize, j: usize| both.iter().filter(|&&r| ra[r] == Some(i) && ca[r] == Some(j)).count();
    let cells: Vec<Vec<usize>> = (0..t.row_labels.len())
        .map(|i| {
            (0..t.col_labels.len())
                .map(|j| {
                    let v = att.var(&format!("{view}: cell {i},{j}"), cell(i, j));
                    att.shown(v, t.counts[i][j]);
                    v
                })
                .collect()
        })
        .collect();
    let total = att.var(&format!("{view}: both answered"), both.len());
    att.shown(total, Some(t.total));
    let mut row_vars = Vec::new();
    for (i, row) in cells.iter().enumerate() {
        let v = att.var(
            &format!("{view}: row {i}"),
            both.iter().filter(|&&r| ra[r] == Some(i)).count(),
        );
        att.shown(v, t.row_totals[i]);
        att.sum(v, row.clone());
        row_vars.push(v);
    }
    att.sum(total, row_vars);
    let mut col_vars = Vec::new();
    for j in 0..t.col_labels.len() {
        let v = att.var(
            &format!("{view}: col {j}"),
            both.iter().filter(|&&r| ca[r] == Some(j)).count(),
        );
        att.shown(v, t.col_totals[j]);
        att.sum(v, cells.iter().map(|row| row[j]).collect());
        col_vars.push(v);
    }
    att.sum(total, col_vars);
    // Percents and residuals of withheld numbers would give them away.
    for (i, row) in t.cells.iter().enumerate() {
        for (j, c) in row.iter().enumerate() {
            if c.count.is_none() {
                assert!(
                    c.row_percent.is_none() && c.col_percent.is_none() && c.total_percent.is_none(),
                    "{view}: a withheld cell has a percent"
                );
                assert!(
                    c.row_ci.is_none() && c.col_ci.is_none() && c.total_ci.is_none() && c.residual.is_none(),
                    "{view}: a withheld cell has an interval or residual"
                );
            }
            if t.row_totals[i].is_none() {
                assert!(c.row_percent.is_none(), "{view}: a row percent of a withheld row total");
            }
            if t.col_totals[j].is_none() {
                assert!(
                    c.col_percent.is_none(),
                    "{view}: a column percent of a withheld column total"
                );
            }
        }
    }
}

fn everyone(ds: &Dataset) -> Vec<bool> {
    vec![true; ds.n_rows()]
}

fn spec_k(question_idx: usize, filter: Filter) -> FreqSpec {
    FreqSpec {
        options: TableOptions {
            filter,
            k: K,
            ..TableOptions::default()
        },
        ..FreqSpec::new(question_idx)
    }
}

#[test]
fn attack_by_margins_of_numpy_crosstabs() {
    let ds = numpy();
    let mut withheld = 0;
    for (row, col) in [
        ("demographics.role", "demographics.gender"),
        ("demographics.country", "demographics.gender"),
        ("demographics.role", "demographics.degree"),
        ("demographics.primary_use", "demographics.version"),
    ] {
        let (rq, cq) = (q(&ds, row), q(&ds, col));
        let t = crosstab(&ds, &CrosstabSpec::new(rq, cq)).unwrap();
        withheld += t.counts.iter().flatten().filter(|c| c.is_none()).count();
        let mut att = Attacker::default();
        publish_crosstab(&mut att, &ds, &t, rq, cq, &everyone(&ds), "crosstab");
        att.assert_fails();
    }
    assert!(withheld > 0, "the attack had nothing to recover");
}

#[test]
fn attack_by_linking_a_crosstab_with_the_frequency_tables_beside_it() {
    let ds = numpy();
    for (row, col) in [
        ("demographics.role", "demographics.gender"),
        ("demographics.degree", "demographics.version"),
        ("demographics.country", "demographics.primary_use"),
    ] {
        let (rq, cq) = (q(&ds, row), q(&ds, col));
        let t = crosstab(&ds, &CrosstabSpec::new(rq, cq)).unwrap();
        let mut att = Attacker::default();
        let all = everyone(&ds);
        publish_crosstab(&mut att, &ds, &t, rq, cq, &all, "crosstab");
        for (question_idx, name, is_row) in [(rq, "row freq", true), (cq, "col freq", false)] {
            let f = freq_table(&ds, &spec_k(question_idx, Filter::default())).unwrap();
            publish_freq(&mut att, &ds, &f, question_idx, &all, name);
            // An option's frequency is its crosstab margin plus those who chose it and
            // left the other question unanswered.
            let (own, other) = if is_row {
                (codes(&ds, rq), codes(&ds, cq))
            } else {
                (codes(&ds, cq), codes(&ds, rq))
            };
            for i in 0..f.rows.len() {
                let freq_var = att.var(
                    &format!("{name}: option {i}"),
                    (0..ds.n_rows()).filter(|&r| own[r] == Some(i)).count(),
                );
                let margin_name = if is_row {
                    format!("crosstab: row {i}")
                } else {
                    format!("crosstab: col {i}")
                };
                let margin = att.var(
                    &margin_name,
                    (0..ds.n_rows())
                        .filter(|&r| own[r] == Some(i) && other[r].is_some())
                        .count(),
                );
                let rest = att.var(
                    &format!("{name}: option {i} without the other answer"),
                    (0..ds.n_rows())
                        .filter(|&r| own[r] == Some(i) && other[r].is_none())
                        .count(),
                );
                // Item nonresponse records no answer and is not protected itself; the
                // margins and cells it links must still hold.
                att.not_targets.insert(rest);
                att.sum(freq_var, vec![margin, rest]);
            }
        }
        att.assert_fails();
    }
}

/// A condition keeping `options` of `question_idx` (and, for a complement, every
/// missing state).
fn any_of(question_idx: usize, options: Vec<usize>, missing: Vec<Missing>) -> Condition {
    Condition::AnyOf {
        question_idx,
        options,
        values: vec![],
        missing,
    }
}

#[test]
fn attack_by_complementary_filters_a_against_a_and_b_and_a_and_not_b() {
    let ds = numpy();
    let target = q(&ds, "demographics.degree");
    let (gender, role) = (q(&ds, "demographics.gender"), q(&ds, "demographics.role"));
    let n_roles = match &ds.questions()[role].column {
        Column::Categorical(c) => c.levels().len(),
        _ => unreachable!(),
    };
    let mut attacked = 0;
    for b_role in 0..4 {
        let a = any_of(gender, vec![0], vec![]);
        let b = any_of(role, vec![b_role], vec![]);
        let not_b = any_of(
            role,
            (0..n_roles).filter(|&r| r != b_role).collect(),
            Missing::ALL.to_vec(),
        );
        let views = [
            ("A", vec![a.clone()]),
            ("A and B", vec![a.clone(), b]),
            ("A and not B", vec![a, not_b]),
        ];
        let mut att = Attacker::default();
        let mut published = Vec::new();
        for (name, conditions) in &views {
            let filter = Filter::new(conditions.clone());
            let mask = filter.mask(&ds);
            if let Ok(f) = freq_table(&ds, &spec_k(target, filter)) {
                publish_freq(&mut att, &ds, &f, target, &mask, name);
                published.push(*name);
            }
        }
        if published.len() < 2 {
            continue;
        }
        attacked += 1;
        // A splits into A and B and A and not B, option by option.
        let n_options = freq_table(&ds, &spec_k(target, Filter::default())).unwrap().rows.len();
        let parts: Vec<String> = (0..n_options)
            .map(|i| format!("option {i}"))
            .chain(Missing::ALL.iter().map(|m| format!("{m:?}")))
            .chain(["respondents".to_string()])
            .collect();
        for part in parts {
            let get = |att: &Attacker, view: &str| att.by_name.get(&format!("{view}: {part}")).copied();
            if let (Some(w), Some(x), Some(y)) = (get(&att, "A"), get(&att, "A and B"), get(&att, "A and not B")) {
                att.sum(w, vec![x, y]);
            }
        }
        att.assert_fails();
    }
    assert!(attacked > 0, "no filter pair was published");
}

#[test]
fn attack_by_switching_base_between_asked_answered_and_all() {
    let ds = numpy();
    for id in [
        "demographics.role",
        "demographics.degree",
        "demographics.version",
        "demographics.country",
    ] {
        let question_idx = q(&ds, id);
        let mut att = Attacker::default();
        for base in [BaseKind::Answered, BaseKind::Asked, BaseKind::All] {
            let f = freq_table(
                &ds,
                &FreqSpec {
                    base,
                    ..spec_k(question_idx, Filter::default())
                },
            )
            .unwrap();
            // One view: the three tables share every unknown.
            publish_freq(&mut att, &ds, &f, question_idx, &everyone(&ds), "view");
        }
        att.assert_fails();
    }
}

#[test]
fn attack_by_chart_kind_finds_only_what_the_table_shows() {
    let ds = numpy();
    let mut withheld = 0;
    for id in [
        "demographics.role",
        "demographics.country",
        "demographics.age",
        "demographics.degree",
    ] {
        let spec = spec_k(q(&ds, id), Filter::default());
        let table = freq_table(&ds, &spec).unwrap();
        let (chart, _, chart_table) = chart_for_view(&ds, &spec, None).unwrap();
        assert_eq!(chart_table, table, "{id}: the chart's table is the table");
        let shown: Vec<Option<f64>> = table.rows.iter().map(|r| r.count).collect();
        match chart {
            Chart::Bars(bars) => {
                for (c, v) in bars.categories.iter().zip(&bars.values) {
                    let row = table.rows.iter().find(|r| &r.option == c).unwrap();
                    assert_eq!(v.is_some(), row.count.is_some(), "{id}: bar {c}");
                }
                for (c, n) in bars.categories.iter().zip(&bars.counts) {
                    let row = table.rows.iter().find(|r| &r.option == c).unwrap();
                    assert!(n.is_none() || *n == row.count, "{id}: bar count {c}");
                }
            }
            Chart::Histogram(h) => assert_eq!(h.counts, shown[..h.counts.len()], "{id}"),
            Chart::Diverging(rows) => {
                let cells: Vec<bool> = rows.cells.iter().flatten().map(Option::is_some).collect();
                let want: Vec<bool> = shown.iter().map(Option::is_some).collect();
                assert_eq!(cells, want, "{id}");
            }
            other => panic!("{id}: unexpected chart {other:?}"),
        }
        withheld += shown.iter().filter(|c| c.is_none()).count();
    }
    assert!(withheld > 0, "nothing withheld to leak");
}

#[test]
fn attack_by_percent_count_and_interval_of_a_withheld_number() {
    let ds = numpy();
    for id in [
        "demographics.role",
        "demographics.country",
        "demographics.components",
        "demographics.age",
    ] {
        for base in [BaseKind::Answered, BaseKind::Asked, BaseKind::All] {
            let f = freq_table(
                &ds,
                &FreqSpec {
                    base,
                    ..spec_k(q(&ds, id), Filter::default())
                },
            )
            .unwrap();
            for row in f.rows.iter().chain(&f.selected_none).chain(&f.top_two) {
                // A withheld count has no percent and no interval; a shown one's percent
                // of the shown base is exactly the count, so it says nothing more.
                assert_eq!(row.count.is_none(), row.percent.is_none(), "{id} {}", row.option);
                assert_eq!(row.count.is_none(), row.ci.is_none(), "{id} {}", row.option);
                if let (Some(c), Some(p)) = (row.count, row.percent) {
                    assert!((p * f.base.n / 100.0 - c).abs() < 1e-9, "{id} {}", row.option);
                }
            }
            if f.rows.iter().any(|r| r.count.is_none()) {
                assert!(
                    f.diverging.is_none(),
                    "{id}: diverging offsets would reveal a withheld level"
                );
            }
        }
    }
}

/// Ages 0–99 of a hand-made dataset whose single years are small: the same question
/// binned by 5, 10 and 20 years must not let one width's bins be subtracted from
/// another's.
#[test]
fn attack_by_bin_width_on_one_histogram() {
    // 400 ages: most in 20–59, a few scattered elsewhere, so narrow bins are small.
    let mut ages: Vec<f64> = (0..360).map(|i| 20.0 + (i % 40) as f64).collect();
    ages.extend([3.0, 7.0, 12.0, 14.0, 16.0, 61.0, 62.0, 66.0, 68.0, 71.0]);
    ages.extend((0..30).map(|i| 60.0 + (i % 5) as f64));
    let cells: Vec<NumericCell> = ages.iter().map(|&a| NumericCell::Value(a)).collect();
    let col = canvass_core::dataset::Numeric::new(cells, vec![]).unwrap();
    let ds = Dataset::new(
        ages.len(),
        vec![canvass_core::Question {
            id: "age".into(),
            text: "Age".into(),
            kind: canvass_core::QuestionKind::Numeric,
            group: None,
            column: Column::Numeric(col),
        }],
    )
    .unwrap();
    let mut att = Attacker::default();
    // Unknowns: respondents per 5-year bin from 0; every width's bin is a sum of them.
    let fine: Vec<usize> = (0..20)
        .map(|b| {
            let n = ages
                .iter()
                .filter(|&&a| a >= 5.0 * b as f64 && a < 5.0 * (b + 1) as f64)
                .count();
            att.var(&format!("ages {}–{}", 5 * b, 5 * b + 5), n)
        })
        .collect();
    let mut refused = 0;
    for width in [5.0, 10.0, 20.0] {
        let spec = FreqSpec {
            bin_width: Some(width),
            ..spec_k(0, Filter::default())
        };
        let Ok(f) = freq_table(&ds, &spec) else {
            refused += 1;
            continue;
        };
        let edges = &f.bins.as_ref().unwrap().edges;
        for (row, e) in f.rows.iter().zip(edges.windows(2)) {
            let parts: Vec<usize> = (0..20)
                .filter(|&b| 5.0 * b as f64 >= e[0] && 5.0 * (b + 1) as f64 <= e[1])
                .map(|b| fine[b])
                .collect();
            let truth = ages.iter().filter(|&&a| a >= e[0] && a < e[1]).count();
            let v = att.var(&format!("width {width}: {}", row.option), truth);
            att.shown(v, row.count);
            att.sum(v, parts);
        }
    }
    // Only the default bins (decades, for an age) are shown; the 5- and 20-year widths
    // are refused rather than published beside them.
    assert_eq!(refused, 2, "a second width was published beside the first");
    att.assert_fails();
}
