//! Payouts to external systems: quotes, account checks, frozen funds and statuses.

mod common;

use std::time::Duration;

use common::{Shop, V, balance_field, decimal, introspect, spawn};
use feennex_sandbox::{SandboxConfig, WithdrawalPace};
use rust_decimal::Decimal;

fn d(text: &str) -> Decimal {
    text.parse().unwrap()
}

const NOW: V<'static> = V::S("2026-01-01T00:00:00.000Z");

fn stepped() -> SandboxConfig {
    SandboxConfig::default().with_withdrawal_pace(WithdrawalPace::PerStatusRequest)
}

fn create(shop: &Shop, account: &str, amount: &str, spid: &str) -> serde_json::Value {
    shop.call(
        "/withdraw/create",
        &[
            ("account", V::S(account)),
            ("amount", V::N(amount)),
            ("amount_type", V::S("ps_amount")),
            ("payway", V::S("card_usd")),
            ("shop_currency", V::N("840")),
            ("shop_payment_id", V::S(spid)),
        ],
    )
}

fn status_by_spid(shop: &Shop, spid: &str) -> serde_json::Value {
    shop.ok("/withdraw/shop_payment_status", &[("now", NOW), ("shop_payment_id", V::S(spid))])
}

#[test]
fn withdraw_try_and_create_agree_and_apply_the_payway_fee() {
    let sandbox = spawn(stepped());
    let shop = Shop::default_of(&sandbox);
    let quote = shop.ok(
        "/withdraw/try",
        &[
            ("amount", V::N("100")),
            ("amount_type", V::S("ps_amount")),
            ("payway", V::S("card_usd")),
            ("shop_currency", V::N("840")),
        ],
    );
    // card_usd: 2 % on top of what the payee receives.
    assert_eq!(decimal(&quote["payee_receive"]), d("100"));
    assert_eq!(decimal(&quote["shop_write_off"]), d("102"));
    assert_eq!(quote["ps_currency"], 840);
    assert_eq!(quote["account_info_config"]["account"]["regex"], r"^\d{13,19}$");
    let created = create(&shop, "4111111111111111", "100", "w-1");
    assert_eq!(created["error_code"], 0, "{created}");
    assert_eq!(created["data"]["shop_write_off"], quote["shop_write_off"]);
    assert_eq!(created["data"]["payee_receive"], quote["payee_receive"]);
    assert_eq!(created["data"]["status"], 1);
    assert_eq!(decimal(&created["data"]["balance"]), d("999898"));
}

#[test]
fn withdraw_try_by_shop_amount_converts_and_rounds_the_receiver_down() {
    let sandbox = spawn(stepped());
    let shop = Shop::default_of(&sandbox);
    let quote = shop.ok(
        "/withdraw/try",
        &[
            ("amount", V::N("50")),
            ("amount_type", V::S("shop_amount")),
            ("payway", V::S("card_rub")),
            ("shop_currency", V::N("840")),
        ],
    );
    // 50 USD / (0.011 USD per RUB × 1.015) = 4478.28... RUB, rounded down.
    assert_eq!(decimal(&quote["shop_write_off"]), d("50"));
    assert_eq!(decimal(&quote["payee_receive"]), d("4478.28"));
    assert_eq!(quote["ps_currency"], 643);
}

#[test]
fn withdrawal_limits_and_payways_are_enforced() {
    let sandbox = spawn(stepped());
    let shop = Shop::default_of(&sandbox);
    let quote = |amount: &str, payway: &str| {
        shop.call(
            "/withdraw/try",
            &[
                ("amount", V::N(amount)),
                ("amount_type", V::S("ps_amount")),
                ("payway", V::S(payway)),
                ("shop_currency", V::N("840")),
            ],
        )
    };
    assert_eq!(quote("5", "card_usd")["error_code"], 4);
    assert_eq!(quote("5", "card_usd")["message"], "Payer price amount is too small, min: 10.0");
    assert_eq!(quote("10001", "card_usd")["error_code"], 5);
    let missing = quote("50", "pigeon_usd");
    assert_eq!(missing["error_code"], 3);
    assert_eq!(missing["message"], "Payway (alias = pigeon_usd) is not available for shop");
}

#[test]
fn check_account_validates_the_account_by_payway() {
    let sandbox = spawn(stepped());
    let shop = Shop::default_of(&sandbox);
    let check = |account: &str, payway: &str| {
        shop.ok(
            "/check_account",
            &[("account", V::S(account)), ("amount", V::N("100")), ("payway", V::S(payway))],
        )
    };
    assert_eq!(check("4111111111111111", "card_usd")["result"], true);
    assert_eq!(check("4111", "card_usd")["result"], false);
    assert_eq!(check("+79001234567", "qiwi_rub")["result"], true);
    assert_eq!(check("4111111111111111x", "card_rub")["provider_status"], "invalid");
}

#[test]
fn withdrawal_freezes_funds_then_success_lets_them_leave() {
    let sandbox = spawn(stepped());
    let shop = Shop::default_of(&sandbox);
    let addr = sandbox.local_addr();
    assert_eq!(create(&shop, "4111111111110009", "100", "w-ok")["error_code"], 0);
    assert_eq!(balance_field(addr, 1, 840, "frozen"), d("102"));
    assert_eq!(balance_field(addr, 1, 840, "available"), d("999898"));
    let statuses: Vec<u64> =
        (0..5).map(|_| status_by_spid(&shop, "w-ok")["status"].as_u64().unwrap()).collect();
    // PsProcessing, PsNetworkError (not final), PsProcessing, Success, Success.
    assert_eq!(statuses, [3, 9, 3, 5, 5]);
    assert_eq!(balance_field(addr, 1, 840, "frozen"), d("0"));
    assert_eq!(balance_field(addr, 1, 840, "available"), d("999898"));
    let listed = introspect(addr, "/_sandbox/withdrawals");
    assert_eq!(listed[0]["status"], 5);
    assert_eq!(listed[0]["shop_payment_id"], "w-ok");
}

#[test]
fn rejected_withdrawal_returns_the_frozen_funds() {
    let sandbox = spawn(stepped());
    let shop = Shop::default_of(&sandbox);
    let addr = sandbox.local_addr();
    let created = create(&shop, "4111111111110000", "100", "w-no");
    let id = created["data"]["id"].as_u64().unwrap().to_string();
    let by_id = || shop.ok("/withdraw/status", &[("now", NOW), ("withdraw_id", V::N(&id))]);
    assert_eq!(by_id()["status"], 3);
    assert_eq!(balance_field(addr, 1, 840, "frozen"), d("102"));
    assert_eq!(by_id()["status"], 6);
    assert_eq!(balance_field(addr, 1, 840, "frozen"), d("0"));
    assert_eq!(balance_field(addr, 1, 840, "available"), d("1000000"));
}

#[test]
fn processing_error_status_is_passed_on_the_way_to_success() {
    let sandbox = spawn(stepped());
    let shop = Shop::default_of(&sandbox);
    create(&shop, "4111111111110004", "10", "w-pe");
    let statuses: Vec<u64> =
        (0..4).map(|_| status_by_spid(&shop, "w-pe")["status"].as_u64().unwrap()).collect();
    assert_eq!(statuses, [3, 4, 3, 5]);
}

#[test]
fn timed_withdrawals_reach_a_final_status() {
    let config = SandboxConfig::default()
        .with_withdrawal_pace(WithdrawalPace::Timed(Duration::from_millis(20)));
    let sandbox = spawn(config);
    let shop = Shop::default_of(&sandbox);
    create(&shop, "4111111111111111", "10", "w-t");
    let mut seen = Vec::new();
    for _ in 0..500 {
        let status = status_by_spid(&shop, "w-t")["status"].as_u64().unwrap();
        if seen.last() != Some(&status) {
            seen.push(status);
        }
        if status == 5 {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(seen.last(), Some(&5), "{seen:?}");
    assert!(seen.iter().all(|s| [1, 3, 5].contains(s)), "{seen:?}");
    assert_eq!(balance_field(sandbox.local_addr(), 1, 840, "frozen"), d("0"));
}

#[test]
fn duplicate_and_unknown_withdrawals_get_6_and_7() {
    let sandbox = spawn(stepped());
    let shop = Shop::default_of(&sandbox);
    assert_eq!(create(&shop, "4111111111111111", "10", "w-d")["error_code"], 0);
    let second = create(&shop, "4111111111111111", "10", "w-d");
    assert_eq!(second["error_code"], 6);
    assert_eq!(balance_field(sandbox.local_addr(), 1, 840, "frozen"), d("10.2"));
    let unknown = shop
        .call("/withdraw/shop_payment_status", &[("now", NOW), ("shop_payment_id", V::S("nope"))]);
    assert_eq!(unknown["error_code"], 7);
    let unknown = shop.call("/withdraw/status", &[("now", NOW), ("withdraw_id", V::N("424242"))]);
    assert_eq!(unknown["error_code"], 7);
}

#[test]
fn a_malformed_account_is_refused_without_freezing_anything() {
    let sandbox = spawn(stepped());
    let shop = Shop::default_of(&sandbox);
    let answer = create(&shop, "not-a-card", "10", "w-bad");
    assert_eq!(answer["error_code"], 10);
    assert!(answer["message"].as_str().unwrap().contains("account"));
    assert_eq!(balance_field(sandbox.local_addr(), 1, 840, "frozen"), d("0"));
    assert!(
        introspect(sandbox.local_addr(), "/_sandbox/withdrawals").as_array().unwrap().is_empty()
    );
}

#[test]
fn identical_withdrawals_racing_freeze_the_money_once() {
    let sandbox = spawn(stepped());
    let shop = Shop::default_of(&sandbox);
    let codes: Vec<i64> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..24)
            .map(|_| {
                scope.spawn(|| {
                    create(&shop, "4111111111111111", "50", "w-race")["error_code"]
                        .as_i64()
                        .unwrap()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(codes.iter().filter(|c| **c == 0).count(), 1, "{codes:?}");
    assert!(codes.iter().all(|c| *c == 0 || *c == 6), "{codes:?}");
    assert_eq!(balance_field(sandbox.local_addr(), 1, 840, "frozen"), d("51"));
    assert_eq!(balance_field(sandbox.local_addr(), 1, 840, "available"), d("999949"));
    assert_eq!(
        introspect(sandbox.local_addr(), "/_sandbox/withdrawals").as_array().unwrap().len(),
        1
    );
}
