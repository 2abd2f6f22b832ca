//! Every file policy reads names a real place when it ends too early: line and column from 1,
//! the end of a file just past the last character of its last line (a final newline ends that
//! line; it does not start another), never serde_json's column 0.

use std::path::Path;

use hardline_policy::{ExceptionError, cyclonedx, exceptions, vex};

type Parser = fn(&str, &Path, &Path) -> Result<Vec<hardline_policy::Exception>, ExceptionError>;

fn place(parse: Parser, text: &str) -> (usize, usize) {
    let path = Path::new("security/file");
    match parse(text, path, path) {
        Err(ExceptionError::Invalid { line, column, .. }) => (line, column),
        other => panic!("expected an error in {text:?}, got {other:?}"),
    }
}

#[test]
fn a_file_cut_short_ends_on_a_real_place() {
    let cases: [(&str, Parser, &str, (usize, usize)); 4] = [
        // toml places an unclosed multi-line string at the end of the file.
        ("exceptions.toml", exceptions::parse_toml, "[[exception]]\nid = \"\"\"CVE-2026-1\n", (2, 19)),
        // serde-saphyr names the bracket left open, a real place already; pinned all the same.
        (".trivyignore.yaml", exceptions::parse_trivyignore, "vulnerabilities: [\n", (1, 18)),
        ("OpenVEX", vex::parse, "{\n  \"@context\": \"https://openvex.dev/ns/v0.2.0\",\n", (2, 47)),
        ("CycloneDX VEX", cyclonedx::parse, "{\n  \"bomFormat\": \"CycloneDX\",\n", (2, 28)),
    ];
    for (name, parse, text, expected) in cases {
        let (line, column) = place(parse, text);
        assert_ne!(column, 0, "{name}: column 0 names no place");
        assert_eq!((line, column), expected, "{name}: {text:?}");
    }
}
