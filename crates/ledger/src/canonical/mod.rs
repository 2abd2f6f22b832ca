//! The canonical JSON encoding the chain hashes and the log lines are written in: object keys
//! sorted by byte order, no insignificant whitespace, numbers and strings as serde_json writes
//! them. Written out here rather than relying on serde_json's map order, so that a feature
//! flag elsewhere in the dependency graph (`preserve_order`) can never change a hash.
//!
//! Two routes give the same bytes: [`compact`] from a `serde_json::Value` (what `verify` uses
//! on lines it reads back) and [`to_string`] straight from `Serialize` (what sealing a new
//! event uses, without building a tree).

use serde_json::Value;

mod check;
mod direct;
pub use check::check;
pub use direct::{join, quoted, to_string};

/// Compact canonical form: what is hashed and what each log line is.
pub fn compact(value: &Value) -> String {
    let mut out = String::new();
    write(value, &mut out, None, 0);
    out
}

fn write(value: &Value, out: &mut String, indent: Option<usize>, depth: usize) {
    match value {
        Value::Object(map) => {
            if map.is_empty() {
                out.push_str("{}");
                return;
            }
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, indent, depth + 1);
                string(key, out);
                out.push(':');
                if indent.is_some() {
                    out.push(' ');
                }
                write(&map[*key], out, indent, depth + 1);
            }
            newline(out, indent, depth);
            out.push('}');
        }
        Value::Array(items) => {
            if items.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, indent, depth + 1);
                write(item, out, indent, depth + 1);
            }
            newline(out, indent, depth);
            out.push(']');
        }
        other => scalar(other, out),
    }
}

fn scalar(value: &Value, out: &mut String) {
    use std::fmt::Write as _;
    // serde_json's own rendering of a scalar is unique for a given value; written straight
    // into the output rather than through a temporary string per scalar.
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Value::String(s) => string(s, out),
        other => out.push_str(&other.to_string()),
    }
}

/// A JSON string literal, escaped as serde_json escapes it. Runs of characters that need no
/// escape are copied whole.
pub(crate) fn string(s: &str, out: &mut String) {
    use std::fmt::Write as _;
    out.reserve(s.len() + 2);
    out.push('"');
    let mut start = 0;
    for (index, byte) in s.bytes().enumerate() {
        let escape = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[start..index]);
        if escape.is_empty() {
            let _ = write!(out, "\\u{:04x}", byte);
        } else {
            out.push_str(escape);
        }
        start = index + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

fn newline(out: &mut String, indent: Option<usize>, depth: usize) {
    if let Some(width) = indent {
        out.push('\n');
        out.extend(std::iter::repeat_n(' ', width * depth));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_exactly_as_serde_json_does() {
        for text in
            ["plain", "quote \" and \\ backslash", "controls \u{0}\u{1f}\u{8}\u{c}\n\r\t", "é ✓ 😀", "\u{7f}"]
        {
            let value = Value::String(text.to_owned());
            assert_eq!(compact(&value), serde_json::to_string(&value).unwrap_or_default(), "{text:?}");
        }
    }

    #[test]
    fn sorts_keys_at_every_level() {
        let value: Value =
            serde_json::from_str(r#"{"b":1,"a":{"d":[1,{"z":0,"y":"é\n"}],"c":null}}"#).unwrap_or_default();
        assert_eq!(compact(&value), r#"{"a":{"c":null,"d":[1,{"y":"é\n","z":0}]},"b":1}"#);
    }
}
