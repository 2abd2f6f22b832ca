//! What to do next after an error: the `help:` lines `output::error` prints under it.
//!
//! Advice comes from two places. The libraries' error types are matched here, once, for the
//! errors a person can act on (a report that cannot be read or is not a report, a feed file
//! that is missing or damaged, a ledger line that is wrong, an image the ledger does not know,
//! a tracker that refuses or cannot be reached). And a command that knows which flag or file is
//! at fault attaches its own advice with [`Advise::help`]. The error's own message is never
//! repeated.

use std::fmt;

use hardline_feeds::FeedError;
use hardline_ingest::IngestError;
use hardline_ledger::LedgerError;
use hardline_publish::PublishError;
use hardline_tracker::TrackerError;

/// An error with advice attached by the code that raised it. It reads as the error it wraps
/// (its message and causes are the wrapped error's), so the chain says each cause once.
#[derive(Debug)]
pub struct Advised {
    error: anyhow::Error,
    advice: String,
}

impl fmt::Display for Advised {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.error, f)
    }
}

impl std::error::Error for Advised {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.error.source()
    }
}

/// Attaching advice to an error.
pub trait Advise<T> {
    /// On error, `advice()` is printed under it as a `help:` line.
    fn help(self, advice: impl FnOnce() -> String) -> anyhow::Result<T>;
}

impl<T, E: Into<anyhow::Error>> Advise<T> for Result<T, E> {
    fn help(self, advice: impl FnOnce() -> String) -> anyhow::Result<T> {
        self.map_err(|error| anyhow::Error::new(Advised { error: error.into(), advice: advice() }))
    }
}

/// The advice for `error`, each piece once, the most specific (outermost) first.
pub fn next_steps(error: &anyhow::Error) -> Vec<String> {
    let mut steps: Vec<String> = Vec::new();
    let mut add = |step: Option<String>| {
        if let Some(step) = step
            && !steps.contains(&step)
        {
            steps.push(step);
        }
    };
    for cause in error.chain() {
        match cause.downcast_ref::<Advised>() {
            // The wrapped error stands in the chain as the wrapper: ask it too.
            Some(advised) => {
                add(Some(advised.advice.clone()));
                add(from_library(advised.error.as_ref()));
            }
            None => add(from_library(cause)),
        }
    }
    steps
}

/// The advice for one of the libraries' errors a person can act on.
fn from_library(cause: &(dyn std::error::Error + 'static)) -> Option<String> {
    if let Some(error) = cause.downcast_ref::<IngestError>() {
        ingest(error)
    } else if let Some(error) = cause.downcast_ref::<FeedError>() {
        feed(error)
    } else if let Some(error) = cause.downcast_ref::<LedgerError>() {
        ledger(error)
    } else if let Some(error) = cause.downcast_ref::<TrackerError>() {
        tracker(error)
    } else if let Some(error) = cause.downcast_ref::<PublishError>() {
        match error {
            PublishError::Tracker(error) => tracker(error),
            PublishError::Ledger(error) => ledger(error),
            PublishError::UnknownImage { .. } => Some(
                "check the image's name and --root (the repository that holds audit-logs/); `hardline \
                 record --image NAME --report FILE` starts an image's history"
                    .to_owned(),
            ),
            _ => None,
        }
    } else {
        None
    }
}

fn ingest(error: &IngestError) -> Option<String> {
    match error {
        IngestError::Io { .. } => Some(
            "give the path of a report a scanner wrote, e.g. `trivy image --format json --output trivy.json \
             IMAGE`"
                .to_owned(),
        ),
        IngestError::NotAReport { .. } => Some(
            "`trivy sbom --format json --output report.json FILE` (or `grype sbom:FILE -o json`) gives the \
             report to record; a VEX document belongs in security/, where its statements are exceptions"
                .to_owned(),
        ),
        IngestError::UnknownFormat { .. } => Some(
            "`--input FORMAT` reads the file as that format and says what in it does not fit; Trivy writes \
             its report with `--format json`"
                .to_owned(),
        ),
        _ => None,
    }
}

fn feed(error: &FeedError) -> Option<String> {
    match error {
        FeedError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => Some(
            "`hardline feeds update` downloads the current feeds into .hardline/feeds/; or give an \
             existing file with --kev/--epss or [feeds] in hardline.toml"
                .to_owned(),
        ),
        FeedError::Invalid { .. } | FeedError::Unreadable { .. } => {
            Some("download it again with `hardline feeds update`".to_owned())
        }
        _ => None,
    }
}

fn ledger(error: &LedgerError) -> Option<String> {
    match error {
        LedgerError::Corrupt { .. } => Some(
            "`hardline verify` lists every wrong line; a view is rewritten from its log with `hardline \
             rebuild`, a log line must be restored from version control"
                .to_owned(),
        ),
        _ => None,
    }
}

fn tracker(error: &TrackerError) -> Option<String> {
    match error {
        TrackerError::Refused { .. } => Some(
            "the token may read but not write here: give the job `issues: write` and `pull-requests: \
             write`, or run this step where the token can write (not from a fork)"
                .to_owned(),
        ),
        TrackerError::Transport { .. } => {
            Some("check the network, and GITHUB_API_URL if you use GitHub Enterprise Server".to_owned())
        }
        TrackerError::RateLimited { .. } => {
            Some("wait for GitHub's rate limit to reset, then run the same command again".to_owned())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn missing_report() -> IngestError {
        IngestError::Io {
            path: "trivy.json".into(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "No such file or directory"),
        }
    }

    #[test]
    fn a_library_error_gets_its_advice_through_any_context() {
        let error = anyhow::Error::new(missing_report()).context("recording postgres-secured");
        assert_eq!(next_steps(&error).len(), 1);
        assert!(next_steps(&error)[0].contains("trivy image --format json"));
    }

    #[test]
    fn advice_attached_by_a_command_comes_first_and_the_message_is_unchanged() {
        let result: Result<(), IngestError> = Err(missing_report());
        let error = result.help(|| "check --base-report".to_owned()).expect_err("an error");
        assert_eq!(error.to_string(), missing_report().to_string());
        let steps = next_steps(&error);
        assert_eq!(steps[0], "check --base-report");
        assert_eq!(steps.len(), 2, "{steps:?}");
        let texts: Vec<String> = error.chain().map(ToString::to_string).collect();
        assert_eq!(texts.len(), 2, "the wrapper reads as the error it wraps: {texts:?}");
    }

    #[test]
    fn an_error_without_advice_has_none() {
        assert!(next_steps(&anyhow::anyhow!("something")).is_empty());
    }
}
