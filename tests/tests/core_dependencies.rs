//! The sans-IO core must not pull in any runtime, HTTP client or socket crate.

use std::process::Command;

const FORBIDDEN: [&str; 5] = ["tokio", "hyper", "ureq", "mio", "socket2"];

#[test]
fn core_dependency_tree_holds_no_io_crates() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args([
            "tree",
            "--offline",
            "-p",
            "feennex-proto",
            "-e",
            "normal,build",
            "--prefix",
            "none",
            "--format",
            "{p}",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let tree = String::from_utf8(output.stdout).unwrap();
    let crates: Vec<&str> =
        tree.lines().filter_map(|line| line.split_whitespace().next()).collect();
    assert!(crates.contains(&"feennex-proto"), "{tree}");
    assert!(crates.contains(&"sha2"), "the tree was not read: {tree}");
    for name in FORBIDDEN {
        assert!(!crates.contains(&name), "feennex-proto depends on {name}:\n{tree}");
    }
}
