//! One integration test binary: runs the real `hardline` binary with a scrubbed environment.

mod bounds;
mod common;
mod compat;
mod config;
mod dashboard;
mod demo;
mod feeds;
mod generated;
mod golden;
mod help;
mod init;
mod inputs;
mod ledger;
mod pipeline;
mod pty;
mod publish;
mod reports;
mod terminal;
mod triage;
mod whereabouts;
