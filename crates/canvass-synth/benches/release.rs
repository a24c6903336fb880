//! Native benchmarks of making a release from raw responses: `cargo xtask bench` runs
//! this. Two files: the bundled NumPy release standing in for a raw export (1,236
//! rows, 98 columns, with its codebook) and a made-up 100,000-row, 40-column survey.
//!
//! Each case runs several times and reports the median with min–max; results go to
//! stdout and to `CANVASS_BENCH_OUT` (JSON) when set. Nothing here fails on a slow result.

use canvass_synth::made_up::{write_survey_csv, Shape};
use canvass_synth::release::{make, ReleaseOptions};
use std::time::Instant;

/// A bench case: its name, the raw file, its codebook and how many runs.
type Case<'a> = (&'a str, &'a [u8], Option<&'a [u8]>, usize);

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    if v.len() % 2 == 0 {
        (v[mid - 1] + v[mid]) / 2.0
    } else {
        v[mid]
    }
}

fn main() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../www/data/numpy-2020/");
    let numpy = std::fs::read(format!("{root}responses.tsv")).expect("the bundled NumPy responses");
    let numpy_cb = std::fs::read(format!("{root}codebook.json")).expect("the bundled NumPy codebook");
    // `CANVASS_BENCH_RELEASE_ROWS` sizes the made-up file, for a quicker look.
    let rows: usize = std::env::var("CANVASS_BENCH_RELEASE_ROWS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(100_000);
    let mut generic = Vec::new();
    write_survey_csv(&mut generic, &Shape::GENERIC, rows, 2020).expect("writing to memory");
    let generic_name = format!("made-up {rows} x 40");
    let cases: [Case; 2] = [
        ("numpy 1,236 x 98", &numpy, Some(&numpy_cb), 7),
        (&generic_name, &generic, None, 3),
    ];
    let mut results = Vec::new();
    println!("{:<40} {:>12} {:>22}", "release", "median ms", "min-max ms");
    for (name, raw, cb, runs) in cases {
        for (what, dcr) in [
            ("synthesis, files, report without DCR", false),
            ("all of it, DCR included", true),
        ] {
            let options = ReleaseOptions {
                measure_dcr: dcr,
                ..ReleaseOptions::default()
            };
            let times: Vec<f64> = (0..runs)
                .map(|_| {
                    let start = Instant::now();
                    // Progress is reported as the page and the CLI see it.
                    let mut last = (0, 0);
                    let release =
                        make(raw, cb, &options, &mut |d, t| last = (d, t)).expect("the bench file makes a release");
                    assert_eq!(last.0, last.1, "progress ends at its total");
                    std::hint::black_box(release);
                    start.elapsed().as_secs_f64() * 1e3
                })
                .collect();
            let (lo, hi) = times
                .iter()
                .fold((f64::INFINITY, 0f64), |(lo, hi), &t| (lo.min(t), hi.max(t)));
            let label = format!("{name}: {what}");
            let m = median(times.clone());
            println!("{label:<40} {m:>12.0} {:>22}", format!("{lo:.0}-{hi:.0}"));
            results.push(serde_json::json!({ "name": label, "median_ms": m, "runs_ms": times }));
        }
    }
    if let Some(out) = std::env::var_os("CANVASS_BENCH_OUT") {
        let text = serde_json::to_string_pretty(&results).expect("JSON values serialise");
        std::fs::write(&out, text).expect("writing the bench results");
    }
}
