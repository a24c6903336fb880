//! Deterministic survey-shaped CSV files for benchmarks, generated on demand and never
//! committed.
//!
//! The "generic" shape has 40 columns: 25 single-choice questions, 5 multi-select
//! questions joined by `;`, 3 five-point Likert items, an age, a 75-value country and 5
//! free-text answers with quotes, commas and line breaks. About 400 bytes a row, so
//! 1,000,000 rows make a file of roughly 400 MB, the shape the performance budgets
//! were set on.

use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::io::{self, BufWriter, Write};
use std::path::Path;

pub const SINGLE_QUESTIONS: usize = 25;
pub const MULTI_QUESTIONS: usize = 5;
pub const LIKERT_ITEMS: usize = 3;
pub const TEXT_QUESTIONS: usize = 5;
pub const COUNTRIES: usize = 75;

const LIKERT: [&str; 5] = [
    "Strongly disagree",
    "Disagree",
    "Neither agree nor disagree",
    "Agree",
    "Strongly agree",
];
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

struct Rng(ChaCha8Rng);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        (self.0.next_u64() % n as u64) as usize
    }

    /// A skewed pick: option i with weight 1/(i+1), as survey answers usually are.
    fn zipf(&mut self, n: usize) -> usize {
        let total: f64 = (1..=n).map(|i| 1.0 / i as f64).sum();
        let mut x = (self.0.next_u64() as f64 / u64::MAX as f64) * total;
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

/// Writes `rows` respondents of the generic shape to `path`, the same bytes for the same
/// `rows` and `seed`.
pub fn write_generic(path: &Path, rows: usize, seed: u64) -> io::Result<()> {
    let mut rng = Rng(ChaCha8Rng::seed_from_u64(seed));
    let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    let mut header: Vec<String> = Vec::new();
    header.extend((1..=SINGLE_QUESTIONS).map(|i| format!("Single choice question {i}")));
    header.extend((1..=MULTI_QUESTIONS).map(|i| format!("Select all that apply {i}")));
    header.extend((1..=LIKERT_ITEMS).map(|i| format!("How much do you agree with statement {i}?")));
    header.push("Age".into());
    header.push("Country of residence".into());
    header.extend((1..=TEXT_QUESTIONS).map(|i| format!("Anything else to tell us {i}?")));
    writeln!(out, "{}", header.join(","))?;

    let mut line = String::with_capacity(1024);
    for _ in 0..rows {
        line.clear();
        for q in 0..SINGLE_QUESTIONS {
            let n_options = 2 + q % 11;
            if !rng.chance(4) {
                line.push_str(&format!("Option {}", rng.zipf(n_options) + 1));
            }
            line.push(',');
        }
        for q in 0..MULTI_QUESTIONS {
            let n_options = 6 + q;
            let picked: Vec<String> = (0..n_options)
                .filter(|&o| rng.chance(60 / (o + 1) + 5))
                .map(|o| format!("Choice {}", o + 1))
                .collect();
            line.push_str(&picked.join(";"));
            line.push(',');
        }
        for _ in 0..LIKERT_ITEMS {
            line.push_str(LIKERT[rng.zipf(5)]);
            line.push(',');
        }
        if !rng.chance(10) {
            line.push_str(&(18 + rng.below(50) + rng.below(15)).to_string());
        }
        line.push(',');
        line.push_str(&format!("Country {:02}", rng.zipf(COUNTRIES) + 1));
        for _ in 0..TEXT_QUESTIONS {
            line.push(',');
            if rng.chance(35) {
                let n_words = 2 + rng.below(6);
                let text: Vec<&str> = (0..n_words).map(|_| WORDS[rng.below(WORDS.len())]).collect();
                let mut text = text.join(" ");
                if rng.chance(10) {
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
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_about_four_hundred_bytes() {
        let dir = std::env::temp_dir().join(format!("canvass-bench-size-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("g.csv");
        write_generic(&path, 2000, 1).unwrap();
        let per_row = std::fs::metadata(&path).unwrap().len() as f64 / 2000.0;
        assert!((350.0..450.0).contains(&per_row), "{per_row} bytes a row");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn same_seed_same_bytes_and_forty_columns() {
        let dir = std::env::temp_dir().join(format!("canvass-bench-data-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (a, b) = (dir.join("a.csv"), dir.join("b.csv"));
        write_generic(&a, 300, 7).unwrap();
        write_generic(&b, 300, 7).unwrap();
        let bytes = std::fs::read(&a).unwrap();
        assert_eq!(bytes, std::fs::read(&b).unwrap());
        let mut reader = csv::ReaderBuilder::new().from_reader(bytes.as_slice());
        assert_eq!(reader.headers().unwrap().len(), 40);
        let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(records.len(), 300);
        assert!(records.iter().all(|r| r.len() == 40));
        assert!(records.iter().any(|r| r[39].contains('\n') || r[38].contains('\n')));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
