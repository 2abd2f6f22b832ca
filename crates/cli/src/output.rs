//! The one place that writes to stdout and stderr. A closed pipe (`hardline status | head`)
//! ends the program quietly rather than as an error.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::{IsTerminal, Write};

use crate::render::Rendered;

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
    eprintln!("{text}");
}

/// A warning on stderr, one line: inside GitHub Actions (`GITHUB_ACTIONS=true`) as a
/// `::warning::` workflow command, which annotates the run; elsewhere as `warning: …`.
pub fn warning(text: &str) {
    let line = hardline_model::text::single_line(text, 2_000);
    if std::env::var("GITHUB_ACTIONS").as_deref() == Ok("true") {
        eprintln!("::warning::{}", workflow_command_data(&line));
    } else {
        eprintln!("warning: {line}");
    }
}

/// A workflow command's data, escaped as the runner unescapes it (`%`, CR, LF).
fn workflow_command_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

pub fn error(error: &anyhow::Error) {
    eprintln!("error: {error}");
    for cause in error.chain().skip(1) {
        eprintln!("  caused by: {cause}");
    }
}

pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|e| {
        e.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn workflow_command_data_cannot_start_another_command() {
        assert_eq!(super::workflow_command_data("100% done\n::error::x"), "100%25 done%0A::error::x");
    }
}
