//! The sans-IO core must not pull in any runtime, HTTP client or socket crate; the
//! blocking client must not pull in an async runtime; TLS is rustls on ring.

use std::process::Command;

/// The names of every crate `package` depends on for building and running.
fn dependency_names(package: &str) -> Vec<String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args(["tree", "--offline", "-p", package, "-e", "normal,build", "--prefix", "none"])
        .args(["--format", "{p}"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let tree = String::from_utf8(output.stdout).unwrap();
    tree.lines().filter_map(|line| line.split_whitespace().next()).map(str::to_owned).collect()
}

fn assert_absent(package: &str, crates: &[String], forbidden: &[&str]) {
    for name in forbidden {
        assert!(!crates.iter().any(|c| c == name), "{package} depends on {name}: {crates:?}");
    }
}

#[test]
fn core_dependency_tree_holds_no_io_crates() {
    let crates = dependency_names("feennex-proto");
    assert!(crates.iter().any(|name| name == "sha2"), "the tree was not read: {crates:?}");
    assert_absent("feennex-proto", &crates, &["tokio", "hyper", "ureq", "mio", "socket2"]);
}

#[test]
fn blocking_client_holds_no_async_runtime() {
    let crates = dependency_names("feennex-blocking");
    assert!(crates.iter().any(|name| name == "ureq"), "the tree was not read: {crates:?}");
    assert_absent(
        "feennex-blocking",
        &crates,
        &["tokio", "hyper", "async-std", "smol", "mio", "futures-executor"],
    );
}

#[test]
fn tls_uses_ring_and_never_aws_lc() {
    for package in ["feennex-hyper", "feennex-blocking", "feennex-tests"] {
        let crates = dependency_names(package);
        assert!(crates.iter().any(|name| name == "ring"), "{package}: {crates:?}");
        assert!(!crates.iter().any(|name| name.starts_with("aws-lc")), "{package} uses aws-lc");
    }
}
