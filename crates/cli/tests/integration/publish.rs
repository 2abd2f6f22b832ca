//! Publishing through the GitHub tracker (against a local fake GitHub) and the local tracker.
//!
//! Every test runs the real binary; the fake GitHub keeps its state across the runs of one
//! test and logs every request, so "nothing was posted" is checked on the wire.

use std::path::{Path, PathBuf};
use std::process::Output;

use hardline_fake_github::{FakeGitHub, Fault, LoggedRequest, MAX_BODY_CHARS};
use serde_json::Value;

use crate::common::{self, Repo, trivy_report};

const TOKEN: &str = "ghs_hardlineTestToken0123456789abcdef";
const IMAGE: &str = "app";
const ISSUE_MARKER: &str = "<!-- hardline:issue image=app -->";
const GATE_MARKER: &str = "<!-- hardline:gate image=app -->";
const SUMMARY_MARKER: &str = "<!-- hardline:summary -->";

type Vuln<'a> = (&'a str, &'a str, &'a str, &'a str, &'a str);

/// A repository whose publishing goes to `github`.
fn github_repo(github: &FakeGitHub) -> Repo {
    let mut repo = Repo::new();
    repo.env.push(("GITHUB_API_URL".into(), github.url()));
    repo.env.push(("GITHUB_TOKEN".into(), TOKEN.into()));
    repo.env.push(("GITHUB_REPOSITORY".into(), "owner/repo".into()));
    repo
}

/// Sets (or replaces) one environment variable of the runs.
fn set_env(repo: &mut Repo, key: &str, value: &str) {
    repo.env.retain(|(k, _)| k != key);
    repo.env.push((key.to_owned(), value.to_owned()));
}

/// Writes a report created at `created_at` and records it; the clock is set just after it.
fn record(repo: &mut Repo, created_at: &str, vulns: &[Vuln<'_>]) {
    let path = write_report(repo, created_at, vulns);
    set_env(repo, "HARDLINE_NOW", created_at);
    repo.ok(&["record", "--image", IMAGE, "--report", &path]);
}

fn write_report(repo: &Repo, created_at: &str, vulns: &[Vuln<'_>]) -> String {
    let name = format!("reports/{}.json", created_at.replace(':', ""));
    repo.write(&name, &trivy_report(created_at, vulns)).display().to_string()
}

fn run(repo: &Repo, args: &[&str]) -> (Option<i32>, String, String) {
    let out: Output = repo.run(args);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `hardline --format json issues sync`, asserting success; the action taken for `app`.
fn sync(repo: &Repo) -> String {
    let out = repo.json(&["issues", "sync"]);
    let image = out["images"].as_array().and_then(|i| i.iter().find(|i| i["image"] == IMAGE)).cloned();
    image
        .and_then(|i| i["action"].as_str().map(str::to_owned))
        .unwrap_or_else(|| panic!("no action for {IMAGE}: {out}"))
}

/// Requests that change something on GitHub (every request but GET).
fn mutations(github: &FakeGitHub) -> Vec<LoggedRequest> {
    github.requests().into_iter().filter(|r| r.method != "GET").collect()
}

fn count(github: &FakeGitHub, method: &str, path: &str) -> usize {
    github.requests().iter().filter(|r| r.method == method && r.path.split('?').next() == Some(path)).count()
}

/// The events of the image's log.
fn events(repo: &Repo) -> Vec<Value> {
    repo.read(&format!("audit-logs/{IMAGE}.jsonl"))
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

fn issue_synced_actions(repo: &Repo) -> Vec<String> {
    events(repo)
        .iter()
        .filter(|e| e["body"]["kind"] == "issue_synced")
        .map(|e| e["body"]["payload"]["action"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// Whether Markdown `text` shows `id` (a CVE id), whatever escaping it went through.
fn shows(text: &str, id: &str) -> bool {
    text.replace('\\', "").contains(id)
}

/// Every file below `dir`, relative path and contents.
fn files_below(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&current) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(dir).unwrap_or(&path).to_path_buf();
                out.push((relative, std::fs::read(&path).unwrap_or_default()));
            }
        }
    }
    out.sort();
    out
}

const SCAN_1: &str = "2026-03-01T10:00:00Z";
const SCAN_2: &str = "2026-03-02T10:00:00Z";
const SCAN_3: &str = "2026-03-03T10:00:00Z";
const SCAN_4: &str = "2026-03-04T10:00:00Z";

const HIGH_OPENSSL: Vuln<'static> = ("CVE-2026-0001", "openssl", "HIGH", "3.0.1", "3.0.2");
const MEDIUM_ZLIB: Vuln<'static> = ("CVE-2026-0002", "zlib", "MEDIUM", "1.2.13", "");
const LOW_CURL: Vuln<'static> = ("CVE-2026-0003", "curl", "LOW", "8.0.0", "8.0.1");
const HIGH_LIBXML: Vuln<'static> = ("CVE-2026-0004", "libxml2", "HIGH", "2.9.0", "2.9.1");
const CRITICAL_GLIBC: Vuln<'static> = ("CVE-2026-0005", "glibc", "CRITICAL", "2.36", "2.37");

#[test]
fn issues_sync_opens_updates_closes_and_reopens_one_issue() {
    let github = FakeGitHub::start(TOKEN);
    let mut repo = github_repo(&github);
    record(&mut repo, SCAN_1, &[HIGH_OPENSSL, MEDIUM_ZLIB, LOW_CURL]);

    // No issue, MEDIUM+ findings: exactly one issue, labelled and marked.
    assert_eq!(sync(&repo), "opened");
    let issues = github.issues();
    assert_eq!(issues.len(), 1, "{issues:#?}");
    let issue = issues[0].clone();
    assert_eq!(issue.state, "open");
    assert!(issue.labels.contains(&"security".to_owned()), "{:?}", issue.labels);
    assert!(issue.labels.contains(&format!("image:{IMAGE}")), "{:?}", issue.labels);
    assert!(issue.body.starts_with(ISSUE_MARKER), "{}", issue.body);
    assert!(shows(&issue.body, HIGH_OPENSSL.0));
    assert!(!shows(&issue.body, LOW_CURL.0), "LOW findings are not in the issue");
    assert!(github.comments(issue.number).is_empty());
    assert_eq!(issue_synced_actions(&repo), ["opened"]);

    // Same state: nothing posted, nothing written.
    let before = repo.snapshot();
    github.clear_requests();
    assert_eq!(sync(&repo), "unchanged");
    assert_eq!(mutations(&github), [], "a second sync must not change anything on GitHub");
    assert_eq!(repo.snapshot(), before, "a second sync must not write to the ledger");

    // Changed findings: the body is replaced and ONE comment lists what is new and fixed.
    record(&mut repo, SCAN_2, &[MEDIUM_ZLIB, LOW_CURL, HIGH_LIBXML]);
    github.clear_requests();
    assert_eq!(sync(&repo), "updated");
    assert_eq!(count(&github, "POST", "/repos/owner/repo/issues"), 0, "no second issue");
    assert_eq!(github.issues().len(), 1);
    let updated = github.issue(issue.number).expect("the issue");
    assert_ne!(updated.body, issue.body);
    assert!(shows(&updated.body, HIGH_LIBXML.0) && !shows(&updated.body, HIGH_OPENSSL.0));
    let comments = github.comments(issue.number);
    assert_eq!(comments.len(), 1, "{comments:#?}");
    assert!(comments[0].body.contains("1 new, 1 fixed"), "{}", comments[0].body);
    assert!(comments[0].body.contains("#### New") && shows(&comments[0].body, HIGH_LIBXML.0));
    assert!(comments[0].body.contains("#### Fixed") && shows(&comments[0].body, HIGH_OPENSSL.0));

    // Nothing MEDIUM+ left: a comment, then closed.
    record(&mut repo, SCAN_3, &[LOW_CURL]);
    assert_eq!(sync(&repo), "closed");
    let closed = github.issue(issue.number).expect("the issue");
    assert_eq!(closed.state, "closed");
    assert_eq!(github.comments(issue.number).len(), 2);
    assert!(github.comments(issue.number)[1].body.contains("No MEDIUM+ findings are left"));
    github.clear_requests();
    assert_eq!(sync(&repo), "unchanged", "a closed issue with nothing open stays as it is");
    assert_eq!(mutations(&github), []);

    // Findings return: the same issue is reopened, never a new one.
    record(&mut repo, SCAN_4, &[LOW_CURL, CRITICAL_GLIBC]);
    assert_eq!(sync(&repo), "reopened");
    assert_eq!(github.issues().len(), 1, "{:#?}", github.issues());
    let reopened = github.issue(issue.number).expect("the issue");
    assert_eq!(reopened.state, "open");
    assert!(shows(&reopened.body, CRITICAL_GLIBC.0));
    let comments = github.comments(issue.number);
    assert_eq!(comments.len(), 3);
    assert!(comments[2].body.contains("reopening") && shows(&comments[2].body, CRITICAL_GLIBC.0));

    // One issue_synced event per action, each naming the issue, and the chain verifies.
    assert_eq!(issue_synced_actions(&repo), ["opened", "updated", "closed", "reopened"]);
    for event in events(&repo).iter().filter(|e| e["body"]["kind"] == "issue_synced") {
        assert_eq!(event["body"]["payload"]["number"], issue.number);
        assert_eq!(event["body"]["payload"]["tracker"], "github owner/repo");
    }
    repo.ok(&["verify"]);
}

#[test]
fn issue_found_by_marker_on_a_later_page_after_its_labels_were_removed() {
    let github = FakeGitHub::start(TOKEN);
    github.seed_issues(10);
    let mut repo = github_repo(&github);
    record(&mut repo, SCAN_1, &[HIGH_OPENSSL, MEDIUM_ZLIB]);
    assert_eq!(sync(&repo), "opened");
    let number = github.issues().into_iter().find(|i| i.body.contains(ISSUE_MARKER)).expect("issue").number;
    // 150 newer issues push it to the second page (newest first), and a person removed its
    // labels, so only the unlabelled search over every page can find it.
    github.seed_issues(150);
    github.remove_label(number, "security");
    github.remove_label(number, &format!("image:{IMAGE}"));
    assert!(github.issue(number).expect("issue").labels.is_empty());
    let total = github.issues().len();
    assert_eq!(total, 161);

    github.clear_requests();
    assert_eq!(sync(&repo), "unchanged");
    assert_eq!(mutations(&github), []);
    assert!(
        github.requests().iter().any(|r| r.path.contains("page=2")),
        "the second page must have been read: {:#?}",
        github.requests()
    );

    record(&mut repo, SCAN_2, &[MEDIUM_ZLIB, HIGH_LIBXML]);
    assert_eq!(sync(&repo), "updated");
    assert_eq!(github.issues().len(), total, "no duplicate issue");
    assert_eq!(github.issues().iter().filter(|i| i.body.contains(ISSUE_MARKER)).count(), 1);
    assert_eq!(github.comments(number).len(), 1);
    assert!(shows(&github.issue(number).expect("issue").body, HIGH_LIBXML.0));
    repo.ok(&["verify"]);
}

fn rate_limit_reset_soon() -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs();
    (now + 1).to_string()
}

#[test]
fn issues_sync_retries_502_429_and_rate_limits_without_duplicates() {
    let github = FakeGitHub::start(TOKEN);
    let mut repo = github_repo(&github);
    record(&mut repo, SCAN_1, &[HIGH_OPENSSL, MEDIUM_ZLIB]);

    // A plain 502 on the first read, a 429 on the next, then a create that GitHub performed
    // but answered with 502 (a proxy timing out): the retry must find it, not post again.
    github.fail_next("/repos/owner/repo/issues", 502, &[]);
    github.fail_next("/repos/owner/repo/issues", 429, &[("Retry-After", "1")]);
    github.inject(Fault::new("/repos/owner/repo/issues", 502).method("POST").after_processing());
    assert_eq!(sync(&repo), "opened");
    assert_eq!(github.pending_faults(), 0);
    assert_eq!(github.issues().len(), 1, "{:#?}", github.issues());
    let number = github.issues()[0].number;

    // The update path: a primary rate limit (reset 1–2 s ahead) on the body update, and a
    // comment that was created but answered with 502.
    record(&mut repo, SCAN_2, &[MEDIUM_ZLIB, HIGH_LIBXML]);
    let reset = rate_limit_reset_soon();
    github.inject(
        Fault::new(&format!("/repos/owner/repo/issues/{number}"), 403)
            .method("PATCH")
            .header("x-ratelimit-remaining", "0")
            .header("x-ratelimit-reset", &reset),
    );
    github.inject(
        Fault::new(&format!("/repos/owner/repo/issues/{number}/comments"), 502)
            .method("POST")
            .after_processing(),
    );
    assert_eq!(sync(&repo), "updated");
    assert_eq!(github.pending_faults(), 0);
    assert_eq!(github.issues().len(), 1);
    assert_eq!(github.comments(number).len(), 1, "{:#?}", github.comments(number));
    assert!(shows(&github.issue(number).expect("issue").body, HIGH_LIBXML.0));
    assert_eq!(issue_synced_actions(&repo), ["opened", "updated"]);
    repo.ok(&["verify"]);
}

#[test]
fn gate_publish_retries_502_429_and_rate_limits_without_duplicates() {
    let github = FakeGitHub::start(TOKEN);
    github.add_pull_request(7, "renovate[bot]", &[]);
    let mut repo = github_repo(&github);
    record(&mut repo, SCAN_1, &[HIGH_OPENSSL, MEDIUM_ZLIB]);
    let candidate = write_report(&repo, SCAN_2, &[MEDIUM_ZLIB]);

    github.fail_next("/repos/owner/repo/pulls/7", 502, &[]);
    github.fail_next("/repos/owner/repo/issues/7/comments", 429, &[("Retry-After", "1")]);
    github.inject(
        Fault::new("/graphql", 403)
            .header("x-ratelimit-remaining", "0")
            .header("x-ratelimit-reset", &rate_limit_reset_soon()),
    );
    github.inject(Fault::new("/repos/owner/repo/issues/7/comments", 502).method("POST").after_processing());
    let (code, stdout, stderr) =
        run(&repo, &["gate", "--image", IMAGE, "--report", &candidate, "--publish", "--pr", "7"]);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert_eq!(github.pending_faults(), 0);
    let comments = github.comments(7);
    assert_eq!(comments.len(), 1, "{comments:#?}");
    assert!(comments[0].body.contains(GATE_MARKER));
    assert_eq!(github.pull_request(7).expect("pr").auto_merge.as_deref(), Some("SQUASH"));
}

#[test]
fn a_close_that_failed_is_finished_by_the_next_sync_without_a_second_comment() {
    let github = FakeGitHub::start(TOKEN);
    let mut repo = github_repo(&github);
    record(&mut repo, SCAN_1, &[HIGH_OPENSSL]);
    assert_eq!(sync(&repo), "opened");
    let number = github.issues()[0].number;
    record(&mut repo, SCAN_2, &[LOW_CURL]);
    let refusal = r#"{"message":"Resource not accessible by integration","status":"403"}"#;
    github
        .inject(Fault::new(&format!("/repos/owner/repo/issues/{number}"), 403).method("PATCH").body(refusal));
    let (code, stdout, stderr) = run(&repo, &["issues", "sync"]);
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    assert!(stderr.contains("Resource not accessible by integration"), "{stderr}");
    assert_eq!(sync(&repo), "closed");
    assert_eq!(github.issue(number).expect("issue").state, "closed");
    let comments = github.comments(number);
    assert_eq!(comments.len(), 1, "one closing comment, even though the first close failed: {comments:#?}");
    assert_eq!(issue_synced_actions(&repo), ["opened", "closed"]);
}

#[test]
fn body_refused_by_github_is_a_clear_error() {
    let github = FakeGitHub::start(TOKEN);
    let mut repo = github_repo(&github);
    record(&mut repo, SCAN_1, &[HIGH_OPENSSL]);
    // GitHub's exact answer to a body over its limit.
    let refusal = r#"{"message":"Validation Failed","errors":[{"resource":"Issue","code":"custom","field":"body","message":"body is too long (maximum is 65536 characters)"}],"documentation_url":"https://docs.github.com/rest","status":"422"}"#;
    github.inject(Fault::new("/repos/owner/repo/issues", 422).method("POST").body(refusal));
    let (code, stdout, stderr) = run(&repo, &["issues", "sync"]);
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    assert!(stderr.contains("body is too long (maximum is 65536 characters)"), "{stderr}");
    assert!(stderr.contains("POST /repos/owner/repo/issues"), "the error names the request: {stderr}");
    assert_eq!(count(&github, "POST", "/repos/owner/repo/issues"), 1, "a 422 is not retried");
    assert!(github.issues().is_empty());
    assert!(issue_synced_actions(&repo).is_empty(), "nothing happened, nothing is logged");
    repo.ok(&["verify"]);
}

#[test]
fn issue_body_of_the_largest_corpus_image_fits_github_and_lists_every_critical_and_high() {
    let reports = common::corpus_reports("php-mysql");
    if reports.is_empty() {
        eprintln!("note: ../shared/corpus/trivy-history/php-mysql is absent; skipping");
        return;
    }
    let github = FakeGitHub::start(TOKEN);
    let repo = github_repo(&github);
    let mut args =
        vec!["record".to_owned(), "--image".to_owned(), "php-mysql".to_owned(), "--report".to_owned()];
    args.extend(reports.iter().map(|p| p.display().to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    repo.ok(&args);
    repo.ok(&["issues", "sync", "--image", "php-mysql"]);

    let issues = github.issues();
    assert_eq!(issues.len(), 1);
    let body = &issues[0].body;
    assert!(body.chars().count() <= MAX_BODY_CHARS, "{} chars", body.chars().count());
    let baseline: Value = serde_json::from_str(&repo.read("cve-baseline/php-mysql.json")).expect("baseline");
    let mut missing = Vec::new();
    let mut severe = 0;
    for finding in baseline["findings"].as_array().expect("findings") {
        let severity = finding["severity"].as_str().unwrap_or_default().to_ascii_uppercase();
        if !matches!(severity.as_str(), "CRITICAL" | "HIGH") {
            continue;
        }
        severe += 1;
        let id = finding["id"].as_str().expect("id");
        if !shows(body, id) {
            missing.push(id.to_owned());
        }
    }
    assert!(severe > 0, "the corpus image has CRITICAL/HIGH findings");
    if !missing.is_empty() {
        // Only allowed when the body says how many did not fit (a finding id may be shown more
        // than once, so the note counts findings, not ids).
        assert!(body.contains("more CRITICAL/HIGH findings did not fit"), "{missing:?} missing, unannounced");
    }
}

// ---------------------------------------------------------------------------------------
// Gate publish

struct Gate {
    github: FakeGitHub,
    repo: Repo,
}

/// A baseline with two MEDIUM+ findings and an open Renovate pull request #42.
fn gate_setup() -> Gate {
    let github = FakeGitHub::start(TOKEN);
    github.add_pull_request(42, "renovate[bot]", &[]);
    let mut repo = github_repo(&github);
    record(&mut repo, SCAN_1, &[HIGH_OPENSSL, MEDIUM_ZLIB, LOW_CURL]);
    Gate { github, repo }
}

fn gate(repo: &Repo, report: &str, pr: Option<&str>) -> (Option<i32>, String, String) {
    let mut args = vec!["gate", "--image", IMAGE, "--report", report, "--publish"];
    if let Some(pr) = pr {
        args.extend(["--pr", pr]);
    }
    run(repo, &args)
}

#[test]
fn gate_publish_allow_comments_once_enables_auto_merge_and_edits_in_place() {
    let Gate { github, repo } = gate_setup();
    let first = write_report(&repo, SCAN_2, &[MEDIUM_ZLIB, LOW_CURL]);
    let (code, stdout, stderr) = gate(&repo, &first, Some("42"));
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    let comments = github.comments(42);
    assert_eq!(comments.len(), 1);
    let comment = comments[0].clone();
    assert!(comment.body.starts_with(GATE_MARKER), "{}", comment.body);
    assert!(comment.body.contains("✅ allow"));
    assert!(comment.body.contains("Auto-merge (squash) is enabled"));
    assert_eq!(github.pull_request(42).expect("pr").auto_merge.as_deref(), Some("SQUASH"));

    // Another push, a different candidate: the same comment edited in place.
    let second = write_report(&repo, SCAN_3, &[HIGH_OPENSSL]);
    github.clear_requests();
    let (code, stdout, stderr) = gate(&repo, &second, Some("42"));
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    let comments = github.comments(42);
    assert_eq!(comments.len(), 1, "never a second comment: {comments:#?}");
    assert_eq!(comments[0].id, comment.id);
    assert_ne!(comments[0].body, comment.body);
    assert_eq!(count(&github, "POST", "/repos/owner/repo/issues/42/comments"), 0);
    assert_eq!(count(&github, "PATCH", &format!("/repos/owner/repo/issues/comments/{}", comment.id)), 1);

    // The same candidate again: the comment is not touched.
    github.clear_requests();
    let (code, _, _) = gate(&repo, &second, Some("42"));
    assert_eq!(code, Some(0));
    assert!(mutations(&github).iter().all(|r| !r.path.contains("/comments")), "{:#?}", mutations(&github));
    assert_eq!(github.comments(42).len(), 1);
}

#[test]
fn gate_publish_review_adds_the_label_and_exits_10() {
    let Gate { github, repo } = gate_setup();
    let same = write_report(&repo, SCAN_2, &[MEDIUM_ZLIB, HIGH_LIBXML]);
    let (code, stdout, stderr) = gate(&repo, &same, Some("42"));
    assert_eq!(code, Some(10), "{stdout}\n{stderr}");
    let pull = github.pull_request(42).expect("pr");
    assert!(pull.labels.contains(&"security-review".to_owned()), "{:?}", pull.labels);
    assert_eq!(pull.auto_merge, None, "review never enables auto-merge");
    let comments = github.comments(42);
    assert_eq!(comments.len(), 1);
    assert!(comments[0].body.contains("review"), "{}", comments[0].body);

    github.clear_requests();
    let (code, _, _) = gate(&repo, &same, Some("42"));
    assert_eq!(code, Some(10));
    assert_eq!(mutations(&github), [], "same decision again: nothing posted");
}

#[test]
fn gate_publish_block_exits_20_and_says_block() {
    let Gate { github, repo } = gate_setup();
    let worse = write_report(&repo, SCAN_2, &[HIGH_OPENSSL, MEDIUM_ZLIB, CRITICAL_GLIBC]);
    let (code, stdout, stderr) = gate(&repo, &worse, Some("42"));
    assert_eq!(code, Some(20), "{stdout}\n{stderr}");
    let comments = github.comments(42);
    assert_eq!(comments.len(), 1);
    assert!(comments[0].body.contains("⛔ block"), "{}", comments[0].body);
    assert!(shows(&comments[0].body, CRITICAL_GLIBC.0));
    assert_eq!(github.pull_request(42).expect("pr").auto_merge, None);
}

#[test]
fn gate_publish_auto_merge_refused_by_the_repository_is_not_an_error() {
    let Gate { github, repo } = gate_setup();
    github.set_auto_merge_allowed(false);
    let better = write_report(&repo, SCAN_2, &[MEDIUM_ZLIB]);
    let (code, stdout, stderr) = gate(&repo, &better, Some("42"));
    assert_eq!(code, Some(0), "the gate's own exit code: {stdout}\n{stderr}");
    let comments = github.comments(42);
    assert_eq!(comments.len(), 1);
    assert!(comments[0].body.contains("Auto-merge could not be enabled"), "{}", comments[0].body);
    assert!(comments[0].body.contains("not allowed for this repository"), "{}", comments[0].body);
    assert_eq!(github.pull_request(42).expect("pr").auto_merge, None);
}

#[test]
fn gate_in_github_actions_writes_outputs_and_takes_the_pr_from_the_event() {
    let Gate { github, mut repo } = gate_setup();
    let output = repo.write("runner/output.txt", "");
    let summary = repo.write("runner/summary.md", "");
    let event = repo
        .write("runner/event.json", r#"{"action":"synchronize","number":42,"pull_request":{"number":42}}"#);
    set_env(&mut repo, "GITHUB_ACTIONS", "true");
    set_env(&mut repo, "GITHUB_OUTPUT", &output.display().to_string());
    set_env(&mut repo, "GITHUB_STEP_SUMMARY", &summary.display().to_string());
    set_env(&mut repo, "GITHUB_EVENT_PATH", &event.display().to_string());
    let better = write_report(&repo, SCAN_2, &[MEDIUM_ZLIB]);
    let (code, stdout, stderr) = gate(&repo, &better, None);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    let comments = github.comments(42);
    assert_eq!(comments.len(), 1, "the PR number came from the event payload");
    assert_eq!(std::fs::read_to_string(&output).expect("output"), "decision=allow\n");
    // The summary is written before publishing (so that it exists whatever publishing does):
    // it is the comment but for what publishing did about auto-merge.
    let summary = std::fs::read_to_string(&summary).expect("summary");
    let published =
        comments[0].body.replace("Auto-merge (squash) is enabled for this dependency update.\n\n", "");
    assert_ne!(published, comments[0].body, "auto-merge was enabled");
    assert_eq!(summary, published, "step summary:\n{summary}\ncomment:\n{}", comments[0].body);
}

/// Regression: with a fork's read-only token `gate --publish` failed (exit 1) even on allow.
/// The decision is written first; every refused write is one warning; the exit status is the
/// decision's; the token is never printed.
#[test]
fn gate_publish_with_a_read_only_token_warns_and_keeps_the_decision() {
    const READ_ONLY: &str = "ghs_forkReadOnly0123456789abcdefghij";
    for (vulns, status, decision, refused) in [
        (&[MEDIUM_ZLIB][..], 0, "allow", vec!["auto-merge", "comment"]),
        (&[MEDIUM_ZLIB, HIGH_LIBXML][..], 10, "review", vec!["label", "comment"]),
        (&[HIGH_OPENSSL, MEDIUM_ZLIB, CRITICAL_GLIBC][..], 20, "block", vec!["comment"]),
    ] {
        let Gate { github, mut repo } = gate_setup();
        github.add_read_only_token(READ_ONLY);
        set_env(&mut repo, "GITHUB_TOKEN", READ_ONLY);
        let output = repo.write("runner/output.txt", "");
        let summary = repo.write("runner/summary.md", "");
        set_env(&mut repo, "GITHUB_ACTIONS", "true");
        set_env(&mut repo, "GITHUB_OUTPUT", &output.display().to_string());
        set_env(&mut repo, "GITHUB_STEP_SUMMARY", &summary.display().to_string());
        let report = write_report(&repo, SCAN_2, vulns);
        let args =
            ["--format", "json", "gate", "--image", IMAGE, "--report", &report, "--publish", "--pr", "42"];
        let (code, stdout, stderr) = run(&repo, &args);
        assert_eq!(code, Some(status), "{decision}: {stdout}\n{stderr}");
        assert_eq!(std::fs::read_to_string(&output).expect("output"), format!("decision={decision}\n"));
        assert!(std::fs::read_to_string(&summary).expect("summary").contains(GATE_MARKER));
        let warnings: Vec<&str> = stderr.lines().filter(|l| l.starts_with("::warning::")).collect();
        let expected: Vec<String> = refused
            .iter()
            .map(|what| {
                format!(
                    "::warning::hardline: could not publish to #42 ({what}): Resource not accessible by \
                     integration — a fork's pull request token is read-only; pr-gate-publish.yml \
                     publishes from workflow_run"
                )
            })
            .collect();
        assert_eq!(warnings, expected, "{decision}");
        let json: Value = serde_json::from_str(&stdout).expect("json");
        assert_eq!(json["decision"], decision);
        assert_eq!(
            (json["published"]["refused"].as_bool(), json["published"]["comment"].as_str()),
            (Some(true), Some("refused"))
        );
        assert_eq!(json["published"]["warnings"].as_array().map(Vec::len), Some(refused.len()));
        assert!(github.comments(42).is_empty() && github.pull_request(42).expect("pr").auto_merge.is_none());
        assert!(!stdout.contains(READ_ONLY) && !stderr.contains(READ_ONLY), "the token was printed");
    }
}

/// Anything but a refusal stays an error (exit 1), after the decision was written.
#[test]
fn gate_publish_that_fails_otherwise_is_an_error_after_the_outputs() {
    let Gate { github, mut repo } = gate_setup();
    let output = repo.write("runner/output.txt", "");
    set_env(&mut repo, "GITHUB_ACTIONS", "true");
    set_env(&mut repo, "GITHUB_OUTPUT", &output.display().to_string());
    set_env(&mut repo, "GITHUB_TOKEN", "ghs_notAValidToken000000000000000000");
    let report = write_report(&repo, SCAN_2, &[MEDIUM_ZLIB]);
    let (code, stdout, stderr) = gate(&repo, &report, Some("42"));
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    assert!(stderr.contains("401"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&output).expect("output"), "decision=allow\n");
    assert!(github.comments(42).is_empty());
}

/// `--no-auto-merge`: the comment and the label as usual, never auto-merge.
#[test]
fn gate_publish_no_auto_merge_comments_but_never_merges() {
    let Gate { github, repo } = gate_setup();
    let better = write_report(&repo, SCAN_2, &[MEDIUM_ZLIB]);
    let args = [
        "--format",
        "json",
        "gate",
        "--image",
        IMAGE,
        "--report",
        &better,
        "--publish",
        "--pr",
        "42",
        "--no-auto-merge",
    ];
    let (code, stdout, stderr) = run(&repo, &args);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    let json: Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(json["published"]["auto_merge"], "not requested");
    assert_eq!(github.comments(42).len(), 1);
    assert_eq!(github.pull_request(42).expect("pr").auto_merge, None);
    assert_eq!(count(&github, "POST", "/graphql"), 0, "auto-merge was not even asked for");
    let without_publish = run(&repo, &["gate", "--image", IMAGE, "--report", &better, "--no-auto-merge"]);
    assert_eq!(without_publish.0, Some(2), "--no-auto-merge needs --publish");
}

/// Regression: a `dependencies` label made anyone's pull request eligible for auto-merge, and
/// anyone with triage rights can add a label. The author decides; the old key still reads, with
/// a warning that names its line.
#[test]
fn a_label_no_longer_grants_auto_merge() {
    let Gate { github, repo } = gate_setup();
    github.add_pull_request(43, "mallory", &["dependencies"]);
    repo.write("hardline.toml", "[pull_requests]\ndependency_labels = [\"dependencies\"]\n");
    let better = write_report(&repo, SCAN_2, &[MEDIUM_ZLIB]);
    let (code, stdout, stderr) = gate(&repo, &better, Some("43"));
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert_eq!(github.pull_request(43).expect("pr").auto_merge, None);
    assert_eq!(github.comments(43).len(), 1);
    assert!(
        stderr.contains(
            "hardline.toml:2:21: pull_requests.dependency_labels no longer makes a pull request eligible"
        ),
        "{stderr}"
    );
    let (code, _, _) = gate(&repo, &better, Some("42"));
    assert_eq!(code, Some(0));
    assert_eq!(
        github.pull_request(42).expect("pr").auto_merge.as_deref(),
        Some("SQUASH"),
        "renovate[bot] is"
    );
}

#[test]
fn gate_publish_without_a_pull_request_is_an_error() {
    let Gate { github, repo } = gate_setup();
    let better = write_report(&repo, SCAN_2, &[MEDIUM_ZLIB]);
    let (code, _, stderr) = gate(&repo, &better, None);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("--pr"), "{stderr}");
    assert_eq!(mutations(&github), []);
}

// ---------------------------------------------------------------------------------------
// Hostile report text

/// A report whose ids, packages, titles, URLs and artifact name try every trick.
fn hostile_report(created_at: &str, first_extra: u32) -> String {
    let vulns: [Vuln<'_>; 5] = [
        ("CVE-2026-1000", "@octocat", "HIGH", "1.0`x`", "1.1|2"),
        ("#1", "<script>alert(1)</script>", "HIGH", "1", "2"),
        ("<img src=x onerror=alert(1)>", "pipe|name`tick`", "MEDIUM", "1", ""),
        ("[link](https://evil.example)", "![img](https://evil.example/x.png)", "MEDIUM", "1", ""),
        ("CVE-2026-1004", "big\u{202e}txt.exe", "HIGH", "1", ""),
    ];
    let titles = [
        "ping @octocat and #1 now <img src=x onerror=alert(1)> <script>alert(2)</script>".to_owned(),
        "[link](https://evil.example) ![img](https://evil.example/x.png) `code` | a | b |".to_owned(),
        "bell \u{0007} escape \u{001b}[31mred\u{001b}[0m bidi \u{202e}gnp.exe @octocat #1".to_owned(),
        "see #1 and @octocat\r\n# heading\n<!-- comment --> <details>".to_owned(),
        "@octocat #1 <script>x</script> ![i](https://evil.example/x.png) ".repeat(16_000),
    ];
    let urls = [
        "https://evil.example/a)(b",
        "javascript:alert(1)",
        "https://evil.example/<img>",
        "https://avd.aquasec.com/nvd/cve-2026-1003",
        "https://evil.example/x.png\"onerror=\"alert(1)",
    ];
    let mut report: Value = serde_json::from_str(&trivy_report(created_at, &vulns)).expect("report");
    report["ArtifactName"] = Value::from("@octocat/<script>:#1");
    let items = report["Results"][0]["Vulnerabilities"].as_array_mut().expect("vulns");
    for ((item, title), url) in items.iter_mut().zip(&titles).zip(urls) {
        item["Title"] = Value::from(title.as_str());
        item["Description"] = Value::from(title.as_str());
        item["PrimaryURL"] = Value::from(url);
    }
    // Many more findings whose titles grow the most when escaped (every `@`, `#` and `|`
    // becomes an entity several characters long): lists of them must still fit one body.
    let template = items[0].clone();
    for k in first_extra..first_extra + 150 {
        let mut item = template.clone();
        item["VulnerabilityID"] = Value::from(format!("CVE-2026-{k}"));
        item["PkgName"] = Value::from(format!("@octocat-{k}"));
        item["Title"] = Value::from("@#|&".repeat(100));
        item["PrimaryURL"] = Value::from(format!("https://avd.aquasec.com/nvd/cve-2026-{k}"));
        items.push(item);
    }
    assert!(titles[4].len() >= 1_000_000);
    report.to_string()
}

/// `text` without its code spans, where Markdown is not interpreted.
fn outside_code_spans(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let mut outside = String::new();
        let mut span = String::new();
        let mut in_code = false;
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            if c == '\\' && !in_code {
                outside.push(c);
                outside.extend(chars.next());
            } else if c == '`' {
                if in_code {
                    span.clear();
                }
                in_code = !in_code;
            } else if in_code {
                span.push(c);
            } else {
                outside.push(c);
            }
        }
        // An unclosed backtick is literal text: keep it checked.
        outside.push_str(&span);
        out.push_str(&outside);
        out.push('\n');
    }
    out
}

/// Asserts that `text` (a body sent to GitHub or a Markdown view) carries no live mention,
/// reference, tag, link, image, control character or bidi override, and (when `bounded`)
/// fits in one GitHub body.
fn assert_inert(what: &str, text: &str, bounded: bool) {
    let chars = text.chars().count();
    assert!(!bounded || chars <= MAX_BODY_CHARS, "{what}: {chars} chars");
    for c in text.chars() {
        let bad =
            (c.is_control() && c != '\n') || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        assert!(!bad, "{what}: raw control or bidi character U+{:04X}", u32::from(c));
    }
    let live = outside_code_spans(text);
    for needle in ["@octocat", "<img", "<script", "](https://evil", "![", "<details", "](javascript"] {
        assert!(!live.contains(needle), "{what}: live {needle:?} in\n{}", excerpt(&live, needle));
    }
    // `#1` followed by a non-digit links issue 1; `&#8203;` style entities are fine.
    let bytes = live.as_bytes();
    for (i, _) in live.match_indices('#') {
        let entity = i > 0 && bytes[i - 1] == b'&';
        let reference = bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
        assert!(
            entity || !reference,
            "{what}: live issue reference in\n{}",
            &live[i.saturating_sub(80)..(i + 80).min(live.len())]
        );
    }
}

fn excerpt<'a>(text: &'a str, needle: &str) -> &'a str {
    let at = text.find(needle).unwrap_or(0);
    let start = (0..=at.saturating_sub(120)).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
    let end =
        ((at + 120).min(text.len())..=text.len()).find(|i| text.is_char_boundary(*i)).unwrap_or(text.len());
    &text[start..end]
}

/// Every `title` and `body` the fake received.
fn bodies_sent(github: &FakeGitHub) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for request in github.requests().iter().filter(|r| r.method != "GET") {
        let Ok(json) = serde_json::from_str::<Value>(&request.body) else { continue };
        for field in ["title", "body"] {
            if let Some(text) = json.get(field).and_then(Value::as_str) {
                out.push((format!("{} {} {field}", request.method, request.path), text.to_owned()));
            }
        }
    }
    out
}

#[test]
fn hostile_report_text_is_inert_everywhere_it_is_published() {
    let github = FakeGitHub::start(TOKEN);
    github.add_pull_request(42, "renovate[bot]", &[]);
    github.add_pull_request(43, "renovate[bot]", &[]);
    github.add_pull_request(44, "renovate[bot]", &[]);
    let mut repo = github_repo(&github);
    record(&mut repo, SCAN_1, &[MEDIUM_ZLIB]);
    assert_eq!(sync(&repo), "opened");

    // A PR that brings the hostile findings in: the "New" table.
    let hostile = repo.write("reports/hostile.json", &hostile_report(SCAN_2, 2000)).display().to_string();
    let (code, stdout, stderr) = gate(&repo, &hostile, Some("42"));
    assert_eq!(code, Some(20), "{stdout}\n{stderr}");

    // The hostile scan recorded: issue body and change comment.
    set_env(&mut repo, "HARDLINE_NOW", SCAN_2);
    repo.ok(&["record", "--image", IMAGE, "--report", &hostile]);
    set_env(&mut repo, "HARDLINE_NOW", SCAN_3);
    assert_eq!(sync(&repo), "updated");

    // A PR that fixes them: the "Fixed" table.
    let clean = write_report(&repo, SCAN_3, &[MEDIUM_ZLIB]);
    let (code, stdout, stderr) = gate(&repo, &clean, Some("43"));
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");

    // A PR that swaps them for other hostile findings: full "New" and "Fixed" tables.
    let swapped = repo.write("reports/swapped.json", &hostile_report(SCAN_3, 3000)).display().to_string();
    let (code, stdout, stderr) = gate(&repo, &swapped, Some("44"));
    assert_eq!(code, Some(10), "{stdout}\n{stderr}");
    assert!(github.comments(44)[0].body.contains("more (see `hardline gate --format json`)"));

    // The weekly summary lists them as introduced and oldest; with a few images carrying
    // them, the summary is longer than one body can be.
    for other in ["app-b", "app-c", "app-d"] {
        repo.ok(&["record", "--image", other, "--report", &hostile]);
    }
    repo.ok(&["summary", "--publish"]);
    assert!(repo.read("SECURITY_SUMMARY.md").chars().count() > MAX_BODY_CHARS, "the file keeps everything");
    let before = github.requests().len();
    repo.ok(&["summary", "--publish"]);
    let again: Vec<LoggedRequest> =
        github.requests().into_iter().skip(before).filter(|r| r.method != "GET").collect();
    assert_eq!(again, [], "a cut summary is still published once");

    let sent = bodies_sent(&github);
    assert!(sent.iter().filter(|(what, _)| what.ends_with("body")).count() >= 5, "{sent:#?}");
    for (what, text) in &sent {
        assert_inert(what, text, true);
    }
    // The hostile text did reach the bodies, escaped (not silently dropped).
    let issue = github.issues().into_iter().find(|i| i.body.contains(ISSUE_MARKER)).expect("issue");
    assert!(issue.body.contains("@&#8203;octocat"), "{}", issue.body);
    assert_eq!(github.comments(42).len(), 1);
    assert!(github.comments(42)[0].body.contains("&lt;img src"), "{}", github.comments(42)[0].body);

    for view in [format!("audit-logs/{IMAGE}.md"), "SECURITY_SUMMARY.md".to_owned()] {
        let text = repo.read(&view);
        assert!(!text.is_empty(), "{view} was written");
        assert_inert(&view, &text, false);
    }
    repo.ok(&["verify"]);
}

// ---------------------------------------------------------------------------------------
// Weekly summary

#[test]
fn summary_publish_keeps_one_issue_with_one_comment_per_iso_week() {
    let github = FakeGitHub::start(TOKEN);
    let mut repo = github_repo(&github);
    record(&mut repo, SCAN_1, &[HIGH_OPENSSL, MEDIUM_ZLIB]);
    record(&mut repo, SCAN_2, &[MEDIUM_ZLIB, HIGH_LIBXML]);
    set_env(&mut repo, "HARDLINE_NOW", "2026-03-03T12:00:00Z");

    repo.ok(&["summary", "--publish"]);
    let issues = github.issues();
    assert_eq!(issues.len(), 1);
    let issue = issues[0].clone();
    assert!(issue.body.starts_with(SUMMARY_MARKER));
    assert_eq!(issue.body, repo.read("SECURITY_SUMMARY.md"), "the issue body is the file");
    let comments = github.comments(issue.number);
    assert_eq!(comments.len(), 1);
    assert!(comments[0].body.contains("<!-- hardline:summary-week 2026-W10 -->"), "{}", comments[0].body);

    // Same week, same state: nothing posted or edited.
    github.clear_requests();
    repo.ok(&["summary", "--publish"]);
    assert_eq!(mutations(&github), []);

    // A week later: the body replaced, and a comment for the new week.
    record(&mut repo, "2026-03-09T10:00:00Z", &[HIGH_LIBXML]);
    set_env(&mut repo, "HARDLINE_NOW", "2026-03-10T12:00:00Z");
    repo.ok(&["summary", "--publish"]);
    assert_eq!(github.issues().len(), 1, "still one summary issue");
    let updated = github.issue(issue.number).expect("issue");
    assert_ne!(updated.body, issue.body);
    assert_eq!(updated.body, repo.read("SECURITY_SUMMARY.md"));
    let comments = github.comments(issue.number);
    assert_eq!(comments.len(), 2, "{comments:#?}");
    assert!(comments[0].body.contains("2026-W10"));
    assert!(comments[1].body.contains("<!-- hardline:summary-week 2026-W11 -->"), "{}", comments[1].body);
}

/// The summary issue carries the configured `issues.labels`, like the image issues.
#[test]
fn summary_issue_labels_come_from_the_configuration() {
    let github = FakeGitHub::start(TOKEN);
    let mut repo = github_repo(&github);
    repo.write("hardline.toml", "[issues]\nlabels = [\"sec-team\", \"weekly\"]\n");
    record(&mut repo, SCAN_1, &[HIGH_OPENSSL]);
    repo.ok(&["summary", "--publish"]);
    let issues = github.issues();
    assert_eq!(issues.len(), 1);
    let mut labels = issues[0].labels.clone();
    labels.sort();
    assert_eq!(labels, ["sec-team", "weekly"]);
}

// ---------------------------------------------------------------------------------------
// Local tracker

#[test]
fn issues_sync_without_a_token_uses_the_local_tracker_and_is_idempotent() {
    let mut repo = Repo::new();
    record(&mut repo, SCAN_1, &[HIGH_OPENSSL, MEDIUM_ZLIB]);
    assert_eq!(sync(&repo), "opened");
    let tracker = repo.path().join(".hardline/tracker");
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(tracker.join("issues/1.json")).expect("issues/1.json"))
            .expect("json");
    assert!(json["body"].as_str().is_some_and(|b| b.starts_with(ISSUE_MARKER)), "{json}");
    assert!(json["labels"].as_array().is_some_and(|l| l.contains(&Value::from("image:app"))), "{json}");
    let view = std::fs::read_to_string(tracker.join("issues/1.md")).expect("issues/1.md");
    assert!(shows(&view, HIGH_OPENSSL.0), "{view}");
    assert_eq!(issue_synced_actions(&repo), ["opened"]);

    let files = files_below(&tracker);
    let ledger = repo.snapshot();
    assert_eq!(sync(&repo), "unchanged");
    assert_eq!(files_below(&tracker), files, "a second sync changes no tracker file");
    assert_eq!(repo.snapshot(), ledger);

    // And it follows changes like the GitHub tracker.
    record(&mut repo, SCAN_2, &[MEDIUM_ZLIB, HIGH_LIBXML]);
    assert_eq!(sync(&repo), "updated");
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(tracker.join("issues/1.json")).expect("issues/1.json"))
            .expect("json");
    assert_eq!(json["comments"].as_array().map(Vec::len), Some(1), "{json}");
    repo.ok(&["verify"]);
}

// ---------------------------------------------------------------------------------------
// Token safety

#[test]
fn a_wrong_token_fails_clearly_without_echoing_it() {
    let github = FakeGitHub::start(TOKEN);
    github.add_pull_request(42, "renovate[bot]", &[]);
    let mut repo = github_repo(&github);
    let wrong = "ghp_wrongTokenThatMustNeverBePrinted42";
    set_env(&mut repo, "GITHUB_TOKEN", wrong);
    record(&mut repo, SCAN_1, &[HIGH_OPENSSL, MEDIUM_ZLIB]);
    let better = write_report(&repo, SCAN_2, &[MEDIUM_ZLIB]);
    for args in [
        vec!["issues", "sync"],
        vec!["gate", "--image", IMAGE, "--report", &better, "--publish", "--pr", "42"],
        vec!["summary", "--publish"],
    ] {
        let (code, stdout, stderr) = run(&repo, &args);
        assert_eq!(code, Some(1), "{args:?}: {stdout}\n{stderr}");
        assert!(stderr.contains("GITHUB_TOKEN"), "{args:?}: the error says what to check: {stderr}");
        for secret in [wrong, TOKEN] {
            assert!(!stdout.contains(secret) && !stderr.contains(secret), "{args:?} printed a token");
        }
    }
    assert!(github.issues().is_empty() && github.comments(42).is_empty());
    assert!(issue_synced_actions(&repo).is_empty());
    let leaked: Vec<PathBuf> = files_below(repo.path())
        .into_iter()
        .filter(|(_, bytes)| contains(bytes, wrong))
        .map(|(p, _)| p)
        .collect();
    assert_eq!(leaked, Vec::<PathBuf>::new());
}

/// Runs `args` once per error status, against a GitHub that fails the first request with it
/// and echoes the `Authorization` header in every error message (a server 500 fails every
/// attempt): the token must reach neither stdout, nor stderr, nor a file.
fn echoed_token_never_reaches_output(args: &[&str]) {
    let github = FakeGitHub::start(TOKEN);
    github.echo_authorization(true);
    github.add_pull_request(42, "renovate[bot]", &[]);
    let mut repo = github_repo(&github);
    record(&mut repo, SCAN_1, &[HIGH_OPENSSL, MEDIUM_ZLIB]);
    let better = write_report(&repo, SCAN_2, &[MEDIUM_ZLIB]);
    let args: Vec<&str> = args.iter().map(|a| if *a == "REPORT" { better.as_str() } else { a }).collect();
    for status in [401, 403, 404, 422, 500] {
        let attempts = if status == 500 { 5 } else { 1 };
        for _ in 0..attempts {
            github.inject(Fault::new("/repos/owner/repo", status));
        }
        let (code, stdout, stderr) = run(&repo, &args);
        assert_eq!(code, Some(1), "{args:?} with {status}: {stdout}\n{stderr}");
        assert!(
            stderr.contains("Authorization: Bearer ***"),
            "{args:?} with {status}: the echo, scrubbed: {stderr}"
        );
        for text in [&stdout, &stderr] {
            assert!(
                !text.contains(TOKEN) && !text.contains(&TOKEN[..12]),
                "{args:?} with {status} printed the token:\n{text}"
            );
        }
        assert_eq!(github.pending_faults(), 0, "{args:?} with {status}");
    }
    let leaked: Vec<PathBuf> = files_below(repo.path())
        .into_iter()
        .filter(|(_, bytes)| contains(bytes, TOKEN))
        .map(|(p, _)| p)
        .collect();
    assert_eq!(leaked, Vec::<PathBuf>::new());
}

#[test]
fn issues_sync_never_prints_a_token_the_server_echoes() {
    echoed_token_never_reaches_output(&["issues", "sync"]);
}

#[test]
fn summary_publish_never_prints_a_token_the_server_echoes() {
    echoed_token_never_reaches_output(&["summary", "--publish"]);
}

#[test]
fn gate_publish_never_prints_a_token_the_server_echoes() {
    echoed_token_never_reaches_output(&[
        "gate",
        "--image",
        IMAGE,
        "--report",
        "REPORT",
        "--publish",
        "--pr",
        "42",
    ]);
}

#[test]
fn a_token_echoed_in_a_graphql_refusal_reaches_neither_the_comment_nor_the_output() {
    let Gate { github, repo } = gate_setup();
    github.echo_authorization(true);
    github.set_auto_merge_allowed(false);
    let better = write_report(&repo, SCAN_2, &[MEDIUM_ZLIB]);
    for format in ["human", "json"] {
        let (code, stdout, stderr) = run(
            &repo,
            &["--format", format, "gate", "--image", IMAGE, "--report", &better, "--publish", "--pr", "42"],
        );
        assert_eq!(code, Some(0), "{stdout}\n{stderr}");
        assert!(!stdout.contains(TOKEN) && !stderr.contains(TOKEN), "{stdout}\n{stderr}");
    }
    let comments = github.comments(42);
    assert!(comments[0].body.contains("not allowed for this repository"), "{}", comments[0].body);
    assert!(github.requests().iter().all(|r| !r.body.contains(TOKEN)), "no request carried it in a body");
}

#[test]
fn a_token_in_the_wrong_variable_is_not_printed_either() {
    // GITHUB_REPOSITORY set to the token by mistake: the error about the variable must not
    // repeat its value, whoever formats it.
    let github = FakeGitHub::start(TOKEN);
    let mut repo = github_repo(&github);
    set_env(&mut repo, "GITHUB_REPOSITORY", TOKEN);
    record(&mut repo, SCAN_1, &[HIGH_OPENSSL]);
    let (code, stdout, stderr) = run(&repo, &["issues", "sync"]);
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    assert!(stderr.contains("GITHUB_REPOSITORY must be owner/repo"), "{stderr}");
    assert!(stderr.contains("\"***\""), "the value, scrubbed: {stderr}");
    assert!(!stderr.contains(TOKEN) && !stdout.contains(TOKEN), "{stderr}");
}

#[test]
fn a_rerun_of_an_allowed_gate_does_not_ask_for_auto_merge_again() {
    let Gate { github, repo } = gate_setup();
    let better = write_report(&repo, SCAN_2, &[MEDIUM_ZLIB, LOW_CURL]);
    let (code, stdout, stderr) = gate(&repo, &better, Some("42"));
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert_eq!(count(&github, "POST", "/graphql"), 1);
    let comment = github.comments(42)[0].clone();
    github.clear_requests();
    let json = repo.json(&["gate", "--image", IMAGE, "--report", &better, "--publish", "--pr", "42"]);
    assert_eq!(json["published"]["auto_merge"], "enabled", "{json}");
    assert_eq!(count(&github, "POST", "/graphql"), 0, "the pull request says auto-merge is on");
    assert_eq!(mutations(&github), [], "nothing posted at all");
    assert_eq!(github.comments(42), [comment], "the comment still says it is enabled");
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[test]
fn the_token_never_reaches_output_the_ledger_or_the_working_files() {
    let github = FakeGitHub::start(TOKEN);
    github.add_pull_request(42, "renovate[bot]", &[]);
    let mut repo = github_repo(&github);
    record(&mut repo, SCAN_1, &[HIGH_OPENSSL, MEDIUM_ZLIB]);
    let better = write_report(&repo, SCAN_2, &[MEDIUM_ZLIB]);
    let mut outputs = Vec::new();
    for format in ["human", "json"] {
        for args in [
            vec!["issues", "sync"],
            vec!["gate", "--image", IMAGE, "--report", &better, "--publish", "--pr", "42", "--record"],
            vec!["summary", "--publish"],
            vec!["status"],
            vec!["verify"],
        ] {
            let mut all = vec!["--format", format];
            all.extend(args);
            let (code, stdout, stderr) = run(&repo, &all);
            assert!(matches!(code, Some(0)), "{all:?}: {stdout}\n{stderr}");
            outputs.push(stdout);
            outputs.push(stderr);
        }
    }
    assert!(!github.comments(42).is_empty() && !github.issues().is_empty(), "something was published");
    for text in &outputs {
        assert!(!text.contains(TOKEN), "a token in output:\n{text}");
    }
    let leaked: Vec<PathBuf> = files_below(repo.path())
        .into_iter()
        .filter(|(_, bytes)| contains(bytes, TOKEN))
        .map(|(p, _)| p)
        .collect();
    assert_eq!(leaked, Vec::<PathBuf>::new(), "ledger, views, .hardline/ and reports hold no token");
    // Nor did the token travel in a request body.
    assert!(github.requests().iter().all(|r| !r.body.contains(TOKEN)));
}

/// Issue noise: a comment (which notifies every watcher) only when the MEDIUM+ open set
/// changes — a finding new, fixed, or of another severity. A version bump that keeps a finding,
/// an accepted risk, a KEV listing or scans that stopped update the body silently.
#[test]
fn only_a_changed_open_set_earns_a_comment_the_rest_updates_the_body_silently() {
    let github = FakeGitHub::start(TOKEN);
    let mut repo = github_repo(&github);
    let medium: Vuln<'_> = ("CVE-2026-0100", "zlib1g", "MEDIUM", "1.3-1", "");
    record(&mut repo, "2026-03-02T04:00:00Z", &[medium, HIGH_OPENSSL]);
    assert_eq!(sync(&repo), "opened");
    let number = github.issues()[0].number;

    // The same findings in new versions (and a fix now known): the body follows, silently.
    let bumped: Vuln<'_> = ("CVE-2026-0100", "zlib1g", "MEDIUM", "1.3-2", "1.3-3");
    record(&mut repo, "2026-03-09T04:00:00Z", &[bumped, HIGH_OPENSSL]);
    assert_eq!(sync(&repo), "updated");
    let issue = github.issue(number).expect("the issue");
    assert!(issue.body.contains("1 fixable"), "the body shows the new fix: {}", issue.body);
    assert_eq!(github.comments(number).len(), 0, "no comment for versions alone");

    // An exception accepts the MEDIUM: the body marks it as accepted risk, silently too.
    repo.write(
        "security/exceptions.toml",
        "[[exception]]\nid = \"CVE-2026-0100\"\nreason = \"not reachable\"\nexpires = \"2026-12-31\"\n",
    );
    assert_eq!(sync(&repo), "updated");
    let issue = github.issue(number).expect("the issue");
    assert!(issue.body.contains("### Accepted risks (1, not counted)"), "{}", issue.body);
    assert!(issue.body.contains("accepted until 2026-12-31") && issue.body.contains("not reachable"));
    assert_eq!(
        github.comments(number).len(),
        0,
        "accepting a risk is a decision already made in a pull request"
    );

    // Three weeks without a scan: the body says the scans stopped; still no comment.
    set_env(&mut repo, "HARDLINE_NOW", "2026-03-31T04:00:00Z");
    assert_eq!(sync(&repo), "updated");
    let issue = github.issue(number).expect("the issue");
    assert!(
        issue.body.contains("**Scans have stopped**: no scan has been recorded since 2026-03-09"),
        "{}",
        issue.body
    );
    assert_eq!(github.comments(number).len(), 0);
    github.clear_requests();
    assert_eq!(sync(&repo), "unchanged");
    assert_eq!(mutations(&github), []);

    // A severity change is news: one comment naming it.
    let critical: Vuln<'_> = (HIGH_OPENSSL.0, HIGH_OPENSSL.1, "CRITICAL", HIGH_OPENSSL.3, HIGH_OPENSSL.4);
    record(&mut repo, "2026-04-01T04:00:00Z", &[bumped, critical]);
    assert_eq!(sync(&repo), "updated");
    let comments = github.comments(number);
    assert_eq!(comments.len(), 1, "{comments:#?}");
    assert!(
        comments[0].body.contains("0 new, 0 fixed, 1 changed") && comments[0].body.contains("severity"),
        "{}",
        comments[0].body
    );
    assert!(!github.issue(number).expect("the issue").body.contains("Scans have stopped"));
    repo.ok(&["verify"]);
}

// ---------------------------------------------------------------------------------------
// The tracker as a witness of the ledger

/// Re-seals the log from event `seq` on after `edit` changed that event: every hash
/// recomputed and every `prev` relinked, so the chain alone verifies.
fn reseal_from(repo: &Repo, seq: usize, edit: impl FnOnce(&mut Value)) {
    let mut events = events(repo);
    edit(&mut events[seq - 1]);
    for i in seq - 1..events.len() {
        if i > 0 {
            let prev = events[i - 1]["hash"].clone();
            events[i]["prev"] = prev;
        }
        let hash = hardline_ledger::event::hash_value(&events[i]);
        events[i]["hash"] = Value::from(hash);
    }
    let text: String = events.iter().map(|e| serde_json::to_string(e).expect("json") + "\n").collect();
    std::fs::write(repo.path().join(format!("audit-logs/{IMAGE}.jsonl")), text).expect("write the log");
}

/// `verify --tracker`: its exit status and stdout.
fn verify_tracker(repo: &Repo) -> (Option<i32>, String) {
    let (code, stdout, stderr) = run(repo, &["verify", "--tracker"]);
    assert!(!stdout.contains(TOKEN) && !stderr.contains(TOKEN), "the token leaked");
    (code, stdout)
}

/// The issue records the chain head it was synced from, and `verify --tracker` checks the log
/// still holds it: a truncated-and-rebuilt log, or a re-sealed edit of that event, verifies
/// alone but not against the issue.
#[test]
fn verify_tracker_catches_a_truncated_or_resealed_log_the_chain_alone_accepts() {
    let github = FakeGitHub::start(TOKEN);
    let mut repo = github_repo(&github);
    record(&mut repo, SCAN_1, &[HIGH_OPENSSL, MEDIUM_ZLIB]);
    assert_eq!(sync(&repo), "opened");
    let body = github.issues().into_iter().next().expect("an issue").body;
    let scan = &events(&repo)[0];
    let line = format!("<!-- hardline:chain-head seq=1 sha256={} ", scan["hash"].as_str().expect("hash"));
    assert!(body.contains(&line), "the body records the scan event it was synced from:\n{body}");
    assert_eq!(sync(&repo), "unchanged", "its own issue event does not make the next sync rewrite the body");

    // A new scan that changes nothing the body shows: a new head, the body updated silently.
    record(&mut repo, SCAN_2, &[HIGH_OPENSSL, MEDIUM_ZLIB]);
    let comments = count(&github, "POST", "/repos/owner/repo/issues/1/comments");
    assert_eq!(sync(&repo), "updated");
    assert_eq!(
        count(&github, "POST", "/repos/owner/repo/issues/1/comments"),
        comments,
        "no comment for a head"
    );
    let body = github.issues().into_iter().next().expect("an issue").body;
    assert!(body.contains("<!-- hardline:chain-head seq=3 "), "{body}");
    let (code, said) = verify_tracker(&repo);
    assert_eq!(code, Some(0), "{said}");
    assert!(said.contains("app: issue #1 records event 3") && said.contains("holds"), "{said}");

    let log = repo.path().join(format!("audit-logs/{IMAGE}.jsonl"));
    let whole = std::fs::read_to_string(&log).expect("read the log");

    // Truncated to before the witnessed event and rebuilt: the chain verifies, the issue not.
    let kept: String = whole.lines().take(2).map(|l| format!("{l}\n")).collect();
    std::fs::write(&log, kept).expect("truncate");
    repo.ok(&["rebuild"]);
    repo.ok(&["verify"]);
    let (code, said) = verify_tracker(&repo);
    assert_eq!(code, Some(3), "{said}");
    assert!(said.contains("audit-logs/app.jsonl:3: issue #1 records event 3"), "{said}");
    assert!(said.contains("the log ends before it"), "{said}");

    // The witnessed event edited and re-sealed (and the event after it relinked): the same.
    std::fs::write(&log, &whole).expect("restore");
    repo.ok(&["rebuild"]);
    reseal_from(&repo, 3, |event| {
        event["body"]["payload"]["scan"]["artifact_name"] = Value::from("app:a-different-image")
    });
    repo.ok(&["rebuild"]);
    repo.ok(&["verify"]);
    let (code, said) = verify_tracker(&repo);
    assert_eq!(code, Some(3), "{said}");
    assert!(said.contains("audit-logs/app.jsonl:3: issue #1 records event 3"), "{said}");
    assert!(said.contains("the event was rewritten"), "{said}");
    assert!(said.contains("ledger does NOT verify"), "{said}");
}

/// An issue synced before hardline recorded chain heads is no witness, not a failure; a
/// tracker that fails is an error, not a verdict.
#[test]
fn verify_tracker_without_a_witness_passes_and_a_failing_tracker_is_an_error() {
    let github = FakeGitHub::start(TOKEN);
    let mut repo = github_repo(&github);
    record(&mut repo, SCAN_1, &[HIGH_OPENSSL]);
    let (code, said) = verify_tracker(&repo);
    assert_eq!(code, Some(0), "{said}");
    assert!(said.contains("app: no issue, no witness"), "{said}");

    assert_eq!(sync(&repo), "opened");
    let issue = github.issues().into_iter().next().expect("an issue");
    let old_body: String =
        issue.body.lines().filter(|l| !l.contains("hardline:chain-head")).map(|l| format!("{l}\n")).collect();
    github.set_issue_body(issue.number, &old_body);
    let (code, said) = verify_tracker(&repo);
    assert_eq!(code, Some(0), "{said}");
    assert!(said.contains("app: issue #1, no witness"), "{said}");

    set_env(&mut repo, "GITHUB_TOKEN", "ghs_notAValidToken000000000000000000");
    let (code, stdout, stderr) = run(&repo, &["verify", "--tracker"]);
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert!(!stdout.contains("ghs_notAValidToken") && !stderr.contains("ghs_notAValidToken"), "{stderr}");
}
