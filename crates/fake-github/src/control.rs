//! The fake's own control plane under `/_fake/`, for tests that drive the fake from another
//! process (shell or Python tests of the workflow scripts, through the `fake-github` binary).
//! Not part of GitHub's API; no token needed (the fake only listens on loopback).
//!
//! | Request | Effect |
//! | --- | --- |
//! | `POST /_fake/pulls` `{number, author, labels?, head_sha?, head_ref?, head_repo?, fork?, body?, files?: [{filename, status}]}` | adds a pull request |
//! | `POST /_fake/issues` `{title, body?, labels?}` | adds an issue |
//! | `POST /_fake/workflows` `{file, dispatch?}` | declares a workflow file (`dispatch`: has `workflow_dispatch`, default true) |
//! | `POST /_fake/branches` `{name}` | declares a branch (`main` exists) |
//! | `POST /_fake/required-contexts` `["ctx", …]` | status contexts auto-merge waits for |
//! | `POST /_fake/read-only-tokens` `{token}` | a token that may read but not write |
//! | `POST /_fake/auto-merge-allowed` `{allowed}` | the repository setting |
//! | `POST /_fake/faults` `{path_prefix, status, method?, body?, headers?, after_processing?}` | queues a failure |
//! | `GET /_fake/state` | everything the fake holds, and the request log |

use serde_json::{Value, json};

use crate::http::{Request, Response};
use crate::state::{Fault, PullSpec, State};

pub(crate) fn handle(state: &mut State, request: &Request) -> Response {
    let body: Value = if request.body.trim().is_empty() {
        Value::Null
    } else {
        match serde_json::from_str(&request.body) {
            Ok(body) => body,
            Err(e) => return error(400, &format!("control request body is not JSON: {e}")),
        }
    };
    let text = |key: &str| body.get(key).and_then(Value::as_str).map(str::to_owned);
    let list = |value: Option<&Value>| -> Vec<String> {
        value
            .and_then(Value::as_array)
            .map(|items| items.iter().filter_map(Value::as_str).map(str::to_owned).collect())
            .unwrap_or_default()
    };
    match (request.method.as_str(), request.path.as_str()) {
        ("POST", "/_fake/pulls") => {
            let Some(number) = body.get("number").and_then(Value::as_u64) else {
                return error(400, "pulls: `number` is required");
            };
            state.add_pull(PullSpec {
                number,
                author: text("author").unwrap_or_else(|| "octocat".to_owned()),
                labels: list(body.get("labels")),
                head_sha: text("head_sha"),
                head_ref: text("head_ref"),
                head_repo: text("head_repo"),
                fork: body.get("fork").and_then(Value::as_bool).unwrap_or(false),
                body: text("body").unwrap_or_default(),
                files: body
                    .get("files")
                    .and_then(Value::as_array)
                    .map(|files| {
                        files
                            .iter()
                            .filter_map(|f| {
                                let path = f.get("filename").and_then(Value::as_str)?;
                                let status = f.get("status").and_then(Value::as_str).unwrap_or("modified");
                                Some((path.to_owned(), status.to_owned()))
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            });
            ok(json!({ "number": number }))
        }
        ("POST", "/_fake/issues") => {
            let Some(title) = text("title") else { return error(400, "issues: `title` is required") };
            let number =
                state.add_issue(&title, &text("body").unwrap_or_default(), &list(body.get("labels")));
            ok(json!({ "number": number }))
        }
        ("POST", "/_fake/workflows") => {
            let Some(file) = text("file") else { return error(400, "workflows: `file` is required") };
            let dispatch = body.get("dispatch").and_then(Value::as_bool).unwrap_or(true);
            state.workflows.insert(file, dispatch);
            ok(json!({}))
        }
        ("POST", "/_fake/branches") => {
            let Some(name) = text("name") else { return error(400, "branches: `name` is required") };
            state.branches.insert(name);
            ok(json!({}))
        }
        ("POST", "/_fake/required-contexts") => {
            state.required_contexts = list(Some(&body));
            ok(json!({}))
        }
        ("POST", "/_fake/read-only-tokens") => {
            let Some(token) = text("token") else {
                return error(400, "read-only-tokens: `token` is required");
            };
            state.read_only_tokens.insert(token);
            ok(json!({}))
        }
        ("POST", "/_fake/auto-merge-allowed") => {
            state.auto_merge_allowed = body.get("allowed").and_then(Value::as_bool).unwrap_or(true);
            ok(json!({}))
        }
        ("POST", "/_fake/faults") => {
            let (Some(prefix), Some(status)) =
                (text("path_prefix"), body.get("status").and_then(Value::as_u64))
            else {
                return error(400, "faults: `path_prefix` and `status` are required");
            };
            let Ok(status) = u16::try_from(status) else { return error(400, "faults: bad status") };
            let mut fault = Fault::new(&prefix, status);
            if let Some(method) = text("method") {
                fault = fault.method(&method);
            }
            if let Some(text) = text("body") {
                fault = fault.body(&text);
            }
            if let Some(headers) = body.get("headers").and_then(Value::as_object) {
                for (name, value) in headers {
                    fault = fault.header(name, value.as_str().unwrap_or_default());
                }
            }
            if body.get("after_processing").and_then(Value::as_bool) == Some(true) {
                fault = fault.after_processing();
            }
            state.faults.push_back(fault);
            ok(json!({}))
        }
        ("GET", "/_fake/state") => ok(dump(state)),
        _ => error(404, "no such control endpoint"),
    }
}

fn ok(value: Value) -> Response {
    Response::json(200, &value)
}

fn error(status: u16, message: &str) -> Response {
    Response::json(status, &json!({ "message": message }))
}

/// The whole state as JSON, for assertions from another process.
fn dump(state: &State) -> Value {
    json!({
        "issues": state.issues.values().map(|i| json!({
            "number": i.number, "title": i.title, "body": i.body, "state": i.state, "labels": i.labels,
        })).collect::<Vec<_>>(),
        "comments": state.comments.values().map(|c| json!({
            "id": c.id, "issue": c.issue, "body": c.body,
        })).collect::<Vec<_>>(),
        "pulls": state.pulls.values().map(|p| json!({
            "number": p.number, "author": p.author, "labels": p.labels, "head_sha": p.head_sha,
            "state": p.state, "merged": p.merged, "auto_merge": p.auto_merge,
        })).collect::<Vec<_>>(),
        "statuses": state.statuses.iter().map(|s| json!({
            "sha": s.sha, "context": s.context, "state": s.state, "description": s.description,
            "target_url": s.target_url,
        })).collect::<Vec<_>>(),
        "dispatches": state.dispatches.iter().map(|d| json!({
            "workflow": d.workflow, "ref": d.git_ref,
            "inputs": serde_json::from_str::<Value>(&d.inputs).unwrap_or(Value::Null),
        })).collect::<Vec<_>>(),
        "requests": state.log.iter().map(|r| json!({
            "method": r.method, "path": r.path, "body": r.body,
        })).collect::<Vec<_>>(),
    })
}
