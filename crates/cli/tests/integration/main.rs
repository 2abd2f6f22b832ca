//! One integration test binary: runs the real `hardline` binary with a scrubbed environment.

mod bounds;
mod common;
mod compat;
mod config;
mod dashboard;
mod demo;
mod golden;
mod help;
mod ledger;
mod publish;
