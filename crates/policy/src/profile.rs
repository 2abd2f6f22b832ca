//! Profiles: named, ordered lists of rules. A rule says which built-in profiles it is on in
//! (its `profiles`), so a profile's list is the registry filtered, in registry order;
//! `hardline.toml` can switch any rule on or off on top of it.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::rules::{RULES, RuleMeta};

/// A built-in profile.
#[derive(Debug, PartialEq, Eq)]
pub struct ProfileInfo {
    pub name: &'static str,
    /// One line for `--help`.
    pub description: &'static str,
}

/// The built-in profiles. `default` reproduces the original pipeline's rules exactly; stricter
/// rules are opt-in.
pub static PROFILES: &[ProfileInfo] = &[
    ProfileInfo { name: "default", description: "The original pipeline's rules" },
    ProfileInfo {
        name: "strict",
        description: "Default plus: any new HIGH/CRITICAL blocks, any new fixable MEDIUM+ blocks, a finding in \
                      CISA's KEV catalog blocks, a finding past its SLA asks a person",
    },
];

impl ProfileInfo {
    pub fn find(name: &str) -> Option<&'static ProfileInfo> {
        PROFILES.iter().find(|p| p.name == name)
    }

    /// The profile's rules, in registry order.
    pub fn rules(&self) -> Vec<&'static RuleMeta> {
        RULES.iter().copied().filter(|rule| rule.profiles.contains(&self.name)).collect()
    }

    pub fn profile_name(&self) -> ProfileName {
        ProfileName(self.name.to_owned())
    }
}

/// A profile's name as decisions, JSON and the audit log carry it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ProfileName(String);

/// Text that cannot be a profile name.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid profile name {0:?}: use lower-case letters, digits and '-'")]
pub struct InvalidProfileName(pub String);

impl ProfileName {
    pub fn new(name: impl Into<String>) -> Result<ProfileName, InvalidProfileName> {
        let name = name.into();
        let valid = !name.is_empty()
            && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if valid { Ok(ProfileName(name)) } else { Err(InvalidProfileName(name)) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ProfileName {
    type Error = InvalidProfileName;

    fn try_from(name: String) -> Result<Self, Self::Error> {
        ProfileName::new(name)
    }
}

impl From<ProfileName> for String {
    fn from(name: ProfileName) -> String {
        name.0
    }
}

impl fmt::Display for ProfileName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(profile: &str) -> Vec<&'static str> {
        ProfileInfo::find(profile).map(|p| p.rules().iter().map(|r| r.code).collect()).unwrap_or_default()
    }

    /// The original pipeline's table, in this order, and `new-image` for the case that table
    /// got wrong (a new image is not a regression); strict adds its rules (`epss-above` is in
    /// no profile: only `hardline.toml` turns it on).
    #[test]
    fn the_built_in_profiles_are_these_lists() {
        assert_eq!(
            codes("default"),
            ["critical-present", "count-increased", "count-decreased", "count-unchanged", "new-image"]
        );
        assert_eq!(
            codes("strict"),
            [
                "critical-present",
                "count-increased",
                "count-decreased",
                "count-unchanged",
                "new-image",
                "new-high-or-critical",
                "new-fixable",
                "kev-present",
                "sla-overdue"
            ]
        );
    }
}
