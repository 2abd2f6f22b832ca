//! How a long operation says how far it has got. Libraries call a [`Progress`] once per unit
//! of work (an image verified, a report recorded, an issue synced); the command line decides
//! whether and how to show it (a bar on a terminal, lines in a log when asked, nothing
//! otherwise). The libraries never learn which.

/// What a long operation reports as it goes.
pub trait Progress: Sync {
    /// `total` units of work are about to start; `what` says what they are, as a gerund
    /// ("verifying", "syncing issues").
    fn start(&self, what: &str, total: u64);
    /// One more unit is done; `item` names it (an image, a file).
    fn advance(&self, item: &str);
}

/// Progress nobody watches: tests, the demo, library callers that do not care.
#[derive(Clone, Copy, Debug, Default)]
pub struct Silent;

impl Progress for Silent {
    fn start(&self, _what: &str, _total: u64) {}
    fn advance(&self, _item: &str) {}
}
