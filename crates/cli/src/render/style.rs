//! How human output marks things up. The human renderer writes every word that could be
//! coloured (a decision, a severity, new and fixed, warnings) through [`Style::paint`] with its
//! [`Role`], and pads before painting, so colour is this file's business alone.
//!
//! Whether a stream gets colour is decided once per run ([`Style::for_stream`]): `--color
//! always` and `never` are obeyed as said; `auto` (the default) colours a terminal unless
//! `NO_COLOR` is set, colours anything when `CLICOLOR_FORCE` is set (NO_COLOR wins over it, as
//! no-color.org asks), and never colours `CLICOLOR=0` or a terminal whose `TERM` is unset or
//! `dumb` (as ripgrep and cargo decide). Only the human format is
//! ever painted: JSON, Markdown and the files commands write are always plain (`main.rs` hands
//! their renderers [`Style::plain`]).

use std::io::IsTerminal;

use anstyle::{AnsiColor, Effects};
use hardline_model::Severity;
use hardline_policy::Decision;

/// What a piece of human output is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Decision(Decision),
    Severity(Severity),
    /// A finding that is new.
    Added,
    /// A finding that is fixed.
    Removed,
    Warning,
    Note,
    /// A problem that fails a check (`verify`), or an error.
    Failure,
}

/// `--color`: when to colour human output.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    // The flag's help says what each means; one line there reads better than a list per value.
    #[default]
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// The choice clap's own help and usage errors follow.
    pub fn for_clap(self) -> clap::ColorChoice {
        match self {
            ColorChoice::Auto => clap::ColorChoice::Auto,
            ColorChoice::Always => clap::ColorChoice::Always,
            ColorChoice::Never => clap::ColorChoice::Never,
        }
    }
}

/// The variables that bear on colour, read once.
#[derive(Clone, Debug, Default)]
pub struct ColorEnv {
    pub no_color: Option<String>,
    pub clicolor_force: Option<String>,
    pub clicolor: Option<String>,
    pub term: Option<String>,
}

impl ColorEnv {
    pub fn from_process() -> ColorEnv {
        let var = |name| std::env::var(name).ok();
        ColorEnv {
            no_color: var("NO_COLOR"),
            clicolor_force: var("CLICOLOR_FORCE"),
            clicolor: var("CLICOLOR"),
            term: var("TERM"),
        }
    }

    /// Whether `auto` colours a stream that is (or is not) a terminal.
    fn auto(&self, is_terminal: bool) -> bool {
        let set = |value: &Option<String>| value.as_deref().is_some_and(|v| !v.is_empty());
        if set(&self.no_color) {
            return false;
        }
        if set(&self.clicolor_force) && self.clicolor_force.as_deref() != Some("0") {
            return true;
        }
        if self.clicolor.as_deref() == Some("0") || matches!(self.term.as_deref(), None | Some("" | "dumb")) {
            return false;
        }
        is_terminal
    }
}

/// The styling of one run's human output.
#[derive(Clone, Copy, Debug, Default)]
pub struct Style {
    color: bool,
}

/// Which stream a style is for: each is a terminal or not on its own.
#[derive(Clone, Copy, Debug)]
pub enum Stream {
    Stdout,
    Stderr,
}

impl Style {
    /// No markup at all: what pipes, files and CI logs get.
    pub fn plain() -> Style {
        Style { color: false }
    }

    /// The style for `stream` under `choice`, this process's environment and terminal.
    pub fn for_stream(choice: ColorChoice, stream: Stream) -> Style {
        let is_terminal = match stream {
            Stream::Stdout => std::io::stdout().is_terminal(),
            Stream::Stderr => std::io::stderr().is_terminal(),
        };
        Style::decide(choice, &ColorEnv::from_process(), is_terminal)
    }

    pub fn decide(choice: ColorChoice, env: &ColorEnv, is_terminal: bool) -> Style {
        let color = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => env.auto(is_terminal),
        };
        Style { color }
    }

    #[cfg(test)]
    fn is_colored(&self) -> bool {
        self.color
    }

    /// `text` marked up as `role`.
    pub fn paint(&self, role: Role, text: &str) -> String {
        if !self.color {
            return text.to_owned();
        }
        let style = look(role);
        format!("{style}{text}{style:#}")
    }
}

/// The look of each role: red for what blocks or hurts, yellow for what asks for attention,
/// green for what is allowed or fixed. Bold marks the words a reader scans for first.
fn look(role: Role) -> anstyle::Style {
    let color = |c: AnsiColor| anstyle::Style::new().fg_color(Some(c.into()));
    match role {
        Role::Decision(Decision::Allow) => color(AnsiColor::Green).effects(Effects::BOLD),
        Role::Decision(Decision::Review) => color(AnsiColor::Yellow).effects(Effects::BOLD),
        Role::Decision(Decision::Block) => color(AnsiColor::Red).effects(Effects::BOLD),
        Role::Severity(Severity::Critical) => color(AnsiColor::Magenta).effects(Effects::BOLD),
        Role::Severity(Severity::High) => color(AnsiColor::Red),
        Role::Severity(Severity::Medium) => color(AnsiColor::Yellow),
        Role::Severity(Severity::Low) => color(AnsiColor::Blue),
        Role::Severity(Severity::Unknown) => anstyle::Style::new().effects(Effects::DIMMED),
        Role::Added => color(AnsiColor::Red),
        Role::Removed => color(AnsiColor::Green),
        Role::Warning => color(AnsiColor::Yellow).effects(Effects::BOLD),
        Role::Note => color(AnsiColor::Cyan).effects(Effects::BOLD),
        Role::Failure => color(AnsiColor::Red).effects(Effects::BOLD),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(no_color: Option<&str>, force: Option<&str>) -> ColorEnv {
        ColorEnv {
            no_color: no_color.map(str::to_owned),
            clicolor_force: force.map(str::to_owned),
            term: Some("xterm-256color".to_owned()),
            ..ColorEnv::default()
        }
    }

    fn colored(choice: ColorChoice, env: &ColorEnv, terminal: bool) -> bool {
        Style::decide(choice, env, terminal).is_colored()
    }

    #[test]
    fn auto_colours_a_terminal_only() {
        assert!(colored(ColorChoice::Auto, &env(None, None), true));
        assert!(!colored(ColorChoice::Auto, &env(None, None), false));
    }

    #[test]
    fn no_color_turns_auto_off_and_an_empty_one_does_not() {
        assert!(!colored(ColorChoice::Auto, &env(Some("1"), None), true));
        assert!(colored(ColorChoice::Auto, &env(Some(""), None), true));
    }

    #[test]
    fn clicolor_force_colours_a_pipe_unless_no_color_or_zero() {
        assert!(colored(ColorChoice::Auto, &env(None, Some("1")), false));
        assert!(!colored(ColorChoice::Auto, &env(None, Some("0")), false));
        assert!(!colored(ColorChoice::Auto, &env(Some("1"), Some("1")), true));
    }

    #[test]
    fn dumb_or_unnamed_terminals_and_clicolor_zero_are_not_coloured() {
        for term in [Some("dumb"), Some(""), None] {
            let env = ColorEnv { term: term.map(str::to_owned), ..env(None, None) };
            assert!(!colored(ColorChoice::Auto, &env, true), "TERM={term:?}");
        }
        let off = ColorEnv { clicolor: Some("0".into()), ..env(None, None) };
        assert!(!colored(ColorChoice::Auto, &off, true));
        let forced = ColorEnv { term: None, ..env(None, Some("1")) };
        assert!(colored(ColorChoice::Auto, &forced, false), "CLICOLOR_FORCE needs no TERM");
    }

    #[test]
    fn the_flag_wins_over_the_environment() {
        assert!(colored(ColorChoice::Always, &env(Some("1"), None), false));
        assert!(!colored(ColorChoice::Never, &env(None, Some("1")), true));
    }

    #[test]
    fn painting_wraps_the_text_and_plain_leaves_it_alone() {
        let role = Role::Decision(Decision::Block);
        assert_eq!(Style::plain().paint(role, "BLOCK"), "BLOCK");
        let painted = Style { color: true }.paint(role, "BLOCK");
        assert_eq!(painted, "\u{1b}[1m\u{1b}[31mBLOCK\u{1b}[0m");
    }
}
