//! Threat feeds end to end: CISA's real KEV catalog (from `../shared/feeds`) blocking a pull
//! request under `strict`, `feeds update` against a loopback host that behaves like CISA's and
//! FIRST's, bad feed files named by file and line, and feed data kept out of the ledger.

use std::io::Write;
use std::path::{Path, PathBuf};

use hardline_fake_feeds::{EPSS_PATH, FakeFeedHost, KEV_PATH};

use crate::common::{Repo, trivy_report};

/// CISA's catalog version 2025.08.25, beside the repository.
fn real_kev() -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/feeds/known_exploited_vulnerabilities.json");
    path.is_file().then_some(path)
}

/// A repository whose image has two MEDIUMs, recorded on 2026-03-01, and a pull request that
/// fixes one and brings CVE-2023-4911 (glibc's "Looney Tunables", in CISA's catalog since
/// 2023-11-21), rated LOW by the distribution. Every rule but `kev-present` lets it through,
/// even under `strict`.
fn repository_with_a_kev_pull_request() -> (Repo, PathBuf) {
    let repo = Repo::new();
    let baseline = repo.write(
        "reports/week.json",
        &trivy_report(
            "2026-03-01T04:00:00Z",
            &[
                ("CVE-2026-0001", "zlib1g", "MEDIUM", "1.3", ""),
                ("CVE-2026-0002", "openssl", "MEDIUM", "3.5", ""),
            ],
        ),
    );
    repo.ok(&["record", "--image", "app", "--report", baseline.to_str().expect("utf-8")]);
    let candidate = repo.write(
        "reports/pr.json",
        &trivy_report(
            "2026-03-03T10:00:00Z",
            &[
                ("CVE-2026-0001", "zlib1g", "MEDIUM", "1.3", ""),
                ("CVE-2023-4911", "libc6", "LOW", "2.41-12", ""),
            ],
        ),
    );
    (repo, candidate)
}

/// `hardline --format json gate --image app --report CANDIDATE EXTRA…` (global options such as
/// `--kev` may follow the subcommand).
fn gate(repo: &Repo, candidate: &Path, extra: &[&str]) -> (Option<i32>, serde_json::Value) {
    let mut args =
        vec!["--format", "json", "gate", "--image", "app", "--report", candidate.to_str().expect("utf-8")];
    args.extend_from_slice(extra);
    let out = repo.run(&args);
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    });
    (out.status.code(), json)
}

fn fired(json: &serde_json::Value) -> Vec<String> {
    json["reasons"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["rule"].as_str().map(str::to_owned))
        .collect()
}

#[test]
fn a_kev_cve_in_a_pull_request_blocks_under_strict() {
    let Some(kev) = real_kev() else {
        eprintln!("skipped: ../shared/feeds is not beside the repository");
        return;
    };
    let kev = kev.to_str().expect("utf-8");
    let (repo, candidate) = repository_with_a_kev_pull_request();

    let (status, json) = gate(&repo, &candidate, &["--kev", kev]);
    assert_eq!(
        (status, json["decision"].as_str()),
        (Some(0), Some("allow")),
        "default: the original rules: {json}"
    );

    let (status, json) = gate(&repo, &candidate, &["--kev", kev, "--policy", "strict"]);
    assert_eq!((status, json["decision"].as_str()), (Some(20), Some("block")), "{json}");
    assert_eq!(fired(&json), ["count-decreased", "kev-present"]);
    assert_eq!(
        json["reasons"][1]["message"],
        "1 finding(s) known to be exploited in the wild (CISA KEV catalog 2025.08.25, released 2025-08-25): \
         CVE-2023-4911 in libc6 (LOW, listed 2023-11-21)"
    );
    assert_eq!(json["unchecked"], serde_json::json!([]));

    // Without the catalog, strict cannot check it, and says so instead of passing silently.
    let out = repo.run(&[
        "gate",
        "--policy",
        "strict",
        "--image",
        "app",
        "--report",
        candidate.to_str().expect("utf-8"),
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("kev-present [not checked]: no KEV catalog was given"), "{text}");

    // Switched on under the default profile, and the catalog named in hardline.toml.
    repo.write(
        "hardline.toml",
        &format!("[gate.rules.kev-present]\nenabled = true\n\n[feeds]\nkev = {kev:?}\n"),
    );
    let (status, json) = gate(&repo, &candidate, &[]);
    assert_eq!(
        (status, fired(&json)),
        (Some(20), vec!["count-decreased".to_owned(), "kev-present".to_owned()])
    );
}

fn gzip(text: &str) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(text.as_bytes()).expect("gzip");
    encoder.finish().expect("gzip")
}

const SMALL_KEV: &str = r#"{"title": "CISA Catalog of Known Exploited Vulnerabilities", "catalogVersion": "2025.08.25",
"dateReleased": "2025-08-25T17:04:19.9796Z", "count": 1, "vulnerabilities": [
{"cveID": "CVE-2023-4911", "vendorProject": "GNU", "product": "GNU C Library", "vulnerabilityName": "GNU C Library Buffer Overflow",
 "dateAdded": "2023-11-21", "shortDescription": "", "requiredAction": "", "dueDate": "2023-12-12",
 "knownRansomwareCampaignUse": "Unknown", "notes": "", "cwes": ["CWE-122"]}]}"#;

const SMALL_EPSS: &str = "#model_version:v2025.03.14,score_date:2025-08-25T00:00:00Z\ncve,epss,percentile\n\
                          CVE-2023-4911,0.7423,0.98822\n";

/// `feeds update` against the loopback host: downloaded, then not modified; the feeds it keeps
/// are what every command reads by default. Golden snapshots of both outputs (the host's port
/// replaced by `PORT`).
#[test]
fn feeds_update_keeps_the_feeds_current_and_commands_read_them() {
    let host = FakeFeedHost::start();
    host.publish_kev(SMALL_KEV.as_bytes());
    host.publish_epss(&gzip(SMALL_EPSS));
    let (repo, candidate) = repository_with_a_kev_pull_request();
    repo.write(
        "hardline.toml",
        &format!("[feeds]\nkev_url = {:?}\nepss_url = {:?}\n", host.url(KEV_PATH), host.url(EPSS_PATH)),
    );
    let port = host.url("").rsplit(':').next().unwrap_or_default().to_owned();
    let scrub = |text: &str| crate::common::scrub(text, repo.path()).replace(&port, "PORT");

    let first = repo.run(&["feeds", "update"]);
    assert_eq!(first.status.code(), Some(0), "{}", String::from_utf8_lossy(&first.stderr));
    insta::assert_snapshot!("feeds_update_human", scrub(&String::from_utf8_lossy(&first.stdout)));
    let again = repo.run(&["--format", "json", "feeds", "update"]);
    assert_eq!(again.status.code(), Some(0));
    insta::assert_snapshot!("feeds_update_json", scrub(&String::from_utf8_lossy(&again.stdout)));
    let statuses: Vec<u16> = host.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [200, 200, 304, 304]);

    // The stored catalog is read without --kev.
    let (status, json) = gate(&repo, &candidate, &["--policy", "strict"]);
    assert_eq!(
        (status, fired(&json)),
        (Some(20), vec!["count-decreased".to_owned(), "kev-present".to_owned()])
    );

    // Only one feed, and a host that is gone: a clear error, exit 1, the stored files kept.
    drop(host);
    let out = repo.run(&["feeds", "update", "--only", "epss"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.starts_with("epss: failed: cannot download the FIRST EPSS scores from http://127.0.0.1:"),
        "{text}"
    );
    assert!(text.contains("Are you offline?"), "{text}");
    assert!(repo.path().join(".hardline/feeds/epss_scores-current.csv.gz").is_file());
}

/// A feed file that is not what its publisher writes is an error naming the file, line and
/// column; every command works without feeds, and a file that is named must be readable.
#[test]
fn bad_feed_files_are_named_by_file_and_line() {
    let (repo, candidate) = repository_with_a_kev_pull_request();
    let candidate = candidate.to_str().expect("utf-8");
    let bad_kev = repo.write("kev.json", &SMALL_KEV.replace("\"2023-11-21\"", "\"21/11/2023\""));
    let out = repo.run(&[
        "--kev",
        bad_kev.to_str().expect("utf-8"),
        "gate",
        "--policy",
        "strict",
        "--image",
        "app",
        "--report",
        candidate,
    ]);
    let error = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(error.contains("reading the CISA KEV catalog") && error.contains("kev.json:4:"), "{error}");
    assert!(error.contains("\"21/11/2023\" is not a date like 2025-08-25"), "{error}");

    let bad_epss = repo.path().join("epss.csv.gz");
    std::fs::write(&bad_epss, gzip(&SMALL_EPSS.replace("0.7423", "74.23"))).expect("write");
    repo.write("hardline.toml", "[gate.rules.epss-above]\nenabled = true\n");
    let out = repo.run(&[
        "--epss",
        bad_epss.to_str().expect("utf-8"),
        "gate",
        "--image",
        "app",
        "--report",
        candidate,
    ]);
    let error = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(error.contains("epss.csv.gz:3:15: epss \"74.23\" is not a number between 0 and 1"), "{error}");

    let out = repo.run(&[
        "--kev",
        "no-such-file.json",
        "gate",
        "--policy",
        "strict",
        "--image",
        "app",
        "--report",
        candidate,
    ]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-file.json"), "a named feed must exist");
    repo.write("hardline.toml", "[sla]\nhigh = 0\n");
    let out = repo.run(&["status"]);
    let error = String::from_utf8_lossy(&out.stderr);
    assert!(error.contains("hardline.toml:2:8: sla.high must be a number of days from 1 to 3650"), "{error}");
}

/// Feeds enrich what is read; they never enter the hashed events. Recording the same reports
/// with a catalog and scores in `.hardline/feeds/` writes the same ledger, byte for byte.
#[test]
fn feed_data_never_enters_the_ledger() {
    let (plain, _) = repository_with_a_kev_pull_request();
    let (fed, _) = repository_with_a_kev_pull_request();
    std::fs::create_dir_all(fed.path().join(".hardline/feeds")).expect("mkdir");
    std::fs::write(fed.path().join(".hardline/feeds/known_exploited_vulnerabilities.json"), SMALL_KEV)
        .expect("write");
    std::fs::write(fed.path().join(".hardline/feeds/epss_scores-current.csv.gz"), gzip(SMALL_EPSS))
        .expect("write");
    for repo in [&plain, &fed] {
        let pr = repo.path().join("reports/pr.json");
        repo.ok(&["record", "--image", "app", "--report", pr.to_str().expect("utf-8")]);
        repo.ok(&["issues", "sync"]);
    }
    assert_eq!(plain.snapshot(), fed.snapshot());
}
