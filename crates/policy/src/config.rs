//! `[gate]` in `hardline.toml`: switch any rule on or off and set its parameters, on top of the
//! profile's list.
//!
//! ```toml
//! [gate.rules.new-fixable]      # a strict rule, turned on under the default profile
//! enabled = true
//! min_severity = "high"         # its parameter
//!
//! [gate.rules.count-unchanged]
//! enabled = false
//! ```
//!
//! Read in two steps: the raw tables as written (with their places in the file), then
//! validation into a [`Gate`](crate::Gate): an unknown rule, an unknown parameter or a value of
//! the wrong kind is a [`ConfigError`] pointing at it.

use std::collections::BTreeMap;
use std::ops::Range;

use hardline_model::Severity;
use serde::Deserialize;
use toml::Spanned;

/// `[gate]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGateConfig {
    /// `[gate.rules.<code>]`: `enabled` and the rule's parameters.
    #[serde(default)]
    pub rules: BTreeMap<Spanned<String>, Spanned<RawRuleTable>>,
}

/// One `[gate.rules.<code>]` table: keys and values with their places in the file.
pub type RawRuleTable = BTreeMap<Spanned<String>, Spanned<toml::Value>>;

/// A mistake in the configuration, at a place in the file (byte offsets; the caller, which
/// has the text, turns them into a line and column).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ConfigError {
    pub span: Range<usize>,
    pub message: String,
}

/// The parameters of one rule's table, as its `build` reads them. Every key the rule does not
/// ask for is reported as unknown.
pub struct Params<'a> {
    code: &'static str,
    table: Range<usize>,
    entries: Vec<(&'a Spanned<String>, &'a Spanned<toml::Value>)>,
    asked: Vec<&'static str>,
}

impl<'a> Params<'a> {
    /// No table: every parameter at its default.
    pub(crate) fn none(code: &'static str) -> Params<'static> {
        Params { code, table: 0..0, entries: Vec::new(), asked: Vec::new() }
    }

    pub(crate) fn of(code: &'static str, table: &'a Spanned<RawRuleTable>) -> Params<'a> {
        let entries = table.get_ref().iter().filter(|(key, _)| key.get_ref() != "enabled").collect();
        Params { code, table: table.span(), entries, asked: Vec::new() }
    }

    fn value(&mut self, key: &'static str) -> Option<&'a Spanned<toml::Value>> {
        self.asked.push(key);
        self.entries.iter().find(|(k, _)| k.get_ref() == key).map(|(_, v)| *v)
    }

    fn wrong(&self, value: &Spanned<toml::Value>, key: &str, expected: &str) -> ConfigError {
        ConfigError {
            span: value.span(),
            message: format!(
                "gate rule `{}`: `{key}` must be {expected}, not {}",
                self.code,
                value.get_ref().type_str()
            ),
        }
    }

    /// A severity word: `low`, `medium`, `high`, `critical`.
    pub fn severity(&mut self, key: &'static str) -> Result<Option<Severity>, ConfigError> {
        let Some(value) = self.value(key) else { return Ok(None) };
        match value.get_ref().as_str().map(str::parse::<Severity>) {
            Some(Ok(severity)) if severity != Severity::Unknown => Ok(Some(severity)),
            _ => Err(ConfigError {
                span: value.span(),
                message: format!(
                    "gate rule `{}`: `{key}` must be one of \"low\", \"medium\", \"high\", \"critical\"",
                    self.code
                ),
            }),
        }
    }

    /// A number (an integer is taken as one too).
    pub fn number(&mut self, key: &'static str) -> Result<Option<f64>, ConfigError> {
        let Some(value) = self.value(key) else { return Ok(None) };
        match value.get_ref() {
            toml::Value::Float(f) => Ok(Some(*f)),
            toml::Value::Integer(i) => Ok(Some(*i as f64)),
            _ => Err(self.wrong(value, key, "a number")),
        }
    }

    /// A whole number.
    pub fn integer(&mut self, key: &'static str) -> Result<Option<i64>, ConfigError> {
        let Some(value) = self.value(key) else { return Ok(None) };
        value.get_ref().as_integer().map(Some).ok_or_else(|| self.wrong(value, key, "a whole number"))
    }

    pub fn boolean(&mut self, key: &'static str) -> Result<Option<bool>, ConfigError> {
        let Some(value) = self.value(key) else { return Ok(None) };
        value.get_ref().as_bool().map(Some).ok_or_else(|| self.wrong(value, key, "true or false"))
    }

    pub fn string(&mut self, key: &'static str) -> Result<Option<String>, ConfigError> {
        let Some(value) = self.value(key) else { return Ok(None) };
        value.get_ref().as_str().map(|s| Some(s.to_owned())).ok_or_else(|| self.wrong(value, key, "a string"))
    }

    /// An error about the value of `key` (out of range, say), pointing at it.
    pub fn invalid(&self, key: &str, message: &str) -> ConfigError {
        let span = self
            .entries
            .iter()
            .find(|(k, _)| k.get_ref() == key)
            .map_or(self.table.clone(), |(_, v)| v.span());
        ConfigError { span, message: format!("gate rule `{}`: `{key}` {message}", self.code) }
    }

    /// Every key the rule did not ask for is a mistake.
    pub(crate) fn finish(self) -> Result<(), ConfigError> {
        match self.entries.iter().find(|(key, _)| !self.asked.contains(&key.get_ref().as_str())) {
            None => Ok(()),
            Some((key, _)) => {
                let mut known: Vec<String> = vec!["`enabled`".to_owned()];
                known.extend(self.asked.iter().map(|k| format!("`{k}`")));
                Err(ConfigError {
                    span: key.span(),
                    message: format!(
                        "gate rule `{}` has no parameter `{}`; it takes {}",
                        self.code,
                        key.get_ref(),
                        known.join(", ")
                    ),
                })
            }
        }
    }
}
