//! The state each line's digest must match, folded as the lines come. Each open finding's
//! encoding is kept beside it, so that a digest hashes what is open without encoding it
//! again: an event costs its diff plus one hash of the open findings' bytes, and an event that
//! records no scan (the state is the same) costs nothing.

use std::collections::BTreeMap;

use hardline_model::Fingerprint;
use sha2::Digest;

use crate::event::{Event, EventBody};
use crate::history::{State, digest_end, digest_start};
use crate::log::HeadLine;

#[derive(Default)]
pub(super) struct Fold {
    state: State,
    /// Each open finding as the digest hashes it: serde_json's encoding.
    encoded: BTreeMap<Fingerprint, Vec<u8>>,
    /// The digest of `state`, once known.
    digest: Option<String>,
    head: Option<HeadLine>,
}

impl Fold {
    pub(super) fn state(&self) -> &State {
        &self.state
    }

    /// The last event folded.
    pub(super) fn head(&self) -> Option<&HeadLine> {
        self.head.as_ref()
    }

    /// Folds `event` in (moving its findings into the state) and checks its state digest.
    pub(super) fn apply(&mut self, event: Event) -> Result<(), String> {
        if let EventBody::ScanRecorded(scan) = &event.body {
            let diff = &scan.diff;
            // As `Diff::apply` folds a diff: fixed and former identities out, the rest in.
            for finding in diff.fixed.iter().chain(diff.reidentified.iter().map(|c| &c.before)) {
                self.encoded.remove(&finding.fingerprint);
            }
            let after = diff.changed.iter().chain(&diff.reidentified).map(|c| &c.after);
            for finding in diff.new.iter().chain(&diff.refreshed).chain(after) {
                let mut bytes = Vec::with_capacity(768);
                serde_json::to_writer(&mut bytes, finding)
                    .map_err(|e| format!("cannot encode a finding: {e}"))?;
                self.encoded.insert(finding.fingerprint.clone(), bytes);
            }
            self.digest = None;
        }
        self.head = Some(HeadLine::of(&event));
        let Event { at, body, state: stated, .. } = event;
        self.state.apply_owned(body, &at);
        let digest = self.digest.get_or_insert_with(|| {
            let mut hasher = digest_start(self.state.last_scan.as_ref());
            for bytes in self.encoded.values() {
                hasher.update(b"\n");
                hasher.update(bytes);
            }
            digest_end(hasher)
        });
        if *digest != stated {
            return Err("the state digest does not match the findings the log folds to here".to_owned());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use hardline_model::{Counts, Diff, Finding, ImageName, ScanMeta, Severity, Timestamp};

    use super::*;
    use crate::event::{GENESIS, ScanRecorded};

    /// The kept encodings give the digest `State::digest` computes from scratch, event after
    /// event, through new, changed, refreshed and fixed findings.
    #[test]
    fn the_incremental_digest_is_the_state_digest() {
        let image = ImageName::new("app").expect("a name");
        let finding =
            |id: &str, version: &str, severity| Finding::debian_vulnerability(id, "libc6", version, severity);
        let weeks = [
            vec![finding("CVE-1", "1", Severity::High), finding("CVE-2", "1", Severity::Low)],
            vec![
                finding("CVE-1", "2", Severity::High),
                Finding { title: "t".into(), ..finding("CVE-2", "1", Severity::Low) },
            ],
            vec![finding("CVE-3", "1", Severity::Critical)],
            vec![],
        ];
        let mut fold = Fold::default();
        let mut state = State::default();
        for (week, findings) in weeks.into_iter().enumerate() {
            let at = Timestamp::parse(&format!("2026-01-0{}T00:00:00Z", week + 1)).expect("a time");
            let body = EventBody::ScanRecorded(ScanRecorded {
                scan: ScanMeta::default(),
                scan_id: format!("scan {week}"),
                diff: Diff::against(&state.findings, &findings, &Default::default()),
                counts: Counts::default(),
                unique_vulnerabilities: 0,
            });
            state.apply_body(&body, &at);
            let digest = state.digest().expect("encodable");
            let (event, _) = Event::seal(week as u64 + 1, at, image.clone(), GENESIS.into(), body, digest)
                .expect("encodable");
            assert_eq!(fold.apply(event), Ok(()), "week {week}");
        }
        let issue = EventBody::IssueSynced(crate::event::IssueSynced {
            action: crate::event::IssueAction::Closed,
            tracker: "local".into(),
            number: 1,
            url: String::new(),
            open_findings: 0,
        });
        let at = Timestamp::parse("2026-01-09T00:00:00Z").expect("a time");
        let (unchanged, _) = Event::seal(
            5,
            at.clone(),
            image.clone(),
            GENESIS.into(),
            issue.clone(),
            state.digest().expect("encodable"),
        )
        .expect("encodable");
        assert_eq!(fold.apply(unchanged), Ok(()), "an action keeps the digest");
        let (wrong, _) = Event::seal(6, at, image, GENESIS.into(), issue, "0".repeat(32)).expect("encodable");
        assert!(fold.apply(wrong).is_err(), "a digest that is not the fold's is caught");
    }
}
