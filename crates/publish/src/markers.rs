//! Hidden HTML comments that let hardline find its own issues and comments again, whatever
//! a person did to their labels or titles.

use hardline_model::ImageName;

/// A marker placed at the top of a body hardline owns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Marker(String);

impl Marker {
    /// The issue of one image.
    pub fn image_issue(image: &ImageName) -> Marker {
        Marker(format!("<!-- hardline:issue image={image} -->"))
    }

    /// The gate comment of one image on a pull request.
    pub fn gate_comment(image: &ImageName) -> Marker {
        Marker(format!("<!-- hardline:gate image={image} -->"))
    }

    /// The persistent weekly summary issue.
    pub fn summary_issue() -> Marker {
        Marker("<!-- hardline:summary -->".to_owned())
    }

    /// The summary comment of one ISO week.
    pub fn summary_week(week: &str) -> Marker {
        Marker(format!("<!-- hardline:summary-week {week} -->"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_in(&self, body: &str) -> bool {
        body.contains(&self.0)
    }
}

/// A digest of the state a body shows, stored in the body, so "has anything changed?" is
/// answered from the tracker itself, not from local files that may be missing.
pub fn state_line(digest: &str) -> String {
    format!("<!-- hardline:state {digest} -->")
}

pub fn state_in(body: &str) -> Option<&str> {
    let start = body.find("<!-- hardline:state ")? + "<!-- hardline:state ".len();
    let end = body[start..].find(" -->")?;
    Some(&body[start..start + end])
}

/// The chain head an image's issue was synced from: the seq and hash of the last event of the
/// image's log at that moment. A witness outside the repository: `verify --tracker` checks the
/// log still holds that event with that hash. The digest of the ledger state after it tells
/// `issues sync` whether a scan came since (gate and issue events leave the state as it is,
/// and do not make the body be rewritten).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainHead {
    pub seq: u64,
    pub hash: String,
    pub state: String,
}

const CHAIN_HEAD: &str = "<!-- hardline:chain-head ";

/// The hidden line that records `head` in a body.
pub fn chain_head_line(head: &ChainHead) -> String {
    format!("{CHAIN_HEAD}seq={} sha256={} state={} -->", head.seq, head.hash, head.state)
}

/// The chain head a body records; `None` when it records none or the line is malformed (a
/// person edited it: there is no witness then, which `verify --tracker` reports).
pub fn chain_head_in(body: &str) -> Option<ChainHead> {
    let start = body.find(CHAIN_HEAD)? + CHAIN_HEAD.len();
    let end = body[start..].find(" -->")?;
    let mut fields = body[start..start + end].split(' ');
    let seq = fields.next()?.strip_prefix("seq=")?.parse().ok()?;
    let hash = fields.next()?.strip_prefix("sha256=")?;
    let state = fields.next()?.strip_prefix("state=")?;
    let hex = |s: &str, len: usize| s.len() == len && s.bytes().all(|b| b.is_ascii_hexdigit());
    if fields.next().is_some() || !hex(hash, 64) || !hex(state, 32) {
        return None;
    }
    Some(ChainHead { seq, hash: hash.to_owned(), state: state.to_owned() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chain_head_round_trips_and_rejects_malformed_lines() {
        let head = ChainHead { seq: 42, hash: "ab".repeat(32), state: "cd".repeat(16) };
        let body = format!("intro\n{}\nrest", chain_head_line(&head));
        assert_eq!(chain_head_in(&body), Some(head));
        assert_eq!(chain_head_in("no marker"), None);
        assert_eq!(chain_head_in("<!-- hardline:chain-head seq=x sha256=ab -->"), None);
        let bad_hash = format!(
            "<!-- hardline:chain-head seq=1 sha256={} state={} -->",
            "zz".repeat(32),
            "cd".repeat(16)
        );
        assert_eq!(chain_head_in(&bad_hash), None);
    }
}
