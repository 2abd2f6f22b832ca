//! `--format html`: the customer report of `hardline report` as one self-contained HTML page
//! (`hardline_publish::report::html`).

use super::style::Style;
use super::{Rendered, Renderer};
use crate::report::{Kind, Report};

pub static RENDERER: Renderer = Renderer { name: "html", offers: &[Kind::Report], render };

fn render(report: &Report, _style: &Style) -> Option<anyhow::Result<Rendered>> {
    match report {
        Report::Document(document) => {
            Some(Ok(Rendered::Text(hardline_publish::report::html::render(&document.model))))
        }
        _ => None,
    }
}
