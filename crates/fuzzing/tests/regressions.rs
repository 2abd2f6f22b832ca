//! Every committed seed (`fuzz/seeds/<target>/`) and every input that ever crashed a fuzz target
//! (`fuzz/regressions/<target>/`, kept for good) replayed through the same function the target
//! runs: a crash found once can never come back unnoticed.

use std::path::Path;

use hardline_fuzzing::TARGETS;

fn inputs(kind: &str, target: &str) -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz").join(kind).join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|entries| entries.flatten().map(|e| e.path()).filter(|p| p.is_file()).collect())
        .unwrap_or_default();
    files.sort();
    files
}

#[test]
fn every_seed_and_every_crash_ever_found_is_handled() {
    let mut panicked = Vec::new();
    for (target, run) in TARGETS {
        let seeds = inputs("seeds", target);
        assert!(!seeds.is_empty(), "fuzz/seeds/{target}/ holds the target's seed corpus");
        for path in seeds.iter().chain(&inputs("regressions", target)) {
            let data = std::fs::read(path).expect("readable");
            if std::panic::catch_unwind(|| run(&data)).is_err() {
                panicked.push(format!("{target}: {}", path.display()));
            }
        }
    }
    assert!(panicked.is_empty(), "inputs that panic:\n{}", panicked.join("\n"));
}

#[test]
fn every_target_has_a_fuzz_target_file() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/fuzz_targets");
    for (target, _) in TARGETS {
        let file = dir.join(format!("{target}.rs"));
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        assert!(
            text.contains(&format!("hardline_fuzzing::{target}(")),
            "{} calls the harness",
            file.display()
        );
    }
}
