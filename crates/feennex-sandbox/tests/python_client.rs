//! An independent client, written in Python from the spec alone, uses the sandbox.

mod common;

use std::process::Command;

use common::spawn_default;
use feennex_sandbox::{DEFAULT_SECRET, DEFAULT_SHOP_ID};

#[test]
fn the_python_spec_client_passes_all_its_checks() {
    let sandbox = spawn_default();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/python_client.py");
    let output = Command::new("python3")
        .arg(script)
        .env("FEENNEX_BASE_URL", sandbox.base_url())
        .env("FEENNEX_SHOP_ID", DEFAULT_SHOP_ID.to_string())
        .env("FEENNEX_SECRET_KEY", DEFAULT_SECRET)
        .output()
        .expect("python3 must be installed to run this test");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "stdout: {stdout}\nstderr: {stderr}");
    assert_eq!(stdout.trim(), "ok: 18 checks");
    let transfers = common::introspect(sandbox.local_addr(), "/_sandbox/transfers");
    let ids: Vec<&str> = transfers
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["shop_payment_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["py-1", "py-2"]);
}
