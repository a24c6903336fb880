//! Native load throughput on a generated survey-shaped file.
//!
//! ```sh
//! cargo run --release -p canvass-core --example load_throughput -- 100
//! ```
//!
//! The argument is the size in MB (default 100), or the path of a file to time
//! instead. The file is generated in memory
//! (nothing is written to disk): a Qualtrics-like export with ids, timestamps,
//! numbers with a top code, single choices, a Likert grid, frequency and range
//! scales, `;`-joined multi-selects, a ranking and sparse free text. The first load
//! warms caches and allocator; the best of three timed loads is reported, and on Linux
//! also the CPU time per load, which a busy shared machine does not inflate.

use canvass_core::{load, LoadOptions};
use std::fmt::Write;
use std::time::Instant;

/// A small deterministic generator, so every run measures the same bytes.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, options: &[&'a str]) -> &'a str {
        options[self.below(options.len())]
    }
}

const AGREE: [&str; 6] = [
    "Strongly disagree",
    "Disagree",
    "Neither agree nor disagree",
    "Agree",
    "Strongly agree",
    "",
];
const FREQ: [&str; 5] = ["Daily", "Weekly", "Monthly", "Less frequently", ""];
const YEARS: [&str; 6] = [
    "Less than 1 year",
    "1-2 years",
    "3-5 years",
    "5-10 years",
    "10+ years",
    "",
];
const LANGS: [&str; 6] = ["Python", "R", "Julia", "C++", "Rust", "MATLAB"];
const COUNTRIES: [&str; 12] = [
    "United States",
    "India",
    "Germany",
    "Brazil",
    "France",
    "Kenya",
    "Japan",
    "Canada",
    "Chile",
    "Spain",
    "Nigeria",
    "",
];
const COMMENTS: [&str; 4] = [
    "More tutorials on broadcasting, please",
    "The random module changed a lot, and I had to rewrite my simulation code",
    "Thanks, \"great\" work",
    "Typed arrays\nwould help",
];

fn generate(target_bytes: usize) -> Vec<u8> {
    let mut rng = Lcg(0x5eed);
    let mut out = String::with_capacity(target_bytes + 4096);
    out.push_str("StartDate,EndDate,ResponseId,Q1_age,Q2_gender,Q3_country,Q4_freq,Q5_years,Q6_langs");
    for i in 1..=10 {
        write!(out, ",Q7_{i}").unwrap();
    }
    for i in 1..=5 {
        write!(out, ",Q8_{i}").unwrap();
    }
    out.push_str(",Q9_comment\n");
    let mut row_idx = 0u64;
    while out.len() < target_bytes {
        row_idx += 1;
        let day = 1 + rng.below(28);
        let (h, m, s) = (rng.below(24), rng.below(60), rng.below(60));
        write!(
            out,
            "2020-05-{day:02} {h:02}:{m:02}:{s:02},2020-05-{day:02} {h:02}:{:02}:{s:02},R_{row_idx:012x},",
            (m + 7) % 60
        )
        .unwrap();
        match rng.below(20) {
            0 => out.push_str("> 40"),
            1 => {}
            _ => write!(out, "{}", 18 + rng.below(23)).unwrap(),
        }
        out.push(',');
        out.push_str(rng.pick(&["Male", "Female", "Non-binary", "Prefer not to answer", ""]));
        out.push(',');
        out.push_str(rng.pick(&COUNTRIES));
        out.push(',');
        out.push_str(rng.pick(&FREQ));
        out.push(',');
        out.push_str(rng.pick(&YEARS));
        out.push(',');
        let picks = rng.next() as usize;
        let mut first = true;
        for (i, lang) in LANGS.iter().enumerate() {
            if picks & (1 << i) != 0 && picks & (1 << (i + 8)) != 0 {
                if !first {
                    out.push(';');
                }
                out.push_str(lang);
                first = false;
            }
        }
        for _ in 0..10 {
            out.push(',');
            out.push_str(rng.pick(&AGREE));
        }
        // A ranking of five: a rotation of 1..=5.
        let shift = rng.below(5);
        for i in 0..5 {
            write!(out, ",{}", (i + shift) % 5 + 1).unwrap();
        }
        out.push(',');
        if rng.below(10) == 0 {
            let comment = rng.pick(&COMMENTS);
            if comment.contains(['"', ',', '\n']) {
                write!(out, "\"{}\"", comment.replace('"', "\"\"")).unwrap();
            } else {
                out.push_str(comment);
            }
        }
        out.push('\n');
    }
    out.into_bytes()
}

/// This thread's CPU time in seconds, where Linux reports it: on a shared machine the
/// wall clock also counts time spent waiting for a core.
fn thread_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    // Fields after the parenthesised command name; utime and stime are the 12th and
    // 13th of them, in clock ticks (100 per second on Linux).
    let after_name = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

fn main() {
    let arg = std::env::args().nth(1).unwrap_or_else(|| "100".into());
    let bytes = match arg.parse::<usize>() {
        Ok(mb) => generate(mb * 1_000_000),
        // A path: time that file instead, such as one `cargo xtask bench` generated.
        Err(_) => std::fs::read(&arg).unwrap_or_else(|e| panic!("{arg}: {e}")),
    };
    let opts = LoadOptions::default();
    let warm = load(&bytes, &opts).expect("the generated file loads");
    let mut best = f64::INFINITY;
    let cpu_start = thread_cpu_seconds();
    for _ in 0..3 {
        let start = Instant::now();
        let loaded = load(&bytes, &opts).expect("the generated file loads");
        best = best.min(start.elapsed().as_secs_f64());
        std::hint::black_box(loaded);
    }
    let cpu = cpu_start.zip(thread_cpu_seconds()).map(|(a, b)| (b - a) / 3.0);
    let size_mb = bytes.len() as f64 / 1e6;
    println!(
        "{size_mb:.1} MB, {} respondents, {} questions: best of 3 loads {:.3} s = {:.0} MB/s",
        warm.dataset.n_rows(),
        warm.dataset.questions().len(),
        best,
        size_mb / best
    );
    if let Some(cpu) = cpu.filter(|&c| c > 0.0) {
        println!("CPU time per load {cpu:.3} s = {:.0} MB/s of CPU", size_mb / cpu);
    }
    let kinds: Vec<String> = warm
        .dataset
        .questions()
        .iter()
        .map(|q| format!("{}:{}", q.id, q.kind.as_str()))
        .collect();
    println!("{}", kinds.join(" "));
}
