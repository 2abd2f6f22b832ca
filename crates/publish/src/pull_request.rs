//! The pull request side of a gate decision: one comment per image on the pull request, edited
//! in place; auto-merge (squash) for an allowed dependency update; a label when a person must
//! decide. Idempotent: a second run with the same decision changes nothing, and does not ask
//! for auto-merge again when the pull request says it is on.

use hardline_model::text;
use hardline_model::{ImageName, ScanMeta};
use hardline_policy::{Decision, GateResult};
use hardline_tracker::{AutoMerge, Tracker, TrackerError};

use crate::gate_comment::{AutoMergeNote, GateComment};
use crate::{CommentAction, Marker, PublishError, keep_comment};

/// `[pull_requests]` of hardline.toml, and what this run may do.
#[derive(Clone, Debug)]
pub struct PullRequestSettings {
    /// Authors whose pull requests may be auto-merged when the gate allows them (compared
    /// without case). Only the author counts: anyone with triage rights can add a label.
    pub dependency_authors: Vec<String>,
    /// The label added when the gate asks for a person.
    pub review_label: String,
    /// Whether this run may enable auto-merge at all (`gate --no-auto-merge` says no: the
    /// pipeline found the pull request not eligible, e.g. a fork or a major update).
    pub auto_merge: bool,
}

/// What publishing a decision did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Published {
    pub pull_request: u64,
    pub comment: CommentAction,
    pub auto_merge: AutoMergeNote,
    pub labels_added: Vec<String>,
    /// One line per write the token was refused (a fork's read-only token), for people and
    /// for `::warning::` lines; the decision stands.
    pub warnings: Vec<String>,
}

impl Published {
    /// Whether any write was refused.
    pub fn refused(&self) -> bool {
        !self.warnings.is_empty()
    }
}

/// Why a refused write is not the gate's failure, appended to each warning.
const REFUSED_HINT: &str =
    "a fork's pull request token is read-only; pr-gate-publish.yml publishes from workflow_run";

/// Publishes the decision on `image`'s candidate to pull request `number`: auto-merge for an
/// allowed pull request of a dependency author (unless `settings.auto_merge` is off), the
/// review label when a person decides, and the comment. A write the token may not make is a
/// warning in [`Published::warnings`], and the other writes are still tried; any other
/// failure is an error.
pub fn publish(
    tracker: &mut dyn Tracker,
    number: u64,
    image: &ImageName,
    result: &GateResult,
    candidate: &ScanMeta,
    settings: &PullRequestSettings,
) -> Result<Published, PublishError> {
    let pr = tracker.pull_request(number)?;
    let mut warnings = Vec::new();
    let mut refused = |what: &str, error: TrackerError| -> Result<(), PublishError> {
        if !error.is_refused() {
            return Err(error.into());
        }
        let message = text::single_line(&error.tracker_message(), 300);
        warnings
            .push(format!("hardline: could not publish to #{number} ({what}): {message} — {REFUSED_HINT}"));
        Ok(())
    };
    let by_dependency_author = settings.dependency_authors.iter().any(|a| a.eq_ignore_ascii_case(&pr.author));
    let auto_merge = if result.decision == Decision::Allow && by_dependency_author && settings.auto_merge {
        // Already on (a rerun of the same gate): asking again would change nothing.
        if pr.auto_merge {
            AutoMergeNote::Enabled
        } else {
            match tracker.enable_auto_merge(&pr) {
                Ok(AutoMerge::Enabled) => AutoMergeNote::Enabled,
                Ok(AutoMerge::Unavailable(why)) => AutoMergeNote::Unavailable(why),
                Err(error) => {
                    let why = error.tracker_message();
                    refused("auto-merge", error)?;
                    AutoMergeNote::Refused(why)
                }
            }
        }
    } else {
        AutoMergeNote::None
    };
    let mut labels_added = Vec::new();
    if result.decision == Decision::Review && !pr.labels.contains(&settings.review_label) {
        match tracker.add_labels(number, &[settings.review_label.as_str()]) {
            Ok(()) => labels_added.push(settings.review_label.clone()),
            Err(error) => refused("label", error)?,
        }
    }
    let body = GateComment {
        image,
        result,
        candidate,
        auto_merge: auto_merge.clone(),
        max_chars: tracker.max_body_chars(),
    }
    .render();
    let comment = match keep_comment(tracker, number, &Marker::gate_comment(image), &body) {
        Ok(action) => action,
        Err(PublishError::Tracker(error)) => {
            refused("comment", error)?;
            CommentAction::Refused
        }
        Err(other) => return Err(other),
    };
    Ok(Published { pull_request: number, comment, auto_merge, labels_added, warnings })
}
