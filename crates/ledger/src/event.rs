//! The events of an image's log and how each one is hashed into the chain.

use hardline_model::{Counts, Diff, ScanMeta, hex};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::canonical;

/// The `prev` of the first event of every log.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One line of `audit-logs/<image>.jsonl`.
///
/// `hash` is SHA-256 over the canonical encoding of every other field, `prev` included, so
/// changing, removing, inserting or reordering any line breaks the chain at that line.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub seq: u64,
    /// RFC 3339 time of what the event records: the scan's own time for a scan, the wall
    /// clock for actions.
    pub at: String,
    pub image: String,
    pub prev: String,
    pub hash: String,
    /// Nested rather than flattened: serde buffers flattened fields, and payloads are large.
    pub body: EventBody,
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
    pub fn kind(&self) -> &'static str {
        match self {
            EventBody::ScanRecorded(_) => "scan_recorded",
            EventBody::GateDecided(_) => "gate_decided",
            EventBody::IssueSynced(_) => "issue_synced",
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
    pub decision: String,
    pub policy: String,
    pub reasons: Vec<GateReason>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pull_request: Option<u64>,
    pub candidate: ScanMeta,
    pub baseline_count: u32,
    pub candidate_count: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GateReason {
    pub rule: String,
    pub message: String,
}

/// The tracker was brought in line with the ledger: an issue opened, updated, closed or
/// reopened, or a PR comment written.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IssueSynced {
    pub action: String,
    pub tracker: String,
    pub number: u64,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub url: String,
    /// Open MEDIUM+ findings after exceptions when the action was taken.
    pub open_findings: u32,
}

impl Event {
    /// Builds the next event of a chain, computes its hash, and returns it with its log
    /// line (canonical JSON, hash included), so the event is serialised only once.
    pub fn seal(seq: u64, at: String, image: String, prev: String, body: EventBody) -> (Event, String) {
        let mut event = Event { seq, at, image, prev, hash: String::new(), body };
        let mut value = serde_json::to_value(&event).unwrap_or(Value::Null);
        if let Value::Object(map) = &mut value {
            map.remove("hash");
        }
        event.hash = hex(&Sha256::digest(canonical::compact(&value).as_bytes()));
        if let Value::Object(map) = &mut value {
            map.insert("hash".to_owned(), Value::String(event.hash.clone()));
        }
        let line = canonical::compact(&value);
        (event, line)
    }
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
