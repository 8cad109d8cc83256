//! The `sandbox_requests` fuzz target's check.

use feennex_proto::{
    Merchant, SecretKey,
    prelude::{
        Currency, ErrorCode, PayeeAccount, ShopBalance, ShopId, ShopPaymentId, Timestamp,
        TransferAmountType, TransferCreate, TransferStatus, TransferTry,
    },
};
use serde_json::Value;

use super::*;

/// Sends a request to the sandbox's endpoint code, without a socket. Half the
/// inputs are a raw body for a chosen path: the answer is always a well-formed
/// envelope (`result` true exactly when `error_code` is 0, `data` null on errors)
/// that never holds the shop's secret. The other half are requests the SDK builds
/// from fuzzed values: the sandbox accepts every signature the SDK makes, a
/// created payout is found by its id, and a second create with it is error 6.
pub fn sandbox_requests(data: &[u8]) {
    use feennex_sandbox::{DEFAULT_SECRET, DirectSandbox, SandboxConfig};

    let mut input = Input::new(data);
    let mode = input.byte();
    let sandbox = DirectSandbox::new(SandboxConfig::default());
    assert_eq!(sandbox.answer("/transfer/unknown", b"{}"), None);
    if mode & 1 == 0 {
        let paths: Vec<&str> = DirectSandbox::paths().collect();
        let path = paths[usize::from(input.byte()) % paths.len()];
        let body = input.rest();
        let answer = sandbox.answer(path, body).expect("an API path");
        check_envelope(&answer, DEFAULT_SECRET);
        return;
    }
    sdk_requests(&sandbox, input, mode >> 1);
}

/// The answer is one JSON object with the four envelope fields, consistent.
fn check_envelope(answer: &str, secret: &str) -> Value {
    assert!(!answer.contains(secret), "the answer holds the secret: {answer}");
    let envelope: Value = serde_json::from_str(answer).expect("the answer is JSON");
    let object = envelope.as_object().expect("the answer is an object");
    let mut names: Vec<&str> = object.keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(names, ["data", "error_code", "message", "result"], "{answer}");
    let result = object["result"].as_bool().expect("result is a boolean");
    let code = object["error_code"].as_i64().expect("error_code is an integer");
    assert!(object["message"].is_string());
    assert_eq!(result, code == 0, "{answer}");
    if !result {
        assert!(object["data"].is_null(), "{answer}");
        assert!(!matches!(ErrorCode::from_code(code), ErrorCode::Unknown(_)), "{answer}");
    }
    envelope
}

fn fuzzed_text(input: &mut Input<'_>) -> String {
    let len = usize::from(input.byte() % 48) + 1;
    String::from_utf8_lossy(input.take(len)).into_owned()
}

const SANDBOX_CURRENCIES: [Currency; 4] =
    [Currency::USD, Currency::EUR, Currency::RUB, Currency::UAH];

fn sdk_requests(sandbox: &feennex_sandbox::DirectSandbox, mut input: Input<'_>, choice: u8) {
    use feennex_sandbox::{DEFAULT_SECRET, DEFAULT_SHOP_ID};

    let merchant = Merchant::new(
        ShopId::new(DEFAULT_SHOP_ID).expect("nonzero"),
        SecretKey::new(DEFAULT_SECRET),
    );
    let send = |path: &str, body: Vec<u8>| -> Value {
        let answer = sandbox.answer(path, &body).expect("an API path");
        let envelope = check_envelope(&answer, DEFAULT_SECRET);
        let message = envelope["message"].as_str().unwrap_or_default();
        assert!(
            !message.starts_with("Invalid sign"),
            "the sandbox refused the SDK's signature: {message}"
        );
        envelope
    };
    let currency = |byte: u8| SANDBOX_CURRENCIES[usize::from(byte) % SANDBOX_CURRENCIES.len()];
    let Some(amount) = fuzzed_amount(&mut input) else { return };
    let amount_type = if input.byte() & 1 == 0 {
        TransferAmountType::ReceiveAmount
    } else {
        TransferAmountType::WriteoffAmount
    };
    let (payee_currency, shop_currency) = (currency(input.byte()), currency(input.byte()));
    match choice % 3 {
        0 => {
            let quote = TransferTry::builder()
                .amount(amount)
                .amount_type(amount_type)
                .payee_currency(payee_currency)
                .shop_currency(shop_currency)
                .build();
            send("/transfer/try", merchant.body(&quote));
        }
        1 => {
            let stamp = Timestamp::from_unix_millis(i64::from(input.u32())).expect("a time");
            send("/shop_balance", merchant.body(&ShopBalance::new(stamp)));
        }
        _ => {
            let account = fuzzed_text(&mut input);
            let payee_account = PayeeAccount::new(if input.byte() & 1 == 0 {
                "201234567890".to_owned()
            } else {
                account.clone()
            });
            let (Ok(payee_account), Ok(shop_payment_id)) =
                (payee_account, ShopPaymentId::new(fuzzed_text(&mut input)))
            else {
                return;
            };
            let create = TransferCreate::builder()
                .amount(amount)
                .amount_type(amount_type)
                .payee_account(payee_account)
                .payee_currency(payee_currency)
                .shop_currency(shop_currency)
                .shop_payment_id(shop_payment_id.clone())
                .description(account)
                .build();
            let created = send("/transfer/create", merchant.body(&create));
            let lookup = TransferStatus::new(
                Timestamp::from_unix_millis(0).expect("a time"),
                shop_payment_id,
            );
            let found = send("/transfer/shop_payment_status", merchant.body(&lookup));
            if created["result"] == Value::Bool(true) {
                assert_eq!(found["result"], Value::Bool(true), "{found}");
                assert_eq!(found["data"]["id"], created["data"]["id"]);
                let again = send("/transfer/create", merchant.body(&create));
                assert_eq!(again["error_code"], Value::from(6), "{again}");
            } else {
                assert_eq!(found["error_code"], Value::from(7), "{found}");
            }
        }
    }
}
