//! Publishing through the GitHub tracker (against a local fake GitHub) and the local tracker.
