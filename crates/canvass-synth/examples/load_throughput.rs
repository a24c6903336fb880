//! Native load throughput on a made-up survey file.
//!
//! ```sh
//! cargo run --release -p canvass-synth --example load_throughput -- 100
//! ```
//!
//! The argument is the size in MB (default 100), or the path of a file to time
//! instead. The file is made up in memory (nothing is written to disk) in the generic
//! shape `cargo xtask bench` times: single choices, `;`-joined multi-selects,
//! agreement scales, ages, a long country list and quoted free text. It lives here
//! rather than in canvass-core because it needs the made-up survey generator. The
//! first load warms caches and allocator; the best of three timed loads is reported,
//! and on Linux also the CPU time per load, which a busy shared machine does not
//! inflate.

use canvass_core::{load, LoadOptions};
use canvass_synth::made_up::{survey_csv, Shape};
use std::time::Instant;

/// The seed of the benchmarks' files, so a size here matches theirs row for row.
const SEED: u64 = 2020;

/// A made-up survey of the benchmarks' generic shape, of about `target_bytes`.
fn generate(target_bytes: usize) -> Vec<u8> {
    let sample = survey_csv(&Shape::GENERIC, 1000, SEED).len();
    let rows = target_bytes * 1000 / sample;
    survey_csv(&Shape::GENERIC, rows, SEED)
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
