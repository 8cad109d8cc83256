//! The `feennex` binary's payment, payout, balance, pay page and callback commands,
//! run as a user would run them.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use feennex_proto::{
    SecretKey,
    sign::{sign, verify},
};
use serde_json::Value;

const SECRET: &str = "cli-api-secret-93ad";
const NOW: &str = "2024-04-12T06:18:34.719Z";

fn run(args: &[&str], env: &[(&str, &str)], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_feennex"))
        .args(args)
        .env_clear()
        .env("FEENNEX_SECRET_KEY", SECRET)
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A command refused before it reads its input closes the pipe; that is not an
    // error of the test.
    let _ = child.stdin.take().unwrap().write_all(stdin);
    let output = child.wait_with_output().unwrap();
    assert_secret_absent(&output);
    output
}

fn feennex(args: &[&str]) -> Output {
    run(args, &[], b"")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

fn assert_secret_absent(output: &Output) {
    assert!(!text(&output.stdout).contains(SECRET));
    assert!(!text(&output.stderr).contains(SECRET));
}

/// Runs a dry run and returns the request path and the JSON body.
fn dry_run(args: &[&str]) -> (String, Value) {
    let mut full = args.to_vec();
    full.extend_from_slice(&["--shop-id", "6", "--base-url", "http://127.0.0.1:9", "--dry-run"]);
    let output = feennex(&full);
    assert!(output.status.success(), "{args:?}: {}", text(&output.stderr));
    let stdout = text(&output.stdout);
    let (head, body) = stdout.split_once("\n\n").unwrap();
    let request_line = head.lines().next().unwrap();
    let path = request_line
        .strip_prefix("POST http://127.0.0.1:9/")
        .and_then(|rest| rest.strip_suffix(" HTTP/1.1"))
        .unwrap()
        .to_owned();
    assert!(head.contains(&format!("content-length: {}", body.trim_end().len())));
    (path, serde_json::from_str(body.trim_end()).unwrap())
}

/// Checks the body's signature over exactly these signed fields.
fn assert_signed(body: &Value, fields: &[(&str, &str)]) {
    let received = body["sign"].as_str().unwrap();
    assert!(verify(fields, &SecretKey::new(SECRET), received), "{body}");
    for (name, value) in fields {
        let sent = match &body[*name] {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        assert_eq!(&sent, value, "{name}");
    }
}

#[test]
fn bill_create_dry_run_signs_the_five_fields_and_sends_the_urls() {
    let (path, body) = dry_run(&[
        "bill",
        "create",
        "--payer-currency",
        "840",
        "--shop-amount",
        "25.00",
        "--shop-currency",
        "978",
        "--shop-order-id",
        "order-7",
        "--description",
        "Book",
        "--success-url",
        "https://shop.test/ok",
        "--callback-url",
        "https://shop.test/cb",
    ]);
    assert_eq!(path, "bill/create");
    assert_signed(
        &body,
        &[
            ("payer_currency", "840"),
            ("shop_amount", "25"),
            ("shop_currency", "978"),
            ("shop_id", "6"),
            ("shop_order_id", "order-7"),
        ],
    );
    assert_eq!(body["success_url"], "https://shop.test/ok");
    assert_eq!(body["callback_url"], "https://shop.test/cb");
    assert_eq!(body["description"], "Book");
    assert!(body.get("failed_url").is_none());
}

#[test]
fn bill_status_dry_run_uses_the_given_time() {
    let (path, body) = dry_run(&["bill", "status", "--shop-order-id", "order-7", "--now", NOW]);
    assert_eq!(path, "bill/shop_order_status");
    assert_signed(&body, &[("now", NOW), ("shop_id", "6"), ("shop_order_id", "order-7")]);
}

#[test]
fn invoice_try_and_create_sign_the_same_fields_and_create_adds_extras() {
    let common = [
        "--amount",
        "500",
        "--currency",
        "840",
        "--payway",
        "card_usd",
        "--shop-order-id",
        "99991",
    ];
    let signed = [
        ("amount", "500"),
        ("currency", "840"),
        ("payway", "card_usd"),
        ("shop_id", "6"),
        ("shop_order_id", "99991"),
    ];
    let mut args = vec!["invoice", "try"];
    args.extend_from_slice(&common);
    let (path, body) = dry_run(&args);
    assert_eq!(path, "invoice/try");
    assert_signed(&body, &signed);

    let mut args = vec!["invoice", "create"];
    args.extend_from_slice(&common);
    args.extend_from_slice(&[
        "--extra",
        "email=a@b.co",
        "--extra",
        "note=x=y",
        "--failed-url",
        "f",
    ]);
    let (path, body) = dry_run(&args);
    assert_eq!(path, "invoice/create");
    assert_signed(&body, &signed);
    assert_eq!(body["email"], "a@b.co");
    assert_eq!(body["note"], "x=y");
    assert_eq!(body["failed_url"], "f");
}

#[test]
fn withdraw_try_and_check_account_dry_runs_are_signed() {
    let (path, body) = dry_run(&[
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
    ]);
    assert_eq!(path, "withdraw/try");
    assert_signed(
        &body,
        &[
            ("amount", "100"),
            ("amount_type", "ps_amount"),
            ("payway", "card_rub"),
            ("shop_currency", "643"),
            ("shop_id", "6"),
        ],
    );

    let (path, body) = dry_run(&[
        "withdraw",
        "check-account",
        "--account",
        "4111111111111111",
        "--amount",
        "100.25",
        "--payway",
        "card_rub",
        "--account-details",
        r#"{"holder":"IVAN PETROV"}"#,
    ]);
    assert_eq!(path, "check_account");
    assert_signed(
        &body,
        &[
            ("account", "4111111111111111"),
            ("amount", "100.25"),
            ("payway", "card_rub"),
            ("shop_id", "6"),
        ],
    );
    assert_eq!(body["account_details"]["holder"], "IVAN PETROV");
}

#[test]
fn withdraw_create_dry_run_signs_seven_fields_and_sends_details_unsigned() {
    let (path, body) = dry_run(&[
        "withdraw",
        "create",
        "--account",
        "79990001122",
        "--amount",
        "0.0100",
        "--amount-type",
        "shop_amount",
        "--payway",
        "qiwi_rub",
        "--shop-currency",
        "643",
        "--shop-payment-id",
        "w-1",
        "--account-details",
        r#"{"zip":101000}"#,
    ]);
    assert_eq!(path, "withdraw/create");
    assert_signed(
        &body,
        &[
            ("account", "79990001122"),
            ("amount", "0.01"),
            ("amount_type", "shop_amount"),
            ("payway", "qiwi_rub"),
            ("shop_currency", "643"),
            ("shop_id", "6"),
            ("shop_payment_id", "w-1"),
        ],
    );
    assert_eq!(body["account_details"]["zip"], 101000);
}

#[test]
fn withdraw_status_looks_up_by_either_id() {
    let (path, body) =
        dry_run(&["withdraw", "status", "--withdraw-id", "4294967296", "--now", NOW]);
    assert_eq!(path, "withdraw/status");
    assert_signed(&body, &[("now", NOW), ("shop_id", "6"), ("withdraw_id", "4294967296")]);
    assert!(body["withdraw_id"].is_u64());

    let (path, body) = dry_run(&["withdraw", "status", "--shop-payment-id", "w-1", "--now", NOW]);
    assert_eq!(path, "withdraw/shop_payment_status");
    assert_signed(&body, &[("now", NOW), ("shop_id", "6"), ("shop_payment_id", "w-1")]);
}

#[test]
fn balance_dry_run_signs_now_and_shop_id() {
    let (path, body) = dry_run(&["balance", "--now", NOW]);
    assert_eq!(path, "shop_balance");
    assert_signed(&body, &[("now", NOW), ("shop_id", "6")]);
}

#[test]
fn an_unreachable_server_exits_4_and_prints_each_cause_once() {
    // Nothing listens on port 1: every attempt is refused before sending.
    let output = feennex(&["balance", "--shop-id", "6", "--base-url", "http://127.0.0.1:1"]);
    assert_eq!(output.status.code(), Some(4));
    let stderr = text(&output.stderr);
    let first = stderr.lines().next().unwrap();
    assert!(first.starts_with("error: ") && first.contains("not sent"), "{stderr}");
    let causes: Vec<&str> = stderr.lines().skip(1).collect();
    assert!(causes.iter().all(|line| line.starts_with("  caused by: ")), "{stderr}");
    assert_eq!(stderr.matches("Connection refused").count(), 1, "{stderr}");
    assert_eq!(stderr.matches("cannot connect").count(), 1, "{stderr}");
    assert!(output.stdout.is_empty());
}

#[test]
fn bad_input_exits_2_with_an_error_naming_the_flag() {
    let cases: [(&[&str], &str); 8] = [
        (
            &["withdraw", "status", "--withdraw-id", "1", "--shop-payment-id", "w-1"],
            "--withdraw-id",
        ),
        (&["withdraw", "status"], "--withdraw-id"),
        (&["withdraw", "status", "--withdraw-id", "-1"], "--withdraw-id"),
        (
            &[
                "withdraw",
                "check-account",
                "--account",
                "1",
                "--amount",
                "1",
                "--payway",
                "p",
                "--account-details",
                "[1]",
            ],
            "--account-details",
        ),
        (
            &[
                "withdraw",
                "try",
                "--amount",
                "1",
                "--amount-type",
                "receive_amount",
                "--payway",
                "p",
                "--shop-currency",
                "643",
            ],
            "--amount-type",
        ),
        (
            &[
                "invoice",
                "create",
                "--amount",
                "1",
                "--currency",
                "840",
                "--payway",
                "p",
                "--shop-order-id",
                "1",
                "--extra",
                "sign=forged",
            ],
            "--extra",
        ),
        (
            &[
                "pay-url",
                "--amount",
                "1",
                "--currency",
                "840",
                "--shop-order-id",
                "1",
                "--lang",
                "de",
            ],
            "--lang",
        ),
        (
            &[
                "invoice",
                "try",
                "--amount",
                "1",
                "--currency",
                "840",
                "--payway",
                "card usd",
                "--shop-order-id",
                "1",
            ],
            "--payway",
        ),
    ];
    for (args, flag) in cases {
        let mut full = args.to_vec();
        full.extend_from_slice(&["--shop-id", "6"]);
        let output = feennex(&full);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(output.stdout.is_empty());
        let stderr = text(&output.stderr);
        assert!(stderr.starts_with("error: "), "{stderr}");
        assert!(stderr.contains(flag), "{flag} not named in {stderr}");
    }
}

/// The query parameters of a URL, decoded.
fn query_pairs(url: &str) -> Vec<(String, String)> {
    let query = url.split_once('?').unwrap().1;
    query
        .split('&')
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap();
            (decode(name), decode(value))
        })
        .collect()
}

fn decode(text: &str) -> String {
    let text = text.replace('+', " ");
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&text[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn pay_url_prints_the_page_with_signed_query_parameters() {
    let output = feennex(&[
        "pay-url",
        "--amount",
        "10.00",
        "--currency",
        "643",
        "--shop-order-id",
        "101",
        "--description",
        "Заказ & co",
        "--lang",
        "ru",
        "--shop-id",
        "6",
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let url = text(&output.stdout).trim_end().to_owned();
    assert!(url.starts_with("https://pay.feennex.com/ru/pay?amount=10&"), "{url}");
    let pairs = query_pairs(&url);
    let value = |name: &str| pairs.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
    assert_eq!(value("description"), Some("Заказ & co"));
    let signed =
        [("amount", "10"), ("currency", "643"), ("shop_id", "6"), ("shop_order_id", "101")];
    assert_eq!(value("sign"), Some(sign(&signed, &SecretKey::new(SECRET)).as_str()));
}

#[test]
fn pay_url_host_comes_from_the_flag_or_the_environment() {
    let args =
        ["pay-url", "--amount", "1", "--currency", "840", "--shop-order-id", "1", "--shop-id", "6"];
    let output = run(&args, &[("FEENNEX_PAY_HOST", "http://127.0.0.1:8081/")], b"");
    assert!(
        text(&output.stdout).starts_with("http://127.0.0.1:8081/en/pay?"),
        "{}",
        text(&output.stdout)
    );
    let mut with_flag = args.to_vec();
    with_flag.extend_from_slice(&["--pay-host", "https://pay.other.test"]);
    let output = run(&with_flag, &[("FEENNEX_PAY_HOST", "http://127.0.0.1:8081")], b"");
    assert!(text(&output.stdout).starts_with("https://pay.other.test/en/pay?"));
}

const FORM: &str = "application/x-www-form-urlencoded; charset=utf-8";

fn callback_body(amount: &str) -> String {
    let fields = [
        ("payment_id", "77"),
        ("shop_amount", amount),
        ("shop_currency", "840"),
        ("shop_id", "6"),
        ("shop_order_id", "o 1"),
        ("shop_refund", "0"),
        ("status", "success"),
    ];
    let signature = sign(&fields, &SecretKey::new(SECRET));
    format!(
        "payment_id=77&shop_amount={amount}&shop_currency=840&shop_id=6&shop_order_id=o+1&shop_refund=0&email=&status=success&zz=&sign={signature}"
    )
}

fn verify_callback(args: &[&str], body: &str) -> Output {
    let mut full = vec!["callback", "verify"];
    full.extend_from_slice(args);
    run(&full, &[], body.as_bytes())
}

#[test]
fn callback_verify_prints_every_field_as_json() {
    let output = verify_callback(
        &[
            "--remote-ip",
            "51.68.53.105",
            "--allow-ip",
            "87.98.145.206,51.68.53.104-51.68.53.107",
            "--content-type",
            FORM,
            "--allow-field",
            "zz",
        ],
        &callback_body("10.00"),
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    let json: Value = serde_json::from_str(text(&output.stdout).trim()).unwrap();
    assert_eq!(json["shop_amount"], "10.00");
    assert_eq!(json["shop_order_id"], "o 1");
    assert_eq!(json["email"], "");
    assert_eq!(json["zz"], "");
    assert_eq!(json.as_object().unwrap().len(), 10);
}

#[test]
fn callback_verify_refuses_unknown_fields_unless_allowed_or_permissive() {
    let args = ["--remote-ip", "10.0.0.1", "--sender-checked-upstream", "--content-type", FORM];
    let output = verify_callback(&args, &callback_body("10.00"));
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        text(&output.stderr).trim(),
        "error: callback rejected: unexpected field \"zz\": not a known callback field (allow it explicitly)"
    );
    for extra in [&["--allow-field", "a,zz"][..], &["--permissive"][..]] {
        let mut more = args.to_vec();
        more.extend_from_slice(extra);
        let output = verify_callback(&more, &callback_body("10.00"));
        assert!(output.status.success(), "{extra:?}: {}", text(&output.stderr));
    }
    // An empty name would let an unnamed filler field through.
    let mut unnamed = args.to_vec();
    unnamed.extend_from_slice(&["--allow-field", "zz,"]);
    let output = verify_callback(&unnamed, &callback_body("10.00"));
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        text(&output.stderr).trim(),
        "error: invalid --allow-field: an allowed field name is empty"
    );
}

#[test]
fn callback_verify_refuses_a_body_over_the_limit_without_reading_it_all() {
    const LIMIT: usize = 1024 * 1024;
    let args = [
        "callback",
        "verify",
        "--remote-ip",
        "10.0.0.1",
        "--sender-checked-upstream",
        "--content-type",
        FORM,
    ];
    let mut child = Command::new(env!("CARGO_BIN_EXE_feennex"))
        .args(args)
        .env_clear()
        .env("FEENNEX_SECRET_KEY", SECRET)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Offer 64 MiB; the command stops reading after its limit and exits, which
    // closes the pipe under the writer.
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let chunk = vec![b'a'; 64 * 1024];
        let mut written = 0usize;
        while written < 64 * LIMIT {
            match stdin.write(&chunk) {
                Ok(n) => written += n,
                Err(_) => break,
            }
        }
        written
    });
    let output = child.wait_with_output().unwrap();
    let written = writer.join().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        text(&output.stderr).trim(),
        "error: the callback body on standard input is longer than 1048576 bytes"
    );
    assert!(written > LIMIT, "only {written} bytes were offered");
    // What was taken is the limit plus what the pipe buffers.
    assert!(written < LIMIT + 4 * 1024 * 1024, "{written} bytes were taken");

    // A body of exactly the limit is read and judged (here: it has no sign).
    let body = "a".repeat(LIMIT);
    let output = verify_callback(&args[2..], &body);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    assert!(text(&output.stderr).contains("no sign field"));
}

#[test]
fn callback_verify_trusts_an_upstream_check_only_when_told() {
    let args = ["--remote-ip", "10.0.0.1", "--content-type", FORM];
    let output = verify_callback(&args, &callback_body("10.00"));
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("--allow-ip"));
    let mut upstream = args.to_vec();
    upstream.extend_from_slice(&["--sender-checked-upstream", "--allow-field", "zz"]);
    let output = verify_callback(&upstream, &callback_body("10.00"));
    assert!(output.status.success(), "{}", text(&output.stderr));
}

#[test]
fn callback_verify_rejections_exit_1_with_one_line_saying_why() {
    let tampered = callback_body("10.00").replace("shop_amount=10.00", "shop_amount=99.00");
    let cases: [(&[&str], String, &str); 4] = [
        (
            &[
                "--remote-ip",
                "87.98.145.206",
                "--allow-ip",
                "87.98.145.206",
                "--content-type",
                FORM,
            ],
            tampered,
            "bad signature",
        ),
        (
            &["--remote-ip", "203.0.113.7", "--allow-ip", "87.98.145.206", "--content-type", FORM],
            callback_body("1"),
            "203.0.113.7",
        ),
        (
            &[
                "--remote-ip",
                "87.98.145.206",
                "--allow-ip",
                "87.98.145.206",
                "--content-type",
                "application/json",
            ],
            callback_body("1"),
            "malformed",
        ),
        (
            &[
                "--remote-ip",
                "87.98.145.206",
                "--allow-ip",
                "87.98.145.206",
                "--content-type",
                "text/plain",
            ],
            callback_body("1"),
            "content type",
        ),
    ];
    for (args, body, why) in cases {
        let output = verify_callback(args, &body);
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        assert!(output.stdout.is_empty());
        let stderr = text(&output.stderr);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains(why), "{why} not in {stderr}");
    }
}
