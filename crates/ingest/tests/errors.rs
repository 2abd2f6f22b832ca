//! Every way a report can be wrong, and what the error says about it.

use std::path::Path;

use hardline_ingest::{IngestError, InputFormat, parse_report, read_report};

fn fixture_bytes(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
    std::fs::read(path).expect("fixture exists")
}

fn error(input: &[u8], format: InputFormat) -> IngestError {
    match parse_report(input, format, "report.json") {
        Ok(scan) => panic!("expected an error, got {} findings", scan.findings().len()),
        Err(error) => error,
    }
}

/// Line and column of the end of `input`, counted independently: just past the last character
/// of the last line (a final newline ends that line; it does not start another), where an editor
/// puts the cursor at the end of the file.
fn end_position(input: &[u8]) -> (usize, usize) {
    let text = std::str::from_utf8(input).expect("utf-8");
    let line = text.lines().count().max(1);
    let column = text.lines().last().map_or(0, str::len) + 1;
    (line, column)
}

#[test]
fn truncated_report_names_the_line_and_column_where_it_ends() {
    let full = fixture_bytes("trivy-0.76-config.json");
    // Cut in the middle of a line inside the Results array.
    let cut = full.len() / 2;
    let truncated = &full[..cut];
    let (line, column) = end_position(truncated);
    let error = error(truncated, InputFormat::Auto);
    match &error {
        IngestError::Syntax { line: l, column: c, .. } => assert_eq!((*l, *c), (line, column)),
        other => panic!("expected a syntax error, got {other:?}"),
    }
    let shown = error.to_string();
    assert!(shown.starts_with(&format!("report.json:{line}:{column}: expected more JSON")), "{shown}");
    assert!(shown.contains("truncated"), "{shown}");
}

#[test]
fn truncated_corpus_report() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/trivy-history/postgres-18");
    let Ok(full) = std::fs::read(dir.join("2025-11-27T2002.json")) else {
        eprintln!("note: corpus absent; skipped");
        return;
    };
    let truncated = &full[..full.len() * 3 / 4];
    let (line, column) = end_position(truncated);
    let error = error(truncated, forced("trivy"));
    assert!(
        matches!(error, IngestError::Syntax { line: l, column: c, .. } if (l, c) == (line, column)),
        "{error:?}"
    );
}

#[test]
fn stray_character_is_a_syntax_error_at_its_position() {
    let input = b"{\n  \"SchemaVersion\": 2,\n  \"Results\": [\n    {\"Target\": \"x\";}\n  ]\n}\n";
    let shown = error(input, InputFormat::Auto).to_string();
    // Line 4 is `    {"Target": "x";}`: the `;` is its 19th byte.
    assert_eq!(shown, "report.json:4:19: expected `,` or `}` (malformed JSON)");
}

#[test]
fn garbage_at_the_start_is_a_syntax_error_not_a_guess() {
    let shown = error(b"{\"SchemaVersion\" 2}", InputFormat::Auto).to_string();
    assert_eq!(shown, "report.json:1:18: expected `:` (malformed JSON)");
}

#[test]
fn non_json_is_an_unknown_format() {
    let error = error(b"Total: 3 (HIGH: 1)\n+---------+\n", InputFormat::Auto);
    assert!(matches!(error, IngestError::UnknownFormat { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        "report.json: not a scanner report: the input is not a JSON object (it starts with \
         `Total: 3 (HIGH: 1)`); expected a Trivy JSON report (SchemaVersion 2), a SARIF 2.1.0 log or a \
         Grype JSON report (`grype -o json`)"
    );
}

#[test]
fn an_empty_file_is_an_unknown_format() {
    let shown = error(b"  \n", InputFormat::Auto).to_string();
    assert!(shown.starts_with("report.json: not a scanner report: the input is empty;"), "{shown}");
}

#[test]
fn a_json_array_is_an_unknown_format() {
    let shown = error(b"[{\"check_type\": \"dockerfile\"}]", InputFormat::Auto).to_string();
    assert!(shown.contains("found a JSON array at the top level"), "{shown}");
    assert!(shown.ends_with(
        "expected a Trivy JSON report (SchemaVersion 2), a SARIF 2.1.0 log or a Grype JSON report (`grype -o json`)"
    ));
}

#[test]
fn another_json_object_is_an_unknown_format_listing_its_keys() {
    let shown = error(br#"{"name": "left-pad", "version": "2.1.0", "main": "index.js"}"#, InputFormat::Auto)
        .to_string();
    assert_eq!(
        shown,
        "report.json: not a scanner report: found a JSON object with top-level keys `name`, \
         `version`, `main`; expected a Trivy JSON report (SchemaVersion 2), a SARIF 2.1.0 log or a \
         Grype JSON report (`grype -o json`)"
    );
}

#[test]
fn trivy_schema_3_is_refused_at_the_line_of_its_key() {
    let input =
        b"{\n  \"CreatedAt\": \"2026-01-01T00:00:00Z\",\n    \"SchemaVersion\": 3,\n  \"Results\": []\n}";
    let error = error(input, InputFormat::Auto);
    assert!(matches!(error, IngestError::UnsupportedSchema { line: 3, column: 5, .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        "report.json:3:5: unsupported Trivy SchemaVersion 3; expected 2 (the Trivy JSON report \
         schema hardline reads)"
    );
}

/// Keys re-sorted (`jq -S`) put SchemaVersion after a large Results array, beyond what
/// detection reads; the version is then checked after parsing, still pointing at its line.
#[test]
fn trivy_schema_beyond_the_detection_window_is_still_refused_with_its_line() {
    let padding = "x".repeat(100_000);
    let input = format!(
        "{{\"ArtifactName\": \"img\",\n\"Results\": [{{\"Target\": \"{padding}\"}}],\n\n \"SchemaVersion\": 1}}"
    );
    let error = error(input.as_bytes(), InputFormat::Auto);
    assert_eq!(
        error.to_string(),
        "report.json:4:2: unsupported Trivy SchemaVersion 1; expected 2 (the Trivy JSON report \
         schema hardline reads)"
    );
}

#[test]
fn sarif_other_than_2_1_0_is_refused() {
    let input = b"{\n  \"version\": \"2.0.0\",\n  \"runs\": []\n}";
    let shown = error(input, InputFormat::Auto).to_string();
    assert_eq!(shown, "report.json:2:3: unsupported SARIF version \"2.0.0\"; expected \"2.1.0\"");
}

#[test]
fn sarif_forced_on_a_trivy_report_says_what_it_found() {
    let input = fixture_bytes("trivy-0.76-config.json");
    let error = error(&input, forced("sarif"));
    assert!(matches!(error, IngestError::FormatMismatch { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        "report.json:2:3: expected a SARIF 2.1.0 log because the input format was set to \
         `sarif`, but found a Trivy JSON report (top-level key `SchemaVersion`); set the input \
         format to `auto` or `trivy`"
    );
}

#[test]
fn trivy_forced_on_a_sarif_log_says_what_it_found() {
    let input = fixture_bytes("hadolint-2.15.1.sarif");
    let shown = error(&input, forced("trivy")).to_string();
    assert!(shown.starts_with("report.json:1:2: expected a Trivy JSON report (SchemaVersion 2)"), "{shown}");
    assert!(shown.contains("found a SARIF log (top-level key `$schema`)"), "{shown}");
}

#[test]
fn forced_format_on_an_unrelated_object_reports_what_is_missing() {
    let shown = error(br#"{"name": "x"}"#, forced("sarif")).to_string();
    assert_eq!(shown, "report.json:1:13: invalid SARIF log: missing field `version`");
}

#[test]
fn a_wrong_type_is_invalid_at_its_position() {
    let input = b"{\"SchemaVersion\": 2,\n \"Results\": [{\"Target\": 42}]}";
    let error = error(input, InputFormat::Auto);
    assert!(matches!(error, IngestError::Invalid { line: 2, .. }), "{error:?}");
    // serde_json points at the last byte of the offending value (`42` spans columns 25–26).
    assert_eq!(
        error.to_string(),
        "report.json:2:26: invalid Trivy JSON report: invalid type: integer `42`, expected a string"
    );
}

#[test]
fn a_missing_file_names_the_path() {
    let error =
        read_report(Path::new("/nonexistent/trivy.json"), InputFormat::Auto).expect_err("no such file");
    assert!(matches!(error, IngestError::Io { .. }));
    assert!(error.to_string().starts_with("/nonexistent/trivy.json: cannot read the report: "), "{error}");
}

#[test]
fn input_format_names() {
    assert_eq!("auto".parse::<InputFormat>(), Ok(InputFormat::Auto));
    assert_eq!("Trivy".parse::<InputFormat>(), Ok(forced("trivy")));
    assert_eq!(InputFormat::names().collect::<Vec<_>>(), ["auto", "trivy", "sarif", "grype"]);
    assert_eq!("sarif".parse::<InputFormat>(), Ok(forced("sarif")));
    assert_eq!("grype".parse::<InputFormat>(), Ok(forced("grype")));
    let error = "cyclonedx".parse::<InputFormat>().expect_err("not supported");
    assert_eq!(
        error.to_string(),
        "unknown input format `cyclonedx`: expected `auto`, `trivy`, `sarif` or `grype`"
    );
}

#[test]
fn a_byte_order_mark_is_tolerated() {
    let mut input = b"\xEF\xBB\xBF".to_vec();
    input.extend_from_slice(br#"{"version": "2.1.0", "runs": []}"#);
    let scan = parse_report(&input, InputFormat::Auto, "bom.sarif").expect("parses");
    assert!(scan.findings().is_empty());
}

/// The scan's time orders the log, so it is checked where it enters: a `CreatedAt` that is not
/// an RFC 3339 time is an error at its line, never a time that sorts somewhere arbitrary.
#[test]
fn a_creation_time_that_is_not_rfc_3339_names_its_line() {
    let input = b"{\n  \"SchemaVersion\": 2,\n  \"CreatedAt\": \"last tuesday\",\n  \"Results\": []\n}\n";
    let error = error(input, InputFormat::Auto);
    match &error {
        IngestError::Invalid { line, column, .. } => assert_eq!((*line, *column), (3, 3)),
        other => panic!("expected an invalid report, got {other:?}"),
    }
    let shown = error.to_string();
    assert!(
        shown.starts_with("report.json:3:3: invalid Trivy JSON report: CreatedAt: \"last tuesday\""),
        "{shown}"
    );
}

fn forced(name: &str) -> InputFormat {
    InputFormat::Forced(hardline_ingest::Format::named(name).expect("a registered format"))
}

/// An SBOM is not a report: given as one (even with a forced format), it is refused with what
/// to do instead, at the key that gave it away.
#[test]
fn an_sbom_given_as_a_report_says_to_scan_it_first() {
    let cases: [(&str, &str, &str); 4] = [
        (
            r#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": []}"#,
            "a CycloneDX document",
            "bomFormat",
        ),
        (
            "{\n  \"$schema\": \"http://cyclonedx.org/schema/bom-1.6.schema.json\",\n  \"bomFormat\": \"CycloneDX\"}",
            "a CycloneDX document",
            "$schema",
        ),
        (
            r#"{"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT", "packages": []}"#,
            "an SPDX SBOM",
            "spdxVersion",
        ),
        (r#"{"artifacts": [], "artifactRelationships": [], "source": {}}"#, "a syft SBOM", "artifacts"),
    ];
    for (input, what, key) in cases {
        for format in
            [InputFormat::Auto, InputFormat::Forced(hardline_ingest::Format::named("trivy").expect("trivy"))]
        {
            let error = error(input.as_bytes(), format);
            let shown = error.to_string();
            assert!(matches!(error, IngestError::NotAReport { .. }), "{shown}");
            assert!(shown.contains(what) && shown.contains(&format!("`{key}`")), "{shown}");
            assert!(shown.ends_with("an SBOM lists packages, not findings: scan it first"), "{shown}");
        }
    }
    let at =
        error(b"{\n  \"$schema\": \"http://cyclonedx.org/schema/bom-1.6.schema.json\"}", InputFormat::Auto);
    assert!(at.to_string().starts_with("report.json:2:3: "), "{at}");
}

#[test]
fn a_grype_report_is_recognised_by_its_first_key() {
    let scan = parse_report(
        br#"{"matches": [], "descriptor": {"name": "grype", "version": "0.86.1"}}"#,
        InputFormat::Auto,
        "g.json",
    )
    .expect("an empty Grype report");
    assert_eq!((scan.meta.scanner.as_str(), scan.findings().len()), ("grype", 0));
    let bad = error(br#"{"matches": [{"vulnerability": {}}], "descriptor": {}}"#, InputFormat::Auto);
    assert!(bad.to_string().contains("invalid Grype JSON report"), "{bad}");
    // Another tool's `matches` is not an empty scan that would fix everything.
    let other = error(br#"{"matches": []}"#, InputFormat::Auto);
    assert!(other.to_string().contains("missing field `descriptor`"), "{other}");
}

/// A report cut after a newline ends on a real place, for every registered format and for
/// auto-detection: serde_json says column 0 of the line after the last, which no editor has.
#[test]
fn a_report_cut_after_a_newline_ends_on_a_real_place() {
    let cases: [(&[u8], &str); 3] = [
        (b"{\n  \"SchemaVersion\": 2,\n  \"Results\": [\n", "trivy"),
        (b"{\n  \"matches\": [\n", "grype"),
        (b"{\n  \"version\": \"2.1.0\",\n  \"runs\": [\n", "sarif"),
    ];
    for (input, name) in cases {
        for format in [InputFormat::Auto, forced(name)] {
            let error = error(input, format);
            let IngestError::Syntax { line, column, .. } = error else {
                panic!("{name}: expected a syntax error, got {error:?}")
            };
            assert_ne!(column, 0, "{name}: column 0 names no place");
            assert_eq!((line, column), end_position(input), "{name}");
        }
    }
    let names: Vec<&str> = InputFormat::names().filter(|n| *n != "auto").collect();
    assert_eq!(names, ["trivy", "sarif", "grype"], "a new format needs a case above");
}
