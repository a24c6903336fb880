//! Ranking questions: a group of rank-item columns, one per item, each holding the
//! rank a respondent gave that item (1 = first).
//!
//! Two summaries per item: the share of respondents who ranked it first, and its
//! Borda score. With m items an item ranked r earns m − r + 1 points and an unranked
//! item none; the score is the mean over respondents who ranked at least one item, so
//! it runs from 0 to m. Counts obey disclosure control, and the Borda score of an item
//! ranked by fewer than k respondents is withheld.

use crate::dataset::{Categorical, CategoricalCell, Column, Dataset, NumericCell};
use crate::disclosure::{key1, Layout, Role};
use crate::error::StatsError;
use crate::freq::share;
use crate::view::{TableOptions, View};
use crate::weights::Tally;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RankItem {
    /// The item's question id.
    pub question: String,
    /// The item's question text.
    pub item: String,
    pub borda: Option<f64>,
    pub first_count: Option<f64>,
    pub first_percent: Option<f64>,
    pub first_ci: Option<[f64; 2]>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RankSummary {
    pub group: String,
    /// Respondents who ranked at least one item, weighted when a weight is given.
    pub n: f64,
    pub items: Vec<RankItem>,
    pub method: &'static str,
    pub k: usize,
}

/// The rank a respondent gave one item, if any.
fn rank_of(column: &Column, row_idx: usize) -> Option<Result<f64, String>> {
    match column {
        Column::Numeric(col) => match col.cells()[row_idx] {
            NumericCell::Value(v) => Some(Ok(v)),
            _ => None,
        },
        Column::Categorical(col) => match Categorical::decode(col.codes()[row_idx]) {
            CategoricalCell::Level(l) => {
                let label = &col.levels()[l as usize];
                Some(label.trim().parse::<f64>().map_err(|_| label.clone()))
            }
            CategoricalCell::Missing(_) => None,
        },
        _ => None,
    }
}

/// Borda scores and first-place shares of the items of ranking group `group`.
pub fn rank_summary(dataset: &Dataset, group: &str, options: &TableOptions) -> Result<RankSummary, StatsError> {
    let items = dataset.group_members(group);
    if items.is_empty() {
        return Err(StatsError::NoSuchQuestion(format!(
            "{group} (no question belongs to this group)"
        )));
    }
    if options.cell_key.is_some() {
        return Err(StatsError::NotPerturbable {
            what: format!("the ranking summary of {group:?}"),
        });
    }
    let view = View::new(dataset, options)?;
    let k = view.k;
    let RankCounts {
        ranked_any,
        firsts,
        ranked,
        points,
    } = rank_counts(dataset, &items, &view)?;
    if k > 0 && ranked_any.n < k {
        return Err(StatsError::BaseTooSmall {
            question: group.to_string(),
            k,
        });
    }
    let (layout, first_entries) = rank_layout(&items, &firsts, &ranked_any);
    let withheld = view.protect(
        &layout,
        &|other| {
            let c = rank_counts(dataset, &items, other)?;
            Ok(rank_layout(&items, &c.firsts, &c.ranked_any).0)
        },
        &|| format!("the ranking {group:?}"),
    )?;
    let summary_items = items
        .iter()
        .enumerate()
        .map(|(pos, &q)| {
            let show_first = !withheld[first_entries[pos]];
            let (percent, ci) = share(&firsts[pos], &ranked_any);
            RankItem {
                question: dataset.questions()[q].id.clone(),
                item: dataset.questions()[q].text.clone(),
                borda: (ranked[pos].n >= k.max(1) && ranked_any.weight > 0.0).then(|| points[pos] / ranked_any.weight),
                first_count: show_first.then_some(firsts[pos].weight),
                first_percent: percent.filter(|_| show_first),
                first_ci: ci.filter(|_| show_first),
            }
        })
        .collect();
    Ok(RankSummary {
        group: group.to_string(),
        n: ranked_any.weight,
        items: summary_items,
        method:
            "Borda: an item ranked r of m earns m - r + 1 points, unranked 0; mean over respondents who ranked any item",
        k,
    })
}

struct RankCounts {
    ranked_any: Tally,
    firsts: Vec<Tally>,
    ranked: Vec<Tally>,
    points: Vec<f64>,
}

fn rank_counts(dataset: &Dataset, items: &[usize], view: &View) -> Result<RankCounts, StatsError> {
    let m = items.len() as f64;
    let mut ranked_any = Tally::default();
    let mut firsts = vec![Tally::default(); items.len()];
    let mut ranked = vec![Tally::default(); items.len()];
    let mut points = vec![0.0; items.len()];
    for row_idx in view.rows() {
        let w = view.weight(row_idx);
        let mut any = false;
        for (item_pos, &q_idx) in items.iter().enumerate() {
            let question = &dataset.questions()[q_idx];
            let Some(rank) = rank_of(&question.column, row_idx) else {
                continue;
            };
            let rank = rank
                .ok()
                .filter(|r| r.fract() == 0.0 && *r >= 1.0 && *r <= m)
                .ok_or_else(|| StatsError::WrongKind {
                    question: question.id.clone(),
                    kind: question.kind.as_str(),
                    needed: "ranks that are whole numbers from 1 to the number of items in the group",
                })?;
            any = true;
            ranked[item_pos].add(w);
            points[item_pos] += w * (m - rank + 1.0);
            if rank == 1.0 {
                firsts[item_pos].add(w);
            }
        }
        if any {
            ranked_any.add(w);
        }
    }
    Ok(RankCounts {
        ranked_any,
        firsts,
        ranked,
        points,
    })
}

fn rank_layout(items: &[usize], firsts: &[Tally], ranked_any: &Tally) -> (Layout, Vec<usize>) {
    let mut layout = Layout::default();
    let first_entries: Vec<usize> = items
        .iter()
        .zip(firsts)
        .map(|(&q, t)| layout.push(t.n, Role::Cell, key1(q, 0)))
        .collect();
    let base_entry = layout.push(ranked_any.n, Role::Fixed, key1(usize::MAX, 0));
    // Everyone who ranked something usually ranked exactly one item first, but a
    // partial ranking may skip first place, so the firsts only bound the base.
    let firsts_entry = layout.push(firsts.iter().map(|t| t.n).sum(), Role::Hidden, key1(usize::MAX, 1));
    layout.sum(firsts_entry, first_entries.clone());
    layout.at_most(firsts_entry, base_entry);
    (layout, first_entries)
}
