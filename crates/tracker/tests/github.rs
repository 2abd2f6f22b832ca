//! The real `GitHubTracker` against `FakeGitHub` on loopback.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use hardline_fake_github::{FakeGitHub, Fault};
use hardline_tracker::{
    AutoMerge, Clock, GitHubToken, GitHubTracker, IssueState, IssueUpdate, PullRequestState, Tracker,
    TrackerError,
};

const TOKEN: &str = "ghs_fake_token_Zq8x1";
const REPO: &str = "acme/images";
const ISSUES: &str = "/repos/acme/images/issues";
const MARKER: &str = "<!-- hardline:issue image=postgres-secured -->";
const NOW: u64 = 1_800_000_000;

/// A clock that never sleeps and records what it was asked to sleep.
#[derive(Default)]
struct TestClock {
    sleeps: Mutex<Vec<Duration>>,
}

impl TestClock {
    fn sleeps(&self) -> Vec<Duration> {
        self.sleeps.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }
}

impl Clock for TestClock {
    fn now_epoch_seconds(&self) -> u64 {
        NOW
    }

    fn sleep(&self, duration: Duration) {
        self.sleeps.lock().unwrap_or_else(PoisonError::into_inner).push(duration);
    }
}

fn tracker_with_token(github: &FakeGitHub, token: &str) -> (GitHubTracker, Arc<TestClock>) {
    let clock = Arc::new(TestClock::default());
    let tracker = GitHubTracker::new(&github.url(), GitHubToken::new(token).expect("token"), REPO)
        .expect("tracker")
        .with_clock(clock.clone());
    (tracker, clock)
}

fn tracker(github: &FakeGitHub) -> (GitHubTracker, Arc<TestClock>) {
    tracker_with_token(github, TOKEN)
}

fn count(github: &FakeGitHub, method: &str, prefix: &str) -> usize {
    github.requests().iter().filter(|r| r.method == method && r.path.starts_with(prefix)).count()
}

fn issue_body() -> String {
    format!("{MARKER}\n\n2 HIGH findings are open.\n")
}

#[test]
fn create_then_find_by_marker_on_page_two_returns_lowest_number() {
    let github = FakeGitHub::start(TOKEN);
    let (mut tracker, _) = tracker(&github);
    let created = tracker
        .create_issue("postgres-secured: 2 open findings", &issue_body(), &["security"])
        .expect("created");
    assert_eq!(created.number, 1);
    assert_eq!(created.state, IssueState::Open);
    assert_eq!(created.labels, vec!["security".to_owned()]);
    assert_eq!(created.html_url, "https://github.com/acme/images/issues/1");
    github.seed_issues(150);
    github.add_issue("duplicate", &issue_body(), &[]);
    github.add_pull_request(200, "renovate[bot]", &[]);
    github.clear_requests();

    let found = tracker.find_issue(MARKER, None).expect("search").expect("found");
    assert_eq!(found.number, 1, "lowest-numbered match");
    assert_eq!(found.body, issue_body());
    let pages: Vec<String> = github.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(pages.len(), 2, "{pages:?}");
    assert!(pages[0].contains("per_page=100") && pages[0].contains("state=all"));
    assert!(pages[1].contains("page=2"), "{pages:?}");
    assert!(tracker.find_issue("<!-- hardline:issue image=nginx -->", None).expect("search").is_none());
}

#[test]
fn finds_an_issue_after_its_label_was_removed() {
    let github = FakeGitHub::start(TOKEN);
    let (mut tracker, _) = tracker(&github);
    let created = tracker.create_issue("title", &issue_body(), &["security"]).expect("created");
    let labelled = tracker.find_issue(MARKER, Some("security")).expect("search").expect("found");
    assert_eq!(labelled.number, created.number);
    github.remove_label(created.number, "security");
    github.clear_requests();

    let found = tracker.find_issue(MARKER, Some("security")).expect("search").expect("found");
    assert_eq!(found.number, created.number);
    let paths: Vec<String> = github.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(paths.len(), 2);
    assert!(paths[0].contains("labels=security"));
    assert!(!paths[1].contains("labels="));
}

#[test]
fn labels_with_spaces_are_encoded() {
    let github = FakeGitHub::start(TOKEN);
    let (mut tracker, _) = tracker(&github);
    tracker.create_issue("t", &issue_body(), &["security scan"]).expect("created");
    github.clear_requests();
    let found = tracker.find_issue(MARKER, Some("security scan")).expect("search");
    assert!(found.is_some());
    assert_eq!(github.requests().len(), 1, "found by the label query alone");
}

#[test]
fn updates_body_and_state_then_finds_the_closed_issue() {
    let github = FakeGitHub::start(TOKEN);
    let (mut tracker, _) = tracker(&github);
    let created = tracker.create_issue("title", &issue_body(), &[]).expect("created");
    let update = IssueUpdate {
        body: Some(format!("{MARKER}\n\nAll clear.\n")),
        state: Some(IssueState::Closed),
        ..IssueUpdate::default()
    };
    let updated = tracker.update_issue(created.number, &update).expect("updated");
    assert_eq!(updated.state, IssueState::Closed);
    assert_eq!(updated.title, "title");
    let stored = github.issue(created.number).expect("stored");
    assert_eq!(stored.state, "closed");
    assert!(stored.body.contains("All clear."));
    let found = tracker.find_issue(MARKER, None).expect("search").expect("closed issues are found");
    assert_eq!(found.state, IssueState::Closed);
    let reopened = tracker
        .update_issue(
            created.number,
            &IssueUpdate { state: Some(IssueState::Open), ..IssueUpdate::default() },
        )
        .expect("reopened");
    assert_eq!(reopened.state, IssueState::Open);
}

#[test]
fn lists_every_page_of_comments_in_order() {
    let github = FakeGitHub::start(TOKEN);
    let (mut tracker, _) = tracker(&github);
    let number = github.add_issue("t", "b", &[]);
    github.seed_comments(number, 250);
    github.clear_requests();
    let comments = tracker.list_comments(number).expect("comments");
    assert_eq!(comments.len(), 250);
    assert_eq!(comments[0].body, "Seeded comment 1");
    assert_eq!(comments[249].body, "Seeded comment 250");
    assert!(comments.windows(2).all(|w| w[0].id < w[1].id));
    assert_eq!(github.requests().len(), 3);
}

#[test]
fn creates_and_updates_comments_and_adds_labels() {
    let github = FakeGitHub::start(TOKEN);
    let (mut tracker, _) = tracker(&github);
    let number = github.add_issue("t", "b", &["security"]);
    let comment = tracker.create_comment(number, "first").expect("comment");
    let updated = tracker.update_comment(comment.id, "first, edited").expect("updated");
    assert_eq!(updated.id, comment.id);
    assert_eq!(updated.body, "first, edited");
    assert!(updated.html_url.ends_with(&format!("#issuecomment-{}", comment.id)));
    assert_eq!(github.comments(number)[0].body, "first, edited");
    tracker.add_labels(number, &["hardline", "security"]).expect("labels");
    assert_eq!(github.issue(number).expect("issue").labels, vec!["hardline", "security"]);
    tracker.add_labels(number, &[]).expect("no labels, no request");
}

#[test]
fn rate_limit_403_waits_until_the_reset_then_succeeds() {
    let github = FakeGitHub::start(TOKEN);
    let (mut tracker, clock) = tracker(&github);
    let reset = (NOW + 7).to_string();
    github.fail_next(ISSUES, 403, &[("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", &reset)]);
    tracker.create_issue("t", &issue_body(), &[]).expect("created after the wait");
    assert_eq!(clock.sleeps(), vec![Duration::from_secs(7)]);
    assert_eq!(github.issues().len(), 1);
    assert_eq!(count(&github, "POST", ISSUES), 2);
    assert_eq!(count(&github, "GET", ISSUES), 0, "a rate-limited create needs no re-check");
}

#[test]
fn too_many_requests_honours_retry_after() {
    let github = FakeGitHub::start(TOKEN);
    let (mut tracker, clock) = tracker(&github);
    let number = github.add_issue("t", "b", &[]);
    github.fail_next(ISSUES, 429, &[("retry-after", "3")]);
    let comments = tracker.list_comments(number).expect("listed after the wait");
    assert!(comments.is_empty());
    assert_eq!(clock.sleeps(), vec![Duration::from_secs(3)]);
}

#[test]
fn a_rate_limit_longer_than_max_wait_fails_without_sleeping() {
    let github = FakeGitHub::start(TOKEN);
    let (mut tracker, clock) = tracker(&github);
    let reset = (NOW + 3_600).to_string();
    github.fail_next(ISSUES, 403, &[("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", &reset)]);
    let err = tracker.create_issue("t", &issue_body(), &[]).expect_err("rate limited");
    assert!(
        matches!(err, TrackerError::RateLimited { retry_after: Some(d), .. } if d == Duration::from_secs(3_600))
    );
    assert!(err.to_string().contains("3600s"), "{err}");
    assert!(clock.sleeps().is_empty());
    assert!(github.issues().is_empty());
}

#[test]
fn a_plain_403_is_not_retried() {
    let github = FakeGitHub::start(TOKEN);
    let (mut tracker, clock) = tracker(&github);
    github.inject(Fault::new(ISSUES, 403).body(r#"{"message":"Must have admin rights to Repository."}"#));
    let err = tracker.create_issue("t", "b", &[]).expect_err("forbidden");
    assert!(matches!(err, TrackerError::Http { status: 403, .. }));
    assert_eq!(
        err.to_string(),
        "GitHub answered POST /repos/acme/images/issues with 403: Must have admin rights to Repository."
    );
    assert!(clock.sleeps().is_empty());
}

/// A fork's pull request token may read but not write: GitHub's 403 on REST and a `FORBIDDEN`
/// error on GraphQL are both a refusal, told apart from every other failure, never retried.
#[test]
fn a_read_only_token_is_refused_its_writes() {
    const READ_ONLY: &str = "ghs_fork_read_only_Qx7";
    let github = FakeGitHub::start(TOKEN);
    github.add_read_only_token(READ_ONLY);
    github.add_pull_request(7, "renovate[bot]", &[]);
    let (mut tracker, clock) = tracker_with_token(&github, READ_ONLY);
    let pr = tracker.pull_request(7).expect("reads are allowed");
    assert!(tracker.list_comments(7).expect("reads are allowed").is_empty());
    let comment = tracker.create_comment(7, "hello").expect_err("refused");
    assert!(comment.is_refused(), "{comment}");
    assert_eq!(
        comment.to_string(),
        "GitHub refused POST /repos/acme/images/issues/7/comments: Resource not accessible by integration"
    );
    assert_eq!(comment.tracker_message(), "Resource not accessible by integration");
    assert!(tracker.add_labels(7, &["security-review"]).expect_err("refused").is_refused());
    assert!(tracker.enable_auto_merge(&pr).expect_err("refused").is_refused());
    assert!(clock.sleeps().is_empty(), "a refusal is final");
    let shown = format!("{comment:?} {comment}");
    assert!(!shown.contains(READ_ONLY));
}

#[test]
fn bad_gateway_before_processing_is_retried_once_after_a_check() {
    let github = FakeGitHub::start(TOKEN);
    let (mut tracker, clock) = tracker(&github);
    github.inject(Fault::new(ISSUES, 502).method("POST"));
    let created = tracker.create_issue("t", &issue_body(), &["security"]).expect("created");
    assert_eq!(github.issues().len(), 1);
    assert_eq!(created.number, 1);
    assert_eq!(count(&github, "POST", ISSUES), 2);
    assert_eq!(count(&github, "GET", ISSUES), 1, "checked before posting again");
    assert_eq!(clock.sleeps(), vec![Duration::from_millis(500)]);
}

#[test]
fn bad_gateway_after_processing_creates_no_duplicate_issue() {
    let github = FakeGitHub::start(TOKEN);
    let (mut tracker, _) = tracker(&github);
    github.seed_issues(3);
    github.inject(Fault::new(ISSUES, 502).method("POST").after_processing());
    let created = tracker.create_issue("t", &issue_body(), &["security"]).expect("recovered");
    assert_eq!(created.number, 4);
    assert_eq!(created.body, issue_body());
    assert_eq!(github.issues().len(), 4, "no duplicate");
    assert_eq!(count(&github, "POST", ISSUES), 1);
}

#[test]
fn bad_gateway_after_processing_creates_no_duplicate_comment() {
    let github = FakeGitHub::start(TOKEN);
    let (mut tracker, _) = tracker(&github);
    let number = github.add_issue("t", "b", &[]);
    github.seed_comments(number, 2);
    let path = format!("{ISSUES}/{number}/comments");
    github.inject(Fault::new(&path, 502).method("POST").after_processing());
    let comment = tracker.create_comment(number, "The gate allowed this change.").expect("recovered");
    let stored = github.comments(number);
    assert_eq!(stored.len(), 3, "no duplicate");
    assert_eq!(stored[2].id, comment.id);
    assert_eq!(count(&github, "POST", &path), 1);

    github.inject(Fault::new(&path, 502).method("POST"));
    tracker.create_comment(number, "Second change.").expect("retried");
    assert_eq!(github.comments(number).len(), 4);
    assert_eq!(count(&github, "POST", &path), 3);
}

#[test]
fn persistent_server_errors_give_up_after_five_attempts() {
    let github = FakeGitHub::start(TOKEN);
    let (mut tracker, clock) = tracker(&github);
    for _ in 0..5 {
        github.fail_next("/repos/acme/images/pulls/", 503, &[]);
    }
    github.add_pull_request(3, "renovate[bot]", &[]);
    let err = tracker.pull_request(3).expect_err("gave up");
    assert!(matches!(err, TrackerError::Http { status: 503, .. }), "{err}");
    let ms: Vec<u128> = clock.sleeps().iter().map(Duration::as_millis).collect();
    assert_eq!(ms, vec![500, 1_000, 2_000, 4_000]);
    assert_eq!(github.pending_faults(), 0);
}

#[test]
fn oversize_body_is_refused_with_a_clear_error_and_not_retried() {
    let github = FakeGitHub::start(TOKEN);
    let (mut tracker, clock) = tracker(&github);
    let body = "x".repeat(65_537);
    let err = tracker.create_issue("t", &body, &[]).expect_err("too long");
    assert!(matches!(err, TrackerError::Rejected { .. }));
    assert_eq!(
        err.to_string(),
        "GitHub refused the body of POST /repos/acme/images/issues: body is too long (maximum is 65536 characters)"
    );
    assert_eq!(count(&github, "POST", ISSUES), 1);
    assert!(clock.sleeps().is_empty());
    let exactly = "é".repeat(65_536);
    tracker.create_issue("t", &exactly, &[]).expect("65,536 characters is allowed");
}

#[test]
fn reads_a_pull_request_and_enables_auto_merge() {
    let github = FakeGitHub::start(TOKEN);
    let (mut tracker, _) = tracker(&github);
    github.add_pull_request(7, "renovate[bot]", &["dependencies"]);
    let pr = tracker.pull_request(7).expect("pull request");
    assert_eq!(pr.number, 7);
    assert_eq!(
        format!("{:?}", pr.handle),
        "PullRequestHandle(\"PR_fake7\")",
        "the GraphQL node id, opaquely"
    );
    assert_eq!(pr.author, "renovate[bot]");
    assert_eq!(pr.labels, vec!["dependencies"]);
    assert_eq!(pr.head_sha.len(), 40);
    assert_eq!(pr.state, PullRequestState::Open);
    assert_eq!(tracker.enable_auto_merge(&pr).expect("enabled"), AutoMerge::Enabled);
    assert_eq!(github.pull_request(7).expect("pr").auto_merge.as_deref(), Some("SQUASH"));
    let graphql = github.requests().into_iter().find(|r| r.path == "/graphql").expect("graphql call");
    assert!(graphql.body.contains("enablePullRequestAutoMerge") && graphql.body.contains("PR_fake7"));
    let comment = tracker.create_comment(7, "gate: allow").expect("PR comment");
    assert_eq!(tracker.list_comments(7).expect("list"), vec![comment]);
}

#[test]
fn auto_merge_not_allowed_is_unavailable_not_an_error() {
    let github = FakeGitHub::start(TOKEN);
    let (mut tracker, _) = tracker(&github);
    github.add_pull_request(9, "renovate[bot]", &[]);
    github.set_auto_merge_allowed(false);
    let pr = tracker.pull_request(9).expect("pull request");
    let outcome = tracker.enable_auto_merge(&pr).expect("not an error");
    assert_eq!(
        outcome,
        AutoMerge::Unavailable("Pull request Auto merge is not allowed for this repository".to_owned())
    );
    assert_eq!(github.pull_request(9).expect("pr").auto_merge, None);
}

#[test]
fn missing_pull_request_is_not_found() {
    let github = FakeGitHub::start(TOKEN);
    let (mut tracker, _) = tracker(&github);
    let err = tracker.pull_request(404).expect_err("missing");
    assert!(matches!(err, TrackerError::NotFound { .. }));
    assert!(err.to_string().contains("GET /repos/acme/images/pulls/404"), "{err}");
}

#[test]
fn a_bad_token_is_reported_without_the_token() {
    let github = FakeGitHub::start(TOKEN);
    let secret = "ghp_wrongSECRETvalue42";
    let (mut tracker, clock) = tracker_with_token(&github, secret);
    let err = tracker.find_issue(MARKER, Some("security")).expect_err("unauthorized");
    assert!(matches!(err, TrackerError::Unauthorized { status: 401, .. }));
    let shown = format!("{err} {err:?}");
    assert!(shown.contains("Bad credentials"), "{shown}");
    assert!(!shown.contains(secret), "{shown}");
    assert!(clock.sleeps().is_empty(), "401 is not retried");
    let debug = format!("{tracker:?}");
    assert!(!debug.contains(secret) && !debug.contains(TOKEN), "{debug}");
    assert!(debug.contains("GitHubToken(***)"));
    assert_eq!(tracker.describe(), "github acme/images");
    assert_eq!((tracker.kind(), tracker.audit_name()), ("github", "github acme/images".to_owned()));
}

#[test]
fn an_unreachable_api_is_a_transport_error_after_retries() {
    // Port 1 on loopback: privileged and unused, so the connection is refused at once. (A port
    // freed by a listener of this test could be taken by another test's server meanwhile.)
    let port = 1;
    let clock = Arc::new(TestClock::default());
    let mut tracker = GitHubTracker::new(
        &format!("http://127.0.0.1:{port}"),
        GitHubToken::new(TOKEN).expect("token"),
        REPO,
    )
    .expect("tracker")
    .with_clock(clock.clone());
    let err = tracker.list_comments(1).expect_err("unreachable");
    assert!(matches!(err, TrackerError::Transport { .. }), "{err}");
    assert!(!format!("{err:?}").contains(TOKEN));
    assert_eq!(clock.sleeps().len(), 4);
}

/// Whether `text` holds the token, or a telling part of it, in any of its forms.
fn leaks(text: &str, token: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    lower.contains(&token.to_ascii_lowercase()) || lower.contains(&token[..12].to_ascii_lowercase())
}

#[test]
fn a_server_that_echoes_the_authorization_header_never_gets_the_token_into_an_error() {
    let github = FakeGitHub::start(TOKEN);
    github.echo_authorization(true);
    github.add_pull_request(7, "renovate[bot]", &[]);
    let (mut tracker, _) = tracker(&github);
    for status in [401, 403, 404, 422, 500] {
        // 500 is retried (after a look for the issue it may have made): fail every attempt.
        let attempts = if status == 500 { 5 } else { 1 };
        for _ in 0..attempts {
            github.inject(Fault::new(ISSUES, status).method("POST"));
        }
        let err = tracker.create_issue("t", "body", &[]).expect_err("refused");
        let shown = format!("{err} | {err:?}");
        assert!(
            shown.contains("(Authorization: Bearer ***)"),
            "{status}: the echo is there, scrubbed: {shown}"
        );
        assert!(!leaks(&shown, TOKEN), "{status}: {shown}");
    }
    // The fake's own errors (a missing thing, a refused body) echo it too.
    let err = tracker.pull_request(404).expect_err("missing");
    assert!(!leaks(&format!("{err} {err:?}"), TOKEN), "{err}");
    let err = tracker.create_issue("t", &"x".repeat(70_000), &[]).expect_err("too long");
    assert!(!leaks(&format!("{err} {err:?}"), TOKEN), "{err}");
    // GraphQL errors come in a 200: the reason auto-merge is unavailable is scrubbed too (it
    // is written into the pull request's comment).
    github.set_auto_merge_allowed(false);
    let pr = tracker.pull_request(7).expect("pull request");
    match tracker.enable_auto_merge(&pr).expect("not an error") {
        AutoMerge::Unavailable(why) => {
            assert!(why.contains("Bearer ***") && !leaks(&why, TOKEN), "{why}");
        }
        other => panic!("expected unavailable, got {other:?}"),
    }
}

#[test]
fn a_wrong_token_echoed_back_is_scrubbed_as_well() {
    let github = FakeGitHub::start(TOKEN);
    github.echo_authorization(true);
    let wrong = "ghp_wrongSECRETvalue42echo";
    let (mut tracker, _) = tracker_with_token(&github, wrong);
    let err = tracker.find_issue(MARKER, None).expect_err("unauthorized");
    let shown = format!("{err} {err:?}");
    assert!(shown.contains("Bad credentials (Authorization: Bearer ***)"), "{shown}");
    assert!(!leaks(&shown, wrong), "{shown}");
}

#[test]
fn a_pull_request_says_whether_auto_merge_is_on() {
    let github = FakeGitHub::start(TOKEN);
    let (mut tracker, _) = tracker(&github);
    github.add_pull_request(7, "renovate[bot]", &[]);
    let pr = tracker.pull_request(7).expect("pull request");
    assert!(!pr.auto_merge);
    tracker.enable_auto_merge(&pr).expect("enabled");
    assert!(tracker.pull_request(7).expect("pull request").auto_merge);
}
