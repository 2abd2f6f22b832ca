//! Views: files derived from an image's log, byte for byte, by pure functions. `record`
//! appends to or rewrites them, `rebuild` rewrites them, `verify` recomputes and compares
//! them — the last two as the log streams by, in memory bounded by the state.

pub mod baseline;
pub mod markdown;
pub mod prose;
pub mod scans;
mod stage;

use std::collections::BTreeSet;

use hardline_model::ImageName;

use crate::event::Event;
use crate::history::State;
use markdown::Month;

pub(crate) use stage::stage_views;

/// A section begun but not ended.
pub(crate) struct Pending {
    month: Month,
    bytes: String,
    end: markdown::SectionEnd,
}

/// The monthly files of the audit log, as a log's events come in order: each event adds its
/// section to its month's file, after that file's header if it is the month's first event.
pub(crate) struct Months {
    image: ImageName,
    started: BTreeSet<Month>,
}

impl Months {
    pub(crate) fn new(image: &ImageName) -> Months {
        Months { image: image.clone(), started: BTreeSet::new() }
    }

    /// The month `event` belongs to and what it adds to that month's file as far as the event
    /// alone says, before it is folded into the state (see [`markdown::section_start`]);
    /// [`Months::end`] completes it with the state right after it.
    pub(crate) fn begin(&mut self, event: &Event) -> Pending {
        let month = Month::of(&event.at);
        let mut bytes = String::new();
        if self.started.insert(month) {
            bytes.push_str(&markdown::month_header(&self.image, month));
        }
        bytes.push_str(&markdown::section_start(event));
        Pending { month, bytes, end: markdown::SectionEnd::of(event) }
    }

    pub(crate) fn end(mut pending: Pending, state: &State) -> (Month, String) {
        markdown::section_end(&mut pending.bytes, &pending.end, state);
        (pending.month, pending.bytes)
    }

    /// Every month an event was added to.
    pub(crate) fn months(&self) -> &BTreeSet<Month> {
        &self.started
    }
}
