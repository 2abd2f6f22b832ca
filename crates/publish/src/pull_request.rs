//! The pull request side of a gate decision: one comment per image on the pull request, edited
//! in place; auto-merge (squash) for an allowed dependency update; a label when a person must
//! decide. Idempotent: a second run with the same decision changes nothing, and does not ask
//! for auto-merge again when the pull request says it is on.

use hardline_model::{ImageName, ScanMeta};
use hardline_policy::{Decision, GateResult};
use hardline_tracker::{AutoMerge, Tracker};

use crate::gate_comment::{AutoMergeNote, GateComment};
use crate::{CommentAction, Marker, PublishError, keep_comment};

/// `[pull_requests]` of hardline.toml.
#[derive(Clone, Debug)]
pub struct PullRequestSettings {
    /// Authors whose pull requests are dependency updates (compared without case).
    pub dependency_authors: Vec<String>,
    /// Labels that mark a pull request as a dependency update.
    pub dependency_labels: Vec<String>,
    /// The label added when the gate asks for a person.
    pub review_label: String,
}

/// What publishing a decision did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Published {
    pub pull_request: u64,
    pub comment: CommentAction,
    pub auto_merge: AutoMergeNote,
    pub labels_added: Vec<String>,
}

/// Publishes the decision on `image`'s candidate to pull request `number`.
pub fn publish(
    tracker: &mut dyn Tracker,
    number: u64,
    image: &ImageName,
    result: &GateResult,
    candidate: &ScanMeta,
    settings: &PullRequestSettings,
) -> Result<Published, PublishError> {
    let pr = tracker.pull_request(number)?;
    let is_dependency_update = settings.dependency_authors.iter().any(|a| a.eq_ignore_ascii_case(&pr.author))
        || pr.labels.iter().any(|l| settings.dependency_labels.contains(l));
    let auto_merge = if result.decision == Decision::Allow && is_dependency_update {
        // Already on (a rerun of the same gate): asking again would change nothing.
        if pr.auto_merge {
            AutoMergeNote::Enabled
        } else {
            match tracker.enable_auto_merge(&pr)? {
                AutoMerge::Enabled => AutoMergeNote::Enabled,
                AutoMerge::Unavailable(why) => AutoMergeNote::Unavailable(why),
            }
        }
    } else {
        AutoMergeNote::None
    };
    let mut labels_added = Vec::new();
    if result.decision == Decision::Review && !pr.labels.contains(&settings.review_label) {
        tracker.add_labels(number, &[settings.review_label.as_str()])?;
        labels_added.push(settings.review_label.clone());
    }
    let body = GateComment {
        image,
        result,
        candidate,
        auto_merge: auto_merge.clone(),
        max_chars: tracker.max_body_chars(),
    }
    .render();
    let comment = keep_comment(tracker, number, &Marker::gate_comment(image), &body)?;
    Ok(Published { pull_request: number, comment, auto_merge, labels_added })
}
