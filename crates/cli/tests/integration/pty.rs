//! Running the real binary with stdout and/or stderr on a pseudo-terminal, as a person's shell
//! would: what `isatty` sees is a real terminal (80 columns), not a pipe.

use std::fs::File;
use std::io::Read;
use std::os::fd::OwnedFd;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use rustix::fs::{Mode, OFlags};
use rustix::pty::{OpenptFlags, grantpt, openpt, ptsname, unlockpt};
use rustix::termios::{Winsize, tcsetwinsize};

/// Which streams go to the terminal; the others are piped.
#[derive(Clone, Copy, Debug)]
pub enum OnTerminal {
    Stdout,
    Stderr,
}

pub struct Ran {
    pub status: ExitStatus,
    /// What the terminal showed (line ends as `\n`).
    pub terminal: String,
    /// The piped stream(s), if any.
    pub stdout: String,
    pub stderr: String,
}

/// A fresh pseudo-terminal: the controller's end and the terminal's.
fn open() -> (OwnedFd, OwnedFd) {
    let controller = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY).expect("openpt");
    grantpt(&controller).expect("grantpt");
    unlockpt(&controller).expect("unlockpt");
    let name = ptsname(&controller, Vec::new()).expect("ptsname");
    let terminal =
        rustix::fs::open(name.as_c_str(), OFlags::RDWR | OFlags::NOCTTY | OFlags::CLOEXEC, Mode::empty())
            .expect("open the terminal end");
    tcsetwinsize(&terminal, Winsize { ws_row: 24, ws_col: 80, ws_xpixel: 0, ws_ypixel: 0 })
        .expect("window size");
    (controller, terminal)
}

/// Runs `command` with `which` streams on a terminal, stdin empty, for at most 60 seconds.
/// `TERM` is `xterm-256color`, as in a terminal emulator, unless the command sets it.
pub fn run(mut command: Command, which: OnTerminal) -> Ran {
    if !command.get_envs().any(|(key, _)| key == "TERM") {
        command.env("TERM", "xterm-256color");
    }
    let (controller, terminal) = open();
    let to_terminal = || Stdio::from(terminal.try_clone().expect("dup the terminal"));
    command.stdin(Stdio::null());
    match which {
        OnTerminal::Stdout => command.stdout(to_terminal()).stderr(Stdio::piped()),
        OnTerminal::Stderr => command.stdout(Stdio::piped()).stderr(to_terminal()),
    };
    let mut child = command.spawn().expect("spawn hardline");
    // The command's copies of the terminal's end went with it; closing ours lets the reader
    // see the end once the child exits.
    drop(command);
    drop(terminal);
    let reader = std::thread::spawn(move || {
        let mut file = File::from(controller);
        let mut seen = Vec::new();
        let mut chunk = [0u8; 4096];
        loop {
            match file.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => seen.extend_from_slice(&chunk[..n]),
                // EIO: every terminal end is closed (the child exited).
                Err(_) => break,
            }
        }
        seen
    });
    let piped = |stream: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(mut stream) = stream {
                let _ = stream.read_to_string(&mut text);
            }
            text
        })
    };
    let stdout = piped(child.stdout.take().map(|s| Box::new(s) as Box<dyn Read + Send>));
    let stderr = piped(child.stderr.take().map(|s| Box::new(s) as Box<dyn Read + Send>));
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("hardline did not finish within 60 s on a terminal");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let terminal = String::from_utf8_lossy(&reader.join().expect("reader")).replace("\r\n", "\n");
    Ran {
        status,
        terminal,
        stdout: stdout.join().expect("stdout reader"),
        stderr: stderr.join().expect("stderr reader"),
    }
}

/// Whether `text` carries an ANSI escape sequence (colour, cursor movement).
pub fn has_escapes(text: &str) -> bool {
    text.contains('\u{1b}')
}

/// `text` without its SGR sequences (`ESC [ … m`): what the reader sees, colour aside.
pub fn without_colour(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("\u{1b}[") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        match after.find('m') {
            Some(end) if after[..end].chars().all(|c| c.is_ascii_digit() || c == ';') => {
                rest = &after[end + 1..]
            }
            _ => {
                out.push_str("\u{1b}[");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}
