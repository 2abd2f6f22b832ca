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

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use hardline_fake_github::FakeGitHub;

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
    let url = github.url();
    if let Some(path) = url_file {
        let partial = path.with_extension("partial");
        if let Err(e) =
            std::fs::write(&partial, format!("{url}\n")).and_then(|()| std::fs::rename(&partial, &path))
        {
            eprintln!("fake-github: cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    }
    let mut stdout = std::io::stdout();
    if writeln!(stdout, "{url}").and_then(|()| stdout.flush()).is_err() {
        // Nobody reads standard output: the URL file is the way to find the fake.
    }
    loop {
        std::thread::park();
    }
}
