//! A table as disclosure control sees it: its counts, how each is published, and the
//! arithmetic (sums and bounds) that links them.

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
    /// A zero the view's own filter forces (an option or bin the filter excludes):
    /// known to everyone, so shown as 0, never withheld and never cover.
    pub forced_zero: bool,
    /// Pinned by other tables' numbers whatever this one withholds (two one-option
    /// views of a crosstab giving a cell away between them): not protected here, since
    /// withholding it or refusing this table would hide nothing.
    pub given_away: bool,
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
            forced_zero: false,
            given_away: false,
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
