//! The examples that run against an API read it from the environment; one started
//! without a variable says which one, in words, rather than `Error: NotPresent`.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The examples that read `FEENNEX_BASE_URL`, `FEENNEX_SHOP_ID` and
/// `FEENNEX_SECRET_KEY`, by package.
const EXAMPLES: [(&str, &str); 3] = [
    ("feennex-hyper", "wallet_payout"),
    ("feennex-blocking", "blocking_wallet_payout"),
    ("feennex-proto", "own_http_stack"),
];

const SETTINGS: [(&str, &str); 3] = [
    ("FEENNEX_BASE_URL", "http://127.0.0.1:9"),
    ("FEENNEX_SHOP_ID", "6"),
    ("FEENNEX_SECRET_KEY", "examples-secret-5d"),
];

/// The examples, brought up to date (cargo builds them when the whole workspace
/// is tested, not when only this package is).
fn built_examples() -> Vec<PathBuf> {
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().and_then(Path::parent).unwrap();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut build = Command::new(cargo);
    build.args(["build", "--quiet"]);
    for (package, example) in EXAMPLES {
        build.args(["-p", package, "--example", example]);
    }
    if profile_dir.ends_with("release") {
        build.arg("--release");
    }
    let output = build.current_dir(env!("CARGO_MANIFEST_DIR")).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    EXAMPLES
        .iter()
        .map(|(_, example)| {
            profile_dir.join("examples").join(format!("{example}{}", std::env::consts::EXE_SUFFIX))
        })
        .collect()
}

#[test]
fn an_example_without_a_setting_names_the_missing_variable() {
    for example in built_examples() {
        for (missing, _) in SETTINGS {
            let output = Command::new(&example)
                .env_clear()
                .envs(SETTINGS.iter().filter(|(name, _)| *name != missing).copied())
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(output.status.code(), Some(1), "{}: {stderr}", example.display());
            assert!(
                stderr.starts_with(&format!("error: {missing} is not set")),
                "{}: {stderr}",
                example.display()
            );
            assert!(!stderr.contains("NotPresent") && !stderr.contains("examples-secret"));
        }
        let output = Command::new(&example)
            .env_clear()
            .envs(SETTINGS)
            .env("FEENNEX_SHOP_ID", "six")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.starts_with("error: FEENNEX_SHOP_ID: "), "{}: {stderr}", example.display());
    }
}
