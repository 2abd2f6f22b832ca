//! Helpers shared by the format modules: a borrowed string type, positions, and the mapping of
//! `serde_json` errors onto [`IngestError`].

use std::borrow::Cow;

use hardline_model::position::{self, Columns};
use serde::Deserialize;

use crate::IngestError;

/// A string borrowed from the report buffer when it holds no escapes, owned otherwise.
///
/// A newtype rather than a bare `Cow<'a, str>`: serde only borrows a `Cow` in a field marked
/// `#[serde(borrow)]` directly, and would silently copy one inside an `Option`, a `Vec` or a
/// map. Wrapped like this, `Option<Text>` and `Vec<Text>` borrow too.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(transparent)]
pub(crate) struct Text<'a>(#[serde(borrow)] pub Cow<'a, str>);

impl Text<'_> {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn to_owned_string(&self) -> String {
        self.0.clone().into_owned()
    }
}

/// `Some(owned)` for a present, non-blank string.
pub(crate) fn non_empty(text: Option<&Text<'_>>) -> Option<String> {
    text.map(Text::as_str).filter(|s| !s.trim().is_empty()).map(str::to_owned)
}

/// The present, non-empty parts joined by a space (`debian` and `13.3` → `debian 13.3`), if any.
pub(crate) fn joined<'t>(parts: impl IntoIterator<Item = Option<&'t Text<'t>>>) -> Option<String> {
    let parts: Vec<&str> = parts.into_iter().flatten().map(Text::as_str).filter(|s| !s.is_empty()).collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// A report's time, if it gives one; a time that does not parse is an error at the top-level
/// `key` that holds it (`field` names it in the message).
pub(crate) fn timestamp(
    text: Option<&Text<'_>>,
    bytes: &[u8],
    source: &str,
    format: &'static str,
    key: &str,
    field: &str,
) -> Result<Option<hardline_model::Timestamp>, IngestError> {
    let Some(text) = non_empty(text) else { return Ok(None) };
    hardline_model::Timestamp::parse(&text).map(Some).map_err(|e| {
        let at = crate::detect::locate_key(bytes, key).unwrap_or(crate::detect::KeyAt {
            line: 1,
            column: 1,
            raw_value: text.clone(),
        });
        IngestError::Invalid {
            source_name: source.to_owned(),
            line: at.line,
            column: at.column,
            format,
            message: format!("{field}: {e}"),
        }
    })
}

/// 1-based line and column (in bytes) of `offset`, counted the way `serde_json` counts.
pub(crate) fn line_col(bytes: &[u8], offset: usize) -> (usize, usize) {
    position::at_offset(bytes, offset, Columns::Bytes)
}

/// Turns a `serde_json` error reading `bytes` into an [`IngestError`] naming the report, line
/// and column (a real one: serde_json's column 0 at the end of a file is not).
pub(crate) fn map_error(
    error: &serde_json::Error,
    bytes: &[u8],
    source: &str,
    format: &'static str,
) -> IngestError {
    let full = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    // serde_json puts the end of a file on its last character, or at column 0 after a final
    // newline; hardline puts it just past the last character, wherever the file ends.
    let (line, column) = if error.is_eof() {
        position::end_of(bytes, Columns::Bytes)
    } else {
        position::normalized(bytes, error.line(), error.column(), Columns::Bytes)
    };
    let message = full.strip_suffix(&suffix).unwrap_or(&full);
    match error.classify() {
        serde_json::error::Category::Eof => IngestError::Syntax {
            source_name: source.to_owned(),
            line,
            column,
            message: format!(
                "expected more JSON, found the end of the file ({message}); is the report truncated?"
            ),
        },
        serde_json::error::Category::Syntax | serde_json::error::Category::Io => IngestError::Syntax {
            source_name: source.to_owned(),
            line,
            column,
            message: format!("{message} (malformed JSON)"),
        },
        serde_json::error::Category::Data => IngestError::Invalid {
            source_name: source.to_owned(),
            line,
            column,
            format,
            message: message.to_owned(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_borrows_unescaped_strings_even_inside_option_and_vec() {
        #[derive(Deserialize)]
        struct Probe<'a> {
            #[serde(borrow)]
            one: Option<Text<'a>>,
            #[serde(borrow)]
            many: Vec<Text<'a>>,
            #[serde(borrow)]
            escaped: Text<'a>,
        }
        let input = br#"{"one":"plain","many":["a","b"],"escaped":"tab\there"}"#;
        let probe: Probe<'_> = serde_json::from_slice(input).expect("valid probe");
        assert!(matches!(probe.one.map(|t| t.0), Some(Cow::Borrowed("plain"))));
        assert!(probe.many.iter().all(|t| matches!(t.0, Cow::Borrowed(_))));
        assert_eq!(probe.escaped.as_str(), "tab\there");
        assert!(matches!(probe.escaped.0, Cow::Owned(_)));
    }

    #[test]
    fn line_col_is_one_based() {
        let text = b"ab\ncd";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        assert_eq!(line_col(text, 4), (2, 2));
    }
}
