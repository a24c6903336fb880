//! canvass-core: everything canvass knows about surveys, without any I/O.
//!
//! Bytes go in ([`load::load`]), a typed, columnar [`dataset::Dataset`] comes out;
//! statistics ([`freq`], [`crosstab`], [`numeric`], [`rank`]) are pure functions of a
//! dataset and a spec, computed over a [`view`] (filter, weight) and passed through
//! [`disclosure`] control; charts
//! ([`chart`]) are drawn against plotters' `DrawingBackend` trait so the browser,
//! SVG and bitmap outputs share one implementation.
//!
//! A [`codebook`] describes a survey's columns to the loader, and a [`snapshot`] stores
//! a loaded survey for the page to open without parsing it again.
//!
//! What this crate deliberately does not do: read files, touch the DOM or a canvas,
//! print, or know about JSON on a command line; those belong to `canvass-web` and
//! `canvass-cli`. Nor does it make data up: synthetic releases (a codebook's `model`
//! section, generation, checksums, audits) and made-up survey files belong to
//! `canvass-synth`, which the page never loads.

pub mod calendar;
pub mod chart;
pub mod codebook;
pub mod crosstab;
pub mod dataset;
pub mod disclosure;
pub mod error;
pub mod export;
pub mod filter;
pub mod freq;
pub mod load;
pub mod numeric;
pub mod query;
pub mod rank;
pub mod snapshot;
mod sort;
pub mod view;
pub mod view_state;
pub mod weights;

pub use dataset::{Column, Dataset, Missing, Question, QuestionKind};
pub use load::infer::infer_cells;
pub use load::{
    load, load_with_progress, load_with_source, Caps, LoadError, LoadOptions, Loaded, Source, Warning, WarningKind,
};
