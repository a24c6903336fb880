//! From typed columns to questions: settling the groups the header hinted at.
//!
//! A run of neighbouring columns with one group key becomes, when its cells agree:
//!
//! - one multi-select question, when every column holds only "selected" and "not
//!   selected" marks (Kobo/ODK `0`/`1`, Qualtrics `1`/blank, LimeSurvey `Y`/blank,
//!   SurveyMonkey's option text/blank); an "Other (please specify)" column in such a
//!   group counts as selected when filled, and its text is kept as its own question;
//! - rank items, when every column holds whole numbers `1..=k` for `k` columns and no
//!   respondent gives one rank twice;
//! - grid items, when the columns share one set of answers: every item gets the same
//!   levels, in scale order when the answers lie on a known scale.
//!
//! Otherwise each column is its own question, keeping its group only when the header
//! layout itself (brackets, SurveyMonkey spans) said the columns belong together.
//! Platform columns (ids, timestamps, bookkeeping) become identifier or date-time
//! questions, which are never charted.

use super::header::{ColumnHead, Header, Role};
use super::infer::{encode, text_column, Built, Inference, Verdict, BLANK};
use super::scales::{common_scale, normalize, range_key};
use super::{LoadError, Warnings};
use crate::dataset::{
    Bitset, Categorical, CategoricalCell, Column, Missing, MultiSelect, Question, QuestionKind, Text,
};
use crate::sort::{reordered, sorted_positions};

/// Most distinct answers the items of one grid may share.
const MAX_GRID_LEVELS: usize = 30;

/// How a run of columns is read.
#[derive(Debug, Clone, PartialEq)]
enum Shape {
    Separate,
    Multi {
        other: Option<usize>,
    },
    Rank,
    /// Shared levels: (column, distinct value index) pairs in level order, per level.
    Grid {
        levels: Vec<String>,
    },
}

/// Builds the questions of a file from its header and finished columns.
pub(crate) fn assemble(
    header: &Header,
    mut built: Vec<Option<Built>>,
    verdicts: &[Verdict],
    n_rows: usize,
    max_categories: usize,
    warnings: &mut Warnings,
) -> Result<(Vec<Question>, Vec<Vec<usize>>), LoadError> {
    let heads = &header.columns;
    let runs = runs(heads, &built, verdicts);
    let shapes: Vec<Shape> = runs
        .iter()
        .map(|&(start, end)| shape_of(heads, &built, verdicts, start, end, n_rows, header.layout))
        .collect();
    let mut questions = Vec::with_capacity(heads.len());
    // For each question, the file's columns it was read from.
    let mut sources: Vec<Vec<usize>> = Vec::with_capacity(heads.len());
    let mut col = 0;
    let mut run_idx = 0;
    while col < heads.len() {
        let run = runs.get(run_idx).copied().filter(|&(start, _)| start == col);
        if let Some((start, end)) = run {
            let shape = &shapes[run_idx];
            run_idx += 1;
            match shape {
                Shape::Separate => {}
                Shape::Multi { other } => {
                    questions.push(multi_question(heads, &built, verdicts, start, end, *other, n_rows)?);
                    sources.push((start..end).collect());
                    if let Some(other_col) = other {
                        let h = &heads[*other_col];
                        if let Some(Built::Dict { values, codes, .. }) = built[*other_col].take() {
                            questions.push(Question {
                                id: h.id.clone(),
                                text: h.text.clone(),
                                kind: QuestionKind::Text,
                                group: h.group.as_ref().map(|g| g.name.clone()),
                                column: text_column(&values, &codes)?,
                            });
                            sources.push(vec![*other_col]);
                        }
                    }
                    col = end;
                    continue;
                }
                Shape::Rank => {
                    for c in start..end {
                        questions.push(rank_question(&heads[c], built[c].take(), verdicts, c, end - start)?);
                        sources.push(vec![c]);
                    }
                    col = end;
                    continue;
                }
                Shape::Grid { levels } => {
                    for c in start..end {
                        questions.push(grid_question(&heads[c], built[c].take(), &verdicts[c], levels)?);
                        sources.push(vec![c]);
                    }
                    col = end;
                    continue;
                }
            }
        }
        // A Kobo parent column repeating the choices of the 0/1 columns after it.
        let is_parent = runs.iter().zip(&shapes).any(|(&(start, _), shape)| {
            matches!(shape, Shape::Multi { .. })
                && start == col + 1
                && heads[start].group.as_ref().is_some_and(|g| g.key == heads[col].id)
        });
        let h = &heads[col];
        let b = built[col]
            .take()
            .ok_or_else(|| LoadError::Internal(format!("column {} used twice", col + 1)))?;
        let (kind, column) = if is_parent {
            warnings.push(
                header.rows as u64,
                format!(
                    "column {:?} repeats the choices of the \"{}/…\" columns after it; they are counted as one \
                     multi-select question and this column is kept as text",
                    h.id, h.id
                ),
            );
            (QuestionKind::Text, plain_text(b)?)
        } else {
            match h.role {
                Some(Role::Identifying) | Some(Role::Administrative) => (QuestionKind::Identifier, plain_text(b)?),
                Some(Role::Timestamp) => (QuestionKind::Datetime, plain_text(b)?),
                None if h.free_text => (QuestionKind::Text, plain_text(b)?),
                None => {
                    let outgrew = matches!(&b, Built::Text(store) if store.outgrew_with_repeats);
                    let (kind, column) = encode(b, &verdicts[col])?;
                    if outgrew && kind == QuestionKind::Text {
                        warnings.push(
                            header.rows as u64,
                            format!(
                                "column {:?} has more than {max_categories} distinct answers, the most kept as \
                                 categories, so it is read as free text; a codebook can give it another kind",
                                h.id
                            ),
                        );
                    }
                    (kind, column)
                }
            }
        };
        let group = h.group.as_ref().filter(|g| g.firm).map(|g| g.name.clone());
        questions.push(Question {
            // The multi-select question after it takes the plain id.
            id: if is_parent {
                format!("{} (text)", h.id)
            } else {
                h.id.clone()
            },
            text: h.text.clone(),
            kind,
            group,
            column,
        });
        sources.push(vec![col]);
        col += 1;
    }
    unique_ids(&mut questions);
    Ok((questions, sources))
}

/// A merged group's id may repeat a column's; numbering keeps every question nameable.
fn unique_ids(questions: &mut [Question]) {
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    for q in questions.iter_mut() {
        if !seen.insert(q.id.clone()) {
            let mut n = 2;
            while seen.contains(&format!("{} ({n})", q.id)) {
                n += 1;
            }
            q.id = format!("{} ({n})", q.id);
            seen.insert(q.id.clone());
        }
    }
}

fn plain_text(built: Built) -> Result<Column, LoadError> {
    match built {
        Built::Dict { values, codes, .. } => text_column(&values, &codes),
        Built::Text(store) => Ok(Column::Text(Text::from_parts(store.data, store.ends)?)),
    }
}

/// Runs of at least two neighbouring columns with one group key. A run that only the
/// column names hint at is cut where the kind of cells changes, so `priorities.a`,
/// `priorities.b` (ranks) and `priorities.comment` (text) give a run of two.
fn runs(heads: &[ColumnHead], built: &[Option<Built>], verdicts: &[Verdict]) -> Vec<(usize, usize)> {
    let class = |c: usize| match (&built[c], &verdicts[c].inference) {
        _ if heads[c].free_text => 3,
        (Some(Built::Dict { .. }), Inference::Numeric { .. }) => 0,
        // A scale of a few whole numbers is ordinal, but beside numbers it is numbers:
        // rank items 1..k with one item given only two of the ranks stay one run.
        (Some(b @ Built::Dict { .. }), Inference::Ordinal(_)) if whole_numbers(b, &verdicts[c]) => 0,
        (Some(Built::Dict { .. }), Inference::Single(_) | Inference::Ordinal(_)) => 1,
        (Some(Built::Dict { .. }), Inference::Multi { .. }) => 2,
        _ => 3,
    };
    let mut out = Vec::new();
    let mut start = 0;
    while start < heads.len() {
        let Some(group) = heads[start].group.as_ref() else {
            start += 1;
            continue;
        };
        let mut end = start + 1;
        while end < heads.len()
            && heads[end].group.as_ref().is_some_and(|g| g.key == group.key)
            && (group.firm || class(end) == class(start))
        {
            end += 1;
        }
        if end - start >= 2 {
            out.push((start, end));
        }
        start = end;
    }
    out
}

/// Whether every answer (refusals aside) of a dictionary column is a whole number.
fn whole_numbers(built: &Built, verdict: &Verdict) -> bool {
    let Built::Dict { values, .. } = built else {
        return false;
    };
    values
        .iter()
        .zip(&verdict.declined)
        .all(|(v, &declined)| declined || super::scales::parse_number(v).is_some_and(|x| x.fract() == 0.0))
}

/// Distinct values of a dictionary column, as `&str`.
fn dict_values(built: &Option<Built>) -> Option<(Vec<&str>, &[u16])> {
    match built {
        Some(Built::Dict { values, codes, .. }) => Some((values.iter().map(|v| &**v).collect(), codes)),
        _ => None,
    }
}

/// A checkbox mark: `Some(true)` selected, `Some(false)` explicitly not selected.
fn mark(normalized: &str, item: &str) -> Option<bool> {
    match normalized {
        "1" | "true" | "y" | "yes" | "selected" | "checked" | "x" => Some(true),
        "0" | "false" | "not selected" | "unchecked" => Some(false),
        v if v == item => Some(true),
        _ => None,
    }
}

fn shape_of(
    heads: &[ColumnHead],
    built: &[Option<Built>],
    verdicts: &[Verdict],
    start: usize,
    end: usize,
    n_rows: usize,
    layout: &str,
) -> Shape {
    let firm = heads[start].group.as_ref().is_some_and(|g| g.firm);
    if heads[start..end].iter().any(|h| h.role.is_some()) {
        return Shape::Separate;
    }
    // One column per option.
    let mut any_selected = false;
    let mut other = None;
    let mut all_marks = true;
    for c in start..end {
        let Some((values, _)) = dict_values(&built[c]) else {
            all_marks = false;
            break;
        };
        let item = heads[c].group.as_ref().map(|g| normalize(&g.item)).unwrap_or_default();
        let undeclined: Vec<&str> = values
            .iter()
            .enumerate()
            .filter(|&(i, _)| !verdicts[c].declined[i])
            .map(|(_, v)| *v)
            .collect();
        let strict: Option<Vec<bool>> = undeclined.iter().map(|v| mark(&normalize(v), &item)).collect();
        // SurveyMonkey writes the option's own text as the mark, whatever it is.
        let relaxed = layout == "surveymonkey" && undeclined.len() == 1;
        match strict {
            Some(m) => any_selected |= m.contains(&true),
            None if firm && other.is_none() && item.starts_with("other") => other = Some(c),
            None if relaxed => any_selected = true,
            None => {
                all_marks = false;
                break;
            }
        }
    }
    if all_marks && any_selected && other.is_none_or(|o| end - start > 2 || o != start) {
        return Shape::Multi { other };
    }
    // Rankings: whole numbers 1..=k, no rank given twice by one respondent.
    let k = end - start;
    let rank_of = |c: usize| -> Option<Vec<Option<u16>>> {
        let (values, _) = dict_values(&built[c])?;
        // Ranks 1..k are numbers, or for k of three to eleven an integer scale.
        if !matches!(
            verdicts[c].inference,
            Inference::Numeric { decimal_comma: false } | Inference::Ordinal(_)
        ) {
            return None;
        }
        values
            .iter()
            .enumerate()
            .map(|(i, v)| {
                if verdicts[c].declined[i] {
                    return Some(None);
                }
                let r: usize = v.parse().ok()?;
                (1..=k).contains(&r).then_some(Some(r as u16))
            })
            .collect()
    };
    let ranks: Option<Vec<Vec<Option<u16>>>> = (start..end).map(rank_of).collect();
    if let Some(ranks) = ranks {
        let codes: Vec<&[u16]> = (start..end)
            .filter_map(|c| dict_values(&built[c]).map(|(_, codes)| codes))
            .collect();
        let mut some_row_ranks_two = false;
        let mut repeats = false;
        for row_idx in 0..n_rows {
            let mut seen = 0u64;
            let mut given = 0;
            for (c, column_codes) in codes.iter().enumerate() {
                let code = column_codes[row_idx];
                if code == BLANK {
                    continue;
                }
                if let Some(r) = ranks[c][code as usize] {
                    given += 1;
                    let bit = 1u64 << (r.min(63));
                    repeats |= seen & bit != 0;
                    seen |= bit;
                }
            }
            some_row_ranks_two |= given >= 2;
        }
        if some_row_ranks_two && !repeats && k <= 63 {
            return Shape::Rank;
        }
    }
    // Grids: items answering on one shared set of answers.
    let mut levels: Vec<String> = Vec::new();
    let mut normalized_levels: Vec<String> = Vec::new();
    let mut widest = 0;
    let mut first_set: Option<Vec<String>> = None;
    let mut same_sets = true;
    for c in start..end {
        let Some((values, _)) = dict_values(&built[c]) else {
            return Shape::Separate;
        };
        if !matches!(verdicts[c].inference, Inference::Single(_) | Inference::Ordinal(_)) {
            return Shape::Separate;
        }
        let mut own = 0;
        let mut own_set: Vec<String> = Vec::new();
        for (i, v) in values.iter().enumerate() {
            if verdicts[c].declined[i] {
                continue;
            }
            own += 1;
            let n = normalize(v);
            own_set.push(n.clone());
            if !normalized_levels.contains(&n) {
                normalized_levels.push(n);
                levels.push(v.to_string());
            }
        }
        widest = widest.max(own);
        // A grid's items share a short scale; stop before comparing long answer lists.
        if levels.len() > MAX_GRID_LEVELS {
            return Shape::Separate;
        }
        let order = sorted_positions(own_set.len(), &|a, b| own_set[a].cmp(&own_set[b]));
        let own_set = reordered(own_set, &order);
        match &first_set {
            None => first_set = Some(own_set),
            Some(first) => same_sets &= *first == own_set,
        }
    }
    let points: Vec<&str> = normalized_levels.iter().map(String::as_str).collect();
    let on_scale = common_scale(&points);
    // Names alone are weak evidence: neighbouring yes/no questions are not a grid.
    let shared = if firm {
        true
    } else {
        on_scale.is_some() || (same_sets && widest >= 3)
    };
    if levels.is_empty() || !shared {
        return Shape::Separate;
    }
    let numbers: Option<Vec<f64>> = levels.iter().map(|l| super::scales::parse_number(l)).collect();
    if let Some(positions) = on_scale {
        let order = sorted_positions(levels.len(), &|a, b| positions[a].cmp(&positions[b]));
        levels = reordered(levels, &order);
    } else if let Some(numbers) = numbers {
        // Items rated on 1-5: the points in numeric order.
        let order = sorted_positions(levels.len(), &|a, b| numbers[a].total_cmp(&numbers[b]));
        levels = reordered(levels, &order);
    } else if let Some(keys) = levels.iter().map(|l| range_key(l)).collect::<Option<Vec<_>>>() {
        if keys.iter().any(|k| k.marker != super::scales::Marker::Plain) {
            let order = sorted_positions(levels.len(), &|a, b| {
                keys[a].partial_cmp(&keys[b]).unwrap_or(std::cmp::Ordering::Equal)
            });
            levels = reordered(levels, &order);
        }
    }
    Shape::Grid { levels }
}

fn multi_question(
    heads: &[ColumnHead],
    built: &[Option<Built>],
    verdicts: &[Verdict],
    start: usize,
    end: usize,
    other: Option<usize>,
    n_rows: usize,
) -> Result<Question, LoadError> {
    let group = heads[start]
        .group
        .as_ref()
        .ok_or_else(|| LoadError::Internal("a multi-select run without a group".into()))?;
    let mut options = Vec::new();
    let mut selected = Vec::new();
    // Per row: 0 all blank, 1 declined somewhere, 2 answered.
    let mut state = vec![0u8; n_rows];
    for c in start..end {
        let item = heads[c].group.as_ref().map(|g| g.item.clone()).unwrap_or_default();
        let item_norm = normalize(&item);
        let Some((values, codes)) = dict_values(&built[c]) else {
            return Err(LoadError::Internal(
                "a multi-select column outgrew its dictionary".into(),
            ));
        };
        let single = values.len() == 1;
        let class: Vec<u8> = values
            .iter()
            .enumerate()
            .map(|(i, v)| {
                if verdicts[c].declined[i] {
                    1
                } else if Some(c) == other {
                    3
                } else {
                    match mark(&normalize(v), &item_norm) {
                        Some(true) => 3,
                        Some(false) => 2,
                        None if single => 3,
                        None => 2,
                    }
                }
            })
            .collect();
        let mut bits = Bitset::new(n_rows);
        for (row_idx, &code) in codes.iter().enumerate() {
            if code == BLANK {
                continue;
            }
            let k = class[code as usize];
            if k == 3 {
                bits.insert(row_idx);
            }
            state[row_idx] = state[row_idx].max(k.min(2));
        }
        options.push(item);
        selected.push(bits);
    }
    let missing = state
        .iter()
        .map(|&s| match s {
            0 => Some(Missing::NoAnswer),
            1 => Some(Missing::Declined),
            _ => None,
        })
        .collect();
    Ok(Question {
        id: group.key.clone(),
        text: group.name.clone(),
        kind: QuestionKind::Multi,
        group: None,
        column: Column::Multi(MultiSelect::new(options, selected, missing)?),
    })
}

fn rank_question(
    head: &ColumnHead,
    built: Option<Built>,
    verdicts: &[Verdict],
    col: usize,
    k: usize,
) -> Result<Question, LoadError> {
    let Some(Built::Dict { values, codes, .. }) = built else {
        return Err(LoadError::Internal("a rank column outgrew its dictionary".into()));
    };
    let map: Vec<u16> = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            if verdicts[col].declined[i] {
                Categorical::code_for(CategoricalCell::Missing(Missing::Declined))
            } else {
                v.parse::<u16>().map_or(0, |r| r.saturating_sub(1))
            }
        })
        .collect();
    let no_answer = Categorical::code_for(CategoricalCell::Missing(Missing::NoAnswer));
    let cells = codes
        .iter()
        .map(|&c| if c == BLANK { no_answer } else { map[c as usize] })
        .collect();
    let levels = (1..=k).map(|r| r.to_string()).collect();
    Ok(Question {
        id: head.id.clone(),
        text: head.text.clone(),
        kind: QuestionKind::Rank,
        group: head.group.as_ref().map(|g| g.name.clone()),
        column: Column::Categorical(Categorical::new(levels, cells)?),
    })
}

fn grid_question(
    head: &ColumnHead,
    built: Option<Built>,
    verdict: &Verdict,
    levels: &[String],
) -> Result<Question, LoadError> {
    let Some(Built::Dict { values, codes, .. }) = built else {
        return Err(LoadError::Internal("a grid column outgrew its dictionary".into()));
    };
    let normalized_levels: Vec<String> = levels.iter().map(|l| normalize(l)).collect();
    let declined = Categorical::code_for(CategoricalCell::Missing(Missing::Declined));
    let map: Vec<u16> = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            if verdict.declined[i] {
                return declined;
            }
            let n = normalize(v);
            normalized_levels
                .iter()
                .position(|l| *l == n)
                .map_or(declined, |p| p as u16)
        })
        .collect();
    let no_answer = Categorical::code_for(CategoricalCell::Missing(Missing::NoAnswer));
    let cells = codes
        .iter()
        .map(|&c| if c == BLANK { no_answer } else { map[c as usize] })
        .collect();
    Ok(Question {
        id: head.id.clone(),
        text: head.text.clone(),
        kind: QuestionKind::Grid,
        group: head.group.as_ref().map(|g| g.name.clone()),
        column: Column::Categorical(Categorical::new(levels.to_vec(), cells)?),
    })
}
