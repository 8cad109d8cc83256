//! What users of any command-line tool expect of `feennex`: clap's error layout,
//! flags only where they apply, completions, currencies by letters or numbers,
//! failures that name their cause, errors as JSON, and logs on standard error.

use std::process::{Command, Output};

use feennex_tests::{Reply, ScriptedServer, envelope_error, envelope_ok};
use serde_json::{Value, json};

const SECRET: &str = "conventions-secret-5c1e";

fn feennex(args: &[&str], env: &[(&str, &str)]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_feennex"))
        .args(args)
        .env_clear()
        .env("FEENNEX_SECRET_KEY", SECRET)
        .envs(env.iter().copied())
        .output()
        .unwrap();
    assert!(!text(&output.stdout).contains(SECRET) && !text(&output.stderr).contains(SECRET));
    output
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn help(args: &[&str]) -> String {
    let output = feennex(args, &[]);
    assert!(output.status.success(), "{args:?}: {}", text(&output.stderr));
    text(&output.stdout)
}

#[test]
fn usage_errors_keep_clap_layout_suggestions_and_exit_2() {
    let output = feennex(&["transfer", "try", "--amunt", "1"], &[]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(stderr.starts_with("error: unexpected argument '--amunt'"), "{stderr}");
    assert!(stderr.contains("tip: a similar argument exists: '--amount'"), "{stderr}");
    assert!(stderr.contains("\nUsage: feennex transfer try"), "{stderr}");
    let output = feennex(&["tranfser"], &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("'transfer'"), "{}", text(&output.stderr));
}

#[test]
fn api_flags_are_offered_only_by_commands_that_use_them() {
    let sign = help(&["sign", "--help"]);
    assert!(sign.contains("--secret-file"), "{sign}");
    for absent in ["--base-url", "--shop-id", "--timeout", "--allow-plain-http"] {
        assert!(!sign.contains(absent), "sign offers {absent}: {sign}");
    }
    let demo = help(&["demo", "--help"]);
    for absent in ["--base-url", "--shop-id", "--secret-file", "--timeout"] {
        assert!(!demo.contains(absent), "demo offers {absent}: {demo}");
    }
    let transfer = help(&["transfer", "try", "--help"]);
    for present in ["--base-url", "--shop-id", "--secret-file", "--timeout", "--allow-plain-http"] {
        assert!(transfer.contains(present), "transfer try lacks {present}: {transfer}");
    }
    // Every command has the output flags.
    assert!(sign.contains("--verbose") && demo.contains("--output"), "{sign}{demo}");
    let output = feennex(&["sign", "--shop-id", "6", "a=1"], &[]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
}

#[test]
fn completions_are_printed_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = help(&["completions", shell]);
        for word in ["feennex", "transfer", "withdraw", "shop-payment-id"] {
            assert!(script.contains(word), "{shell}: {word} missing");
        }
    }
    assert_eq!(feennex(&["completions", "tcsh"], &[]).status.code(), Some(2));
}

fn dry_run_body(currency: &str) -> Value {
    let output = feennex(
        &[
            "transfer",
            "try",
            "--amount",
            "1.11",
            "--payee-currency",
            currency,
            "--shop-currency",
            currency,
            "--shop-id",
            "6",
            "--base-url",
            "http://127.0.0.1:9",
            "--dry-run",
        ],
        &[],
    );
    assert!(output.status.success(), "{currency}: {}", text(&output.stderr));
    let stdout = text(&output.stdout);
    serde_json::from_str(stdout.split_once("\n\n").unwrap().1.trim()).unwrap()
}

#[test]
fn currencies_are_taken_as_iso_letters_or_numbers() {
    let by_number = dry_run_body("978");
    assert_eq!(by_number["payee_currency"], json!(978));
    assert_eq!(dry_run_body("EUR"), by_number);
    assert_eq!(dry_run_body("eur"), by_number);
}

#[test]
fn plain_http_refusal_names_the_flag_not_a_rust_api() {
    let output = feennex(&["balance", "--shop-id", "6", "--base-url", "http://192.0.2.1"], &[]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("--allow-plain-http"), "{stderr}");
    assert!(!stderr.contains("ClientOptions"), "{stderr}");
}

/// Runs `balance` against `base_url` and gives back its exit code and the text of
/// standard error.
fn balance_against(base_url: &str, extra: &[&str]) -> (Option<i32>, String) {
    let mut args = vec!["balance", "--shop-id", "6", "--base-url", base_url];
    args.extend_from_slice(extra);
    let output = feennex(&args, &[]);
    assert!(output.stdout.is_empty());
    (output.status.code(), text(&output.stderr))
}

#[test]
fn each_failure_names_its_cause_once() {
    let (code, refused) = balance_against("http://127.0.0.1:1", &[]);
    assert_eq!(code, Some(4));
    assert!(refused.starts_with("error: the request was not sent"), "{refused}");
    assert!(refused.contains("the connection was refused"), "{refused}");
    assert_eq!(refused.matches("Connection refused").count(), 1, "{refused}");

    // HTTPS to a server that speaks plain HTTP.
    let plain = ScriptedServer::start(|_, _| Reply::Answer(400, String::new()));
    let https = plain.base_url().replace("http://", "https://");
    let (code, tls) = balance_against(&https, &[]);
    assert_eq!(code, Some(4));
    assert!(tls.contains("the TLS handshake failed"), "{tls}");
    assert!(tls.contains("caused by: "), "{tls}");

    let silent = ScriptedServer::start(|_, _| Reply::Silence);
    let (code, late) = balance_against(&silent.base_url(), &["--timeout", "0.2"]);
    assert_eq!(code, Some(4));
    assert!(
        late.contains("may have been sent") && late.contains("no answer within 200ms"),
        "{late}"
    );
    for stderr in [&refused, &tls, &late] {
        let mut lines: Vec<&str> = stderr.lines().collect();
        let count = lines.len();
        lines.sort_unstable();
        lines.dedup();
        assert_eq!(lines.len(), count, "a line repeats: {stderr}");
    }
}

#[test]
fn errors_as_json_carry_code_message_outcome_and_exit_code() {
    let (code, refused) = balance_against("http://127.0.0.1:1", &["--output", "json"]);
    assert_eq!(code, Some(4));
    let json: Value = serde_json::from_str(refused.trim()).unwrap();
    assert_eq!(json["error"]["kind"], "transport");
    assert_eq!(json["error"]["exit_code"], 4);
    assert_eq!(json["error"]["outcome_unknown"], false);
    assert!(json["error"]["code"].is_null());
    let causes = json["error"]["causes"].as_array().unwrap();
    assert!(causes.iter().any(|cause| cause.as_str().unwrap().contains("refused")), "{json}");

    let insufficient = ScriptedServer::start(|_, _| {
        Reply::Answer(200, envelope_error(9, "Insufficient balance(currency=840)"))
    });
    let (code, api) = balance_against(&insufficient.base_url(), &["--output", "json"]);
    assert_eq!(code, Some(3));
    let json: Value = serde_json::from_str(api.trim()).unwrap();
    assert_eq!(json["error"]["kind"], "api");
    assert_eq!(json["error"]["code"], 9);
    assert_eq!(json["error"]["exit_code"], 3);
    assert!(json["error"]["message"].as_str().unwrap().contains("Insufficient balance"));

    let output = feennex(&["--output", "json", "transfer", "try", "--amount", "1"], &[]);
    assert_eq!(output.status.code(), Some(2), "usage errors keep clap's text and exit 2");
}

/// A payout whose create gets no usable answer, found by its lookup.
fn adopted_payout_server() -> ScriptedServer {
    ScriptedServer::start(|_, request| {
        if request.path.ends_with("/transfer/create") {
            Reply::Answer(502, "<html>Bad Gateway</html>".into())
        } else {
            Reply::Answer(
                200,
                envelope_ok(json!({
                    "id": 1002, "shop_payment_id": "log-1", "receive_amount": 5,
                    "payee_currency": 840, "shop_currency": 840, "write_off_amount": 5.35
                })),
            )
        }
    })
}

fn payout_args(base_url: &str) -> Vec<String> {
    [
        "transfer",
        "create",
        "--amount",
        "5",
        "--payee-currency",
        "USD",
        "--shop-currency",
        "840",
        "--payee-account",
        "201234567890",
        "--shop-payment-id",
        "log-1",
        "--shop-id",
        "6",
        "--base-url",
        base_url,
    ]
    .map(str::to_owned)
    .to_vec()
}

#[test]
fn verbose_logs_tell_the_unknown_outcome_the_lookup_and_the_adoption() {
    let server = adopted_payout_server();
    let mut args = payout_args(&server.base_url());
    args.push("-v".to_owned());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = feennex(&args, &[]);
    let logs = text(&output.stderr);
    assert!(output.status.success(), "{logs}");
    assert!(text(&output.stdout).contains("1002"));
    let failed = logs.lines().find(|line| line.contains("HTTP status")).expect(&logs);
    assert!(failed.contains("attempt=1") && failed.contains("status=502"), "{logs}");
    let lookup = logs.lines().find(|line| line.contains("looking it up")).expect(&logs);
    assert!(lookup.contains("attempt=2") && lookup.contains("log-1"), "{logs}");
    let adopted = logs.lines().find(|line| line.contains("adopted")).expect(&logs);
    assert!(adopted.contains("elapsed_ms=") && adopted.contains("attempts=2"), "{logs}");
    // -v is info: the debug line of each attempt is not shown.
    assert!(!logs.contains("sending attempt"), "{logs}");
}

#[test]
fn log_levels_follow_rust_log_then_the_flags() {
    let server = adopted_payout_server();
    let args = payout_args(&server.base_url());
    let run = |extra: &[&str], env: &[(&str, &str)]| {
        let mut all: Vec<&str> = args.iter().map(String::as_str).collect();
        all.extend_from_slice(extra);
        let output = feennex(&all, env);
        assert!(output.status.success(), "{}", text(&output.stderr));
        text(&output.stderr)
    };
    assert_eq!(run(&[], &[]), "", "quiet by default when all goes well");
    assert_eq!(run(&["-q"], &[]), "");
    let debug = run(&["-vv"], &[]);
    assert!(debug.contains("sending attempt") && debug.contains("timeout_ms="), "{debug}");
    let from_env = run(&["-q"], &[("RUST_LOG", "feennex_proto=debug")]);
    assert!(from_env.contains("sending attempt"), "{from_env}");
    assert!(!from_env.contains("hyper"), "{from_env}");
}

#[test]
fn the_help_says_mass_payouts_go_to_wallets_and_external_systems() {
    let root = help(&["--help"]);
    let line = root.lines().find(|line| line.trim_start().starts_with("payouts ")).expect(&root);
    assert!(
        line.contains("Feennex wallets") && line.contains("external payment systems"),
        "{line}"
    );
}
