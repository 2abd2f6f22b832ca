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

/// What a body may fill of a tracker's limit of `max_chars`: the rest is room for the header
/// and footer around the rows. Rows are measured in bytes, at least as many as characters, so
/// escaping that lengthens report text never pushes a body over.
pub(crate) fn row_budget(max_chars: usize) -> usize {
    max_chars.saturating_sub(4_000)
}

#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error(transparent)]
    Tracker(#[from] hardline_tracker::TrackerError),
    #[error(transparent)]
    Ledger(#[from] hardline_ledger::LedgerError),
    #[error("{0}")]
    Other(String),
}
