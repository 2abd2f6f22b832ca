//! FIRST's EPSS scores, as published daily (`epss_scores-current.csv.gz`): gzipped CSV whose
//! first line is a comment `#model_version:<v>,score_date:<RFC 3339>`, then the header
//! `cve,epss,percentile`, then one row per CVE with the probability of exploitation in the next
//! 30 days and its percentile, both in [0, 1]. A file may be given decompressed too.

use std::path::Path;

use hardline_model::Finding;

use crate::{FeedError, FeedInfo, FeedKind, cve_ids, gzip, is_cve_id};

/// The scores of one day, keyed by CVE id.
#[derive(Clone, Debug)]
pub struct Epss {
    /// `model_version`, e.g. `v2025.03.14`.
    pub model_version: String,
    /// `score_date`: the day the scores are for.
    pub score_date: jiff::Timestamp,
    /// Sorted by [`cve_key`], a number rather than a string: the 300,000 rows of a day cost no
    /// allocation and no hashing each, and a lookup is a binary search.
    scores: Vec<(u64, EpssScore)>,
}

/// One CVE's score.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EpssScore {
    /// The probability of exploitation activity in the next 30 days, in [0, 1].
    pub probability: f64,
    /// The share of scored CVEs with a lower or equal probability, in [0, 1].
    pub percentile: f64,
}

impl EpssScore {
    /// `94.3%`: the probability as people read it.
    pub fn percent(&self) -> String {
        format!("{:.1}%", self.probability * 100.0)
    }
}

impl Epss {
    /// Reads the scores at `path` (gzipped or not).
    pub fn load(path: &Path) -> Result<Epss, FeedError> {
        let bytes = std::fs::read(path).map_err(FeedError::io(path))?;
        Epss::parse(&bytes, path)
    }

    /// Parses the file's bytes (gzipped or not); `path` is for messages.
    pub fn parse(bytes: &[u8], path: &Path) -> Result<Epss, FeedError> {
        let bytes = gzip::maybe_decompress(bytes, path)?;
        let text = match std::str::from_utf8(&bytes) {
            Ok(text) => text,
            Err(e) => {
                let (line, column) = line_column(&bytes, e.valid_up_to());
                return Err(invalid(path, line, column, "not UTF-8 text".to_owned()));
            }
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).enumerate();
        let (model_version, score_date) = match lines.next() {
            Some((_, first)) if first.starts_with('#') => comment(first, path)?,
            _ => {
                return Err(invalid(
                    path,
                    1,
                    1,
                    "expected the comment `#model_version:…,score_date:…` that starts FIRST's EPSS file"
                        .to_owned(),
                ));
            }
        };
        let columns = match lines.next() {
            Some((_, header)) => Columns::of(header).ok_or_else(|| {
                invalid(path, 2, 1, format!("expected the header `cve,epss,percentile`, found {header:?}"))
            })?,
            None => {
                return Err(invalid(
                    path,
                    2,
                    1,
                    "the file ends before the header `cve,epss,percentile`".to_owned(),
                ));
            }
        };
        let mut scores = Vec::with_capacity(text.len() / 28);
        for (index, line) in lines {
            if line.is_empty() {
                continue;
            }
            let (cve, score) =
                row(line, &columns).map_err(|(column, message)| invalid(path, index + 1, column, message))?;
            scores.push((cve, score));
        }
        // The file is sorted by id as text, nearly the numeric order; a later duplicate wins.
        scores.reverse();
        scores.sort_by_key(|(key, _)| *key);
        scores.dedup_by_key(|(key, _)| *key);
        Ok(Epss { model_version, score_date, scores })
    }

    /// The score of a CVE id, as written in the file (`CVE-2024-3094`).
    pub fn get(&self, cve: &str) -> Option<EpssScore> {
        let key = cve_key(cve)?;
        self.scores.binary_search_by_key(&key, |(k, _)| *k).ok().map(|index| self.scores[index].1)
    }

    /// The score of `finding`, by its id or a CVE alias (the highest, if several are scored).
    pub fn find(&self, finding: &Finding) -> Option<EpssScore> {
        cve_ids(finding).filter_map(|id| self.get(&id)).max_by(|a, b| a.probability.total_cmp(&b.probability))
    }

    pub fn len(&self) -> usize {
        self.scores.len()
    }

    pub fn is_empty(&self) -> bool {
        self.scores.is_empty()
    }

    pub fn info(&self) -> FeedInfo {
        FeedInfo {
            kind: FeedKind::Epss,
            version: self.model_version.clone(),
            date: self.score_date,
            entries: self.len(),
        }
    }
}

/// `#model_version:v2025.03.14,score_date:2025-08-25T00:00:00Z`.
fn comment(line: &str, path: &Path) -> Result<(String, jiff::Timestamp), FeedError> {
    let mut model_version = None;
    let mut score_date = None;
    for pair in line[1..].split(',') {
        let Some((key, value)) = pair.split_once(':') else { continue };
        match key.trim() {
            "model_version" => model_version = Some(value.trim().to_owned()),
            "score_date" => score_date = Some(value.trim()),
            _ => {}
        }
    }
    let missing = |what: &str| {
        invalid(path, 1, 1, format!("the first line names no {what} (`#model_version:…,score_date:…`)"))
    };
    let model_version = model_version.filter(|v| !v.is_empty()).ok_or_else(|| missing("model_version"))?;
    let date_text = score_date.ok_or_else(|| missing("score_date"))?;
    let column = line.find(date_text).map_or(1, |i| i + 1);
    let score_date = parse_date(date_text).ok_or_else(|| {
        invalid(path, 1, column, format!("score_date {date_text:?} is not a time like 2025-08-25T00:00:00Z"))
    })?;
    Ok((model_version, score_date))
}

/// An RFC 3339 time, or a plain date (midnight UTC).
fn parse_date(text: &str) -> Option<jiff::Timestamp> {
    text.parse::<jiff::Timestamp>().ok().or_else(|| {
        let date: jiff::civil::Date = text.parse().ok()?;
        jiff::tz::Offset::UTC.to_timestamp(date.to_datetime(jiff::civil::Time::midnight())).ok()
    })
}

/// Where each needed column is in a row.
struct Columns {
    cve: usize,
    epss: usize,
    percentile: usize,
    width: usize,
}

impl Columns {
    fn of(header: &str) -> Option<Columns> {
        let names: Vec<&str> = header.split(',').map(str::trim).collect();
        let at = |name: &str| names.iter().position(|n| *n == name);
        Some(Columns {
            cve: at("cve")?,
            epss: at("epss")?,
            percentile: at("percentile")?,
            width: names.len(),
        })
    }
}

/// One row (its CVE by [`cve_key`]), or the column (1-based) and what is wrong there. One
/// pass over the line, no allocation unless it is wrong.
fn row(line: &str, columns: &Columns) -> Result<(u64, EpssScore), (usize, String)> {
    let (mut cve, mut epss, mut percentile) = (None, None, None);
    let (mut start, mut count) = (0, 0);
    for (index, field) in line.split(',').enumerate() {
        let at = Some((start + 1, field));
        if index == columns.cve {
            cve = at;
        } else if index == columns.epss {
            epss = at;
        } else if index == columns.percentile {
            percentile = at;
        }
        start += field.len() + 1;
        count = index + 1;
    }
    let (Some((cve_column, cve)), Some(epss), Some(percentile)) = (cve, epss, percentile) else {
        return Err((
            line.len() + 1,
            format!("expected {} fields (cve,epss,percentile), found {count}", columns.width),
        ));
    };
    let key =
        cve_key(cve).ok_or_else(|| (cve_column, format!("{cve:?} is not a CVE id like CVE-2024-3094")))?;
    let number = |(column, text): (usize, &str), name: &str| -> Result<f64, (usize, String)> {
        match text.trim().parse::<f64>() {
            Ok(value) if (0.0..=1.0).contains(&value) => Ok(value),
            _ => Err((column, format!("{name} {text:?} is not a number between 0 and 1"))),
        }
    };
    Ok((key, EpssScore { probability: number(epss, "epss")?, percentile: number(percentile, "percentile")? }))
}

/// `CVE-2024-3094` as a number: the year in the high 32 bits, the sequence number in the low
/// ones; `None` for anything that is not a CVE id as feeds write it.
fn cve_key(id: &str) -> Option<u64> {
    if !is_cve_id(id) {
        return None;
    }
    let (year, number) = (id.get(4..8)?, id.get(9..)?);
    let number: u32 = number.parse().ok()?;
    Some((year.parse::<u64>().ok()? << 32) | u64::from(number))
}

fn invalid(path: &Path, line: usize, column: usize, message: String) -> FeedError {
    FeedError::Invalid { path: path.to_path_buf(), line, column, message }
}

/// 1-based line and column of a byte offset.
fn line_column(bytes: &[u8], offset: usize) -> (usize, usize) {
    hardline_model::position::at_offset(bytes, offset, hardline_model::position::Columns::Bytes)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    const SMALL: &str = "#model_version:v2025.03.14,score_date:2025-08-25T12:55:00Z\n\
                         cve,epss,percentile\n\
                         CVE-1999-0001,0.01025,0.76755\n\
                         CVE-2024-3094,0.84,0.99\n";

    fn parse(bytes: &[u8]) -> Result<Epss, String> {
        Epss::parse(bytes, Path::new("epss.csv.gz")).map_err(|e| e.to_string())
    }

    fn gzip(text: &str) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(text.as_bytes()).ok();
        encoder.finish().unwrap_or_default()
    }

    #[test]
    fn reads_gzipped_and_plain_files_alike() {
        for bytes in [gzip(SMALL), SMALL.as_bytes().to_vec(), SMALL.replace('\n', "\r\n").into_bytes()] {
            let epss = parse(&bytes).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(epss.model_version, "v2025.03.14");
            assert_eq!(epss.len(), 2);
            let score = epss.get("CVE-2024-3094").expect("scored");
            assert_eq!(score.probability, 0.84);
            assert_eq!(score.percent(), "84.0%");
            assert_eq!(epss.info().citation(), "FIRST EPSS scores of 2025-08-25");
        }
    }

    #[test]
    fn bad_files_are_named_by_line_and_column() {
        let cases = [
            (SMALL.replace("0.84", "1.7"), "epss.csv.gz:4:15: epss \"1.7\" is not a number between 0 and 1"),
            (SMALL.replace("CVE-1999-0001", "CVE-99-1"), "epss.csv.gz:3:1: \"CVE-99-1\" is not a CVE id"),
            (SMALL.replace(",0.99", ""), "epss.csv.gz:4:19: expected 3 fields"),
            (
                SMALL.replace("#model_version:v2025.03.14,", "#"),
                "epss.csv.gz:1:1: the first line names no model_version",
            ),
            (
                SMALL.replace("2025-08-25T12:55:00Z", "yesterday"),
                "epss.csv.gz:1:39: score_date \"yesterday\"",
            ),
            (SMALL.replace("cve,epss,percentile", "id,score"), "epss.csv.gz:2:1: expected the header"),
            (SMALL.lines().skip(1).collect::<Vec<_>>().join("\n"), "epss.csv.gz:1:1: expected the comment"),
        ];
        for (text, expected) in cases {
            let error = parse(text.as_bytes()).err().unwrap_or_default();
            assert!(error.starts_with(expected), "{error}\nexpected: {expected}");
            let error = parse(&gzip(&text)).err().unwrap_or_default();
            assert!(error.starts_with(expected), "gzipped: {error}");
        }
        let error = parse(&gzip(SMALL)[..20]).err().unwrap_or_default();
        assert!(error.contains("cut short or corrupt"), "{error}");
    }

    #[test]
    fn cve_keys_are_distinct_numbers() {
        assert_eq!(cve_key("CVE-2021-1234567"), Some((2021 << 32) | 1_234_567));
        assert_ne!(cve_key("CVE-2021-0001"), cve_key("CVE-2020-0001"));
        assert_eq!(cve_key("CVE-2021-0001"), Some((2021 << 32) | 1));
        assert_eq!(cve_key("GHSA-1"), None);
    }

    #[test]
    fn a_finding_takes_its_highest_scored_cve() {
        let epss = parse(SMALL.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        let mut finding =
            Finding::debian_vulnerability("CVE-1999-0001", "x", "1", hardline_model::Severity::Low);
        finding.aliases = vec!["CVE-2024-3094".into()];
        assert_eq!(epss.find(&finding).map(|s| s.probability), Some(0.84));
    }
}
