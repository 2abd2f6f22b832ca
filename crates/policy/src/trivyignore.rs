//! Trivy's plain `.trivyignore`: one id per line (a vulnerability, a check such as
//! `AVD-DS-0002`, a secret rule), `#` comments, and an optional `exp:YYYY-MM-DD` after the id
//! (Trivy ignores the id until that day).
//!
//! Each id becomes an exception for every image. Its reason is the comment block right above
//! it (the way these files are written: `# no impact: …` then the id), or says that none was
//! given. An id without `exp:` never expires, and is reported as such, like a
//! `.trivyignore.yaml` entry without `expired_at`. Anything else on a line is an error at its
//! column, rather than an id silently not ignored.

use std::path::Path;

use jiff::civil::Date;

use crate::exceptions::{Exception, ExceptionError};

/// Reads a plain `.trivyignore`. `shown` is how exceptions name the file.
pub fn parse(text: &str, path: &Path, shown: &Path) -> Result<Vec<Exception>, ExceptionError> {
    let invalid =
        |line: usize, column: usize, message: String| ExceptionError::at(path, line, column, message);
    let mut out = Vec::new();
    let mut comment: Vec<&str> = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line_no = index + 1;
        let line = raw.trim();
        if line.is_empty() {
            comment.clear();
            continue;
        }
        if let Some(text) = line.strip_prefix('#') {
            comment.push(text.trim());
            continue;
        }
        let mut tokens = tokens(raw);
        let Some((_, id)) = tokens.next() else { continue };
        let mut expires: Option<Date> = None;
        for (column, token) in tokens {
            if token.starts_with('#') {
                break;
            }
            match token.strip_prefix("exp:") {
                Some(date) => {
                    expires = Some(date.parse().map_err(|_| {
                        invalid(
                            line_no,
                            column,
                            format!("{id}: `{token}` must be `exp:` and a date like exp:2026-03-31"),
                        )
                    })?);
                }
                None => {
                    return Err(invalid(
                        line_no,
                        column,
                        format!(
                            "{id}: unexpected `{token}`; a line holds one id and optionally exp:YYYY-MM-DD"
                        ),
                    ));
                }
            }
        }
        let reason = comment.iter().copied().filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" ");
        out.push(Exception {
            id: id.to_owned(),
            images: Vec::new(),
            packages: Vec::new(),
            purls: Vec::new(),
            paths: Vec::new(),
            fingerprints: Vec::new(),
            reason: if reason.is_empty() {
                "imported from .trivyignore (no reason given)".to_owned()
            } else {
                reason
            },
            vex: None,
            expires,
            source: format!("{}:{line_no}", shown.display()),
        });
        comment.clear();
    }
    Ok(out)
}

/// The whitespace-separated tokens of a line, with their 1-based columns.
fn tokens(line: &str) -> impl Iterator<Item = (usize, &str)> {
    line.split_whitespace().map(move |token| {
        let offset = token.as_ptr() as usize - line.as_ptr() as usize;
        (line[..offset].chars().count() + 1, token)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(text: &str) -> Result<Vec<Exception>, ExceptionError> {
        parse(text, Path::new("/repo/.trivyignore"), Path::new(".trivyignore"))
    }

    #[test]
    fn ids_comments_and_expiry_dates() {
        let text = "# Accept the risk: no locale switching at run time\nCVE-2026-0861\n\n\
                    CVE-2019-14697 exp:2026-12-31\n# Misconfiguration: checked by hand\nAVD-DS-0002  # inline\n";
        let exceptions = parse_text(text).expect("valid");
        let ids: Vec<&str> = exceptions.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["CVE-2026-0861", "CVE-2019-14697", "AVD-DS-0002"]);
        assert_eq!(exceptions[0].reason, "Accept the risk: no locale switching at run time");
        assert_eq!(exceptions[0].expires, None);
        assert_eq!(exceptions[0].source, ".trivyignore:2");
        assert_eq!(exceptions[1].expires, Some(jiff::civil::date(2026, 12, 31)));
        assert_eq!(
            exceptions[1].reason, "imported from .trivyignore (no reason given)",
            "a blank line ends a comment"
        );
        assert_eq!(exceptions[2].reason, "Misconfiguration: checked by hand");
    }

    #[test]
    fn anything_else_on_a_line_is_an_error_at_its_column() {
        let error = parse_text("CVE-1 exp:2026-13-01\n").expect_err("no 13th month");
        assert_eq!(
            error.to_string(),
            "/repo/.trivyignore:1:7: CVE-1: `exp:2026-13-01` must be `exp:` and a date like exp:2026-03-31"
        );
        let error = parse_text("# x\n  CVE-1 2026-01-01\n").expect_err("not exp:");
        assert!(
            error.to_string().starts_with("/repo/.trivyignore:2:9: CVE-1: unexpected `2026-01-01`"),
            "{error}"
        );
    }
}
