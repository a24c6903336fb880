//! `canvass rank`: Borda scores and first-place shares of a ranking question.

use crate::filter_args::{fmt_cell, TableArgs};
use canvass_core::rank::rank_summary;
use canvass_core::Loaded;
use clap::Args;
use std::path::Path;

#[derive(Args, Debug)]
pub struct RankArgs {
    /// The ranking question's group (the group its rank-item columns share).
    pub group: String,
    #[command(flatten)]
    pub table: TableArgs,
}

pub fn run(loaded: &Loaded, file: &Path, args: &RankArgs) -> Result<(), String> {
    let options = args.table.table_options(&loaded.dataset, file)?;
    let summary = rank_summary(&loaded.dataset, &args.group, &options).map_err(|e| e.to_string())?;
    if args.table.json {
        return crate::print_json(&summary);
    }
    println!("{} (n = {})", summary.group, fmt_cell(Some(summary.n)));
    for item in &summary.items {
        let borda = item.borda.map_or("–".to_string(), |b| format!("{b:.2}"));
        let first = item.first_percent.map_or("–".to_string(), |p| format!("{p:.1}%"));
        println!("  {:<40} Borda {:>6}  first {:>7}", item.item, borda, first);
    }
    println!("  {}", summary.method);
    Ok(())
}
