//! The `hardline` binary: parses the command line, runs one command (which calls the library
//! crates and returns a report), renders the report in the format asked for, prints it, and
//! exits with the status it means. No domain logic lives here; see ARCHITECTURE.md for the map.

mod cli;
mod commands;
mod context;
mod demo;
mod files;
mod output;
mod progress;
mod render;
mod report;
mod tracker;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use hardline::config;

use crate::cli::Cli;
use crate::context::Context;
use crate::render::{Style, formats_of};
use crate::report::Kind;

/// Exit statuses, documented in `--help` and the README.
pub mod exit {
    pub const OK: u8 = 0;
    pub const ERROR: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const VERIFY_FAILED: u8 = 3;
    pub const REVIEW: u8 = 10;
    pub const BLOCK: u8 = 20;
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let format = cli.global.format;
    let kind = cli.command.kind();
    if !format.offers(kind) {
        return format_not_offered(kind, format.name);
    }
    let result =
        Context::new(&cli.global).and_then(|ctx| commands::run(&ctx, cli.command)).and_then(|report| {
            let text = (format.render)(&report, &Style::plain()).ok_or_else(|| {
                anyhow::anyhow!("no {} rendering of `{}`", format.name, report.kind().command())
            })?;
            output::print(&text)?;
            Ok(report.exit_code())
        });
    match result {
        Ok(code) => ExitCode::from(code),
        Err(error) if output::is_broken_pipe(&error) => ExitCode::from(exit::OK),
        Err(error) => {
            output::error(&error);
            ExitCode::from(exit::ERROR)
        }
    }
}

/// A usage error (exit 2), in clap's words and with the command's usage line.
fn format_not_offered(kind: Kind, format: &str) -> ExitCode {
    let mut command = Cli::command();
    command.build();
    let words: Vec<&str> = kind.command().split(' ').collect();
    let mut sub = subcommand(command, &words);
    let message = format!(
        "`hardline {}` does not write --format {format}; it writes {}",
        kind.command(),
        formats_of(kind).join(", ")
    );
    let _ = sub.error(clap::error::ErrorKind::InvalidValue, message).print();
    ExitCode::from(exit::USAGE)
}

/// The (already built) subcommand named by `words`, for its usage line.
fn subcommand(command: clap::Command, words: &[&str]) -> clap::Command {
    match words.split_first() {
        Some((word, rest)) => match command.find_subcommand(word).cloned() {
            Some(sub) => subcommand(sub, rest),
            None => command,
        },
        None => command,
    }
}
