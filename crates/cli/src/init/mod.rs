//! `hardline init`: what a repository needs to adopt hardline — the pipeline's workflows
//! (scan, pr-gate, pr-gate-publish, summary, pages), `hardline.toml` and a Renovate
//! configuration — rendered from the templates in `templates/`.
//!
//! The workflows mirror this repository's own: the same trust split (the untrusted `pr-gate`
//! on `pull_request`, the trusted `pr-gate-publish` on `workflow_run`), the same permissions,
//! the same two ledger modes. They never build hardline: every step that needs it goes through
//! the hardline action pinned by the release's commit, and runs a command or one of the
//! action's shipped scripts (the ones this repository's tests run), never a copy of them.
//! Third-party actions are pinned by the same commits as this repository's workflows
//! ([`PINS`]; a test keeps the two in step, since Renovate updates only the workflows).

use hardline_model::ImageName;

/// The repository the action is published from.
pub const ACTION_REPOSITORY: &str = "hardline-sec/hardline";

/// The commit of this release, set by release.yml while it builds (`HARDLINE_RELEASE_COMMIT`);
/// absent from a developer's build.
pub const RELEASE_COMMIT: Option<&str> = option_env!("HARDLINE_RELEASE_COMMIT");

/// The Trivy release the workflows install (Renovate keeps it current from then on).
pub const TRIVY_VERSION: &str = "0.76.0";

/// Every action the templates use besides hardline's, as `@name@` placeholders: (name, commit,
/// version). The same pins as this repository's workflows.
pub const PINS: &[(&str, &str, &str)] = &[
    ("actions/checkout", "3d3c42e5aac5ba805825da76410c181273ba90b1", "v7.0.1"),
    ("actions/cache/restore", "27d5ce7f107fe9357f9df03efb73ab90386fccae", "v5.0.5"),
    ("actions/cache/save", "27d5ce7f107fe9357f9df03efb73ab90386fccae", "v5.0.5"),
    ("actions/upload-artifact", "bbbca2ddaa5d8feaa63e36b76fdaad77386f024f", "v7.0.0"),
    ("actions/download-artifact", "3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c", "v8.0.1"),
    ("actions/create-github-app-token", "1b10c78c7865c340bc4f6099eb2f838309f1e8c3", "v3.1.1"),
    ("github/codeql-action/upload-sarif", "8aad20d150bbac5944a9f9d289da16a4b0d87c1e", "v4.36.2"),
    ("actions/upload-pages-artifact", "fc324d3547104276b827a68afc52ff2a11cc49c9", "v5.0.0"),
    ("actions/deploy-pages", "cd2ce8fcbc39b97be8ca5fce6e763baed58fa128", "v5.0.0"),
];

/// The files `init` writes, relative to the repository, with their templates.
pub const TEMPLATES: &[(&str, &str)] = &[
    (".github/workflows/scan.yml", include_str!("templates/scan.yml")),
    (".github/workflows/pr-gate.yml", include_str!("templates/pr-gate.yml")),
    (".github/workflows/pr-gate-publish.yml", include_str!("templates/pr-gate-publish.yml")),
    (".github/workflows/summary.yml", include_str!("templates/summary.yml")),
    (".github/workflows/pages.yml", include_str!("templates/pages.yml")),
    ("hardline.toml", include_str!("templates/hardline.toml")),
    ("renovate.json", include_str!("templates/renovate.json")),
];

/// How the workflows refer to the hardline action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionPin {
    /// The commit the action is pinned by; `None`: a developer's build, which can only name the
    /// release's tag.
    pub commit: Option<String>,
    pub version: &'static str,
}

impl ActionPin {
    /// `commit` when given, else this release's own commit, else none.
    pub fn new(commit: Option<String>) -> ActionPin {
        ActionPin {
            commit: commit.or_else(|| RELEASE_COMMIT.map(str::to_owned)),
            version: env!("CARGO_PKG_VERSION"),
        }
    }

    /// For people: `hardline-sec/hardline@<commit> (v<version>)`, or the tag.
    pub fn describe(&self) -> String {
        match &self.commit {
            Some(commit) => format!("{ACTION_REPOSITORY}@{commit} (v{})", self.version),
            None => format!("{ACTION_REPOSITORY}@v{} (a tag, not a commit)", self.version),
        }
    }

    /// `owner/name@ref`, as `uses:` names it before the comment.
    pub fn reference(&self) -> String {
        match &self.commit {
            Some(commit) => format!("{ACTION_REPOSITORY}@{commit}"),
            None => format!("{ACTION_REPOSITORY}@v{}", self.version),
        }
    }

    /// `hardline-sec/hardline@<commit> # v<version>`, or `…@v<version>` without a commit.
    pub fn uses(&self) -> String {
        match &self.commit {
            Some(commit) => format!("{ACTION_REPOSITORY}@{commit} # v{}", self.version),
            None => format!("{ACTION_REPOSITORY}@v{}", self.version),
        }
    }
}

/// Whether `text` is a full commit SHA (40 lower-case hex digits).
pub fn is_commit(text: &str) -> bool {
    text.len() == 40 && text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The files, rendered: (path relative to the repository, contents).
pub fn render(action: &ActionPin, images: &[ImageName]) -> Vec<(&'static str, String)> {
    let images_comment = if images.is_empty() {
        " None yet: add images/<name>/Dockerfile.".to_owned()
    } else {
        let names: Vec<&str> = images.iter().map(ImageName::as_str).collect();
        format!(" Today: {}.", names.join(", "))
    };
    TEMPLATES
        .iter()
        .map(|(path, template)| {
            let mut text = template
                .replace("@HARDLINE_ACTION@", &action.uses())
                .replace("@TRIVY_VERSION@", TRIVY_VERSION)
                .replace("@IMAGES_COMMENT@", &images_comment);
            for (name, commit, version) in PINS {
                text = text.replace(&format!("@{name}@"), &format!("{name}@{commit} # {version}"));
            }
            (*path, text)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::Path;

    use super::*;

    fn pinned() -> ActionPin {
        ActionPin { commit: Some("0123456789abcdef0123456789abcdef01234567".into()), version: "9.9.9" }
    }

    #[test]
    fn every_placeholder_is_filled() {
        for (path, text) in render(&pinned(), &[]) {
            for line in text.lines() {
                let placeholder = line.split('@').nth(1).is_some_and(|inner| {
                    !inner.is_empty() && inner.bytes().all(|b| b.is_ascii_uppercase() || b == b'_')
                });
                assert!(!placeholder && !line.contains("uses: @"), "{path}: {line}");
            }
        }
    }

    #[test]
    fn a_developer_build_names_the_tag_and_a_release_the_commit() {
        assert_eq!(
            pinned().uses(),
            "hardline-sec/hardline@0123456789abcdef0123456789abcdef01234567 # v9.9.9"
        );
        assert_eq!(ActionPin { commit: None, version: "9.9.9" }.uses(), "hardline-sec/hardline@v9.9.9");
        assert!(is_commit("0123456789abcdef0123456789abcdef01234567"));
        assert!(!is_commit("0123456789ABCDEF0123456789abcdef01234567"));
        assert!(!is_commit("v0.1.0"));
    }

    /// Renovate keeps this repository's workflows current, not these templates: every action
    /// they share must be pinned alike, and the Trivy version too.
    #[test]
    fn the_templates_pin_actions_as_this_repository_s_workflows_do() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.github/workflows");
        let mut used: BTreeMap<String, String> = BTreeMap::new();
        let mut trivy = Vec::new();
        for entry in std::fs::read_dir(&dir).expect("the repository's workflows").flatten() {
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            for line in text.lines() {
                let line = line.trim().trim_start_matches("- ");
                if let Some(rest) = line.strip_prefix("uses: ")
                    && let Some((name, pin)) = rest.split_once('@')
                {
                    used.insert(name.to_owned(), pin.to_owned());
                }
                if let Some(version) = line.strip_prefix("TRIVY_VERSION: ") {
                    trivy.push(version.trim_matches('"').to_owned());
                }
            }
        }
        for (name, commit, version) in PINS {
            assert_eq!(
                used.get(*name).map(String::as_str),
                Some(format!("{commit} # {version}").as_str()),
                "{name}"
            );
        }
        assert!(!trivy.is_empty() && trivy.iter().all(|v| v == TRIVY_VERSION), "{trivy:?}");
    }
}
