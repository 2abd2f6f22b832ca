//! Untrusted text made safe for the places people read it: Markdown and HTML that GitHub
//! renders, and terminals.
//!
//! Package names, titles and messages come from scanner reports, and a report can be crafted.
//! Everything from a report that reaches an issue, comment, page or log goes through
//! [`inline`] (or [`code`]): control characters are dropped, the string is cut to a bound,
//! and every character that could start Markdown or HTML syntax is neutralised, so no
//! mention, reference, link, image, emphasis or tag survives. What reaches a terminal goes
//! through [`terminal`]. All of them drop the same characters, those [`is_deceptive`] names:
//! one definition of "text that could make a reader see something it is not".
//!
//! Targets that are not markup have their own escaping beside it: [`single_line`] for logs and
//! for text drawn as glyphs (the PDF report), [`csv`] for spreadsheet cells.

pub mod csv;
pub mod rows;

/// The longest piece of report text placed in one table cell or list item.
pub const MAX_INLINE: usize = 200;

/// Escapes `text` for inline Markdown (a table cell, a list item) and bounds it to `max`
/// characters, marking a cut with `…`.
pub fn inline(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max * 2));
    let mut kept = 0;
    let mut previous_was_space = false;
    for (index, ch) in text.char_indices() {
        if kept >= max {
            out.push('…');
            break;
        }
        let ch = if is_deceptive(ch) { ' ' } else { ch };
        if ch == ' ' {
            if previous_was_space {
                continue;
            }
            previous_was_space = true;
        } else {
            previous_was_space = false;
        }
        kept += 1;
        match ch {
            // `@user` and `#123` would mention a user or link an issue. GitHub links them
            // after rendering, on the text itself, so an entity for the character alone is
            // not enough: a zero-width space after it (as an entity, so it is visible in the
            // source) breaks the word the linker looks for.
            '@' => out.push_str("@&#8203;"),
            '#' => out.push_str("#&#8203;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '|' => out.push_str("&#124;"),
            // Only characters that can open inline syntax are escaped: text is always placed
            // after a list marker or inside a table cell, never where `-`, `+` or `1.` could
            // start a block, and `(` only matters after the (escaped) `]`.
            '\\' | '`' | '*' | '_' | '[' | ']' | '!' | '~' => {
                out.push('\\');
                out.push(ch);
            }
            // `https://…` and `www.…` would be autolinked; a zero-width space breaks them.
            ':' if rest_starts_with(text, index, "//") => out.push_str(":&#8203;"),
            '.' if out.ends_with("www") => out.push_str("&#8203;."),
            _ => out.push(ch),
        }
    }
    out.trim().to_owned()
}

/// Plain text on one line, for logs and workflow commands rather than Markdown: control and
/// invisible characters become spaces, runs of spaces one, and the text is cut to `max`
/// characters, marking a cut with `…`.
pub fn single_line(text: &str, max: usize) -> String {
    let mut out = String::new();
    for (kept, ch) in
        text.chars().map(|c| if c.is_control() || is_invisible(c) { ' ' } else { c }).enumerate()
    {
        if kept >= max {
            out.push('…');
            break;
        }
        if !(ch == ' ' && out.ends_with(' ')) {
            out.push(ch);
        }
    }
    out.trim().to_owned()
}

fn rest_starts_with(text: &str, index: usize, prefix: &str) -> bool {
    text.get(index + 1..).is_some_and(|rest| rest.starts_with(prefix))
}

/// Inline code for identifiers (package names, versions, paths): backticks cannot be escaped
/// inside a code span, so they and control characters are replaced, and the span is bounded.
/// `@` and `#` inside code spans are not linked by GitHub.
pub fn code(text: &str, max: usize) -> String {
    let mut body: String = text
        .chars()
        .filter(|c| !is_invisible(*c))
        .map(|c| {
            if c == '`' {
                '\''
            } else if c.is_control() {
                ' '
            } else {
                c
            }
        })
        .take(max)
        .collect();
    if text.chars().count() > max {
        body.push('…');
    }
    let body = body.replace('|', "\\|");
    if body.trim().is_empty() { "` `".to_owned() } else { format!("`{body}`") }
}

/// A URL from a report, kept only when it is plain `https://` with no characters that could
/// break out of a Markdown link; anything else is dropped.
pub fn safe_url(url: &str) -> Option<&str> {
    let ok = url.starts_with("https://")
        && url.len() <= 500
        && url.chars().all(|c| {
            c.is_ascii_graphic() && !matches!(c, '(' | ')' | '<' | '>' | '"' | '\'' | '`' | '[' | ']' | '\\')
        });
    ok.then_some(url)
}

/// A Markdown link for an id with a URL from a report, or the escaped id alone.
pub fn link(label: &str, url: Option<&str>) -> String {
    let label = inline(label, 80);
    match url.and_then(safe_url) {
        Some(url) => format!("[{label}]({url})"),
        None => label,
    }
}

/// `CVE-… in `pkg`` (or `rule at `path``), the id linked to its advisory: how every view
/// names a finding ([`rows::label`] of its row).
pub fn finding_label(finding: &crate::Finding) -> String {
    rows::label(&crate::row::FindingRow::of(finding))
}

/// Text from a report (or a server, or a configuration file) made safe for a terminal, on one
/// line: control characters (ESC, BEL, carriage return, the C1 controls such as U+009B, which
/// some terminals take as an escape sequence, and line breaks) become a space, invisible
/// characters (bidirectional overrides, zero-width characters, tag characters) are dropped,
/// and the text is cut to `max` characters.
pub fn terminal(text: &str, max: usize) -> String {
    text.chars()
        .filter(|c| !is_invisible(*c))
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(max)
        .collect()
}

/// Whether `ch` must never reach a reader as it is: a control character (which can move a
/// terminal's cursor, recolour or retitle it) or an invisible one (which can make text read
/// differently from what it is, trojan-source style). Every sanitiser of hardline's output
/// asks this.
pub fn is_deceptive(ch: char) -> bool {
    ch.is_control() || is_invisible(ch)
}

/// Characters that take no room but change how text reads: bidirectional embeddings,
/// overrides, isolates and marks, zero-width spaces and joiners, invisible operators, the
/// byte-order mark, soft hyphens and fillers, interlinear annotation marks, and the tag
/// characters (which can smuggle invisible ASCII).
pub fn is_invisible(ch: char) -> bool {
    matches!(
        ch,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{E0000}'..='\u{E007F}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neutralises_markdown_html_and_mentions() {
        let hostile =
            "@octocat <img src=x onerror=alert(1)> [click](https://evil) ![i](x) #1 `rm` **b**\u{0007}";
        let out = inline(hostile, 500);
        assert!(!out.contains('<'));
        assert!(!out.contains("@octocat"));
        assert!(!out.contains("](https://"));
        assert!(out.contains("\\[click\\]"), "brackets are escaped: {out}");
        assert!(!out.contains("#1"));
        assert!(!out.contains('\u{0007}'));
        assert!(!out.contains("**"));
        assert!(!out.contains("https://evil"), "no autolink survives: {out}");
        assert_eq!(
            inline("plain-text 1.2.3 (ok)", 100),
            "plain-text 1.2.3 (ok)",
            "ordinary text stays readable"
        );
    }

    #[test]
    fn terminal_text_loses_escapes_bidi_and_zero_width_characters() {
        let hostile = "CVE-1\u{1b}[2J\u{7}\u{9b}31m ev\u{202E}lif\u{200B}\u{2066}e\u{E0041}\r\nx";
        assert_eq!(terminal(hostile, 100), "CVE-1 [2J  31m evlife  x");
        assert!(terminal(hostile, 100).chars().all(|c| !is_deceptive(c)));
        assert_eq!(terminal("héllo", 3), "hél");
        for ch in ['\u{1b}', '\u{7}', '\u{9b}', '\u{202E}', '\u{2067}', '\u{200D}', '\u{FEFF}', '\u{E0020}'] {
            assert!(is_deceptive(ch), "{:?}", ch);
            assert!(!inline(&format!("a{ch}b"), 10).contains(ch), "{ch:?} in Markdown");
        }
        assert!(!is_deceptive('é') && !is_deceptive('→') && !is_deceptive(' '));
    }

    #[test]
    fn bounds_huge_strings() {
        let out = inline(&"a".repeat(100_000), 100);
        assert!(out.chars().count() <= 101);
        assert!(out.ends_with('…'));
        assert!(code(&"b".repeat(10_000), 50).chars().count() <= 53);
    }

    #[test]
    fn single_lines_stay_single_and_bounded() {
        assert_eq!(single_line("a\nb\r\n\u{1b}[31mc  d\u{200b}", 100), "a b [31mc d");
        assert_eq!(single_line(&"x".repeat(50), 10), format!("{}…", "x".repeat(10)));
    }

    #[test]
    fn code_spans_cannot_be_closed_from_inside() {
        assert_eq!(code("a`b", 10), "`a'b`");
    }

    #[test]
    fn only_plain_https_urls_become_links() {
        assert_eq!(
            link("CVE-1", Some("https://avd.aquasec.com/nvd/cve-1")),
            "[CVE-1](https://avd.aquasec.com/nvd/cve-1)"
        );
        assert_eq!(link("x", Some("javascript:alert(1)")), "x");
        assert_eq!(link("x", Some("https://a/b)c")), "x");
    }
}
