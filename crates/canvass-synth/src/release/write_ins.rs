//! Write-in answers: what respondents typed into an "other, please specify" box that
//! the loader keeps as options of a multi-select or answers of a single-choice
//! question. They are free text, so a release withholds them unless the team has
//! curated the question (`--curated`): they are neither synthesised (a donor would
//! hand its typed words to a synthetic row) nor scored (each would be a variable of
//! its own, diluting every average of the report).
//!
//! Which answers are write-ins:
//! - a question the codebook lists options for: every answer it does not list;
//! - otherwise, in a one-column question of a delimited file: every answer fewer than
//!   [`WRITE_IN_MIN_RESPONDENTS`] respondents gave. Ordinal questions are scales and
//!   have none; the options of a one-column-per-option multi-select are its headers,
//!   and those of SPSS and Stata files their value labels, so both are offered
//!   answers, never typed ones.
//!
//! A respondent keeps the listed answers they gave ("A;my own words" becomes "A"). One
//! who gave only write-ins chose the question's "Other" option when the question has
//! one (an option named "Other", "Other (please specify)" and so on), and otherwise gave
//! no listed answer: no answer, a blank cell, as the raw file would hold had the box
//! not been there.
//!
//! This module finds and removes write-ins; it does not decide roles or write files.

use canvass_core::codebook::Codebook;
use canvass_core::dataset::{Bitset, Question};
use canvass_core::dataset::{Categorical, CategoricalCell, Column, Dataset, Missing, MultiSelect, QuestionKind};

/// Fewest respondents an answer needs, in a question the codebook does not describe,
/// to count as an offered option rather than a write-in. It is the release's
/// smallest-group threshold (the `smallest_quasi_group` gate and the replacement of
/// small shared groups both stop at 3): an answer one or two respondents gave points
/// at them as a quasi-identifier combination of that size would.
pub const WRITE_IN_MIN_RESPONDENTS: usize = 3;

/// The write-ins of one question.
#[derive(Debug, Clone, PartialEq)]
pub struct WriteIns {
    pub question_idx: usize,
    /// Indices of the write-in options (multi-select) or levels (single choice).
    pub answers: Vec<usize>,
    /// Per row: whether the respondent gave a write-in.
    pub rows: Vec<bool>,
    /// The option a respondent who wrote in only becomes, when the question has one.
    pub other: Option<String>,
}

impl WriteIns {
    /// Respondents who gave at least one write-in.
    pub fn respondents(&self) -> usize {
        self.rows.iter().filter(|&&w| w).count()
    }

    /// What a respondent with only write-ins becomes, in words.
    pub fn became(&self) -> String {
        match &self.other {
            Some(o) => format!("{o:?}"),
            None => "no answer".to_string(),
        }
    }
}

/// Whether an option stands for "other, please specify".
fn is_other(label: &str) -> bool {
    let l = label.trim().to_lowercase();
    l == "other"
        || ["other ", "other(", "other:", "other,", "other -", "other…", "other..."]
            .iter()
            .any(|p| l.starts_with(p))
}

/// The write-ins of every single-choice and multi-select question that has any.
/// `one_cell(q)` says whether question `q` is read from one column of a delimited
/// file (the only place a typed answer can sit among the options without a codebook).
pub fn find(ds: &Dataset, codebook: Option<&Codebook>, one_cell: &dyn Fn(usize) -> bool) -> Vec<WriteIns> {
    let mut found = Vec::new();
    for (question_idx, q) in ds.questions().iter().enumerate() {
        if !matches!(q.kind, QuestionKind::Single | QuestionKind::Multi) {
            continue;
        }
        let listed: Option<&[String]> = codebook
            .and_then(|cb| cb.question(&q.id))
            .filter(|cq| cq.kind.has_options() && !cq.options.is_empty())
            .map(|cq| cq.options.as_slice());
        if listed.is_none() && !one_cell(question_idx) {
            continue;
        }
        let (labels, counts) = answer_counts(q);
        let write_in = |i: usize| match listed {
            Some(options) => !options.iter().any(|o| o == &labels[i]),
            None => counts[i] < WRITE_IN_MIN_RESPONDENTS,
        };
        let answers: Vec<usize> = (0..labels.len()).filter(|&i| write_in(i)).collect();
        if answers.is_empty() {
            continue;
        }
        let other = (0..labels.len())
            .filter(|i| !answers.contains(i))
            .map(|i| labels[i].clone())
            .find(|l| is_other(l));
        let rows = (0..ds.n_rows())
            .map(|row| match &q.column {
                Column::Categorical(c) => {
                    matches!(c.cell(row), CategoricalCell::Level(l) if answers.contains(&(l as usize)))
                }
                Column::Multi(m) => answers.iter().any(|&i| m.selected(i).contains(row)),
                _ => false,
            })
            .collect();
        found.push(WriteIns {
            question_idx,
            answers,
            rows,
            other,
        });
    }
    found
}

/// Each answer's label and how many respondents gave it.
fn answer_counts(q: &Question) -> (Vec<String>, Vec<usize>) {
    match &q.column {
        Column::Categorical(c) => {
            let mut counts = vec![0; c.levels().len()];
            for row in 0..c.len() {
                if let CategoricalCell::Level(l) = c.cell(row) {
                    counts[l as usize] += 1;
                }
            }
            (c.levels().to_vec(), counts)
        }
        Column::Multi(m) => (
            m.options().to_vec(),
            (0..m.options().len()).map(|i| m.selected(i).count_ones()).collect(),
        ),
        _ => (Vec::new(), Vec::new()),
    }
}

/// The dataset without the given write-ins: their options or levels removed, a
/// respondent keeping the other answers they gave, and one who gave only write-ins
/// choosing the question's "Other" or, without one, giving no answer.
pub fn remove(ds: &Dataset, write_ins: &[WriteIns]) -> Dataset {
    let mut questions = ds.questions().to_vec();
    for w in write_ins {
        let q = &mut questions[w.question_idx];
        let column = match &q.column {
            Column::Categorical(c) => {
                let kept: Vec<usize> = (0..c.levels().len()).filter(|i| !w.answers.contains(i)).collect();
                let levels: Vec<String> = kept.iter().map(|&i| c.levels()[i].clone()).collect();
                let other = w.other.as_ref().and_then(|o| levels.iter().position(|l| l == o));
                let no_answer = Categorical::code_for(CategoricalCell::Missing(Missing::NoAnswer));
                let codes = (0..c.len())
                    .map(|row| match c.cell(row) {
                        CategoricalCell::Level(l) => match kept.iter().position(|&k| k == l as usize) {
                            Some(new) => new as u16,
                            None => other.map_or(no_answer, |o| o as u16),
                        },
                        CategoricalCell::Missing(_) => c.codes()[row],
                    })
                    .collect();
                Categorical::new(levels, codes).map(Column::Categorical)
            }
            Column::Multi(m) => {
                let kept: Vec<usize> = (0..m.options().len()).filter(|i| !w.answers.contains(i)).collect();
                let options: Vec<String> = kept.iter().map(|&i| m.options()[i].clone()).collect();
                let mut selected: Vec<Bitset> = kept.iter().map(|&i| m.selected(i).clone()).collect();
                let other = w.other.as_ref().and_then(|o| options.iter().position(|l| l == o));
                let mut missing = m.missing_cells().to_vec();
                for (row, &wrote_in) in w.rows.iter().enumerate() {
                    if !wrote_in {
                        continue;
                    }
                    match other {
                        Some(o) => selected[o].insert(row),
                        None if !selected.iter().any(|s| s.contains(row)) => missing[row] = Some(Missing::NoAnswer),
                        None => {}
                    }
                }
                MultiSelect::new(options, selected, missing).map(Column::Multi)
            }
            _ => continue,
        };
        // Removing answers keeps every column's length, so the invariants still hold.
        q.column = column.expect("a column without some of its answers keeps its shape");
    }
    Dataset::new(ds.n_rows(), questions).expect("columns keep their length")
}

#[cfg(test)]
mod tests {
    use super::*;
    use canvass_core::codebook::parse_codebook;
    use canvass_core::{load, LoadOptions};

    fn answers(ds: &Dataset, q: usize) -> Vec<String> {
        match &ds.questions()[q].column {
            Column::Multi(m) => (0..ds.n_rows())
                .map(|r| match m.missing(r) {
                    Some(reason) => format!("({})", reason.label()),
                    None => (0..m.options().len())
                        .filter(|&o| m.selected(o).contains(r))
                        .map(|o| m.options()[o].clone())
                        .collect::<Vec<_>>()
                        .join("+"),
                })
                .collect(),
            Column::Categorical(c) => (0..ds.n_rows())
                .map(|r| match c.cell(r) {
                    CategoricalCell::Level(l) => c.levels()[l as usize].clone(),
                    CategoricalCell::Missing(m) => format!("({})", m.label()),
                })
                .collect(),
            _ => unreachable!(),
        }
    }

    #[test]
    fn unlisted_answers_of_a_codebook_question_are_write_ins() {
        let cb = br#"{"format": "canvass-codebook/1", "title": "t", "layout": {"delimiter": ",", "header_rows": 1},
            "questions": [
              {"id": "tools", "text": "Tools?", "kind": "multi", "section": "s", "options": ["A", "B"], "separator": ";"},
              {"id": "role", "text": "Role?", "kind": "single", "section": "s", "options": ["Dev", "Other (please specify)"]}
            ]}"#;
        let cb = parse_codebook(cb).unwrap();
        let csv = "tools,role\nA;my own words,Dev\nmy own words,chef\nB,Dev\n,Dev\nA,Other (please specify)\n";
        let opts = LoadOptions {
            codebook: Some(cb.clone()),
            ..LoadOptions::default()
        };
        let ds = load(csv.as_bytes(), &opts).unwrap().dataset;
        let found = find(&ds, Some(&cb), &|_| true);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].rows, [true, true, false, false, false]);
        assert_eq!(found[0].other, None);
        assert_eq!(found[1].other.as_deref(), Some("Other (please specify)"));
        let clean = remove(&ds, &found);
        assert_eq!(answers(&clean, 0), ["A", "(no answer)", "B", "(no answer)", "A"]);
        assert_eq!(
            answers(&clean, 1),
            ["Dev", "Other (please specify)", "Dev", "Dev", "Other (please specify)"]
        );
        let Column::Multi(m) = &clean.questions()[0].column else {
            panic!()
        };
        assert_eq!(m.options(), ["A", "B"]);
    }

    #[test]
    fn without_a_codebook_answers_fewer_than_k_gave_are_write_ins() {
        let mut csv = String::from("os,team\n");
        for i in 0..60 {
            csv.push_str(&format!(
                "{},{}\n",
                ["Linux", "Mac;Linux", "Windows;Mac", "Mac"][i % 4],
                ["core", "docs", "web"][i % 3]
            ));
        }
        csv.push_str("Linux;Plan 9 on a toaster,my own team\nOther,Other\nWindows,core\n");
        let ds = load(csv.as_bytes(), &LoadOptions::default()).unwrap().dataset;
        assert_eq!(ds.questions()[0].kind, QuestionKind::Multi);
        let found = find(&ds, None, &|_| true);
        let idx: Vec<usize> = found.iter().map(|w| w.question_idx).collect();
        assert_eq!(idx, [0, 1]);
        let clean = remove(&ds, &found);
        let os = answers(&clean, 0);
        assert_eq!(os[60..], ["Linux", "(no answer)", "Windows"]);
        let team = answers(&clean, 1);
        assert_eq!(team[60..], ["(no answer)", "(no answer)", "core"]);
        // A one-column-per-option question's options are offered, whatever their counts.
        assert!(find(&ds, None, &|_| false).is_empty());
    }
}
