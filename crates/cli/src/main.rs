//! The `hardline` binary: wires ingest, ledger, policy and publish together. No domain logic
//! lives here; see ARCHITECTURE.md for the map.

mod cli;
mod commands;
mod config;
mod context;
mod demo;
mod files;
mod json_v1;
mod output;
mod progress;
mod tracker;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command, IssuesCommand};
use crate::context::Context;

/// Exit statuses, documented in `--help` and the README.
pub mod exit {
    pub const OK: u8 = 0;
    pub const ERROR: u8 = 1;
    pub const VERIFY_FAILED: u8 = 3;
    pub const REVIEW: u8 = 10;
    pub const BLOCK: u8 = 20;
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = Context::new(&cli.global).and_then(|ctx| run(&ctx, cli.command));
    match result {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            if output::is_broken_pipe(&error) {
                return ExitCode::from(exit::OK);
            }
            output::error(&error);
            ExitCode::from(exit::ERROR)
        }
    }
}

fn run(ctx: &Context, command: Command) -> anyhow::Result<u8> {
    match command {
        Command::Record(args) => commands::record::run(ctx, args),
        Command::Status => commands::status::run(ctx),
        Command::Diff(args) => commands::diff::run(ctx, args),
        Command::Gate(args) => commands::gate::run(ctx, args),
        Command::Verify => commands::verify::run(ctx),
        Command::Rebuild => commands::rebuild::run(ctx),
        Command::Issues(IssuesCommand::Sync(args)) => commands::issues::run(ctx, args),
        Command::Summary(args) => commands::summary::run(ctx, args),
        Command::Vex(args) => commands::vex::run(ctx, args),
        Command::Demo(args) => demo::run(ctx, args),
        Command::Dashboard(args) => commands::dashboard::run(ctx, args),
    }
}
