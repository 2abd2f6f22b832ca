//! Whether a line is exactly the canonical encoding of the JSON it holds, decided in one pass
//! over its bytes without building the value: what `verify` asks of every line of a log.
//!
//! Canonical means what [`super::compact`] writes for the value serde_json parses from the
//! line: objects with keys in strictly ascending byte order (so no duplicates), no whitespace,
//! strings escaped as serde_json escapes them (only `"`, `\`, and control characters, as `\n`,
//! `\r`, `\t`, `\b`, `\f` or `\u00xx`; everything else as UTF-8), and numbers as serde_json
//! writes the number it parses (no leading zeros, no `-0`, floats in their shortest form).
//! A test checks this against `compact` on lines that differ from canonical ones in each way.

use std::ops::Range;

/// Nesting deeper than serde_json parses is not a line any writer made.
const MAX_DEPTH: usize = 128;

/// A canonical line: where its top-level `hash` member is, if it has one.
#[derive(Debug, PartialEq, Eq)]
pub struct Canonical {
    /// The member with the comma that joins it to its neighbour: removing these bytes leaves
    /// the canonical encoding of the object without `hash`, which is what the chain hashes.
    pub hash_member: Option<Range<usize>>,
    /// The member's value, if it is a string without escapes.
    pub hash_value: Option<Range<usize>>,
}

/// `Some` when `line` is canonical JSON.
pub fn check(line: &[u8]) -> Option<Canonical> {
    std::str::from_utf8(line).ok()?;
    let mut checker = Checker { bytes: line, pos: 0, hash_member: None, hash_value: None };
    checker.value(0)?;
    (checker.pos == line.len())
        .then_some(Canonical { hash_member: checker.hash_member, hash_value: checker.hash_value })
}

struct Checker<'a> {
    bytes: &'a [u8],
    pos: usize,
    hash_member: Option<Range<usize>>,
    hash_value: Option<Range<usize>>,
}

impl Checker<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.pos += 1)
    }

    fn value(&mut self, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        match self.peek()? {
            b'{' => self.object(depth),
            b'[' => self.array(depth),
            b'"' => self.string().map(|_| ()),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        self.bytes[self.pos..].starts_with(word).then(|| self.pos += word.len())
    }

    fn object(&mut self, depth: usize) -> Option<()> {
        self.eat(b'{')?;
        if self.eat(b'}').is_some() {
            return Some(());
        }
        let mut previous: Option<Range<usize>> = None;
        loop {
            let member_start = self.pos;
            let key = self.string()?;
            if let Some(previous) = &previous
                && !ascending(self.bytes, previous.clone(), key.clone())
            {
                return None;
            }
            self.eat(b':')?;
            let value_start = self.pos;
            self.value(depth + 1)?;
            let is_hash = depth == 0 && &self.bytes[key.clone()] == b"hash";
            let last = match self.peek()? {
                b',' => false,
                b'}' => true,
                _ => return None,
            };
            if is_hash {
                // `,"hash":…` when it follows a member, `"hash":…,` when it leads.
                self.hash_member = Some(match (&previous, last) {
                    (Some(_), _) => member_start - 1..self.pos,
                    (None, false) => member_start..self.pos + 1,
                    (None, true) => member_start..self.pos,
                });
                self.hash_value = (self.bytes[value_start] == b'"')
                    .then(|| value_start + 1..self.pos - 1)
                    .filter(|value| !self.bytes[value.clone()].contains(&b'\\'));
            }
            self.pos += 1;
            if last {
                return Some(());
            }
            previous = Some(key);
        }
    }

    fn array(&mut self, depth: usize) -> Option<()> {
        self.eat(b'[')?;
        if self.eat(b']').is_some() {
            return Some(());
        }
        loop {
            self.value(depth + 1)?;
            match self.peek()? {
                b',' => self.pos += 1,
                b']' => {
                    self.pos += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// A string escaped exactly as serde_json escapes it; returns the range of its contents.
    fn string(&mut self) -> Option<Range<usize>> {
        self.eat(b'"')?;
        let start = self.pos;
        loop {
            // Runs of bytes that need no escape are most of every line: skip them whole.
            let rest = &self.bytes[self.pos..];
            let run = rest.iter().position(|b| matches!(b, b'"' | b'\\' | 0..=0x1f))?;
            self.pos += run;
            match self.bytes[self.pos] {
                b'"' => {
                    self.pos += 1;
                    return Some(start..self.pos - 1);
                }
                b'\\' => {
                    let escape = *self.bytes.get(self.pos + 1)?;
                    match escape {
                        b'"' | b'\\' | b'n' | b'r' | b't' | b'b' | b'f' => self.pos += 2,
                        b'u' => {
                            let digits = self.bytes.get(self.pos + 2..self.pos + 6)?;
                            // Only control characters without a short escape are written as \u00xx.
                            let value =
                                u8::from_str_radix(std::str::from_utf8(&digits[2..]).ok()?, 16).ok()?;
                            let lower = digits.iter().all(|d| d.is_ascii_digit() || d.is_ascii_lowercase());
                            let short = matches!(value, 0x08 | 0x09 | 0x0a | 0x0c | 0x0d);
                            if &digits[..2] != b"00" || !lower || value >= 0x20 || short {
                                return None;
                            }
                            self.pos += 6;
                        }
                        _ => return None,
                    }
                }
                // A raw control character.
                _ => return None,
            }
        }
    }

    fn number(&mut self) -> Option<()> {
        let start = self.pos;
        self.eat(b'-');
        let digits = self.pos;
        match self.peek()? {
            b'0' => self.pos += 1,
            b'1'..=b'9' => self.skip_digits(),
            _ => return None,
        }
        let mut integer = true;
        if self.eat(b'.').is_some() {
            integer = false;
            self.digits_required()?;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            integer = false;
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            self.digits_required()?;
        }
        let token = std::str::from_utf8(&self.bytes[start..self.pos]).ok()?;
        if integer {
            // serde_json keeps an integer that fits u64 (or, negative, i64) as it is written;
            // anything else becomes a float, written differently.
            let fits =
                if digits == start { token.parse::<u64>().is_ok() } else { token.parse::<i64>().is_ok() };
            return (fits && token != "-0").then_some(());
        }
        let value: f64 = token.parse().ok()?;
        let written = serde_json::Number::from_f64(value)?.to_string();
        (written == token).then_some(())
    }

    fn skip_digits(&mut self) {
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
    }

    fn digits_required(&mut self) -> Option<()> {
        let start = self.pos;
        self.skip_digits();
        (self.pos > start).then_some(())
    }
}

/// Whether the key at `b` sorts strictly after the key at `a`, comparing what they mean
/// (escapes resolved), as the canonical encoder sorts them.
fn ascending(bytes: &[u8], a: Range<usize>, b: Range<usize>) -> bool {
    let (a, b) = (&bytes[a], &bytes[b]);
    if !a.contains(&b'\\') && !b.contains(&b'\\') {
        return a < b;
    }
    let unescape = |raw: &[u8]| -> Option<String> {
        let mut quoted = Vec::with_capacity(raw.len() + 2);
        quoted.push(b'"');
        quoted.extend_from_slice(raw);
        quoted.push(b'"');
        serde_json::from_slice(&quoted).ok()
    };
    matches!((unescape(a), unescape(b)), (Some(a), Some(b)) if a < b)
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    /// The reference: what `verify` took before, a parse and a re-encoding.
    fn reference(line: &str) -> bool {
        serde_json::from_str::<Value>(line).is_ok_and(|v| super::super::compact(&v) == line)
    }

    #[test]
    fn agrees_with_the_reencoding_on_canonical_lines_and_on_every_kind_of_departure() {
        let lines = [
            r#"{"a":1,"b":[true,false,null,{"c":"d"}],"hash":"ab","z":-3}"#,
            r#"{}"#,
            r#"[]"#,
            r#"{"a":[],"b":{}}"#,
            r#"{"s":"quote \" backslash \\ newline \n tab \t cr \r bs \b ff \f nul \u0000 us \u001f"}"#,
            r#"{"s":"é ✓ 😀 / \u007f"}"#,
            "{\"s\":\"del \u{7f}\"}",
            r#"{"n":9.8,"m":5.0,"o":-0.0,"p":1e100,"q":1.0e100,"r":0.1,"t":100.0}"#,
            r#"{"n":18446744073709551615,"m":18446744073709551616,"o":-9223372036854775808}"#,
            r#"{"n":-9223372036854775809}"#,
            r#"{"n":007}"#,
            r#"{"n":-0}"#,
            r#"{"n":1E5}"#,
            r#"{"n":1e5}"#,
            r#"{"n":1.5e-7}"#,
            r#"{"b":1,"a":2}"#,
            r#"{"a":1,"a":2}"#,
            r#"{"a": 1}"#,
            r#" {"a":1}"#,
            r#"{"a":1} "#,
            r#"{"s":"\u00e9"}"#,
            r#"{"s":"\u000A"}"#,
            r#"{"s":"\u000a"}"#,
            r#"{"s":"\u001F"}"#,
            r#"{"s":"\/"}"#,
            "{\"s\":\"raw\ttab\"}",
            r#"{"a":1,}"#,
            r#"{"a":tru}"#,
            r#"{"a":1"#,
            r#"{"a\u0000":1,"a":2}"#,
            r#"{"a":1,"a\u0000":2}"#,
            r#"[1,2,]"#,
            r#"{"a":[1 ,2]}"#,
        ];
        for line in lines {
            assert_eq!(check(line.as_bytes()).is_some(), reference(line), "{line}");
        }
        assert!(check(b"{\"s\":\"\xff\"}").is_none(), "not UTF-8");
        let deep = "[".repeat(200) + &"]".repeat(200);
        assert!(check(deep.as_bytes()).is_none());
    }

    #[test]
    fn finds_the_top_level_hash_member_wherever_it_is() {
        let cases = [
            (r#"{"a":1,"hash":"ff","z":2}"#, r#"{"a":1,"z":2}"#),
            (r#"{"hash":"ff","z":2}"#, r#"{"z":2}"#),
            (r#"{"a":1,"hash":"ff"}"#, r#"{"a":1}"#),
            (r#"{"hash":"ff"}"#, r#"{}"#),
        ];
        for (line, without) in cases {
            let found = check(line.as_bytes()).unwrap_or_else(|| panic!("{line}"));
            let member = found.hash_member.unwrap_or_else(|| panic!("{line}"));
            let rest = [&line[..member.start], &line[member.end..]].concat();
            assert_eq!(rest, without, "{line}");
            assert_eq!(found.hash_value.map(|v| &line[v]), Some("ff"));
        }
        let nested = check(br#"{"a":{"hash":"ff"}}"#).unwrap_or_else(|| panic!("canonical"));
        assert_eq!(nested.hash_member, None, "only the top level counts");
    }
}
