//! `update` against a loopback host that behaves like CISA's and FIRST's: conditional requests,
//! 304, gzip, a redirect, server errors, a body cut short, an error page, no host at all.
//! Nothing here leaves the machine.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use hardline_fake_feeds::{EPSS_MOVED_PATH, EPSS_PATH, FakeFeedHost, Fault, KEV_PATH};
use hardline_feeds::update::{Client, Outcome, Retry, update};
use hardline_feeds::{FeedError, FeedKind, Kev, store::Store};

fn now() -> jiff::Timestamp {
    "2026-03-03T12:00:00Z".parse().expect("a time")
}

fn client() -> Client {
    Client::new(Retry { attempts: 3, first_delay: Duration::ZERO, max_wait: Duration::from_secs(1) })
}

/// The real catalog beside the repository, or a small one of the same shape.
fn kev_catalog() -> Vec<u8> {
    let real = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/feeds/known_exploited_vulnerabilities.json");
    std::fs::read(&real).unwrap_or_else(|_| {
        eprintln!("note: ../shared/feeds is not here; using a small catalog");
        br#"{"catalogVersion": "2025.08.25", "dateReleased": "2025-08-25T17:04:19.9796Z", "count": 1,
            "vulnerabilities": [{"cveID": "CVE-2024-3094", "vendorProject": "XZ", "product": "xz", "vulnerabilityName": "b",
            "dateAdded": "2024-04-01", "dueDate": "2024-04-22", "knownRansomwareCampaignUse": "Unknown"}]}"#
            .to_vec()
    })
}

fn epss_file(score_date: &str) -> Vec<u8> {
    let text = format!(
        "#model_version:v2025.03.14,score_date:{score_date}T00:00:00Z\ncve,epss,percentile\n\
         CVE-2024-3094,0.84,0.99\nCVE-1999-0001,0.01025,0.76755\n"
    );
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(text.as_bytes()).expect("gzip");
    encoder.finish().expect("gzip")
}

struct Setup {
    host: FakeFeedHost,
    _dir: tempfile::TempDir,
    store: Store,
}

fn setup() -> Setup {
    let host = FakeFeedHost::start();
    host.publish_kev(&kev_catalog());
    host.publish_epss(&epss_file("2025-08-25"));
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::of_repository(dir.path());
    Setup { host, _dir: dir, store }
}

fn run(setup: &Setup, kind: FeedKind, path: &str) -> Result<hardline_feeds::update::Updated, FeedError> {
    update(&setup.store, kind, &setup.host.url(path), now(), &client())
}

fn stored(setup: &Setup, kind: FeedKind) -> Vec<u8> {
    std::fs::read(setup.store.path(kind)).unwrap_or_default()
}

#[test]
fn downloads_then_asks_conditionally_and_gets_304() {
    let setup = setup();
    let kev = run(&setup, FeedKind::Kev, KEV_PATH).unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(kev.outcome, Outcome::Downloaded(_)));
    assert_eq!(stored(&setup, FeedKind::Kev), kev_catalog(), "stored decoded, byte for byte");
    let first = &setup.host.requests()[0];
    assert_eq!((first.if_none_match.as_deref(), first.if_modified_since.as_deref()), (None, None));
    assert!(first.accept_encoding.as_deref().is_some_and(|e| e.contains("gzip")), "{first:?}");
    assert!(first.user_agent.as_deref().is_some_and(|a| a.starts_with("hardline/")));
    let epss = run(&setup, FeedKind::Epss, EPSS_PATH).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(epss.info.entries, 2);
    assert_eq!(epss.info.citation(), "FIRST EPSS scores of 2025-08-25");

    setup.host.clear_requests();
    let again = run(&setup, FeedKind::Kev, KEV_PATH).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again.outcome, Outcome::NotModified);
    assert_eq!(again.info, kev.info);
    let asked = &setup.host.requests()[0];
    assert_eq!(asked.status, 304);
    assert!(asked.if_none_match.as_deref().is_some_and(|t| t.starts_with("\"v1-")), "{asked:?}");
    assert!(asked.if_modified_since.as_deref().is_some_and(|d| d.ends_with(" GMT")), "{asked:?}");
    assert_eq!(run(&setup, FeedKind::Epss, EPSS_PATH).map(|u| u.outcome).ok(), Some(Outcome::NotModified));
}

#[test]
fn a_new_version_is_downloaded_and_a_moved_file_followed() {
    let setup = setup();
    run(&setup, FeedKind::Epss, EPSS_PATH).unwrap_or_else(|e| panic!("{e}"));
    setup.host.publish_epss(&epss_file("2025-08-26"));
    let newer = run(&setup, FeedKind::Epss, EPSS_PATH).unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(newer.outcome, Outcome::Downloaded(_)));
    assert_eq!(newer.info.day().to_string(), "2025-08-26");
    // Another URL: the old validators mean nothing there, so nothing conditional is sent.
    setup.host.clear_requests();
    let moved = run(&setup, FeedKind::Epss, EPSS_MOVED_PATH).unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(moved.outcome, Outcome::Downloaded(_)));
    let log = setup.host.requests();
    assert_eq!(
        log.iter().map(|r| (r.path.as_str(), r.status)).collect::<Vec<_>>(),
        [(EPSS_MOVED_PATH, 301), (EPSS_PATH, 200)]
    );
    assert!(log[0].if_none_match.is_none());
}

#[test]
fn server_errors_are_retried_and_a_long_retry_after_is_not_waited_for() {
    let setup = setup();
    setup.host.inject(Fault::status(KEV_PATH, 503));
    setup.host.inject(Fault::status(KEV_PATH, 429).header("Retry-After", "0"));
    let kev = run(&setup, FeedKind::Kev, KEV_PATH).unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(kev.outcome, Outcome::Downloaded(_)));
    assert_eq!(setup.host.requests().iter().map(|r| r.status).collect::<Vec<_>>(), [503, 429, 200]);

    setup.host.inject(Fault::status(EPSS_PATH, 503).header("Retry-After", "3600"));
    let error = run(&setup, FeedKind::Epss, EPSS_PATH).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(error.contains("HTTP 503, retry after 3600s; try again later"), "{error}");
    for _ in 0..3 {
        setup.host.inject(Fault::status(EPSS_PATH, 500));
    }
    let error = run(&setup, FeedKind::Epss, EPSS_PATH).err();
    assert!(matches!(error, Some(FeedError::Http { status: Some(500), .. })), "{error:?}");
}

/// A 404, a body cut short, an error page served as 200: an error naming the URL, and the
/// file that was there stays, byte for byte.
#[test]
fn a_failed_or_invalid_download_keeps_the_previous_file() {
    let setup = setup();
    run(&setup, FeedKind::Kev, KEV_PATH).unwrap_or_else(|e| panic!("{e}"));
    let before = stored(&setup, FeedKind::Kev);
    setup.host.publish_kev(&kev_catalog());

    setup.host.inject(Fault::status(KEV_PATH, 404));
    let error = run(&setup, FeedKind::Kev, KEV_PATH).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(error.contains(&setup.host.url(KEV_PATH)) && error.contains("HTTP 404"), "{error}");

    for _ in 0..3 {
        setup.host.inject(Fault::cut_short(KEV_PATH));
    }
    let error = run(&setup, FeedKind::Kev, KEV_PATH).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(error.contains("cut short"), "{error}");

    setup.host.inject(Fault::body(KEV_PATH, b"<html>Access denied by the proxy</html>"));
    let error = run(&setup, FeedKind::Kev, KEV_PATH).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        error.contains("is not valid, so the previous file is kept")
            && error.contains("not CISA's KEV catalog"),
        "{error}"
    );
    assert_eq!(stored(&setup, FeedKind::Kev), before);
    assert!(Kev::load(&setup.store.path(FeedKind::Kev)).is_ok());

    // A cut-short answer once is retried and then succeeds.
    setup.host.inject(Fault::cut_short(KEV_PATH));
    assert!(run(&setup, FeedKind::Kev, KEV_PATH).is_ok());
}

#[test]
fn a_damaged_stored_file_is_fetched_whole_even_when_the_host_says_304() {
    let setup = setup();
    run(&setup, FeedKind::Epss, EPSS_PATH).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(setup.store.path(FeedKind::Epss), b"garbage").expect("write");
    setup.host.clear_requests();
    let repaired = run(&setup, FeedKind::Epss, EPSS_PATH).unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(repaired.outcome, Outcome::Downloaded(_)));
    assert_eq!(setup.host.requests().iter().map(|r| r.status).collect::<Vec<_>>(), [304, 200]);
    assert_eq!(stored(&setup, FeedKind::Epss), epss_file("2025-08-25"));
}

#[test]
fn no_host_is_a_clear_offline_error_and_nothing_is_written() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::of_repository(dir.path());
    // A port that was free a moment ago: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port");
    let url = format!("http://127.0.0.1:{port}{KEV_PATH}");
    let error = update(&store, FeedKind::Kev, &url, now(), &client()).err();
    let text = error.as_ref().map(ToString::to_string).unwrap_or_default();
    assert!(matches!(error, Some(FeedError::Offline { .. })), "{error:?}");
    assert!(
        text.contains("Are you offline?") && text.contains("--kev FILE") && text.contains(&url),
        "{text}"
    );
    let written: Vec<PathBuf> =
        std::fs::read_dir(dir.path()).map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default();
    assert!(!store.path(FeedKind::Kev).exists(), "{written:?}");
}
