//! The `hardline` binary: parses the command line, runs one command (which calls the library
//! crates and returns a report), renders the report in the format asked for, prints it, and
//! exits with the status it means. No domain logic lives here; see ARCHITECTURE.md for the map.

mod cli;
mod commands;
mod context;
mod demo;
mod files;
mod git_witness;
mod hint;
mod init;
mod output;
mod progress;
mod render;
mod report;
mod tracker;
mod tracker_witness;
mod whereabouts;

use std::process::ExitCode;

use clap::CommandFactory;
use hardline::config;

use crate::cli::{Cli, UsageError};
use crate::context::Context;
use crate::render::style::Stream;
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
    let cli = Cli::parse_args();
    let format = cli.global.format;
    let kind = cli.command.kind();
    let clap_color = cli.global.color.for_clap();
    if !format.offers(kind) {
        return format_not_offered(kind, format.name, clap_color);
    }
    output::set_stderr_style(Style::for_stream(cli.global.color, Stream::Stderr));
    // Only the human format is ever coloured: JSON and Markdown are read by programs and
    // GitHub, and files never carry escape codes.
    let style = if std::ptr::eq(format, &render::human::RENDERER) {
        Style::for_stream(cli.global.color, Stream::Stdout)
    } else {
        Style::plain()
    };
    let report = match commands::run_standalone(&cli.command) {
        Some(report) => report,
        None => Context::new(&cli.global).and_then(|ctx| commands::run(&ctx, cli.command)),
    };
    let result = report.and_then(|report| {
        let rendered = (format.render)(&report, &style).ok_or_else(|| {
            anyhow::anyhow!("no {} rendering of `{}`", format.name, report.kind().command())
        })??;
        match report.destination() {
            Some(path) => {
                files::write_if_changed(path, rendered.into_file())?;
            }
            None => output::print(&rendered)?,
        }
        Ok(report.exit_code())
    });
    match result {
        Ok(code) => ExitCode::from(code),
        Err(error) if output::is_broken_pipe(&error) => ExitCode::from(exit::OK),
        Err(error) => match error.downcast_ref::<UsageError>() {
            Some(usage) => usage_error(usage.command, &usage.message, clap_color),
            None => {
                output::error(&error);
                ExitCode::from(exit::ERROR)
            }
        },
    }
}

/// A usage error (exit 2), in clap's words and with the command's usage line.
fn format_not_offered(kind: Kind, format: &str, color: clap::ColorChoice) -> ExitCode {
    let message = format!(
        "`hardline {}` does not write --format {format}; it writes {}",
        kind.command(),
        formats_of(kind).join(", ")
    );
    usage_error(kind.command(), &message, color)
}

/// Prints `message` as clap prints a usage error of the command `words` (`issues sync`),
/// with its usage line; exit 2.
fn usage_error(words: &str, message: &str, color: clap::ColorChoice) -> ExitCode {
    let mut command = Cli::command().color(color);
    command.build();
    let words: Vec<&str> = words.split(' ').collect();
    let mut sub = subcommand(command, &words);
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
