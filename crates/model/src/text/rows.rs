//! Findings as Markdown: the one renderer of [`FindingRow`]s for everything GitHub renders
//! (issue bodies and comments, PR comments, the audit-log view, the weekly summary). Every
//! piece of report text goes through [`super::inline`], [`super::code`] or [`super::link`].

use super::{MAX_INLINE, code, inline, link};
use crate::row::{FindingRow, Subject};

/// `CVE-… in `pkg`` (or `rule at `path``), the id linked to its advisory: how every view names
/// a finding.
pub fn label(row: &FindingRow<'_>) -> String {
    let id = link(row.id, row.url);
    match row.subject {
        Subject::Package { name, .. } => format!("{id} in {}", code(name, 80)),
        Subject::File { path, .. } => format!("{id} at {}", code(path, 120)),
        Subject::Nothing => id,
    }
}

/// The header of [`table_row`]'s table; `with_title` adds the title column.
pub fn table_header(with_title: bool) -> &'static str {
    if with_title {
        "| Severity | Finding | Installed | Fixed in | Title |\n|---|---|---|---|---|\n"
    } else {
        "| Severity | Finding | Installed | Fixed in |\n|---|---|---|---|\n"
    }
}

/// One table row: severity, [`label`], installed and fixed versions, and (when `title_chars`
/// is given) the title cut to that many characters.
pub fn table_row(row: &FindingRow<'_>, title_chars: Option<usize>) -> String {
    let title = title_chars.map(|max| format!(" {} |", inline(row.title, max))).unwrap_or_default();
    format!(
        "| {} | {} | {} | {} |{title}\n",
        row.severity,
        label(row),
        version(row.installed()),
        version(row.fixed())
    )
}

/// How a list item about a finding reads.
#[derive(Clone, Copy, Debug)]
pub struct ListItem {
    /// Add `, fixed in `v`` when a fix exists.
    pub fix: bool,
    /// Between the finding and its title: ` — ` or `: `.
    pub separator: &'static str,
    pub title_chars: usize,
}

impl ListItem {
    /// `- HIGH [CVE-1](…) in `libc6`, fixed in `2.41-13` — title`: the audit-log view's form.
    pub const LOG: ListItem = ListItem { fix: true, separator: " — ", title_chars: MAX_INLINE };
}

/// `- SEVERITY label[, fixed in `v`]{separator}title` (no newline).
pub fn list_item(row: &FindingRow<'_>, item: ListItem) -> String {
    let fix = match row.fixed() {
        Some(v) if item.fix => format!(", fixed in {}", code(v, 64)),
        _ => String::new(),
    };
    format!("- {} {}{fix}{}{}", row.severity, label(row), item.separator, inline(row.title, item.title_chars))
}

/// A version in a code span, or `—` when there is none.
pub fn version(v: Option<&str>) -> String {
    match v {
        Some(v) => code(v, 64),
        None => "—".to_owned(),
    }
}
