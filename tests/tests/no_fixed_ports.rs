//! Tests never take a fixed port: a sandbox started by a test listens on port 0
//! and the test reads the port it got, and nothing in a test binds a numbered
//! port. Otherwise a sandbox a person runs on the README's default port (8080),
//! or another test run on the same machine, breaks the suite.
//!
//! This reads the test code of every language (Rust, Python, JavaScript, the CI
//! scripts) the way a reviewer would: each start of `feennex sandbox` must carry
//! `--listen` with port 0, and each `bind(` of a literal loopback address must ask
//! for port 0. Connecting to a port nobody listens on (`127.0.0.1:9`) is fine.

use std::path::{Path, PathBuf};

/// The repository's root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_owned()
}

/// Every file of test code: the tests of each crate (and the Node.js `test/`
/// folder), this package, and the CI scripts.
fn test_files() -> Vec<PathBuf> {
    let root = root();
    let mut folders = vec![root.join("tests"), root.join(".ci")];
    for krate in std::fs::read_dir(root.join("crates")).unwrap() {
        let krate = krate.unwrap().path();
        folders.extend([krate.join("tests"), krate.join("test")]);
    }
    let mut files = Vec::new();
    while let Some(folder) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else { continue };
        for entry in entries {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if path.is_dir() {
                if !["node_modules", "target", "__pycache__", ".venv"].contains(&name.as_str()) {
                    folders.push(path);
                }
            } else if is_code(&path) {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn is_code(path: &Path) -> bool {
    let extension = path.extension().map(|e| e.to_string_lossy().into_owned());
    match extension.as_deref() {
        Some("rs" | "py" | "js" | "c" | "sh") => true,
        // The CI scripts have no extension.
        None => path.parent().and_then(Path::file_name).is_some_and(|dir| dir == ".ci"),
        _ => false,
    }
}

/// Where `feennex sandbox` is started as a server (not `sandbox complete`): the
/// text of each statement, from the word `sandbox` on. A quoted `"sandbox"` (an
/// argument list in Rust, Python or JavaScript) runs to the end of its list or
/// statement; a shell command to the end of its line, continuations included.
/// Mentions in comments and prose are not starts.
fn sandbox_starts(text: &str) -> Vec<String> {
    let markers = [
        ("\"sandbox\"", false),
        ("'sandbox'", false),
        ("feennex\" sandbox", true),
        ("feennex sandbox", true),
        ("BIN\" sandbox", true),
    ];
    let mut starts = Vec::new();
    for (marker, shell) in markers {
        for (at, _) in text.match_indices(marker) {
            let line_start = text[..at].rfind('\n').map_or(0, |index| index + 1);
            let before = &text[line_start..at];
            let after = &text[at + marker.len()..];
            let prose = before.contains("//")
                || before.trim_start().starts_with('#')
                || before.trim_start().starts_with('*')
                || before.ends_with('`')
                || after.starts_with('`');
            if prose {
                continue;
            }
            let end = after
                .char_indices()
                .find(|(index, c)| {
                    if shell {
                        *c == '\n' && !after[..*index].ends_with('\\')
                    } else {
                        matches!(c, ';' | ']')
                    }
                })
                .map_or(after.len(), |(index, _)| index);
            let statement = &after[..end];
            if !statement.contains("complete") {
                starts.push(format!("{marker}{statement}"));
            }
        }
    }
    starts
}

/// Whether a `--listen` in the statement asks for port 0.
fn listens_on_port_zero(statement: &str) -> bool {
    statement.find("--listen").is_some_and(|at| {
        let address: String = statement[at + "--listen".len()..]
            .trim_start_matches(|c: char| c == '"' || c == '\'' || c == ',' || c.is_whitespace())
            .chars()
            .take_while(|c| !matches!(c, '"' | '\'' | ' ' | ','))
            .collect();
        address.ends_with(":0")
    })
}

/// The `bind(` calls on a literal loopback address with a numbered port.
fn fixed_binds(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (at, _) in text.match_indices("bind(") {
        let call: String = text[at..].chars().take(60).take_while(|c| *c != ';').collect();
        for host in ["127.0.0.1", "localhost", "[::1]", "0.0.0.0"] {
            let Some(after) = call.find(host).map(|index| &call[index + host.len()..]) else {
                continue;
            };
            let port: String = after
                .trim_start_matches([':', '"', '\'', ',', ' '])
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            if port.parse::<u32>().is_ok_and(|port| port != 0) {
                found.push(call.clone());
            }
        }
    }
    found
}

#[test]
fn every_sandbox_a_test_starts_listens_on_port_zero_and_nothing_binds_a_fixed_port() {
    let files = test_files();
    assert!(files.len() > 40, "too few test files found: {files:?}");
    let mut starts_seen = 0;
    let mut offences = Vec::new();
    for path in &files {
        if path.ends_with(file!().rsplit('/').next().unwrap()) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(path) else { continue };
        let shown = path.strip_prefix(root()).unwrap().display().to_string();
        for statement in sandbox_starts(&text) {
            starts_seen += 1;
            if !listens_on_port_zero(&statement) {
                offences.push(format!("{shown}: a sandbox without --listen …:0: {statement}"));
            }
        }
        offences.extend(fixed_binds(&text).into_iter().map(|call| format!("{shown}: {call}")));
    }
    // The Python, Node.js, C and CLI suites each start sandboxes: the scan saw them.
    assert!(starts_seen >= 5, "only {starts_seen} sandbox starts found");
    assert!(offences.is_empty(), "fixed ports in tests:\n{}", offences.join("\n"));
}

#[test]
fn the_scan_tells_a_fixed_port_from_port_zero() {
    let rust = r#"feennex().args(["sandbox"]).spawn(); feennex().args(["sandbox", "--listen", "127.0.0.1:0"]).spawn();"#;
    let starts = sandbox_starts(rust);
    assert_eq!(starts.len(), 2);
    assert!(!listens_on_port_zero(&starts[0]) && listens_on_port_zero(&starts[1]));
    let shell = "\"$feennex\" sandbox --listen 127.0.0.1:8080 --shop 6:x &\nfeennex sandbox complete --id 1\n";
    let starts = sandbox_starts(shell);
    assert_eq!(starts.len(), 1, "{starts:?}");
    assert!(!listens_on_port_zero(&starts[0]));
    assert_eq!(
        fixed_binds(r#"TcpListener::bind("127.0.0.1:8080"); bind(("127.0.0.1", 0))"#).len(),
        1
    );
    assert_eq!(fixed_binds(r#"sock.bind(("localhost", 5000))"#).len(), 1);
    assert!(fixed_binds(r#"TcpListener::bind("127.0.0.1:0")"#).is_empty());
}
