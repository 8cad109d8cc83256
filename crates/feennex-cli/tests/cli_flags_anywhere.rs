//! The API flags (`--base-url`, `--shop-id`, `--secret-file`, `--timeout`,
//! `--allow-plain-http`) and the output flags work before or after the command,
//! as clap's global arguments do, for every command that takes them; a command
//! that does not use one refuses it on either side.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use feennex_sandbox::DEFAULT_SECRET;
use feennex_tests::TestSandbox;

fn feennex(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_feennex"))
        .args(args)
        .env_clear()
        .env("FEENNEX_SECRET_KEY", DEFAULT_SECRET)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let _ = child.stdin.take().unwrap().write_all(stdin);
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs `before` (the flags), then the command and its own arguments.
fn before(flags: &[&str], command: &[&str]) -> Output {
    let args: Vec<&str> = flags.iter().chain(command).copied().collect();
    feennex(&args, b"")
}

#[test]
fn a_payout_with_every_api_flag_before_the_command_is_paid_once() {
    let sandbox = TestSandbox::start();
    let secret_file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(secret_file.path(), DEFAULT_SECRET).unwrap();
    let flags = [
        "--timeout",
        "2",
        "--base-url",
        sandbox.base_url(),
        "--shop-id",
        "1",
        "--secret-file",
        secret_file.path().to_str().unwrap(),
        "--allow-plain-http",
        "-q",
    ];
    let create = [
        "transfer",
        "create",
        "--amount",
        "2.5",
        "--payee-currency",
        "840",
        "--shop-currency",
        "840",
        "--payee-account",
        "201234567890",
        "--shop-payment-id",
        "flags-before-1",
    ];
    let output = before(&flags, &create);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let answer: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(answer["summary"]["write_off"], "2.5", "{answer}");
    sandbox.ledger().assert_payouts_exactly(&["flags-before-1"], &[]);

    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("payouts.csv");
    std::fs::write(&csv, "payee_account,amount,payee_currency,shop_currency,shop_payment_id\n201234567890,1,840,840,flags-batch-1\n").unwrap();
    let output = before(&flags, &["payouts", "run", csv.to_str().unwrap()]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    sandbox.ledger().assert_payouts_exactly(&["flags-before-1", "flags-batch-1"], &[]);

    // A value after the command wins over one before it.
    let output = before(
        &["--shop-id", "9", "--base-url", sandbox.base_url()],
        &["balance", "--shop-id", "1"],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
}

#[test]
fn every_command_taking_api_flags_takes_them_before_its_name() {
    let sandbox = TestSandbox::start();
    let api = ["--shop-id", "1", "--base-url", sandbox.base_url()];
    let commands: [&[&str]; 7] = [
        &["transfer", "try", "--amount", "1", "--payee-currency", "840", "--shop-currency", "840"],
        &[
            "bill",
            "create",
            "--payer-currency",
            "840",
            "--shop-amount",
            "1",
            "--shop-currency",
            "840",
            "--shop-order-id",
            "fa-1",
        ],
        &[
            "invoice",
            "try",
            "--amount",
            "500",
            "--currency",
            "643",
            "--payway",
            "card_rub",
            "--shop-order-id",
            "fa-2",
        ],
        &[
            "withdraw",
            "try",
            "--amount",
            "100",
            "--amount-type",
            "ps_amount",
            "--payway",
            "card_rub",
            "--shop-currency",
            "643",
        ],
        &["withdraw", "status", "--shop-payment-id", "none"],
        &["balance"],
        &["transfer", "status", "--shop-payment-id", "none"],
    ];
    for command in commands {
        let output = before(&api, command);
        let code = output.status.code();
        // Reached the sandbox: an answer (0) or its error 7 for the lookups (3).
        assert!(code == Some(0) || code == Some(3), "{command:?}: {}", text(&output.stderr));
        if code == Some(3) {
            assert!(text(&output.stderr).contains("wasn't found"), "{}", text(&output.stderr));
        }
    }

    let output = before(
        &["--shop-id", "6"],
        &["pay-url", "--amount", "10", "--currency", "RUB", "--shop-order-id", "101"],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(text(&output.stdout).contains("shop_id=6"), "{}", text(&output.stdout));

    let secret_file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(secret_file.path(), "SecretKey01").unwrap();
    let path = secret_file.path().to_str().unwrap();
    let output = before(
        &["--secret-file", path],
        &["sign", "amount=10.00", "currency=643", "shop_id=5", "shop_order_id=101"],
    );
    assert_eq!(
        text(&output.stdout).trim(),
        "e4580435a252d61ef91b71cb23ed7bee4d77de94ced36411526d2ce3b66ada8f"
    );

    let output = before(
        &["--base-url", sandbox.base_url()],
        &["sandbox", "complete", "--kind", "bill", "--id", "404"],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("404"), "{}", text(&output.stderr));

    let output = before(
        &["--secret-file", path],
        &[
            "callback",
            "verify",
            "--remote-ip",
            "127.0.0.1",
            "--sender-checked-upstream",
            "--content-type",
            "application/json",
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    assert!(text(&output.stderr).contains("callback rejected"), "{}", text(&output.stderr));

    let output = before(
        &["--base-url", sandbox.base_url(), "--shop-id", "1"],
        &["bench", "--quick", "--json", "--concurrency", "2"],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    let figures: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(figures["payouts"]["target"], sandbox.base_url());
}

#[test]
fn output_flags_work_before_the_command_too() {
    let output = before(
        &["--output", "json"],
        &["balance", "--shop-id", "6", "--base-url", "http://127.0.0.1:1"],
    );
    assert_eq!(output.status.code(), Some(4));
    let error: serde_json::Value = serde_json::from_slice(&output.stderr).unwrap();
    assert_eq!(error["error"]["exit_code"], 4);
}

#[test]
fn a_flag_the_command_does_not_use_is_refused_before_or_after_it() {
    for args in [
        &["--timeout", "2", "sign", "a=1"][..],
        &["sign", "--timeout", "2", "a=1"],
        &["--base-url", "http://127.0.0.1:9", "demo"],
        &["--shop-id", "6", "completions", "bash"],
        &["--base-url", "http://127.0.0.1:9", "sandbox", "--listen", "127.0.0.1:0"],
    ] {
        let output = feennex(args, b"");
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains("is not used by 'feennex "), "{args:?}: {stderr}");
        assert!(output.stdout.is_empty(), "{args:?}");
    }
    let help = text(&feennex(&["sign", "--help"], b"").stdout);
    assert!(!help.contains("--timeout") && !help.contains("--base-url"), "{help}");
    let root = text(&feennex(&["--help"], b"").stdout);
    assert!(root.contains("--timeout") && root.contains("--base-url"), "{root}");
}
