//! `hardline dashboard`: the static site for GitHub Pages, its trend data, its determinism,
//! and what it does with a hostile report.

use serde_json::Value;

use crate::common::{Repo, trivy_report};

const WEEKS: [&str; 3] = ["2026-01-05T04:00:00Z", "2026-01-12T04:00:00Z", "2026-01-19T04:00:00Z"];

type Vuln<'a> = (&'a str, &'a str, &'a str, &'a str, &'a str);

/// Three weekly reports of `app` and of `web`; returns (image, week, critical, high, medium,
/// low) for every recorded scan.
fn record_three_weeks(repo: &Repo) -> Vec<(&'static str, &'static str, u64, u64, u64, u64)> {
    let app: [&[Vuln<'_>]; 3] = [
        &[
            ("CVE-2026-0001", "libc6", "HIGH", "2.41-1", ""),
            ("CVE-2026-0002", "zlib1g", "MEDIUM", "1.3-1", "1.3-2"),
            ("CVE-2026-0003", "tar", "LOW", "1.35-1", ""),
        ],
        &[
            ("CVE-2026-0001", "libc6", "HIGH", "2.41-2", ""),
            ("CVE-2026-0003", "tar", "LOW", "1.35-1", ""),
            ("CVE-2026-0004", "openssl", "CRITICAL", "3.5-1", "3.5-2"),
        ],
        &[("CVE-2026-0003", "tar", "LOW", "1.35-1", "")],
    ];
    let web: [&[Vuln<'_>]; 3] = [
        &[("CVE-2026-0100", "nginx", "MEDIUM", "1.27-1", "1.27-2")],
        &[
            ("CVE-2026-0100", "nginx", "MEDIUM", "1.27-1", "1.27-2"),
            ("CVE-2026-0101", "libxml2", "HIGH", "2.12-1", ""),
            ("CVE-2026-0102", "libxml2", "HIGH", "2.12-1", ""),
        ],
        &[
            ("CVE-2026-0101", "libxml2", "HIGH", "2.12-1", ""),
            ("CVE-2026-0103", "curl", "UNKNOWN", "8.1", ""),
        ],
    ];
    let mut expected = Vec::new();
    for (image, reports) in [("app", app), ("web", web)] {
        for (week, vulns) in WEEKS.iter().zip(reports) {
            let path =
                repo.write(&format!("reports/{image}-{}.json", &week[..10]), &trivy_report(week, vulns));
            repo.ok(&["record", "--image", image, "--report", &path.display().to_string()]);
            let count = |s: &str| vulns.iter().filter(|v| v.2 == s).count() as u64;
            expected.push((image, *week, count("CRITICAL"), count("HIGH"), count("MEDIUM"), count("LOW")));
        }
    }
    expected
}

fn site_files(repo: &Repo) -> Vec<(String, Vec<u8>)> {
    ["index.html", "images/app.html", "images/web.html", "data.json"]
        .iter()
        .map(|f| (f.to_string(), std::fs::read(repo.path().join("site").join(f)).unwrap_or_default()))
        .collect()
}

#[test]
fn dashboard_writes_index_image_pages_and_trend_data() {
    let repo = Repo::new();
    let expected = record_three_weeks(&repo);
    repo.ok(&["dashboard", "--out", "site"]);
    for (name, bytes) in site_files(&repo) {
        assert!(!bytes.is_empty(), "site/{name} is missing");
    }

    let data: Value = serde_json::from_str(&repo.read("site/data.json")).expect("data.json is JSON");
    assert_eq!(data["version"], 1);
    let images = data["images"].as_array().expect("images");
    assert_eq!(images.iter().map(|i| i["name"].as_str().unwrap_or("")).collect::<Vec<_>>(), ["app", "web"]);
    for (image, week, critical, high, medium, low) in &expected {
        let entry = images.iter().find(|i| i["name"] == *image).expect("image entry");
        let point = entry["points"]
            .as_array()
            .and_then(|p| p.iter().find(|p| p["at"] == *week))
            .unwrap_or_else(|| panic!("{image}: no point at {week}: {entry}"));
        assert_eq!(
            [&point["critical"], &point["high"], &point["medium"], &point["low"]],
            [critical, high, medium, low].map(|n| Value::from(*n)).each_ref(),
            "{image} at {week}"
        );
    }
    let web_last = &images[1]["points"][2];
    assert_eq!((web_last["unknown"].as_u64(), web_last["total"].as_u64()), (Some(1), Some(2)));

    let status = repo.json(&["status"]);
    let index = repo.read("site/index.html");
    for image in status["images"].as_array().expect("status images") {
        let head = image["head_hash"].as_str().expect("head hash");
        assert!(index.contains(head), "index names the chain head {head}");
        assert!(index.contains(&format!("href=\"images/{}.html\"", image["name"].as_str().unwrap_or(""))));
    }
    assert_eq!(index.matches("<svg").count(), 2, "one trend chart per image");
    assert!(index.contains("<title>2026-01-19T04:00:00Z: critical 0, high 0, medium 0, low 1"));
    assert!(index.contains("Content-Security-Policy") && !index.contains("<script"));
    assert!(index.contains("scan recorded"), "the last events are listed");

    let app = repo.read("site/images/app.html");
    assert!(app.contains("<svg"), "the image page has the chart");
    assert!(app.contains(
        "<a href=\"https://avd.aquasec.com/nvd/cve-2026-0003\" rel=\"noopener noreferrer\">CVE-2026-0003</a>"
    ));
    let web = repo.read("site/images/web.html");
    let (high, unknown) =
        (web.find("CVE-2026-0101").unwrap_or(usize::MAX), web.find("CVE-2026-0103").unwrap_or(0));
    assert!(high < unknown, "findings sorted by severity");
}

/// The same ledger at the same moment gives the same bytes; a later moment changes only what
/// the clock decides (when the site was generated, ages, due dates, stale scans), never the
/// trend data.
#[test]
fn dashboard_is_deterministic_and_says_when_it_was_generated() {
    let mut repo = Repo::new();
    record_three_weeks(&repo);
    repo.ok(&["dashboard", "--out", "site"]);
    let first = site_files(&repo);
    let out = repo.json(&["dashboard", "--out", "site"]);
    assert_eq!(out["changed"], serde_json::json!([]), "nothing rewritten: {out}");
    repo.ok(&["dashboard", "--out", "site2"]);
    for (name, bytes) in &first {
        assert_eq!(&std::fs::read(repo.path().join("site2").join(name)).unwrap_or_default(), bytes, "{name}");
    }
    assert!(repo.read("site/index.html").contains("Generated 2026-03-03 12:00 UTC"));
    assert!(
        repo.read("site/index.html")
            .contains("<strong>app: scans have stopped.</strong> No scan for 43 days"),
        "the last scan is six weeks old"
    );

    repo.env = vec![("HARDLINE_NOW".into(), "2027-06-01T00:00:00Z".into())];
    let out = repo.json(&["dashboard", "--out", "site"]);
    let changed: Vec<&str> =
        out["changed"].as_array().into_iter().flatten().filter_map(|c| c.as_str()).collect();
    let (reports, pages): (Vec<&str>, Vec<&str>) = changed.iter().partition(|c| c.starts_with("reports/"));
    assert_eq!(pages, ["index.html", "images/app.html", "images/web.html"], "{out}");
    for image in ["app", "web"] {
        assert!(
            reports.contains(&format!("reports/{image}.html").as_str()),
            "the report says its moment: {out}"
        );
    }
    let index = repo.read("site/index.html");
    assert!(
        index.contains("Generated 2027-06-01 00:00 UTC; ")
            || index.contains("Generated 2027-06-01 00:00 UTC "),
        "{index}"
    );
    assert!(index.contains("<strong>app: scans have stopped.</strong> No scan for 497 days"), "{index}");
    assert_eq!(repo.read("site/data.json").as_bytes(), &first[3].1[..], "the trend data has no clock in it");
}

#[test]
fn dashboard_neutralises_a_hostile_report() {
    let repo = Repo::new();
    let mut report: Value = serde_json::from_str(&trivy_report(
        WEEKS[0],
        &[
            ("CVE-2026-0666", "placeholder", "CRITICAL", "1.0", "1.1"),
            ("CVE-2026-0667", "big", "HIGH", "1", ""),
        ],
    ))
    .expect("report");
    report["ArtifactName"] = "<script>alert(1)</script>".into();
    let vulns = &mut report["Results"][0]["Vulnerabilities"];
    vulns[0]["Title"] = "<script>alert(1)</script>".into();
    vulns[0]["PkgName"] = "\"><img src=x onerror=alert(1)>".into();
    vulns[0]["InstalledVersion"] = "1.0' onmouseover='alert(1)".into();
    vulns[0]["PrimaryURL"] = "javascript:alert(1)".into();
    vulns[1]["Title"] = "A".repeat(100_000).into();
    vulns[1]["PrimaryURL"] = "https://evil.example/\" onclick=\"alert(1)".into();
    let path = repo.write("reports/hostile.json", &report.to_string());
    repo.ok(&["record", "--image", "app", "--report", &path.display().to_string()]);
    repo.ok(&["dashboard", "--out", "site"]);

    for name in ["index.html", "images/app.html", "data.json"] {
        let page = repo.read(&format!("site/{name}"));
        assert!(!page.is_empty(), "{name} written");
        let lower = page.to_lowercase();
        let ours = "<script src=\"../triage.js\" defer></script>";
        assert_eq!(
            lower.matches("<script").count(),
            lower.matches(ours).count(),
            "{name}: a script tag not ours"
        );
        assert!(!lower.contains("javascript:"), "{name}: a javascript: URL");
        assert!(page.len() < 40_000, "{name}: {} bytes, report text is not bounded", page.len());
        for tag in lower.split('<').skip(1).map(|rest| rest.split('>').next().unwrap_or("")) {
            assert!(
                !tag.contains("onerror") && !tag.contains("onmouseover") && !tag.contains("onclick"),
                "{name}: <{tag}>"
            );
            if let Some(href) = tag.split("href=\"").nth(1) {
                assert!(
                    [
                        "https://",
                        "images/",
                        "../index.html",
                        "data.json",
                        "#accepted-risks",
                        "reports/app.",
                        "../reports/app."
                    ]
                    .iter()
                    .any(|ok| href.starts_with(ok)),
                    "{name}: link <{tag}>"
                );
            }
        }
    }
    let page = repo.read("site/images/app.html");
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the title is shown, escaped");
    assert!(page.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"), "the package is shown, escaped");
    assert!(!page.contains("href=\"https://evil"), "a URL with a quote is not linked");
    assert!(page.contains(&format!("{}…", "A".repeat(200))), "the huge title is cut at 200 characters");
    assert!(!page.contains(&"A".repeat(201)));
}
