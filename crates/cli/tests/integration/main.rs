//! One integration test binary: runs the real `hardline` binary with a scrubbed environment.

mod common;
mod dashboard;
mod demo;
mod help;
mod ledger;
mod publish;
