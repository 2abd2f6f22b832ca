//! One module per subcommand: parse what the arguments name, call the libraries, return a
//! [`Report`]. Rendering is `render/`'s, printing `output.rs`'s.

pub mod dashboard;
pub mod diff;
pub mod gate;
pub mod issues;
pub mod rebuild;
pub mod record;
pub mod status;
pub mod summary;
pub mod verify;
pub mod vex;

use crate::cli::{Command, IssuesCommand};
use crate::context::Context;
use crate::report::{Kind, Report};

impl Command {
    /// Which report the command returns: what `--format` is checked against.
    pub fn kind(&self) -> Kind {
        match self {
            Command::Record(_) => Kind::Record,
            Command::Status => Kind::Status,
            Command::Diff(_) => Kind::Diff,
            Command::Gate(_) => Kind::Gate,
            Command::Verify => Kind::Verify,
            Command::Rebuild => Kind::Rebuild,
            Command::Issues(IssuesCommand::Sync(_)) => Kind::IssuesSync,
            Command::Summary(_) => Kind::Summary,
            Command::Vex(_) => Kind::Vex,
            Command::Demo(_) => Kind::Demo,
            Command::Dashboard(_) => Kind::Dashboard,
        }
    }
}

pub fn run(ctx: &Context, command: Command) -> anyhow::Result<Report> {
    match command {
        Command::Record(args) => record::run(ctx, args),
        Command::Status => status::run(ctx),
        Command::Diff(args) => diff::run(ctx, args),
        Command::Gate(args) => gate::run(ctx, args),
        Command::Verify => verify::run(ctx),
        Command::Rebuild => rebuild::run(ctx),
        Command::Issues(IssuesCommand::Sync(args)) => issues::run(ctx, args),
        Command::Summary(args) => summary::run(ctx, args),
        Command::Vex(args) => vex::run(ctx, args),
        Command::Demo(args) => crate::demo::run(ctx, args),
        Command::Dashboard(args) => dashboard::run(ctx, args),
    }
}
