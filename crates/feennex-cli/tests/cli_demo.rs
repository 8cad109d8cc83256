//! `feennex demo` as the README runs it: it shows the faults the sandbox injected
//! and the creates sent again and lookups they caused, and leaves no temporary
//! directory behind (its files stay only where `--dir` puts them).

use std::process::Command;

/// The number just before `word` in `line`.
fn number_before(line: &str, word: &str) -> u64 {
    let before = &line[..line.find(word).unwrap_or_else(|| panic!("{word} in {line}"))];
    before.split_whitespace().last().unwrap().trim_start_matches('(').parse().unwrap()
}

#[test]
fn the_demo_counts_faults_retries_and_lookups_and_cleans_up() {
    let tmp = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_feennex"))
        .arg("demo")
        .env_clear()
        .env("TMPDIR", tmp.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", String::from_utf8_lossy(&output.stderr));

    let faults = stdout.lines().find(|line| line.starts_with("faults injected: ")).expect(&stdout);
    let injected = number_before(faults, "of");
    let requests = number_before(faults, "API requests");
    assert!(injected > 0 && injected < requests, "{faults}");
    let kinds: u64 = faults[faults.find('(').unwrap() + 1..faults.len() - 1]
        .split(", ")
        .map(|kind| kind.split(' ').next().unwrap().parse::<u64>().unwrap())
        .sum();
    assert_eq!(kinds, injected, "{faults}");

    let caused = stdout.lines().find(|line| line.starts_with("they caused: ")).expect(&stdout);
    let again = number_before(caused, "creates sent again");
    let creates = number_before(caused, "for 200 rows");
    let lookups = number_before(caused, "status lookups");
    assert_eq!(creates, 200 + again, "{caused}");
    // Creates and lookups were among the requests, and some fault made the run
    // look a payout up.
    assert!(creates + lookups <= requests, "{faults}\n{caused}");
    assert!(lookups > 0, "{caused}");
    assert!(stdout.contains("sandbox ledger: 200 payouts, each exactly once"), "{stdout}");

    assert!(stdout.contains("removed the temporary directory "), "{stdout}");
    let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

#[test]
fn the_demo_keeps_its_files_where_dir_says() {
    let dir = tempfile::tempdir().unwrap();
    let kept = dir.path().join("demo");
    let output = Command::new(env!("CARGO_BIN_EXE_feennex"))
        .args(["demo", "--dir", kept.to_str().unwrap()])
        .env_clear()
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(!stdout.contains("removed the temporary directory"), "{stdout}");
    for file in ["payouts.csv", "payouts.csv.journal", "payouts.csv.report.csv"] {
        assert!(kept.join(file).is_file(), "{file} missing");
    }
}
