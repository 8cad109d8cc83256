//! Replays the committed fuzz corpus on stable: every file of
//! `fuzz/corpus/<target>/` goes through the same check as the fuzz target, so CI
//! exercises the seeds and every crash ever found. A target without a corpus, or a
//! fuzz target missing from the list of checks, fails the test.

use std::path::{Path, PathBuf};

#[path = "../../fuzz/src/checks/mod.rs"]
#[allow(dead_code)]
mod checks;

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz")
}

fn corpus_files(target: &str) -> Vec<PathBuf> {
    let dir = fuzz_dir().join("corpus").join(target);
    let entries = std::fs::read_dir(&dir)
        .unwrap_or_else(|error| panic!("no corpus for {target} at {}: {error}", dir.display()));
    let mut files: Vec<PathBuf> =
        entries.map(|entry| entry.unwrap().path()).filter(|path| path.is_file()).collect();
    files.sort();
    assert!(!files.is_empty(), "the corpus of {target} is empty");
    files
}

fn replay(target: &str) {
    let check = checks::TARGETS
        .iter()
        .find(|(name, _)| *name == target)
        .map(|(_, check)| *check)
        .unwrap_or_else(|| panic!("no check named {target}"));
    for file in corpus_files(target) {
        let data = std::fs::read(&file).unwrap();
        let outcome = std::panic::catch_unwind(|| check(&data));
        assert!(outcome.is_ok(), "{target}: {} fails its check", file.display());
    }
}

#[test]
fn every_fuzz_target_has_a_check_and_a_corpus() {
    let mut targets: Vec<String> = std::fs::read_dir(fuzz_dir().join("fuzz_targets"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter_map(|path| path.file_stem().map(|stem| stem.to_string_lossy().into_owned()))
        .collect();
    targets.sort();
    let mut checked: Vec<String> =
        checks::TARGETS.iter().map(|(name, _)| name.to_string()).collect();
    checked.sort();
    assert_eq!(targets, checked);
    for target in &targets {
        assert!(!corpus_files(target).is_empty());
    }
}

#[test]
fn sign_verify_corpus_holds() {
    replay("sign_verify");
}

#[test]
fn responses_corpus_holds() {
    replay("responses");
}

#[test]
fn callback_verify_corpus_holds() {
    replay("callback_verify");
}

#[test]
fn exactly_once_corpus_holds() {
    replay("exactly_once");
}

#[test]
fn sandbox_requests_corpus_holds() {
    replay("sandbox_requests");
}

#[test]
fn python_text_corpus_holds() {
    replay("python_text");
}
