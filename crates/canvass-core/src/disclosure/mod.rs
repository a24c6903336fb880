//! Disclosure control: which numbers of a table may be shown.
//!
//! A count of fewer than `k` respondents is withheld, and so is every number that would
//! let it be worked out: complementary cells of the same table, and counts that differ
//! by fewer than `k` from the same count in a wider view (the filter without some of its
//! conditions). The design, its reasoning and what it does not cover are in
//! `docs/disclosure.md`.
//!
//! - [`lattice`]: the view a filter selects and the respondents around it, grouped by the
//!   conditions they fail; refuses views that are too small or too close to a wider one.
//! - [`layout`]: a table as this module sees it, counts linked by sums and bounds.
//! - [`suppress`]: choosing withheld cells, and the attacker that checks the choice.
//! - [`table`]: one table protected together with the tables of its wider views.
//! - [`cell_key`]: the release option that perturbs counts instead of withholding them.
//!
//! Invariant: this module depends on the dataset, the filter and the errors only; views
//! and tables call it, never the other way round.
//! Invariant: every choice is a pure function of counts and the table's shape, with ties
//! broken by option identity, so the same table reached two ways is suppressed alike.

pub mod cell_key;
pub mod lattice;
pub mod layout;
pub mod lp;
pub mod suppress;
pub mod table;
#[cfg(test)]
mod tests;

pub use lattice::{check_view, BelowK, Group, Lattice};
pub use layout::{key1, key2, Constraint, Entry, EntryKey, Layout, Role};
pub use suppress::{
    attack, protect, protect_from, protect_split, split_layout, withheld_reasons, Unprotectable, WithheldReason,
};
pub use table::{protect_table, Around};

/// The release threshold used when a dataset does not say otherwise.
pub const DEFAULT_K: usize = 10;

/// Most conditions one filter may have under disclosure control: the view checks
/// look at every subset of the conditions (2^m of them, summed over in one pass), and
/// the URL state holds at most this many.
pub const MAX_CONDITIONS: usize = 16;

/// Most conditions for which every subset of them is protected jointly with its
/// complement against the full context of its wider views ([`protect_table`]):
/// that context grows steeply with each condition. Beyond it, up to
/// [`MAX_CONDITIONS`], the protection is the scalable one described there.
pub const EXACT_CONDITIONS: usize = 4;

/// Most conditions one filter may have at all (one bit each in a `u32`).
pub const MAX_CONDITIONS_RAW: usize = 31;
