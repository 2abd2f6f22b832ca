//! One integration test binary: runs the real `hardline` binary with a scrubbed environment.

mod common;
mod compat;
mod config;
mod dashboard;
mod demo;
mod feeds;
mod golden;
mod help;
mod init;
mod ledger;
mod pipeline;
mod publish;
mod reports;
mod triage;
