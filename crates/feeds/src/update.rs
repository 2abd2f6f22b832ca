//! Keeping the feeds current: a conditional GET per feed (`If-None-Match` with the stored
//! `ETag`, `If-Modified-Since` with the stored `Last-Modified`), so an unchanged feed costs one
//! `304 Not Modified` and no download.
//!
//! A download is parsed before it replaces anything: an error page, a truncated file or a
//! host that now serves something else leaves the previous file in place. Server errors and
//! rate limits (5xx, 429) are retried a few times, honouring a short `Retry-After`; a host that
//! cannot be reached at all is a clear "are you offline?" error.

use std::path::PathBuf;
use std::time::Duration;

use crate::store::{Fetched, Store};
use crate::{FeedError, FeedInfo, FeedKind};

const USER_AGENT: &str =
    concat!("hardline/", env!("CARGO_PKG_VERSION"), " (+https://github.com/hardline-sec/hardline)");
/// Refused above this size: today's EPSS file is about 2 MB compressed, the KEV catalog 1.3 MB.
const BODY_LIMIT: u64 = 256 * 1024 * 1024;

/// How often and how long to retry a server error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retry {
    /// Total attempts, the first included.
    pub attempts: u32,
    /// The wait before the second attempt; doubled for each further one.
    pub first_delay: Duration,
    /// The longest `Retry-After` honoured; a longer one fails at once.
    pub max_wait: Duration,
}

impl Default for Retry {
    fn default() -> Retry {
        Retry { attempts: 3, first_delay: Duration::from_secs(2), max_wait: Duration::from_secs(30) }
    }
}

/// The HTTP client of feed updates.
pub struct Client {
    agent: ureq::Agent,
    loopback_agent: ureq::Agent,
    retry: Retry,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").field("retry", &self.retry).finish()
    }
}

impl Default for Client {
    fn default() -> Client {
        Client::new(Retry::default())
    }
}

impl Client {
    pub fn new(retry: Retry) -> Client {
        let config = || {
            ureq::Agent::config_builder()
                .http_status_as_error(false)
                .user_agent(USER_AGENT)
                .timeout_connect(Some(Duration::from_secs(15)))
                .timeout_recv_response(Some(Duration::from_secs(60)))
                .timeout_recv_body(Some(Duration::from_secs(300)))
        };
        Client {
            agent: config().build().new_agent(),
            // A proxy from the environment must not intercept a loopback host (tests, mirrors
            // on the same machine).
            loopback_agent: config().proxy(None).build().new_agent(),
            retry,
        }
    }

    fn agent(&self, url: &str) -> &ureq::Agent {
        let loopback = ["http://127.", "http://localhost", "http://[::1]"].iter().any(|p| url.starts_with(p));
        if loopback { &self.loopback_agent } else { &self.agent }
    }
}

/// What an update did to one feed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A new file was downloaded (this many bytes) and stored.
    Downloaded(usize),
    /// The host said the stored file is current.
    NotModified,
}

impl Outcome {
    pub fn as_str(&self) -> &'static str {
        match self {
            Outcome::Downloaded(_) => "downloaded",
            Outcome::NotModified => "not modified",
        }
    }
}

/// One feed after an update.
#[derive(Clone, Debug)]
pub struct Updated {
    pub kind: FeedKind,
    pub url: String,
    pub outcome: Outcome,
    /// The stored file.
    pub path: PathBuf,
    pub info: FeedInfo,
}

/// Brings the stored `kind` feed in line with `url`.
pub fn update(
    store: &Store,
    kind: FeedKind,
    url: &str,
    now: jiff::Timestamp,
    client: &Client,
) -> Result<Updated, FeedError> {
    let path = store.path(kind);
    // A mirror's URL may carry credentials (`https://user:token@host/…`): they are sent, but never
    // shown, stored or compared.
    let shown = without_credentials(url);
    // Validators are only sent for the same URL: another host's ETag means nothing.
    let previous = store.fetched(kind).filter(|f| f.url == shown);
    let answer = get(client, kind, url, previous.as_ref())?;
    let answer = match answer {
        Answer::NotModified => {
            let bytes = std::fs::read(&path).map_err(FeedError::io(&path))?;
            match kind.parse(&bytes, &path) {
                Ok(info) => {
                    return Ok(Updated {
                        kind,
                        url: shown.clone(),
                        outcome: Outcome::NotModified,
                        path,
                        info,
                    });
                }
                // The stored copy is damaged although the host has nothing newer: fetch it whole.
                Err(_) => get(client, kind, url, None)?,
            }
        }
        answer => answer,
    };
    let Answer::Body { bytes, etag, last_modified } = answer else {
        return Err(FeedError::Http {
            title: kind.title(),
            url: shown.clone(),
            status: Some(304),
            detail: "the host answered 304 Not Modified to a request that was not conditional".to_owned(),
        });
    };
    let info = kind.parse(&bytes, &path).map_err(|error| FeedError::InvalidDownload {
        title: kind.title(),
        url: shown.clone(),
        source: Box::new(error),
    })?;
    let fetched = Fetched {
        url: shown.clone(),
        etag,
        last_modified,
        fetched_at: now.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
    };
    store.save(kind, &bytes, &fetched)?;
    Ok(Updated { kind, url: shown, outcome: Outcome::Downloaded(bytes.len()), path, info })
}

enum Answer {
    NotModified,
    Body { bytes: Vec<u8>, etag: Option<String>, last_modified: Option<String> },
}

/// Why an attempt failed, and whether another may succeed.
struct Failure {
    error: FeedError,
    /// `None`: do not retry; `Some(wait)`: retry after at least `wait`.
    retry_after: Option<Duration>,
}

fn get(client: &Client, kind: FeedKind, url: &str, previous: Option<&Fetched>) -> Result<Answer, FeedError> {
    let mut attempt = 1;
    loop {
        let failure = match attempt_get(client, kind, url, previous) {
            Ok(answer) => return Ok(answer),
            Err(failure) => failure,
        };
        let Some(wait) = failure.retry_after else { return Err(failure.error) };
        if attempt >= client.retry.attempts {
            return Err(failure.error);
        }
        let backoff = client.retry.first_delay.saturating_mul(1 << (attempt - 1).min(16));
        std::thread::sleep(wait.max(backoff));
        attempt += 1;
    }
}

fn attempt_get(
    client: &Client,
    kind: FeedKind,
    url: &str,
    previous: Option<&Fetched>,
) -> Result<Answer, Failure> {
    let mut request = client.agent(url).get(url);
    if let Some(previous) = previous {
        if let Some(etag) = &previous.etag {
            request = request.header("If-None-Match", etag);
        }
        if let Some(last_modified) = &previous.last_modified {
            request = request.header("If-Modified-Since", last_modified);
        }
    }
    let http_error = |status: Option<u16>, detail: String| FeedError::Http {
        title: kind.title(),
        url: without_credentials(url),
        status,
        detail,
    };
    let mut response = match request.call() {
        Ok(response) => response,
        Err(error) => return Err(unreachable(kind, url, &error)),
    };
    let status = response.status().as_u16();
    let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let (etag, last_modified, retry_after) = (header("etag"), header("last-modified"), header("retry-after"));
    match status {
        304 if previous.is_some() => Ok(Answer::NotModified),
        200 => match response.body_mut().with_config().limit(BODY_LIMIT).read_to_vec() {
            Ok(bytes) => Ok(Answer::Body { bytes, etag, last_modified }),
            Err(error) => Err(Failure {
                error: http_error(Some(200), format!("the download was cut short ({error})")),
                retry_after: Some(Duration::ZERO),
            }),
        },
        429 | 500..=599 => {
            let asked =
                retry_after.as_deref().and_then(|v| v.trim().parse::<u64>().ok()).map(Duration::from_secs);
            let detail = format!(
                "HTTP {status}{}",
                asked.map(|w| format!(", retry after {}s", w.as_secs())).unwrap_or_default()
            );
            match asked {
                Some(wait) if wait > client.retry.max_wait => Err(Failure {
                    error: http_error(Some(status), format!("{detail}; try again later")),
                    retry_after: None,
                }),
                wait => Err(Failure {
                    error: http_error(Some(status), detail),
                    retry_after: Some(wait.unwrap_or_default()),
                }),
            }
        }
        _ => Err(Failure { error: http_error(Some(status), format!("HTTP {status}")), retry_after: None }),
    }
}

/// `url` as it may be shown, stored and compared: credentials in it (`https://user:token@host/…`)
/// replaced by `***`.
pub fn without_credentials(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_owned() };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://***{}", &rest[at..]),
        None => url.to_owned(),
    }
}

/// A request that got no answer: offline, no such host, refused, timed out, broken TLS.
fn unreachable(kind: FeedKind, url: &str, error: &ureq::Error) -> Failure {
    let (detail, retry) = match error {
        ureq::Error::HostNotFound => ("the host name does not resolve".to_owned(), false),
        ureq::Error::ConnectionFailed => ("the connection failed".to_owned(), true),
        ureq::Error::Timeout(which) => (format!("timed out ({which})"), true),
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
            ("the connection was refused".to_owned(), false)
        }
        other => (other.to_string(), true),
    };
    let offline =
        FeedError::Offline { title: kind.title(), name: kind.name(), url: without_credentials(url), detail };
    Failure { error: offline, retry_after: retry.then_some(Duration::ZERO) }
}

#[cfg(test)]
mod credential_tests {
    use super::*;

    #[test]
    fn credentials_in_a_url_are_never_shown() {
        assert_eq!(
            without_credentials("https://me:ghp_secret@mirror.example/kev.json"),
            "https://***@mirror.example/kev.json"
        );
        assert_eq!(without_credentials("https://mirror.example/a@b"), "https://mirror.example/a@b");
        assert_eq!(without_credentials("https://www.cisa.gov/x.json"), "https://www.cisa.gov/x.json");
    }
}
