//! Publishers: turn ledger state and gate decisions into things people read, through a
//! [`hardline_tracker::Tracker`]. Every publisher is idempotent: run twice on the same state,
//! the second run changes nothing and posts nothing. Everything from a scanner report is
//! escaped with `hardline_model::text` before it is placed in a body.

pub mod dashboard;
pub mod gate_comment;
pub mod issues;
mod markers;
pub mod summary;
mod table;

pub use markers::Marker;

#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error(transparent)]
    Tracker(#[from] hardline_tracker::TrackerError),
    #[error(transparent)]
    Ledger(#[from] hardline_ledger::LedgerError),
    #[error("{0}")]
    Other(String),
}
