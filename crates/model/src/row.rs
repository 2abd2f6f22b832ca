//! The row model: what a line or row about one finding shows, whatever it is rendered to.
//! Each target renders it once: Markdown in `text::rows` (issues, PR comments, the audit-log
//! view, the summary), HTML in the dashboard, plain text in the CLI's human output.

use crate::{Finding, Severity};

/// One finding as a row shows it. Borrowed from the finding; nothing here is escaped (report
/// text stays untrusted until a target escapes it).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FindingRow<'a> {
    pub severity: Severity,
    /// The vulnerability or rule id.
    pub id: &'a str,
    /// The advisory, as the report gave it (a target keeps it only if it is safe).
    pub url: Option<&'a str>,
    /// What the finding is in.
    pub subject: Subject<'a>,
    pub title: &'a str,
}

/// What a finding is in: a package (with its versions) or a file (with a line).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject<'a> {
    Package { name: &'a str, installed: &'a str, fixed: Option<&'a str> },
    File { path: &'a str, line: Option<u32> },
    Nothing,
}

impl<'a> FindingRow<'a> {
    pub fn of(finding: &'a Finding) -> FindingRow<'a> {
        let subject = match (&finding.package, &finding.location) {
            (Some(p), _) => Subject::Package {
                name: &p.name,
                installed: &p.version,
                fixed: p.fixed_version.as_deref().filter(|v| !v.is_empty()),
            },
            (None, Some(l)) => Subject::File { path: &l.path, line: l.start_line },
            (None, None) => Subject::Nothing,
        };
        FindingRow {
            severity: finding.severity,
            id: &finding.id,
            url: finding.url.as_deref(),
            subject,
            title: &finding.title,
        }
    }

    /// The installed version, for a package.
    pub fn installed(&self) -> Option<&'a str> {
        match self.subject {
            Subject::Package { installed, .. } => Some(installed),
            _ => None,
        }
    }

    /// The version that fixes it, when the scanner names one.
    pub fn fixed(&self) -> Option<&'a str> {
        match self.subject {
            Subject::Package { fixed, .. } => fixed,
            _ => None,
        }
    }
}
