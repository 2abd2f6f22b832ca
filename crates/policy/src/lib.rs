//! Policy: which findings count (exceptions), and what a candidate scan means for a merge
//! (the gate). Pure functions over the model; the only I/O is reading the exception files.

pub mod exceptions;
pub mod gate;
mod rules;
pub mod vex;

pub use exceptions::{Applied, Exception, ExceptionError, ExceptionSet};
pub use gate::{Decision, GateInput, GateResult, Profile, Reason, gate};
pub use rules::Rule;

/// Findings of this severity and above are the ones the gate and the issues count.
pub const THRESHOLD: hardline_model::Severity = hardline_model::Severity::Medium;
