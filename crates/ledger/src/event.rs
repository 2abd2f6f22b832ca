//! The events of an image's log and how each one is hashed into the chain.

use hardline_model::{Counts, Diff, ImageName, ScanMeta, Timestamp, hex};
use hardline_policy::{Decision, ProfileName, RuleCode};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::{LedgerError, canonical};

/// The `prev` of the first event of every log.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One line of `audit-logs/<image>.jsonl`.
///
/// `hash` is SHA-256 over the canonical encoding of every other field, `prev` included, so
/// changing, removing, inserting or reordering any line breaks the chain at that line.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub seq: u64,
    /// When what the event records happened: the scan's own time for a scan, the wall clock
    /// for actions.
    pub at: Timestamp,
    pub image: ImageName,
    pub prev: String,
    pub hash: String,
    /// Nested rather than flattened: serde buffers flattened fields, and payloads are large.
    pub body: EventBody,
    /// Digest of the state right after this event ([`crate::State::digest`]): lets an append
    /// check that the baseline view it builds on is the state the log arrived at, without
    /// replaying the log.
    pub state: String,
}

/// What happened. Adjacently tagged as `kind` + `payload`: `kind` sorts before `payload` in
/// the canonical encoding, so readers learn the type before the (large) payload arrives.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "payload", rename_all = "snake_case")]
pub enum EventBody {
    ScanRecorded(ScanRecorded),
    GateDecided(GateDecided),
    IssueSynced(IssueSynced),
}

impl EventBody {
    pub fn kind(&self) -> EventKind {
        match self {
            EventBody::ScanRecorded(_) => EventKind::ScanRecorded,
            EventBody::GateDecided(_) => EventKind::GateDecided,
            EventBody::IssueSynced(_) => EventKind::IssueSynced,
        }
    }
}

/// Which kind of event a line is: the `kind` of its body.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    ScanRecorded,
    GateDecided,
    IssueSynced,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::ScanRecorded => "scan_recorded",
            EventKind::GateDecided => "gate_decided",
            EventKind::IssueSynced => "issue_synced",
        }
    }
}

/// A scan was recorded: its metadata and its diff against the state before it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScanRecorded {
    pub scan: ScanMeta,
    /// Identity of the scan (time, artifact, findings): recording it again is a no-op.
    pub scan_id: String,
    pub diff: Diff,
    /// Counts over all findings after this scan.
    pub counts: Counts,
    pub unique_vulnerabilities: usize,
}

/// A gate decision on a candidate scan (a pull request's image).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GateDecided {
    pub decision: Decision,
    /// The profile the gate ran.
    pub policy: ProfileName,
    pub reasons: Vec<GateReason>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pull_request: Option<u64>,
    pub candidate: ScanMeta,
    pub baseline_count: u32,
    pub candidate_count: u32,
}

impl GateDecided {
    /// The event of `result`, a decision on `candidate` (for pull request `pull_request`).
    pub fn of(
        result: &hardline_policy::GateResult,
        candidate: &ScanMeta,
        pull_request: Option<u64>,
    ) -> GateDecided {
        GateDecided {
            decision: result.decision,
            policy: result.profile.clone(),
            reasons: result
                .reasons
                .iter()
                .map(|r| GateReason { rule: r.rule.code(), message: r.message.clone() })
                .collect(),
            pull_request,
            candidate: candidate.clone(),
            baseline_count: result.baseline_count,
            candidate_count: result.candidate_count,
        }
    }
}

/// A rule that fired, by its code, and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GateReason {
    pub rule: RuleCode,
    pub message: String,
}

/// The tracker was brought in line with the ledger: an issue opened, updated, closed or
/// reopened.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IssueSynced {
    pub action: IssueAction,
    /// The tracker as the log names it (`local`, `github owner/repo`): the same wherever the
    /// log was written.
    pub tracker: String,
    pub number: u64,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub url: String,
    /// Open MEDIUM+ findings after exceptions when the action was taken.
    pub open_findings: u32,
}

/// What was done to an image's issue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IssueAction {
    Opened,
    Updated,
    Closed,
    Reopened,
}

impl IssueAction {
    pub fn as_str(self) -> &'static str {
        match self {
            IssueAction::Opened => "opened",
            IssueAction::Updated => "updated",
            IssueAction::Closed => "closed",
            IssueAction::Reopened => "reopened",
        }
    }
}

impl Event {
    /// Builds the next event of a chain, computes its hash, and returns it with its log
    /// line (canonical JSON, hash included). The body — the large part — is serialised once:
    /// the line is the hashed fields with `hash` put in its sorted place. A body that cannot
    /// be encoded is an error, never an empty body in the chain.
    pub fn seal(
        seq: u64,
        at: Timestamp,
        image: ImageName,
        prev: String,
        body: EventBody,
        state: String,
    ) -> Result<(Event, String), LedgerError> {
        let (hash, line) = seal_line(seq, &at, &image, &prev, &body, &state)?;
        Ok((Event { seq, at, image, prev, hash, body, state }, line))
    }
}

/// The hash and the log line of an event with these fields.
fn seal_line<B: Serialize + ?Sized>(
    seq: u64,
    at: &Timestamp,
    image: &ImageName,
    prev: &str,
    body: &B,
    state: &str,
) -> Result<(String, String), LedgerError> {
    let body_text = canonical::to_string(body)
        .map_err(|e| LedgerError::Encode { what: "an event body", message: e.to_string() })?;
    // Every field of `Event` but `hash`, in key order (a test checks this against serde).
    let mut fields = vec![
        ("at".to_owned(), canonical::quoted(at.as_str())),
        ("body".to_owned(), body_text),
        ("image".to_owned(), canonical::quoted(image.as_str())),
        ("prev".to_owned(), canonical::quoted(prev)),
        ("seq".to_owned(), seq.to_string()),
        ("state".to_owned(), canonical::quoted(state)),
    ];
    let hash = hex(&Sha256::digest(canonical::join(&fields).as_bytes()));
    fields.insert(2, ("hash".to_owned(), canonical::quoted(&hash)));
    Ok((hash, canonical::join(&fields)))
}

/// SHA-256 over the canonical encoding of `value` without its `hash` key.
pub fn hash_value(value: &Value) -> String {
    let encoded = match value {
        Value::Object(map) if map.contains_key("hash") => {
            let mut without = map.clone();
            without.remove("hash");
            canonical::compact(&Value::Object(without))
        }
        other => canonical::compact(other),
    };
    hex(&Sha256::digest(encoded.as_bytes()))
}

#[cfg(test)]
mod tests {
    use hardline_model::{
        Counts, Cvss, Diff, Ecosystem, Finding, FindingKind, Fingerprint, Location, Package, PackageClass,
        ScanMeta, Severity, Status,
    };

    use super::*;

    /// A finding with every kind of field: nested structs, an f64, enums, optional values,
    /// a list, and text that needs escaping.
    fn rich_finding() -> Finding {
        let package = Package {
            name: "stdlib".into(),
            version: "v1.24.4".into(),
            fixed_version: Some("1.24.5, 1.25.1".into()),
            class: PackageClass::Lang,
            ecosystem: Ecosystem::new("gobinary"),
            path: Some("usr/bin/x".into()),
            purl: None,
        };
        Finding {
            fingerprint: Fingerprint::vulnerability("CVE-1", &package),
            kind: FindingKind::Vulnerability,
            id: "CVE-1".into(),
            aliases: vec!["GHSA-x".into(), "DLA-\"1\"".into()],
            severity: Severity::Critical,
            cvss: Some(Cvss {
                source: "nvd".into(),
                version: "3.1".into(),
                score: 9.8,
                vector: Some("AV:N".into()),
            }),
            package: Some(package),
            location: Some(Location { path: "a\tb".into(), start_line: Some(3), end_line: None }),
            title: "é <tag> \\ \n \u{7f} 😀".into(),
            url: Some("https://example.invalid/x".into()),
            status: Some(Status::WillNotFix),
        }
    }

    /// `seal` builds the line by hand; it must be exactly what the `Value` route (the one
    /// `verify` takes) makes of the event.
    #[test]
    fn a_sealed_line_is_the_canonical_form_of_the_event_and_its_hash_verifies() {
        let at = Timestamp::parse("2026-01-05T04:00:00Z").expect("a time");
        let body = EventBody::ScanRecorded(ScanRecorded {
            scan: ScanMeta { scanner: "trivy".into(), created_at: Some(at.clone()), ..ScanMeta::default() },
            scan_id: "id \"quoted\" \u{1}".into(),
            diff: Diff { new: vec![rich_finding()], ..Diff::default() },
            counts: Counts::default(),
            unique_vulnerabilities: 0,
        });
        let image = ImageName::new("app").expect("a name");
        let (event, line) =
            Event::seal(7, at, image, GENESIS.into(), body, "digest".into()).expect("encodable");
        let value = serde_json::to_value(&event).unwrap_or_default();
        assert_eq!(line, canonical::compact(&value));
        assert_eq!(hash_value(&value), event.hash);
    }

    /// A body the canonical encoder refuses (here a map with a non-string key) is an error:
    /// nothing is sealed, and certainly not an empty body.
    #[test]
    fn a_body_that_cannot_be_encoded_is_an_error_not_an_empty_body() {
        let unencodable: std::collections::BTreeMap<(u8, u8), u8> = [((1, 2), 3)].into_iter().collect();
        let at = Timestamp::parse("2026-01-05T04:00:00Z").expect("a time");
        let image = ImageName::new("app").expect("a name");
        let sealed = seal_line(1, &at, &image, GENESIS, &unencodable, "digest");
        assert!(matches!(sealed, Err(LedgerError::Encode { what: "an event body", .. })), "{sealed:?}");
    }
}
