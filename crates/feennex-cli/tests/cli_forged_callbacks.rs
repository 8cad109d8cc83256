//! `feennex callback verify` against the re-split forgery, run as a process
//! against a sandbox on loopback: the strict default refuses it, `--permissive`
//! alone lets it through, and `--confirm` catches it by asking the API.

use std::io::Write;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use feennex_proto::SecretKey;
use feennex_sandbox::{CallbackRetry, DEFAULT_SECRET, SandboxConfig};
use feennex_tests::forgery::{create_bill, finish_and_capture, form_body, resigned, resplit};
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

    // Known names only, with a guessed payment id and a refund: user_ip takes the
    // genuine values after the claims and is no address. --confirm refuses it too.
    let description = format!("gift:{victim}:1000:840:1:101:0:success");
    let cheap = create_bill(|bill| client.call(bill), "attacker-2", "1", Some(&description));
    let genuine = finish_and_capture(sandbox.base_url(), cheap, false);
    let victim_text = victim.to_string();
    let mut claims = vec![("payment_id", victim_text.as_str())];
    claims.extend(&CLAIMS[..4]);
    claims.extend([("shop_refund", "0"), CLAIMS[4]]);
    let forged = form_body(&resplit(&genuine, &["description"], &claims, &["user_ip"]).unwrap());
    let output = verify(&sandbox, &[], &forged);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output).trim(),
        "error: callback rejected: the field user_ip is malformed: it must be an IP address"
    );
    let output = verify(&sandbox, &["--permissive", "--confirm"], &forged);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output).trim(),
        "error: callback rejected: it disagrees with the API on status: the callback says \"success\", the API says 1 (Waiting)"
    );

    // The victim's genuine callback, once paid, is confirmed.
    let paid = form_body(&finish_and_capture(sandbox.base_url(), victim, true));
    let output = verify(&sandbox, &["--confirm"], &paid);
    assert!(output.status.success(), "{}", stderr(&output));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["payment_id"], victim_text.as_str());
}

/// A callback signed with the shop's key but naming another shop, or the same
/// shop written another way; and one whose amount the API does not know.
#[test]
fn confirm_refuses_another_shop_id_and_says_what_differs_in_words() {
    let once = CallbackRetry::new(Duration::from_secs(60), Duration::from_secs(60), 1);
    let sandbox = TestSandbox::with_config(SandboxConfig::default().with_callbacks(once));
    let client: BlockingClient = sandbox.client(Setup::default());
    let paid = create_bill(|bill| client.call(bill), "order-250", "25", None);
    let genuine = finish_and_capture(sandbox.base_url(), paid, true);
    let secret = SecretKey::new(DEFAULT_SECRET);
    let output = verify(&sandbox, &["--confirm"], &form_body(&genuine));
    assert!(output.status.success(), "{}", stderr(&output));

    let mismatch = |other: &str| {
        format!(
            "error: callback rejected: it disagrees with the API on shop_id: the callback says \"{other}\", the merchant is 1"
        )
    };
    let refused_by_type = "error: callback rejected: the field shop_id is malformed: it must be a shop id (a positive integer)";
    let cases = [
        ("7", &["--confirm"][..], mismatch("7")),
        ("7", &["--permissive", "--confirm"], mismatch("7")),
        // The strict check already refuses a number written another way.
        ("01", &["--confirm"], refused_by_type.to_owned()),
        ("01", &["--permissive", "--confirm"], mismatch("01")),
    ];
    for (other, flags, expected) in cases {
        let body = form_body(&resigned(&genuine, &[("shop_id", other)], &secret));
        let output = verify(&sandbox, flags, &body);
        assert_eq!(output.status.code(), Some(1), "{other} {flags:?}");
        assert_eq!(stderr(&output).trim(), expected, "{other} {flags:?}");
    }

    let body = form_body(&resigned(&genuine, &[("shop_amount", "250.00")], &secret));
    let output = verify(&sandbox, &["--confirm"], &body);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(
        message.contains("shop_amount: the callback says \"250.00\", the API says 25"),
        "{message}"
    );
    assert!(!message.contains("Some(") && !message.contains("None"), "{message}");
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
