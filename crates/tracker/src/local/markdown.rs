//! The Markdown views of the local tracker: one page per issue and pull request, and an index.
//! Deterministic: the same state renders to the same bytes.

use super::{LocalComment, LocalPullRequest, StoredIssue};

pub(crate) fn issue_page(issue: &StoredIssue) -> String {
    let mut out = format!("# {} (#{})\n\n", one_line(&issue.title), issue.number);
    out.push_str(&format!("State: **{}** · Labels: {}\n\n", issue.state.as_str(), label_list(&issue.labels)));
    push_body(&mut out, &issue.body);
    push_comments(&mut out, &issue.comments);
    out
}

pub(crate) fn pull_page(pull: &LocalPullRequest) -> String {
    let mut out = format!("# Pull request #{}\n\n", pull.number);
    out.push_str(&format!(
        "State: **{}** · Author: `{}` · Head: `{}` · Labels: {}\n\n",
        pull_state(pull),
        one_line(&pull.author),
        one_line(&pull.head_sha),
        label_list(&pull.labels)
    ));
    out.push_str(&format!("Auto-merge: {}\n", auto_merge(pull)));
    push_comments(&mut out, &pull.comments);
    out
}

pub(crate) fn index(issues: &[StoredIssue], pulls: &[LocalPullRequest]) -> String {
    let mut out = String::from("# Local tracker\n\n");
    out.push_str("Issues and pull request comments kept by hardline when no GitHub token is configured.\n\n");
    out.push_str("## Issues\n\n");
    if issues.is_empty() {
        out.push_str("No issues.\n");
    } else {
        out.push_str("| Issue | State | Title | Labels | Comments |\n| ---: | --- | --- | --- | ---: |\n");
        for issue in issues {
            out.push_str(&format!(
                "| [#{n}](issues/{n}.md) | {} | {} | {} | {} |\n",
                issue.state.as_str(),
                cell(&issue.title),
                cell(&label_list(&issue.labels)),
                issue.comments.len(),
                n = issue.number,
            ));
        }
    }
    if !pulls.is_empty() {
        out.push_str("\n## Pull requests\n\n");
        out.push_str(
            "| Pull request | State | Author | Auto-merge | Comments |\n| ---: | --- | --- | --- | ---: |\n",
        );
        for pull in pulls {
            out.push_str(&format!(
                "| [#{n}](pulls/{n}.md) | {} | {} | {} | {} |\n",
                pull_state(pull),
                cell(&pull.author),
                cell(&auto_merge(pull)),
                pull.comments.len(),
                n = pull.number,
            ));
        }
    }
    out
}

fn push_body(out: &mut String, body: &str) {
    let body = body.trim_end();
    if body.is_empty() {
        out.push_str("_No description._\n");
    } else {
        out.push_str(body);
        out.push('\n');
    }
}

fn push_comments(out: &mut String, comments: &[LocalComment]) {
    if comments.is_empty() {
        return;
    }
    out.push_str("\n---\n\n## Comments\n");
    for comment in comments {
        out.push_str(&format!("\n### Comment {}\n\n", comment.id));
        push_body(out, &comment.body);
    }
}

fn pull_state(pull: &LocalPullRequest) -> &'static str {
    match pull.state {
        crate::PullRequestState::Open => "open",
        crate::PullRequestState::Closed => "closed",
        crate::PullRequestState::Merged => "merged",
    }
}

fn auto_merge(pull: &LocalPullRequest) -> String {
    match (&pull.auto_merge, pull.auto_merge_allowed) {
        (Some(method), _) => format!("enabled ({method})"),
        (None, true) => "not enabled".to_owned(),
        (None, false) => "not allowed in this repository".to_owned(),
    }
}

fn label_list(labels: &[String]) -> String {
    if labels.is_empty() {
        "none".to_owned()
    } else {
        labels.iter().map(|l| format!("`{}`", one_line(l))).collect::<Vec<_>>().join(", ")
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn cell(text: &str) -> String {
    one_line(text).replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::IssueState;

    #[test]
    fn table_cells_cannot_break_the_table() {
        assert_eq!(cell("a | b\nc"), "a \\| b c");
    }

    #[test]
    fn issue_page_lists_comments_in_order() {
        let issue = StoredIssue {
            number: 2,
            title: "CVEs in postgres".to_owned(),
            body: "Body\n".to_owned(),
            state: IssueState::Closed,
            labels: vec!["security".to_owned()],
            comments: vec![
                LocalComment { id: 1, body: "first".to_owned() },
                LocalComment { id: 2, body: "second".to_owned() },
            ],
        };
        let page = issue_page(&issue);
        assert!(
            page.starts_with("# CVEs in postgres (#2)\n\nState: **closed** · Labels: `security`\n\nBody\n")
        );
        let first = page.find("first").expect("first");
        let second = page.find("second").expect("second");
        assert!(first < second);
        assert!(page.ends_with("second\n"));
    }
}
