//! A loopback fake of the hosts that publish the threat feeds, for tests: a std-only HTTP/1.1
//! server on `127.0.0.1:0` (the HTTP of `hardline-fake-github`) that behaves as those hosts do:
//!
//! - CISA's catalog at [`KEV_PATH`], `application/json`, gzip-encoded (`Content-Encoding`) when
//!   the client accepts it, as CISA's CDN does;
//! - FIRST's scores at [`EPSS_PATH`], an `application/gzip` file;
//! - the old EPSS address [`EPSS_MOVED_PATH`] answers `301 Moved Permanently` to the new one;
//! - every file has a strong `ETag` and a `Last-Modified`; `If-None-Match` (or, without it,
//!   `If-Modified-Since`) that still matches gets `304 Not Modified` with no body;
//! - anything else is a 404.
//!
//! Failures can be scripted ([`FakeFeedHost::inject`]): a status with headers, a body cut short
//! after its headers promised more, or a 200 whose body is not the feed (a proxy's error page).
//! Every request is logged; a test in another process reads the log as JSON at
//! [`REQUESTS_PATH`] (the `fake-feeds` binary), which is itself neither logged nor published.

use std::collections::{BTreeMap, VecDeque};
use std::io::Write;
use std::net::TcpStream;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use hardline_fake_github::http::{Request, Response, Server, reason, write_response};

/// Where CISA publishes the catalog (the path of its real URL).
pub const KEV_PATH: &str = "/sites/default/files/feeds/known_exploited_vulnerabilities.json";
/// Where FIRST's scores are published (the path of the real URL).
pub const EPSS_PATH: &str = "/epss_scores-current.csv.gz";
/// The scores' former address, which now redirects.
pub const EPSS_MOVED_PATH: &str = "/moved/epss_scores-current.csv.gz";
/// The request log so far, as a JSON array (for tests that run the host in its own process).
pub const REQUESTS_PATH: &str = "/_fake/requests";

/// A scripted failure, used once by the first request whose path it names.
#[derive(Clone, Debug)]
pub struct Fault {
    path: String,
    kind: FaultKind,
}

#[derive(Clone, Debug)]
enum FaultKind {
    Status { status: u16, headers: Vec<(String, String)> },
    CutShort,
    Body(Vec<u8>),
}

impl Fault {
    /// Answers `status` (with a small HTML page, as a CDN does).
    pub fn status(path: &str, status: u16) -> Fault {
        Fault { path: path.to_owned(), kind: FaultKind::Status { status, headers: Vec::new() } }
    }

    /// Adds a header to a [`Fault::status`] answer (`Retry-After`, say).
    pub fn header(mut self, name: &str, value: &str) -> Fault {
        if let FaultKind::Status { headers, .. } = &mut self.kind {
            headers.push((name.to_owned(), value.to_owned()));
        }
        self
    }

    /// Answers 200 with the file's headers, then closes the connection halfway through it.
    pub fn cut_short(path: &str) -> Fault {
        Fault { path: path.to_owned(), kind: FaultKind::CutShort }
    }

    /// Answers 200 with `body` instead of the file.
    pub fn body(path: &str, body: &[u8]) -> Fault {
        Fault { path: path.to_owned(), kind: FaultKind::Body(body.to_vec()) }
    }
}

/// One request as the host saw it, with the status it answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoggedRequest {
    pub method: String,
    pub path: String,
    pub if_none_match: Option<String>,
    pub if_modified_since: Option<String>,
    pub accept_encoding: Option<String>,
    pub user_agent: Option<String>,
    pub status: u16,
}

/// A published file.
#[derive(Clone, Debug)]
struct Published {
    body: Vec<u8>,
    content_type: &'static str,
    /// Gzip the answer when the client accepts it (CISA's CDN does; the EPSS file is gzip
    /// already and is sent as it is).
    encode: bool,
    etag: String,
    last_modified: jiff::Timestamp,
}

#[derive(Default)]
struct State {
    files: BTreeMap<String, Published>,
    faults: VecDeque<Fault>,
    log: Vec<LoggedRequest>,
    versions: u32,
}

/// A running fake host. Stops when dropped.
#[derive(Debug)]
pub struct FakeFeedHost {
    server: Server,
    state: Arc<Mutex<State>>,
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("State").field("files", &self.files.keys()).finish()
    }
}

impl FakeFeedHost {
    /// Starts a host that publishes nothing yet.
    ///
    /// # Panics
    /// When no loopback port can be bound.
    pub fn start() -> FakeFeedHost {
        let state = Arc::new(Mutex::new(State::default()));
        let server = {
            let state = Arc::clone(&state);
            Server::start(move |stream, request| respond(&state, stream, &request))
        };
        FakeFeedHost { server, state }
    }

    /// `http://127.0.0.1:PORT` followed by `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.server.addr())
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Publishes a new version of the KEV catalog: a new `ETag`, a later `Last-Modified`.
    pub fn publish_kev(&self, json: &[u8]) {
        self.publish(KEV_PATH, json, "application/json", true);
    }

    /// Publishes a new version of the EPSS file (gzip bytes, sent as they are).
    pub fn publish_epss(&self, gzip: &[u8]) {
        self.publish(EPSS_PATH, gzip, "application/gzip", false);
    }

    fn publish(&self, path: &str, body: &[u8], content_type: &'static str, encode: bool) {
        let mut state = self.state();
        state.versions += 1;
        let version = state.versions;
        let base: jiff::Timestamp = "2025-08-25T17:04:19Z".parse().unwrap_or(jiff::Timestamp::UNIX_EPOCH);
        let last_modified =
            base.checked_add(jiff::SignedDuration::from_hours(24 * i64::from(version))).unwrap_or(base);
        state.files.insert(
            path.to_owned(),
            Published {
                body: body.to_vec(),
                content_type,
                encode,
                etag: format!("\"v{version}-{:x}\"", body.len()),
                last_modified,
            },
        );
    }

    /// Queues a scripted failure.
    pub fn inject(&self, fault: Fault) {
        self.state().faults.push_back(fault);
    }

    /// Every request so far, in order.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.state().log.clone()
    }

    /// Forgets the request log.
    pub fn clear_requests(&self) {
        self.state().log.clear();
    }
}

/// Answers one request and logs it.
fn respond(state: &Mutex<State>, stream: &TcpStream, request: &Request) {
    if request.path == REQUESTS_PATH {
        let log = state.lock().unwrap_or_else(PoisonError::into_inner).log.clone();
        let _ = write_response(stream, &Response::json(200, &requests_json(&log)));
        return;
    }
    let answer = {
        let mut state = state.lock().unwrap_or_else(PoisonError::into_inner);
        let answer = answer(&mut state, request);
        state.log.push(LoggedRequest {
            method: request.method.clone(),
            path: request.path.clone(),
            if_none_match: request.header("if-none-match").map(str::to_owned),
            if_modified_since: request.header("if-modified-since").map(str::to_owned),
            accept_encoding: request.header("accept-encoding").map(str::to_owned),
            user_agent: request.header("user-agent").map(str::to_owned),
            status: answer.response.status,
        });
        answer
    };
    let _ = if answer.cut_short {
        write_cut_short(stream, &answer.response)
    } else {
        write_response(stream, &answer.response)
    };
}

fn requests_json(log: &[LoggedRequest]) -> serde_json::Value {
    let entry = |r: &LoggedRequest| {
        serde_json::json!({
            "method": r.method,
            "path": r.path,
            "if_none_match": r.if_none_match,
            "if_modified_since": r.if_modified_since,
            "accept_encoding": r.accept_encoding,
            "user_agent": r.user_agent,
            "status": r.status,
        })
    };
    serde_json::Value::Array(log.iter().map(entry).collect())
}

struct Answer {
    response: Response,
    cut_short: bool,
}

fn answer(state: &mut State, request: &Request) -> Answer {
    let plain = |response| Answer { response, cut_short: false };
    if let Some(index) = state.faults.iter().position(|f| f.path == request.path) {
        let fault = state.faults.remove(index).map(|f| f.kind);
        match fault {
            Some(FaultKind::Status { status, headers }) => {
                let mut response = page(status);
                response.headers.extend(headers);
                return plain(response);
            }
            Some(FaultKind::Body(body)) => {
                return plain(Response {
                    status: 200,
                    headers: vec![("Content-Type".into(), "text/html".into())],
                    body,
                });
            }
            Some(FaultKind::CutShort) => {
                if let Some(file) = state.files.get(&request.path) {
                    return Answer { response: full(file, request), cut_short: true };
                }
            }
            None => {}
        }
    }
    if request.method != "GET" && request.method != "HEAD" {
        return plain(page(405));
    }
    if request.path == EPSS_MOVED_PATH {
        let mut response = page(301);
        response.headers.push(("Location".into(), EPSS_PATH.into()));
        return plain(response);
    }
    let Some(file) = state.files.get(&request.path) else { return plain(page(404)) };
    if still_fresh(file, request) {
        let headers = vec![
            ("ETag".to_owned(), file.etag.clone()),
            ("Last-Modified".to_owned(), http_date(file.last_modified)),
            ("Content-Type".to_owned(), file.content_type.to_owned()),
        ];
        return plain(Response { status: 304, headers, body: Vec::new() });
    }
    plain(full(file, request))
}

/// Whether the client's copy is current: `If-None-Match` decides when sent (weak comparison,
/// as for GET), else `If-Modified-Since`.
fn still_fresh(file: &Published, request: &Request) -> bool {
    if let Some(tags) = request.header("if-none-match") {
        let ours = file.etag.trim_start_matches("W/");
        return tags.split(',').map(str::trim).any(|tag| tag == "*" || tag.trim_start_matches("W/") == ours);
    }
    match request.header("if-modified-since").and_then(parse_http_date) {
        Some(since) => file.last_modified <= since,
        None => false,
    }
}

fn full(file: &Published, request: &Request) -> Response {
    let accepts_gzip =
        request.header("accept-encoding").is_some_and(|v| v.split(',').any(|e| e.trim().starts_with("gzip")));
    let mut headers = vec![
        ("Content-Type".to_owned(), file.content_type.to_owned()),
        ("ETag".to_owned(), file.etag.clone()),
        ("Last-Modified".to_owned(), http_date(file.last_modified)),
        ("Cache-Control".to_owned(), "max-age=300".to_owned()),
    ];
    let body = if file.encode && accepts_gzip {
        headers.push(("Content-Encoding".to_owned(), "gzip".to_owned()));
        headers.push(("Vary".to_owned(), "Accept-Encoding".to_owned()));
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        let _ = encoder.write_all(&file.body);
        encoder.finish().unwrap_or_default()
    } else {
        file.body.clone()
    };
    Response { status: 200, headers, body }
}

/// A small HTML error page, as CDNs answer.
fn page(status: u16) -> Response {
    let body = format!("<html><body><h1>{status} {}</h1></body></html>", reason(status));
    Response { status, headers: vec![("Content-Type".into(), "text/html".into())], body: body.into_bytes() }
}

/// The response's head with its full `Content-Length`, then half the body, then the end of
/// the connection.
fn write_cut_short(mut stream: &TcpStream, response: &Response) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Length: {}\r\nConnection: close\r\n",
        response.status,
        reason(response.status),
        response.body.len()
    );
    for (name, value) in &response.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(&response.body[..response.body.len() / 2])?;
    stream.flush()
}

/// `Mon, 25 Aug 2025 17:04:19 GMT` (RFC 9110's IMF-fixdate).
fn http_date(t: jiff::Timestamp) -> String {
    t.strftime("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

fn parse_http_date(text: &str) -> Option<jiff::Timestamp> {
    let text = text.trim().strip_suffix(" GMT")?;
    let local = jiff::civil::DateTime::strptime("%a, %d %b %Y %H:%M:%S", text).ok()?;
    jiff::tz::Offset::UTC.to_timestamp(local).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates_round_trip() {
        let t: jiff::Timestamp = "2025-08-26T17:04:19Z".parse().unwrap_or(jiff::Timestamp::UNIX_EPOCH);
        assert_eq!(http_date(t), "Tue, 26 Aug 2025 17:04:19 GMT");
        assert_eq!(parse_http_date(&http_date(t)), Some(t));
    }
}
