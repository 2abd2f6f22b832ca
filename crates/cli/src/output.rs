//! The one place that writes to stdout and stderr. A closed pipe (`hardline status | head`)
//! ends the program quietly rather than as an error.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::Write;
use std::sync::OnceLock;

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

/// Writes `text` to stdout, adding a final newline if it lacks one.
pub fn print(text: &str) -> anyhow::Result<()> {
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
    eprintln!("{}", with_label(text));
}

pub fn error(error: &anyhow::Error) {
    eprintln!("{} {error}", stderr_style().paint(Role::Failure, "error:"));
    for cause in error.chain().skip(1) {
        eprintln!("  caused by: {cause}");
    }
}

pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|e| {
        e.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
