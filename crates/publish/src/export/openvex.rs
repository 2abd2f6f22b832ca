//! `openvex`: the image's justified accepted risks as an OpenVEX v0.2.0 document — one
//! `not_affected` statement per exception that carries a VEX justification, for the image
//! as a product with its digest (`policy::vex` writes the document, as it reads them).

use hardline_model::Timestamp;

use super::{Export, ExportInput, pretty};
use crate::PublishError;

pub(crate) static EXPORT: Export = Export {
    name: "openvex",
    description: "OpenVEX v0.2.0: a not_affected statement per accepted risk with a VEX justification",
    file_name: "vex.openvex.json",
    render,
};

fn render(input: &ExportInput<'_>) -> Result<String, PublishError> {
    let report = input.report;
    let today = jiff::tz::Offset::UTC.to_datetime(report.as_of).date();
    let active: Vec<_> = input.exceptions.exceptions.iter().filter(|e| !e.is_expired(today)).collect();
    let findings: Vec<_> = report.findings.iter().map(|f| f.finding.clone()).collect();
    let document = hardline_policy::vex::document(
        &active,
        &findings,
        &report.image,
        &report.product.purl,
        input.author,
        &Timestamp::from_instant(report.as_of),
    );
    pretty(&document)
}
