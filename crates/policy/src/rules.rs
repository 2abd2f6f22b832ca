use serde::Serialize;

use crate::gate::Decision;

/// Every rule the gate can fire, with a stable code. Codes are part of the JSON output and
/// of the audit log: never rename one, add a new one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Rule {
    CriticalPresent,
    CountIncreased,
    CountDecreased,
    CountUnchanged,
    NewHighOrCritical,
    NewFixable,
}

impl Rule {
    pub const ALL: [Rule; 6] = [
        Rule::CriticalPresent,
        Rule::CountIncreased,
        Rule::CountDecreased,
        Rule::CountUnchanged,
        Rule::NewHighOrCritical,
        Rule::NewFixable,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Rule::CriticalPresent => "critical-present",
            Rule::CountIncreased => "count-increased",
            Rule::CountDecreased => "count-decreased",
            Rule::CountUnchanged => "count-unchanged",
            Rule::NewHighOrCritical => "new-high-or-critical",
            Rule::NewFixable => "new-fixable",
        }
    }

    /// What firing this rule decides.
    pub fn effect(self) -> Decision {
        match self {
            Rule::CriticalPresent | Rule::CountIncreased | Rule::NewHighOrCritical | Rule::NewFixable => {
                Decision::Block
            }
            Rule::CountDecreased => Decision::Allow,
            Rule::CountUnchanged => Decision::Review,
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Rule::CriticalPresent => "a CRITICAL finding is present in the candidate",
            Rule::CountIncreased => "the candidate has more MEDIUM+ findings than the baseline",
            Rule::CountDecreased => "the candidate has fewer MEDIUM+ findings than the baseline",
            Rule::CountUnchanged => "the candidate has as many MEDIUM+ findings as the baseline",
            Rule::NewHighOrCritical => "strict: the candidate introduces a HIGH or CRITICAL finding",
            Rule::NewFixable => "strict: the candidate introduces a MEDIUM+ finding that has a fix",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique() {
        let codes: std::collections::BTreeSet<_> = Rule::ALL.iter().map(|r| r.code()).collect();
        assert_eq!(codes.len(), Rule::ALL.len());
    }
}
