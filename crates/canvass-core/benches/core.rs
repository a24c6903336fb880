//! Native benchmarks of the core on generated survey files: `cargo xtask bench` makes
//! the files and runs this with `CANVASS_BENCH_DATA` naming their folder.
//!
//! Two shapes of file: the generic 40-column survey (`generic-N.csv`) and the NumPy
//! release scaled up (`numpy-N/`, a `responses.tsv` read with its `codebook.json`,
//! and the snapshot the page reads instead, made from them).
//!
//! Each operation runs several times and reports the median with min–max, because
//! the machines this runs on are shared and noisy. Results go to stdout as a table and
//! to `CANVASS_BENCH_OUT` (JSON) when set. Nothing here fails on a slow result.

use canvass_core::chart::{draw_frequencies, ChartStyle};
use canvass_core::codebook::parse_codebook;
use canvass_core::crosstab::{crosstab, CrosstabSpec};
use canvass_core::filter::{Condition, Filter};
use canvass_core::freq::{freq_table, frequencies, BaseKind, FreqSpec};
use canvass_core::numeric::ValueSpread;
use canvass_core::snapshot::{read, write, Sources};
use canvass_core::view::TableOptions;
use canvass_core::{load, Column, Dataset, LoadOptions};
use plotters::prelude::*;
use std::hint::black_box;
use std::time::Instant;

struct Timing {
    name: String,
    runs: Vec<f64>,
    /// Bytes processed per run, for throughput.
    bytes: Option<usize>,
}

impl Timing {
    fn median_ms(&self) -> f64 {
        let mut v = self.runs.clone();
        v.sort_by(f64::total_cmp);
        let mid = v.len() / 2;
        if v.len() % 2 == 0 {
            (v[mid - 1] + v[mid]) / 2.0
        } else {
            v[mid]
        }
    }
}

fn time(name: String, runs: usize, bytes: Option<usize>, mut f: impl FnMut()) -> Timing {
    let runs = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    Timing { name, runs, bytes }
}

fn main() {
    let Some(dir) = std::env::var_os("CANVASS_BENCH_DATA") else {
        eprintln!("set CANVASS_BENCH_DATA to a folder of generated files (cargo xtask bench does)");
        return;
    };
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("the bench data folder")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    files.sort();
    let mut timings = Vec::new();
    for (name, path, codebook) in bench_files(&files) {
        let bytes = std::fs::read(&path).expect("a bench file");
        let opts = LoadOptions {
            codebook: codebook.map(|p| {
                parse_codebook(&std::fs::read(p).expect("a bench codebook")).expect("the bench codebook parses")
            }),
            ..LoadOptions::default()
        };
        let runs = if bytes.len() > 100 << 20 { 3 } else { 7 };
        timings.push(time(format!("{name}: load"), runs, Some(bytes.len()), || {
            black_box(load(black_box(&bytes), &opts).expect("bench data loads"));
        }));
        let loaded = load(&bytes, &opts).expect("bench data loads");
        if let Some(codebook) = &opts.codebook {
            // How the page opens a bundled dataset: its snapshot, not its files.
            // The digests only label the snapshot; reading it does not check them.
            let sources = Sources {
                responses_sha256: String::new(),
                codebook_sha256: None,
            };
            let snapshot = write(&loaded, &codebook.sections(), &sources).expect("a snapshot");
            timings.push(time(
                format!("{name}: read its snapshot"),
                runs,
                Some(snapshot.len()),
                || {
                    black_box(read(black_box(&snapshot)).expect("the snapshot reads"));
                },
            ));
        }
        drop(bytes);
        let dataset = &loaded.dataset;
        chart_cases(&name, dataset, &mut timings);
        let first = |pred: fn(&Column) -> bool| dataset.questions().iter().position(|q| pred(&q.column));
        if let Some(q) = first(|c| matches!(c, Column::Categorical(_))) {
            timings.push(time(format!("{name}: frequencies, single choice"), 21, None, || {
                black_box(frequencies(dataset, q, BaseKind::Answered).unwrap());
            }));
        }
        if let Some(q) = first(|c| matches!(c, Column::Multi(_))) {
            timings.push(time(format!("{name}: frequencies, multi-select"), 21, None, || {
                black_box(frequencies(dataset, q, BaseKind::Answered).unwrap());
            }));
        }
        timings.extend(table_timings(&name, dataset));
    }

    print_and_save(&timings);
}

/// Each file to load: generic CSVs in the folder, and release folders holding a
/// `responses.tsv` and its `codebook.json`.
fn bench_files(entries: &[std::path::PathBuf]) -> Vec<(String, std::path::PathBuf, Option<std::path::PathBuf>)> {
    let mut files = Vec::new();
    for path in entries {
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        if path.is_dir() {
            let (responses, codebook) = (path.join("responses.tsv"), path.join("codebook.json"));
            if responses.exists() {
                files.push((name, responses, codebook.exists().then_some(codebook)));
            }
        } else if matches!(path.extension().and_then(|e| e.to_str()), Some("csv" | "tsv")) {
            files.push((name, path.clone(), None));
        }
    }
    files
}

/// Drawing a frequency chart to SVG for a question of about 10 categories and for the
/// one with the most (75 countries in the generic shape): layout and painting grow
/// with the bars, so both ends are timed.
fn chart_cases(name: &str, dataset: &Dataset, timings: &mut Vec<Timing>) {
    let categorical: Vec<(usize, usize)> = dataset
        .questions()
        .iter()
        .enumerate()
        .filter_map(|(i, q)| match &q.column {
            Column::Categorical(c) => Some((i, c.levels().len())),
            _ => None,
        })
        .collect();
    let ten = categorical.iter().min_by_key(|&&(_, n)| n.abs_diff(10));
    let most = categorical.iter().max_by_key(|&&(_, n)| n);
    let mut picked: Vec<(usize, usize)> = ten.into_iter().chain(most).copied().collect();
    picked.dedup();
    for (q, n_levels) in picked {
        let freq = frequencies(dataset, q, BaseKind::Answered).unwrap();
        timings.push(time(
            format!("{name}: chart to SVG, {n_levels} categories"),
            21,
            None,
            || {
                let mut svg = String::new();
                {
                    let area = SVGBackend::with_string(&mut svg, (720, 400)).into_drawing_area();
                    draw_frequencies(&area, &freq, &ChartStyle::svg()).unwrap();
                }
                black_box(svg);
            },
        ));
    }
}

fn print_and_save(timings: &[Timing]) {
    println!(
        "{:<55} {:>12} {:>22} {:>10}",
        "benchmark", "median ms", "min–max ms", "MB/s"
    );
    let mut json = Vec::new();
    for t in timings {
        let (min, max) = t
            .runs
            .iter()
            .fold((f64::MAX, 0.0f64), |(lo, hi), &r| (lo.min(r), hi.max(r)));
        let mb_s = t.bytes.map(|b| b as f64 / 1e6 / (t.median_ms() / 1e3));
        println!(
            "{:<55} {:>12.3} {:>22} {:>10}",
            t.name,
            t.median_ms(),
            format!("{min:.3}–{max:.3}"),
            mb_s.map_or(String::new(), |v| format!("{v:.0}"))
        );
        json.push(format!(
            "{{\"name\":{:?},\"median_ms\":{},\"min_ms\":{min},\"max_ms\":{max},\"runs\":{},\"mb_per_s\":{}}}",
            t.name,
            t.median_ms(),
            t.runs.len(),
            mb_s.map_or("null".to_string(), |v| format!("{v}"))
        ));
    }
    if let Some(out) = std::env::var_os("CANVASS_BENCH_OUT") {
        std::fs::write(out, format!("[{}]\n", json.join(",\n"))).expect("writing the bench JSON");
    }
}

/// The tables the page asks for, with disclosure control at k = 10 as the page runs
/// them: frequencies (single choice and multi-select), a crosstab, the same crosstab
/// with a three-condition filter, and a crosstab with many small cells (suppression).
fn table_timings(name: &str, dataset: &Dataset) -> Vec<Timing> {
    let positions = |pred: fn(&Column) -> bool| -> Vec<usize> {
        dataset
            .questions()
            .iter()
            .enumerate()
            .filter(|(_, q)| pred(&q.column))
            .map(|(i, _)| i)
            .collect()
    };
    // Questions with at least two answers: a withheld question of the release has none,
    // and a condition needs one answer to keep and one to set apart.
    let singles = positions(|c| matches!(c, Column::Categorical(col) if col.levels().len() >= 2));
    let multis = positions(|c| matches!(c, Column::Multi(_)));
    let mut timings = Vec::new();
    let runs = 21;
    if let Some(&q) = singles.first() {
        timings.push(time(format!("{name}: table, frequency, k = 10"), runs, None, || {
            black_box(freq_table(dataset, &FreqSpec::new(q)).unwrap());
        }));
    }
    if let Some(&q) = multis.first() {
        timings.push(time(
            format!("{name}: table, multi-select frequency, k = 10"),
            runs,
            None,
            || {
                black_box(freq_table(dataset, &FreqSpec::new(q)).unwrap());
            },
        ));
    }
    // A histogram: its bins come from the question's value spread, found on its first
    // table and kept with the column; the first call is timed apart.
    if let Some(&q) = positions(|c| matches!(c, Column::Numeric(_))).first() {
        let Column::Numeric(col) = &dataset.questions()[q].column else {
            unreachable!()
        };
        timings.push(time(
            format!("{name}: a numeric question's value spread (once per question)"),
            7,
            None,
            || {
                black_box(ValueSpread::of_cells(col.cells()));
            },
        ));
        timings.push(time(format!("{name}: table, histogram, k = 10"), runs, None, || {
            black_box(freq_table(dataset, &FreqSpec::new(q)).unwrap());
        }));
    }
    if singles.len() < 5 {
        return timings;
    }
    let spec = CrosstabSpec::new(singles[0], singles[1]);
    timings.push(time(format!("{name}: table, crosstab, k = 10"), runs, None, || {
        black_box(crosstab(dataset, &spec).unwrap());
    }));
    // Each condition keeps every answer but the question's least common, so the view
    // stays large and every condition sets some respondents apart.
    let conditions = singles[2..5]
        .iter()
        .map(|&q| {
            let Column::Categorical(col) = &dataset.questions()[q].column else {
                unreachable!()
            };
            Condition::AnyOf {
                question_idx: q,
                options: (0..col.levels().len() - 1).collect(),
                values: Vec::new(),
                missing: Vec::new(),
            }
        })
        .collect();
    let filtered = CrosstabSpec {
        options: TableOptions {
            filter: Filter::new(conditions),
            ..TableOptions::default()
        },
        ..spec.clone()
    };
    if crosstab(dataset, &filtered).is_ok() {
        timings.push(time(
            format!("{name}: table, crosstab, three-condition filter, k = 10"),
            runs,
            None,
            || {
                black_box(crosstab(dataset, &filtered).unwrap());
            },
        ));
    }
    if let Some(country) = dataset.find("Country of residence") {
        let many_small = CrosstabSpec::new(country, singles[0]);
        if crosstab(dataset, &many_small).is_ok() {
            timings.push(time(
                format!("{name}: table, suppression, country × question, k = 10"),
                runs,
                None,
                || {
                    black_box(crosstab(dataset, &many_small).unwrap());
                },
            ));
        }
    }
    timings
}
