//! The one place that writes to stdout and stderr. A closed pipe (`hardline status | head`)
//! ends the program quietly rather than as an error.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::{IsTerminal, Write};
use std::sync::OnceLock;

use crate::render::Rendered;
use crate::render::style::{Role, Style};

/// How stderr is styled in this run (`--color`, and whether stderr is a terminal).
static STDERR_STYLE: OnceLock<Style> = OnceLock::new();

/// Sets the styling of `error:`, `warning:` and `note:` on stderr, once, before anything is
/// written there.
pub fn set_stderr_style(style: Style) {
    let _ = STDERR_STYLE.set(style);
}

fn stderr_style() -> Style {
    STDERR_STYLE.get().copied().unwrap_or_else(Style::plain)
}

/// `text` with its leading `warning:` or `note:` painted.
fn with_label(text: &str) -> String {
    for (label, role) in [("warning:", Role::Warning), ("note:", Role::Note), ("error:", Role::Failure)] {
        if let Some(rest) = text.strip_prefix(label) {
            return format!("{}{rest}", stderr_style().paint(role, label));
        }
    }
    text.to_owned()
}

/// Writes a rendered report to stdout: text with a final newline added if it lacks one, bytes
/// (a PDF) as they are, and never to a terminal.
pub fn print(rendered: &Rendered) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match rendered {
        Rendered::Text(text) => {
            out.write_all(text.as_bytes())?;
            if !text.ends_with('\n') {
                out.write_all(b"\n")?;
            }
        }
        Rendered::Bytes(bytes) => {
            anyhow::ensure!(
                !out.is_terminal(),
                "not writing a binary document to a terminal: give --out FILE or redirect stdout"
            );
            out.write_all(bytes)?;
        }
    }
    out.flush()?;
    Ok(())
}

/// A note for people on stderr (never part of machine output).
pub fn note(text: &str) {
    eprintln!("{}", with_label(text));
}

/// A warning on stderr, one line: inside GitHub Actions (`GITHUB_ACTIONS=true`) as a
/// `::warning::` workflow command, which annotates the run; elsewhere as `warning: …`.
pub fn warning(text: &str) {
    let line = hardline_model::text::single_line(text, 2_000);
    if std::env::var("GITHUB_ACTIONS").as_deref() == Ok("true") {
        eprintln!("::warning::{}", workflow_command_data(&line));
    } else {
        eprintln!("{} {line}", stderr_style().paint(Role::Warning, "warning:"));
    }
}

/// A workflow command's data, escaped as the runner unescapes it (`%`, CR, LF).
fn workflow_command_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

pub fn error(error: &anyhow::Error) {
    eprintln!("{} {error}", stderr_style().paint(Role::Failure, "error:"));
    for cause in causes_to_show(error) {
        eprintln!("  caused by: {cause}");
    }
    for step in crate::hint::next_steps(error) {
        eprintln!("{} {step}", stderr_style().paint(Role::Note, "help:"));
    }
}

/// The causes under an error's message, each said once: many errors put their source's text
/// in their own message as well as returning it as their source (`missing.json: cannot read
/// the report: No such file or directory` over `No such file or directory`), so a cause whose
/// text was already said above it is left out.
fn causes_to_show(error: &anyhow::Error) -> Vec<String> {
    let mut said = vec![error.to_string()];
    let mut causes = Vec::new();
    for cause in error.chain().skip(1) {
        let text = cause.to_string();
        if text.trim().is_empty() || said.iter().any(|above| above.contains(&text)) {
            continue;
        }
        said.push(text.clone());
        causes.push(text);
    }
    causes
}

pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|e| {
        e.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

#[cfg(test)]
mod tests {
    use anyhow::Context as _;

    #[derive(Debug)]
    struct ReadFailed(std::io::Error);

    impl std::fmt::Display for ReadFailed {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "missing.json: cannot read the report: {}", self.0)
        }
    }

    impl std::error::Error for ReadFailed {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }

    fn not_found() -> std::io::Error {
        std::io::Error::new(std::io::ErrorKind::NotFound, "No such file or directory")
    }

    #[test]
    fn a_cause_already_in_the_message_is_said_once() {
        let error = anyhow::Error::new(ReadFailed(not_found()));
        assert!(super::causes_to_show(&error).is_empty());
        let error = Err::<(), _>(ReadFailed(not_found())).context("recording app").expect_err("an error");
        assert_eq!(
            super::causes_to_show(&error),
            ["missing.json: cannot read the report: No such file or directory"]
        );
    }

    #[test]
    fn a_cause_not_in_the_message_is_said() {
        let error =
            Err::<(), _>(not_found()).context("reading the CISA KEV catalog (kev.json)").expect_err("e");
        assert_eq!(super::causes_to_show(&error), ["No such file or directory"]);
    }

    #[test]
    fn workflow_command_data_cannot_start_another_command() {
        assert_eq!(super::workflow_command_data("100% done\n::error::x"), "100%25 done%0A::error::x");
    }
}
