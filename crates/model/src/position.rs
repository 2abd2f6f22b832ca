//! Where something is in a text file, counted as people and editors count: lines and columns
//! from 1. One definition for every parser's errors, so that `file:line:column` always names a
//! place an editor can jump to, the end of the file included.
//!
//! The end of a file is just past the last character of its last line. A final newline ends the
//! last line (as POSIX and editors count lines); it does not start an empty one, so a truncated
//! `{\n  "a": [\n` ends at 2:9, not at 3:1 or at serde_json's 3:0.

/// What a column counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Columns {
    /// Bytes, as `serde_json` counts (the report formats).
    Bytes,
    /// Characters (the hand-written TOML and YAML files).
    Chars,
}

impl Columns {
    fn width(self, line: &[u8]) -> usize {
        match self {
            Columns::Bytes => line.len(),
            // Every UTF-8 character has exactly one byte that is not a continuation byte.
            Columns::Chars => line.iter().filter(|b| (**b & 0xC0) != 0x80).count(),
        }
    }
}

/// Line and column of the byte at `offset` in `text`; an offset at or past the end names the
/// end of the file.
pub fn at_offset(text: &[u8], offset: usize, columns: Columns) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    if offset == text.len() && text.ends_with(b"\n") {
        // The final newline: the place just past the last line's last character.
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.iter().rposition(|b| *b == b'\n').map_or(0, |p| p + 1);
    let line = 1 + before.iter().filter(|b| **b == b'\n').count();
    (line, columns.width(&before[line_start..]) + 1)
}

/// The end of `text`: just past the last character of its last line.
pub fn end_of(text: &[u8], columns: Columns) -> (usize, usize) {
    at_offset(text, text.len(), columns)
}

/// A parser's own line and column made a real place in `text`: a column 0 (`serde_json` gives
/// one at the start of a line, which it reaches at the end of a file after its final newline)
/// names the end of the line before, and a line past the last names the end of the file.
pub fn normalized(text: &[u8], line: usize, column: usize, columns: Columns) -> (usize, usize) {
    let end = end_of(text, columns);
    if line > end.0 {
        return end;
    }
    if line <= 1 && column == 0 {
        return (1, 1);
    }
    if column == 0 {
        // The newline that ends line `line - 1`.
        let newline = text.iter().enumerate().filter(|(_, b)| **b == b'\n').nth(line - 2).map(|(i, _)| i);
        return newline.map_or(end, |at| at_offset(text, at, columns));
    }
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_count_from_one() {
        let text = b"ab\ncd";
        assert_eq!(at_offset(text, 0, Columns::Bytes), (1, 1));
        assert_eq!(at_offset(text, 3, Columns::Bytes), (2, 1));
        assert_eq!(at_offset(text, 4, Columns::Bytes), (2, 2));
    }

    #[test]
    fn the_end_of_a_file_is_just_past_its_last_character() {
        assert_eq!(at_offset(b"ab\ncd", 5, Columns::Bytes), (2, 3));
        assert_eq!(at_offset(b"ab\ncd\n", 6, Columns::Bytes), (2, 3));
        assert_eq!(at_offset(b"ab\n\n", 4, Columns::Bytes), (2, 1));
        assert_eq!(at_offset(b"", 0, Columns::Bytes), (1, 1));
        assert_eq!(at_offset(b"\n", 1, Columns::Bytes), (1, 1));
    }

    #[test]
    fn columns_count_bytes_or_characters() {
        let text = "é=\n".as_bytes();
        assert_eq!(at_offset(text, 3, Columns::Bytes), (1, 4));
        assert_eq!(at_offset(text, 3, Columns::Chars), (1, 3));
    }

    #[test]
    fn serde_json_column_zero_names_a_real_place() {
        let text = b"{\n  \"a\": [\n";
        assert_eq!(normalized(text, 3, 0, Columns::Bytes), (2, 9));
        assert_eq!(normalized(text, 2, 0, Columns::Bytes), (1, 2));
        assert_eq!(normalized(b"", 1, 0, Columns::Bytes), (1, 1));
        assert_eq!(normalized(text, 2, 4, Columns::Bytes), (2, 4));
    }
}
