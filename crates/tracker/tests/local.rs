//! `LocalTracker`: files, Markdown views, limits and determinism.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use hardline_tracker::{
    AutoMerge, IssueState, IssueUpdate, LocalPullRequest, LocalTracker, PullRequestState, Tracker,
    TrackerEnv, TrackerError, select,
};

const MARKER: &str = "<!-- hardline:issue image=postgres-secured -->";

fn body(text: &str) -> String {
    format!("{MARKER}\n\n{text}\n")
}

fn tracker_dir(root: &Path) -> PathBuf {
    root.join(".hardline").join("tracker")
}

/// Every file under `dir`, relative path to bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(current) = pending.pop() {
        for entry in std::fs::read_dir(&current).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let relative = path.strip_prefix(dir).expect("relative").display().to_string();
                files.insert(relative, std::fs::read(&path).expect("read file"));
            }
        }
    }
    files
}

/// The same operations a record run would do.
fn script(tracker: &mut LocalTracker) {
    let issue = tracker
        .create_issue(
            "postgres-secured: 2 open findings",
            &body("2 HIGH findings."),
            &["security", "hardline"],
        )
        .expect("create");
    tracker.create_comment(issue.number, "CVE-2026-0001 is new.").expect("comment");
    tracker
        .update_issue(
            issue.number,
            &IssueUpdate { body: Some(body("1 HIGH finding.")), ..IssueUpdate::default() },
        )
        .expect("update");
    tracker.create_comment(issue.number, "CVE-2026-0002 was fixed.").expect("comment");
    tracker.create_issue("nginx-secured: 1 open finding", &body("nginx"), &["security"]).expect("create");
    tracker
        .update_issue(
            issue.number,
            &IssueUpdate { state: Some(IssueState::Closed), ..IssueUpdate::default() },
        )
        .expect("close");
}

#[test]
fn round_trip_with_markdown_views() {
    let root = tempfile::tempdir().expect("tempdir");
    let dir = tracker_dir(root.path());
    let mut tracker = LocalTracker::new(&dir);
    assert_eq!(tracker.find_issue(MARKER, Some("security")).expect("empty tracker"), None);
    script(&mut tracker);

    let found = tracker.find_issue(MARKER, Some("security")).expect("search").expect("found");
    assert_eq!(found.number, 1, "lowest-numbered match");
    assert_eq!(found.state, IssueState::Closed);
    assert_eq!(found.labels, vec!["hardline", "security"]);
    assert_eq!(found.body, body("1 HIGH finding."));
    assert!(found.html_url.ends_with("issues/1.md"));
    let nginx =
        tracker.find_issue("nginx", Some("no-such-label")).expect("search").expect("found without label");
    assert_eq!(nginx.number, 2);

    let comments = tracker.list_comments(1).expect("comments");
    let bodies: Vec<&str> = comments.iter().map(|c| c.body.as_str()).collect();
    assert_eq!(bodies, ["CVE-2026-0001 is new.", "CVE-2026-0002 was fixed."]);
    let edited = tracker.update_comment(comments[1].id, "CVE-2026-0002 was fixed in 1.2.3.").expect("edit");
    assert_eq!(edited.id, comments[1].id);
    tracker.add_labels(2, &["triage", "security"]).expect("labels");

    let files = snapshot(&dir);
    let names: Vec<&str> = files.keys().map(String::as_str).collect();
    assert_eq!(names, ["index.md", "issues/1.json", "issues/1.md", "issues/2.json", "issues/2.md"]);
    let page = String::from_utf8(files["issues/1.md"].clone()).expect("utf-8");
    assert!(page.starts_with(
        "# postgres-secured: 2 open findings (#1)\n\nState: **closed** · Labels: `hardline`, `security`\n"
    ));
    assert!(page.contains("1 HIGH finding."));
    let first = page.find("CVE-2026-0001 is new.").expect("first comment");
    let second = page.find("CVE-2026-0002 was fixed in 1.2.3.").expect("edited comment");
    assert!(first < second);
    let index = String::from_utf8(files["index.md"].clone()).expect("utf-8");
    assert!(index.contains(
        "| [#1](issues/1.md) | closed | postgres-secured: 2 open findings | `hardline`, `security` | 2 |"
    ));
    assert!(
        index.contains(
            "| [#2](issues/2.md) | open | nginx-secured: 1 open finding | `security`, `triage` | 0 |"
        )
    );
    let json = String::from_utf8(files["issues/2.json"].clone()).expect("utf-8");
    assert!(json.ends_with("}\n") && json.contains("\n  \"number\": 2,\n"));
    assert!(tracker.describe().starts_with("local ") && tracker.describe().ends_with("tracker"));
}

#[test]
fn same_operations_give_the_same_bytes() {
    let first = tempfile::tempdir().expect("tempdir");
    let second = tempfile::tempdir().expect("tempdir");
    script(&mut LocalTracker::new(first.path()));
    script(&mut LocalTracker::new(second.path()));
    let before = snapshot(first.path());
    assert_eq!(before, snapshot(second.path()));

    let mut tracker = LocalTracker::new(first.path());
    let issue = tracker.find_issue(MARKER, None).expect("search").expect("found");
    tracker
        .update_issue(issue.number, &IssueUpdate { body: Some(issue.body.clone()), ..IssueUpdate::default() })
        .expect("no-op update");
    assert_eq!(before, snapshot(first.path()), "a no-op changes no byte");
}

#[test]
fn oversize_bodies_are_refused_like_github() {
    let root = tempfile::tempdir().expect("tempdir");
    let mut tracker = LocalTracker::new(root.path());
    let too_long = "x".repeat(65_537);
    let err = tracker.create_issue("t", &too_long, &[]).expect_err("too long");
    assert!(matches!(err, TrackerError::Rejected { .. }));
    assert_eq!(
        err.to_string(),
        "local tracker refused the body of create issue: body is too long (maximum is 65536 characters)"
    );
    assert!(snapshot(root.path()).is_empty(), "nothing written");

    let issue = tracker.create_issue("t", &"ü".repeat(65_536), &[]).expect("65,536 characters fit");
    let update = IssueUpdate { body: Some(too_long.clone()), ..IssueUpdate::default() };
    assert!(tracker.update_issue(issue.number, &update).is_err());
    assert!(tracker.create_comment(issue.number, &too_long).is_err());
    let comment = tracker.create_comment(issue.number, "ok").expect("comment");
    assert!(tracker.update_comment(comment.id, &too_long).is_err());
    assert!(tracker.create_issue("  ", "b", &[]).is_err(), "blank title");
    assert_eq!(tracker.list_comments(issue.number).expect("list")[0].body, "ok");
}

#[test]
fn pull_requests_auto_merge_and_comments() {
    let root = tempfile::tempdir().expect("tempdir");
    let mut tracker = LocalTracker::new(root.path());
    let mut pull = LocalPullRequest::new(5, "renovate[bot]");
    pull.labels = vec!["dependencies".to_owned()];
    pull.head_sha = "a".repeat(40);
    tracker.put_pull_request(&pull).expect("put");

    let pr = tracker.pull_request(5).expect("read");
    assert_eq!(
        format!("{:?}", pr.handle),
        "PullRequestHandle(\"local-pr-5\")",
        "opaque, but the tracker's own"
    );
    assert_eq!(pr.author, "renovate[bot]");
    assert_eq!(pr.state, PullRequestState::Open);
    let comment = tracker.create_comment(5, "gate: allow").expect("PR comment");
    assert!(comment.html_url.ends_with("pulls/5.md#comment-1"));
    tracker.update_comment(comment.id, "gate: allow (edited)").expect("edit in place");
    assert_eq!(tracker.list_comments(5).expect("list").len(), 1);
    assert_eq!(tracker.enable_auto_merge(&pr).expect("enabled"), AutoMerge::Enabled);
    let stored = std::fs::read_to_string(root.path().join("pulls/5.json")).expect("pull file");
    assert!(stored.contains("\"auto_merge\": \"squash\""), "{stored}");
    let view = std::fs::read_to_string(root.path().join("pulls/5.md")).expect("pull view");
    assert!(view.contains("Auto-merge: enabled (squash)") && view.contains("gate: allow (edited)"));

    let issue = tracker.create_issue("next number", "b", &[]).expect("issue");
    assert_eq!(issue.number, 6, "numbers are shared with pull requests");
    assert!(matches!(tracker.pull_request(6), Err(TrackerError::NotFound { .. })));
}

#[test]
fn a_hand_written_pull_file_is_read_and_its_unknown_fields_kept() {
    let root = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(root.path().join("pulls")).expect("mkdir");
    std::fs::write(
        root.path().join("pulls/12.json"),
        r#"{"number": 12, "author": "renovate[bot]", "auto_merge_allowed": false, "title": "Update postgres"}"#,
    )
    .expect("write");
    let mut tracker = LocalTracker::new(root.path());
    let pr = tracker.pull_request(12).expect("read");
    match tracker.enable_auto_merge(&pr).expect("not an error") {
        AutoMerge::Unavailable(reason) => assert!(reason.contains("not allowed"), "{reason}"),
        AutoMerge::Enabled => panic!("auto-merge is not allowed"),
    }
    tracker.add_labels(12, &["security"]).expect("labels");
    let stored = std::fs::read_to_string(root.path().join("pulls/12.json")).expect("pull file");
    assert!(stored.contains("\"title\": \"Update postgres\""), "{stored}");
    assert!(stored.contains("\"security\""));
}

#[test]
fn missing_things_are_not_found() {
    let root = tempfile::tempdir().expect("tempdir");
    let mut tracker = LocalTracker::new(root.path());
    assert!(matches!(tracker.list_comments(1), Err(TrackerError::NotFound { .. })));
    assert!(matches!(tracker.update_comment(1, "x"), Err(TrackerError::NotFound { .. })));
    let update = IssueUpdate { state: Some(IssueState::Closed), ..IssueUpdate::default() };
    assert!(matches!(tracker.update_issue(3, &update), Err(TrackerError::NotFound { .. })));
}

#[test]
fn without_token_the_local_tracker_is_selected() {
    let root = tempfile::tempdir().expect("tempdir");
    let dir = tracker_dir(root.path());
    let env = TrackerEnv::with([("GITHUB_REPOSITORY", "acme/images")]);
    let mut tracker = select(&env, &dir).expect("local");
    assert_eq!(tracker.describe(), format!("local {}", dir.display()));
    assert_eq!((tracker.kind(), tracker.audit_name()), ("local", "local".to_owned()));
    tracker.create_issue("t", &body("b"), &[]).expect("create");
    assert!(dir.join("issues/1.json").exists());
}
