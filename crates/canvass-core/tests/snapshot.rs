//! The bundled release read back from its snapshot is the survey its published files
//! load into, field by field.

use canvass_core::codebook::parse_codebook;
use canvass_core::snapshot::{read, write, Sources};
use canvass_core::{load, LoadOptions};

#[test]
fn the_release_reads_back_from_its_snapshot_as_it_loads() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../www/data/numpy-2020/");
    let responses = std::fs::read(format!("{root}responses.tsv")).unwrap();
    let codebook_bytes = std::fs::read(format!("{root}codebook.json")).unwrap();
    let codebook = parse_codebook(&codebook_bytes).unwrap();
    let sections = codebook.sections();
    assert!(!sections.is_empty());
    let loaded = load(
        &responses,
        &LoadOptions {
            codebook: Some(codebook),
            ..LoadOptions::default()
        },
    )
    .unwrap();
    let sources = Sources::of(&responses, Some(&codebook_bytes));
    let bytes = write(&loaded, &sections, &sources).unwrap();
    let back = read(&bytes).unwrap();
    assert_eq!(back.loaded.dataset, loaded.dataset);
    assert_eq!(back.loaded.identifying, loaded.identifying);
    let lines = |l: &canvass_core::Loaded| -> Vec<(u64, String)> {
        l.warnings.iter().map(|w| (w.line, w.message.clone())).collect()
    };
    assert_eq!(lines(&back.loaded), lines(&loaded));
    assert_eq!(
        (
            back.loaded.encoding,
            back.loaded.delimiter,
            back.loaded.header_rows,
            back.loaded.layout
        ),
        (loaded.encoding, loaded.delimiter, loaded.header_rows, loaded.layout)
    );
    assert_eq!(back.sections, sections);
    assert_eq!(back.sources, sources);
    assert_eq!(back.sources.responses_sha256.len(), 64);
}
