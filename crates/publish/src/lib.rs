//! Publishers: turn ledger state and gate decisions into things people read, through a
//! [`hardline_tracker::Tracker`]. Every publisher is idempotent: run twice on the same state,
//! the second run changes nothing and posts nothing. Everything from a scanner report is
//! escaped with `hardline_model::text` before it is placed in a body.

pub mod dashboard;
pub mod export;
pub mod gate_comment;
mod html;
pub mod issues;
mod markers;
pub mod pull_request;
pub mod report;
pub mod summary;

pub use markers::{ChainHead, Marker, chain_head_in};

/// What publishing did to a comment hardline keeps (found by its marker).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommentAction {
    Created,
    Updated,
    Unchanged,
    /// The token may not write (a fork's read-only token): nothing was posted.
    Refused,
}

impl CommentAction {
    pub fn as_str(self) -> &'static str {
        match self {
            CommentAction::Created => "created",
            CommentAction::Updated => "updated",
            CommentAction::Unchanged => "unchanged",
            CommentAction::Refused => "refused",
        }
    }
}

/// Keeps one comment of `number` marked with `marker` at `body`: creates it, edits it in
/// place, or leaves it when it already says exactly that.
pub(crate) fn keep_comment(
    tracker: &mut dyn hardline_tracker::Tracker,
    number: u64,
    marker: &Marker,
    body: &str,
) -> Result<CommentAction, PublishError> {
    let existing = tracker.list_comments(number)?.into_iter().find(|c| marker.is_in(&c.body));
    Ok(match existing {
        None => {
            tracker.create_comment(number, body)?;
            CommentAction::Created
        }
        Some(c) if c.body == body => CommentAction::Unchanged,
        Some(c) => {
            tracker.update_comment(c.id, body)?;
            CommentAction::Updated
        }
    })
}

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
    #[error("{image}: no audit log (audit-logs/{image}.jsonl); {}", known_images(image, known))]
    UnknownImage { image: hardline_model::ImageName, known: Vec<hardline_model::ImageName> },
    #[error("{0}")]
    Other(String),
}

/// What the ledger knows instead of `image`: "did you mean …?" when a known name is near.
fn known_images(image: &hardline_model::ImageName, known: &[hardline_model::ImageName]) -> String {
    let all = known.iter().map(|i| i.as_str()).collect::<Vec<_>>().join(", ");
    match image.closest_in(known) {
        _ if known.is_empty() => "the ledger knows no image yet".to_owned(),
        Some(closest) => format!("did you mean {closest}? (the ledger knows {all})"),
        None => format!("the ledger knows {all}"),
    }
}
