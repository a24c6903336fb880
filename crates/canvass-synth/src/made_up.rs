//! Made-up survey files: CSV in the shape of a typical export, the same bytes for the
//! same shape, rows and seed. The benchmarks time the loader on them, the load
//! throughput example reads one, and the page's build writes a small one for the
//! workers to warm up on.
//!
//! They reproduce nothing and come with no codebook: answers are drawn with a skew,
//! as survey answers usually are, and that is all. A synthetic release of a real
//! survey is [`crate::build_release`]'s job.

use crate::rng::Rng;
use std::io::{self, Write};

/// How many questions of each kind a made-up survey asks. Every survey also asks an
/// age (10% blank) and a country among [`COUNTRIES`], after the questions counted here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// Single choices named "Option 1", "Option 2", ...: question `q` offers
    /// `2 + q % 11` of them, and 4% of its answers are blank.
    pub single_choice: usize,
    /// Single choices on a five-point frequency scale ("Daily" to "Never"), which the
    /// loader reads as ordinal.
    pub frequency: usize,
    /// Multi-selects joined by `;`: question `q` offers `6 + q` choices.
    pub multi_select: usize,
    /// Five-point agreement scales.
    pub agreement: usize,
    /// Free text, answered by about a third, with quotes, commas and some line breaks.
    pub free_text: usize,
}

/// How many countries the country question chooses among: a long list, like a real
/// survey's.
pub const COUNTRIES: usize = 75;

impl Shape {
    /// The benchmarks' shape: 40 columns of about 400 bytes a row, so 1,000,000 rows
    /// make a file of roughly 400 MB, the size the performance budgets were set on.
    pub const GENERIC: Shape = Shape {
        single_choice: 25,
        frequency: 0,
        multi_select: 5,
        agreement: 3,
        free_text: 5,
    };

    /// The page's warm-up survey: every kind of column the loader types, in a file
    /// small enough to read while the page is idle.
    pub const WARM_UP: Shape = Shape {
        single_choice: 0,
        frequency: 20,
        multi_select: 2,
        agreement: 2,
        free_text: 2,
    };

    /// Columns in a file of this shape.
    pub fn columns(&self) -> usize {
        self.single_choice + self.frequency + self.multi_select + self.agreement + 2 + self.free_text
    }
}

const AGREEMENT: [&str; 5] = [
    "Strongly disagree",
    "Disagree",
    "Neither agree nor disagree",
    "Agree",
    "Strongly agree",
];
const FREQUENCY: [&str; 5] = ["Daily", "Weekly", "Monthly", "Rarely", "Never"];
const WORDS: [&str; 16] = [
    "numpy",
    "arrays",
    "docs",
    "faster",
    "broadcasting",
    "dtype",
    "\"really\"",
    "install, build",
    "tests",
    "GPU",
    "typing",
    "random",
    "linalg",
    "memory",
    "help",
    "thanks",
];

/// The draws made-up answers need, on the generator's seeded stream.
struct Draw(Rng);

impl Draw {
    fn below(&mut self, n: usize) -> usize {
        (self.0.u64() % n as u64) as usize
    }

    /// A skewed pick: option i with weight 1/(i+1), as survey answers usually are.
    fn zipf(&mut self, n: usize) -> usize {
        let total: f64 = (1..=n).map(|i| 1.0 / i as f64).sum();
        let mut x = (self.0.u64() as f64 / u64::MAX as f64) * total;
        for i in 0..n {
            x -= 1.0 / (i + 1) as f64;
            if x <= 0.0 {
                return i;
            }
        }
        n - 1
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// A made-up survey of `rows` respondents as CSV bytes; see [`write_survey_csv`].
pub fn survey_csv(shape: &Shape, rows: usize, seed: u64) -> Vec<u8> {
    let mut out = Vec::new();
    write_survey_csv(&mut out, shape, rows, seed).expect("writing to memory does not fail");
    out
}

/// Writes a header line and `rows` made-up respondents of `shape` to `out`, the same
/// bytes for the same arguments on every machine. Lines end in `\n`; free-text answers
/// are quoted, and no other cell needs to be.
pub fn write_survey_csv(out: &mut impl Write, shape: &Shape, rows: usize, seed: u64) -> io::Result<()> {
    let mut draw = Draw(Rng::new(seed));
    let mut header: Vec<String> = Vec::new();
    header.extend((1..=shape.single_choice).map(|i| format!("Single choice question {i}")));
    header.extend((1..=shape.frequency).map(|i| format!("How often do you do task {i}?")));
    header.extend((1..=shape.multi_select).map(|i| format!("Select all that apply {i}")));
    header.extend((1..=shape.agreement).map(|i| format!("How much do you agree with statement {i}?")));
    header.push("Age".into());
    header.push("Country of residence".into());
    header.extend((1..=shape.free_text).map(|i| format!("Anything else to tell us {i}?")));
    writeln!(out, "{}", header.join(","))?;

    let mut line = String::with_capacity(1024);
    for _ in 0..rows {
        line.clear();
        for q in 0..shape.single_choice {
            let n_options = 2 + q % 11;
            if !draw.chance(4) {
                line.push_str(&format!("Option {}", draw.zipf(n_options) + 1));
            }
            line.push(',');
        }
        for _ in 0..shape.frequency {
            line.push_str(FREQUENCY[draw.zipf(FREQUENCY.len())]);
            line.push(',');
        }
        for q in 0..shape.multi_select {
            let n_options = 6 + q;
            let picked: Vec<String> = (0..n_options)
                .filter(|&o| draw.chance(60 / (o + 1) + 5))
                .map(|o| format!("Choice {}", o + 1))
                .collect();
            line.push_str(&picked.join(";"));
            line.push(',');
        }
        for _ in 0..shape.agreement {
            line.push_str(AGREEMENT[draw.zipf(AGREEMENT.len())]);
            line.push(',');
        }
        if !draw.chance(10) {
            line.push_str(&(18 + draw.below(50) + draw.below(15)).to_string());
        }
        line.push(',');
        line.push_str(&format!("Country {:02}", draw.zipf(COUNTRIES) + 1));
        for _ in 0..shape.free_text {
            line.push(',');
            if draw.chance(35) {
                let n_words = 2 + draw.below(6);
                let text: Vec<&str> = (0..n_words).map(|_| WORDS[draw.below(WORDS.len())]).collect();
                let mut text = text.join(" ");
                if draw.chance(10) {
                    text.push_str("\nsecond line");
                }
                line.push('"');
                line.push_str(&text.replace('"', "\"\""));
                line.push('"');
            }
        }
        line.push('\n');
        out.write_all(line.as_bytes())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use canvass_core::{load, LoadOptions, QuestionKind};

    #[test]
    fn generic_rows_are_about_four_hundred_bytes() {
        let per_row = survey_csv(&Shape::GENERIC, 2000, 1).len() as f64 / 2000.0;
        assert!((350.0..450.0).contains(&per_row), "{per_row} bytes a row");
    }

    #[test]
    fn same_seed_same_bytes_and_every_row_complete() {
        let bytes = survey_csv(&Shape::GENERIC, 300, 7);
        assert_eq!(bytes, survey_csv(&Shape::GENERIC, 300, 7));
        assert_ne!(bytes, survey_csv(&Shape::GENERIC, 300, 8));
        let loaded = load(&bytes, &LoadOptions::default()).unwrap();
        assert_eq!(loaded.dataset.n_rows(), 300);
        assert_eq!(loaded.dataset.questions().len(), Shape::GENERIC.columns());
        assert_eq!(Shape::GENERIC.columns(), 40);
        assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    }

    #[test]
    fn the_warm_up_survey_has_every_kind_the_page_reads() {
        let bytes = survey_csv(&Shape::WARM_UP, 2000, 1);
        let loaded = load(&bytes, &LoadOptions::default()).unwrap();
        let kinds: Vec<QuestionKind> = loaded.dataset.questions().iter().map(|q| q.kind).collect();
        assert_eq!(kinds.len(), Shape::WARM_UP.columns());
        assert_eq!(kinds.iter().filter(|&&k| k == QuestionKind::Ordinal).count(), 20 + 2);
        assert_eq!(kinds.iter().filter(|&&k| k == QuestionKind::Multi).count(), 2);
        for kind in [QuestionKind::Numeric, QuestionKind::Single, QuestionKind::Text] {
            assert!(kinds.contains(&kind), "{kind:?} in {kinds:?}");
        }
    }
}
