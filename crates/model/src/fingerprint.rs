use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{Package, PackageClass};

/// A finding's identity across scans: 128 bits of SHA-256, as 32 lower-case hex digits.
///
/// Built from a kind tag and the identity fields, each length-prefixed so that no two
/// different field lists can encode to the same bytes (`("ab","c")` vs `("a","bc")`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Fingerprint(String);

impl Fingerprint {
    fn of(kind: &str, fields: &[&str]) -> Fingerprint {
        let mut hasher = Sha256::new();
        hasher.update(kind.as_bytes());
        for field in fields {
            hasher.update((field.len() as u64).to_le_bytes());
            hasher.update(field.as_bytes());
        }
        let digest = hasher.finalize();
        Fingerprint(hex(&digest[..16]))
    }

    /// A vulnerability: (id, package class, ecosystem, package name, and for language packages
    /// the package path), in hardline's vocabulary ([`PackageClass::identity_word`],
    /// [`crate::Ecosystem`]), never a scanner's own words. The installed version is deliberately
    /// absent: a bump that still carries the CVE is the same open finding. The path counts only
    /// for language packages (the same module in two binaries is two findings); an OS package's
    /// path, if an input gave one, is ignored, because it would carry the OS point release.
    pub fn vulnerability(id: &str, package: &Package) -> Fingerprint {
        let path = match package.class {
            PackageClass::Os => "",
            PackageClass::Lang => package.path.as_deref().unwrap_or(""),
        };
        Fingerprint::of(
            "vuln",
            &[id, package.class.identity_word(), package.ecosystem.as_str(), &package.name, path],
        )
    }

    /// A misconfiguration or SAST result: (rule id, file, normalised cause). The cause is the
    /// offending text or message rather than a line number, so that an edit above the
    /// problem does not turn it into "fixed + new".
    pub fn rule(kind: &str, rule_id: &str, file: &str, cause: &str) -> Fingerprint {
        Fingerprint::of(kind, &[rule_id, file, cause])
    }

    /// A secret: (rule id, file, hash of the match). The caller passes the hash, never the
    /// secret itself.
    pub fn secret(rule_id: &str, file: &str, match_hash: &str) -> Fingerprint {
        Fingerprint::of("secret", &[rule_id, file, match_hash])
    }

    /// A fingerprint supplied by the scanner itself (SARIF `partialFingerprints`), namespaced
    /// by tool and rule so two tools cannot collide.
    pub fn supplied(tool: &str, rule_id: &str, value: &str) -> Fingerprint {
        Fingerprint::of("supplied", &[tool, rule_id, value])
    }

    /// A SARIF result without the tool's own fingerprint, in a file of the repository: (tool,
    /// rule id, file, hash of the flagged statement's content, occurrence). The hash is of
    /// content, not of a line number, so lines inserted above leave it alone; `occurrence`
    /// counts earlier results of the same tool, rule, file and hash, in line order, so two
    /// identical results stay two findings.
    pub fn flagged_line(
        tool: &str,
        rule_id: &str,
        file: &str,
        line_hash: &str,
        occurrence: usize,
    ) -> Fingerprint {
        Fingerprint::of("sarif-line", &[tool, rule_id, file, line_hash, &occurrence.to_string()])
    }

    /// A SARIF result without the tool's own fingerprint whose file hardline cannot read:
    /// (tool, rule id, file, message, occurrence), the occurrence counted in line order among
    /// results with the same tool, rule, file and message.
    pub fn flagged_message(
        tool: &str,
        rule_id: &str,
        file: &str,
        message: &str,
        occurrence: usize,
    ) -> Fingerprint {
        Fingerprint::of("sarif-message", &[tool, rule_id, file, message, &occurrence.to_string()])
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Wraps a fingerprint read back from the ledger.
    pub fn from_hex(hex: impl Into<String>) -> Fingerprint {
        Fingerprint(hex.into())
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Lower-case hex of a byte slice (sha2 0.11 digests no longer format themselves).
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(DIGITS[usize::from(byte >> 4)] as char);
        out.push(DIGITS[usize::from(byte & 0xf)] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::{Ecosystem, Finding, Severity};

    fn package(class: PackageClass, ecosystem: &str, name: &str, path: Option<&str>) -> Package {
        Package {
            name: name.into(),
            version: "1".into(),
            fixed_version: None,
            class,
            ecosystem: Ecosystem::new(ecosystem),
            path: path.map(str::to_owned),
            purl: None,
        }
    }

    #[test]
    fn installed_version_is_not_identity_but_package_is() {
        let a = Fingerprint::vulnerability("CVE-1", &package(PackageClass::Os, "debian", "libc6", None));
        let mut bumped = package(PackageClass::Os, "debian", "libc6", None);
        bumped.version = "2".into();
        let b = Fingerprint::vulnerability("CVE-1", &bumped);
        let c = Fingerprint::vulnerability("CVE-1", &package(PackageClass::Os, "debian", "libc-bin", None));
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(a.as_str().len(), 32);
    }

    /// The identity of a Debian package's CVE as hardline 0.1.0 computed it (and as every
    /// ledger stores it); `tests/fingerprints.rs` in ingest pins every fixture and the corpus.
    #[test]
    fn the_vocabulary_hashes_the_words_ledgers_already_hold() {
        let finding = Finding::debian_vulnerability("CVE-2026-1000", "libc6", "2.41-12", Severity::High);
        assert_eq!(finding.fingerprint.as_str(), "2fb28594d7617f6e1186cd04b164fc1d");
        let os_with_a_path = package(PackageClass::Os, "debian", "libc6", Some("usr/lib/x"));
        assert_eq!(Fingerprint::vulnerability("CVE-2026-1000", &os_with_a_path), finding.fingerprint);
    }

    #[test]
    fn length_prefix_prevents_field_shifting() {
        assert_ne!(
            Fingerprint::rule("misconfig", "ab", "c", ""),
            Fingerprint::rule("misconfig", "a", "bc", "")
        );
    }

    #[test]
    fn language_path_separates_the_same_module_in_two_binaries() {
        let a = Fingerprint::vulnerability(
            "CVE-2",
            &package(PackageClass::Lang, "gobinary", "stdlib", Some("usr/local/bin/gosu")),
        );
        let b = Fingerprint::vulnerability(
            "CVE-2",
            &package(PackageClass::Lang, "gobinary", "stdlib", Some("usr/bin/other")),
        );
        assert_ne!(a, b);
    }
}
