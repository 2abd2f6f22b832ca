//! What counts: the one definition the gate, `status` and the issue per image share.

use hardline_model::{Finding, ImageName};
use jiff::civil::Date;

use crate::THRESHOLD;
use crate::exceptions::ExceptionSet;

/// The findings of `image` that count on `today`: MEDIUM and above, after exceptions, in the
/// order given. What the gate compares, what `status` calls open, what the issue lists.
pub fn open_findings<'f>(
    findings: &'f [Finding],
    image: &ImageName,
    exceptions: &ExceptionSet,
    today: Date,
) -> Vec<&'f Finding> {
    exceptions.apply(findings, image, today).counted.into_iter().filter(|f| f.severity >= THRESHOLD).collect()
}
