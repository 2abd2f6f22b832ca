//! The one place that writes to stdout and stderr. Everything written passes a last guard
//! first: the values of secret variables (`GITHUB_TOKEN`…, `hardline_tracker::SECRET_VARIABLES`)
//! are replaced by `***` whoever wrote them into the text (a server's error message, a
//! misplaced variable), and characters that could deceive a reader
//! (`hardline_model::text::is_deceptive`: BEL, C1 controls, bidirectional controls, zero-width
//! characters, and any escape sequence but the colours `render/style.rs` paints) are dropped.
//! Renderers have already removed or escaped them from what they took from reports, logs and
//! servers: this is the last line, not the first. A closed pipe (`hardline status | head`) ends
//! the program quietly rather than as an error.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::borrow::Cow;
use std::io::{IsTerminal, Write};
use std::sync::OnceLock;

use hardline_model::text::{is_deceptive, single_line};
use hardline_tracker::{Redactor, TrackerEnv};

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

/// The secrets of this process's environment, read once.
fn redactor() -> &'static Redactor {
    static REDACTOR: OnceLock<Redactor> = OnceLock::new();
    REDACTOR.get_or_init(|| Redactor::from_env(&TrackerEnv::from_process()))
}

/// `text` as it may be written: secrets replaced, deceptive characters dropped but line breaks
/// (CSV's CRLF too), tabs and colour sequences (`ESC [ … m`, the only escapes hardline writes).
pub fn guard(text: &str) -> Cow<'_, str> {
    let scrubbed = redactor().scrub(text);
    let kept = |c: char| !is_deceptive(c) || matches!(c, '\n' | '\t' | '\u{1b}');
    if scrubbed.chars().all(kept) && !scrubbed.contains('\u{1b}') {
        return scrubbed;
    }
    if scrubbed.chars().all(|c| kept(c) || c == '\r')
        && !scrubbed.contains('\u{1b}')
        && lone_cr_free(&scrubbed)
    {
        return scrubbed;
    }
    let mut out = String::with_capacity(scrubbed.len());
    let mut rest = scrubbed.as_ref();
    while let Some(ch) = rest.chars().next() {
        if ch == '\u{1b}' {
            let colour = colour_sequence(rest);
            out.push_str(&rest[..colour]);
            rest = &rest[colour.max(1)..];
            continue;
        }
        if kept(ch) || (ch == '\r' && rest[1..].starts_with('\n')) {
            out.push(ch);
        }
        rest = &rest[ch.len_utf8()..];
    }
    Cow::Owned(out)
}

/// Whether every carriage return in `text` ends a line (CRLF), as CSV writes them.
fn lone_cr_free(text: &str) -> bool {
    text.match_indices('\r').all(|(at, _)| text[at + 1..].starts_with('\n'))
}

/// The length of the colour sequence (`ESC [ digits and ; m`) `text` starts with, or 0.
fn colour_sequence(text: &str) -> usize {
    let Some(body) = text.strip_prefix("\u{1b}[") else { return 0 };
    let params = body.bytes().take_while(|b| b.is_ascii_digit() || *b == b';').count();
    if body.as_bytes().get(params) == Some(&b'm') { 2 + params + 1 } else { 0 }
}

/// One line for stderr: secrets replaced, and control and invisible characters (line breaks
/// too) turned into spaces, so that a message cannot fake further lines or move the cursor.
fn line(text: &str) -> String {
    single_line(&redactor().scrub(text), 4_000)
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

/// Writes a rendered report to stdout: text (through [`guard`]) with a final newline added if
/// it lacks one, bytes (a PDF) as they are, and never to a terminal.
pub fn print(rendered: &Rendered) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match rendered {
        Rendered::Text(text) => {
            let text = guard(text);
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
    eprintln!("{}", with_label(&line(text)));
}

/// A warning on stderr, one line: inside GitHub Actions (`GITHUB_ACTIONS=true`) as a
/// `::warning::` workflow command, which annotates the run; elsewhere as `warning: …`.
pub fn warning(text: &str) {
    let line = single_line(&redactor().scrub(text), 2_000);
    if std::env::var("GITHUB_ACTIONS").as_deref() == Ok("true") {
        eprintln!("::warning::{}", workflow_command_data(&line));
    } else {
        eprintln!("{} {line}", stderr_style().paint(Role::Warning, "warning:"));
    }
}

/// What reading a report changed or left out, one warning each.
pub fn warnings<'a>(warnings: impl IntoIterator<Item = &'a String>) {
    for text in warnings {
        warning(text);
    }
}

/// A workflow command's data, escaped as the runner unescapes it (`%`, CR, LF).
fn workflow_command_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// An error, its causes each said once (a cause whose words the lines before already carry, as
/// an error that prints its source in its own message, is not repeated), and what to do next.
pub fn error(error: &anyhow::Error) {
    eprintln!("{} {}", stderr_style().paint(Role::Failure, "error:"), line(&error.to_string()));
    for cause in causes_to_show(error) {
        eprintln!("  caused by: {}", line(&cause));
    }
    for step in crate::hint::next_steps(error) {
        eprintln!("{} {}", stderr_style().paint(Role::Note, "help:"), line(&step));
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
    use super::*;
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
        assert_eq!(workflow_command_data("100% done\n::error::x"), "100%25 done%0A::error::x");
    }

    #[test]
    fn what_is_written_loses_deceptive_characters_but_keeps_lines_and_colours() {
        assert_eq!(guard("a\u{9b}31mb\u{202E}c\n\td\u{7}"), "a31mbc\n\td");
        assert_eq!(guard("\u{1b}[1m\u{1b}[31mBLOCK\u{1b}[0m"), "\u{1b}[1m\u{1b}[31mBLOCK\u{1b}[0m");
        assert_eq!(guard("x\u{1b}[2Jy\u{1b}]0;title\u{7}z\u{1b}"), "x[2Jy]0;titlez");
        assert!(matches!(guard("a,b\r\nc,d\r\n"), Cow::Borrowed(_)), "CSV's line ends stay");
        assert_eq!(guard("a\rb\r\n"), "ab\r\n", "a lone carriage return does not");
        assert!(matches!(guard("plain\ntext"), Cow::Borrowed(_)));
        assert_eq!(line("one\ntwo\u{1b}"), "one two");
    }
}
