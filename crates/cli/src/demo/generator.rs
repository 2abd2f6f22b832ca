//! A deterministic generator of realistic Trivy reports: a package inventory per image, a
//! weekly history in which findings arrive, get fix versions, are fixed, come back and change
//! installed versions, with a few scripted events the demo is about.
//!
//! Vulnerability ids use the year 2099 (`CVE-2099-NNNN`) so that no demo finding can be
//! mistaken for a real advisory.

use std::collections::BTreeMap;

use serde_json::{Value, json};

/// SplitMix64: tiny, deterministic, good enough to pick packages and severities.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

#[derive(Clone, Debug)]
pub struct Package {
    pub name: &'static str,
    pub version: String,
    /// `None` for OS packages; the lockfile or binary path for language packages.
    pub path: Option<&'static str>,
    pub ecosystem: &'static str,
}

#[derive(Clone, Debug)]
pub struct Vuln {
    pub id: String,
    pub package: usize,
    pub severity: &'static str,
    pub fixed_version: Option<String>,
    pub title: String,
    pub score: f64,
}

/// One image's evolving state.
pub struct ImageHistory {
    pub name: &'static str,
    pub artifact: String,
    pub os: &'static str,
    pub packages: Vec<Package>,
    /// Open vulnerabilities by id-and-package.
    pub open: BTreeMap<(String, usize), Vuln>,
    rng: Rng,
    next_id: u32,
}

const SEVERITIES: [(&str, u64, f64); 5] =
    [("LOW", 45, 3.3), ("MEDIUM", 30, 5.5), ("HIGH", 17, 7.5), ("UNKNOWN", 6, 0.0), ("CRITICAL", 2, 9.8)];

const WEAKNESSES: [&str; 8] = [
    "out-of-bounds read in the parser",
    "use-after-free when a connection is reset",
    "integer overflow in length handling",
    "NULL pointer dereference on malformed input",
    "denial of service through crafted headers",
    "improper certificate validation",
    "heap buffer overflow while decoding",
    "path traversal in archive extraction",
];

impl ImageHistory {
    pub fn new(name: &'static str, artifact: &str, seed: u64, packages: Vec<Package>, first_id: u32) -> Self {
        ImageHistory {
            name,
            artifact: artifact.to_owned(),
            os: "13.2",
            packages,
            open: BTreeMap::new(),
            rng: Rng(seed),
            next_id: first_id,
        }
    }

    fn severity(&mut self) -> (&'static str, f64) {
        let total: u64 = SEVERITIES.iter().filter(|s| s.0 != "CRITICAL").map(|s| s.1).sum();
        let mut pick = self.rng.below(total);
        for (name, weight, score) in SEVERITIES.iter().filter(|s| s.0 != "CRITICAL") {
            if pick < *weight {
                return (name, *score);
            }
            pick -= weight;
        }
        ("LOW", 3.3)
    }

    /// Adds `n` new findings on random packages; returns their ids.
    pub fn arrive(&mut self, n: usize) -> Vec<String> {
        let mut ids = Vec::new();
        for _ in 0..n {
            let package = self.rng.below(self.packages.len() as u64) as usize;
            let (severity, score) = self.severity();
            let id = self.new_id();
            let title = self.title(package);
            self.open.insert(
                (id.clone(), package),
                Vuln { id: id.clone(), package, severity, fixed_version: None, title, score },
            );
            ids.push(id);
        }
        ids
    }

    /// Adds one specific finding.
    pub fn add(&mut self, id: &str, package: &str, severity: &'static str, score: f64) {
        let Some(index) = self.packages.iter().position(|p| p.name == package) else { return };
        let title = self.title(index);
        self.open.insert(
            (id.to_owned(), index),
            Vuln { id: id.to_owned(), package: index, severity, fixed_version: None, title, score },
        );
    }

    /// The vendor publishes fixes for some open findings: they get a fixed version. Scripted
    /// findings (`CVE-2099-9xxx`) follow their script instead.
    pub fn publish_fixes(&mut self, one_in: u64) {
        let keys: Vec<(String, usize)> =
            self.open.keys().filter(|(id, _)| !id.starts_with("CVE-2099-9")).cloned().collect();
        for key in keys {
            if self.rng.below(one_in) == 0 {
                let version = bump(&self.packages[key.1].version);
                if let Some(v) = self.open.get_mut(&key)
                    && v.fixed_version.is_none()
                {
                    v.fixed_version = Some(version);
                }
            }
        }
    }

    /// A rebuild picks up every published fix: fixable findings disappear and their packages
    /// move to the fixed version.
    pub fn rebuild(&mut self) -> usize {
        let fixable: Vec<(String, usize)> =
            self.open.iter().filter(|(_, v)| v.fixed_version.is_some()).map(|(k, _)| k.clone()).collect();
        for key in &fixable {
            if let Some(v) = self.open.remove(key)
                && let Some(fixed) = v.fixed_version
            {
                self.packages[key.1].version = fixed;
            }
        }
        fixable.len()
    }

    /// A package moves to a new version that still carries its findings.
    pub fn bump_package(&mut self, name: &str) {
        if let Some(p) = self.packages.iter_mut().find(|p| p.name == name) {
            p.version = bump(&p.version);
        }
    }

    pub fn remove(&mut self, id: &str) -> Option<Vuln> {
        let key = self.open.keys().find(|k| k.0 == id).cloned()?;
        self.open.remove(&key)
    }

    pub fn set_fixed(&mut self, id: &str) {
        let Some(key) = self.open.keys().find(|k| k.0 == id).cloned() else { return };
        let fixed = bump(&self.packages[key.1].version);
        if let Some(v) = self.open.get_mut(&key) {
            v.fixed_version = Some(fixed);
        }
    }

    pub fn reinsert(&mut self, vuln: Vuln) {
        self.open.insert((vuln.id.clone(), vuln.package), vuln);
    }

    fn new_id(&mut self) -> String {
        self.next_id += 1;
        format!("CVE-2099-{:04}", self.next_id)
    }

    fn title(&mut self, package: usize) -> String {
        let weakness = WEAKNESSES[self.rng.below(WEAKNESSES.len() as u64) as usize];
        format!("{}: {weakness}", self.packages[package].name)
    }

    /// The Trivy JSON report (schema 2) of the current state, created at `created_at`.
    pub fn report(&self, created_at: &str) -> Value {
        let mut os_vulns = Vec::new();
        let mut lang: BTreeMap<(&str, &str), Vec<Value>> = BTreeMap::new();
        for vuln in self.open.values() {
            let package = &self.packages[vuln.package];
            let mut item = json!({
                "VulnerabilityID": vuln.id,
                "PkgName": package.name,
                "InstalledVersion": package.version,
                "Status": if vuln.fixed_version.is_some() { "fixed" } else { "affected" },
                "Severity": vuln.severity,
                "Title": vuln.title,
                "Description": format!("{} (demo data generated by hardline)", vuln.title),
                "PrimaryURL": format!("https://avd.aquasec.com/nvd/{}", vuln.id.to_lowercase()),
                "CVSS": {"nvd": {"V3Score": vuln.score, "V3Vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}},
            });
            if let Some(fixed) = &vuln.fixed_version {
                item["FixedVersion"] = json!(fixed);
            }
            match package.path {
                None => {
                    item["PkgIdentifier"] = json!({"PURL": format!("pkg:deb/debian/{}@{}?distro=debian-{}", package.name, package.version, self.os)});
                    os_vulns.push(item);
                }
                Some(path) => {
                    item["PkgPath"] = json!(path);
                    lang.entry((path, package.ecosystem)).or_default().push(item);
                }
            }
        }
        let mut results = vec![json!({
            "Target": format!("{} (debian {})", self.artifact, self.os),
            "Class": "os-pkgs",
            "Type": "debian",
            "Vulnerabilities": os_vulns,
        })];
        for ((path, ecosystem), vulns) in lang {
            results.push(
                json!({"Target": path, "Class": "lang-pkgs", "Type": ecosystem, "Vulnerabilities": vulns}),
            );
        }
        json!({
            "SchemaVersion": 2,
            "CreatedAt": created_at,
            "ArtifactName": self.artifact,
            "ArtifactType": "container_image",
            "Metadata": {
                "OS": {"Family": "debian", "Name": self.os},
                "ImageID": format!("sha256:{:064x}", fnv(&format!("{}{}", self.artifact, created_at))),
                "RepoDigests": [format!("{}@sha256:{:064x}", self.artifact, fnv(created_at))],
            },
            "Results": results,
        })
    }
}

fn bump(version: &str) -> String {
    match version.rsplit_once('+') {
        Some((base, n)) => format!("{base}+{}", n.parse::<u32>().unwrap_or(0) + 1),
        None => format!("{version}+1"),
    }
}

/// FNV-1a, to derive stable fake digests (and the demo's EPSS scores).
pub fn fnv(text: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

fn os(name: &'static str, version: &str) -> Package {
    Package { name, version: version.to_owned(), path: None, ecosystem: "debian" }
}

fn lang(name: &'static str, version: &str, path: &'static str, ecosystem: &'static str) -> Package {
    Package { name, version: version.to_owned(), path: Some(path), ecosystem }
}

pub fn postgres_packages() -> Vec<Package> {
    vec![
        os("libc6", "2.41-12"),
        os("libc-bin", "2.41-12"),
        os("libssl3t64", "3.5.1-1"),
        os("openssl", "3.5.1-1"),
        os("zlib1g", "1:1.3.dfsg+really1.3.1-1+b1"),
        os("libxml2", "2.12.7+dfsg+really2.9.14-2.1"),
        os("libgnutls30t64", "3.8.9-3"),
        os("perl-base", "5.40.1-6"),
        os("tar", "1.35+dfsg-3.1"),
        os("util-linux", "2.41-5"),
        os("libsystemd0", "257.7-1"),
        os("libkrb5-3", "1.21.3-5"),
        os("libldap2", "2.6.10+dfsg-1"),
        os("libicu76", "76.1-4"),
        os("libzstd1", "1.5.7+dfsg-1"),
        lang("stdlib", "v1.24.4", "usr/local/bin/gosu", "gobinary"),
        lang("golang.org/x/sys", "v0.33.0", "usr/local/bin/gosu", "gobinary"),
    ]
}

pub fn php_packages() -> Vec<Package> {
    vec![
        os("libc6", "2.41-12"),
        os("libssl3t64", "3.5.1-1"),
        os("openssl", "3.5.1-1"),
        os("apache2", "2.4.65-2"),
        os("apache2-bin", "2.4.65-2"),
        os("curl", "8.14.1-2"),
        os("libcurl4t64", "8.14.1-2"),
        os("libxml2", "2.12.7+dfsg+really2.9.14-2.1"),
        os("libonig5", "6.9.9-1+b1"),
        os("libsqlite3-0", "3.46.1-7"),
        os("libpng16-16t64", "1.6.48-1"),
        os("libfreetype6", "2.13.3+dfsg-1"),
        os("perl-base", "5.40.1-6"),
        os("libsystemd0", "257.7-1"),
        lang("guzzlehttp/guzzle", "7.9.2", "var/www/html/vendor/composer/installed.json", "composer-vendor"),
        lang(
            "symfony/http-foundation",
            "6.4.18",
            "var/www/html/vendor/composer/installed.json",
            "composer-vendor",
        ),
        lang("twig/twig", "3.14.0", "var/www/html/vendor/composer/installed.json", "composer-vendor"),
    ]
}
