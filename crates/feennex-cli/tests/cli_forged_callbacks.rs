//! `feennex callback verify` against the re-split forgery, run as a process
//! against a sandbox on loopback: the strict default refuses it, `--permissive`
//! alone lets it through, and `--confirm` catches it by asking the API.

use std::io::Write;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use feennex_sandbox::{CallbackRetry, DEFAULT_SECRET, SandboxConfig};
use feennex_tests::forgery::{create_bill, finish_and_capture, form_body, resplit};
use feennex_tests::{BlockingClient, Setup, TestClient, TestSandbox};
use serde_json::Value;

const CLAIMS: [(&str, &str); 5] = [
    ("shop_amount", "1000"),
    ("shop_currency", "840"),
    ("shop_id", "1"),
    ("shop_order_id", "101"),
    ("status", "success"),
];

fn verify(sandbox: &TestSandbox, extra: &[&str], body: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_feennex"))
        .args(["callback", "verify", "--base-url", sandbox.base_url(), "--shop-id", "1"])
        .args(["--remote-ip", "127.0.0.1", "--allow-ip", "127.0.0.1"])
        .args(["--content-type", "application/x-www-form-urlencoded"])
        .args(extra)
        .env_clear()
        .env("FEENNEX_SECRET_KEY", DEFAULT_SECRET)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(body.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

#[test]
fn the_forgery_is_refused_by_default_and_caught_by_confirm_even_when_permissive() {
    let once = CallbackRetry::new(Duration::from_secs(60), Duration::from_secs(60), 1);
    let sandbox = TestSandbox::with_config(SandboxConfig::default().with_callbacks(once));
    let client: BlockingClient = sandbox.client(Setup::default());
    let victim = create_bill(|bill| client.call(bill), "101", "1000", None);
    let description = format!("gift:{victim}:1000:840:1:101:success");
    let cheap = create_bill(|bill| client.call(bill), "attacker-1", "1", Some(&description));
    let genuine = finish_and_capture(sandbox.base_url(), cheap, false);

    // Filler names: refused by the strict default.
    let forged = form_body(&resplit(&genuine, &["a00"], &CLAIMS, &["z00"]).unwrap());
    let output = verify(&sandbox, &[], &forged);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output).trim(),
        "error: callback rejected: unexpected field \"a00\": not a known callback field (allow it explicitly)"
    );
    // Permissive alone, it passes as a payment of 1000 USD for order 101...
    let output = verify(&sandbox, &["--permissive"], &forged);
    assert!(output.status.success(), "{}", stderr(&output));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!((&json["shop_order_id"], &json["shop_amount"]), (&"101".into(), &"1000".into()));
    // ...and --confirm catches it.
    let output = verify(&sandbox, &["--permissive", "--confirm"], &forged);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    assert!(
        stderr(&output).contains("disagrees with the API on payment_id"),
        "{}",
        stderr(&output)
    );

    // Known names and a guessed payment id pass the strict check; --confirm still
    // refuses, on the status.
    let victim_text = victim.to_string();
    let mut claims = vec![("payment_id", victim_text.as_str())];
    claims.extend(CLAIMS);
    let forged =
        form_body(&resplit(&genuine, &["client_price", "created"], &claims, &["user_ip"]).unwrap());
    assert!(verify(&sandbox, &[], &forged).status.success());
    let output = verify(&sandbox, &["--confirm"], &forged);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("disagrees with the API on status"), "{}", stderr(&output));

    // The victim's genuine callback, once paid, is confirmed.
    let paid = form_body(&finish_and_capture(sandbox.base_url(), victim, true));
    let output = verify(&sandbox, &["--confirm"], &paid);
    assert!(output.status.success(), "{}", stderr(&output));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["payment_id"], victim_text.as_str());
}

#[test]
fn confirm_needs_a_shop_id() {
    let output = Command::new(env!("CARGO_BIN_EXE_feennex"))
        .args(["callback", "verify", "--remote-ip", "127.0.0.1", "--sender-checked-upstream"])
        .args(["--content-type", "application/x-www-form-urlencoded", "--confirm"])
        .env_clear()
        .env("FEENNEX_SECRET_KEY", DEFAULT_SECRET)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--shop-id"), "{}", stderr(&output));
}
