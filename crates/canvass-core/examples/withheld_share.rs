//! Share of cells withheld across the release's cards and one-level breakdowns.
use canvass_core::codebook::parse_codebook;
use canvass_core::crosstab::{crosstab, CrosstabSpec};
use canvass_core::freq::{freq_table, FreqSpec};
use canvass_core::{load, LoadOptions, QuestionKind};

fn main() {
    let dir = std::env::args().nth(1).expect("release dir");
    let bytes = std::fs::read(format!("{dir}/responses.tsv")).unwrap();
    let cb = std::fs::read(format!("{dir}/codebook.json")).unwrap();
    let opts = LoadOptions {
        codebook: Some(parse_codebook(&cb).unwrap()),
        ..LoadOptions::default()
    };
    let ds = load(&bytes, &opts).unwrap().dataset;
    let qs = ds.questions();
    let (mut cells, mut withheld, mut refused, mut tables) = (0usize, 0usize, 0usize, 0usize);
    for i in 0..qs.len() {
        if !qs[i].kind.is_chartable() {
            continue;
        }
        match freq_table(&ds, &FreqSpec::new(i)) {
            Ok(f) => {
                tables += 1;
                for r in &f.rows {
                    cells += 1;
                    if r.count.is_none() {
                        withheld += 1;
                    }
                }
            }
            Err(_) => refused += 1,
        }
    }
    println!(
        "cards: {tables} tables, {refused} refused, {withheld} of {cells} cells withheld ({:.1}%)",
        100.0 * withheld as f64 / cells as f64
    );
    let crossable = |k: QuestionKind| matches!(k, QuestionKind::Single | QuestionKind::Ordinal | QuestionKind::Multi);
    let (mut cells, mut withheld, mut refused, mut tables) = (0usize, 0usize, 0usize, 0usize);
    let t0 = std::time::Instant::now();
    for r in 0..qs.len() {
        if !crossable(qs[r].kind) {
            continue;
        }
        for c in 0..qs.len() {
            if c == r || !crossable(qs[c].kind) || qs[c].group.is_some() && qs[c].group == qs[r].group {
                continue;
            }
            match crosstab(&ds, &CrosstabSpec::new(r, c)) {
                Ok(t) => {
                    tables += 1;
                    for row in &t.counts {
                        for v in row {
                            cells += 1;
                            if v.is_none() {
                                withheld += 1;
                            }
                        }
                    }
                }
                Err(_) => refused += 1,
            }
        }
    }
    println!(
        "breakdowns: {tables} tables, {refused} refused, {withheld} of {cells} cells withheld ({:.1}%) in {:.1} s",
        100.0 * withheld as f64 / cells as f64,
        t0.elapsed().as_secs_f64()
    );
}
