//! Views: files derived from an image's log, byte for byte, by pure functions. `record`
//! writes them, `rebuild` rewrites them, `verify` recomputes and compares them.

pub mod baseline;
pub mod markdown;
pub mod prose;
