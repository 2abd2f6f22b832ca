//! GitHub's endpoints as the fake serves them.

use serde_json::{Value, json};

use crate::http::{Request, Response, encode, reason};
use crate::state::{
    FakeComment, FakeDispatch, FakeIssue, FakePullRequest, FakeStatus, MAX_BODY_CHARS, State,
};

const DOCS: &str = "https://docs.github.com/rest";

/// Answers one request, faults included, and logs it. With [`State::echo_authorization`] on,
/// every error message repeats the request's `Authorization` header, as a careless proxy or
/// server might.
pub(crate) fn handle(state: &mut State, request: &Request) -> Response {
    if request.path.starts_with("/_fake/") {
        return crate::control::handle(state, request);
    }
    let response = answer(state, request);
    if state.echo_authorization {
        echo_authorization(response, request.header("authorization").unwrap_or(""))
    } else {
        response
    }
}

/// Appends ` (Authorization: <header>)` to the `message` of an error answer (status 400 and
/// above) and of every GraphQL error.
fn echo_authorization(mut response: Response, header: &str) -> Response {
    let Ok(mut body) = serde_json::from_slice::<Value>(&response.body) else { return response };
    let echo = |message: &mut Value| {
        let text = message.as_str().unwrap_or("").to_owned();
        *message = json!(format!("{text} (Authorization: {header})"));
    };
    if response.status >= 400
        && let Some(message) = body.get_mut("message")
    {
        echo(message);
    }
    if let Some(Value::Array(errors)) = body.get_mut("errors") {
        for message in errors.iter_mut().filter_map(|error| error.get_mut("message")) {
            echo(message);
        }
    }
    response.body = body.to_string().into_bytes();
    response
}

/// The answer to a request of the API (not a control endpoint).
fn answer(state: &mut State, request: &Request) -> Response {
    state.log.push(crate::LoggedRequest {
        method: request.method.clone(),
        path: request.target.clone(),
        body: request.body.clone(),
    });
    match access(state, request) {
        Access::Denied => {
            return Response::json(
                401,
                &json!({ "message": "Bad credentials", "documentation_url": DOCS, "status": "401" }),
            );
        }
        Access::ReadOnly if is_write(request) => return read_only_refusal(request),
        Access::ReadOnly | Access::Full => {}
    }
    match state.take_fault(&request.method, &request.path) {
        Some(fault) => {
            if fault.after_processing {
                let _ = route(state, request);
            }
            let body = fault.body.clone().unwrap_or_else(|| fault_body(fault.status));
            let mut response =
                Response { status: fault.status, headers: Vec::new(), body: body.into_bytes() };
            for (name, value) in &fault.headers {
                response = response.with_header(name, value);
            }
            response
        }
        None => route(state, request),
    }
}

enum Access {
    Denied,
    ReadOnly,
    Full,
}

fn access(state: &State, request: &Request) -> Access {
    let Some(value) = request.header("authorization") else {
        return Access::Denied;
    };
    let token = value.strip_prefix("Bearer ").or_else(|| value.strip_prefix("token ")).unwrap_or("");
    if token == state.token {
        Access::Full
    } else if state.read_only_tokens.contains(token) {
        Access::ReadOnly
    } else {
        Access::Denied
    }
}

/// Reads are GET and HEAD, and GraphQL queries; anything else changes state.
fn is_write(request: &Request) -> bool {
    match request.method.as_str() {
        "GET" | "HEAD" => false,
        "POST" if request.path == "/graphql" => request.body.contains("mutation"),
        _ => true,
    }
}

/// What GitHub answers a token without the permission (a fork's pull request token): 403
/// on REST, and a 200 with a `FORBIDDEN` error on GraphQL.
fn read_only_refusal(request: &Request) -> Response {
    const MESSAGE: &str = "Resource not accessible by integration";
    if request.path == "/graphql" {
        return Response::json(
            200,
            &json!({ "data": Value::Null, "errors": [{ "type": "FORBIDDEN", "message": MESSAGE }] }),
        );
    }
    Response::json(403, &json!({ "message": MESSAGE, "documentation_url": DOCS, "status": "403" }))
}

fn fault_body(status: u16) -> String {
    let message = match status {
        403 => "API rate limit exceeded for installation ID 1.",
        429 => "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
        _ => reason(status),
    };
    json!({ "message": message, "documentation_url": DOCS, "status": status.to_string() }).to_string()
}

fn route(state: &mut State, request: &Request) -> Response {
    let segments: Vec<&str> = request.path.trim_matches('/').split('/').collect();
    let method = request.method.as_str();
    match (method, segments.as_slice()) {
        ("POST", ["graphql"]) => graphql(state, request),
        (_, ["repos", owner, repo, rest @ ..]) => {
            let repo = format!("{owner}/{repo}");
            match (method, rest) {
                ("GET", ["issues"]) => list_issues(state, request, &repo),
                ("POST", ["issues"]) => create_issue(state, request, &repo),
                ("GET" | "PATCH", ["issues", "comments", id]) => comment(state, request, &repo, id),
                ("GET" | "PATCH", ["issues", number]) => issue(state, request, &repo, number),
                ("GET", ["issues", number, "comments"]) => list_comments(state, request, &repo, number),
                ("POST", ["issues", number, "comments"]) => create_comment(state, request, &repo, number),
                ("GET" | "POST", ["issues", number, "labels"]) => labels(state, request, number),
                ("GET", ["pulls", number]) => pull(state, &repo, number),
                ("GET", ["pulls", number, "files"]) => pull_files(state, request, number),
                ("POST", ["statuses", sha]) => create_status(state, request, &repo, sha),
                ("GET", ["commits", git_ref, "status"]) => combined_status(state, &repo, git_ref),
                ("POST", ["actions", "workflows", workflow, "dispatches"]) => {
                    dispatch(state, request, workflow)
                }
                _ => not_found(),
            }
        }
        _ => not_found(),
    }
}

fn not_found() -> Response {
    Response::json(404, &json!({ "message": "Not Found", "documentation_url": DOCS, "status": "404" }))
}

fn validation_failed(resource: &str, field: &str, code: &str, message: Option<String>) -> Response {
    let mut error = json!({ "resource": resource, "code": code, "field": field });
    if let Some(message) = message {
        error["message"] = json!(message);
    }
    Response::json(
        422,
        &json!({ "message": "Validation Failed", "errors": [error], "documentation_url": DOCS, "status": "422" }),
    )
}

fn body_error(resource: &str, body: &str) -> Option<Response> {
    (body.chars().count() > MAX_BODY_CHARS).then(|| {
        validation_failed(
            resource,
            "body",
            "custom",
            Some(format!("body is too long (maximum is {MAX_BODY_CHARS} characters)")),
        )
    })
}

fn parse_body(request: &Request) -> Result<Value, Response> {
    if request.body.trim().is_empty() {
        return Ok(json!({}));
    }
    serde_json::from_str(&request.body).map_err(|_| {
        Response::json(
            400,
            &json!({ "message": "Problems parsing JSON", "documentation_url": DOCS, "status": "400" }),
        )
    })
}

fn labels_json(labels: &[String]) -> Value {
    Value::Array(
        labels.iter().map(|name| json!({ "name": name, "color": "ededed", "default": false })).collect(),
    )
}

fn issue_json(state: &State, repo: &str, issue: &FakeIssue) -> Value {
    let comments = state.comments.values().filter(|c| c.issue == issue.number).count();
    json!({
        "id": 100_000 + issue.number,
        "node_id": format!("I_fake{}", issue.number),
        "number": issue.number,
        "title": issue.title,
        "body": if issue.body.is_empty() { Value::Null } else { json!(issue.body) },
        "state": issue.state,
        "labels": labels_json(&issue.labels),
        "comments": comments,
        "user": { "login": "hardline-bot" },
        "url": format!("{}/repos/{repo}/issues/{}", state.base_url, issue.number),
        "html_url": format!("https://github.com/{repo}/issues/{}", issue.number),
    })
}

fn pull_as_issue_json(state: &State, repo: &str, pull: &FakePullRequest) -> Value {
    json!({
        "id": 100_000 + pull.number,
        "node_id": pull.node_id,
        "number": pull.number,
        "title": format!("Pull request {}", pull.number),
        "body": Value::Null,
        "state": pull.state,
        "labels": labels_json(&pull.labels),
        "user": { "login": pull.author },
        "html_url": format!("https://github.com/{repo}/pull/{}", pull.number),
        "pull_request": { "url": format!("{}/repos/{repo}/pulls/{}", state.base_url, pull.number) },
    })
}

fn comment_json(repo: &str, comment: &FakeComment) -> Value {
    json!({
        "id": comment.id,
        "node_id": format!("IC_fake{}", comment.id),
        "body": comment.body,
        "user": { "login": "hardline-bot" },
        "html_url": format!("https://github.com/{repo}/issues/{}#issuecomment-{}", comment.issue, comment.id),
    })
}

/// One page of `items` with GitHub's `Link` header.
fn paginate(state: &State, request: &Request, items: Vec<Value>) -> Response {
    let per_page =
        request.query("per_page").and_then(|v| v.parse::<usize>().ok()).unwrap_or(30).clamp(1, 100);
    let page = request.query("page").and_then(|v| v.parse::<usize>().ok()).unwrap_or(1).max(1);
    let last = items.len().div_ceil(per_page).max(1);
    let slice: Vec<Value> = items.into_iter().skip((page - 1) * per_page).take(per_page).collect();
    let url = |n: usize| {
        let mut query: Vec<String> = request
            .query
            .iter()
            .filter(|(k, _)| k != "page")
            .map(|(k, v)| format!("{k}={}", encode(v)))
            .collect();
        query.push(format!("page={n}"));
        format!("<{}{}?{}>", state.base_url, request.path, query.join("&"))
    };
    let mut links = Vec::new();
    if page < last {
        links.push(format!("{}; rel=\"next\"", url(page + 1)));
        links.push(format!("{}; rel=\"last\"", url(last)));
    }
    if page > 1 {
        links.push(format!("{}; rel=\"first\"", url(1)));
        links.push(format!("{}; rel=\"prev\"", url(page - 1)));
    }
    let response = Response::json(200, &Value::Array(slice));
    if links.is_empty() { response } else { response.with_header("Link", &links.join(", ")) }
}

fn list_issues(state: &State, request: &Request, repo: &str) -> Response {
    let wanted_state = request.query("state").unwrap_or("open");
    let wanted_labels: Vec<&str> = request
        .query("labels")
        .map(|l| l.split(',').map(str::trim).filter(|l| !l.is_empty()).collect())
        .unwrap_or_default();
    let keep = |item_state: &str, labels: &[String]| {
        (wanted_state == "all" || wanted_state == item_state)
            && wanted_labels.iter().all(|w| labels.iter().any(|l| l == w))
    };
    let mut items: Vec<(u64, Value)> = state
        .issues
        .values()
        .filter(|i| keep(&i.state, &i.labels))
        .map(|i| (i.number, issue_json(state, repo, i)))
        .chain(
            state
                .pulls
                .values()
                .filter(|p| keep(&p.state, &p.labels))
                .map(|p| (p.number, pull_as_issue_json(state, repo, p))),
        )
        .collect();
    items.sort_by_key(|(n, _)| *n);
    if request.query("direction") != Some("asc") {
        items.reverse();
    }
    paginate(state, request, items.into_iter().map(|(_, v)| v).collect())
}

fn create_issue(state: &mut State, request: &Request, repo: &str) -> Response {
    let body = match parse_body(request) {
        Ok(body) => body,
        Err(response) => return response,
    };
    let title = body.get("title").and_then(Value::as_str).unwrap_or("");
    if title.trim().is_empty() {
        return validation_failed("Issue", "title", "missing_field", None);
    }
    let text = body.get("body").and_then(Value::as_str).unwrap_or("");
    if let Some(error) = body_error("Issue", text) {
        return error;
    }
    let labels = string_list(body.get("labels"));
    let number = state.add_issue(title, text, &labels);
    match state.issues.get(&number) {
        Some(issue) => Response::json(201, &issue_json(state, repo, issue)),
        None => not_found(),
    }
}

fn issue(state: &mut State, request: &Request, repo: &str, number: &str) -> Response {
    let Some(number) = number.parse::<u64>().ok().filter(|n| state.issues.contains_key(n)) else {
        return not_found();
    };
    if request.method == "PATCH" {
        let body = match parse_body(request) {
            Ok(body) => body,
            Err(response) => return response,
        };
        let title = body.get("title").and_then(Value::as_str);
        let text = body.get("body").and_then(Value::as_str);
        let new_state = body.get("state").and_then(Value::as_str);
        if title.is_some_and(|t| t.trim().is_empty()) {
            return validation_failed("Issue", "title", "missing_field", None);
        }
        if let Some(error) = text.and_then(|t| body_error("Issue", t)) {
            return error;
        }
        if new_state.is_some_and(|s| s != "open" && s != "closed") {
            return validation_failed("Issue", "state", "invalid", None);
        }
        if let Some(issue) = state.issues.get_mut(&number) {
            if let Some(title) = title {
                issue.title = title.to_owned();
            }
            if let Some(text) = text {
                issue.body = text.to_owned();
            }
            if let Some(new_state) = new_state {
                issue.state = new_state.to_owned();
            }
            if let Some(labels) = body.get("labels") {
                issue.labels = string_list(Some(labels));
            }
        }
    }
    match state.issues.get(&number) {
        Some(issue) => Response::json(200, &issue_json(state, repo, issue)),
        None => not_found(),
    }
}

/// Issues and pull requests both take comments and labels.
fn thread_exists(state: &State, number: &str) -> Option<u64> {
    number.parse::<u64>().ok().filter(|n| state.issues.contains_key(n) || state.pulls.contains_key(n))
}

fn list_comments(state: &State, request: &Request, repo: &str, number: &str) -> Response {
    let Some(number) = thread_exists(state, number) else {
        return not_found();
    };
    let items =
        state.comments.values().filter(|c| c.issue == number).map(|c| comment_json(repo, c)).collect();
    paginate(state, request, items)
}

fn create_comment(state: &mut State, request: &Request, repo: &str, number: &str) -> Response {
    let Some(number) = thread_exists(state, number) else {
        return not_found();
    };
    let body = match parse_body(request) {
        Ok(body) => body,
        Err(response) => return response,
    };
    let Some(text) = body.get("body").and_then(Value::as_str) else {
        return validation_failed("IssueComment", "body", "missing_field", None);
    };
    if let Some(error) = body_error("IssueComment", text) {
        return error;
    }
    let id = state.add_comment(number, text);
    match state.comments.get(&id) {
        Some(comment) => Response::json(201, &comment_json(repo, comment)),
        None => not_found(),
    }
}

fn comment(state: &mut State, request: &Request, repo: &str, id: &str) -> Response {
    let Some(id) = id.parse::<u64>().ok().filter(|id| state.comments.contains_key(id)) else {
        return not_found();
    };
    if request.method == "PATCH" {
        let body = match parse_body(request) {
            Ok(body) => body,
            Err(response) => return response,
        };
        let Some(text) = body.get("body").and_then(Value::as_str) else {
            return validation_failed("IssueComment", "body", "missing_field", None);
        };
        if let Some(error) = body_error("IssueComment", text) {
            return error;
        }
        if let Some(comment) = state.comments.get_mut(&id) {
            comment.body = text.to_owned();
        }
    }
    match state.comments.get(&id) {
        Some(comment) => Response::json(200, &comment_json(repo, comment)),
        None => not_found(),
    }
}

fn labels(state: &mut State, request: &Request, number: &str) -> Response {
    let Some(number) = thread_exists(state, number) else {
        return not_found();
    };
    if request.method == "POST" {
        let body = match parse_body(request) {
            Ok(body) => body,
            Err(response) => return response,
        };
        let new = match &body {
            Value::Array(_) => string_list(Some(&body)),
            _ => string_list(body.get("labels")),
        };
        let labels = match (state.issues.get_mut(&number), state.pulls.get_mut(&number)) {
            (Some(issue), _) => &mut issue.labels,
            (None, Some(pull)) => &mut pull.labels,
            (None, None) => return not_found(),
        };
        labels.extend(new);
        labels.sort();
        labels.dedup();
    }
    let labels = match (state.issues.get(&number), state.pulls.get(&number)) {
        (Some(issue), _) => issue.labels.clone(),
        (None, Some(pull)) => pull.labels.clone(),
        (None, None) => Vec::new(),
    };
    Response::json(200, &labels_json(&labels))
}

fn pull(state: &State, repo: &str, number: &str) -> Response {
    let Some(pull) = number.parse::<u64>().ok().and_then(|n| state.pulls.get(&n)) else {
        return not_found();
    };
    let auto_merge = match &pull.auto_merge {
        Some(method) => {
            json!({ "merge_method": method.to_ascii_lowercase(), "enabled_by": { "login": "hardline-bot" } })
        }
        None => Value::Null,
    };
    let head_repo = pull.head_repo.as_deref().unwrap_or(repo);
    Response::json(
        200,
        &json!({
            "id": 200_000 + pull.number,
            "node_id": pull.node_id,
            "number": pull.number,
            "state": pull.state,
            "merged": pull.merged,
            "draft": false,
            "title": format!("Pull request {}", pull.number),
            "user": { "login": pull.author },
            "labels": labels_json(&pull.labels),
            "body": if pull.body.is_empty() { Value::Null } else { json!(pull.body) },
            "head": {
                "sha": pull.head_sha,
                "ref": pull.head_ref,
                "label": format!("{}:{}", head_repo.split('/').next().unwrap_or(""), pull.head_ref),
                "repo": repo_json(head_repo, pull.fork),
            },
            "base": { "ref": "main", "repo": repo_json(repo, false) },
            "merged_at": if pull.merged { json!("2026-11-30T12:00:00Z") } else { Value::Null },
            "merge_commit_sha": if pull.merged { json!(format!("{:040x}", pull.number + 0xABC)) } else { Value::Null },
            "auto_merge": auto_merge,
            "html_url": format!("https://github.com/{repo}/pull/{}", pull.number),
        }),
    )
}

fn graphql(state: &mut State, request: &Request) -> Response {
    let body = match parse_body(request) {
        Ok(body) => body,
        Err(response) => return response,
    };
    let query = body.get("query").and_then(Value::as_str).unwrap_or("");
    if !query.contains("enablePullRequestAutoMerge") {
        return graphql_error("UNSUPPORTED", "the fake only supports enablePullRequestAutoMerge");
    }
    let mut strings = Vec::new();
    collect_strings(body.get("variables").unwrap_or(&Value::Null), &mut strings);
    let number = state
        .pulls
        .values()
        .find(|p| strings.iter().any(|s| *s == p.node_id) || query.contains(&format!("\"{}\"", p.node_id)))
        .map(|p| p.number);
    let Some(number) = number else {
        return graphql_error("NOT_FOUND", "Could not resolve to a node with the global id given.");
    };
    if !state.auto_merge_allowed {
        return graphql_error("UNPROCESSABLE", "Pull request Auto merge is not allowed for this repository");
    }
    let method = ["SQUASH", "REBASE", "MERGE"]
        .into_iter()
        .find(|m| query.contains(m) || strings.iter().any(|s| s == m))
        .unwrap_or("MERGE");
    if let Some(pull) = state.pulls.get_mut(&number) {
        pull.auto_merge = Some(method.to_owned());
    }
    state.merge_ready_pulls();
    Response::json(
        200,
        &json!({ "data": { "enablePullRequestAutoMerge": {
            "pullRequest": { "number": number, "autoMergeRequest": { "mergeMethod": method } }
        } } }),
    )
}

fn graphql_error(kind: &str, message: &str) -> Response {
    Response::json(
        200,
        &json!({
            "data": { "enablePullRequestAutoMerge": null },
            "errors": [{ "type": kind, "path": ["enablePullRequestAutoMerge"], "message": message }],
        }),
    )
}

fn collect_strings<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::String(s) => out.push(s),
        Value::Array(items) => items.iter().for_each(|v| collect_strings(v, out)),
        Value::Object(map) => map.values().for_each(|v| collect_strings(v, out)),
        _ => {}
    }
}

fn string_list(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|v| v.as_str().or_else(|| v.get("name").and_then(Value::as_str)))
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn repo_json(full_name: &str, fork: bool) -> Value {
    let (owner, name) = full_name.split_once('/').unwrap_or((full_name, ""));
    json!({ "full_name": full_name, "name": name, "owner": { "login": owner }, "fork": fork })
}

fn is_sha(text: &str) -> bool {
    text.len() == 40 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

fn status_json(repo: &str, status: &FakeStatus) -> Value {
    json!({
        "id": status.id,
        "state": status.state,
        "context": status.context,
        "description": if status.description.is_empty() { Value::Null } else { json!(status.description) },
        "target_url": if status.target_url.is_empty() { Value::Null } else { json!(status.target_url) },
        "url": format!("https://api.github.com/repos/{repo}/statuses/{}", status.sha),
    })
}

fn create_status(state: &mut State, request: &Request, repo: &str, sha: &str) -> Response {
    if !is_sha(sha) {
        return validation_failed(
            "Status",
            "sha",
            "invalid",
            Some(format!("No commit found for SHA: {sha}")),
        );
    }
    let body = match parse_body(request) {
        Ok(body) => body,
        Err(response) => return response,
    };
    let text = |key: &str| body.get(key).and_then(Value::as_str).unwrap_or("").to_owned();
    let status_state = text("state");
    if !matches!(status_state.as_str(), "error" | "failure" | "pending" | "success") {
        return validation_failed("Status", "state", "invalid", None);
    }
    let description = text("description");
    if description.chars().count() > 140 {
        return validation_failed(
            "Status",
            "description",
            "custom",
            Some("description is too long (maximum is 140 characters)".to_owned()),
        );
    }
    let context = match text("context") {
        c if c.is_empty() => "default".to_owned(),
        c => c,
    };
    let status = FakeStatus {
        id: state.next_status_id,
        sha: sha.to_ascii_lowercase(),
        context,
        state: status_state,
        description,
        target_url: text("target_url"),
    };
    state.next_status_id += 1;
    let answer = status_json(repo, &status);
    state.statuses.push(status);
    state.merge_ready_pulls();
    Response::json(201, &answer)
}

fn combined_status(state: &State, repo: &str, git_ref: &str) -> Response {
    let latest = state.latest_statuses(git_ref);
    let overall = if latest.iter().any(|s| s.state == "error" || s.state == "failure") {
        "failure"
    } else if latest.is_empty() || latest.iter().any(|s| s.state == "pending") {
        "pending"
    } else {
        "success"
    };
    let statuses: Vec<Value> = latest.iter().map(|s| status_json(repo, s)).collect();
    Response::json(
        200,
        &json!({ "state": overall, "sha": git_ref, "total_count": statuses.len(), "statuses": statuses }),
    )
}

fn dispatch(state: &mut State, request: &Request, workflow: &str) -> Response {
    let Some(&dispatchable) = state.workflows.get(workflow) else {
        return not_found();
    };
    if !dispatchable {
        return Response::json(
            422,
            &json!({ "message": "Workflow does not have 'workflow_dispatch' trigger", "documentation_url": DOCS, "status": "422" }),
        );
    }
    let body = match parse_body(request) {
        Ok(body) => body,
        Err(response) => return response,
    };
    let Some(git_ref) = body.get("ref").and_then(Value::as_str) else {
        return Response::json(
            422,
            &json!({ "message": "Invalid request.\n\n\"ref\" wasn't supplied.", "documentation_url": DOCS, "status": "422" }),
        );
    };
    let branch = git_ref.strip_prefix("refs/heads/").unwrap_or(git_ref);
    if !state.branches.contains(branch) {
        return Response::json(
            422,
            &json!({ "message": format!("No ref found for: {git_ref}"), "documentation_url": DOCS, "status": "422" }),
        );
    }
    let inputs = body.get("inputs").cloned().unwrap_or_else(|| json!({}));
    state.dispatches.push(FakeDispatch {
        workflow: workflow.to_owned(),
        git_ref: git_ref.to_owned(),
        inputs: inputs.to_string(),
    });
    Response { status: 204, headers: Vec::new(), body: Vec::new() }
}

fn pull_files(state: &State, request: &Request, number: &str) -> Response {
    let Some(pull) = number.parse::<u64>().ok().and_then(|n| state.pulls.get(&n)) else {
        return not_found();
    };
    let items = pull
        .files
        .iter()
        .map(|(path, status)| json!({ "filename": path, "status": status, "changes": 1 }))
        .collect();
    paginate(state, request, items)
}
