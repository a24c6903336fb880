//! Reading a file through a codebook: the codebook's word is final.
//!
//! Columns are matched to codebook questions by id (the first header row). A matched
//! column takes the codebook's kind, question text, option order, multi-select
//! separator and rank group; a respondent whom the question's `asked_if` condition
//! excludes and who left it blank is [`Missing::NotAsked`], not "no answer". Answers
//! the codebook does not list are kept as extra options, with a warning, so nothing is
//! dropped from a count. Refusals the codebook lists as options ("Prefer not to
//! answer", "N/A") are still [`Missing::Declined`], so a question's answered count
//! means the same with and without a codebook. Columns the codebook does not mention
//! are inferred as usual; codebook questions missing from the file are reported.
//!
//! The codebook's `layout` lends only its delimiter, and only when it splits the
//! header into the codebook's columns; the number of header rows is read from the
//! file, so one codebook serves both a three-row Qualtrics export and a one-row copy.

use super::header::{Header, Role};
use super::infer::{encode, text_column, Built, TextStore, Verdict, BLANK};
use super::scales::{is_declined, normalize, parse_number};
use super::{LoadError, Warnings};
use crate::codebook::{Codebook, Condition, Kind, Question as CbQuestion, Test};
use crate::dataset::{
    Bitset, Categorical, CategoricalCell, Column, Missing, MultiSelect, Numeric, NumericCell, Question, QuestionKind,
    Text,
};

/// One cell of a finished column, as read (trimmed).
fn cell(built: &Built, row_idx: usize) -> &str {
    match built {
        Built::Dict { values, codes, .. } => match codes[row_idx] {
            BLANK => "",
            code => &values[code as usize],
        },
        Built::Text(store) => store.get(row_idx),
    }
}

pub(crate) fn assemble_with_codebook(
    header: &Header,
    built: Vec<Built>,
    verdicts: &[Verdict],
    n_rows: usize,
    codebook: &Codebook,
    max_categories: usize,
    warnings: &mut Warnings,
) -> Result<Vec<Question>, LoadError> {
    let line = header.rows as u64;
    let column_of: Vec<Option<usize>> = codebook
        .questions
        .iter()
        .map(|q| header.columns.iter().position(|h| h.id == q.id))
        .collect();
    let ids: Vec<&str> = header.columns.iter().map(|h| h.id.as_str()).collect();
    report_unmatched(codebook, &column_of, &ids, line, warnings);

    let asked = asked_masks(codebook, &column_of, &built, n_rows);
    let mut questions = Vec::with_capacity(built.len());
    for (col_idx, (b, head)) in built.into_iter().zip(&header.columns).enumerate() {
        let Some(pos) = codebook.position(&head.id) else {
            let (kind, column) = match head.role {
                Some(Role::Identifying) | Some(Role::Administrative) => (QuestionKind::Identifier, plain(b)?),
                Some(Role::Timestamp) => (QuestionKind::Datetime, plain(b)?),
                None => encode(b, &verdicts[col_idx])?,
            };
            questions.push(Question {
                id: head.id.clone(),
                text: head.text.clone(),
                kind,
                group: None,
                column,
            });
            continue;
        };
        let q = &codebook.questions[pos];
        let (kind, column) = encode_as(b, q, max_categories, warnings, line)?;
        let column = match &asked[pos] {
            Some(mask) => {
                let answered_anyway = (0..n_rows).filter(|&r| !mask[r] && has_answer(&column, r)).count();
                if answered_anyway > 0 {
                    warnings.push(
                        line,
                        format!(
                            "question {:?}: {answered_anyway} respondent{} answered although the codebook's \
                             asked_if says they were not asked; their answers are kept",
                            q.id,
                            if answered_anyway == 1 { "" } else { "s" }
                        ),
                    );
                }
                mark_not_asked(column, mask)?
            }
            None => column,
        };
        questions.push(Question {
            id: q.id.clone(),
            text: q.text.clone(),
            kind,
            group: q.rank_group.clone(),
            column,
        });
    }
    Ok(questions)
}

/// Warns of codebook questions the file lacks and of file columns the codebook lacks.
fn report_unmatched(
    codebook: &Codebook,
    column_of: &[Option<usize>],
    ids: &[&str],
    line: u64,
    warnings: &mut Warnings,
) {
    let absent: Vec<&str> = codebook
        .questions
        .iter()
        .zip(column_of)
        .filter(|(_, c)| c.is_none())
        .map(|(q, _)| q.id.as_str())
        .collect();
    if !absent.is_empty() {
        warnings.push(
            line,
            format!(
                "{} codebook question{} not in the file: {}; check that the codebook belongs to this export",
                absent.len(),
                if absent.len() == 1 { " is" } else { "s are" },
                list(&absent)
            ),
        );
    }
    let unknown: Vec<&str> = ids
        .iter()
        .copied()
        .filter(|id| codebook.position(id).is_none())
        .collect();
    if !unknown.is_empty() {
        warnings.push(
            line,
            format!(
                "{} column{} not in the codebook and {} read by guessing: {}",
                unknown.len(),
                if unknown.len() == 1 { " is" } else { "s are" },
                if unknown.len() == 1 { "is" } else { "are" },
                list(&unknown)
            ),
        );
    }
}

/// A codebook applied to the questions of an SPSS or Stata file. Each question the
/// codebook names is read again from its answers' text (value labels, numbers) as a
/// CSV column would be, so it takes the codebook's kind, text, option order and skip
/// logic; the reasons the file itself gave missing codes (a refusal, "not applicable")
/// are kept. Multiple-response sets and grids keep their shape and take the text and
/// skip logic.
pub(crate) fn apply_to_labelled(
    questions: Vec<Question>,
    n_rows: usize,
    codebook: &Codebook,
    max_categories: usize,
    warnings: &mut Warnings,
) -> Result<Vec<Question>, LoadError> {
    let line = 0;
    let column_of: Vec<Option<usize>> = codebook
        .questions
        .iter()
        .map(|q| questions.iter().position(|h| h.id == q.id))
        .collect();
    let ids: Vec<&str> = questions.iter().map(|q| q.id.as_str()).collect();
    report_unmatched(codebook, &column_of, &ids, line, warnings);
    let built: Vec<Built> = questions
        .iter()
        .map(|q| {
            let separator = codebook
                .position(&q.id)
                .and_then(|pos| codebook.questions[pos].separator.as_deref())
                .unwrap_or(";");
            answers_as_text(&q.column, separator)
        })
        .collect();
    let asked = asked_masks(codebook, &column_of, &built, n_rows);
    let mut out = Vec::with_capacity(questions.len());
    for (q, b) in questions.into_iter().zip(built) {
        let Some(pos) = codebook.position(&q.id) else {
            out.push(q);
            continue;
        };
        let cb = &codebook.questions[pos];
        let (kind, column, group) = match q.kind {
            QuestionKind::Multi | QuestionKind::Grid | QuestionKind::Rank => (q.kind, q.column, q.group),
            _ => {
                let (kind, column) = encode_as(b, cb, max_categories, warnings, line)?;
                (kind, keep_reasons(column, &q.column)?, cb.rank_group.clone())
            }
        };
        let column = match &asked[pos] {
            Some(mask) => mark_not_asked(column, mask)?,
            None => column,
        };
        out.push(Question {
            id: q.id,
            text: cb.text.clone(),
            kind,
            group,
            column,
        });
    }
    Ok(out)
}

/// A question's answers as the text a CSV file would hold: labels, numbers, the chosen
/// options joined by `separator`, blank where missing.
fn answers_as_text(column: &Column, separator: &str) -> Built {
    if let Column::Categorical(c) = column {
        let mut counts = vec![0u32; c.levels().len()];
        let codes = (0..c.len())
            .map(|r| match c.cell(r) {
                CategoricalCell::Level(l) => {
                    counts[l as usize] += 1;
                    l
                }
                CategoricalCell::Missing(_) => BLANK,
            })
            .collect();
        let values = c.levels().iter().map(|l| l.as_str().into()).collect();
        return Built::Dict { values, counts, codes };
    }
    let mut store = TextStore::default();
    let mut push = |cell: &str| {
        store.data.push_str(cell);
        store.ends.push(store.data.len());
    };
    match column {
        Column::Numeric(n) => {
            for cell in n.cells() {
                match cell {
                    NumericCell::Value(v) => push(&v.to_string()),
                    NumericCell::Coded(i) => push(&n.coded_labels()[*i as usize]),
                    NumericCell::Missing(_) => push(""),
                }
            }
        }
        Column::Multi(m) => {
            for r in 0..m.len() {
                let chosen: Vec<&str> = (0..m.options().len())
                    .filter(|&o| m.selected(o).contains(r))
                    .map(|o| m.options()[o].as_str())
                    .collect();
                push(&chosen.join(separator));
            }
        }
        Column::Text(t) => (0..t.len()).for_each(|r| push(t.get(r))),
        Column::Categorical(_) => {}
    }
    Built::Text(store)
}

/// Rows the file gave a reason other than "no answer" keep it.
fn keep_reasons(column: Column, original: &Column) -> Result<Column, LoadError> {
    let reason = |r: usize| match original {
        Column::Categorical(c) => match c.cell(r) {
            CategoricalCell::Missing(m) if m != Missing::NoAnswer => Some(m),
            _ => None,
        },
        Column::Numeric(n) => match n.cells()[r] {
            NumericCell::Missing(m) if m != Missing::NoAnswer => Some(m),
            _ => None,
        },
        _ => None,
    };
    Ok(match column {
        Column::Categorical(c) => {
            let no_answer = Categorical::code_for(CategoricalCell::Missing(Missing::NoAnswer));
            let codes = c
                .codes()
                .iter()
                .enumerate()
                .map(|(r, &code)| match reason(r) {
                    Some(m) if code == no_answer => Categorical::code_for(CategoricalCell::Missing(m)),
                    _ => code,
                })
                .collect();
            Column::Categorical(Categorical::new(c.levels().to_vec(), codes)?)
        }
        Column::Numeric(n) => {
            let cells = n
                .cells()
                .iter()
                .enumerate()
                .map(|(r, &cell)| match (cell, reason(r)) {
                    (NumericCell::Missing(Missing::NoAnswer), Some(m)) => NumericCell::Missing(m),
                    _ => cell,
                })
                .collect();
            Column::Numeric(Numeric::new(cells, n.coded_labels().to_vec())?)
        }
        other => other,
    })
}

fn list(ids: &[&str]) -> String {
    let shown: Vec<String> = ids.iter().take(5).map(|id| format!("{id:?}")).collect();
    if ids.len() > 5 {
        format!("{} and {} more", shown.join(", "), ids.len() - 5)
    } else {
        shown.join(", ")
    }
}

fn plain(b: Built) -> Result<Column, LoadError> {
    match b {
        Built::Dict { values, codes, .. } => text_column(&values, &codes),
        Built::Text(store) => Ok(Column::Text(Text::from_parts(store.data, store.ends)?)),
    }
}

/// A skip condition prepared for evaluation row by row. A test on one question whose
/// column is dictionary-encoded depends only on that cell's code, so its answer is
/// worked out once per distinct answer and looked up per row; the NumPy release has
/// thousands of rows but only a handful of distinct answers per question.
enum Plan<'c> {
    All(Vec<Plan<'c>>),
    Any(Vec<Plan<'c>>),
    Not(Box<Plan<'c>>),
    ByCode {
        column: usize,
        by_code: Vec<bool>,
        blank: bool,
    },
    /// Tests on two cells, or on a column kept as text: evaluated on the row's cells.
    Row(&'c Condition),
}

impl<'c> Plan<'c> {
    fn new(codebook: &Codebook, condition: &'c Condition, column_of: &[Option<usize>], built: &[Built]) -> Self {
        let plan_all = |c: &'c [Condition]| c.iter().map(|x| Plan::new(codebook, x, column_of, built)).collect();
        match condition {
            Condition::All(c) => Plan::All(plan_all(c)),
            Condition::Any(c) => Plan::Any(plan_all(c)),
            Condition::Not(c) => Plan::Not(Box::new(Plan::new(codebook, c, column_of, built))),
            Condition::Test {
                test: Test::NotAbove(_),
                ..
            } => Plan::Row(condition),
            Condition::Test { question, .. } => {
                let Some(pos) = codebook.position(question) else {
                    return Plan::Row(condition);
                };
                let Some(column) = column_of[pos] else {
                    return Plan::Row(condition);
                };
                let Built::Dict { values, .. } = &built[column] else {
                    return Plan::Row(condition);
                };
                // The same evaluation the row path does, on a row holding only this cell.
                let mut row: Vec<&str> = vec![""; pos + 1];
                let blank = codebook.eval(condition, &row);
                let by_code = values
                    .iter()
                    .map(|v| {
                        row[pos] = v;
                        codebook.eval(condition, &row)
                    })
                    .collect();
                Plan::ByCode { column, by_code, blank }
            }
        }
    }

    fn needs_row(&self) -> bool {
        match self {
            Plan::All(p) | Plan::Any(p) => p.iter().any(Plan::needs_row),
            Plan::Not(p) => p.needs_row(),
            Plan::ByCode { .. } => false,
            Plan::Row(_) => true,
        }
    }

    fn eval(&self, codebook: &Codebook, built: &[Built], row_idx: usize, row: &[&str]) -> bool {
        match self {
            Plan::All(p) => p.iter().all(|x| x.eval(codebook, built, row_idx, row)),
            Plan::Any(p) => p.iter().any(|x| x.eval(codebook, built, row_idx, row)),
            Plan::Not(p) => !p.eval(codebook, built, row_idx, row),
            Plan::ByCode { column, by_code, blank } => match &built[*column] {
                Built::Dict { codes, .. } => match codes[row_idx] {
                    BLANK => *blank,
                    code => by_code[code as usize],
                },
                Built::Text(_) => unreachable!("planned only for dictionary columns"),
            },
            Plan::Row(condition) => codebook.eval(condition, row),
        }
    }
}

/// For each codebook question with skip logic, which rows were shown it.
fn asked_masks(
    codebook: &Codebook,
    column_of: &[Option<usize>],
    built: &[Built],
    n_rows: usize,
) -> Vec<Option<Vec<bool>>> {
    let plans: Vec<Option<Plan>> = codebook
        .questions
        .iter()
        .map(|q| q.asked_if.as_ref().map(|c| Plan::new(codebook, c, column_of, built)))
        .collect();
    if plans.iter().all(Option::is_none) {
        return plans.iter().map(|_| None).collect();
    }
    // Cells are copied into `row` only for the questions a row-evaluated test reads.
    let mut referenced: Vec<usize> = codebook
        .questions
        .iter()
        .zip(&plans)
        .filter(|(_, plan)| plan.as_ref().is_some_and(Plan::needs_row))
        .filter_map(|(q, _)| q.asked_if.as_ref())
        .flat_map(|c| c.questions())
        .filter_map(|id| codebook.position(id))
        .collect();
    referenced.sort_unstable();
    referenced.dedup();
    let mut masks: Vec<Option<Vec<bool>>> = plans
        .iter()
        .map(|p| p.as_ref().map(|_| Vec::with_capacity(n_rows)))
        .collect();
    let mut row: Vec<&str> = vec![""; codebook.questions.len()];
    for row_idx in 0..n_rows {
        for &pos in &referenced {
            row[pos] = column_of[pos].map_or("", |c| cell(&built[c], row_idx));
        }
        for (plan, mask) in plans.iter().zip(masks.iter_mut()) {
            if let (Some(plan), Some(mask)) = (plan, mask.as_mut()) {
                mask.push(plan.eval(codebook, built, row_idx, &row));
            }
        }
    }
    masks
}

fn has_answer(column: &Column, row_idx: usize) -> bool {
    match column {
        Column::Categorical(c) => matches!(c.cell(row_idx), CategoricalCell::Level(_)),
        Column::Multi(m) => m.missing(row_idx).is_none(),
        Column::Numeric(n) => !matches!(n.cells()[row_idx], NumericCell::Missing(_)),
        Column::Text(t) => !t.get(row_idx).is_empty(),
    }
}

/// Turns "no answer" into "not asked" where the mask says the row was not shown the
/// question. Answers and refusals are left as they are.
fn mark_not_asked(column: Column, asked: &[bool]) -> Result<Column, LoadError> {
    let not_asked = |r: usize| !asked.get(r).copied().unwrap_or(true);
    Ok(match column {
        Column::Categorical(c) => {
            let no_answer = Categorical::code_for(CategoricalCell::Missing(Missing::NoAnswer));
            let not_asked_code = Categorical::code_for(CategoricalCell::Missing(Missing::NotAsked));
            let codes = c
                .codes()
                .iter()
                .enumerate()
                .map(|(r, &code)| {
                    if code == no_answer && not_asked(r) {
                        not_asked_code
                    } else {
                        code
                    }
                })
                .collect();
            Column::Categorical(Categorical::new(c.levels().to_vec(), codes)?)
        }
        Column::Multi(m) => {
            let missing = (0..m.len())
                .map(|r| match m.missing(r) {
                    Some(Missing::NoAnswer) if not_asked(r) => Some(Missing::NotAsked),
                    other => other,
                })
                .collect();
            let selected = (0..m.options().len()).map(|o| m.selected(o).clone()).collect();
            Column::Multi(MultiSelect::new(m.options().to_vec(), selected, missing)?)
        }
        Column::Numeric(n) => {
            let cells = n
                .cells()
                .iter()
                .enumerate()
                .map(|(r, &cell)| match cell {
                    NumericCell::Missing(Missing::NoAnswer) if not_asked(r) => NumericCell::Missing(Missing::NotAsked),
                    other => other,
                })
                .collect();
            Column::Numeric(Numeric::new(cells, n.coded_labels().to_vec())?)
        }
        // Text keeps no reasons: a blank is blank.
        text @ Column::Text(_) => text,
    })
}

/// Encodes one column as the codebook question `q` says.
fn encode_as(
    b: Built,
    q: &CbQuestion,
    max_categories: usize,
    warnings: &mut Warnings,
    line: u64,
) -> Result<(QuestionKind, Column), LoadError> {
    let kind = match q.kind {
        Kind::Single | Kind::Country => QuestionKind::Single,
        Kind::Ordinal => QuestionKind::Ordinal,
        Kind::Rank => QuestionKind::Rank,
        Kind::Multi => QuestionKind::Multi,
        Kind::Numeric => QuestionKind::Numeric,
        Kind::Text => QuestionKind::Text,
        Kind::Identifier | Kind::Metadata => QuestionKind::Identifier,
        Kind::Datetime => QuestionKind::Datetime,
    };
    if matches!(
        kind,
        QuestionKind::Text | QuestionKind::Identifier | QuestionKind::Datetime
    ) {
        return Ok((kind, plain(b)?));
    }
    let (values, codes) = match b {
        Built::Dict { values, codes, .. } => (values, codes),
        Built::Text(store) if kind == QuestionKind::Numeric => {
            return Ok((kind, numeric_from(store.len(), |r| store.get(r), q, warnings, line)?));
        }
        Built::Text(_) => {
            return Err(LoadError::TooManyLevels {
                question: q.id.clone(),
                levels: max_categories + 1,
                cap: max_categories,
            })
        }
    };
    let mut extra: Vec<String> = Vec::new();
    let column = match kind {
        QuestionKind::Numeric => numeric_from(
            codes.len(),
            |r| match codes[r] {
                BLANK => "",
                c => &values[c as usize],
            },
            q,
            warnings,
            line,
        )?,
        QuestionKind::Multi => {
            let separator = q.separator.as_deref().unwrap_or(";");
            let mut options = substantive(&q.options);
            // For each distinct value: its options, or `None` for a refusal.
            let per_value: Vec<Option<Vec<usize>>> = values
                .iter()
                .map(|v| {
                    if is_declined(&normalize(v)) {
                        return None;
                    }
                    let mut picks = Vec::new();
                    for piece in v.split(separator).map(str::trim).filter(|p| !p.is_empty()) {
                        let idx = options.iter().position(|o| o == piece).unwrap_or_else(|| {
                            options.push(piece.to_string());
                            extra.push(piece.to_string());
                            options.len() - 1
                        });
                        if !picks.contains(&idx) {
                            picks.push(idx);
                        }
                    }
                    Some(picks)
                })
                .collect();
            let n_rows = codes.len();
            let mut selected: Vec<Bitset> = options.iter().map(|_| Bitset::new(n_rows)).collect();
            let mut missing = Vec::with_capacity(n_rows);
            for (row_idx, &code) in codes.iter().enumerate() {
                if code == BLANK {
                    missing.push(Some(Missing::NoAnswer));
                    continue;
                }
                match &per_value[code as usize] {
                    None => missing.push(Some(Missing::Declined)),
                    Some(picks) => {
                        for &o in picks {
                            selected[o].insert(row_idx);
                        }
                        missing.push(None);
                    }
                }
            }
            Column::Multi(MultiSelect::new(options, selected, missing)?)
        }
        _ => {
            let mut levels = substantive(&q.options);
            let declined_code = Categorical::code_for(CategoricalCell::Missing(Missing::Declined));
            let map: Vec<u16> = values
                .iter()
                .map(|v| {
                    let n = normalize(v);
                    if is_declined(&n) {
                        return declined_code;
                    }
                    if let Some(i) = levels.iter().position(|l| l == &**v) {
                        return i as u16;
                    }
                    if let Some(i) = levels.iter().position(|l| normalize(l) == n) {
                        return i as u16;
                    }
                    levels.push(v.to_string());
                    extra.push(v.to_string());
                    (levels.len() - 1) as u16
                })
                .collect();
            if levels.len() > crate::dataset::MAX_LEVELS {
                return Err(LoadError::TooManyLevels {
                    question: q.id.clone(),
                    levels: levels.len(),
                    cap: crate::dataset::MAX_LEVELS,
                });
            }
            let no_answer = Categorical::code_for(CategoricalCell::Missing(Missing::NoAnswer));
            let cells = codes
                .iter()
                .map(|&c| if c == BLANK { no_answer } else { map[c as usize] })
                .collect();
            Column::Categorical(Categorical::new(levels, cells)?)
        }
    };
    if !extra.is_empty() {
        let shown: Vec<&str> = extra.iter().map(String::as_str).collect();
        warnings.push(
            line,
            format!(
                "question {:?}: {} answer{} not among the codebook's options, kept as extra options: {}",
                q.id,
                extra.len(),
                if extra.len() == 1 { " is" } else { "s are" },
                list(&shown)
            ),
        );
    }
    Ok((kind, column))
}

/// The codebook's options without refusals such as "Prefer not to answer" or "N/A":
/// those are [`Missing::Declined`], counted apart from the answers, as everywhere.
fn substantive(options: &[String]) -> Vec<String> {
    options
        .iter()
        .filter(|o| !is_declined(&normalize(o)))
        .cloned()
        .collect()
}

/// Numbers, with the codebook's top codes as coded categories in codebook order.
fn numeric_from<'c>(
    n_rows: usize,
    cell: impl Fn(usize) -> &'c str,
    q: &CbQuestion,
    warnings: &mut Warnings,
    line: u64,
) -> Result<Column, LoadError> {
    let mut labels: Vec<String> = q
        .numeric
        .as_ref()
        .map(|n| n.top_codes.iter().map(|t| t.code.clone()).collect())
        .unwrap_or_default();
    let n_codebook_labels = labels.len();
    let mut cells = Vec::with_capacity(n_rows);
    for r in 0..n_rows {
        let v = cell(r);
        cells.push(if v.is_empty() {
            NumericCell::Missing(Missing::NoAnswer)
        } else if let Some(x) = parse_number(v) {
            NumericCell::Value(x)
        } else if let Some(i) = labels.iter().position(|l| l == v) {
            NumericCell::Coded(i as u16)
        } else if is_declined(&normalize(v)) {
            NumericCell::Missing(Missing::Declined)
        } else {
            if labels.len() >= crate::dataset::MAX_LEVELS {
                return Err(LoadError::TooManyLevels {
                    question: q.id.clone(),
                    levels: labels.len() + 1,
                    cap: crate::dataset::MAX_LEVELS,
                });
            }
            labels.push(v.to_string());
            NumericCell::Coded((labels.len() - 1) as u16)
        });
    }
    if labels.len() > n_codebook_labels {
        let shown: Vec<&str> = labels[n_codebook_labels..].iter().map(String::as_str).collect();
        warnings.push(
            line,
            format!(
                "question {:?}: answers that are neither numbers nor the codebook's top codes are kept as \
                 categories: {}",
                q.id,
                list(&shown)
            ),
        );
    }
    Ok(Column::Numeric(Numeric::new(cells, labels)?))
}
