//! The several reports of one call (`record --report a --report b…`, `gate --report …`), read
//! the way the ledger and the gate should take them.
//!
//! Reports of one scanner on one kind of artifact (a history of weekly Trivy image scans) are a
//! **history**: scans recorded one after another, oldest first. Reports of several scanners or
//! artifact kinds (a Trivy image scan, a Trivy config scan of its Dockerfile, hadolint's SARIF)
//! describe the image at **one moment** and are merged into one scan: recorded one after
//! another instead, each would "fix" everything the others found.
//!
//! A history whose every report names its time in its first bytes (the format's time key) is
//! parsed lazily, in time order, the next report on a second thread while the caller records
//! the current one, so at most two reports are in memory. Anything else is parsed up front, on
//! every core, so a bad report stops the call before anything is written.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, sync_channel};
use std::thread::JoinHandle;

use hardline_model::{Scan, Timestamp};

use crate::detect::{SNIFF_WINDOW, detect};
use crate::limits::open_regular;
use crate::{IngestError, InputFormat, Limits, ReadOptions, correlate, read_error, read_report_with};

/// The reports of one call, planned.
pub struct Reports {
    labels: Vec<String>,
    source: Source,
}

enum Source {
    /// A history, every report's time known: parsed one at a time in this order.
    History { paths: Vec<PathBuf>, input: InputFormat, options: ReadOptions, order: Vec<usize> },
    /// Parsed up front; merged if of several kinds; in time order, each with its label's index.
    Parsed(Vec<(usize, Scan)>),
}

impl Reports {
    /// Plans the reading of `paths`: reads the first bytes of each to learn its format, time and
    /// artifact kind, and parses them all now unless they are a history with known times.
    pub fn open(
        paths: &[PathBuf],
        input: InputFormat,
        options: &ReadOptions,
    ) -> Result<Reports, IngestError> {
        let mut labels: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        if let Some(order) = history_order(paths, input, &options.limits)? {
            let source = Source::History { paths: paths.to_vec(), input, options: options.clone(), order };
            return Ok(Reports { labels, source });
        }
        let parsed = read_all(paths, input, options)?;
        let count = parsed.len();
        let scans = merge_kinds(parsed);
        if scans.len() < count {
            labels = vec![labels.join(" + ")];
        }
        let mut scans: Vec<(usize, Scan)> = scans.into_iter().enumerate().collect();
        scans.sort_by(|(_, a), (_, b)| {
            Timestamp::cmp_known_first(a.meta.created_at.as_ref(), b.meta.created_at.as_ref())
        });
        Ok(Reports { labels, source: Source::Parsed(scans) })
    }

    /// How many scans [`Reports::into_scans`] yields.
    pub fn len(&self) -> usize {
        match &self.source {
            Source::History { order, .. } => order.len(),
            Source::Parsed(scans) => scans.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// What names the scan of index `index` in messages: its report's path, or `a + b` for
    /// reports merged into one scan.
    pub fn label(&self, index: usize) -> &str {
        self.labels.get(index).map_or("", String::as_str)
    }

    /// The scans, oldest first, each with its index for [`Reports::label`]. Stops after the
    /// first report that does not parse.
    pub fn into_scans(self) -> Scans {
        let inner = match self.source {
            Source::Parsed(scans) => Inner::Parsed(scans.into_iter()),
            // One report: no second thread (its allocator arena would only add memory).
            Source::History { paths, input, options, order } if order.len() == 1 => {
                Inner::One(order.first().map(|&index| (index, paths[index].clone(), input, options)))
            }
            Source::History { paths, input, options, order } => {
                // A rendezvous channel: the parser hands over one scan and starts the next.
                let (sender, receiver) = sync_channel(0);
                let parser = std::thread::spawn(move || {
                    for index in order {
                        let scan = read_report_with(&paths[index], input, &options);
                        let failed = scan.is_err();
                        if sender.send((index, scan)).is_err() || failed {
                            break;
                        }
                    }
                });
                Inner::Streamed { receiver: Some(receiver), parser: Some(parser) }
            }
        };
        Scans { inner }
    }
}

/// The scans of [`Reports`], in the order they are to be recorded.
pub struct Scans {
    inner: Inner,
}

enum Inner {
    Parsed(std::vec::IntoIter<(usize, Scan)>),
    One(Option<(usize, PathBuf, InputFormat, ReadOptions)>),
    Streamed {
        receiver: Option<Receiver<(usize, Result<Scan, IngestError>)>>,
        parser: Option<JoinHandle<()>>,
    },
}

impl Iterator for Scans {
    type Item = Result<(usize, Scan), IngestError>;

    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.inner {
            Inner::Parsed(scans) => scans.next().map(Ok),
            Inner::One(next) => next.take().map(|(index, path, input, options)| {
                read_report_with(&path, input, &options).map(|s| (index, s))
            }),
            Inner::Streamed { receiver, .. } => {
                let (index, scan) = receiver.as_ref()?.recv().ok()?;
                Some(scan.map(|scan| (index, scan)))
            }
        }
    }
}

impl Drop for Scans {
    /// A caller that stops early (a report failed to record) hangs up, which stops the parser
    /// at its next report; it is joined so that no thread outlives the call.
    fn drop(&mut self) {
        if let Inner::Streamed { receiver, parser } = &mut self.inner {
            drop(receiver.take());
            if let Some(parser) = parser.take() {
                let _ = parser.join();
            }
        }
    }
}

/// The reports' indices in time order, if every report's time can be read from its first bytes
/// and all are of one format and kind of artifact (a history); `None` otherwise.
fn history_order(
    paths: &[PathBuf],
    input: InputFormat,
    limits: &Limits,
) -> Result<Option<Vec<usize>>, IngestError> {
    let mut times = Vec::with_capacity(paths.len());
    let mut kinds = std::collections::BTreeSet::new();
    for path in paths {
        let head = read_head(path, limits)?;
        let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&head);
        // A head that detection cannot place is parsed in full, which says what is wrong.
        let Ok(detected) = detect(head, input, &path.display().to_string()) else { return Ok(None) };
        let format = detected.format;
        match format.peek_time(head) {
            Some(time) => times.push(time),
            None => return Ok(None),
        }
        kinds.insert((format.name(), format.peek_artifact(head)));
    }
    if kinds.len() > 1 {
        return Ok(None);
    }
    let mut order: Vec<usize> = (0..paths.len()).collect();
    order.sort_by(|a, b| Timestamp::cmp_known_first(Some(&times[*a]), Some(&times[*b])));
    Ok(Some(order))
}

/// The first bytes of a report, from a regular file only (a FIFO read here would lose them).
fn read_head(path: &Path, limits: &Limits) -> Result<Vec<u8>, IngestError> {
    let mut head = Vec::with_capacity(SNIFF_WINDOW);
    open_regular(path)
        .and_then(|f| f.take(SNIFF_WINDOW as u64).read_to_end(&mut head))
        .map_err(|e| read_error(path, e, limits))?;
    Ok(head)
}

/// Parses every report (on every core; each report is independent), keeping their order. The
/// first error in report order is the one returned.
pub fn read_all(
    paths: &[PathBuf],
    input: InputFormat,
    options: &ReadOptions,
) -> Result<Vec<Scan>, IngestError> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, paths.len().max(1));
    let chunk = paths.len().div_ceil(workers).max(1);
    let results: Vec<Result<Scan, IngestError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = paths
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter().map(|path| read_report_with(path, input, options)).collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .zip(paths.chunks(chunk))
            .flat_map(|(handle, part)| {
                handle.join().unwrap_or_else(|_| {
                    part.iter()
                        .map(|path| {
                            Err(IngestError::Io {
                                path: path.clone(),
                                source: std::io::Error::other("the parser thread panicked"),
                            })
                        })
                        .collect()
                })
            })
            .collect()
    });
    results.into_iter().collect()
}

/// Parses every report and merges them into one scan of one moment (the candidate of a gate).
/// `None` when there is no report.
pub fn read_moment(
    paths: &[PathBuf],
    input: InputFormat,
    options: &ReadOptions,
) -> Result<Option<Scan>, IngestError> {
    Ok(merge(read_all(paths, input, options)?))
}

/// Reports of several scanners or artifact kinds are one moment and merge into one scan;
/// reports of one kind stay separate scans (a history).
pub fn merge_kinds(scans: Vec<Scan>) -> Vec<Scan> {
    let kinds: std::collections::BTreeSet<(&str, Option<&str>)> =
        scans.iter().map(|s| (s.meta.scanner.as_str(), s.meta.artifact_type.as_deref())).collect();
    if kinds.len() <= 1 {
        return scans;
    }
    merge(scans).into_iter().collect()
}

/// Merges scans of one image at one moment, from several scanners, into one. The container
/// image scan's metadata describes the result (else the first scan with a time); its time is
/// the latest of them. Equivalent checks of different scanners become one finding
/// ([`correlate`]).
pub fn merge(mut scans: Vec<Scan>) -> Option<Scan> {
    let latest = scans
        .iter()
        .filter_map(|s| s.meta.created_at.clone())
        .max_by(|a, b| Timestamp::cmp_known_first(Some(a), Some(b)));
    let primary = scans
        .iter()
        .position(|s| s.meta.is_container_image())
        .or_else(|| scans.iter().position(|s| s.meta.created_at.is_some()))
        .unwrap_or(0);
    if scans.is_empty() {
        return None;
    }
    let mut merged = scans.swap_remove(primary);
    for other in scans {
        merged = merged.merge(other);
    }
    merged.meta.created_at = latest;
    Some(correlate(merged))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trivy(dir: &Path, name: &str, created_at: &str, artifact_type: &str) -> PathBuf {
        let path = dir.join(name);
        let report = format!(
            r#"{{"SchemaVersion": 2, "CreatedAt": "{created_at}", "ArtifactType": "{artifact_type}", "Results": []}}"#
        );
        std::fs::write(&path, report).expect("write");
        path
    }

    #[test]
    fn a_history_is_streamed_oldest_first_and_a_moment_is_merged() {
        let temp = tempfile::tempdir().expect("temp dir");
        let dir = temp.path();
        let week2 = trivy(dir, "2.json", "2026-01-12T04:00:00Z", "container_image");
        let week1 = trivy(dir, "1.json", "2026-01-05T04:00:00Z", "container_image");
        let config = trivy(dir, "c.json", "2026-01-12T05:00:00Z", "filesystem");

        let options = ReadOptions::default();
        let history =
            Reports::open(&[week2.clone(), week1.clone()], InputFormat::Auto, &options).expect("plans");
        assert!(matches!(history.source, Source::History { .. }));
        let order: Vec<usize> = history.into_scans().map(|s| s.expect("parses").0).collect();
        assert_eq!(order, [1, 0], "oldest first");

        let moment =
            Reports::open(&[week2.clone(), config.clone()], InputFormat::Auto, &options).expect("plans");
        assert_eq!(moment.len(), 1, "two kinds of artifact are one moment");
        assert_eq!(moment.label(0), format!("{} + {}", week2.display(), config.display()));
        let merged: Vec<_> = moment.into_scans().collect::<Result<_, _>>().expect("parses");
        assert_eq!(
            merged[0].1.meta.artifact_type.as_deref(),
            Some("container_image"),
            "the image scan leads"
        );
        assert_eq!(merged[0].1.meta.created_at.as_ref().map(Timestamp::as_str), Some("2026-01-12T05:00:00Z"));
    }

    #[test]
    fn a_bad_report_in_a_history_ends_the_scans_with_its_error() {
        let temp = tempfile::tempdir().expect("temp dir");
        let dir = temp.path();
        let good = trivy(dir, "1.json", "2026-01-05T04:00:00Z", "container_image");
        let bad = dir.join("2.json");
        let truncated = r#"{"SchemaVersion": 2, "CreatedAt": "2026-01-12T04:00:00Z", "ArtifactType": "container_image", "Results": [{"#;
        std::fs::write(&bad, truncated).expect("write");
        let scans: Vec<_> = Reports::open(&[bad, good], InputFormat::Auto, &ReadOptions::default())
            .expect("plans")
            .into_scans()
            .collect();
        assert_eq!(scans.len(), 2);
        assert!(scans[0].is_ok() && scans[1].is_err(), "the good one first, then the error");
    }
}
