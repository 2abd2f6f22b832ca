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

/// The columns of the status table, in order, for both the human and the Markdown table.
pub(crate) fn status_cells(image: &crate::report::ImageStatus) -> [String; 9] {
    let c = &image.counts;
    [
        image.name.to_string(),
        c.critical.to_string(),
        c.high.to_string(),
        c.medium.to_string(),
        c.low.to_string(),
        c.unknown.to_string(),
        image.unique_vulnerabilities.to_string(),
        image.fixable.to_string(),
        image.risk.to_owned(),
    ]
}

/// `id (file:line)`: how an exception is named in reports.
pub(crate) fn describe_exception(exception: &hardline_policy::Exception) -> String {
    format!("{} ({})", exception.id, exception.source)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_is_written_in_human_and_all_but_the_demo_in_json() {
        for kind in Kind::ALL {
            let formats = formats_of(kind);
            assert!(formats.contains(&"human"), "{kind:?}: {formats:?}");
            assert_eq!(formats.contains(&"json"), kind != Kind::Demo, "{kind:?}: {formats:?}");
            let document = formats.contains(&"html") || formats.contains(&"csv");
            assert_eq!(document, kind == Kind::Report, "{kind:?}: only `report` writes documents");
        }
        let names: std::collections::BTreeSet<_> = RENDERERS.iter().map(|r| r.name).collect();
        assert_eq!(names.len(), RENDERERS.len());
    }
}
