//! The shell every HTML page hardline writes shares (the dashboard's pages, the customer
//! report): one inline stylesheet, and a Content-Security-Policy that allows exactly that
//! stylesheet by its hash, and the site's own script files only on the dashboard's pages
//! (`script-src 'self'`: no inline script, ever) — no image, no font, no frame, no form, no
//! external resource of any kind — so that even markup that slipped through escaping could
//! load or run nothing. The customer report, one self-contained file, allows no script at all.

use sha2::{Digest, Sha256};

/// What scripts a page may run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scripts<'a> {
    /// None at all: a self-contained document (the customer report).
    Forbidden,
    /// The site's own script files (`script-src 'self'`), and this page loads `src` if given
    /// (the dashboard's pages).
    Site { src: Option<&'a str> },
}

/// A complete page: `title` and `body` are HTML already escaped by the caller, `css` is the
/// page's only stylesheet.
pub(crate) fn page(title: &str, css: &str, body: &str, scripts: Scripts<'_>) -> String {
    let hash = base64(&Sha256::digest(css.as_bytes()));
    let (policy, script) = match scripts {
        Scripts::Forbidden => ("", String::new()),
        Scripts::Site { src } => (
            " script-src 'self';",
            src.map(|src| format!("<script src=\"{src}\" defer></script>\n")).unwrap_or_default(),
        ),
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'sha256-{hash}';{policy} \
         img-src 'none'; base-uri 'none'; form-action 'none'\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n<title>{title}</title>\n<style>{css}</style>\n{script}</head>\n\
         <body>\n{body}</body>\n</html>\n"
    )
}

/// Standard base64 with padding, for the CSP hash source.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn the_policy_allows_exactly_the_page_stylesheet() {
        let plain = page("t", "body{color:red}", "<p>x</p>\n", Scripts::Forbidden);
        let hash = base64(&Sha256::digest(b"body{color:red}"));
        assert!(
            plain.contains(&format!("default-src 'none'; style-src 'sha256-{hash}'; img-src")),
            "{plain}"
        );
        assert!(plain.contains("<style>body{color:red}</style>"));
        assert!(!plain.contains("script"), "a page without a script allows none");
        let scripted =
            page("t", "body{color:red}", "<p>x</p>\n", Scripts::Site { src: Some("../triage.js") });
        assert!(
            scripted.contains("'sha256-") && scripted.contains("; script-src 'self'; img-src"),
            "{scripted}"
        );
        assert!(scripted.contains("<script src=\"../triage.js\" defer></script>"));
    }
}
