//! `feennex transfer create` and `withdraw create` against a sandbox, as a careless
//! operator would run them: the same `--shop-payment-id` again with other details
//! is a conflict (exit 6), with the same details unverified (exit 7), and adopted
//! only with `--resume`. Nothing is paid twice, and nothing is printed as paid that
//! was not proven this command's payout.

use std::process::Output;

use feennex_sandbox::{Sandbox, SandboxConfig};
use serde_json::Value;

fn feennex(sandbox: &Sandbox, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_feennex"))
        .args(args)
        .args(["--base-url", sandbox.base_url(), "--shop-id", "1", "--output", "json"])
        .env_clear()
        .env("FEENNEX_SECRET_KEY", feennex_sandbox::DEFAULT_SECRET)
        .output()
        .unwrap()
}

fn transfer(sandbox: &Sandbox, amount: &str, payee: &str, extra: &[&str]) -> Output {
    let mut args = vec!["transfer", "create", "--amount", amount, "--payee-currency", "USD"];
    args.extend(["--shop-currency", "USD", "--payee-account", payee]);
    args.extend(["--shop-payment-id", "dup-1"]);
    args.extend(extra);
    feennex(sandbox, &args)
}

fn withdraw(sandbox: &Sandbox, amount: &str, extra: &[&str]) -> Output {
    let mut args = vec!["withdraw", "create", "--account", "4111111111111111", "--amount", amount];
    args.extend(["--amount-type", "ps_amount", "--payway", "card_usd", "--shop-currency", "USD"]);
    args.extend(["--shop-payment-id", "dup-w"]);
    args.extend(extra);
    feennex(sandbox, &args)
}

/// The JSON printed on standard output (an outcome) or standard error (an error).
fn json(output: &Output) -> Value {
    let text = if output.status.success() { &output.stdout } else { &output.stderr };
    serde_json::from_slice(text).unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(text)))
}

fn error_kind(output: &Output) -> (Option<i32>, String, String) {
    let error = &json(output)["error"];
    let message = error["message"].as_str().unwrap_or_default().to_owned();
    (output.status.code(), error["kind"].as_str().unwrap_or_default().to_owned(), message)
}

fn ledger_ids(sandbox: &Sandbox, what: &str) -> Vec<(String, u64)> {
    let text = feennex_tests::introspect(sandbox.base_url(), what);
    let entries: Vec<Value> = serde_json::from_str(&text).unwrap();
    entries
        .iter()
        .map(|entry| {
            (entry["shop_payment_id"].as_str().unwrap().to_owned(), entry["id"].as_u64().unwrap())
        })
        .collect()
}

#[test]
fn a_transfer_id_reused_is_a_conflict_or_unverified_and_adopted_only_on_resume() {
    let sandbox = Sandbox::spawn(([127, 0, 0, 1], 0).into(), SandboxConfig::default()).unwrap();
    let first = transfer(&sandbox, "10", "201111111111", &[]);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let paid = json(&first);
    let payout_id = paid["summary"]["id"].as_u64().unwrap();
    assert_eq!(paid["preexisting"], false);

    // Another amount and payee under the same id: exit 6, naming what differs.
    let (code, kind, message) = error_kind(&transfer(&sandbox, "99", "202222222222", &[]));
    assert_eq!((code, kind.as_str()), (Some(6), "conflict"), "{message}");
    assert!(message.contains("amount: asked 99, found 10"), "{message}");
    // --resume does not make a different payout this one.
    let (code, kind, _) = error_kind(&transfer(&sandbox, "99", "202222222222", &["--resume"]));
    assert_eq!((code, kind.as_str()), (Some(6), "conflict"));

    // The same details again: the payout existed before this command, and the
    // lookup does not carry the payee: exit 7, nothing printed as paid.
    let again = transfer(&sandbox, "10", "201111111111", &[]);
    assert!(again.stdout.is_empty());
    let (code, kind, message) = error_kind(&again);
    assert_eq!((code, kind.as_str()), (Some(7), "unverified"), "{message}");
    assert!(
        message.contains("payee_account") && message.contains(&payout_id.to_string()),
        "{message}"
    );

    // The operator's own records say the id is theirs: --resume adopts it.
    let resumed = transfer(&sandbox, "10", "201111111111", &["--resume"]);
    assert!(resumed.status.success(), "{}", String::from_utf8_lossy(&resumed.stderr));
    let resumed = json(&resumed);
    assert_eq!(resumed["summary"]["id"].as_u64(), Some(payout_id));
    assert_eq!(
        (resumed["reconciled"].as_bool(), resumed["creates_sent"].as_u64()),
        (Some(true), Some(0))
    );

    assert_eq!(ledger_ids(&sandbox, "transfers"), [("dup-1".to_owned(), payout_id)]);
}

#[test]
fn a_withdrawal_id_reused_is_unverified_naming_account_and_payway() {
    let sandbox = Sandbox::spawn(([127, 0, 0, 1], 0).into(), SandboxConfig::default()).unwrap();
    let first = withdraw(&sandbox, "25", &[]);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let payout_id = json(&first)["summary"]["id"].as_u64().unwrap();

    let (code, kind, message) = error_kind(&withdraw(&sandbox, "25", &[]));
    assert_eq!((code, kind.as_str()), (Some(7), "unverified"), "{message}");
    assert!(message.contains("account, payway"), "{message}");
    let (code, kind, _) = error_kind(&withdraw(&sandbox, "30", &[]));
    assert_eq!((code, kind.as_str()), (Some(6), "conflict"));

    let resumed = withdraw(&sandbox, "25", &["--resume"]);
    assert!(resumed.status.success(), "{}", String::from_utf8_lossy(&resumed.stderr));
    assert_eq!(json(&resumed)["summary"]["id"].as_u64(), Some(payout_id));
    assert_eq!(ledger_ids(&sandbox, "withdrawals"), [("dup-w".to_owned(), payout_id)]);
}
