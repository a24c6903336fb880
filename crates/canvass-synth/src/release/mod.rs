//! Releases made from raw responses: the survey encoded as variables ([`encoded`]),
//! synthesised by sequential CART and written back in the raw file's own layout.
//!
//! Everything here is pure (bytes in, file bytes out; no file system, no clock, no
//! threads) so that the page's release worker can run it as the CLI does.

pub mod cart;
pub mod encoded;
pub mod gates;
mod matched;
mod pmse;
pub mod report;
pub mod risk;
pub mod synthesize;
pub mod utility;

pub use gates::{evaluate, Gate, GateLimits};
pub use pmse::Pmse;
pub use report::{score, score_with, DcrInput, Report, ScoreInput};
#[cfg(test)]
mod sdmetrics_check;
