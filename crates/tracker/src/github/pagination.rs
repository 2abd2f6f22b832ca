//! `Link` header pagination and URL building.

/// The `rel="next"` target of a `Link` header, if any.
pub(crate) fn next_link(link: &str) -> Option<&str> {
    link.split(',').find_map(|part| {
        let mut pieces = part.split(';');
        let target = pieces.next()?.trim();
        let is_next = pieces.any(|param| {
            let param = param.trim();
            param == "rel=\"next\"" || param == "rel=next"
        });
        if is_next { target.strip_prefix('<')?.strip_suffix('>') } else { None }
    })
}

/// Percent-encodes a query or path component (RFC 3986 unreserved characters pass through).
pub(crate) fn encode(component: &str) -> String {
    let mut out = String::with_capacity(component.len());
    for byte in component.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `path?k=v&...` with encoded values.
pub(crate) fn with_query(path: &str, params: &[(&str, &str)]) -> String {
    if params.is_empty() {
        return path.to_owned();
    }
    let query: Vec<String> = params.iter().map(|(k, v)| format!("{k}={}", encode(v))).collect();
    format!("{path}?{}", query.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_next_among_several_relations() {
        let link = r#"<https://api.github.com/repositories/1/issues?page=3>; rel="next", <https://api.github.com/repositories/1/issues?page=9>; rel="last", <https://api.github.com/repositories/1/issues?page=1>; rel="first""#;
        assert_eq!(next_link(link), Some("https://api.github.com/repositories/1/issues?page=3"));
    }

    #[test]
    fn last_page_has_no_next() {
        let link = r#"<https://x/issues?page=1>; rel="prev", <https://x/issues?page=1>; rel="first""#;
        assert_eq!(next_link(link), None);
        assert_eq!(next_link(""), None);
    }

    #[test]
    fn encodes_labels() {
        assert_eq!(
            with_query("/r", &[("labels", "security scan,hardline"), ("per_page", "100")]),
            "/r?labels=security%20scan%2Chardline&per_page=100"
        );
    }
}
