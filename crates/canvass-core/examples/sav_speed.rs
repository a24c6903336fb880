//! How fast an SPSS file loads: writes a survey-shaped .sav of about 100 MB in memory
//! (uncompressed, then bytecode-compressed) and times `load` on it.
//!
//! cargo run --release -p canvass-core --example sav_speed [-- MEGABYTES]
//! cargo run --release -p canvass-core --example sav_speed -- MEGABYTES --write FILE
//!
//! With `--write`, the uncompressed file is written to FILE instead of timed: the
//! browser bench opens it (`cargo xtask bench`).
//!
//! The file: 100 numeric variables per case (60 labelled 1–5 answers with a
//! user-missing 99 "Refused", 30 scale numbers, 10 0/1 items sharing a stem), so a
//! case is 800 bytes uncompressed. Rows are a fixed pseudo-random sequence.

use canvass_core::{load, LoadOptions};
use std::time::Instant;

const CHOICES: usize = 60;
const SCALES: usize = 30;
const ITEMS: usize = 10;

fn i32s(out: &mut Vec<u8>, values: &[i32]) {
    for v in values {
        out.extend_from_slice(&v.to_le_bytes());
    }
}

fn padded(text: &str, len: usize) -> Vec<u8> {
    let mut b = text.as_bytes().to_vec();
    b.resize(len, b' ');
    b
}

/// A little-endian system file: header, variable records, value labels, measurement
/// levels, the end of the dictionary, then the cases.
fn write_sav(n_cases: usize, compressed: bool) -> Vec<u8> {
    let n_vars = CHOICES + SCALES + ITEMS;
    let mut out = Vec::new();
    out.extend_from_slice(b"$FL2");
    out.extend_from_slice(&padded("@(#) SPSS DATA FILE canvass speed test", 60));
    i32s(&mut out, &[2, n_vars as i32, compressed as i32, 0, n_cases as i32]);
    out.extend_from_slice(&100.0f64.to_le_bytes());
    out.extend_from_slice(&padded("01 Jan 26", 9));
    out.extend_from_slice(&padded("00:00:00", 8));
    out.extend_from_slice(&padded("", 64 + 3));
    for v in 0..n_vars {
        let (name, label) = if v < CHOICES {
            (format!("Q{v}"), format!("How satisfied are you with thing {v}?"))
        } else if v < CHOICES + SCALES {
            (format!("N{v}"), format!("How many of thing {v}?"))
        } else {
            (
                format!("USE_{}", v - CHOICES - SCALES + 1),
                format!("Which do you use? - Item {v}"),
            )
        };
        let missing = if v < CHOICES { 1 } else { 0 };
        // Print and write formats F8.2 (type 5, width 8, 2 decimals).
        i32s(&mut out, &[2, 0, 1, missing, 0x050802, 0x050802]);
        out.extend_from_slice(&padded(&name, 8));
        i32s(&mut out, &[label.len() as i32]);
        out.extend_from_slice(&padded(&label, label.len().div_ceil(4) * 4));
        if missing == 1 {
            out.extend_from_slice(&99.0f64.to_le_bytes());
        }
    }
    let labels = ["Very unhappy", "Unhappy", "Neutral", "Happy", "Very happy"];
    i32s(&mut out, &[3, 6]);
    for (code, label) in labels
        .iter()
        .enumerate()
        .map(|(i, l)| (i as f64 + 1.0, *l))
        .chain([(99.0, "Refused")])
    {
        out.extend_from_slice(&code.to_le_bytes());
        out.push(label.len() as u8);
        out.extend_from_slice(&padded(label, (label.len() + 1).div_ceil(8) * 8 - 1));
    }
    i32s(&mut out, &[4, CHOICES as i32]);
    i32s(&mut out, &(1..=CHOICES as i32).collect::<Vec<_>>());
    // Measurement levels: ordinal choices, scale numbers, nominal items.
    i32s(&mut out, &[7, 11, 4, (n_vars * 3) as i32]);
    for v in 0..n_vars {
        let measure = if v < CHOICES {
            2
        } else if v < CHOICES + SCALES {
            3
        } else {
            1
        };
        i32s(&mut out, &[measure, 8, 1]);
    }
    i32s(&mut out, &[999, 0]);

    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut ctrl = [0u8; 8];
    let mut ctrl_n = 0;
    let mut raw: Vec<u8> = Vec::new();
    let mut push = |out: &mut Vec<u8>, v: f64| {
        if !compressed {
            out.extend_from_slice(&v.to_le_bytes());
            return;
        }
        let code = if v.fract() == 0.0 && (-99.0..=151.0).contains(&v) {
            (v + 100.0) as u8
        } else {
            raw.extend_from_slice(&v.to_le_bytes());
            253
        };
        ctrl[ctrl_n] = code;
        ctrl_n += 1;
        if ctrl_n == 8 {
            out.extend_from_slice(&ctrl);
            out.append(&mut raw);
            ctrl_n = 0;
        }
    };
    for _ in 0..n_cases {
        for v in 0..n_vars {
            let r = next();
            let value = if v < CHOICES {
                if r % 20 == 0 {
                    99.0
                } else {
                    (r % 5 + 1) as f64
                }
            } else if v < CHOICES + SCALES {
                (r % 100_000) as f64 / 100.0
            } else {
                (r % 2) as f64
            };
            push(&mut out, value);
        }
    }
    if compressed {
        // The last block: the values written so far, then the end-of-data code.
        let mut rest = [0u8; 8];
        rest[..ctrl_n].copy_from_slice(&ctrl[..ctrl_n]);
        rest[ctrl_n] = 252;
        out.extend_from_slice(&rest);
        out.extend_from_slice(&raw);
    }
    out
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let megabytes: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(100);
    let n_cases = megabytes * 1_000_000 / ((CHOICES + SCALES + ITEMS) * 8);
    if let Some(at) = args.iter().position(|a| a == "--write") {
        let path = args.get(at + 1).expect("--write needs a file name");
        std::fs::write(path, write_sav(n_cases, false)).unwrap_or_else(|e| panic!("{path}: {e}"));
        return;
    }
    for compressed in [false, true] {
        let bytes = write_sav(n_cases, compressed);
        let mut runs: Vec<f64> = (0..5)
            .map(|_| {
                let start = Instant::now();
                let loaded = load(&bytes, &LoadOptions::default()).expect("the generated file loads");
                assert_eq!(loaded.dataset.n_rows(), n_cases);
                start.elapsed().as_secs_f64()
            })
            .collect();
        runs.sort_by(f64::total_cmp);
        let median = runs[runs.len() / 2];
        println!(
            "{}: {:.1} MB, {n_cases} cases, median of 5 loads {:.3} s = {:.0} MB/s (min {:.3} s, max {:.3} s)",
            if compressed {
                "bytecode-compressed .sav"
            } else {
                "uncompressed .sav"
            },
            bytes.len() as f64 / 1e6,
            median,
            bytes.len() as f64 / 1e6 / median,
            runs[0],
            runs[runs.len() - 1],
        );
    }
}
