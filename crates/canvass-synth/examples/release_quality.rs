//! Makes a release of a raw file and prints the figures the release report judges it
//! by: `cargo run --release -p canvass-synth --example release_quality -- RAW [CODEBOOK]
//! [--quasi a,b] [--withhold a,b] [--min-leaf N] [--cp X] [--seed N] [--keep-uniques]`. With `--external RELEASE
//! DCR_SYNTHETIC` it scores another tool's release instead (its distance synthesis
//! fitted on the rows at even positions, as `scripts/release/synthpop_cart.R` makes it).
//! `SHOW_LOST=1` lists the lost conclusions.

use canvass_synth::release::report::{score, DcrInput, ScoreInput};
use canvass_synth::release::{make, ReleaseOptions};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut files = Vec::new();
    let mut options = ReleaseOptions::default();
    let mut external: Option<(String, String)> = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--quasi" => {
                let q = it.next().expect("--quasi a,b");
                options.overrides.quasi = Some(q.split(',').map(String::from).collect());
            }
            "--min-leaf" => options.min_leaf = it.next().and_then(|x| x.parse().ok()).expect("--min-leaf N"),
            "--withhold" => {
                let w = it.next().expect("--withhold a,b");
                options.overrides.withhold = w.split(',').map(String::from).collect();
            }
            "--cp" => options.cp = it.next().and_then(|x| x.parse().ok()).expect("--cp X"),
            "--keep-uniques" => options.remove_replicated_uniques = false,
            "--seed" => options.seed = it.next().and_then(|x| x.parse().ok()).expect("--seed N"),
            // Another tool's release and its synthesis from the rows at even positions.
            "--external" => {
                let r = it.next().expect("--external RELEASE DCR_SYNTHETIC").clone();
                let d = it.next().expect("--external RELEASE DCR_SYNTHETIC").clone();
                external = Some((r, d));
            }
            _ => files.push(a.clone()),
        }
    }
    let raw = std::fs::read(&files[0]).expect("raw file");
    let cb = files.get(1).map(|p| std::fs::read(p).expect("codebook"));
    let mut release = make(&raw, cb.as_deref(), &options, &mut |_, _| {}).expect("release");
    if let Some((r, d)) = &external {
        let read = |path: &str| {
            let lo = canvass_core::LoadOptions {
                codebook: cb
                    .as_deref()
                    .map(|c| canvass_core::codebook::parse_codebook(c).expect("codebook")),
                ..canvass_core::LoadOptions::default()
            };
            canvass_core::load(&std::fs::read(path).expect("file"), &lo)
                .expect("loads")
                .dataset
        };
        let n = release.raw.n_rows();
        release.released = vec![("responses.tsv".into(), read(r))];
        release.dcr = Some(((0..n).step_by(2).collect(), (1..n).step_by(2).collect(), read(d)));
        release.dcr_swapped = None;
        release.replicated_uniques_replaced = 0;
    }
    let (fit, held, syn) = release.dcr.as_ref().expect("dcr synthesis");
    let report = score(
        &ScoreInput {
            raw: &release.raw,
            released: release.released.iter().map(|(n, d)| (n.as_str(), d)).collect(),
            quasi: &release.quasi,
            dcr: Some(DcrInput {
                fit_rows: fit,
                held_out_rows: held,
                synthetic: syn,
            }),
            dcr_swapped: release.dcr_swapped.as_ref().map(|(fit, held, syn)| DcrInput {
                fit_rows: fit,
                held_out_rows: held,
                synthetic: syn,
            }),
        },
        &mut |_, _| {},
    );
    let u = &report.utility.files[0];
    let r = &report.risk.files[0];
    let q = r.quasi.as_ref();
    let f = |x: Option<f64>| x.map_or("-".to_string(), |x| format!("{x:.4}"));
    println!(
        "dcr_share {} | shapes {} | pair_trends {} | s_pmse {} | kept {}/{} of {} tested (spurious {}) | ci_overlap {} | exact {} | repl_uniques {} | replaced {}",
        report.risk.dcr.as_ref().map_or("-".to_string(), |d| format!("{:.4} {:.4?}", d.share, d.fold_shares)),
        f(u.column_shapes),
        f(u.pairs.column_pair_trends),
        f(u.pmse.as_ref().map(|p| p.s_pmse)),
        u.conclusions.n_kept,
        u.conclusions.n_significant_raw,
        u.conclusions.n_tested,
        u.conclusions.n_spurious,
        f(u.ci_overlap.mean),
        r.exact_copies.share,
        q.map_or(0, |q| q.replicated_uniques.count),
        release.replicated_uniques_replaced,
    );
    if std::env::var("SHOW_LOST").is_ok() {
        for l in u.conclusions.lost.iter().take(20) {
            println!("lost {} x {} p_raw {:.3e} p_syn {:?}", l.a, l.b, l.p_raw, l.p_synthetic);
        }
    }
}
