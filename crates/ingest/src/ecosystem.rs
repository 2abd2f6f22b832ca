//! Mapping other scanners' words onto hardline's package vocabulary ([`Ecosystem`],
//! `PackageClass`), for input formats that do not use Trivy's words (which the vocabulary was
//! taken from). Two scanners reporting the same package must give the same word, so that the
//! same vulnerability is the same finding whichever scanner reported it.

use hardline_model::Ecosystem;

/// The ecosystem word of an OS package when nothing says which distribution it is from
/// (Trivy's SARIF read without the image's ledger): a word of its own, so that such a finding
/// is never mistaken for one of a known distribution.
pub(crate) const UNKNOWN_DISTRIBUTION: &str = "unknown-os";

/// The language package source Trivy's result `Type` names, from the package's path: Trivy
/// picks the analyzer by file name, so the name says it. A file no analyzer claims by name is
/// an executable: a Go binary when the package is a Go module (`stdlib`, or a path whose
/// first element has a dot: `golang.org/x/net`), else a Rust binary.
pub(crate) fn of_language_path(path: &str, package: &str) -> &'static str {
    let file = path.rsplit('/').next().unwrap_or(path);
    let lower = path.to_ascii_lowercase();
    let by_name = match file {
        "installed.json" if lower.ends_with("vendor/composer/installed.json") => Some("composer-vendor"),
        "composer.lock" => Some("composer"),
        "package.json" => Some("node-pkg"),
        "package-lock.json" => Some("npm"),
        "yarn.lock" => Some("yarn"),
        "pnpm-lock.yaml" => Some("pnpm"),
        "bun.lock" => Some("bun"),
        "pom.xml" => Some("pom"),
        "gradle.lockfile" => Some("gradle"),
        "METADATA" | "PKG-INFO" => Some("python-pkg"),
        "requirements.txt" => Some("pip"),
        "Pipfile.lock" => Some("pipenv"),
        "poetry.lock" => Some("poetry"),
        "uv.lock" => Some("uv"),
        "Gemfile.lock" => Some("bundler"),
        "Cargo.lock" => Some("cargo"),
        "go.mod" => Some("gomod"),
        "packages.lock.json" | "packages.config" => Some("nuget"),
        "conan.lock" => Some("conan"),
        "Package.resolved" => Some("swift"),
        "Podfile.lock" => Some("cocoapods"),
        "pubspec.lock" => Some("pub"),
        "mix.lock" => Some("hex"),
        _ => None,
    };
    if let Some(word) = by_name {
        return word;
    }
    let archive = |ext: &str| lower.ends_with(ext) || lower.contains(&format!("{ext}/"));
    if [".jar", ".war", ".ear", ".par"].iter().any(|ext| archive(ext)) {
        "jar"
    } else if lower.ends_with(".gemspec") {
        "gemspec"
    } else if lower.ends_with(".deps.json") {
        "dotnet-core"
    } else if lower.contains(".egg-info") || lower.contains(".dist-info/") {
        "python-pkg"
    } else if package == "stdlib" || package.split('/').next().is_some_and(|first| first.contains('.')) {
        "gobinary"
    } else {
        "rustbinary"
    }
}

/// The distribution word of an OS (Trivy's OS family, the result `Type` of its OS packages)
/// for an `/etc/os-release` `ID`, as Grype reports it. An ID without an entry is taken as it is.
pub(crate) fn of_distribution(id: &str) -> Ecosystem {
    let word = match id.to_ascii_lowercase().as_str() {
        "rhel" | "redhat" => "redhat",
        "rockylinux" | "rocky" => "rocky",
        "almalinux" | "alma" => "alma",
        "amzn" | "amazonlinux" | "amazon" => "amazon",
        "ol" | "oraclelinux" | "oracle" => "oracle",
        "sles" => "suse linux enterprise server",
        "sle-micro" => "suse linux enterprise micro",
        "opensuse-leap" => "opensuse.leap",
        "opensuse-tumbleweed" => "opensuse.tumbleweed",
        "mariner" | "cbl-mariner" => "cbl-mariner",
        "azurelinux" => "azurelinux",
        other => return Ecosystem::new(other),
    };
    Ecosystem::new(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_package_source_follows_the_file_trivy_read_it_from() {
        assert_eq!(of_language_path("var/www/html/vendor/composer/installed.json", "a/b"), "composer-vendor");
        assert_eq!(
            of_language_path("usr/lib/node_modules/npm/node_modules/ip/package.json", "ip"),
            "node-pkg"
        );
        assert_eq!(of_language_path("opt/app.jar", "org.x:y"), "jar");
        assert_eq!(of_language_path("opt/app.war/WEB-INF/lib/y.jar", "org.x:y"), "jar");
        assert_eq!(
            of_language_path("usr/lib/python3/dist-packages/idna-3.3.dist-info/METADATA", "idna"),
            "python-pkg"
        );
        assert_eq!(of_language_path("usr/local/bin/gosu", "stdlib"), "gobinary");
        assert_eq!(of_language_path("usr/local/bin/gosu", "golang.org/x/sys"), "gobinary");
        assert_eq!(of_language_path("usr/local/bin/tool", "hyper"), "rustbinary");
        assert_eq!(of_language_path("app/Cargo.lock", "hyper"), "cargo");
    }

    #[test]
    fn distributions_take_trivys_words() {
        assert_eq!(of_distribution("debian").as_str(), "debian");
        assert_eq!(of_distribution("rockylinux").as_str(), "rocky");
        assert_eq!(of_distribution("sles").as_str(), "suse linux enterprise server");
    }
}
