//! Progress of long operations, on stderr and never on stdout. The libraries report through
//! [`hardline_model::Progress`]; this is the command line's implementation of it.
//!
//! `--progress auto` (the default) draws a bar when stderr is a terminal and `CI` is not set,
//! and nothing otherwise, so CI logs and pipes stay clean. `--progress always` draws the bar on
//! a terminal and, where there is none (a CI log), writes a plain line per step, at most one a
//! second and always the last. `--progress never` shows nothing.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::output;

/// `--progress`: when to show progress on stderr.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ProgressChoice {
    // The flag's help says what each means (see the module's documentation).
    #[default]
    Auto,
    Always,
    Never,
}

/// How progress is shown in this run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Display {
    Bar,
    Lines,
    Hidden,
}

impl ProgressChoice {
    /// The display for a stderr that is (or is not) a terminal, inside CI or not.
    pub fn display(self, stderr_is_terminal: bool, in_ci: bool) -> Display {
        match self {
            ProgressChoice::Never => Display::Hidden,
            ProgressChoice::Auto if stderr_is_terminal && !in_ci => Display::Bar,
            ProgressChoice::Auto => Display::Hidden,
            ProgressChoice::Always if stderr_is_terminal => Display::Bar,
            ProgressChoice::Always => Display::Lines,
        }
    }

    /// The display for this process's stderr and environment (`CI` set and not `false`).
    pub fn for_this_process(self) -> Display {
        let in_ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
        self.display(std::io::stderr().is_terminal(), in_ci)
    }
}

/// Progress shown on stderr; the bar is cleared when this is dropped, so the command's own
/// output is never mixed with it.
pub struct Shown {
    display: Display,
    bar: ProgressBar,
    lines: Mutex<Lines>,
}

/// What the line display remembers.
struct Lines {
    what: String,
    done: u64,
    total: u64,
    last: Option<Instant>,
}

const LINE_INTERVAL: Duration = Duration::from_secs(1);

impl Shown {
    pub fn new(display: Display) -> Shown {
        let bar = match display {
            Display::Bar => {
                let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
                if let Ok(style) = ProgressStyle::with_template("{msg:>14} [{bar:30}] {pos}/{len} {prefix}") {
                    bar.set_style(style.progress_chars("=> "));
                }
                bar
            }
            Display::Lines | Display::Hidden => ProgressBar::hidden(),
        };
        Shown {
            display,
            bar,
            lines: Mutex::new(Lines { what: String::new(), done: 0, total: 0, last: None }),
        }
    }
}

impl hardline_model::Progress for Shown {
    fn start(&self, what: &str, total: u64) {
        self.bar.set_length(total);
        self.bar.set_position(0);
        self.bar.set_message(what.to_owned());
        if let Ok(mut lines) = self.lines.lock() {
            *lines = Lines { what: what.to_owned(), done: 0, total, last: None };
        }
    }

    fn advance(&self, item: &str) {
        match self.display {
            Display::Hidden => {}
            Display::Bar => {
                self.bar.set_prefix(hardline_model::text::terminal(item, 60));
                self.bar.inc(1);
            }
            Display::Lines => {
                let Ok(mut lines) = self.lines.lock() else { return };
                lines.done += 1;
                let last = lines.done >= lines.total;
                if last || lines.last.is_none_or(|at| at.elapsed() >= LINE_INTERVAL) {
                    lines.last = Some(Instant::now());
                    output::note(&format!(
                        "{}: {}/{} {}",
                        lines.what,
                        lines.done,
                        lines.total,
                        hardline_model::text::terminal(item, 60)
                    ));
                }
            }
        }
    }
}

impl Drop for Shown {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_shows_a_bar_on_a_terminal_outside_ci_and_nothing_else() {
        assert_eq!(ProgressChoice::Auto.display(true, false), Display::Bar);
        assert_eq!(ProgressChoice::Auto.display(true, true), Display::Hidden);
        assert_eq!(ProgressChoice::Auto.display(false, false), Display::Hidden);
    }

    #[test]
    fn always_writes_lines_where_there_is_no_terminal_and_never_is_silent() {
        assert_eq!(ProgressChoice::Always.display(false, true), Display::Lines);
        assert_eq!(ProgressChoice::Always.display(true, true), Display::Bar);
        assert_eq!(ProgressChoice::Never.display(true, false), Display::Hidden);
    }
}
