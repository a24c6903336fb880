//! Which respondents a filtered table may describe: the view a filter selects and the
//! respondents around it, grouped by exactly which conditions they fail, so that every
//! wider view (the filter without some of its conditions) is the view plus a sum of
//! groups. See `docs/disclosure.md` for why all 2^m wider views are covered this way.

use super::{MAX_CONDITIONS, MAX_CONDITIONS_RAW};
use crate::dataset::{Bitset, Dataset, Rows};
use crate::error::StatsError;
use crate::filter::{Condition, Filter};
use std::collections::HashMap;
use std::ops::Bound;

/// Most subset sums the checks may add up (Σ over the groups described below of the
/// groups they contain): a bound on the work of a filter whose conditions set
/// respondents apart in very many different combinations.
const MAX_SUBSET_WORK: usize = 1 << 22;

/// Up to this many conditions, [`Lattice::new`] groups the respondents outside the
/// view a 64-row word at a time, one word mask per failure pattern (2^m of them),
/// instead of gathering each respondent's failure bits one condition at a time.
const WORD_PATTERN_CONDITIONS: usize = 4;

/// The bits of word `word_idx` that stand for respondents (all but the last word's
/// padding).
fn valid_bits(n_rows: usize, word_idx: usize) -> u64 {
    let n_bits = (n_rows - word_idx * 64).min(64);
    if n_bits == 64 {
        u64::MAX
    } else {
        (1u64 << n_bits) - 1
    }
}

/// The groups around `view` for a few conditions: for each 64-row word and each
/// failure pattern, the word's respondents failing exactly that pattern are a word
/// mask built from the condition masks, stored as that group's word. No respondent is
/// visited one at a time, and tables count each group with the same word loop as the
/// view.
fn groups_by_pattern(masks: &[Bitset], view: &Bitset) -> Vec<Group> {
    let n_rows = view.len();
    let n_words = view.words().len();
    let n_patterns = 1usize << masks.len();
    let mut by_pattern: Vec<Vec<u64>> = vec![Vec::new(); n_patterns];
    let mut failing = [0u64; WORD_PATTERN_CONDITIONS];
    for (word_idx, &kept) in view.words().iter().enumerate() {
        let outside = !kept & valid_bits(n_rows, word_idx);
        if outside == 0 {
            continue;
        }
        for (f, m) in failing.iter_mut().zip(masks) {
            *f = !m.words()[word_idx];
        }
        for (failed, words) in by_pattern.iter_mut().enumerate().skip(1) {
            let rows = failing[..masks.len()].iter().enumerate().fold(outside, |acc, (c, &f)| {
                acc & if failed & (1 << c) != 0 { f } else { !f }
            });
            if rows != 0 {
                if words.is_empty() {
                    *words = vec![0; n_words];
                }
                words[word_idx] = rows;
            }
        }
    }
    by_pattern
        .into_iter()
        .enumerate()
        .filter(|(_, words)| !words.is_empty())
        .map(|(failed, words)| Group::new(failed as u32, Rows::Mask(Bitset::from_words(words, n_rows))))
        .collect()
}

/// A view holds fewer than k respondents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BelowK;

/// The respondents outside a view who fail exactly the conditions in `failed`: the
/// view without those conditions (and no others) gains exactly them.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub failed: u32,
    /// A bitset for a few conditions (see `WORD_PATTERN_CONDITIONS`), a list beyond,
    /// where there may be very many small groups.
    pub rows: Rows,
    pub n_respondents: usize,
    /// The group's lowest row index.
    pub first_row: usize,
}

impl Group {
    fn new(failed: u32, rows: Rows) -> Group {
        let (n_respondents, first_row) = match &rows {
            Rows::Mask(mask) => (mask.count_ones(), mask.ones().next().unwrap_or(usize::MAX)),
            Rows::List(list) => (list.len(), list.first().map_or(usize::MAX, |&r| r as usize)),
        };
        Group {
            failed,
            rows,
            n_respondents,
            first_row,
        }
    }
}

/// A filter's view and the respondents around it, grouped by which conditions they
/// fail. Dropping a set `D` of conditions widens the view by the groups whose `failed`
/// lies inside `D`, so every wider view, and the table over it, is the view's plus a
/// sum of groups.
#[derive(Debug, Clone, PartialEq)]
pub struct Lattice {
    pub n_rows: usize,
    pub n_conditions: usize,
    /// Respondents satisfying every condition.
    pub view: Bitset,
    /// Respondents outside the view, by the conditions they fail, in increasing order
    /// of `failed`; filled only under disclosure control.
    pub groups: Vec<Group>,
}

impl Lattice {
    pub fn new(dataset: &Dataset, filter: &Filter, k: usize) -> Self {
        let n_rows = dataset.n_rows();
        let conditions = if k > 0 {
            with_implied(filter)
        } else {
            filter.conditions.clone()
        };
        let masks: Vec<Bitset> = conditions.iter().map(|c| c.mask(dataset)).collect();
        let view = masks.iter().fold(Bitset::full(n_rows), |acc, m| acc.and(m));
        let mut groups = Vec::new();
        if k > 0 && !masks.is_empty() && masks.len() <= WORD_PATTERN_CONDITIONS {
            groups = groups_by_pattern(&masks, &view);
        } else if k > 0 && !masks.is_empty() && masks.len() <= MAX_CONDITIONS {
            // Group index by failure bits: a flat table, since m is at most 16 here
            // (with control off there are no groups).
            let mut index = vec![u32::MAX; 1usize << masks.len().min(MAX_CONDITIONS)];
            let mut lists: Vec<(u32, Vec<u32>)> = Vec::new();
            let in_view = view.words();
            for (word_idx, &kept) in in_view.iter().enumerate() {
                let mut outside = !kept & valid_bits(n_rows, word_idx);
                if outside == 0 {
                    continue;
                }
                let mut failing = [0u64; MAX_CONDITIONS];
                for (f, m) in failing.iter_mut().zip(&masks) {
                    *f = !m.words()[word_idx];
                }
                let failing = &failing[..masks.len()];
                while outside != 0 {
                    let bit = outside.trailing_zeros();
                    outside &= outside - 1;
                    let failed = failing
                        .iter()
                        .enumerate()
                        .fold(0u32, |bits, (c, f)| bits | (((f >> bit) & 1) as u32) << c);
                    let slot = &mut index[failed as usize];
                    if *slot == u32::MAX {
                        *slot = lists.len() as u32;
                        lists.push((failed, Vec::new()));
                    }
                    lists[*slot as usize].1.push((word_idx * 64) as u32 + bit);
                }
            }
            // `index` runs through the failure patterns in ascending order, so reading
            // the lists through it sorts them without a sort.
            groups = index
                .iter()
                .filter(|&&slot| slot != u32::MAX)
                .map(|&slot| {
                    let (failed, list) = std::mem::take(&mut lists[slot as usize]);
                    Group::new(failed, Rows::List(list))
                })
                .collect();
        }
        Lattice {
            n_rows,
            n_conditions: masks.len(),
            view,
            groups,
        }
    }

    /// Every condition's bit set.
    pub fn all_bits(&self) -> u32 {
        ((1u64 << self.n_conditions) - 1) as u32
    }

    /// The proper subsets of `bits`, in increasing order.
    pub fn proper_subsets(bits: u32) -> impl Iterator<Item = u32> {
        (0..bits).filter(move |s| s & !bits == 0)
    }

    /// For every group `F`, the sum of `values` over the groups inside `F` (`F`
    /// included): what dropping exactly the conditions of `F` adds to the view. Sums
    /// are elementwise over equally long vectors.
    ///
    /// Why the groups suffice: dropping a set `D` adds the groups inside `D`, so the
    /// addition grows with `D`; an addition is non-zero only when some group `G ⊆ D`
    /// is non-empty, and then it is at least the addition of `G` itself. The smallest
    /// non-zero addition over all 2^m sets is therefore the smallest over the groups,
    /// entry by entry, and checking the groups checks every set.
    pub fn subset_sums(&self, values: &[Vec<usize>]) -> Vec<Vec<usize>> {
        let index: HashMap<u32, usize> = self.groups.iter().enumerate().map(|(i, g)| (g.failed, i)).collect();
        self.groups
            .iter()
            .map(|g| {
                let mut total = vec![0usize; values.first().map_or(0, Vec::len)];
                let mut add = |i: usize| {
                    for (t, v) in total.iter_mut().zip(&values[i]) {
                        *t += v;
                    }
                };
                if (1usize << g.failed.count_ones()) <= self.groups.len() {
                    // Every non-empty subset of g.failed, by the standard walk.
                    let mut sub = g.failed;
                    while sub != 0 {
                        if let Some(&i) = index.get(&sub) {
                            add(i);
                        }
                        sub = (sub - 1) & g.failed;
                    }
                } else {
                    for (i, other) in self.groups.iter().enumerate() {
                        if other.failed & !g.failed == 0 {
                            add(i);
                        }
                    }
                }
                total
            })
            .collect()
    }

    /// The work [`Lattice::subset_sums`] does per entry.
    fn subset_work(&self) -> usize {
        self.groups
            .iter()
            .map(|g| (1usize << g.failed.count_ones()).min(self.groups.len()))
            .sum()
    }

    /// Whether the view may be shown: `Err(BelowK)` when it holds fewer than k
    /// respondents, `Ok(Some(dropped))` when dropping the conditions in `dropped`
    /// widens it by 1 to k − 1 respondents, `Ok(None)` when it may.
    pub fn refusal(&self, k: usize) -> Result<Option<u32>, BelowK> {
        if k == 0 {
            return Ok(None);
        }
        if self.view.count_ones() < k {
            return Err(BelowK);
        }
        let sizes: Vec<Vec<usize>> = self.groups.iter().map(|g| vec![g.n_respondents]).collect();
        // Dropping conditions that remove nobody shows nothing new; dropping ones that
        // remove a few would let the two tables be subtracted.
        let smallest = self
            .subset_sums(&sizes)
            .iter()
            .zip(&self.groups)
            .filter(|(added, _)| added[0] > 0 && added[0] < k)
            .min_by_key(|(added, g)| (added[0], g.failed))
            .map(|(_, g)| g.failed);
        Ok(smallest)
    }
}

/// The filter's conditions and those they imply that a reader can undo by other
/// means: a range (`age>=30`) keeps only respondents who answered, and so does its
/// flip (`age<30`), so the two views with the unfiltered one give away the table of
/// those who left the question blank. That group is what dropping the implied
/// "answered" condition adds (an unbounded range: every number, and every top-coded
/// answer, lies inside it), so the lattice protects it like the complement of any
/// other condition. Only a range on its own implies it here (see
/// `docs/disclosure.md`).
pub fn with_implied(filter: &Filter) -> Vec<Condition> {
    let mut conditions = filter.conditions.clone();
    // With other conditions beside the range, the joint problems of every subset grow
    // past what a page can wait for; that case is a documented gap.
    if conditions.len() > 1 {
        return conditions;
    }
    for c in &filter.conditions {
        if let Condition::Range { question_idx, .. } = c {
            let has_number = Condition::Range {
                question_idx: *question_idx,
                lower: Bound::Unbounded,
                upper: Bound::Unbounded,
            };
            if !conditions.contains(&has_number) {
                conditions.push(has_number);
            }
        }
    }
    conditions
}

/// Refuses a range that some respondent's top-coded answer may lie on either side
/// of (`age>=60` against "> 40"): that answer would satisfy neither the range nor its
/// opposite, and the two views' sizes with the unfiltered one would give the group
/// away. A range the answer lies wholly inside or outside of places it (`age>=30`
/// holds "> 40"; `age<30` does not).
fn refuse_split_top_codes(dataset: &Dataset, filter: &Filter) -> Result<(), StatsError> {
    use crate::dataset::{Column, NumericCell};
    for condition in &filter.conditions {
        let Condition::Range {
            question_idx,
            lower,
            upper,
        } = condition
        else {
            continue;
        };
        let Some(Column::Numeric(col)) = dataset.question(*question_idx).map(|q| &q.column) else {
            continue;
        };
        for (code, label) in col.coded_labels().iter().enumerate() {
            let given = col.cells().contains(&NumericCell::Coded(code as u16));
            if given && crate::filter::top_code_in_range(label, *lower, *upper).is_none() {
                return Err(StatsError::RangeSplitsTopCode {
                    condition: condition.describe(dataset),
                    answer: label.clone(),
                });
            }
        }
    }
    Ok(())
}

/// The respondents a filtered table may describe, or a refusal.
///
/// Refused: a view of fewer than `k` respondents, and a view that dropping some of
/// its conditions widens by 1 to k − 1 respondents (checking single conditions is not
/// enough: a redundant second condition would hide the first from such a check).
/// With `k == 0` every view is allowed.
pub fn check_view(dataset: &Dataset, filter: &Filter, k: usize) -> Result<Lattice, StatsError> {
    let implied = if k > 0 {
        with_implied(filter)
    } else {
        filter.conditions.clone()
    };
    let m = implied.len();
    let limit = if k > 0 { MAX_CONDITIONS } else { MAX_CONDITIONS_RAW };
    if m > limit {
        return Err(StatsError::BadFilter {
            expr: format!("{m} conditions"),
            reason: format!("a filter may have at most {limit} conditions here"),
        });
    }
    if k > 0 {
        refuse_split_top_codes(dataset, filter)?;
    }
    let lattice = Lattice::new(dataset, filter, k);
    if k > 0 && lattice.subset_work() > MAX_SUBSET_WORK {
        return Err(StatsError::BadFilter {
            expr: format!("{m} conditions"),
            reason: format!(
                "they set respondents apart in {} different combinations, too many to check for differencing; drop or merge some conditions",
                lattice.groups.len()
            ),
        });
    }
    match lattice.refusal(k) {
        Err(BelowK) => Err(StatsError::UniverseTooSmall { k }),
        Ok(Some(dropped)) => Err(StatsError::Differencing {
            condition: (0..m)
                .filter(|c| dropped & (1 << c) != 0)
                .map(|c| match &implied[c] {
                    Condition::Range {
                        question_idx,
                        lower: Bound::Unbounded,
                        upper: Bound::Unbounded,
                    } => format!("{} is answered", dataset.questions()[*question_idx].id),
                    condition => condition.describe(dataset),
                })
                .collect::<Vec<_>>()
                .join(" and "),
            k,
        }),
        Ok(None) => Ok(lattice),
    }
}
