//! The hosted pay page at `/{en,ru}/pay`, reached the ways shops reach it: a GET
//! link and a POST form, built by the core's `Merchant::pay_page`. The payer's
//! choice is posted back as a browser would; what is recorded, where the payer is
//! sent and the callback the shop gets are checked.

mod common;

use std::time::Duration;

use common::{
    Reply, available, callback_listener, field, form_fields, http, http_with, introspect,
    signature_is_valid, spawn,
};
use feennex_proto::pay_page::{PayPage, PayPageForm, PayPageLang};
use feennex_proto::prelude::{
    BaseUrl, Currency, Merchant, PaymentUrls, Payway, SecretKey, ShopId, ShopOrderId,
};
use feennex_sandbox::{
    CallbackRetry, DEFAULT_SECRET, DEFAULT_SHOP_ID, Sandbox, SandboxConfig, ShopConfig,
};

const FORM: &str = "application/x-www-form-urlencoded";

fn quick_callbacks() -> SandboxConfig {
    SandboxConfig::default().with_callbacks(CallbackRetry::new(
        Duration::from_millis(10),
        Duration::from_millis(40),
        4,
    ))
}

fn merchant() -> Merchant {
    Merchant::new(ShopId::new(DEFAULT_SHOP_ID).unwrap(), SecretKey::new(DEFAULT_SECRET))
}

/// The pay form of an order, as a shop builds it with the core.
fn pay_form(
    sandbox: &Sandbox,
    amount: &str,
    order: &str,
    lang: PayPageLang,
    urls: PaymentUrls,
) -> PayPageForm {
    let page =
        PayPage::new(amount.parse().unwrap(), Currency::RUB, ShopOrderId::new(order).unwrap())
            .description("Green tea")
            .urls(urls);
    merchant().pay_page(&page, lang, &BaseUrl::new(sandbox.base_url()).unwrap())
}

fn urls(callback: Option<String>) -> PaymentUrls {
    let mut urls = PaymentUrls::default();
    urls.success_url = Some("http://shop.test/paid?order=1".to_owned());
    urls.failed_url = Some("http://shop.test/failed".to_owned());
    urls.callback_url = callback;
    urls
}

/// The path and query of a URL on the sandbox.
fn local(sandbox: &Sandbox, url: &str) -> String {
    url.strip_prefix(sandbox.base_url()).unwrap().to_owned()
}

fn encode(fields: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish()
}

/// The fields of a form as a browser posts it, with the payer's choice added.
fn posted(form: &PayPageForm, extra: &[(&str, &str)]) -> String {
    let mut fields: Vec<(&str, &str)> = form.fields.iter().map(|(n, v)| (*n, v.as_str())).collect();
    fields.extend_from_slice(extra);
    encode(&fields)
}

fn payments(sandbox: &Sandbox) -> Vec<serde_json::Value> {
    introspect(sandbox.local_addr(), "/_sandbox/payments").as_array().unwrap().clone()
}

#[test]
fn a_pay_link_shows_the_order_and_paying_records_it_calls_back_and_returns_to_the_shop() {
    let (listener, callbacks) = callback_listener(vec![(200, "OK")]);
    let sandbox = spawn(quick_callbacks());
    let form = pay_form(
        &sandbox,
        "250.50",
        "order-1",
        PayPageLang::En,
        urls(Some(format!("http://{listener}/cb"))),
    );

    let page = http(sandbox.local_addr(), "GET", &local(&sandbox, &form.url_with_query()), b"");
    assert_eq!(page.status(), 200);
    let html = page.body_text();
    for shown in ["order-1", "250.50 RUB", "Green tea", ">Pay<", ">Decline<"] {
        assert!(html.contains(shown), "{shown} is not on the page: {html}");
    }
    // Every way the shop offers that can take 250.50 RUB, with its price: the
    // wallet at par, card_rub with its 3 % (qiwi_rub too; card_usd converts).
    assert!(
        html.contains(r#"value="feennex_wallet" checked> Feennex wallet — 250.50 RUB"#),
        "{html}"
    );
    assert!(html.contains("card_rub — 258.02 RUB"), "{html}");
    assert!(payments(&sandbox).is_empty(), "showing the page pays nothing");

    let before = available(sandbox.local_addr(), 1, 643);
    let choice = posted(
        &form,
        &[("payway", "card_rub"), ("email", "payer@example.com"), ("_sandbox_action", "pay")],
    );
    let paid = http_with(sandbox.local_addr(), "POST", "/en/pay", FORM, choice.as_bytes());
    assert_eq!(paid.status(), 303, "{}", paid.body_text());
    assert_eq!(paid.location(), Some("http://shop.test/paid?order=1"));
    assert_eq!(available(sandbox.local_addr(), 1, 643) - before, "250.5".parse().unwrap());

    let recorded = payments(&sandbox);
    assert_eq!(recorded.len(), 1);
    assert_eq!(
        (recorded[0]["kind"].as_str(), recorded[0]["status"].as_u64()),
        (Some("invoice"), Some(4))
    );
    assert_eq!(recorded[0]["payway"], "card_rub");
    assert_eq!(recorded[0]["shop_order_id"], "order-1");

    let received = callbacks.recv_timeout(Duration::from_secs(60)).unwrap();
    let fields = form_fields(&received.body);
    assert!(signature_is_valid(&fields, &SecretKey::new(DEFAULT_SECRET)));
    assert_eq!(field(&fields, "status"), "success");
    assert_eq!(field(&fields, "shop_order_id"), "order-1");
    assert_eq!(field(&fields, "shop_amount"), "250.5");
    assert_eq!(field(&fields, "client_price"), "258.02");
    assert_eq!(field(&fields, "payment_id"), recorded[0]["id"].to_string());
    assert_eq!(field(&fields, "user_ip"), "127.0.0.1");
    assert_eq!(field(&fields, "lang"), "en");
    assert_eq!(field(&fields, "email"), "payer@example.com");

    // Pressing Pay again pays nothing more.
    let again = http_with(sandbox.local_addr(), "POST", "/en/pay", FORM, choice.as_bytes());
    assert_eq!(again.status(), 409);
    let html = again.body_text();
    assert!(html.contains("Shop_order_id &#39;order-1&#39; is not unique"), "{html}");
    assert_eq!(payments(&sandbox).len(), 1);
    assert_eq!(available(sandbox.local_addr(), 1, 643) - before, "250.5".parse().unwrap());
    // Opening the link again says the order is paid, whichever way it was.
    let link = http(sandbox.local_addr(), "GET", &local(&sandbox, &form.url_with_query()), b"");
    assert_eq!(link.status(), 409);
    assert!(link.body_text().contains("already has a payment: invoice"), "{}", link.body_text());
}

#[test]
fn a_posted_form_in_russian_declined_by_the_payer_goes_to_failed_url_with_a_rejected_callback() {
    let (listener, callbacks) = callback_listener(vec![(200, "OK")]);
    let sandbox = spawn(quick_callbacks());
    let form = pay_form(
        &sandbox,
        "10",
        "order-2",
        PayPageLang::Ru,
        urls(Some(format!("http://{listener}/cb"))),
    );
    assert_eq!(form.action, format!("{}/ru/pay", sandbox.base_url()));

    let shown =
        http_with(sandbox.local_addr(), "POST", "/ru/pay", FORM, posted(&form, &[]).as_bytes());
    assert_eq!(shown.status(), 200);
    let html = shown.body_text();
    assert!(html.contains(r#"<html lang="ru">"#) && html.contains("Отказаться"), "{html}");
    // 10 RUB is below card_rub's minimum: only the wallet and qiwi_rub are offered.
    assert!(!html.contains("card_rub"), "{html}");
    assert!(html.contains("qiwi_rub"), "{html}");

    let before = available(sandbox.local_addr(), 1, 643);
    let decline = posted(&form, &[("payway", "feennex_wallet"), ("_sandbox_action", "decline")]);
    let declined = http_with(sandbox.local_addr(), "POST", "/ru/pay", FORM, decline.as_bytes());
    assert_eq!(declined.status(), 303);
    assert_eq!(declined.location(), Some("http://shop.test/failed"));
    assert_eq!(
        available(sandbox.local_addr(), 1, 643),
        before,
        "a declined payment moves no money"
    );
    let recorded = payments(&sandbox);
    assert_eq!(
        (recorded[0]["kind"].as_str(), recorded[0]["status"].as_u64()),
        (Some("bill"), Some(3))
    );

    let fields = form_fields(&callbacks.recv_timeout(Duration::from_secs(60)).unwrap().body);
    assert!(signature_is_valid(&fields, &SecretKey::new(DEFAULT_SECRET)));
    assert_eq!(field(&fields, "status"), "rejected");
    assert_eq!(field(&fields, "lang"), "ru");
    assert_eq!(field(&fields, "payway"), "feennex_wallet");
}

#[test]
fn without_return_urls_the_payer_sees_the_outcome_on_the_sandbox() {
    let sandbox = spawn(quick_callbacks());
    let form = pay_form(&sandbox, "5", "order-3", PayPageLang::En, PaymentUrls::default());
    let choice = posted(&form, &[("payway", "feennex_wallet"), ("_sandbox_action", "pay")]);
    let page = http_with(sandbox.local_addr(), "POST", "/en/pay", FORM, choice.as_bytes());
    assert_eq!(page.status(), 200);
    assert!(page.body_text().contains("Payment complete"), "{}", page.body_text());
    assert_eq!(payments(&sandbox)[0]["status"], 2);
}

/// The published pay form vector: shop 5, key SecretKey01, `amount=10.00`
/// signed as the text received.
#[test]
fn the_published_pay_form_vector_is_accepted_with_the_amount_as_sent() {
    let shop = ShopConfig::new(5, SecretKey::new("SecretKey01"));
    let sandbox = spawn(SandboxConfig::default().with_shops(vec![shop]));
    let query = encode(&[
        ("amount", "10.00"),
        ("currency", "643"),
        ("shop_id", "5"),
        ("shop_order_id", "101"),
        ("sign", "e4580435a252d61ef91b71cb23ed7bee4d77de94ced36411526d2ce3b66ada8f"),
    ]);
    let page = http(sandbox.local_addr(), "GET", &format!("/en/pay?{query}"), b"");
    assert_eq!(page.status(), 200, "{}", page.body_text());
    assert!(page.body_text().contains("10.00 RUB"));
}

#[test]
fn a_bad_form_shows_why_and_pays_nothing() {
    let sandbox = spawn(quick_callbacks());
    let form = pay_form(&sandbox, "10.5", "order-4", PayPageLang::En, urls(None));
    let with = |changes: &[(&str, &str)]| {
        let mut fields: Vec<(String, String)> =
            form.fields.iter().map(|(n, v)| ((*n).to_owned(), v.clone())).collect();
        for (name, value) in changes {
            match fields.iter_mut().find(|(n, _)| n == name) {
                Some(field) => field.1 = (*value).to_owned(),
                None => fields.push(((*name).to_owned(), (*value).to_owned())),
            }
        }
        form_urlencoded::Serializer::new(String::new()).extend_pairs(&fields).finish()
    };
    let refused = |body: String, status: u16, reason: &str| {
        let page = http_with(sandbox.local_addr(), "POST", "/en/pay", FORM, body.as_bytes());
        assert_eq!(page.status(), status, "{}", page.body_text());
        let html = page.body_text();
        assert!(
            html.contains("The payment cannot be made") && html.contains(reason),
            "{reason}: {html}"
        );
    };
    // The amount changed after signing: the API's own message, with the text signed.
    refused(
        with(&[("amount", "1.5"), ("_sandbox_action", "pay"), ("payway", "feennex_wallet")]),
        400,
        "Invalid sign, string_to_sign: 1.5:643:1:order-4",
    );
    refused(with(&[("shop_id", "77")]), 400, "Shop (id=77) wasn&#39;t found");
    refused(
        with(&[("currency", "dollars")]),
        400,
        "currency=&quot;value is not a valid integer&quot;",
    );
    refused(
        with(&[("success_url", "javascript:alert(1)")]),
        400,
        "success_url=&quot;not an http or https URL&quot;",
    );
    refused(
        with(&[("payway", "mystery_rub")]),
        400,
        "Payway (alias = mystery_rub) is not available for shop",
    );
    refused(with(&[("payway", "card_rub")]), 400, "Payer price amount is too small, min: 100.0");
    refused(with(&[("_sandbox_action", "maybe")]), 400, "_sandbox_action must be pay or decline");
    refused(format!("{}&amount=11", with(&[])), 400, "the field amount is given twice");
    let no_sign: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form.fields.iter().filter(|(name, _)| *name != "sign"))
        .finish();
    refused(no_sign, 400, "sign=&quot;field required&quot;");
    let by_get = format!("{}&_sandbox_action=pay&payway=feennex_wallet", form.url_with_query());
    let opened = http(sandbox.local_addr(), "GET", &local(&sandbox, &by_get), b"");
    assert_eq!(opened.status(), 400);
    assert!(opened.body_text().contains("Pay and Decline are sent with POST"));
    let json = http(sandbox.local_addr(), "POST", "/en/pay", br#"{"amount": 1}"#);
    assert_eq!(json.status(), 400);
    assert!(json.body_text().contains("application/x-www-form-urlencoded"));
    assert!(matches!(
        http(sandbox.local_addr(), "GET", "/de/pay", b""),
        Reply::Http { status: 404, .. }
    ));
    assert!(payments(&sandbox).is_empty());
}

#[test]
fn a_payway_chosen_by_the_shop_is_the_only_way_offered() {
    let sandbox = spawn(quick_callbacks());
    let page =
        PayPage::new("500".parse().unwrap(), Currency::RUB, ShopOrderId::new("order-5").unwrap())
            .payway(Payway::new("card_rub").unwrap());
    let form =
        merchant().pay_page(&page, PayPageLang::En, &BaseUrl::new(sandbox.base_url()).unwrap());
    let html = http(sandbox.local_addr(), "GET", &local(&sandbox, &form.url_with_query()), b"")
        .body_text();
    assert!(html.contains("card_rub — 515.00 RUB"), "{html}");
    assert!(!html.contains(r#"type="radio""#) && !html.contains("Feennex wallet"), "{html}");
    let choice = posted(&form, &[("_sandbox_action", "pay")]);
    let paid = http_with(sandbox.local_addr(), "POST", "/en/pay", FORM, choice.as_bytes());
    assert_eq!(paid.status(), 200);
    assert_eq!(payments(&sandbox)[0]["payway"], "card_rub");
}
