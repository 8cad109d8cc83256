//! The pages that bill and invoice URLs point to, followed the way
//! `invoice/create` says (its `method`, with its `data`); and the payways a shop
//! is offered, with the `data` shape of each provider.

mod common;

use std::time::Duration;

use common::{Shop, V, callback_listener, field, form_fields, http, http_with, introspect, spawn};
use feennex_proto::SecretKey;
use feennex_sandbox::{CallbackRetry, InvoicePayway, SandboxConfig, ShopConfig};
use serde_json::Value;

const FORM: &str = "application/x-www-form-urlencoded";

fn quick_callbacks() -> SandboxConfig {
    SandboxConfig::default().with_callbacks(CallbackRetry::new(
        Duration::from_millis(10),
        Duration::from_millis(40),
        4,
    ))
}

fn invoice(shop: &Shop, payway: &str, order: &str, amount: &str, extra: &[(&str, V<'_>)]) -> Value {
    let mut fields = vec![
        ("amount", V::N(amount)),
        ("currency", V::N("643")),
        ("payway", V::S(payway)),
        ("shop_order_id", V::S(order)),
    ];
    fields.extend_from_slice(extra);
    shop.call("/invoice/create", &fields)
}

/// Sends the payer on as the answer says: `data` as the query of a GET, or as
/// the form of a POST.
fn follow(shop: &Shop, answer: &Value) -> common::Reply {
    let data: Vec<(String, String)> = answer["data"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(name, value)| (name.clone(), value.as_str().unwrap().to_owned()))
        .collect();
    let form = form_urlencoded::Serializer::new(String::new()).extend_pairs(&data).finish();
    let path = answer["url"]
        .as_str()
        .unwrap()
        .split_once("/_sandbox/")
        .map(|(_, p)| format!("/_sandbox/{p}"))
        .unwrap();
    match answer["method"].as_str().unwrap() {
        "GET" => http(shop.addr, "GET", &format!("{path}?{form}"), b""),
        "POST" => http_with(shop.addr, "POST", &path, FORM, form.as_bytes()),
        other => panic!("a payer cannot be sent with {other}"),
    }
}

#[test]
fn an_invoice_url_answers_the_method_its_answer_names_and_paying_there_calls_back() {
    let (listener, callbacks) = callback_listener(vec![(200, "OK")]);
    let sandbox = spawn(quick_callbacks());
    let shop = Shop::default_of(&sandbox);
    let callback = format!("http://{listener}/cb");
    let answer = invoice(
        &shop,
        "card_rub",
        "inv-1",
        "500",
        &[("callback_url", V::S(&callback)), ("success_url", V::S("http://shop.test/thanks"))],
    )["data"]
        .clone();
    assert_eq!(answer["method"], "POST");
    let id = answer["id"].as_u64().unwrap();
    assert_eq!(answer["data"]["invoice_id"], id.to_string());
    // Following the answer as shops do: a POST of `data` to `url` (it was a 405).
    let page = follow(&shop, &answer);
    assert_eq!(page.status(), 200, "{}", page.body_text());
    let html = page.body_text();
    assert!(
        html.contains("inv-1") && html.contains("515.00 RUB") && html.contains("Waiting"),
        "{html}"
    );
    // The fields the shop forwarded are shown, for its developer.
    assert!(html.contains("<dt>invoice_id</dt>"), "{html}");

    let pay = http_with(
        shop.addr,
        "POST",
        &format!("/_sandbox/pay/invoice/{id}"),
        FORM,
        b"_sandbox_action=pay",
    );
    assert_eq!(pay.status(), 303);
    assert_eq!(pay.location(), Some("http://shop.test/thanks"));
    let fields = form_fields(&callbacks.recv_timeout(Duration::from_secs(60)).unwrap().body);
    assert_eq!(field(&fields, "status"), "success");
    assert_eq!(field(&fields, "shop_order_id"), "inv-1");
    assert_eq!(introspect(shop.addr, "/_sandbox/payments")[0]["status"], 4);

    // Now final: the page shows it without buttons, and a second choice is refused.
    let html = http(shop.addr, "GET", &format!("/_sandbox/pay/invoice/{id}"), b"").body_text();
    assert!(html.contains("Success") && !html.contains("_sandbox_action"), "{html}");
    let again = http_with(
        shop.addr,
        "POST",
        &format!("/_sandbox/pay/invoice/{id}"),
        FORM,
        b"_sandbox_action=decline",
    );
    assert_eq!(again.status(), 409);
    assert!(again.body_text().contains("already final"));
}

#[test]
fn a_bill_declined_on_its_page_goes_to_failed_url() {
    let sandbox = spawn(quick_callbacks());
    let shop = Shop::default_of(&sandbox);
    let bill = shop.ok(
        "/bill/create",
        &[
            ("payer_currency", V::N("840")),
            ("shop_amount", V::N("12")),
            ("shop_currency", V::N("840")),
            ("shop_order_id", V::S("bill-1")),
            ("failed_url", V::S("http://shop.test/sorry")),
        ],
    );
    let path = format!("/_sandbox/pay/bill/{}", bill["id"]);
    let page = http_with(shop.addr, "POST", &path, FORM, b"");
    assert_eq!(page.status(), 200);
    assert!(page.body_text().contains("Feennex wallet"));
    let declined = http_with(shop.addr, "POST", &path, FORM, b"_sandbox_action=decline");
    assert_eq!(declined.location(), Some("http://shop.test/sorry"));
    assert_eq!(introspect(shop.addr, "/_sandbox/payments")[0]["status"], 3);
    assert_eq!(http(shop.addr, "GET", "/_sandbox/pay/bill/1", b"").status(), 404);
    assert_eq!(http(shop.addr, "GET", "/_sandbox/pay/coupon/9001", b"").status(), 404);
}

#[test]
fn each_catalogue_payway_answers_its_providers_data_shape() {
    let config = quick_callbacks()
        .with_payways([
            (None, "payeer_rub"),
            (None, "advcash_rub"),
            (None, "sbp_rub"),
            (None, "bank_transfer_rub"),
        ])
        .unwrap();
    let sandbox = spawn(config);
    let shop = Shop::default_of(&sandbox);
    let keys = |answer: &Value| {
        answer["data"].as_object().unwrap().keys().cloned().collect::<Vec<String>>().join(",")
    };
    let payeer = invoice(&shop, "payeer_rub", "p-1", "1000", &[])["data"].clone();
    assert_eq!(payeer["method"], "GET");
    assert_eq!(keys(&payeer), "lang,m_curorderid,m_historyid,m_historytm,referer");
    assert_eq!(payeer["data"]["m_curorderid"], payeer["id"].to_string());
    assert_eq!(follow(&shop, &payeer).status(), 200);

    let advcash = invoice(&shop, "advcash_rub", "a-1", "1000", &[])["data"].clone();
    assert_eq!(advcash["method"], "POST");
    assert_eq!(
        keys(&advcash),
        "ac_account_email,ac_amount,ac_comments,ac_currency,ac_order_id,ac_sci_name"
    );
    // 1000 RUB and advcash_rub's 2 %.
    assert_eq!(advcash["data"]["ac_amount"], "1020.00");
    assert_eq!(follow(&shop, &advcash).status(), 200);

    let sbp = invoice(&shop, "sbp_rub", "s-1", "1000", &[])["data"].clone();
    assert_eq!(keys(&sbp), "session_id");
    let bank = invoice(&shop, "bank_transfer_rub", "b-1", "1000", &[])["data"].clone();
    assert_eq!(bank["method"], "OFFLINE");
    assert_eq!(bank["data"]["reference"], format!("FNX-{}", bank["id"]));

    // Only the payways chosen are offered: card_rub is no longer one of them.
    assert_eq!(invoice(&shop, "card_rub", "c-1", "1000", &[])["error_code"], 3);
    assert_eq!(invoice(&shop, "mystery_rub", "m-1", "1000", &[])["error_code"], 3);
}

#[test]
fn payways_are_offered_per_shop() {
    let shops = vec![
        ShopConfig::new(10, SecretKey::new("ten")),
        ShopConfig::new(20, SecretKey::new("twenty")),
    ];
    let config = quick_callbacks()
        .with_shops(shops)
        .with_payways([(Some(10), "payeer_rub"), (None, "card_rub")])
        .unwrap();
    let sandbox = spawn(config);
    let ten = Shop { addr: sandbox.local_addr(), shop_id: 10, secret: SecretKey::new("ten") };
    let twenty = Shop { addr: sandbox.local_addr(), shop_id: 20, secret: SecretKey::new("twenty") };
    assert_eq!(invoice(&ten, "payeer_rub", "o-1", "1000", &[])["error_code"], 0);
    assert_eq!(invoice(&ten, "card_rub", "o-2", "1000", &[])["error_code"], 0);
    let refused = invoice(&twenty, "payeer_rub", "o-1", "1000", &[]);
    assert_eq!(refused["error_code"], 3);
    assert_eq!(refused["message"], "Payway (alias = payeer_rub) is not available for shop");
    // Payouts too: payeer_rub pays Payeer accounts, for shop 10 only.
    let withdraw_try = |shop: &Shop| {
        shop.call(
            "/withdraw/try",
            &[
                ("amount", V::N("100")),
                ("amount_type", V::S("ps_amount")),
                ("payway", V::S("payeer_rub")),
                ("shop_currency", V::N("643")),
            ],
        )
    };
    let quote = withdraw_try(&ten);
    assert_eq!(quote["data"]["account_info_config"]["account"]["regex"], r"^P\d{7,12}$");
    assert_eq!(withdraw_try(&twenty)["error_code"], 3);
}

#[test]
fn unknown_payways_and_shops_are_refused_before_the_sandbox_starts() {
    let unknown = SandboxConfig::default().with_payways([(None, "mystery_rub")]).unwrap_err();
    assert!(unknown.to_string().starts_with("unknown payway \"mystery_rub\""), "{unknown}");
    let no_shop = SandboxConfig::default().with_payways([(Some(99), "card_rub")]).unwrap_err();
    assert_eq!(no_shop.to_string(), "payways are chosen for shop 99, which is not configured");
    let mut config = SandboxConfig::default();
    config.shops[0] = config.shops[0].clone().with_payways(["payeer_rub"]);
    let error = feennex_sandbox::Sandbox::spawn(([127, 0, 0, 1], 0).into(), config).unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid sandbox configuration: shop 1 is offered payway \"payeer_rub\", which is not configured"
    );
    assert!(InvoicePayway::catalogue().len() > InvoicePayway::defaults().len());
}
