//! The fake feed hosts in their own process, for tests written in shell or Python.
//!
//! ```text
//! fake-feeds [--kev FILE] [--epss FILE] [--url-file FILE]
//! ```
//!
//! Publishes the KEV catalog (JSON) and the EPSS scores (gzip bytes, sent as they are) given,
//! listens on a free loopback port, prints `http://127.0.0.1:PORT` as its first line of standard
//! output (and writes it to FILE, atomically, when asked), then serves until it is killed. The
//! feeds are at the paths of their real URLs (`KEV_PATH`, `EPSS_PATH`); the request log is at
//! `/_fake/requests`.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use hardline_fake_feeds::FakeFeedHost;

const USAGE: &str = "usage: fake-feeds [--kev FILE] [--epss FILE] [--url-file FILE]";

fn main() -> ExitCode {
    let mut kev = None;
    let mut epss = None;
    let mut url_file = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let slot = match arg.as_str() {
            "--kev" => &mut kev,
            "--epss" => &mut epss,
            "--url-file" => &mut url_file,
            _ => {
                eprintln!("{USAGE} (unknown argument {arg:?})");
                return ExitCode::from(2);
            }
        };
        let Some(value) = args.next() else {
            eprintln!("{USAGE} ({arg} needs a value)");
            return ExitCode::from(2);
        };
        *slot = Some(PathBuf::from(value));
    }
    let host = FakeFeedHost::start();
    for (path, publish) in
        [(&kev, FakeFeedHost::publish_kev as fn(&FakeFeedHost, &[u8])), (&epss, FakeFeedHost::publish_epss)]
    {
        let Some(path) = path else { continue };
        match std::fs::read(path) {
            Ok(bytes) => publish(&host, &bytes),
            Err(e) => {
                eprintln!("fake-feeds: cannot read {}: {e}", path.display());
                return ExitCode::FAILURE;
            }
        }
    }
    let url = host.url("");
    if let Some(path) = url_file {
        let partial = path.with_extension("partial");
        if let Err(e) =
            std::fs::write(&partial, format!("{url}\n")).and_then(|()| std::fs::rename(&partial, &path))
        {
            eprintln!("fake-feeds: cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    }
    let mut stdout = std::io::stdout();
    if writeln!(stdout, "{url}").and_then(|()| stdout.flush()).is_err() {
        // Nobody reads standard output: the URL file is the way to find the host.
    }
    loop {
        std::thread::park();
    }
}
