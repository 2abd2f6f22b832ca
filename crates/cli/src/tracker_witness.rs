//! The tracker as a second witness of the ledger, outside the repository. `issues sync`
//! records in each image's issue the chain head it synced from (seq and hash); a log that
//! was truncated and rebuilt, or whose events were edited and re-sealed, verifies on its own
//! and even in git when the history was rewritten too, but no longer holds that event with
//! that hash. What it cannot see: someone who rewrites the log and the issue body alike.

use hardline_ledger::{Ledger, Problem};
use hardline_model::ImageName;
use hardline_publish::{ChainHead, Marker, chain_head_in};
use hardline_tracker::Tracker;

/// What the tracker witnessed, image by image.
pub struct TrackerCheck {
    /// The tracker, for people (`github owner/repo`); never its token.
    pub tracker: String,
    pub images: Vec<Witnessed>,
}

pub struct Witnessed {
    pub image: ImageName,
    /// The image's issue, when it has one.
    pub issue: Option<u64>,
    pub verdict: Verdict,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The log holds the event the issue records, with its hash.
    Holds(ChainHead),
    /// The log does not: it is shorter, or the event there has another hash.
    Broken(ChainHead),
    /// No issue records a head for the image (none opened yet, or synced before hardline
    /// recorded heads): nothing to check, not a failure.
    NoWitness,
}

impl Verdict {
    pub fn as_str(&self) -> &'static str {
        match self {
            Verdict::Holds(_) => "holds",
            Verdict::Broken(_) => "broken",
            Verdict::NoWitness => "no witness",
        }
    }

    pub fn head(&self) -> Option<&ChainHead> {
        match self {
            Verdict::Holds(head) | Verdict::Broken(head) => Some(head),
            Verdict::NoWitness => None,
        }
    }
}

/// Checks each of `images` against the head its issue on `tracker` records; a log that no
/// longer holds it is a problem added to `problems`, naming the issue and the seq.
pub fn check(
    tracker: &mut dyn Tracker,
    ledger: &Ledger,
    images: &[ImageName],
    problems: &mut Vec<Problem>,
) -> anyhow::Result<TrackerCheck> {
    let mut witnessed = Vec::with_capacity(images.len());
    for image in images {
        let label = format!("image:{image}");
        let issue = tracker.find_issue(Marker::image_issue(image).as_str(), Some(&label))?;
        let verdict = match issue.as_ref().and_then(|i| chain_head_in(&i.body)) {
            None => Verdict::NoWitness,
            Some(head) => match ledger.event_at(image, head.seq)? {
                Some(event) if event.seq == head.seq && event.hash == head.hash => Verdict::Holds(head),
                found => {
                    let number = issue.as_ref().map_or(0, |i| i.number);
                    let message = match found {
                        None => format!(
                            "issue #{number} records event {} with sha256 {}, but the log ends before it: \
                             events were removed",
                            head.seq, head.hash
                        ),
                        Some(event) => format!(
                            "issue #{number} records event {} with sha256 {}, but the log has sha256 {} \
                             there: the event was rewritten",
                            head.seq, head.hash, event.hash
                        ),
                    };
                    let path = ledger.layout().relative(&ledger.layout().log(image)).to_path_buf();
                    problems.push(Problem { path, line: head.seq as usize, message });
                    Verdict::Broken(head)
                }
            },
        };
        witnessed.push(Witnessed { image: image.clone(), issue: issue.map(|i| i.number), verdict });
    }
    Ok(TrackerCheck { tracker: tracker.describe(), images: witnessed })
}
