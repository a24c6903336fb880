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
    // Labelled as the page labels it: with the digests the release's manifest gives.
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(format!("{root}manifest.json")).unwrap()).unwrap();
    let digest = |file: &str| manifest["files"][file]["sha256"].as_str().unwrap().to_string();
    let sources = Sources {
        responses_sha256: digest("responses.tsv"),
        codebook_sha256: Some(digest("codebook.json")),
    };
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
}
