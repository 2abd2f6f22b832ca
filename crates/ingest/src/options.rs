//! What ingest may consult beyond the report itself.

use std::path::PathBuf;

use hardline_model::Ecosystem;

use crate::Limits;

/// The surroundings of a report: where its file paths point, and what it leaves unsaid.
#[derive(Clone, Debug, Default)]
pub struct ReadOptions {
    /// The repository checkout the report's file paths are relative to (`--root`). A SARIF
    /// result without the tool's own fingerprint in a file found there is identified by the
    /// content of the line it flags (see `sarif/identity.rs`); without it, by its message.
    /// Files are only read below this directory, and never kept.
    pub root: Option<PathBuf>,
    /// The image's OS distribution in hardline's ecosystem vocabulary (`debian`), for reports
    /// that do not say it: Trivy's SARIF names no distribution, so its OS packages get this
    /// word, and with it the identity Trivy's JSON gives them. The CLI takes it from the
    /// image's ledger.
    pub distribution: Option<Ecosystem>,
    /// The bounds the report is read within (`[limits]` of hardline.toml); every format gets
    /// them, applied around its parser (`limits.rs`).
    pub limits: Limits,
}

impl ReadOptions {
    /// Options for a repository checked out at `root`.
    pub fn at(root: impl Into<PathBuf>) -> ReadOptions {
        ReadOptions { root: Some(root.into()), ..ReadOptions::default() }
    }

    pub fn with_limits(mut self, limits: Limits) -> ReadOptions {
        self.limits = limits;
        self
    }

    pub fn with_distribution(mut self, distribution: Option<Ecosystem>) -> ReadOptions {
        self.distribution = distribution;
        self
    }
}
