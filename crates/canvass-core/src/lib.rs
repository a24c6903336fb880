//! canvass-core: everything canvass knows about surveys, without any I/O.
//!
//! Bytes go in ([`load::load`]), a typed, columnar [`dataset::Dataset`] comes out;
//! statistics ([`freq`]) are pure functions of a dataset and a spec; charts
//! ([`chart`]) are drawn against plotters' `DrawingBackend` trait so the browser,
//! SVG and bitmap outputs share one implementation.
//!
//! What this crate deliberately does not do: read files, touch the DOM or a canvas,
//! print, or know about JSON on a command line. Those belong to `canvass-web` and
//! `canvass-cli`.

pub mod chart;
pub mod codebook;
pub mod dataset;
pub mod freq;
pub mod load;
pub mod synth;
pub mod view_state;

pub use dataset::{Column, Dataset, Missing, Question, QuestionKind};
pub use load::{load, LoadError, LoadOptions, Loaded, Warning};
