//! The fake as any HTTP client sees it.

use std::io::{Read, Write};
use std::net::TcpStream;

use hardline_fake_github::FakeGitHub;

fn get(github: &FakeGitHub, path: &str, token: Option<&str>) -> (u16, String, String) {
    let address = github.url().trim_start_matches("http://").to_owned();
    let mut stream = TcpStream::connect(&address).expect("connect");
    let auth = token.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {address}\r\n{auth}\r\n").expect("write");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("read");
    let (head, body) = answer.split_once("\r\n\r\n").expect("head and body");
    let status = head[9..12].parse().expect("status");
    (status, head.to_owned(), body.to_owned())
}

#[test]
fn refuses_requests_without_the_token() {
    let github = FakeGitHub::start("right");
    let (status, _, body) = get(&github, "/repos/a/b/issues", None);
    assert_eq!(status, 401);
    assert!(body.contains("Bad credentials"));
    assert_eq!(get(&github, "/repos/a/b/issues", Some("wrong")).0, 401);
    assert_eq!(github.requests().len(), 2, "refused requests are logged too");
}

#[test]
fn pages_with_link_headers_and_caps_per_page() {
    let github = FakeGitHub::start("t");
    github.seed_issues(250);
    let (status, head, body) = get(&github, "/repos/a/b/issues?per_page=500&direction=asc", Some("t"));
    assert_eq!(status, 200);
    let items: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(items.as_array().expect("array").len(), 100);
    assert_eq!(items[0]["number"], 1);
    let next = format!("<{}/repos/a/b/issues?per_page=500&direction=asc&page=2>; rel=\"next\"", github.url());
    assert!(head.contains(&next), "{head}");
    assert!(head.contains("page=3>; rel=\"last\""), "{head}");
    let (_, head, body) = get(&github, "/repos/a/b/issues?per_page=100&page=3", Some("t"));
    let items: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(items.as_array().expect("array").len(), 50);
    assert_eq!(items[0]["number"], 50, "newest first by default");
    assert!(!head.contains("rel=\"next\""));
}

#[test]
fn unknown_endpoints_are_not_found() {
    let github = FakeGitHub::start("t");
    assert_eq!(get(&github, "/repos/a/b/releases", Some("t")).0, 404);
    assert_eq!(get(&github, "/repos/a/b/issues/99", Some("t")).0, 404);
}
