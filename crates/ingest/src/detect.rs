//! Recognises a report's format from its first top-level keys, without parsing it.
//!
//! A lexical walk over the top-level object reads key names and skips their values by
//! counting brackets (strings and escapes respected); it stops at the first key that decides
//! the format, and never looks past the first [`SNIFF_WINDOW`] bytes. Scanners write their
//! identifying key first (`SchemaVersion` for Trivy, `$schema`/`version`/`runs` for SARIF), so in
//! practice only a few dozen bytes are read twice; a report whose keys were re-sorted still
//! starts with `ArtifactName` (Trivy) or `$schema` (SARIF).
//!
//! The deciding keys are each format's [`Format`] `detect` list. A version key alone decides
//! nothing (a `package.json` has a `version` too); it is only remembered for the version check.

use crate::format::Format;
use crate::json::line_col;
use crate::sbom::{NOT_REPORTS, NotAReport};
use crate::{FORMATS, IngestError, InputFormat};

/// How far into the input detection may read.
pub(crate) const SNIFF_WINDOW: usize = 64 * 1024;

/// A top-level key, where it is, and its value as written.
#[derive(Clone, Debug)]
pub(crate) struct KeyAt {
    pub line: usize,
    pub column: usize,
    /// The value's raw JSON text (`2`, `"2.1.0"`), as written.
    pub raw_value: String,
}

/// The outcome of detection: the format, and the version key when it was seen.
#[derive(Debug)]
pub(crate) struct Detected {
    pub format: &'static Format,
    pub version: Option<KeyAt>,
}

pub(crate) fn detect(bytes: &[u8], requested: InputFormat, source: &str) -> Result<Detected, IngestError> {
    let walk = walk_top_level(bytes, SNIFF_WINDOW, |key| decides(key).is_some() || refused(key).is_some());
    // An SBOM is refused whatever format was asked for: it is no report of any.
    if let Some((kind, key, name)) =
        walk.keys.last().and_then(|k| refused(k).map(|(kind, name)| (kind, k, name)))
    {
        let at = key.locate(bytes);
        return Err(IngestError::NotAReport {
            source_name: source.to_owned(),
            line: at.line,
            column: at.column,
            what: kind.what,
            key: name,
        });
    }
    let decided = walk.keys.iter().find_map(|k| decides(k).map(|(f, name)| (f, k, name)));
    let version_of = |format: &Format| {
        let name = format.version_key.as_bytes();
        walk.keys.iter().find(|k| k.name == name).map(|k| k.locate(bytes))
    };

    match (requested, decided) {
        (InputFormat::Auto, Some((format, _, _))) => Ok(Detected { format, version: version_of(format) }),
        (InputFormat::Forced(format), Some((other, key, name))) if other != format => {
            let at = key.locate(bytes);
            Err(IngestError::FormatMismatch {
                source_name: source.to_owned(),
                line: at.line,
                column: at.column,
                requested: format,
                found: other,
                key: name,
            })
        }
        // Forced and not contradicted: let the parser say what is wrong, if anything.
        (InputFormat::Forced(format), _) => Ok(Detected { format, version: version_of(format) }),
        (InputFormat::Auto, None) => Err(undetected(bytes, &walk, source)),
    }
}

/// Which format a key decides, if any, and the key's name.
fn decides(key: &RawKey<'_>) -> Option<(&'static Format, &'static str)> {
    FORMATS.iter().find_map(|format| {
        let deciding = format.detect.iter().find(|d| d.matches(key.name, key.value))?;
        Some((*format, deciding.name()))
    })
}

/// Which kind of non-report a key gives away, if any, and the key's name.
fn refused(key: &RawKey<'_>) -> Option<(&'static NotAReport, &'static str)> {
    NOT_REPORTS.iter().find_map(|kind| {
        let deciding = kind.detect.iter().find(|d| d.matches(key.name, key.value))?;
        Some((kind, deciding.name()))
    })
}

/// The error for input that no key identified, with a hint of what it was instead.
fn undetected(bytes: &[u8], walk: &Walk<'_>, source: &str) -> IngestError {
    let hint = match walk.stop {
        Stop::Empty => "the input is empty".to_owned(),
        Stop::NotObject(b'[') => "found a JSON array at the top level".to_owned(),
        Stop::NotObject(_) => {
            let start = bytes.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(0);
            let head: String = String::from_utf8_lossy(&bytes[start..bytes.len().min(start + 20)])
                .chars()
                .take_while(|c| *c != '\n')
                .collect();
            format!("the input is not a JSON object (it starts with `{head}`)")
        }
        Stop::Malformed => {
            // Broken within the first bytes: let the real parser say where and how.
            if let Err(error) = serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
                return crate::json::map_error(&error, bytes, source, "JSON");
            }
            "the input could not be read as JSON".to_owned()
        }
        Stop::End | Stop::Window | Stop::Decided => {
            let names: Vec<String> =
                walk.keys.iter().take(8).map(|k| format!("`{}`", String::from_utf8_lossy(k.name))).collect();
            if names.is_empty() {
                "found an empty JSON object".to_owned()
            } else {
                format!("found a JSON object with top-level keys {}", names.join(", "))
            }
        }
    };
    IngestError::UnknownFormat { source_name: source.to_owned(), hint }
}

/// Finds a top-level key anywhere in the input, however far. Used on error paths only, to
/// point at a version key that lay beyond the detection window.
pub(crate) fn locate_key(bytes: &[u8], name: &str) -> Option<KeyAt> {
    let walk = walk_top_level(bytes, usize::MAX, |key| key.name == name.as_bytes());
    walk.keys.iter().find(|k| k.name == name.as_bytes()).map(|k| k.locate(bytes))
}

/// A top-level key as found by the walk: its raw name (between the quotes) and raw value.
#[derive(Debug)]
struct RawKey<'a> {
    name: &'a [u8],
    offset: usize,
    value: &'a [u8],
}

impl RawKey<'_> {
    fn locate(&self, bytes: &[u8]) -> KeyAt {
        let (line, column) = line_col(bytes, self.offset);
        let raw = String::from_utf8_lossy(self.value);
        let raw_value = if raw.chars().count() > 40 {
            format!("{}…", raw.chars().take(40).collect::<String>())
        } else {
            raw.into_owned()
        };
        KeyAt { line, column, raw_value }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stop {
    /// The object's closing brace.
    End,
    /// `stop_at` said yes.
    Decided,
    /// The window ended inside or after a value.
    Window,
    Empty,
    NotObject(u8),
    /// Not lexically JSON, or truncated.
    Malformed,
}

#[derive(Debug)]
struct Walk<'a> {
    keys: Vec<RawKey<'a>>,
    stop: Stop,
}

fn walk_top_level<'a>(bytes: &'a [u8], window: usize, stop_at: impl Fn(&RawKey<'a>) -> bool) -> Walk<'a> {
    let limit = bytes.len().min(window);
    let mut keys = Vec::new();
    let stop = (|| {
        let mut lexer = Lexer { bytes, limit, pos: 0 };
        match lexer.next_non_ws() {
            None => return Stop::Empty,
            Some(b'{') => lexer.pos += 1,
            Some(other) => return Stop::NotObject(other),
        }
        loop {
            match lexer.next_non_ws() {
                Some(b'}') => return Stop::End,
                Some(b'"') => {}
                Some(_) => return Stop::Malformed,
                None => return lexer.ran_out(),
            }
            let offset = lexer.pos;
            let name = match lexer.string() {
                Ok(span) => &bytes[span.0 + 1..span.1 - 1],
                Err(stop) => return stop,
            };
            match lexer.next_non_ws() {
                Some(b':') => lexer.pos += 1,
                Some(_) => return Stop::Malformed,
                None => return lexer.ran_out(),
            }
            if lexer.next_non_ws().is_none() {
                return lexer.ran_out();
            }
            let value_start = lexer.pos;
            let value = match lexer.value() {
                Ok((start, end)) => &bytes[start..end],
                // A key whose value runs past the window (Grype's `matches`, SARIF's `runs`,
                // written first) still decides by its name: it is taken with the part of its
                // value that was read.
                Err(Stop::Window) => {
                    let key = RawKey { name, offset, value: &bytes[value_start..limit] };
                    if stop_at(&key) {
                        keys.push(key);
                        return Stop::Decided;
                    }
                    return Stop::Window;
                }
                Err(stop) => return stop,
            };
            let key = RawKey { name, offset, value };
            let done = stop_at(&key);
            keys.push(key);
            if done {
                return Stop::Decided;
            }
            match lexer.next_non_ws() {
                Some(b',') => lexer.pos += 1,
                Some(b'}') => return Stop::End,
                Some(_) => return Stop::Malformed,
                None => return lexer.ran_out(),
            }
        }
    })();
    Walk { keys, stop }
}

/// Just enough of a JSON lexer to find where values end.
struct Lexer<'a> {
    bytes: &'a [u8],
    limit: usize,
    pos: usize,
}

impl Lexer<'_> {
    fn next_non_ws(&mut self) -> Option<u8> {
        while self.pos < self.limit {
            let byte = self.bytes[self.pos];
            if !matches!(byte, b' ' | b'\t' | b'\n' | b'\r') {
                return Some(byte);
            }
            self.pos += 1;
        }
        None
    }

    /// Why the input ran out: the window, or the end of a truncated document.
    fn ran_out(&self) -> Stop {
        if self.limit < self.bytes.len() { Stop::Window } else { Stop::Malformed }
    }

    /// Skips a string starting at `pos` (a `"`); returns its span including the quotes.
    fn string(&mut self) -> Result<(usize, usize), Stop> {
        let start = self.pos;
        self.pos += 1;
        while self.pos < self.limit {
            match self.bytes[self.pos] {
                b'\\' => self.pos += 2,
                b'"' => {
                    self.pos += 1;
                    return Ok((start, self.pos));
                }
                _ => self.pos += 1,
            }
        }
        Err(self.ran_out())
    }

    /// Skips one value starting at `pos`; returns its span.
    fn value(&mut self) -> Result<(usize, usize), Stop> {
        let start = self.pos;
        match self.bytes[self.pos] {
            b'"' => self.string(),
            b'{' | b'[' => {
                let mut depth = 0usize;
                while self.pos < self.limit {
                    match self.bytes[self.pos] {
                        b'"' => {
                            self.string()?;
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                self.pos += 1;
                                return Ok((start, self.pos));
                            }
                        }
                        _ => {}
                    }
                    self.pos += 1;
                }
                Err(self.ran_out())
            }
            _ => {
                while self.pos < self.limit
                    && !matches!(self.bytes[self.pos], b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
                {
                    self.pos += 1;
                }
                if self.pos == self.limit && self.limit < self.bytes.len() {
                    return Err(Stop::Window);
                }
                if self.pos == start { Err(Stop::Malformed) } else { Ok((start, self.pos)) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auto(input: &str) -> Result<&'static str, IngestError> {
        detect(input.as_bytes(), InputFormat::Auto, "t.json").map(|d| d.format.name)
    }

    #[test]
    fn recognises_both_formats_by_their_first_key() {
        assert_eq!(auto(r#"{"SchemaVersion": 2, "Results": []}"#).ok(), Some("trivy"));
        assert_eq!(auto(r#"{"ArtifactName": "x", "SchemaVersion": 2}"#).ok(), Some("trivy"));
        assert_eq!(auto(r#"{"version":"2.1.0","runs":[]}"#).ok(), Some("sarif"));
        assert_eq!(
            auto(r#"{"$schema":"https://json.schemastore.org/sarif-2.1.0.json"}"#).ok(),
            Some("sarif")
        );
        assert!(auto(r#"{"$schema":"https://json-schema.org/draft/2020-12/schema"}"#).is_err());
    }

    #[test]
    fn skips_values_with_brackets_and_escapes_inside_strings() {
        let input = r#"{"a": {"x": "}\"]", "y": [1, {"z": null}]}, "b": -1.5e3, "runs": []}"#;
        assert_eq!(auto(input).ok(), Some("sarif"));
    }

    /// Every registered format has a name of its own, and no two formats claim the same key.
    #[test]
    fn the_registry_is_unambiguous() {
        let names: std::collections::BTreeSet<_> = FORMATS.iter().map(|f| f.name).collect();
        assert_eq!(names.len(), FORMATS.len());
        assert!(!names.contains("auto"), "`auto` is not a format");
        let keys: Vec<&str> = FORMATS.iter().flat_map(|f| f.detect.iter().map(|d| d.name())).collect();
        let unique: std::collections::BTreeSet<_> = keys.iter().collect();
        assert_eq!(unique.len(), keys.len(), "a key claimed twice: {keys:?}");
    }

    #[test]
    fn a_version_key_alone_decides_nothing() {
        let error = auto(r#"{"name": "pkg", "version": "2.1.0"}"#).err();
        assert!(matches!(error, Some(IngestError::UnknownFormat { .. })), "{error:?}");
    }

    #[test]
    fn remembers_where_the_version_key_is() {
        let input = "{\n  \"SchemaVersion\": 3,\n  \"Results\": []}";
        let detected = detect(input.as_bytes(), InputFormat::Auto, "t").expect("detected");
        let version = detected.version.expect("version seen");
        assert_eq!((version.line, version.column, version.raw_value.as_str()), (2, 3, "3"));
    }

    #[test]
    fn a_deciding_key_whose_value_runs_past_the_window_still_decides() {
        for (first, format) in [("matches", "grype"), ("runs", "sarif"), ("Results", "trivy")] {
            let input = format!(r#"{{"{first}": [{{"x": "{}"}}], "other": 1}}"#, "y".repeat(SNIFF_WINDOW));
            assert_eq!(auto(&input).ok(), Some(format), "{first}");
        }
    }

    #[test]
    fn stops_at_the_window() {
        let mut input = String::from(r#"{"padding": ""#);
        input.push_str(&"x".repeat(SNIFF_WINDOW));
        input.push_str(r#"", "runs": []}"#);
        let walk = walk_top_level(input.as_bytes(), SNIFF_WINDOW, |_| false);
        assert_eq!(walk.stop, Stop::Window);
        assert!(locate_key(input.as_bytes(), "runs").is_some());
    }
}

/// A top-level string value (`CreatedAt`, `ArtifactType`…) read from the leading bytes
/// without parsing the report; `None` when it is not among the first [`SNIFF_WINDOW`] bytes.
pub(crate) fn peek_string(bytes: &[u8], key: &str) -> Option<String> {
    let walk = walk_top_level(bytes, SNIFF_WINDOW, |k| k.name == key.as_bytes());
    let found = walk.keys.iter().find(|k| k.name == key.as_bytes())?;
    serde_json::from_slice::<String>(found.value).ok()
}

#[cfg(test)]
mod peek_tests {
    use super::*;

    #[test]
    fn peeks_the_creation_time_without_parsing_the_rest() {
        let report = br#"{"SchemaVersion": 2, "CreatedAt": "2026-03-02T04:43:48Z", "Results": [ {"broken"#;
        assert_eq!(peek_string(report, "CreatedAt").as_deref(), Some("2026-03-02T04:43:48Z"));
        let image = br#"{"SchemaVersion": 2, "ArtifactType": "container_image", "Results": ["#;
        assert_eq!(peek_string(image, "ArtifactType").as_deref(), Some("container_image"));
        assert_eq!(peek_string(br#"{"runs": []}"#, "CreatedAt"), None);
    }
}
