//! The domain model every other hardline crate speaks: a [`Scan`] is what one scanner said about
//! one artifact at one time; a [`Finding`] is one problem in it, identified by a [`Fingerprint`]
//! that stays stable across scans while it is the same problem. [`diff`] compares two sets of
//! findings by identity.
//!
//! This crate does no I/O and knows no file format: ingest maps formats onto it, the ledger
//! stores it, policy and publish read it.

pub mod align;
mod artifact;
mod counts;
mod diff;
mod finding;
mod fingerprint;
mod former;
mod image;
pub mod position;
pub mod progress;
pub mod row;
mod severity;
pub mod text;
mod time;

pub use artifact::{ArtifactMismatch, artifact_mismatch, same_file};
pub use counts::Counts;
pub use diff::{Change, ChangedField, Diff, diff};
pub use finding::{
    Cvss, Ecosystem, Finding, FindingKind, Location, Package, PackageClass, Scan, ScanMeta, Status,
    unique_vulnerability_ids,
};
pub use fingerprint::{Fingerprint, hex};
pub use former::FormerIdentities;
pub use image::{ImageName, InvalidImageName, SBOM_STEM};
pub use progress::{Progress, Silent};
pub use severity::Severity;
pub use time::{InvalidTimestamp, Timestamp};
