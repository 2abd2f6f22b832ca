//! The fake GitHub in its own process, for tests written in shell or Python.
//!
//! ```text
//! fake-github --token TOKEN [--url-file FILE]
//! ```
//!
//! Listens on a free loopback port, prints `http://127.0.0.1:PORT` as its first line of
//! standard output (and writes it to FILE, atomically, when asked), then serves until it is
//! killed. Tests seed and inspect it through the control endpoints (`/_fake/…`, see the
//! library's `control` module).

use std::path::PathBuf;
use std::process::ExitCode;

use hardline_fake_github::FakeGitHub;
use hardline_fake_github::http::announce_and_serve;

fn main() -> ExitCode {
    let mut token = None;
    let mut url_file = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--token" => token = args.next(),
            "--url-file" => url_file = args.next().map(PathBuf::from),
            _ => {
                eprintln!("usage: fake-github --token TOKEN [--url-file FILE] (unknown argument {arg:?})");
                return ExitCode::from(2);
            }
        }
    }
    let Some(token) = token else {
        eprintln!("usage: fake-github --token TOKEN [--url-file FILE]");
        return ExitCode::from(2);
    };
    let github = FakeGitHub::start(&token);
    announce_and_serve("fake-github", &github.url(), url_file.as_deref())
}
