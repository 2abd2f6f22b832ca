//! What an event says, in words, written once: the audit-log view renders it as Markdown, the
//! dashboard as plain text (which it escapes for HTML). Report text in a sentence stays marked
//! as untrusted until the target escapes it, each with its bound.

use hardline_model::text::{code, inline};

use crate::event::{EventBody, EventKind};

/// The few words that name a kind of event: the title of its section, the dashboard's column.
pub fn headline(kind: EventKind) -> &'static str {
    match kind {
        EventKind::ScanRecorded => "scan recorded",
        EventKind::GateDecided => "gate decision",
        EventKind::IssueSynced => "issue synced",
    }
}

/// One sentence about an event.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sentence(Vec<Span>);

#[derive(Clone, Debug, PartialEq, Eq)]
enum Span {
    /// hardline's own words and numbers.
    Words(String),
    /// Text to stress (a decision); from a report or not, escaped and cut to the bound.
    Strong(String, usize),
    /// An identifier (a profile, a rule code): a code span in Markdown.
    Code(String, usize),
    /// Text that came from outside (a tracker's name): escaped and cut to the bound.
    Text(String, usize),
}

impl Sentence {
    fn words(mut self, words: impl Into<String>) -> Self {
        self.0.push(Span::Words(words.into()));
        self
    }

    fn strong(mut self, text: &str, max: usize) -> Self {
        self.0.push(Span::Strong(text.to_owned(), max));
        self
    }

    fn code(mut self, text: &str, max: usize) -> Self {
        self.0.push(Span::Code(text.to_owned(), max));
        self
    }

    fn text(mut self, text: &str, max: usize) -> Self {
        self.0.push(Span::Text(text.to_owned(), max));
        self
    }

    /// For GitHub-rendered Markdown.
    pub fn markdown(&self) -> String {
        self.0
            .iter()
            .map(|span| match span {
                Span::Words(words) => words.clone(),
                Span::Strong(text, max) => format!("**{}**", inline(text, *max)),
                Span::Code(text, max) => code(text, *max),
                Span::Text(text, max) => inline(text, *max),
            })
            .collect()
    }

    /// Plain text, every piece cut to its bound; the target escapes it.
    pub fn plain(&self) -> String {
        self.0
            .iter()
            .map(|span| match span {
                Span::Words(words) => words.clone(),
                Span::Strong(text, max) | Span::Code(text, max) | Span::Text(text, max) => clip(text, *max),
            })
            .collect()
    }
}

fn clip(text: &str, max: usize) -> String {
    let mut out: String = text.chars().take(max).collect();
    if text.chars().count() > max {
        out.push('…');
    }
    out
}

/// The event in one sentence.
pub fn sentence(body: &EventBody) -> Sentence {
    match body {
        EventBody::ScanRecorded(scan) => {
            let meta = &scan.scan;
            // Said only when it happened: every event before identities could change reads
            // as it always did.
            let reidentified = match scan.diff.reidentified.len() {
                0 => String::new(),
                n => format!(", {n} re-identified"),
            };
            Sentence::default()
                .text(meta.artifact_name.as_deref().unwrap_or(&meta.scanner), 80)
                .words(" by ")
                .text(&meta.scanner, 40)
                .words(format!(
                    ": {} new, {} fixed, {} changed{reidentified}; {} open.",
                    scan.diff.new.len(),
                    scan.diff.fixed.len(),
                    scan.diff.changed.len(),
                    scan.counts.total()
                ))
        }
        EventBody::GateDecided(gate) => {
            let pr = gate.pull_request.map(|n| format!(" on pull request {n}")).unwrap_or_default();
            Sentence::default()
                .words("Decision ")
                .strong(gate.decision.as_str(), 16)
                .words(format!("{pr} under the "))
                .code(gate.policy.as_str(), 32)
                .words(format!(" policy: MEDIUM+ {} → {}.", gate.baseline_count, gate.candidate_count))
        }
        EventBody::IssueSynced(issue) => Sentence::default()
            .words(format!("Issue {} ", issue.number))
            .text(issue.action.as_str(), 32)
            .words(" in ")
            .text(&issue.tracker, 64)
            .words(format!(" ({} open MEDIUM+ findings).", issue.open_findings)),
    }
}

#[cfg(test)]
mod tests {
    use hardline_model::ScanMeta;
    use hardline_policy::{Decision, ProfileName};

    use super::*;
    use crate::event::{GateDecided, IssueAction, IssueSynced};

    #[test]
    fn one_sentence_two_targets() {
        let gate = EventBody::GateDecided(GateDecided {
            decision: Decision::Block,
            policy: ProfileName::new("default").expect("a name"),
            reasons: Vec::new(),
            pull_request: Some(102),
            candidate: ScanMeta::default(),
            baseline_count: 8,
            candidate_count: 10,
        });
        let sentence = sentence(&gate);
        assert_eq!(
            sentence.markdown(),
            "Decision **block** on pull request 102 under the `default` policy: MEDIUM+ 8 → 10."
        );
        assert_eq!(
            sentence.plain(),
            "Decision block on pull request 102 under the default policy: MEDIUM+ 8 → 10."
        );
    }

    /// A re-identification is said only when one happened: every older event reads as before.
    #[test]
    fn a_scan_says_how_many_findings_were_reidentified() {
        use hardline_model::{Change, Counts, Diff, Finding, Severity};

        use crate::event::ScanRecorded;
        let finding = Finding::debian_vulnerability("CVE-1", "libc6", "1", Severity::High);
        let mut scan = ScanRecorded {
            scan: ScanMeta { scanner: "hadolint".into(), ..ScanMeta::default() },
            scan_id: "s".into(),
            diff: Diff::default(),
            counts: Counts::default(),
            unique_vulnerabilities: 0,
        };
        let plain = |scan: &ScanRecorded| sentence(&EventBody::ScanRecorded(scan.clone())).plain();
        assert_eq!(plain(&scan), "hadolint by hadolint: 0 new, 0 fixed, 0 changed; 0 open.");
        scan.diff.reidentified.push(Change { before: finding.clone(), after: finding, fields: Vec::new() });
        assert_eq!(plain(&scan), "hadolint by hadolint: 0 new, 0 fixed, 0 changed, 1 re-identified; 0 open.");
    }

    #[test]
    fn text_from_outside_is_escaped_for_markdown_and_bounded_for_both() {
        let issue = EventBody::IssueSynced(IssueSynced {
            action: IssueAction::Opened,
            tracker: format!("github @octocat/{}", "x".repeat(100)),
            number: 1,
            url: String::new(),
            open_findings: 3,
        });
        let sentence = sentence(&issue);
        assert!(!sentence.markdown().contains("@octocat"), "{}", sentence.markdown());
        assert!(sentence.plain().contains('…'));
        assert!(sentence.plain().starts_with("Issue 1 opened in github @octocat/"));
    }
}
