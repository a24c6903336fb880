//! Disclosure control: which numbers of a table may be shown.
//!
//! A count of fewer than `k` respondents (k = 10 by default) is withheld, and so is
//! everything derived from it. Withholding one number is not enough when the others
//! and the margins add up to it, so [`protect`] also withholds complementary numbers
//! until no withheld small count can be worked out from what is shown. It checks
//! that by running an attacker over the published numbers: interval propagation
//! through every sum and bound the table satisfies, the way one narrows down a
//! withheld cell from its row, its column and the totals.
//!
//! A withheld number and a genuine zero look the same (both `None`), and zeros are
//! withheld like any count below `k`; a zero is not itself protected, as it describes
//! nobody.
//!
//! [`check_view`] guards the rows a table describes: a filter may not leave fewer
//! than `k` respondents, and dropping any set of its conditions may not widen the view
//! by fewer than `k`, which would let two tables be subtracted. A filter of m
//! conditions has 2^m such wider views; they are all checked at once through the
//! respondents outside the view grouped by exactly which conditions they fail
//! ([`Lattice`]): dropping a set `D` adds the groups inside `D`, so what it adds grows
//! with `D`, and the smallest non-zero addition over every `D` is the smallest over the
//! groups themselves, each summed with the groups inside it
//! ([`Lattice::subset_sums`]). That is at most one sum per group however many
//! conditions there are, so up to [`MAX_CONDITIONS`] (16, what the URL state holds)
//! are allowed.
//!
//! The same idea cell by cell: a count that differs by 1 to k − 1 from the same count
//! in any wider view is flagged ([`Layout::flag_differencing`]) and protected like a
//! small count; and a table and the table of its complement within a wider view choose
//! their withheld cells together ([`protect_split`]), against the wider table and what
//! is set beside it, so that between them they never pin down a small count.
//! `view::protect_table` drives this: exactly over every subset of at most
//! [`EXACT_CONDITIONS`] conditions, with each wider table's full context; beyond that,
//! over the complements of single conditions against each wider table as an attacker
//! may know it, which by the argument in `view::protect_table` also covers dropping
//! any set of conditions at once.
//!
//! Everything here is a pure function of the counts and the table's shape, with ties
//! broken by option identity rather than by position, so the same table reached two
//! ways (a crosstab and its transpose) is suppressed the same way.
//!
//! Linking a table with the others the page shows beside it is covered where the
//! arithmetic is known: a crosstab's margins against the frequency tables of its own
//! two questions (`crosstab` adds that link to its layout), a frequency table against
//! the same question under another base (every base is taken as shown), and a
//! histogram against the same question at another bin width (bins depend only on the
//! question and the dataset, and under disclosure control each question is binned one
//! way only). `tests/disclosure_attacks.rs` tries each of these. The difference
//! between a crosstab's margin and the frequency beside it is item nonresponse (those
//! in a group who skipped the other question): it stays in the arithmetic, so no
//! protected count can be worked out through it, but it is not protected itself. It
//! records no answer, and protecting it withheld the bases, and so every percent, of
//! most crosstabs of the NumPy release (any group losing one to nine respondents to the
//! other question's nonresponse).
//!
//! What this module does not do: protect against differencing between views that
//! are not nested by their conditions (two filters that describe the same respondents
//! in different words, or arbitrary pairs of views), against linking tables whose
//! arithmetic it does not model (two crosstabs sharing a question, a crosstab under
//! one filter against a frequency table under another), or against exact
//! linear-programming attacks that interval propagation cannot match. The frequency
//! tables linked to a crosstab are taken as showing every count of 0 or at least k,
//! without their own base arithmetic, which approximates rather than bounds what they
//! show. With more than [`EXACT_CONDITIONS`] conditions, each pair of nested views
//! (and each view with the complement of one condition) is protected, but a chain of
//! several nested views and their complements is not solved as one problem, as it is
//! below that number; an attacker combining three or more such tables at once may
//! narrow cells further than the pairwise checks assume. Closing those takes
//! perturbation of published counts, which this project does not do.

use crate::dataset::{Bitset, Dataset};
use crate::error::StatsError;
use crate::filter::Filter;
use crate::view::Rows;
use std::collections::HashMap;

/// The release threshold used when a dataset does not say otherwise.
pub const DEFAULT_K: usize = 10;

/// Most conditions one filter may have under disclosure control: the view checks
/// look at every subset of the conditions (2^m of them, summed over in one pass), and
/// the URL state holds at most this many.
pub const MAX_CONDITIONS: usize = 16;

/// Most conditions for which every subset of them is protected jointly with its
/// complement against the full context of its wider views (`view::protect_table`):
/// that context grows steeply with each condition. Beyond it, up to
/// [`MAX_CONDITIONS`], the protection is the scalable one described there.
pub const EXACT_CONDITIONS: usize = 4;

/// Most conditions one filter may have at all (one bit each in a `u32`).
pub const MAX_CONDITIONS_RAW: usize = 31;

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
        let masks: Vec<Bitset> = filter.conditions.iter().map(|c| c.mask(dataset)).collect();
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

/// The respondents a filtered table may describe, or a refusal.
///
/// Refused: a view of fewer than `k` respondents, and a view that dropping some of
/// its conditions widens by 1 to k − 1 respondents (checking single conditions is not
/// enough: a redundant second condition would hide the first from such a check).
/// With `k == 0` every view is allowed.
pub fn check_view(dataset: &Dataset, filter: &Filter, k: usize) -> Result<Lattice, StatsError> {
    let m = filter.conditions.len();
    let limit = if k > 0 { MAX_CONDITIONS } else { MAX_CONDITIONS_RAW };
    if m > limit {
        return Err(StatsError::BadFilter {
            expr: format!("{m} conditions"),
            reason: format!("a filter may have at most {limit} conditions here"),
        });
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
                .map(|c| filter.conditions[c].describe(dataset))
                .collect::<Vec<_>>()
                .join(" and "),
            k,
        }),
        Ok(None) => Ok(lattice),
    }
}

/// How a number of a table is published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Shown unless disclosure control withholds it.
    Cell,
    /// Always shown (a table's grand total or stated base); must be at least `k`.
    Fixed,
    /// Never shown, but constrained by the table's sums (a base that another base
    /// kind would show, a count implied by percentages).
    Hidden,
    /// A number of another table that an attacker is assumed to know exactly, however
    /// small: never withheld here and never protected here (that table protects it).
    Known,
}

/// Orders candidates for complementary suppression: smallest count first, then by
/// identity. The identity is a sorted pair of (question, option) so that a cell has
/// the same key in a table and in its transpose.
pub type EntryKey = [(usize, usize); 2];

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Respondents, unweighted.
    pub n: usize,
    pub role: Role,
    pub key: EntryKey,
    /// Set by [`Layout::flag_differencing`]: this count differs by fewer than k from
    /// the same count in a wider view, so it is protected like a small count.
    pub flagged: bool,
    /// Item nonresponse within a group (those who answered one question of a crosstab
    /// but not the other): never shown and still part of the arithmetic, so nothing
    /// that is protected can be worked out through it, but not protected itself. It
    /// records no answer, and protecting it would withhold every base of a crosstab
    /// whose groups lose a few respondents to the other question's nonresponse.
    pub nonresponse: bool,
}

/// What the published numbers of a table satisfy, whatever their values.
#[derive(Debug, Clone, PartialEq)]
pub enum Constraint {
    /// `entries[whole] = Σ entries[parts]`.
    Sum { whole: usize, parts: Vec<usize> },
    /// `entries[part] ≤ entries[whole]`, as an option's selections within its base.
    AtMost { part: usize, whole: usize },
}

/// A table as disclosure control sees it: counts and the arithmetic linking them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Layout {
    pub entries: Vec<Entry>,
    pub constraints: Vec<Constraint>,
}

impl Layout {
    pub fn push(&mut self, n: usize, role: Role, key: EntryKey) -> usize {
        self.entries.push(Entry {
            n,
            role,
            key,
            flagged: false,
            nonresponse: false,
        });
        self.entries.len() - 1
    }

    /// Adds an item-nonresponse count (see [`Entry::nonresponse`]): hidden, in the
    /// arithmetic, not itself protected.
    pub fn push_nonresponse(&mut self, n: usize, key: EntryKey) -> usize {
        let idx = self.push(n, Role::Hidden, key);
        self.entries[idx].nonresponse = true;
        idx
    }

    pub fn sum(&mut self, whole: usize, parts: Vec<usize>) {
        self.constraints.push(Constraint::Sum { whole, parts });
    }

    pub fn at_most(&mut self, part: usize, whole: usize) {
        self.constraints.push(Constraint::AtMost { part, whole });
    }

    /// Flags every entry whose count in a wider view (the same table over the view
    /// without one filter condition) exceeds its count here by 1 to k − 1. Shown side
    /// by side, the two would give that small difference away, and so would this table
    /// next to the table of the complement, whose flags mirror these.
    pub fn flag_differencing(&mut self, wider_counts: &[usize], k: usize) {
        for (entry, &wider) in self.entries.iter_mut().zip(wider_counts) {
            let difference = wider.saturating_sub(entry.n);
            if difference >= 1 && difference < k {
                entry.flagged = true;
            }
        }
    }

    /// Appends another layout's entries and constraints; returns the offset of its
    /// first entry.
    pub fn append(&mut self, other: &Layout) -> usize {
        let offset = self.entries.len();
        self.entries.extend(other.entries.iter().cloned());
        for c in &other.constraints {
            self.constraints.push(match c {
                Constraint::Sum { whole, parts } => Constraint::Sum {
                    whole: whole + offset,
                    parts: parts.iter().map(|p| p + offset).collect(),
                },
                Constraint::AtMost { part, whole } => Constraint::AtMost {
                    part: part + offset,
                    whole: whole + offset,
                },
            });
        }
        offset
    }

    pub fn counts(&self) -> Vec<usize> {
        self.entries.iter().map(|e| e.n).collect()
    }
}

/// A key for an entry that belongs to one option of one question.
pub fn key1(question_idx: usize, option_idx: usize) -> EntryKey {
    [(question_idx, option_idx), (usize::MAX, usize::MAX)]
}

/// A key for an entry that belongs to two (question, option) pairs, in either order.
pub fn key2(a: (usize, usize), b: (usize, usize)) -> EntryKey {
    if a <= b {
        [a, b]
    } else {
        [b, a]
    }
}

/// No suppression pattern protects every small count of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unprotectable;

/// Decides which entries to withhold: `true` means withheld. Hidden entries are
/// always `true`. With `k == 0` nothing else is withheld.
///
/// Fails when a fixed entry is below `k` or when no pattern protects every small
/// count (the caller turns that into a refusal).
pub fn protect(layout: &Layout, k: usize) -> Result<Vec<bool>, Unprotectable> {
    protect_from(layout, k, &vec![false; layout.entries.len()])
}

/// [`protect`], starting from entries already withheld (`true` in `already`): adds
/// to them until nothing small can be pinned down.
pub fn protect_from(layout: &Layout, k: usize, already: &[bool]) -> Result<Vec<bool>, Unprotectable> {
    let entries = &layout.entries;
    let mut withheld: Vec<bool> = entries
        .iter()
        .zip(already)
        .map(|(e, &a)| a || e.role == Role::Hidden || (k > 0 && e.role == Role::Cell && (e.n < k || e.flagged)))
        .collect();
    if k == 0 {
        return Ok(withheld);
    }
    // A fixed zero (a wider table's known empty cell) describes nobody.
    if entries
        .iter()
        .any(|e| e.role == Role::Fixed && ((e.n >= 1 && e.n < k) || e.flagged))
    {
        return Err(Unprotectable);
    }
    let order = |i: usize| (entries[i].n, entries[i].key, i);
    // Which constraints each entry takes part in.
    let mut by_entry: Vec<Vec<usize>> = vec![Vec::new(); entries.len()];
    for (c_idx, c) in layout.constraints.iter().enumerate() {
        for m in constraint_members(c) {
            by_entry[m].push(c_idx);
        }
    }
    let candidate_in = |members: &[usize], withheld: &[bool]| -> Option<usize> {
        members
            .iter()
            .copied()
            .filter(|&i| !withheld[i] && entries[i].role == Role::Cell)
            .min_by_key(|&i| order(i))
    };
    loop {
        // Rule of two: a sum with exactly one unknown gives it away, so every sum
        // that has one withheld member gets a second. All sums are handled in one
        // round before any choice is applied, so the result does not depend on the
        // order in which sums are listed.
        loop {
            let mut additions = Vec::new();
            for c in &layout.constraints {
                if let Constraint::Sum { whole, parts } = c {
                    let members: Vec<usize> = std::iter::once(*whole).chain(parts.iter().copied()).collect();
                    // A sum with a hidden member is left to the audit below: the
                    // hidden number may or may not be derivable from elsewhere.
                    let has_hidden = members.iter().any(|&i| entries[i].role == Role::Hidden);
                    // A lone withheld zero needs no partner: working it out
                    // describes nobody. The audit below still checks zeros whose
                    // value would give something else away.
                    let lone: Vec<usize> = members.iter().copied().filter(|&i| withheld[i]).collect();
                    let needs_partner = lone.len() == 1 && (entries[lone[0]].n >= 1 || entries[lone[0]].flagged);
                    if !has_hidden && needs_partner {
                        if let Some(i) = candidate_in(&members, &withheld) {
                            additions.push(i);
                        }
                    }
                }
            }
            if additions.is_empty() {
                break;
            }
            for i in additions {
                withheld[i] = true;
            }
        }
        // Audit: what could an attacker still pin down exactly?
        let bounds = attack(layout, &withheld);
        let exposed: Vec<usize> = (0..entries.len())
            .filter(|&i| withheld[i] && is_sensitive(&entries[i], k) && bounds[i].0 == bounds[i].1)
            .collect();
        if exposed.is_empty() {
            return Ok(withheld);
        }
        let mut additions: Vec<usize> = exposed
            .iter()
            .filter_map(|&i| nearest_candidate(layout, &by_entry, &withheld, i, &order))
            .collect();
        additions.sort_unstable();
        additions.dedup();
        if additions.is_empty() {
            // Nothing shown is linked to an exposed count: fall back to withholding
            // the smallest shown cell anywhere, which always makes progress.
            match (0..entries.len())
                .filter(|&i| !withheld[i] && entries[i].role == Role::Cell)
                .min_by_key(|&i| order(i))
            {
                Some(i) => additions.push(i),
                None => return Err(Unprotectable),
            }
        }
        for i in additions {
            withheld[i] = true;
        }
    }
}

/// The layout of two tables that split a wider view between them (the table of a
/// filtered view and the table of its complement within a wider view) together with
/// what is known around the wider table: every entry of the wider table is the sum of
/// the two parts'.
///
/// Entries `0..n` are `first`'s, `n..2n` are `second`'s, and from `2n` on comes
/// `whole_context`, whose first `n` entries are the wider table's own (fixed where it
/// shows them, hidden where it withholds them), followed by whatever else an attacker
/// can set beside it. Without a context (a refused wider table) the wider table's
/// entries are all hidden. A part whose fixed numbers are below k would be refused,
/// so it shows nothing (its entries become hidden).
pub fn split_layout(
    first: &Layout,
    second: &Layout,
    whole: &Layout,
    whole_context: Option<&Layout>,
    k: usize,
) -> Layout {
    let n = first.entries.len();
    let mut joint = Layout::default();
    for part in [first, second] {
        let refused = part.entries.iter().any(|e| e.role == Role::Fixed && e.n < k);
        let mut part = part.clone();
        if refused {
            for e in &mut part.entries {
                e.role = Role::Hidden;
            }
        }
        joint.append(&part);
    }
    match whole_context {
        Some(ctx) => {
            joint.append(ctx);
        }
        None => {
            let mut hidden = whole.clone();
            for e in &mut hidden.entries {
                e.role = Role::Hidden;
                e.flagged = false;
            }
            joint.append(&hidden);
        }
    }
    for idx in 0..n {
        joint.sum(2 * n + idx, vec![idx, n + idx]);
    }
    joint
}

/// Chooses the withheld cells of two tables that split a wider view (see
/// [`split_layout`]) at once, so that neither can be worked out from the other and
/// the wider table.
///
/// Both tables reach this same problem (each computes the other's counts and the
/// wider table's context), with the parts in the same canonical order, so they
/// choose the same pattern. Returns the withheld flags of `first` and of `second`.
pub fn protect_split(
    first: &Layout,
    second: &Layout,
    whole: &Layout,
    whole_context: Option<&Layout>,
    k: usize,
) -> Result<(Vec<bool>, Vec<bool>), Unprotectable> {
    let n = first.entries.len();
    let withheld = protect(&split_layout(first, second, whole, whole_context, k), k)?;
    Ok((withheld[..n].to_vec(), withheld[n..2 * n].to_vec()))
}

/// The shown cell to withhold so that an exposed entry is no longer pinned: the
/// smallest one sharing a sum or bound with it, or failing that one linked to it
/// through withheld entries, nearest first.
fn nearest_candidate<K: Ord>(
    layout: &Layout,
    by_entry: &[Vec<usize>],
    withheld: &[bool],
    start: usize,
    order: &impl Fn(usize) -> K,
) -> Option<usize> {
    let mut seen = vec![false; layout.entries.len()];
    seen[start] = true;
    let mut frontier = vec![start];
    for _ in 0..4 {
        let mut best: Option<usize> = None;
        let mut next = Vec::new();
        for &e in &frontier {
            for &c in &by_entry[e] {
                for m in constraint_members(&layout.constraints[c]) {
                    if seen[m] {
                        continue;
                    }
                    seen[m] = true;
                    if !withheld[m] && layout.entries[m].role == Role::Cell {
                        if best.is_none_or(|b| order(m) < order(b)) {
                            best = Some(m);
                        }
                    } else if withheld[m] {
                        next.push(m);
                    }
                }
            }
        }
        if best.is_some() {
            return best;
        }
        frontier = next;
    }
    None
}

/// Whether pinning this entry down would disclose something: a small non-zero count,
/// or a count that differs from a wider view's by a small amount.
fn is_sensitive(entry: &Entry, k: usize) -> bool {
    !entry.nonresponse && ((entry.n >= 1 && entry.n < k) || entry.flagged)
}

fn constraint_members(c: &Constraint) -> Vec<usize> {
    match c {
        Constraint::Sum { whole, parts } => std::iter::once(*whole).chain(parts.iter().copied()).collect(),
        Constraint::AtMost { part, whole } => vec![*part, *whole],
    }
}

/// Stands in for "no upper bound known".
const UNBOUNDED: i64 = i64::MAX / 4;

/// The attacker: the tightest interval for every entry that interval propagation can
/// derive from the shown entries, non-negativity and the table's constraints. A shown
/// entry's interval is its value.
pub fn attack(layout: &Layout, withheld: &[bool]) -> Vec<(i64, i64)> {
    let mut bounds: Vec<(i64, i64)> = layout
        .entries
        .iter()
        .zip(withheld)
        .map(|(e, &w)| if w { (0, UNBOUNDED) } else { (e.n as i64, e.n as i64) })
        .collect();
    let add = |a: i64, b: i64| a.saturating_add(b).min(UNBOUNDED);
    let sub = |a: i64, b: i64| if a >= UNBOUNDED { UNBOUNDED } else { a.saturating_sub(b) };
    // Every pass only narrows integer intervals, so this terminates; the cap guards
    // against slow convergence on large unbounded cycles.
    for _ in 0..1000 {
        let mut changed = false;
        let mut tighten = |i: usize, lo: i64, hi: i64, bounds: &mut Vec<(i64, i64)>| {
            let (old_lo, old_hi) = bounds[i];
            let new = (old_lo.max(lo).max(0), old_hi.min(hi));
            if new != (old_lo, old_hi) {
                bounds[i] = new;
                changed = true;
            }
        };
        for c in &layout.constraints {
            match c {
                Constraint::Sum { whole, parts } => {
                    let lo_sum = parts.iter().fold(0, |acc, &p| add(acc, bounds[p].0));
                    let hi_sum = parts.iter().fold(0, |acc, &p| add(acc, bounds[p].1));
                    tighten(*whole, lo_sum, hi_sum, &mut bounds);
                    let (w_lo, w_hi) = bounds[*whole];
                    for &p in parts {
                        let others_hi = sub(hi_sum, bounds[p].1);
                        let others_lo = lo_sum - bounds[p].0;
                        let lo = if others_hi >= UNBOUNDED { 0 } else { w_lo - others_hi };
                        let hi = sub(w_hi, others_lo);
                        tighten(p, lo, hi, &mut bounds);
                    }
                }
                Constraint::AtMost { part, whole } => {
                    let (p_lo, _) = bounds[*part];
                    let (_, w_hi) = bounds[*whole];
                    tighten(*part, 0, w_hi, &mut bounds);
                    tighten(*whole, p_lo, UNBOUNDED, &mut bounds);
                }
            }
        }
        if !changed {
            break;
        }
    }
    bounds
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A one-way table: options summing to a fixed total.
    fn one_way(counts: &[usize]) -> Layout {
        let mut layout = Layout::default();
        let parts: Vec<usize> = counts
            .iter()
            .enumerate()
            .map(|(i, &n)| layout.push(n, Role::Cell, key1(0, i)))
            .collect();
        let total = layout.push(counts.iter().sum(), Role::Fixed, key1(0, usize::MAX));
        layout.sum(total, parts);
        layout
    }

    #[test]
    fn a_lone_small_count_gets_the_smallest_other_as_complement() {
        // 3 is primary; 12 is the smallest other, so 3 and 12 share 15 and neither is known.
        let layout = one_way(&[40, 3, 12, 25]);
        let withheld = protect(&layout, 10).unwrap();
        assert_eq!(withheld, [false, true, true, false, false]);
        let b = attack(&layout, &withheld);
        assert_eq!(b[1], (0, 15));
        assert_eq!(b[2], (0, 15));
    }

    #[test]
    fn two_small_counts_protect_each_other_and_a_lone_zero_needs_no_partner() {
        let withheld = protect(&one_way(&[40, 3, 4, 25]), 10).unwrap();
        assert_eq!(withheld, [false, true, true, false, false]);
        // A zero is withheld (it looks like any small count) but describes nobody, so
        // it needs no partner.
        let withheld = protect(&one_way(&[40, 0, 25]), 10).unwrap();
        assert_eq!(withheld, [false, true, false, false]);
    }

    #[test]
    fn k_zero_shows_everything_and_small_fixed_totals_are_refused() {
        assert_eq!(protect(&one_way(&[1, 2]), 0).unwrap(), [false, false, false]);
        assert!(protect(&one_way(&[1, 2]), 10).is_err());
    }

    #[test]
    fn groups_and_their_subset_sums_by_hand() {
        use crate::load::{load, LoadOptions};
        // Conditions a: x=1, b: y=1, c: z=1 over eight rows (x y z):
        // r0 111 in the view; r1 011 fails a; r2 101 fails b; r3 001 fails a, b;
        // r4 110 fails c; r5 000 fails a, b, c; r6 111 in; r7 011 fails a.
        let csv = "x,y,z\n1,1,1\n0,1,1\n1,0,1\n0,0,1\n1,1,0\n0,0,0\n1,1,1\n0,1,1\n";
        let ds = load(csv.as_bytes(), &LoadOptions::default()).unwrap().dataset;
        let filter = Filter::parse(&ds, &["x=1", "y=1", "z=1"]).unwrap();
        let lattice = Lattice::new(&ds, &filter, 1);
        let groups: Vec<(u32, Vec<u32>)> = lattice.groups.iter().map(|g| (g.failed, g.rows.to_list())).collect();
        assert_eq!(
            groups,
            [
                (0b001, vec![1, 7]),
                (0b010, vec![2]),
                (0b011, vec![3]),
                (0b100, vec![4]),
                (0b111, vec![5])
            ]
        );
        // Dropping exactly a group's conditions adds the groups inside it:
        // {a} 2, {b} 1, {a,b} 2+1+1, {c} 1, {a,b,c} all five groups, 6.
        let sizes: Vec<Vec<usize>> = lattice.groups.iter().map(|g| vec![g.n_respondents]).collect();
        let sums: Vec<usize> = lattice.subset_sums(&sizes).iter().map(|v| v[0]).collect();
        assert_eq!(sums, [2, 1, 4, 1, 6]);
        // With k = 2, dropping b alone adds one respondent: refused, naming b.
        assert_eq!(Lattice::new(&ds, &filter, 2).refusal(2), Ok(Some(0b010)));
    }

    #[test]
    fn attacker_pins_a_cell_through_rows_and_columns() {
        // 2x2 table a b / c d with all margins shown: withholding only a and d leaves
        // each alone in its row, so the attacker pins both.
        let mut l = Layout::default();
        let cells: Vec<usize> = [5, 20, 30, 6]
            .iter()
            .enumerate()
            .map(|(i, &n)| l.push(n, Role::Cell, key2((0, i / 2), (1, i % 2))))
            .collect();
        let r0 = l.push(25, Role::Cell, key1(0, 0));
        let r1 = l.push(36, Role::Cell, key1(0, 1));
        let c0 = l.push(35, Role::Cell, key1(1, 0));
        let c1 = l.push(26, Role::Cell, key1(1, 1));
        let t = l.push(61, Role::Fixed, key1(usize::MAX, 0));
        l.sum(r0, vec![cells[0], cells[1]]);
        l.sum(r1, vec![cells[2], cells[3]]);
        l.sum(c0, vec![cells[0], cells[2]]);
        l.sum(c1, vec![cells[1], cells[3]]);
        l.sum(t, vec![r0, r1]);
        l.sum(t, vec![c0, c1]);
        let mut naive = vec![false; l.entries.len()];
        naive[0] = true;
        naive[3] = true;
        let b = attack(&l, &naive);
        assert_eq!((b[0], b[3]), ((5, 5), (6, 6)));
        // protect withholds the whole 2x2 interior; each cell then ranges over 0..=min(row, col).
        let withheld = protect(&l, 10).unwrap();
        assert_eq!(&withheld[..4], [true, true, true, true]);
        let b = attack(&l, &withheld);
        assert!(b[0].0 < b[0].1 && b[3].0 < b[3].1, "{b:?}");
    }
}
