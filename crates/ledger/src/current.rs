//! The state at the head of an image's log, at the cost of its current findings rather than of
//! its history: the baseline view, when the log vouches for it.

use std::path::Path;

use hardline_model::ImageName;

use crate::LedgerError;
use crate::history::State;
use crate::layout::Layout;
use crate::log::{self, HeadLine};
use crate::views::baseline::Baseline;

/// The state right after an image's last event, and that event.
#[derive(Clone, Debug, Default)]
pub struct Current {
    /// `None` for an image with no event yet.
    pub head: Option<HeadLine>,
    pub state: State,
    /// How the state was had: from the baseline view, or by replaying the log (a view that was
    /// missing, out of step, hand-edited, or written by a release that kept no seen-times).
    pub source: Source,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Source {
    #[default]
    View,
    Replay,
}

impl Current {
    /// Reads the log's last line and the baseline view, and takes the view's state when it
    /// names that line as its head *and* holds exactly the state the line's digest vouches for
    /// (a hand-edited view is never built upon), with a seen-time for every finding and the
    /// fixes so far (a view of an earlier layout has not all the state a record carries on). Otherwise
    /// it replays the log, which also names the first line that does not parse or link.
    pub fn load(layout: &Layout, image: &ImageName) -> Result<Current, LedgerError> {
        let path = layout.log(image);
        let Some(last) = log::last_line(&path)? else { return Ok(Current::default()) };
        if let Ok(head) = serde_json::from_slice::<HeadLine>(&last)
            && let Some(state) = vouched(&layout.baseline(image), &head)?
        {
            return Ok(Current { head: Some(head), state, source: Source::View });
        }
        Current::replay(&path, image)
    }

    /// The state by folding the whole log (`O(history)`, in memory bounded by the state).
    pub fn replay(path: &Path, image: &ImageName) -> Result<Current, LedgerError> {
        let (state, head) = log::replay(path, image, |_, _| Ok(()))?;
        Ok(Current { head, state, source: Source::Replay })
    }
}

/// The view's state, if the log's `head` vouches for it.
fn vouched(path: &Path, head: &HeadLine) -> Result<Option<State>, LedgerError> {
    // A view that does not parse is out of step like any other: the log is replayed.
    let Ok(Some(view)) = Baseline::read(path) else { return Ok(None) };
    if view.head.seq != head.seq || view.head.hash != head.hash || !view.is_whole_state() {
        return Ok(None);
    }
    let state = view.into_state();
    Ok((state.digest()? == head.state).then_some(state))
}
