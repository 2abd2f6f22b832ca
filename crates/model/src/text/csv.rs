//! Untrusted text made safe for a spreadsheet cell of a CSV file (RFC 4180).
//!
//! A spreadsheet executes a cell that starts with `=`, `+`, `-` or `@` (and, in some, a tab or
//! carriage return before one of them) as a formula: `=HYPERLINK("https://evil", "x")` in a
//! package name would become a link, `=cmd|…` worse. Every cell from a report goes through
//! [`cell`]: control and invisible characters go (so no tab, CR or line break survives), the
//! text is bounded, a cell that would start a formula is prefixed with `'` (which spreadsheets
//! show as text and do not display), and the cell is quoted when RFC 4180 needs it.

use super::single_line;

/// Characters that make a spreadsheet read a cell as a formula when they come first, with their
/// full-width forms (which some spreadsheets normalise).
const FORMULA_STARTS: [char; 8] = ['=', '+', '-', '@', '\u{FF1D}', '\u{FF0B}', '\u{FF0D}', '\u{FF20}'];

/// One cell: `text` on one line, bounded to `max` characters, neutralised and quoted.
pub fn cell(text: &str, max: usize) -> String {
    let mut text = single_line(text, max);
    if text.starts_with(FORMULA_STARTS) {
        text.insert(0, '\'');
    }
    quote(&text)
}

/// A cell written by hardline itself (a number, a date, a word from a fixed vocabulary): only
/// quoted when RFC 4180 needs it. Report text never goes here.
pub fn trusted(text: &str) -> String {
    quote(text)
}

/// One record: the cells joined by commas, ended by CRLF (RFC 4180).
pub fn record(cells: &[String]) -> String {
    let mut line = cells.join(",");
    line.push_str("\r\n");
    line
}

/// Quotes a field that holds a comma, a quote or a line break, doubling its quotes.
fn quote(text: &str) -> String {
    if text.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised() {
        for hostile in ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", " =1", "\u{FF1D}1", "\u{200B}=1"] {
            let out = cell(hostile, 100);
            assert!(out.starts_with('\''), "{hostile:?} became {out:?}");
        }
        assert_eq!(
            cell("=HYPERLINK(\"https://evil\",\"x\")", 100),
            "\"'=HYPERLINK(\"\"https://evil\"\",\"\"x\"\")\""
        );
        assert_eq!(cell("libc6", 100), "libc6", "ordinary text is left alone");
        assert_eq!(cell("2.41-12", 100), "2.41-12", "a dash later in the cell is harmless");
    }

    #[test]
    fn quoting_follows_rfc_4180() {
        assert_eq!(cell("a, b", 100), "\"a, b\"");
        assert_eq!(cell("say \"hi\"", 100), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("line\r\nbreak", 100), "line break", "no line break survives");
        assert_eq!(record(&["a".to_owned(), "b".to_owned()]), "a,b\r\n");
    }
}
