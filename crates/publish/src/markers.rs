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
