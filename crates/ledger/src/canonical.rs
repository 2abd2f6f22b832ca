//! The canonical JSON encoding the chain hashes and the log lines are written in: object keys sorted by byte order, no
//! insignificant whitespace, numbers and strings as serde_json writes them. Written out here
//! rather than relying on serde_json's map order, so that a feature flag elsewhere in the
//! dependency graph (`preserve_order`) can never change a hash.

use serde_json::Value;

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
                scalar(&Value::String((*key).clone()), out);
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
    // serde_json's own rendering of a scalar is already unique for a given value.
    out.push_str(&value.to_string());
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
    fn sorts_keys_at_every_level() {
        let value: Value =
            serde_json::from_str(r#"{"b":1,"a":{"d":[1,{"z":0,"y":"é\n"}],"c":null}}"#).unwrap_or_default();
        assert_eq!(compact(&value), r#"{"a":{"c":null,"d":[1,{"y":"é\n","z":0}]},"b":1}"#);
    }
}
