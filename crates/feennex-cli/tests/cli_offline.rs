//! The `feennex` binary's offline commands: signing and dry runs.

use std::process::{Command, Output};

use feennex_proto::{SecretKey, sign::verify};

const SECRET: &str = "cli-test-secret-5f1c";

fn feennex(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_feennex"))
        .args(args)
        .env_clear()
        .env("FEENNEX_SECRET_KEY", SECRET)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

fn assert_secret_absent(output: &Output) {
    assert!(!text(&output.stdout).contains(SECRET));
    assert!(!text(&output.stderr).contains(SECRET));
}

#[test]
fn sign_explains_then_prints_a_published_vector() {
    let output = Command::new(env!("CARGO_BIN_EXE_feennex"))
        .args([
            "sign",
            "--explain",
            "shop_order_id=101",
            "amount=10.00",
            "shop_id=5",
            "currency=643",
        ])
        .env_clear()
        .env("FEENNEX_SECRET_KEY", "SecretKey01")
        .output()
        .unwrap();
    assert!(output.status.success());
    let stdout = text(&output.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "string_to_sign: 10.00:643:5:101",
            "e4580435a252d61ef91b71cb23ed7bee4d77de94ced36411526d2ce3b66ada8f"
        ]
    );
}

#[test]
fn sign_splits_at_the_first_equals_sign_and_reads_a_secret_file() {
    let dir = std::env::temp_dir().join(format!("feennex-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("secret");
    std::fs::write(&path, format!("{SECRET}\n")).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_feennex"))
        .args(["sign", "--secret-file", path.to_str().unwrap(), "b=x=y", "a=1"])
        .env_clear()
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    let fields = [("a", "1"), ("b", "x=y")];
    assert!(verify(&fields, &SecretKey::new(SECRET), text(&output.stdout).trim()));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn dry_run_prints_the_exact_signed_request() {
    let output = feennex(&[
        "transfer",
        "create",
        "--amount",
        "10.50",
        "--payee-account",
        "201234567890",
        "--payee-currency",
        "840",
        "--shop-currency",
        "978",
        "--shop-payment-id",
        "p-1",
        "--description",
        "bonus",
        "--dry-run",
        "--shop-id",
        "6",
        "--base-url",
        "http://127.0.0.1:9/",
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_secret_absent(&output);
    let stdout = text(&output.stdout);
    let (head, body) = stdout.split_once("\n\n").unwrap();
    let mut head = head.lines();
    assert_eq!(head.next(), Some("POST http://127.0.0.1:9/transfer/create HTTP/1.1"));
    let headers: Vec<&str> = head.collect();
    assert!(headers.contains(&"content-type: application/json"));
    let body = body.trim_end();
    assert!(headers.contains(&format!("content-length: {}", body.len()).as_str()));

    let json: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!(json["amount"], serde_json::json!(10.5));
    assert_eq!(json["description"], "bonus");
    let fields = [
        ("amount", "10.5"),
        ("amount_type", "receive_amount"),
        ("payee_account", "201234567890"),
        ("payee_currency", "840"),
        ("shop_currency", "978"),
        ("shop_id", "6"),
        ("shop_payment_id", "p-1"),
    ];
    assert!(verify(&fields, &SecretKey::new(SECRET), json["sign"].as_str().unwrap()));
}

#[test]
fn status_dry_run_uses_the_given_time() {
    let output = feennex(&[
        "transfer",
        "status",
        "--shop-payment-id",
        "p-1",
        "--now",
        "2024-04-12T06:18:34.719Z",
        "--dry-run",
        "--shop-id",
        "6",
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(text(&output.stdout).contains(
        r#"{"now":"2024-04-12T06:18:34.719Z","shop_id":6,"shop_payment_id":"p-1","sign":""#
    ));
}

#[test]
fn bad_input_exits_2_with_an_error_naming_the_field() {
    let cases: [(&[&str], &str); 6] = [
        (
            &[
                "transfer",
                "try",
                "--amount",
                "-1",
                "--payee-currency",
                "840",
                "--shop-currency",
                "840",
                "--shop-id",
                "6",
            ],
            "--amount",
        ),
        (
            &[
                "transfer",
                "try",
                "--amount",
                "0.00001",
                "--payee-currency",
                "840",
                "--shop-currency",
                "840",
                "--shop-id",
                "6",
            ],
            "--amount",
        ),
        (
            &[
                "transfer",
                "try",
                "--amount",
                "1",
                "--payee-currency",
                "XYZ",
                "--shop-currency",
                "840",
                "--shop-id",
                "6",
            ],
            "--payee-currency",
        ),
        (
            &[
                "transfer",
                "create",
                "--amount",
                "1",
                "--payee-currency",
                "840",
                "--shop-currency",
                "840",
                "--payee-account",
                "nobody",
                "--shop-payment-id",
                "x",
                "--shop-id",
                "6",
            ],
            "--payee-account",
        ),
        (
            &[
                "transfer",
                "try",
                "--amount",
                "1",
                "--payee-currency",
                "840",
                "--shop-currency",
                "840",
                "--shop-id",
                "0",
            ],
            "--shop-id",
        ),
        (&["sign", "novalue"], "novalue"),
    ];
    for (args, field) in cases {
        let output = feennex(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(output.stdout.is_empty());
        let stderr = text(&output.stderr);
        assert!(stderr.starts_with("error: "), "{stderr}");
        assert!(stderr.contains(field), "{field} not named in {stderr}");
        assert_secret_absent(&output);
    }
}

#[test]
fn a_missing_secret_is_reported_without_a_panic() {
    let output = Command::new(env!("CARGO_BIN_EXE_feennex"))
        .args(["sign", "a=1"])
        .env_clear()
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("FEENNEX_SECRET_KEY"));
}
