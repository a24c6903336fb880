//! The one error type of the statistics modules: every way a table request can fail,
//! each rendered as a sentence that says what to do next.
//!
//! Refusals for disclosure control are errors too, and they never carry the count that
//! caused them: saying "only 3 respondents" would publish the very number being kept back.

use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub enum StatsError {
    /// A question named by id or `@position` that the dataset does not have.
    NoSuchQuestion(String),
    /// Free text and identifiers have no frequencies, crosstabs or filters.
    NotCountable { question: String, kind: &'static str },
    /// A filter expression that cannot be read.
    BadFilter { expr: String, reason: String },
    /// A filter or table names an option the question does not have.
    UnknownOption {
        question: String,
        option: String,
        options: Vec<String>,
    },
    /// The operation needs another kind of question (a range on a categorical, ...).
    WrongKind {
        question: String,
        kind: &'static str,
        needed: &'static str,
    },
    /// A histogram bin width that is not positive or gives too many bins.
    BadBinWidth { width: f64, reason: String },
    /// The weight column is unusable in the current view.
    BadWeight { question: String, reason: String },
    /// The filtered universe holds fewer than k respondents.
    UniverseTooSmall { k: usize },
    /// Removing one condition would change the view by fewer than k respondents, so
    /// two tables could be subtracted to describe that small group.
    Differencing { condition: String, k: usize },
    /// The table's base (answered, asked) is below k in this view.
    BaseTooSmall { question: String, k: usize },
    /// No suppression pattern keeps every small count unrecoverable.
    Unprotectable { what: String, k: usize },
    /// A number the cell-key method does not perturb (a mean, a rank score), asked of a
    /// release that perturbs counts.
    NotPerturbable { what: String },
    /// A range whose bounds a top-coded answer ("> 40") may lie on either side of: it
    /// would belong to neither the range nor its opposite.
    RangeSplitsTopCode { condition: String, answer: String },
}

// Bin widths are finite or rejected before they get here, so equality is total.
impl Eq for StatsError {}

impl fmt::Display for StatsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StatsError::NoSuchQuestion(name) => write!(
                f,
                "no question {name:?}: name it by id or by position such as @3 (see `canvass summary`)"
            ),
            StatsError::NotCountable { question, kind } => write!(
                f,
                "question {question:?} is {kind}; only closed questions and numbers have frequencies"
            ),
            StatsError::BadFilter { expr, reason } => write!(
                f,
                "cannot read the filter {expr:?}: {reason}; write it as Q=Option A|Option B, Q>=20 or Q<30"
            ),
            StatsError::UnknownOption {
                question,
                option,
                options,
            } => write!(
                f,
                "question {question:?} has no option {option:?}; its options are {}",
                options.iter().map(|o| format!("{o:?}")).collect::<Vec<_>>().join(", ")
            ),
            StatsError::WrongKind { question, kind, needed } => {
                write!(f, "question {question:?} is {kind}, but this needs {needed}")
            }
            StatsError::BadBinWidth { width, reason } => write!(f, "cannot use the bin width {width}: {reason}"),
            StatsError::BadWeight { question, reason } => {
                write!(f, "cannot weight by {question:?}: {reason}")
            }
            StatsError::UniverseTooSmall { k } => write!(
                f,
                "fewer than {k} respondents match this filter, so no table is shown for it; widen the filter"
            ),
            StatsError::Differencing { condition, k } => write!(
                f,
                "the condition {condition:?} sets apart fewer than {k} respondents from the rest of the view, \
                 so comparing tables with and without it would describe them; drop or widen it"
            ),
            StatsError::BaseTooSmall { question, k } => write!(
                f,
                "fewer than {k} respondents make up the base of {question:?} in this view, so no table is shown; \
                 widen the filter or choose another base"
            ),
            StatsError::Unprotectable { what, k } => write!(
                f,
                "{what} cannot be shown without revealing a count below {k}; widen the filter or choose another base"
            ),
            StatsError::NotPerturbable { what } => write!(
                f,
                "{what} is not shown: this release perturbs counts (the cell-key method), and it would give exact numbers of small groups away; look at the question's frequency table instead"
            ),
            StatsError::RangeSplitsTopCode { condition, answer } => write!(
                f,
                "the filter {condition} is not applied: the answer {answer:?} may lie on either side of it, so those who gave it would belong to neither this range nor its opposite, and the two beside the unfiltered table would give them away; choose bounds that {answer:?} lies wholly inside or outside of, or filter on that answer"
            ),
        }
    }
}

impl std::error::Error for StatsError {}
