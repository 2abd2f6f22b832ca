//! `--format csv`: the open findings of `hardline report` as CSV, one row each
//! (`hardline_publish::report::csv`).

use super::style::Style;
use super::{Rendered, Renderer};
use crate::report::{Kind, Report};

pub static RENDERER: Renderer = Renderer { name: "csv", offers: &[Kind::Report], render };

fn render(report: &Report, _style: &Style) -> Option<anyhow::Result<Rendered>> {
    match report {
        Report::Document(document) => {
            Some(Ok(Rendered::Text(hardline_publish::report::csv::render(&document.model))))
        }
        _ => None,
    }
}
