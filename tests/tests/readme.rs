//! The READMEs agree with the code and with each other where a newcomer would
//! notice: the bill example asks for the callback it promises, the CLI installs
//! the same way from both READMEs, and the Node.js version is the package's.

use std::path::Path;

fn read(path: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    std::fs::read_to_string(root.join(path)).unwrap()
}

/// The shell commands of a README that start with `start`, continuation lines
/// joined.
fn commands(readme: &str, start: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut lines = readme.lines();
    while let Some(line) = lines.next() {
        if !line.trim_start().starts_with(start) {
            continue;
        }
        let mut command = line.trim().to_owned();
        while let Some(head) = command.strip_suffix('\\') {
            command = format!("{} {}", head.trim_end(), lines.next().unwrap_or_default().trim());
        }
        found.push(command);
    }
    found
}

#[test]
fn the_bill_example_gives_the_callback_url_the_sandbox_delivers_to() {
    let readme = read("README.md");
    let bills = commands(&readme, "feennex bill create");
    assert!(!bills.is_empty());
    for bill in bills {
        assert!(bill.contains("--callback-url "), "{bill}");
    }
    assert!(readme.contains("delivers the signed callback to the bill's --callback-url"));
}

#[test]
fn both_readmes_install_the_cli_the_same_way() {
    let install = |readme: &str| commands(readme, "cargo install");
    let root = install(&read("README.md"));
    let cli = install(&read("crates/feennex-cli/README.md"));
    assert_eq!(root, ["cargo install --locked --path crates/feennex-cli"]);
    assert_eq!(cli, root);
}

#[test]
fn the_node_version_is_the_packages_everywhere() {
    let package: serde_json::Value =
        serde_json::from_str(&read("crates/feennex-node/package.json")).unwrap();
    let engines = package["engines"]["node"].as_str().unwrap();
    let major = engines.strip_prefix(">=").expect(engines);
    let readme = read("README.md");
    assert!(readme.contains(&format!("Node.js {major} or newer with npm")), "root README");
    assert!(readme.contains(&format!("Node {major} or newer;")), "Node.js section");
    let mentions = readme.matches("Node.js 2").count() + readme.matches("Node 2").count();
    assert_eq!(mentions, 0, "another Node.js version is named");
    let ci = read(".ci/node");
    assert!(ci.contains(&format!("-lt {major} ]")), ".ci/node checks another version");
}
