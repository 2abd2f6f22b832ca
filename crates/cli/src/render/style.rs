//! How human output marks things up. The human renderer writes every word that could be
//! coloured (a decision, a severity, new and fixed, warnings) through [`Style::paint`] with its
//! [`Role`], and pads before painting, so a colour layer (`--color`) is a change to this file
//! alone. Today every role is plain text.

use hardline_model::Severity;
use hardline_policy::Decision;

/// What a piece of human output is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Decision(Decision),
    Severity(Severity),
    /// A finding that is new.
    Added,
    /// A finding that is fixed.
    Removed,
    Warning,
    Note,
    /// A problem that fails a check (`verify`).
    Failure,
}

/// The styling of one run's human output.
#[derive(Clone, Copy, Debug, Default)]
pub struct Style {
    _plain: (),
}

impl Style {
    /// No markup at all: what pipes, files and CI logs get.
    pub fn plain() -> Style {
        Style::default()
    }

    /// `text` marked up as `role`.
    pub fn paint(&self, _role: Role, text: &str) -> String {
        text.to_owned()
    }
}
