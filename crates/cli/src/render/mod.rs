//! Output formats, in one place: each format is a renderer module that turns a command's
//! [`Report`] into text, and [`RENDERERS`] lists them once. `--format` takes their names; a
//! format a command does not offer is a usage error naming the formats it has, caught before
//! the command runs.
//!
//! Adding a format (SARIF, CSV…) is a module here with a `RENDERER` and one line in
//! [`RENDERERS`]; see ARCHITECTURE.md, "Extending hardline".

pub mod csv;
pub mod html;
pub mod human;
pub mod json_v1;
pub mod markdown;
#[cfg(feature = "pdf")]
pub mod pdf;
mod report_v1;
pub mod style;

use crate::report::{Kind, Report};
pub use style::Style;

/// One output format.
pub struct Renderer {
    /// The `--format` value.
    pub name: &'static str,
    /// The commands that write this format.
    pub offers: &'static [Kind],
    /// The report rendered; `None` only for a report of a kind not in `offers`.
    pub render: fn(&Report, &Style) -> Option<anyhow::Result<Rendered>>,
}

/// What a renderer makes: text (printed with a final newline) or bytes (a PDF), written as
/// they are.
pub enum Rendered {
    Text(String),
    /// Only the PDF renderer makes bytes.
    #[cfg_attr(not(feature = "pdf"), allow(dead_code))]
    Bytes(Vec<u8>),
}

impl Rendered {
    /// As a file holds it: text ends with a newline, bytes are as they are.
    pub fn into_file(self) -> Vec<u8> {
        match self {
            Rendered::Text(mut text) => {
                if !text.ends_with('\n') {
                    text.push('\n');
                }
                text.into_bytes()
            }
            Rendered::Bytes(bytes) => bytes,
        }
    }
}

/// A renderer of text that cannot fail, as a [`Renderer::render`].
fn text(rendered: Option<String>) -> Option<anyhow::Result<Rendered>> {
    rendered.map(|text| Ok(Rendered::Text(text)))
}

impl std::fmt::Debug for Renderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Renderer({})", self.name)
    }
}

/// Every output format, in the order `--help` lists them. The first is the default.
pub static RENDERERS: &[&Renderer] = &[
    &human::RENDERER,
    &json_v1::RENDERER,
    &markdown::RENDERER,
    #[cfg(feature = "pdf")]
    &pdf::RENDERER,
    &html::RENDERER,
    &csv::RENDERER,
];

/// A `--format` value.
pub type Format = &'static Renderer;

impl Renderer {
    pub fn find(name: &str) -> Option<Format> {
        RENDERERS.iter().copied().find(|r| r.name == name)
    }

    pub fn offers(&self, kind: Kind) -> bool {
        self.offers.contains(&kind)
    }
}

/// The formats `kind` is written in, for the usage error.
pub fn formats_of(kind: Kind) -> Vec<&'static str> {
    RENDERERS.iter().filter(|r| r.offers(kind)).map(|r| r.name).collect()
}

/// The columns of the status table, in order, for both the human and the Markdown table:
/// counts after exceptions, the suppressed, KEV (`-` without a catalog), overdue, risk.
pub(crate) fn status_cells(image: &crate::report::ImageStatus) -> [String; 12] {
    let c = &image.counts;
    [
        image.name.to_string(),
        c.critical.to_string(),
        c.high.to_string(),
        c.medium.to_string(),
        c.low.to_string(),
        c.unknown.to_string(),
        image.suppressed.total().to_string(),
        image.unique_vulnerabilities.to_string(),
        image.fixable.to_string(),
        image.kev.map_or_else(|| "-".to_owned(), |n| n.to_string()),
        image.overdue.to_string(),
        image.risk.to_owned(),
    ]
}

/// The columns of the remediation table: MTTR per severity in days, and fixes within the SLA.
pub(crate) fn remediation_cells(image: &crate::report::ImageStatus) -> [String; 6] {
    let mttr = |severity| image.mttr.days(severity).map_or_else(|| "-".to_owned(), |d| format!("{d:.1}"));
    [
        image.name.to_string(),
        mttr(hardline_model::Severity::Critical),
        mttr(hardline_model::Severity::High),
        mttr(hardline_model::Severity::Medium),
        mttr(hardline_model::Severity::Low),
        within_sla(&image.sla_record),
    ]
}

/// `12 of 14 (86%)`, or `-` when nothing with an SLA was fixed.
pub(crate) fn within_sla(record: &hardline_triage::SlaRecord) -> String {
    record.describe().unwrap_or_else(|| "-".to_owned())
}

/// `no scan for 12 days (last 2026-11-09T04:00:00Z; stale after 8 days)` for a stale image.
pub(crate) fn stale_note(scan: &hardline_triage::ScanAge) -> Option<String> {
    if !scan.stale {
        return None;
    }
    Some(format!(
        "no scan for {} days (last {}; scans are stale after {} days)",
        scan.age_days.unwrap_or_default(),
        scan.last.as_ref().map_or("never", |t| t.as_str()),
        scan.stale_after_days
    ))
}

/// `id (file:line)`: how an exception is named in reports.
pub(crate) fn describe_exception(exception: &hardline_policy::Exception) -> String {
    format!("{} ({})", exception.id, exception.source)
}

/// Where an exception stands, for people: `active until 2027-01-08 (58 days left)`,
/// `EXPIRED on 2026-11-21: its findings count again`, … Marked words go through the style.
pub(crate) fn exception_state_text(
    state: hardline_policy::ExceptionState,
    exception: &hardline_policy::Exception,
    today: jiff::civil::Date,
    style: &Style,
) -> String {
    use hardline_policy::ExceptionState;
    use style::Role;
    let expires = exception.expires.map(|d| d.to_string());
    match (state, expires) {
        (ExceptionState::Stale, _) => {
            format!("{}: matches no finding in any image; remove it?", style.paint(Role::Note, "STALE"))
        }
        (ExceptionState::Expired, expires) => format!(
            "{} on {}: its findings count again",
            style.paint(Role::Warning, "EXPIRED"),
            expires.unwrap_or_default()
        ),
        (ExceptionState::ExpiringSoon(days), expires) => format!(
            "{} {} ({days} days left)",
            style.paint(Role::Warning, "EXPIRES SOON:"),
            expires.unwrap_or_default()
        ),
        (ExceptionState::Active, Some(expires)) => format!(
            "active until {expires} ({} days left)",
            exception.expires.map_or(0, |d| hardline_policy::sla::days_between(today, d))
        ),
        (ExceptionState::Active, None) => "active, no expiry (imported without one)".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_is_written_in_human_and_all_but_the_demo_and_generated_text_in_json() {
        for kind in Kind::ALL {
            let formats = formats_of(kind);
            assert!(formats.contains(&"human"), "{kind:?}: {formats:?}");
            let text_only = matches!(kind, Kind::Demo | Kind::Completions | Kind::Man);
            assert_eq!(formats.contains(&"json"), !text_only, "{kind:?}: {formats:?}");
            let document = formats.contains(&"html") || formats.contains(&"csv");
            assert_eq!(document, kind == Kind::Report, "{kind:?}: only `report` writes documents");
        }
        let names: std::collections::BTreeSet<_> = RENDERERS.iter().map(|r| r.name).collect();
        assert_eq!(names.len(), RENDERERS.len());
    }
}
