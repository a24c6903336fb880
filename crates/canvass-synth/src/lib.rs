//! canvass-synth: synthetic survey releases. It generates respondents that reproduce
//! a survey's published figures ([`generate`]) from the codebook's model
//! ([`model`]), packages them as a release with a manifest of checksums
//! ([`build_release`]) and audits a release against its codebook ([`check_release`]).
//! It also makes up survey-shaped files of any size ([`made_up`]) for benchmarks and
//! the page's warm-up.
//!
//! Everything here is pure: bytes in, bytes or reports out; `canvass synth` reads and
//! writes the files. Reading and answering a survey is canvass-core's job, and the
//! page never carries this crate.

mod alloc;
pub mod calendar;
mod check;
mod doc;
mod generate;
pub mod made_up;
pub mod model;
pub mod release;
mod rng;
pub mod tsv;

pub use check::{check_release, CheckReport, Finding, GroupSizes, Status};
pub use doc::sha256_hex;
pub use generate::generate;

use model::parse_codebook_with_model;
use std::fmt;

/// Name and version written into every manifest.
pub const GENERATOR: &str = "canvass synth";
pub const GENERATOR_VERSION: &str = env!("CARGO_PKG_VERSION");

/// File names inside a release directory.
pub const RESPONSES_FILE: &str = "responses.tsv";
pub const CODEBOOK_FILE: &str = "codebook.json";
pub const MODEL_FILE: &str = "model.md";
pub const MANIFEST_FILE: &str = "manifest.json";

/// Why generation or checking could not proceed.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthError(pub String);

impl SynthError {
    pub fn new(msg: impl Into<String>) -> SynthError {
        SynthError(msg.into())
    }
}

impl fmt::Display for SynthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SynthError {}

/// The files of a release, in the order they are listed in the manifest.
#[derive(Debug, Clone, PartialEq)]
pub struct Release {
    pub files: Vec<(String, Vec<u8>)>,
}

impl Release {
    pub fn file(&self, name: &str) -> Option<&[u8]> {
        self.files.iter().find(|(n, _)| n == name).map(|(_, b)| b.as_slice())
    }
}

/// Generate a complete release from codebook bytes: the responses, the
/// codebook itself (byte for byte), the dependency-model document and the
/// manifest with checksums.
pub fn build_release(codebook_bytes: &[u8], seed: u64, rows: usize) -> Result<Release, SynthError> {
    let (cb, model) = parse_codebook_with_model(codebook_bytes).map_err(|e| SynthError::new(e.to_string()))?;
    let model = model.ok_or_else(|| SynthError::new("the codebook has no 'model' section; the generator needs one"))?;
    let cells = generate(&cb, &model, seed, rows)?;
    let responses = tsv::render(&cb, &cells)?.into_bytes();
    let model_document = doc::model_markdown(&cb, &model).into_bytes();
    let mut files = vec![
        (RESPONSES_FILE.to_string(), responses),
        (CODEBOOK_FILE.to_string(), codebook_bytes.to_vec()),
        (MODEL_FILE.to_string(), model_document),
    ];
    let manifest = doc::manifest(&cb, &model, seed, rows, &files);
    files.push((MANIFEST_FILE.to_string(), manifest.into_bytes()));
    Ok(Release { files })
}
