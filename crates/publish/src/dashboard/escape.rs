//! Untrusted text made safe for HTML and SVG. Everything that came from a scanner report (ids,
//! packages, versions, titles, URLs, artifact names) reaches a page only through [`esc`] or
//! [`https`].

use hardline_model::text::{is_invisible, safe_url};

/// The longest piece of report text placed in one cell.
pub const MAX_TEXT: usize = 200;

/// `text` for HTML (or SVG) text and quoted attribute values: control and invisible characters
/// become spaces, the text is cut to `max` characters (a cut is marked `…`), and `& < > " '`
/// become entities, so no tag or attribute can be opened from inside.
pub fn esc(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max * 2));
    for (kept, ch) in text.chars().enumerate() {
        if kept >= max {
            out.push('…');
            break;
        }
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() || is_invisible(c) => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The escaped `href` of a URL from a report, only when it is plain `https://` (no
/// `javascript:`, `data:`, relative or protocol-relative URL ever becomes a link).
pub fn https(url: Option<&str>) -> Option<String> {
    url.and_then(safe_url).map(|u| esc(u, 500))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_bounds_length() {
        assert_eq!(
            esc(r#""><img src=x onerror='a'>&"#, 100),
            "&quot;&gt;&lt;img src=x onerror=&#39;a&#39;&gt;&amp;"
        );
        let long = esc(&"a".repeat(100_000), 200);
        assert_eq!(long.chars().count(), 201);
        assert_eq!(esc("a\u{202E}b\nc", 10), "a b c");
    }

    #[test]
    fn only_plain_https_links() {
        assert_eq!(
            https(Some("https://avd.aquasec.com/nvd/cve-1")).as_deref(),
            Some("https://avd.aquasec.com/nvd/cve-1")
        );
        assert_eq!(https(Some("javascript:alert(1)")), None);
        assert_eq!(https(Some("http://example.com")), None);
        assert_eq!(https(Some("https://a/\"onmouseover=x")), None);
    }
}
