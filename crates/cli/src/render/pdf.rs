//! `--format pdf`: the customer report of `hardline report` as a PDF
//! (`hardline_publish::report::pdf`). Behind the `pdf` feature, on by default.

use super::style::Style;
use super::{Rendered, Renderer};
use crate::report::{Kind, Report};

pub static RENDERER: Renderer = Renderer { name: "pdf", offers: &[Kind::Report], render };

fn render(report: &Report, _style: &Style) -> Option<anyhow::Result<Rendered>> {
    match report {
        Report::Document(document) => Some(
            hardline_publish::report::pdf::render(&document.model).map(Rendered::Bytes).map_err(Into::into),
        ),
        _ => None,
    }
}
