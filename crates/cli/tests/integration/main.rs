//! One integration test binary: runs the real `hardline` binary with a scrubbed environment.

mod common;
mod ledger;
mod publish;
