//! An audit of published tables for the disclosure tests: every number the tables
//! show or withhold, with its true value, the arithmetic linking them (a table's
//! options add up to its base, a crosstab's cells to its margins, a view to its
//! narrower view and the complement's, a margin to the frequency beside it), and the
//! exact attacker run over all of it.
//!
//! A withheld count of 1 to k − 1 respondents is protected when linear programming
//! over everything shown still lets it lie the protection interval below and above
//! its true value (down to zero), or, when the numbers that are always shown (bases,
//! view sizes, zeros a filter forces) make that impossible, as far as they allow.
//! Being merely "not pinned" is not enough: a 3 that a withheld zero hides ranges over
//! [0, 3] and is as good as shown.
//!
//! True values come from the same tables requested with disclosure control off; each
//! shown number is checked against them, and the whole arithmetic against them too,
//! so a wrong relation fails loudly instead of making the attacker blind.
//!
//! Shared by the test files that `mod audit;` it; not every file uses every helper.
#![allow(dead_code)]

use canvass_core::crosstab::Crosstab;
use canvass_core::disclosure::suppress::protection;
use canvass_core::disclosure::{key1, lp, Constraint, Layout, Role, WithheldReason};
use canvass_core::freq::Frequencies;
use canvass_core::query::{answer, AnswerTable, ViewRequest};
use canvass_core::{load, Dataset, LoadOptions, Missing};

pub const K: usize = 10;

pub fn numpy() -> Dataset {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../www/data/numpy-2020/");
    let bytes = std::fs::read(format!("{root}responses.tsv")).unwrap();
    let codebook =
        canvass_core::codebook::parse_codebook(&std::fs::read(format!("{root}codebook.json")).unwrap()).unwrap();
    let opts = LoadOptions {
        codebook: Some(codebook),
        ..LoadOptions::default()
    };
    load(&bytes, &opts).unwrap().dataset
}

/// A withheld small count the attacker narrows to less than it must be free to range
/// over.
#[derive(Debug, Clone, PartialEq)]
pub struct Leak {
    pub name: String,
    pub n: usize,
    /// What the attacker finds it can be.
    pub range: (f64, f64),
    /// What it must be free to range over (the protection interval, capped by the
    /// always-shown numbers).
    pub required: (f64, f64),
}

impl std::fmt::Display for Leak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} = {} lies in [{}, {}], must range over [{}, {}]",
            self.name, self.n, self.range.0, self.range.1, self.required.0, self.required.1
        )
    }
}

/// Every number of a set of published tables and the arithmetic linking them.
#[derive(Clone)]
pub struct Audit {
    pub k: usize,
    layout: Layout,
    withheld: Vec<bool>,
    /// Always shown whatever disclosure control decides: view sizes, bases, zeros a
    /// filter forces. What caps a required interval.
    always: Vec<bool>,
    /// Protected when small (item nonresponse is not: it records no answer).
    target: Vec<bool>,
    /// How wide each entry's view is: 0 for the unfiltered view, 1 for a filtered
    /// view and its complement. A wider table is protected on its own, whatever
    /// narrower views exist, so its shown numbers cap a narrower count's interval the
    /// way always-shown numbers do (a narrower 7 cannot range above a wider 11).
    levels: Vec<u8>,
    /// The level of the entries added next.
    pub level: u8,
    pub names: Vec<String>,
}

/// How a number is published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// Shown by this publication (disclosure control may have withheld it elsewhere).
    Yes,
    /// Withheld: an unknown to the attacker.
    No,
    /// Shown whatever disclosure control decides.
    Always,
    /// Never shown and not protected itself (item nonresponse), but in the arithmetic.
    Unprotected,
}

impl Audit {
    pub fn new(k: usize) -> Audit {
        Audit {
            k,
            layout: Layout::default(),
            withheld: Vec::new(),
            always: Vec::new(),
            target: Vec::new(),
            levels: Vec::new(),
            level: 0,
            names: Vec::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn entry(&mut self, name: impl Into<String>, n: usize, shown: Shown) -> usize {
        let i = self.layout.push(n, Role::Cell, key1(self.names.len(), 0));
        self.withheld.push(matches!(shown, Shown::No | Shown::Unprotected));
        self.always.push(shown == Shown::Always);
        self.target.push(shown != Shown::Unprotected);
        self.levels.push(self.level);
        self.names.push(name.into());
        i
    }

    /// Adds what a withheld count's label says of it to the attacker's arithmetic: below
    /// k for "small", k or more for "protecting". The bound is shown to the attacker but
    /// never caps a required interval, so a label that narrows a count is a leak.
    pub fn assume(&mut self, i: usize, reason: Option<WithheldReason>) {
        let n = self.n(i);
        let constant = |a: &mut Audit, value: usize, name: String| {
            let c = a.entry(name, value, Shown::Yes);
            a.target[c] = false;
            a.levels[c] = u8::MAX;
            c
        };
        match reason {
            Some(WithheldReason::Small) => {
                assert!(n < self.k, "{} = {n} is labelled small", self.names[i]);
                let c = constant(self, self.k - 1, format!("{}: at most k − 1", self.names[i]));
                let slack = self.entry(
                    format!("{}: below k − 1 by", self.names[i]),
                    self.k - 1 - n,
                    Shown::Unprotected,
                );
                self.sum(c, vec![i, slack]);
            }
            Some(WithheldReason::Protecting) => {
                assert!(n >= self.k, "{} = {n} is labelled protecting", self.names[i]);
                let c = constant(self, self.k, format!("{}: at least k", self.names[i]));
                let slack = self.entry(format!("{}: above k by", self.names[i]), n - self.k, Shown::Unprotected);
                self.sum(i, vec![c, slack]);
            }
            Some(WithheldReason::SmallOrProtecting) | None => {}
        }
    }

    pub fn n(&self, i: usize) -> usize {
        self.layout.entries[i].n
    }

    pub fn is_withheld(&self, i: usize) -> bool {
        self.withheld[i]
    }

    /// Marks an entry shown (a number another publication shows).
    pub fn show(&mut self, i: usize) {
        self.withheld[i] = false;
    }

    /// Marks an entry withheld (a mutation of a published pattern).
    pub fn withhold(&mut self, i: usize) {
        self.withheld[i] = true;
    }

    /// Keeps an entry in the arithmetic as published but stops protecting it here
    /// (another table's number, protected by that table).
    pub fn untarget(&mut self, i: usize) {
        self.target[i] = false;
    }

    /// Marks an entry always shown (a zero the filter forces, say).
    pub fn make_always(&mut self, i: usize) {
        self.withheld[i] = false;
        self.always[i] = true;
    }

    pub fn sum(&mut self, whole: usize, parts: Vec<usize>) {
        self.layout.sum(whole, parts);
    }

    pub fn same(&mut self, a: usize, b: usize) {
        self.layout.sum(a, vec![b]);
    }

    pub fn at_most(&mut self, part: usize, whole: usize) {
        self.layout.at_most(part, whole);
    }

    /// Every entry whose name contains `part`: its value and whether it is shown, for
    /// reading a leak.
    pub fn describe(&self, part: &str) -> String {
        (0..self.len())
            .filter(|&i| self.names[i].contains(part))
            .map(|i| {
                let how = if self.always[i] {
                    "always"
                } else if self.withheld[i] {
                    "withheld"
                } else {
                    "shown"
                };
                format!("{} = {} ({how})\n", self.names[i], self.n(i))
            })
            .collect()
    }

    /// Withheld entries that are protected when small: the attacker's targets.
    pub fn secrets(&self) -> Vec<usize> {
        (0..self.len())
            .filter(|&i| self.withheld[i] && self.target[i] && (1..self.k).contains(&self.n(i)))
            .collect()
    }

    /// Fails when the true values break a relation: the model would be wrong, and the
    /// linear programme infeasible (which reads as "anything goes").
    pub fn check_truth(&self) {
        for c in &self.layout.constraints {
            match c {
                Constraint::Sum { whole, parts } => {
                    let s: usize = parts.iter().map(|&p| self.n(p)).sum();
                    assert_eq!(
                        self.n(*whole),
                        s,
                        "{} is not the sum of {:?}",
                        self.names[*whole],
                        parts.iter().map(|&p| &self.names[p]).collect::<Vec<_>>()
                    );
                }
                Constraint::AtMost { part, whole } => assert!(
                    self.n(*part) <= self.n(*whole),
                    "{} exceeds {}",
                    self.names[*part],
                    self.names[*whole]
                ),
            }
        }
    }

    /// Every small count shown, and every withheld small count the exact attacker
    /// narrows too far.
    pub fn leaks(&self) -> Vec<Leak> {
        self.check_truth();
        let p = protection(self.k);
        // What is not fixed for a count at each level: all but the always-shown numbers
        // and the shown numbers of wider views.
        let not_fixed = |level: u8| -> Vec<bool> {
            (0..self.len())
                .map(|i| !(self.always[i] || (!self.withheld[i] && self.levels[i] < level)))
                .collect()
        };
        let mut caps: Vec<Option<Vec<bool>>> = vec![None; 256];
        let mut leaks: Vec<Leak> = (0..self.len())
            .filter(|&i| !self.withheld[i] && !self.always[i] && self.target[i] && (1..self.k).contains(&self.n(i)))
            .map(|i| {
                let n = self.n(i) as f64;
                Leak {
                    name: self.names[i].clone(),
                    n: self.n(i),
                    range: (n, n),
                    required: ((n - p).max(0.0), n + p),
                }
            })
            .collect();
        for i in self.secrets() {
            let n = self.n(i) as f64;
            let mut required = ((n - p).max(0.0), n + p);
            let range = lp::range(&self.layout, &self.withheld, i);
            let short = |(lo, hi): (f64, f64), (lo_req, hi_req): (f64, f64)| lo > lo_req + 1e-6 || hi < hi_req - 1e-6;
            if !short(range, required) {
                continue;
            }
            // As wide as the always-shown numbers allow, when they rule the interval out.
            let level = self.levels[i];
            let cap = caps[level as usize].get_or_insert_with(|| not_fixed(level));
            let (floor, ceiling) = lp::range(&self.layout, cap, i);
            required = (required.0.max(floor), required.1.min(ceiling));
            if short(range, required) || range.1 - range.0 < 0.5 {
                leaks.push(Leak {
                    name: self.names[i].clone(),
                    n: self.n(i),
                    range,
                    required,
                });
            }
        }
        leaks
    }
}

/// Which numbers of a frequency table a filter forces to zero, so that an attacker
/// knows them: options and bins the filter's condition on the same question excludes.
#[derive(Default, Clone)]
pub struct Forced {
    pub options: Vec<bool>,
    pub missing: [bool; 3],
    pub selected_none: bool,
}

/// Where a frequency table's numbers sit in an [`Audit`].
#[derive(Debug, Clone)]
pub struct FreqIds {
    pub options: Vec<usize>,
    pub missing: [usize; 3],
    pub answered: usize,
    pub asked: usize,
    pub respondents: usize,
    pub none: Option<usize>,
    pub any: Option<usize>,
    pub selections: Option<usize>,
    pub top_two: Option<usize>,
}

impl FreqIds {
    /// Every entry, in an order two tables of the same question share.
    pub fn all(&self) -> Vec<usize> {
        let mut v = self.options.clone();
        v.extend(self.missing);
        v.extend([self.answered, self.asked, self.respondents]);
        v.extend(self.none);
        v.extend(self.any);
        v.extend(self.selections);
        v.extend(self.top_two);
        v
    }
}

fn count(x: Option<f64>) -> usize {
    let v = x.expect("a raw table shows every count");
    assert!(v.fract() == 0.0 && v >= 0.0);
    v as usize
}

/// Publishes a frequency table into the audit: `raw` is the table with control off
/// (the truth), `shown` the protected one (`None` when refused: every number is then
/// an unknown, still tied to the others).
pub fn publish_freq(
    a: &mut Audit,
    tag: &str,
    raw: &Frequencies,
    shown: Option<&Frequencies>,
    forced: &Forced,
) -> FreqIds {
    let k = a.k;
    let status = |value: Option<f64>, truth: usize, what: &str| -> Shown {
        match value {
            Some(v) => {
                assert_eq!(v, truth as f64, "{tag} {what}: shown number is not the truth");
                Shown::Yes
            }
            None => Shown::No,
        }
    };
    let options: Vec<usize> = raw
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let n = count(r.count);
            let s = match shown {
                Some(f) => status(f.rows[i].count, n, &r.option),
                None => Shown::No,
            };
            let s = if forced.options.get(i) == Some(&true) {
                assert_eq!(n, 0, "{tag} {}: forced zero is not zero", r.option);
                Shown::Always
            } else {
                s
            };
            let e = a.entry(format!("{tag}: {}", r.option), n, s);
            a.assume(e, shown.and_then(|f| f.rows[i].withheld));
            e
        })
        .collect();
    let missing_n = |f: &Frequencies, m: Missing| f.missing.iter().find(|c| c.reason == m).map(|c| c.count);
    let missing: Vec<usize> = Missing::ALL
        .iter()
        .enumerate()
        .map(|(j, &m)| {
            let n = missing_n(raw, m).map_or(0, |c| c as usize);
            let s = if forced.missing[j] {
                assert_eq!(n, 0, "{tag} {m:?}: forced zero is not zero");
                Shown::Always
            } else {
                match shown.map(|f| missing_n(f, m)) {
                    Some(Some(v)) => status(Some(v), n, &format!("{m:?}")),
                    _ => Shown::No,
                }
            };
            a.entry(format!("{tag}: ({m:?})"), n, s)
        })
        .collect();
    let published = shown.is_some();
    // A base is shown by the table that states it and by the same table under another
    // base whenever that one is not refused (at least k).
    let base = |n: usize| {
        if published && n >= k {
            Shown::Always
        } else {
            Shown::No
        }
    };
    let answered_n = raw.base.n as usize;
    assert_eq!(
        raw.base.kind,
        canvass_core::freq::BaseKind::Answered,
        "raw tables use the answered base"
    );
    let asked_n = answered_n + a.n(missing[1]) + a.n(missing[2]);
    let answered = a.entry(format!("{tag}: answered"), answered_n, base(answered_n));
    let asked = a.entry(format!("{tag}: asked"), asked_n, base(asked_n));
    let respondents = a.entry(
        format!("{tag}: respondents"),
        raw.respondents,
        if published { Shown::Always } else { Shown::No },
    );
    if let Some(f) = shown {
        assert_eq!(f.respondents, raw.respondents);
    }
    a.sum(asked, vec![answered, missing[1], missing[2]]);
    a.sum(respondents, vec![asked, missing[0]]);
    let (mut none, mut any, mut selections) = (None, None, None);
    if let Some(raw_none) = &raw.selected_none {
        let none_n = count(raw_none.count);
        let mut s = shown.map_or(Shown::No, |f| {
            status(f.selected_none.as_ref().and_then(|r| r.count), none_n, "selected none")
        });
        if forced.selected_none {
            assert_eq!(none_n, 0);
            s = Shown::Always;
        }
        let e_none = a.entry(format!("{tag}: selected none"), none_n, s);
        let e_any = a.entry(format!("{tag}: selected any"), answered_n - none_n, Shown::No);
        a.sum(answered, vec![e_none, e_any]);
        for &o in &options {
            a.at_most(o, e_any);
        }
        let sel_n: usize = options.iter().map(|&o| a.n(o)).sum();
        let e_sel = a.entry(format!("{tag}: selections"), sel_n, base(sel_n));
        a.sum(e_sel, options.clone());
        none = Some(e_none);
        any = Some(e_any);
        selections = Some(e_sel);
    } else {
        a.sum(answered, options.clone());
    }
    let mut top_two = None;
    if let Some(t) = &raw.top_two {
        let n = count(t.count);
        let s = shown.map_or(Shown::No, |f| {
            status(f.top_two.as_ref().and_then(|r| r.count), n, "top two")
        });
        let e = a.entry(format!("{tag}: {}", t.option), n, s);
        let l = options.len();
        a.sum(e, options[l - 2..].to_vec());
        top_two = Some(e);
    }
    FreqIds {
        options,
        missing: [missing[0], missing[1], missing[2]],
        answered,
        asked,
        respondents,
        none,
        any,
        selections,
        top_two,
    }
}

/// Where a crosstab's numbers sit in an [`Audit`].
#[derive(Debug, Clone)]
pub struct CrossIds {
    pub cells: Vec<Vec<usize>>,
    pub rows: Vec<usize>,
    pub cols: Vec<usize>,
    pub total: usize,
}

impl CrossIds {
    pub fn all(&self) -> Vec<usize> {
        let mut v: Vec<usize> = self.cells.iter().flatten().copied().collect();
        v.extend(&self.rows);
        v.extend(&self.cols);
        v.push(self.total);
        v
    }
}

/// Publishes a crosstab of two single-choice questions; `forced_rows` and
/// `forced_cols` flag options the filter forces to zero.
pub fn publish_crosstab(
    a: &mut Audit,
    tag: &str,
    raw: &Crosstab,
    shown: Option<&Crosstab>,
    forced_rows: &[bool],
    forced_cols: &[bool],
) -> CrossIds {
    assert!(!raw.row_multi && !raw.col_multi, "single-choice sides only");
    let status = |value: Option<f64>, truth: usize, what: &str, forced: bool| -> Shown {
        if forced {
            assert_eq!(truth, 0, "{tag} {what}: forced zero is not zero");
            return Shown::Always;
        }
        match value {
            Some(v) => {
                assert_eq!(v, truth as f64, "{tag} {what}: shown number is not the truth");
                Shown::Yes
            }
            None => Shown::No,
        }
    };
    let f = |v: &[bool], i: usize| v.get(i) == Some(&true);
    let cells: Vec<Vec<usize>> = (0..raw.row_labels.len())
        .map(|i| {
            (0..raw.col_labels.len())
                .map(|j| {
                    let n = count(raw.counts[i][j]);
                    let what = format!("{} × {}", raw.row_labels[i], raw.col_labels[j]);
                    let s = status(
                        shown.and_then(|t| t.counts[i][j]),
                        n,
                        &what,
                        f(forced_rows, i) || f(forced_cols, j),
                    );
                    let e = a.entry(format!("{tag}: {what}"), n, s);
                    a.assume(e, shown.and_then(|t| t.cells[i][j].withheld));
                    e
                })
                .collect()
        })
        .collect();
    let rows: Vec<usize> = (0..raw.row_labels.len())
        .map(|i| {
            let n = count(raw.row_totals[i]);
            let what = format!("row {}", raw.row_labels[i]);
            let s = status(shown.and_then(|t| t.row_totals[i]), n, &what, f(forced_rows, i));
            let e = a.entry(format!("{tag}: {what}"), n, s);
            a.sum(e, cells[i].clone());
            e
        })
        .collect();
    let cols: Vec<usize> = (0..raw.col_labels.len())
        .map(|j| {
            let n = count(raw.col_totals[j]);
            let what = format!("column {}", raw.col_labels[j]);
            let s = status(shown.and_then(|t| t.col_totals[j]), n, &what, f(forced_cols, j));
            let e = a.entry(format!("{tag}: {what}"), n, s);
            a.sum(e, cells.iter().map(|r| r[j]).collect());
            e
        })
        .collect();
    let total_n = raw.total as usize;
    let total = a.entry(
        format!("{tag}: answered both"),
        total_n,
        match shown {
            Some(t) => {
                assert_eq!(t.total, raw.total);
                Shown::Always
            }
            None => Shown::No,
        },
    );
    a.sum(total, rows.clone());
    a.sum(total, cols.clone());
    CrossIds {
        cells,
        rows,
        cols,
        total,
    }
}

/// A crosstab's margins beside the frequency tables of its two questions over the same
/// view: an option's frequency is its margin plus those who chose it and left the
/// other question unanswered (item nonresponse: in the arithmetic, not protected).
pub fn link_margins(a: &mut Audit, tag: &str, cross: &CrossIds, row_freq: &FreqIds, col_freq: &FreqIds) {
    for (margins, freq, side) in [(&cross.rows, row_freq, "row"), (&cross.cols, col_freq, "column")] {
        for (i, (&m, &o)) in margins.iter().zip(&freq.options).enumerate() {
            let rest = a.n(o) - a.n(m);
            let e = a.entry(
                format!("{tag}: {side} option {i} without the other answer"),
                rest,
                Shown::Unprotected,
            );
            a.sum(o, vec![m, e]);
        }
    }
}

/// A wider view's numbers are the narrower view's plus the complement's, entry by
/// entry (plus, when the complement is not exact, an unknown remainder: respondents in
/// neither, such as those a range leaves out for having no number).
///
/// `remainder` says how the remainder is published: [`Shown::No`] makes its small
/// counts secrets, [`Shown::Unprotected`] only links the tables through it.
pub fn link_split(
    a: &mut Audit,
    tag: &str,
    wide: &[usize],
    narrow: &[usize],
    complement: &[usize],
    exact: bool,
    remainder: Shown,
) {
    assert_eq!(wide.len(), narrow.len());
    assert_eq!(wide.len(), complement.len());
    for i in 0..wide.len() {
        let mut parts = vec![narrow[i], complement[i]];
        let rest = a.n(wide[i]) as isize - a.n(narrow[i]) as isize - a.n(complement[i]) as isize;
        assert!(rest >= 0, "{tag}: the parts exceed the whole at {}", a.names[wide[i]]);
        if !exact {
            let name = format!("{tag}: in neither, {}", a.names[wide[i]]);
            parts.push(a.entry(name, rest as usize, remainder));
        }
        a.sum(wide[i], parts);
    }
}

/// A view's frequency table: the protected one (`Err` when refused) and the raw one.
pub fn freq_pair(ds: &Dataset, question: &str, filters: &[String], k: usize) -> (Option<Frequencies>, Frequencies) {
    let request = |k: usize| ViewRequest {
        filters: filters.to_vec(),
        k: Some(k),
        ..ViewRequest::question(question)
    };
    let get = |k: usize| {
        answer(ds, &request(k)).map(|ans| match ans.table {
            AnswerTable::Frequencies { table, .. } => table,
            AnswerTable::Crosstab { .. } => unreachable!(),
        })
    };
    let raw = get(0).unwrap_or_else(|e| panic!("{question} {filters:?} raw: {e:?}"));
    (get(k).ok(), raw)
}

/// A view's crosstab: the protected one (`None` when refused) and the raw one.
pub fn crosstab_pair(ds: &Dataset, row: &str, col: &str, filters: &[String], k: usize) -> (Option<Crosstab>, Crosstab) {
    let request = |k: usize| ViewRequest {
        filters: filters.to_vec(),
        by: Some(col.to_string()),
        k: Some(k),
        ..ViewRequest::question(row)
    };
    let get = |k: usize| {
        answer(ds, &request(k)).map(|ans| match ans.table {
            AnswerTable::Crosstab { crosstab, .. } => crosstab,
            AnswerTable::Frequencies { .. } => unreachable!(),
        })
    };
    let raw = get(0).unwrap_or_else(|e| panic!("{row} × {col} {filters:?} raw: {e:?}"));
    (get(k).ok(), raw)
}

/// The zeros the filter `filters` forces on a table of question `question_idx` with
/// `n_options` options (bins, for a number, whose `edges` are given).
pub fn forced_zeros(
    ds: &Dataset,
    filters: &[String],
    question_idx: usize,
    n_options: usize,
    edges: Option<&[f64]>,
) -> Forced {
    use canvass_core::filter::{Condition, Filter};
    use canvass_core::Column;
    use std::ops::Bound;
    let mut forced = Forced {
        options: vec![false; n_options],
        ..Forced::default()
    };
    let filter = Filter::parse(ds, filters).unwrap();
    let multi = matches!(ds.questions()[question_idx].column, Column::Multi(_));
    for c in filter.conditions.iter().filter(|c| c.question_idx() == question_idx) {
        match c {
            Condition::AnyOf {
                options,
                values,
                missing,
                ..
            } => {
                for (j, m) in Missing::ALL.iter().enumerate() {
                    forced.missing[j] |= !missing.contains(m);
                }
                if multi {
                    forced.selected_none = true;
                } else if edges.is_none() && values.is_empty() {
                    for (i, f) in forced.options.iter_mut().enumerate() {
                        *f |= !options.contains(&i);
                    }
                }
            }
            Condition::AllOf { .. } => {
                forced.missing = [true; 3];
                forced.selected_none = true;
            }
            Condition::Range { lower, upper, .. } => {
                forced.missing = [true; 3];
                let edges = edges.expect("a range is on a number");
                let n_bins = edges.len() - 1;
                let coded: &[String] = match &ds.questions()[question_idx].column {
                    Column::Numeric(col) => col.coded_labels(),
                    _ => &[],
                };
                for (i, f) in forced.options.iter_mut().enumerate() {
                    if i >= n_bins {
                        // A top-coded answer the range wholly excludes ("> 40" under
                        // `age<30`).
                        *f |=
                            canvass_core::filter::top_code_in_range(&coded[i - n_bins], *lower, *upper) == Some(false);
                        continue;
                    }
                    let (a, b, last) = (edges[i], edges[i + 1], i + 1 == n_bins);
                    // Values in the bin: a ≤ v < b (≤ b for the last bin).
                    let below = match *lower {
                        Bound::Included(l) => b < l || (b == l && !last),
                        Bound::Excluded(l) => b <= l,
                        Bound::Unbounded => false,
                    };
                    let above = match *upper {
                        Bound::Included(u) => a > u,
                        Bound::Excluded(u) => a >= u,
                        Bound::Unbounded => false,
                    };
                    *f |= below || above;
                }
            }
        }
    }
    forced
}
