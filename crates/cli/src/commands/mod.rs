//! One module per subcommand: parse what the arguments name, call the libraries, return a
//! [`Report`]. Rendering is `render/`'s, printing `output.rs`'s.

pub mod dashboard;
pub mod diff;
pub mod exceptions;
pub mod export;
pub mod feeds;
pub mod gate;
pub mod generate;
pub mod init;
pub mod issues;
pub mod rebuild;
pub mod record;
pub mod report;
pub mod status;
pub mod summary;
pub mod verify;
pub mod vex;

use crate::cli::{Command, FeedsCommand, IssuesCommand};
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
            Command::Verify(_) => Kind::Verify,
            Command::Rebuild => Kind::Rebuild,
            Command::Issues(IssuesCommand::Sync(_)) => Kind::IssuesSync,
            Command::Summary(_) => Kind::Summary,
            Command::Vex(_) => Kind::Vex,
            Command::Export(_) => Kind::Export,
            Command::Report(_) => Kind::Report,
            Command::Demo(_) => Kind::Demo,
            Command::Dashboard(_) => Kind::Dashboard,
            Command::Feeds(FeedsCommand::Update(_)) => Kind::FeedsUpdate,
            Command::Exceptions => Kind::Exceptions,
            Command::Init(_) => Kind::Init,
            Command::Completions(_) => Kind::Completions,
            Command::Man(_) => Kind::Man,
        }
    }
}

pub fn run(ctx: &Context, command: Command) -> anyhow::Result<Report> {
    match command {
        Command::Record(args) => record::run(ctx, args),
        Command::Status => status::run(ctx),
        Command::Diff(args) => diff::run(ctx, args),
        Command::Gate(args) => gate::run(ctx, args),
        Command::Verify(args) => verify::run(ctx, args),
        Command::Rebuild => rebuild::run(ctx),
        Command::Issues(IssuesCommand::Sync(args)) => issues::run(ctx, args),
        Command::Summary(args) => summary::run(ctx, args),
        Command::Vex(args) => vex::run(ctx, args),
        Command::Export(args) => export::run(ctx, args),
        Command::Report(args) => report::run(ctx, args),
        Command::Demo(args) => crate::demo::run(ctx, args),
        Command::Dashboard(args) => dashboard::run(ctx, args),
        Command::Feeds(FeedsCommand::Update(args)) => feeds::run(ctx, args),
        Command::Exceptions => exceptions::run(ctx),
        Command::Init(args) => init::run(ctx, args),
        Command::Completions(args) => generate::completions(&args),
        Command::Man(args) => generate::man(&args),
    }
}

/// Runs a command that needs no repository (completions, man pages): these must work
/// anywhere, even beside a hardline.toml that does not parse. `None` for every other command.
pub fn run_standalone(command: &Command) -> Option<anyhow::Result<Report>> {
    match command {
        Command::Completions(args) => Some(generate::completions(args)),
        Command::Man(args) => Some(generate::man(args)),
        _ => None,
    }
}
