//! The endpoints the workflow scripts use: pull requests from forks, commit statuses,
//! auto-merge that waits for required statuses, workflow dispatches, read-only tokens, and
//! the control plane the `fake-github` binary is driven through.

use std::io::{Read, Write};
use std::net::TcpStream;

use hardline_fake_github::{FakeGitHub, PullSpec};
use serde_json::{Value, json};

fn call(github: &FakeGitHub, method: &str, path: &str, token: Option<&str>, body: &str) -> (u16, Value) {
    let address = github.url().trim_start_matches("http://").to_owned();
    let mut stream = TcpStream::connect(&address).expect("connect");
    let auth = token.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\n{auth}Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .expect("write");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("read");
    let (head, body) = answer.split_once("\r\n\r\n").expect("head and body");
    let status = head[9..12].parse().expect("status");
    let value = if body.is_empty() { Value::Null } else { serde_json::from_str(body).expect("json body") };
    (status, value)
}

const SHA: &str = "0123456789abcdef0123456789abcdef01234567";

#[test]
fn a_pull_request_from_a_fork_says_so() {
    let github = FakeGitHub::start("t");
    github.add_pull(PullSpec {
        number: 7,
        author: "outsider".into(),
        head_sha: Some(SHA.into()),
        head_ref: Some("patch-1".into()),
        head_repo: Some("outsider/images".into()),
        fork: true,
        ..PullSpec::default()
    });
    github.add_pull_request(8, "renovate[bot]", &["dependencies"]);
    let (status, pr) = call(&github, "GET", "/repos/acme/images/pulls/7", Some("t"), "");
    assert_eq!(status, 200);
    assert_eq!(pr["head"]["repo"]["fork"], true);
    assert_eq!(pr["head"]["repo"]["full_name"], "outsider/images");
    assert_eq!(pr["head"]["sha"], SHA);
    assert_eq!(pr["head"]["label"], "outsider:patch-1");
    assert_eq!(pr["base"]["repo"]["full_name"], "acme/images");
    let (_, pr) = call(&github, "GET", "/repos/acme/images/pulls/8", Some("t"), "");
    assert_eq!(pr["head"]["repo"]["fork"], false);
    assert_eq!(pr["head"]["repo"]["full_name"], "acme/images", "same repository by default");
    assert_eq!(pr["user"]["login"], "renovate[bot]");
}

#[test]
fn a_read_only_token_reads_but_cannot_write() {
    let github = FakeGitHub::start("t");
    github.add_read_only_token("fork-token");
    github.add_pull_request(3, "outsider", &[]);
    assert_eq!(call(&github, "GET", "/repos/a/b/pulls/3", Some("fork-token"), "").0, 200);
    let (status, body) =
        call(&github, "POST", "/repos/a/b/issues/3/comments", Some("fork-token"), r#"{"body":"x"}"#);
    assert_eq!(status, 403);
    assert_eq!(body["message"], "Resource not accessible by integration");
    assert!(github.comments(3).is_empty(), "the refused write changed nothing");
    let mutation = json!({ "query": "mutation { enablePullRequestAutoMerge(input: {pullRequestId: \"PR_fake3\"}) { clientMutationId } }" });
    let (status, body) = call(&github, "POST", "/graphql", Some("fork-token"), &mutation.to_string());
    assert_eq!(status, 200, "GraphQL refuses inside a 200");
    assert_eq!(body["errors"][0]["type"], "FORBIDDEN");
    assert_eq!(github.pull_request(3).expect("pr").auto_merge, None);
    assert_eq!(call(&github, "GET", "/repos/a/b/pulls/3", Some("wrong"), "").0, 401);
}

#[test]
fn auto_merge_waits_for_every_required_status() {
    let github = FakeGitHub::start("t");
    github.set_required_contexts(&["hardline/gate", "build"]);
    github.add_pull(PullSpec {
        number: 5,
        author: "renovate[bot]".into(),
        head_sha: Some(SHA.into()),
        ..PullSpec::default()
    });
    let mutation = json!({ "query": "mutation($id: ID!) { enablePullRequestAutoMerge(input: {pullRequestId: $id, mergeMethod: SQUASH}) { clientMutationId } }", "variables": { "id": "PR_fake5" } });
    assert_eq!(call(&github, "POST", "/graphql", Some("t"), &mutation.to_string()).0, 200);
    let status = |state: &str, context: &str| {
        let body = json!({ "state": state, "context": context, "description": "d" }).to_string();
        call(&github, "POST", &format!("/repos/a/b/statuses/{SHA}"), Some("t"), &body)
    };
    assert_eq!(status("success", "build").0, 201);
    assert!(!github.pull_request(5).expect("pr").merged, "one required status is missing");
    assert_eq!(status("failure", "hardline/gate").0, 201);
    assert!(!github.pull_request(5).expect("pr").merged);
    let (code, _) = status("success", "hardline/gate");
    assert_eq!(code, 201);
    let pr = github.pull_request(5).expect("pr");
    assert!(pr.merged, "the latest status of each required context is success");
    assert_eq!(pr.state, "closed");
    let (_, combined) = call(&github, "GET", &format!("/repos/a/b/commits/{SHA}/status"), Some("t"), "");
    assert_eq!(combined["state"], "success");
    assert_eq!(combined["total_count"], 2, "one entry per context: the latest");
    assert_eq!(github.statuses().len(), 3);
}

#[test]
fn statuses_are_validated_as_github_does() {
    let github = FakeGitHub::start("t");
    let post = |sha: &str, body: Value| {
        call(&github, "POST", &format!("/repos/a/b/statuses/{sha}"), Some("t"), &body.to_string()).0
    };
    assert_eq!(post("main", json!({ "state": "success" })), 422, "a commit SHA is required");
    assert_eq!(post(SHA, json!({ "state": "green" })), 422);
    assert_eq!(post(SHA, json!({ "state": "success", "description": "x".repeat(141) })), 422);
    assert_eq!(post(SHA, json!({ "state": "pending" })), 201);
    assert_eq!(github.statuses()[0].context, "default");
}

#[test]
fn workflow_dispatch_needs_a_dispatchable_workflow_and_a_real_ref() {
    let github = FakeGitHub::start("t");
    github.add_workflow("scan.yml", true);
    github.add_workflow("pr-gate.yml", false);
    let dispatch = |workflow: &str, body: Value| {
        call(
            &github,
            "POST",
            &format!("/repos/a/b/actions/workflows/{workflow}/dispatches"),
            Some("t"),
            &body.to_string(),
        )
    };
    assert_eq!(dispatch("nope.yml", json!({ "ref": "main" })).0, 404);
    let (status, body) = dispatch("pr-gate.yml", json!({ "ref": "main" }));
    assert_eq!(status, 422);
    assert_eq!(body["message"], "Workflow does not have 'workflow_dispatch' trigger");
    assert_eq!(dispatch("scan.yml", json!({})).0, 422, "ref is required");
    assert_eq!(dispatch("scan.yml", json!({ "ref": "gone" })).0, 422);
    assert_eq!(dispatch("scan.yml", json!({ "ref": "main", "inputs": { "reason": "merged #5" } })).0, 204);
    let dispatches = github.dispatches();
    assert_eq!(dispatches.len(), 1);
    assert_eq!(dispatches[0].workflow, "scan.yml");
    assert_eq!(dispatches[0].git_ref, "main");
    assert_eq!(dispatches[0].inputs, r#"{"reason":"merged #5"}"#);
}

#[test]
fn the_control_plane_seeds_and_reports_without_a_token() {
    let github = FakeGitHub::start("t");
    let seed = json!({ "number": 9, "author": "renovate[bot]", "head_sha": SHA, "body": "<!-- x -->" });
    assert_eq!(call(&github, "POST", "/_fake/pulls", None, &seed.to_string()).0, 200);
    assert_eq!(call(&github, "POST", "/_fake/workflows", None, r#"{"file":"scan.yml"}"#).0, 200);
    assert_eq!(call(&github, "POST", "/_fake/read-only-tokens", None, r#"{"token":"ro"}"#).0, 200);
    assert_eq!(
        call(&github, "POST", "/_fake/faults", None, r#"{"path_prefix":"/repos/a/b/pulls","status":502}"#).0,
        200
    );
    assert_eq!(call(&github, "GET", "/repos/a/b/pulls/9", Some("t"), "").0, 502, "the scripted fault");
    let (_, pr) = call(&github, "GET", "/repos/a/b/pulls/9", Some("ro"), "");
    assert_eq!(pr["body"], "<!-- x -->");
    let files: Vec<Value> =
        (0..150).map(|k| json!({ "filename": format!("images/a/f{k}"), "status": "modified" })).collect();
    let seed = json!({ "number": 10, "author": "x", "files": files });
    assert_eq!(call(&github, "POST", "/_fake/pulls", None, &seed.to_string()).0, 200);
    let (_, page) = call(&github, "GET", "/repos/a/b/pulls/10/files?per_page=100&page=2", Some("t"), "");
    assert_eq!(page.as_array().expect("files").len(), 50, "files are paginated");
    assert_eq!(page[0]["filename"], "images/a/f100");
    assert_eq!(call(&github, "POST", "/_fake/pulls", None, "{}").0, 400);
    assert_eq!(call(&github, "POST", "/_fake/pulls", None, "not json").0, 400);
    let (status, state) = call(&github, "GET", "/_fake/state", None, "");
    assert_eq!(status, 200);
    assert_eq!(state["pulls"][0]["number"], 9);
    let paths: Vec<&str> =
        state["requests"].as_array().expect("log").iter().filter_map(|r| r["path"].as_str()).collect();
    assert_eq!(
        paths,
        ["/repos/a/b/pulls/9", "/repos/a/b/pulls/9", "/repos/a/b/pulls/10/files?per_page=100&page=2"],
        "control requests are not logged"
    );
}
