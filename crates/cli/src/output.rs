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
