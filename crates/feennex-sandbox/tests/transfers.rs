//! Wallet payouts over real sockets: signatures, parameters, money and races.

mod common;

use std::collections::BTreeMap;

use common::{Reply, Shop, V, available, decimal, http, introspect, spawn, spawn_default};
use feennex_proto::{SecretKey, prelude::Currency};
use feennex_sandbox::{SandboxConfig, ShopConfig};
use rust_decimal::Decimal;

fn d(text: &str) -> Decimal {
    text.parse().unwrap()
}

fn try_fields<'a>(
    amount: &'a str,
    kind: &'a str,
    payee: &'a str,
    shop: &'a str,
) -> Vec<(&'a str, V<'a>)> {
    vec![
        ("amount", V::N(amount)),
        ("amount_type", V::S(kind)),
        ("payee_currency", V::N(payee)),
        ("shop_currency", V::N(shop)),
    ]
}

#[test]
fn transfer_try_reproduces_the_published_example() {
    let sandbox = spawn_default();
    let shop = Shop::default_of(&sandbox);
    let data = shop.ok("/transfer/try", &try_fields("1.11", "receive_amount", "978", "840"));
    assert_eq!(decimal(&data["payee_amount"]), d("1.11"));
    assert_eq!(decimal(&data["write_off_amount"]), d("1.19"));
    assert_eq!(data["payee_currency"], 978);
    assert_eq!(data["shop_currency"], 840);
    assert_eq!(data["account_info_config"]["payee_account"]["example"], "201234567890");
}

#[test]
fn try_and_create_agree_to_the_cent_and_the_balance_moves_by_the_write_off() {
    let sandbox = spawn_default();
    let shop = Shop::default_of(&sandbox);
    for (i, (amount, kind, payee, from)) in [
        ("1.11", "receive_amount", "978", "840"),
        ("77.77", "receive_amount", "643", "978"),
        ("33.33", "writeoff_amount", "978", "643"),
        ("0.07", "receive_amount", "840", "643"),
    ]
    .into_iter()
    .enumerate()
    {
        let quote = shop.ok("/transfer/try", &try_fields(amount, kind, payee, from));
        let before = available(sandbox.local_addr(), shop.shop_id, from.parse().unwrap());
        let spid = format!("agree-{i}");
        let mut fields = try_fields(amount, kind, payee, from);
        fields.push(("payee_account", V::S("201234567890")));
        fields.push(("shop_payment_id", V::S(&spid)));
        let created = shop.ok("/transfer/create", &fields);
        assert_eq!(created["write_off_amount"], quote["write_off_amount"], "{amount} {kind}");
        assert_eq!(created["payee_amount"], quote["payee_amount"], "{amount} {kind}");
        let after = available(sandbox.local_addr(), shop.shop_id, from.parse().unwrap());
        assert_eq!(before - after, decimal(&created["write_off_amount"]));
        assert_eq!(decimal(&created["balance"]), after);
        let status = shop.transfer_status(&spid);
        assert_eq!(status["data"]["id"], created["id"]);
        assert_eq!(status["data"]["write_off_amount"], created["write_off_amount"]);
        assert_eq!(status["data"]["receive_amount"], created["payee_amount"]);
        assert_eq!(status["data"]["shop_payment_id"], spid.as_str());
    }
}

#[test]
fn wrong_sign_is_error_10_with_the_python_string_to_sign() {
    let sandbox = spawn_default();
    let body = r#"{"amount": 10.00, "amount_type": "receive_amount", "payee_currency": 840,
        "shop_currency": 840, "shop_id": 1, "sign": "0000000000000000000000000000000000000000000000000000000000000000"}"#;
    let envelope = http(sandbox.local_addr(), "POST", "/transfer/try", body.as_bytes()).envelope();
    assert_eq!(envelope["error_code"], 10);
    assert_eq!(envelope["result"], false);
    assert_eq!(envelope["message"], "Invalid sign, string_to_sign: 10.0:receive_amount:840:840:1");
}

#[test]
fn a_float_token_is_signed_as_python_prints_it() {
    let sandbox = spawn_default();
    let fields = [
        ("amount", "10.0"),
        ("amount_type", "receive_amount"),
        ("payee_currency", "840"),
        ("shop_currency", "840"),
        ("shop_id", "1"),
    ];
    let sign = feennex_proto::sign::sign(&fields, &SecretKey::new(feennex_sandbox::DEFAULT_SECRET));
    let body = format!(
        r#"{{"amount": 10.00, "amount_type": "receive_amount", "payee_currency": 840, "shop_currency": 840, "shop_id": 1, "sign": "{sign}"}}"#
    );
    let envelope = http(sandbox.local_addr(), "POST", "/transfer/try", body.as_bytes()).envelope();
    assert_eq!(envelope["error_code"], 0, "{envelope}");
    assert_eq!(decimal(&envelope["data"]["write_off_amount"]), d("10"));
}

#[test]
fn values_sent_as_strings_are_accepted() {
    let sandbox = spawn_default();
    let shop = Shop::default_of(&sandbox);
    let fields = [
        ("amount", V::S("10.50")),
        ("amount_type", V::S("receive_amount")),
        ("payee_account", V::S("201234567890")),
        ("payee_currency", V::S("840")),
        ("shop_currency", V::S("840")),
        ("shop_id", V::S("1")),
        ("shop_payment_id", V::S("strings-1")),
    ];
    let created = shop.ok("/transfer/create", &fields);
    assert_eq!(decimal(&created["write_off_amount"]), d("10.5"));
    assert_eq!(created["shop"], 1);
    let transfers = introspect(sandbox.local_addr(), "/_sandbox/transfers");
    assert_eq!(transfers[0]["shop_payment_id"], "strings-1");
}

#[test]
fn missing_and_ill_typed_parameters_are_named() {
    let sandbox = spawn_default();
    let body = r#"{"amount": "ten", "amount_type": "all", "payee_currency": 840, "shop_id": "x", "sign": "s"}"#;
    let envelope = http(sandbox.local_addr(), "POST", "/transfer/try", body.as_bytes()).envelope();
    assert_eq!(envelope["error_code"], 10);
    let message = envelope["message"].as_str().unwrap();
    assert!(message.starts_with("Incorrect values for parameters: "), "{message}");
    for named in [
        r#"amount="value is not a valid decimal""#,
        "amount_type=\"value is not a valid enumeration member",
        r#"shop_currency="field required""#,
        r#"shop_id="value is not a valid integer""#,
    ] {
        assert!(message.contains(named), "{named} in {message}");
    }
    assert!(!message.contains("payee_currency"), "{message}");
}

#[test]
fn malformed_json_and_non_objects_get_an_error_envelope() {
    let sandbox = spawn_default();
    for body in ["{\"amount\": ", "[1, 2]", "", "null"] {
        let envelope =
            http(sandbox.local_addr(), "POST", "/transfer/create", body.as_bytes()).envelope();
        assert_eq!(envelope["error_code"], 10, "{body:?}");
        assert_eq!(envelope["data"], serde_json::Value::Null);
    }
    assert!(introspect(sandbox.local_addr(), "/_sandbox/transfers").as_array().unwrap().is_empty());
}

#[test]
fn unknown_shop_is_error_11() {
    let sandbox = spawn_default();
    let mut shop = Shop::default_of(&sandbox);
    shop.shop_id = 99;
    shop.fails("/transfer/try", &try_fields("1", "receive_amount", "840", "840"), 11);
}

#[test]
fn duplicate_create_is_refused_with_error_6_and_debits_once() {
    let sandbox = spawn_default();
    let shop = Shop::default_of(&sandbox);
    let before = available(sandbox.local_addr(), 1, 840);
    assert_eq!(shop.transfer_create("12.34", "dup-1").envelope()["error_code"], 0);
    let second = shop.transfer_create("12.34", "dup-1").envelope();
    assert_eq!(second["error_code"], 6);
    assert_eq!(second["message"], "Shop_payment_id 'dup-1' is not unique for shop(id=1)");
    assert_eq!(before - available(sandbox.local_addr(), 1, 840), d("12.34"));
}

#[test]
fn status_of_an_unknown_payout_is_error_7() {
    let sandbox = spawn_default();
    let shop = Shop::default_of(&sandbox);
    let envelope = shop.transfer_status("never-made");
    assert_eq!(envelope["error_code"], 7);
    assert_eq!(envelope["message"], "Transfer (shop_payment_id=never-made) wasn't found");
}

#[test]
fn short_balance_is_error_9_and_changes_nothing() {
    let poor = ShopConfig::new(7, SecretKey::new("poor-secret"))
        .with_balances(BTreeMap::from([(Currency::USD, d("100"))]));
    let sandbox = spawn(SandboxConfig::default().with_shops(vec![poor]));
    let shop =
        Shop { addr: sandbox.local_addr(), shop_id: 7, secret: SecretKey::new("poor-secret") };
    let envelope = shop.transfer_create("500", "too-much").envelope();
    assert_eq!(envelope["error_code"], 9);
    assert_eq!(
        envelope["message"],
        "Insufficient balance(currency=840): shop_write_off=500.0, balance=100.0"
    );
    assert_eq!(available(sandbox.local_addr(), 7, 840), d("100"));
    assert_eq!(shop.transfer_status("too-much")["error_code"], 7);
    // The id was not used up: the same payout fits once the amount does.
    assert_eq!(shop.transfer_create("100", "too-much").envelope()["error_code"], 0);
    assert_eq!(available(sandbox.local_addr(), 7, 840), d("0"));
}

#[test]
fn identical_creates_racing_from_many_threads_have_exactly_one_winner() {
    let sandbox = spawn_default();
    let shop = Shop::default_of(&sandbox);
    let before = available(sandbox.local_addr(), 1, 840);
    let outcomes: Vec<i64> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..32)
            .map(|_| {
                scope.spawn(|| {
                    shop.transfer_create("5.55", "race-1").envelope()["error_code"]
                        .as_i64()
                        .unwrap()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(outcomes.iter().filter(|c| **c == 0).count(), 1, "{outcomes:?}");
    assert_eq!(outcomes.iter().filter(|c| **c == 6).count(), 31, "{outcomes:?}");
    assert_eq!(before - available(sandbox.local_addr(), 1, 840), d("5.55"));
    let transfers = introspect(sandbox.local_addr(), "/_sandbox/transfers");
    assert_eq!(transfers.as_array().unwrap().len(), 1);
}

#[test]
fn sixty_four_concurrent_clients_lose_no_update() {
    let sandbox = spawn_default();
    let shop = Shop::default_of(&sandbox);
    let before = available(sandbox.local_addr(), 1, 840);
    std::thread::scope(|scope| {
        for client in 0..64 {
            let shop = &shop;
            scope.spawn(move || {
                for n in 0..5 {
                    let reply = shop.transfer_create("1.01", &format!("c{client}-n{n}"));
                    assert_eq!(reply.envelope()["error_code"], 0);
                }
            });
        }
    });
    let transfers = introspect(sandbox.local_addr(), "/_sandbox/transfers");
    let transfers = transfers.as_array().unwrap();
    assert_eq!(transfers.len(), 320);
    let mut ids: Vec<u64> = transfers.iter().map(|t| t["id"].as_u64().unwrap()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 320);
    assert_eq!(before - available(sandbox.local_addr(), 1, 840), d("323.20"));
}

#[test]
fn a_bad_wallet_is_refused_and_not_applied() {
    let sandbox = spawn_default();
    let shop = Shop::default_of(&sandbox);
    let message = shop.fails(
        "/transfer/create",
        &[
            ("amount", V::N("1")),
            ("amount_type", V::S("receive_amount")),
            ("payee_account", V::S("991234567890")),
            ("payee_currency", V::N("840")),
            ("shop_currency", V::N("840")),
            ("shop_payment_id", V::S("bad-wallet")),
        ],
        10,
    );
    assert!(message.contains("payee_account"), "{message}");
    assert!(matches!(shop.transfer_create("1", "ok-wallet"), Reply::Http { status: 200, .. }));
    assert_eq!(
        introspect(sandbox.local_addr(), "/_sandbox/transfers").as_array().unwrap().len(),
        1
    );
}

#[test]
fn shop_balance_reports_available_frozen_and_hold_per_currency() {
    let sandbox = spawn_default();
    let shop = Shop::default_of(&sandbox);
    shop.transfer_create("250", "bal-1");
    let data = shop.ok("/shop_balance", &[("now", V::S("2026-01-01T00:00:00.000Z"))]);
    let balances = data["balances"].as_array().unwrap();
    let currencies: Vec<u64> = balances.iter().map(|b| b["currency"].as_u64().unwrap()).collect();
    assert_eq!(currencies, [643, 840, 978]);
    let usd = &balances[1];
    assert_eq!(decimal(&usd["available"]), d("999750"));
    assert_eq!(decimal(&usd["frozen"]), d("0"));
    assert_eq!(decimal(&usd["hold"]), d("0"));
    assert_eq!(data["shop_id"], 1);
}
