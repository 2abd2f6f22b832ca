//! The one place that writes to stdout and stderr. Everything written passes through
//! [`guard`] first: the values of secret variables (`GITHUB_TOKEN`…,
//! `hardline_tracker::SECRET_VARIABLES`) are replaced by `***` whoever wrote them into the text
//! (a server's error message, a misplaced variable), and characters that could deceive a reader
//! (`hardline_model::text::is_deceptive`: escape sequences, BEL, bidirectional controls,
//! zero-width characters) are dropped; renderers have already removed or escaped them, so this
//! is the last line, not the first. A closed pipe (`hardline status | head`) ends the program
//! quietly rather than as an error.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::borrow::Cow;
use std::io::Write;
use std::sync::OnceLock;

use hardline_model::text::{is_deceptive, terminal};
use hardline_tracker::{Redactor, TrackerEnv};

/// The secrets of this process's environment, read once.
fn redactor() -> &'static Redactor {
    static REDACTOR: OnceLock<Redactor> = OnceLock::new();
    REDACTOR.get_or_init(|| Redactor::from_env(&TrackerEnv::from_process()))
}

/// `text` as it may be written: secrets replaced, deceptive characters dropped (line breaks and
/// tabs kept).
pub fn guard(text: &str) -> Cow<'_, str> {
    let scrubbed = redactor().scrub(text);
    if !scrubbed.chars().any(|c| is_deceptive(c) && c != '\n' && c != '\t') {
        return scrubbed;
    }
    Cow::Owned(scrubbed.chars().filter(|c| !is_deceptive(*c) || *c == '\n' || *c == '\t').collect())
}

/// One line for stderr: secrets replaced, and control characters (line breaks too) turned into
/// spaces, so that a message cannot fake further lines or move the cursor.
fn line(text: &str) -> String {
    terminal(&redactor().scrub(text), usize::MAX)
}

/// Writes `text` to stdout, adding a final newline if it lacks one.
pub fn print(text: &str) -> anyhow::Result<()> {
    let text = guard(text);
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    if !text.ends_with('\n') {
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

/// A note for people on stderr (never part of machine output).
pub fn note(text: &str) {
    eprintln!("{}", line(text));
}

/// What reading a report changed or left out, one `warning:` line each.
pub fn warnings<'a>(warnings: impl IntoIterator<Item = &'a String>) {
    for warning in warnings {
        note(&format!("warning: {warning}"));
    }
}

/// An error and its causes, each said once: a cause whose words the lines before already carry
/// (an error that prints its source in its own message) is not repeated.
pub fn error(error: &anyhow::Error) {
    for (index, text) in error_lines(error).iter().enumerate() {
        if index == 0 {
            eprintln!("error: {}", line(text));
        } else {
            eprintln!("  caused by: {}", line(text));
        }
    }
}

/// The texts [`error`] prints: the error, then each cause not already said.
fn error_lines(error: &anyhow::Error) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if !lines.iter().any(|said| said.contains(&text)) {
            lines.push(text);
        }
    }
    lines
}

pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|e| {
        e.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An error that says its source in its own message and also returns it as its source, as
    /// the libraries' errors do.
    #[derive(Debug)]
    struct Wrapping {
        source: std::io::Error,
    }

    impl std::fmt::Display for Wrapping {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "report.json: cannot read the report: {}", self.source)
        }
    }

    impl std::error::Error for Wrapping {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.source)
        }
    }

    #[test]
    fn each_cause_is_said_once() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "No such file or directory");
        let error = anyhow::Error::new(Wrapping { source: io });
        assert_eq!(error_lines(&error), ["report.json: cannot read the report: No such file or directory"]);
        let error = anyhow::anyhow!("the root cause").context("reading hardline.toml");
        assert_eq!(error_lines(&error), ["reading hardline.toml", "the root cause"]);
    }

    #[test]
    fn what_is_written_loses_deceptive_characters_but_keeps_its_lines() {
        assert_eq!(guard("a\u{1b}[31mb\u{202E}c\n\td\u{7}"), "a[31mbc\n\td");
        assert!(matches!(guard("plain\ntext"), Cow::Borrowed(_)));
        assert_eq!(line("one\ntwo\u{1b}"), "one two ");
    }
}
