//! Policy: which findings count (exceptions, [`open_findings`]), and what a candidate scan
//! means for a merge (the [`Gate`], its [`rules`] and [`profile`]s). Pure functions over the
//! model; the only I/O is reading the exception files.

pub mod base;
pub mod config;
pub mod cyclonedx;
mod decision;
pub mod exceptions;
mod gate;
mod open;
pub mod profile;
pub mod rules;
pub mod sla;
pub mod trivyignore;
pub mod vex;

pub use config::{ConfigError, RawGateConfig};
pub use decision::Decision;
pub use exceptions::{Applied, Exception, ExceptionError, ExceptionSet, ExceptionState, Review};
pub use gate::{Base, BaseSource, Context, Gate, GateInput, GateResult, Reason, Unchecked};
pub use open::open_findings;
pub use profile::{PROFILES, ProfileInfo, ProfileName};
pub use rules::{FirstSeen, Input, RULES, RuleCode, RuleMeta};
pub use sla::Sla;

/// Findings of this severity and above are the ones the gate and the issues count.
pub const THRESHOLD: hardline_model::Severity = hardline_model::Severity::Medium;
