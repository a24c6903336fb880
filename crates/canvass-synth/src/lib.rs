//! Synthetic releases: generate respondents that reproduce a survey's
//! published figures ([`generate`]), package them as a release
//! ([`build_release`]) and audit a release against its codebook
//! ([`check_release`]).
//!
//! Everything here is pure: bytes in, bytes or reports out. The command line
//! reads and writes the files.

mod alloc;
mod check;
mod doc;
mod generate;
mod rng;
pub mod tsv;

pub use check::{check_release, CheckReport, Finding, GroupSizes, Status};
pub use doc::sha256_hex;
pub use generate::generate;

use crate::codebook::{parse_codebook, Codebook};
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
    let cb: Codebook = parse_codebook(codebook_bytes).map_err(|e| SynthError::new(e.to_string()))?;
    let cells = generate(&cb, seed, rows)?;
    let responses = tsv::render(&cb, &cells)?.into_bytes();
    let model = doc::model_markdown(&cb).into_bytes();
    let mut files = vec![
        (RESPONSES_FILE.to_string(), responses),
        (CODEBOOK_FILE.to_string(), codebook_bytes.to_vec()),
        (MODEL_FILE.to_string(), model),
    ];
    let manifest = doc::manifest(&cb, seed, rows, &files);
    files.push((MANIFEST_FILE.to_string(), manifest.into_bytes()));
    Ok(Release { files })
}
