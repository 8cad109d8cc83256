//! `.ci/test`, the README's test command, runs every suite even after one has
//! failed and ends with the list of the suites that failed. Run here as it is,
//! from a copy of `.ci` whose suites are stand-ins that pass or fail on demand
//! (and a `cargo` on the PATH that fails), so the script itself is what is tested.

#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

/// Writes an executable script that records its name in `ran` and exits `code`.
fn stand_in(path: &Path, ran: &Path, code: i32) {
    let name = path.file_name().unwrap().to_string_lossy();
    let script = format!("#!/usr/bin/env bash\necho {name} >> '{}'\nexit {code}\n", ran.display());
    std::fs::write(path, script).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn every_suite_runs_after_a_failure_and_the_failures_are_listed() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let copy = std::env::temp_dir().join(format!("feennex-ci-test-{}", std::process::id()));
    let ci = copy.join(".ci");
    let bin = copy.join("bin");
    std::fs::create_dir_all(&ci).unwrap();
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::copy(repo.join(".ci/test"), ci.join("test")).unwrap();
    let ran = copy.join("ran");
    stand_in(&bin.join("cargo"), &ran, 1);
    for (suite, code) in [
        ("python", 0),
        ("node", 3),
        ("ffi", 0),
        ("php", 0),
        ("postgres", 0),
        ("browser", 0),
        ("multihost", 0),
    ] {
        stand_in(&ci.join(suite), &ran, code);
    }
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let output = Command::new("bash").arg(ci.join("test")).env("PATH", path).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let ran = std::fs::read_to_string(&ran).unwrap_or_default();
    std::fs::remove_dir_all(&copy).unwrap();

    assert_eq!(output.status.code(), Some(1), "{stdout}{stderr}");
    assert_eq!(
        ran, "cargo\npython\nnode\nffi\nphp\npostgres\nbrowser\nmultihost\n",
        "{stdout}{stderr}"
    );
    let summary = &stderr[stderr.find("== 2 of 8 suites failed:").expect(&stderr)..];
    let listed: Vec<&str> = summary.lines().skip(1).map(str::trim).collect();
    assert_eq!(listed.len(), 2, "{summary}");
    assert!(listed[0].starts_with("the Rust workspace"), "{summary}");
    assert!(listed[1].starts_with("the Node.js binding"), "{summary}");
    assert!(!stdout.contains("every suite passed"), "{stdout}");
}
