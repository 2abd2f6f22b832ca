//! What a person at a terminal sees, through the real binary on a real pseudo-terminal:
//! colour where it helps reading (and never where a program or a file reads), `--color`,
//! `NO_COLOR` and `CLICOLOR_FORCE` honoured, and progress on stderr only on a terminal.

use crate::common::{Repo, trivy_report};
use crate::pty::{OnTerminal, has_escapes, run, without_colour};

/// A repository whose baseline has one HIGH, and a candidate that adds a CRITICAL: the gate
/// blocks. Returns the gate's arguments.
fn blocking_gate(repo: &Repo) -> Vec<String> {
    let base = repo.write(
        "base.json",
        &trivy_report("2026-01-05T04:00:00Z", &[("CVE-2026-1000", "openssl", "HIGH", "3.0.1", "3.0.2")]),
    );
    let candidate = repo.write(
        "pr.json",
        &trivy_report(
            "2026-01-06T04:00:00Z",
            &[
                ("CVE-2026-1000", "openssl", "HIGH", "3.0.1", "3.0.2"),
                ("CVE-2026-2000", "libc6", "CRITICAL", "2.36", ""),
            ],
        ),
    );
    repo.ok(&["record", "--image", "app", "--report", base.to_str().unwrap_or_default()]);
    ["gate", "--image", "app", "--report", candidate.to_str().unwrap_or_default()].map(str::to_owned).to_vec()
}

fn args(list: &[String], extra: &[&str]) -> Vec<String> {
    extra.iter().map(|s| (*s).to_owned()).chain(list.iter().cloned()).collect()
}

fn command(repo: &Repo, args: &[String], env: &[(&str, &str)]) -> std::process::Command {
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut command = repo.command(&refs);
    for (key, value) in env {
        command.env(key, value);
    }
    command
}

#[test]
fn the_decision_and_severities_are_coloured_on_a_terminal_and_not_with_no_color() {
    let repo = Repo::new();
    let gate = blocking_gate(&repo);
    let shown = run(command(&repo, &gate, &[]), OnTerminal::Stdout);
    assert_eq!(shown.status.code(), Some(20), "{}{}", shown.terminal, shown.stderr);
    assert!(
        shown.terminal.contains("\u{1b}[1m\u{1b}[31mBLOCK\u{1b}[0m"),
        "BLOCK in bold red:\n{:?}",
        shown.terminal
    );
    assert!(
        shown.terminal.contains("\u{1b}[1m\u{1b}[35mCRITICAL"),
        "CRITICAL in bold magenta:\n{:?}",
        shown.terminal
    );
    assert!(shown.terminal.contains("\u{1b}[31mnew  \u{1b}[0m"), "`new` marked:\n{:?}", shown.terminal);
    // The posture's risk in its severity's colour, padded as the plain table is.
    let status = ["status"].map(str::to_owned);
    let shown = run(command(&repo, &status, &[]), OnTerminal::Stdout);
    assert!(shown.terminal.contains("\u{1b}[31m    HIGH\u{1b}[0m"), "RISK in red:\n{:?}", shown.terminal);
    let plain = run(command(&repo, &status, &[("NO_COLOR", "1")]), OnTerminal::Stdout);
    assert_eq!(without_colour(&shown.terminal), plain.terminal, "colour changes no column");
    // The same two reports the other way round: the CRITICAL is fixed, in green.
    let (base, candidate) = (repo.path().join("base.json"), repo.path().join("pr.json"));
    let diff = ["diff", candidate.to_str().unwrap_or_default(), base.to_str().unwrap_or_default()]
        .map(str::to_owned);
    let shown = run(command(&repo, &diff, &[]), OnTerminal::Stdout);
    assert_eq!(shown.status.code(), Some(0), "{}{}", shown.terminal, shown.stderr);
    assert!(shown.terminal.contains("\u{1b}[32mfixed\u{1b}[0m"), "`fixed` marked:\n{:?}", shown.terminal);

    for env in [[("NO_COLOR", "1")], [("TERM", "dumb")], [("CLICOLOR", "0")]] {
        let plain = run(command(&repo, &gate, &env), OnTerminal::Stdout);
        assert_eq!(plain.status.code(), Some(20));
        assert!(plain.terminal.contains("BLOCK"), "{env:?}: {}", plain.terminal);
        assert!(!has_escapes(&plain.terminal), "{env:?} on a terminal: no colour:\n{:?}", plain.terminal);
    }
    let never = run(command(&repo, &args(&gate, &["--color", "never"]), &[]), OnTerminal::Stdout);
    assert!(!has_escapes(&never.terminal), "--color never:\n{:?}", never.terminal);
    // The flag wins over the variable.
    let always =
        run(command(&repo, &args(&gate, &["--color", "always"]), &[("NO_COLOR", "1")]), OnTerminal::Stdout);
    assert!(has_escapes(&always.terminal), "--color always beats NO_COLOR");
}

#[test]
fn pipes_json_and_markdown_are_never_coloured_unless_forced() {
    let repo = Repo::new();
    let gate = blocking_gate(&repo);
    let refs = |list: &[String]| list.iter().map(String::to_owned).collect::<Vec<_>>();
    // Piped from a terminal session: TERM is set, stdout is not a terminal.
    let piped = |list: &[String], env: &[(&str, &str)]| {
        let out = command(&repo, &refs(list), env).env("TERM", "xterm-256color").output().expect("run");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert!(!has_escapes(&piped(&gate, &[])), "a pipe is not coloured");
    assert!(has_escapes(&piped(&gate, &[("CLICOLOR_FORCE", "1")])), "CLICOLOR_FORCE colours a pipe");
    assert!(!has_escapes(&piped(&gate, &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")])), "NO_COLOR wins");
    assert!(has_escapes(&piped(&args(&gate, &["--color", "always"]), &[])), "--color always colours a pipe");

    for format in ["json", "markdown"] {
        let forced = args(&gate, &["--format", format, "--color", "always"]);
        let shown = run(command(&repo, &forced, &[("CLICOLOR_FORCE", "1")]), OnTerminal::Stdout);
        assert_eq!(shown.status.code(), Some(20), "{format}: {}", shown.stderr);
        assert!(shown.terminal.contains("block"), "{format}: {}", shown.terminal);
        assert!(!has_escapes(&shown.terminal), "{format} is never coloured:\n{:?}", shown.terminal);
    }
    // Markdown's notes are the human ones, and never coloured either.
    repo.write(
        "security/exceptions.toml",
        "[[exception]]\nid = \"CVE-2099-0001\"\nreason = \"matches nothing\"\nexpires = \"2099-12-31\"\n",
    );
    for format in ["markdown", "json"] {
        let status = ["--format", format, "--color", "always", "status"].map(str::to_owned);
        let shown = run(command(&repo, &status, &[("CLICOLOR_FORCE", "1")]), OnTerminal::Stdout);
        assert!(shown.terminal.contains("CVE-2099-0001"), "{format}: {}", shown.terminal);
        assert!(!has_escapes(&shown.terminal), "{format} status is never coloured:\n{:?}", shown.terminal);
    }
    // A file a command writes is never coloured, whatever --color says.
    repo.ok(&["--color", "always", "summary"]);
    assert!(!has_escapes(&repo.read("SECURITY_SUMMARY.md")));
}

#[test]
fn errors_and_warnings_on_a_terminal_stderr_are_coloured() {
    let repo = Repo::new();
    let missing = ["record", "--image", "app", "--report", "missing.json"].map(str::to_owned);
    let shown = run(command(&repo, &missing, &[]), OnTerminal::Stderr);
    assert_eq!(shown.status.code(), Some(1));
    assert!(shown.terminal.contains("\u{1b}[1m\u{1b}[31merror:\u{1b}[0m"), "{:?}", shown.terminal);
    let plain = run(command(&repo, &missing, &[("NO_COLOR", "1")]), OnTerminal::Stderr);
    assert!(plain.terminal.starts_with("error:") && !has_escapes(&plain.terminal), "{:?}", plain.terminal);
}

/// clap's own help and usage errors follow `--color` and NO_COLOR too.
#[test]
fn help_is_styled_on_a_terminal_only() {
    let repo = Repo::new();
    let help = ["gate", "--help"].map(str::to_owned);
    let styled = run(command(&repo, &help, &[]), OnTerminal::Stdout);
    assert_eq!(styled.status.code(), Some(0));
    assert!(has_escapes(&styled.terminal) && styled.terminal.contains("Examples:"), "{:?}", styled.terminal);
    for (extra, env) in [(&[][..], &[("NO_COLOR", "1")][..]), (&["--color", "never"][..], &[][..])] {
        let plain = run(command(&repo, &args(&help, extra), env), OnTerminal::Stdout);
        assert!(!has_escapes(&plain.terminal), "{extra:?} {env:?}:\n{:?}", plain.terminal);
        assert!(plain.terminal.contains("Usage: hardline gate"), "{}", plain.terminal);
    }
}

/// A ledger of `images` images, one scan each.
fn ledger_of(repo: &Repo, images: usize) {
    let report = repo.write(
        "r.json",
        &trivy_report("2026-01-05T04:00:00Z", &[("CVE-2026-1000", "openssl", "HIGH", "3.0.1", "3.0.2")]),
    );
    for i in 0..images {
        repo.ok(&[
            "record",
            "--image",
            &format!("image-{i}"),
            "--report",
            report.to_str().unwrap_or_default(),
        ]);
    }
}

#[test]
fn progress_shows_on_a_terminal_stderr_and_never_in_a_pipe_or_ci_unless_asked() {
    let repo = Repo::new();
    ledger_of(&repo, 3);
    let verify = ["verify"].map(str::to_owned);
    let expected = repo.ok(&["verify"]);

    let shown = run(command(&repo, &verify, &[]), OnTerminal::Stderr);
    assert_eq!(shown.status.code(), Some(0));
    assert!(shown.terminal.contains("verifying"), "a bar on the terminal:\n{:?}", shown.terminal);
    assert_eq!(shown.stdout, expected, "stdout is the same as without a terminal");

    let piped = repo.run(&["verify"]);
    assert!(piped.stderr.is_empty(), "nothing in a pipe: {}", String::from_utf8_lossy(&piped.stderr));
    let ci = run(command(&repo, &verify, &[("CI", "true")]), OnTerminal::Stderr);
    assert!(!ci.terminal.contains("verifying"), "nothing in CI: {:?}", ci.terminal);
    let never = run(command(&repo, &args(&verify, &["--progress", "never"]), &[]), OnTerminal::Stderr);
    assert!(never.terminal.is_empty(), "--progress never: {:?}", never.terminal);

    let asked = repo.command(&["--progress", "always", "verify"]).env("CI", "true").output().expect("run");
    let lines = String::from_utf8_lossy(&asked.stderr);
    assert!(lines.contains("verifying: 1/3 image-0"), "a first line: {lines}");
    assert!(lines.contains("verifying: 3/3 image-2"), "and always the last: {lines}");
    assert!(!has_escapes(&lines), "plain lines in a log: {lines:?}");
}

/// Each long operation reports its progress.
#[test]
fn every_long_operation_reports_progress() {
    let repo = Repo::new();
    ledger_of(&repo, 2);
    let week = |day: &str| {
        let report = trivy_report(&format!("2026-01-{day}T04:00:00Z"), &[]);
        repo.write(&format!("{day}.json"), &report).display().to_string()
    };
    let (first, second) = (week("12"), week("19"));
    for (args, what) in [
        (vec!["verify"], "verifying: 2/2"),
        (vec!["rebuild"], "rebuilding: 2/2"),
        (vec!["dashboard"], "reading logs: 2/2"),
        (vec!["dashboard"], "writing reports: 2/2"),
        (vec!["issues", "sync"], "syncing issues: 2/2"),
        (vec!["summary"], "summarising: 2/2"),
        (vec!["report", "--image", "image-0"], "reporting: 4/4 changes"),
        (vec!["export", "openvex", "--image", "image-1"], "reporting: 4/4 changes"),
        (vec!["record", "--image", "image-0", "--report", &first, &second], "recording: 2/2"),
    ] {
        let mut all = vec!["--progress", "always"];
        all.extend(args.iter().copied());
        let out = repo.run(&all);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(what), "{args:?}: {stderr}");
    }
}
