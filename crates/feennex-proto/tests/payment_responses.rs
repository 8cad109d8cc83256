//! Answers of bills, invoices and the balance, in the specification's shape, with
//! amounts given as numbers or strings and unknown fields ignored.

use feennex_proto::{
    Error,
    endpoints::FormMethod,
    http::StatusCode,
    prelude::{
        BillCreate, BillShopOrderStatus, BillStatus, Currency, Decimal, InvoiceCreate, InvoiceTry,
        ShopBalance,
    },
    response::parse_response,
};

fn ok(data: &str) -> String {
    format!(r#"{{"data":{data},"error_code":0,"message":"Ok","result":true}}"#)
}

fn dec(text: &str) -> Decimal {
    text.parse().unwrap()
}

#[test]
fn bill_create_answer_parses_with_string_amounts_and_unknown_fields() {
    let body = ok(r#"{"created":"Fri, 12 Apr 2024 06:18:34 GMT","id":"501","lifetime":43200,
        "payer_account":null,"payer_currency":840,"payer_price":"25.75","shop_amount":25.0,
        "shop_currency":"840","shop_id":"6","shop_order_id":7,"shop_refund":24.25,
        "url":"https://pay.feennex.com/bill/pay/abc","new_field":{"x":1}}"#);
    let bill = parse_response::<BillCreate>(StatusCode::OK, body.as_bytes()).unwrap();
    assert_eq!(bill.id, 501);
    assert_eq!(bill.url, "https://pay.feennex.com/bill/pay/abc");
    assert_eq!(bill.created.as_deref(), Some("Fri, 12 Apr 2024 06:18:34 GMT"));
    assert_eq!(bill.lifetime, Some(43200));
    assert_eq!(bill.payer_account, None);
    assert_eq!(bill.payer_price, Some(dec("25.75")));
    assert_eq!(bill.shop_amount, Some(dec("25")));
    assert_eq!(bill.shop_currency, Some(Currency::USD));
    assert_eq!(bill.shop_id.map(|id| id.get()), Some(6));
    assert_eq!(bill.shop_order_id.as_deref(), Some("7"));
    assert_eq!(bill.shop_refund, Some(dec("24.25")));
}

#[test]
fn bill_create_answer_without_a_url_is_unexpected_data() {
    let body = ok(r#"{"id":501}"#);
    let error = parse_response::<BillCreate>(StatusCode::OK, body.as_bytes()).unwrap_err();
    assert!(matches!(error, Error::UnexpectedData { endpoint: "bill/create", .. }), "{error:?}");
}

#[test]
fn bill_status_answer_reads_the_status_from_a_number_or_a_string() {
    for (status, expected) in [("2", BillStatus::Paid), (r#""1""#, BillStatus::Waiting)] {
        let body = ok(&format!(
            r#"{{"id":501,"status":{status},"shop_order_id":"order-7","shop_amount":"25","shop_currency":840}}"#
        ));
        let state = parse_response::<BillShopOrderStatus>(StatusCode::OK, body.as_bytes()).unwrap();
        assert_eq!(state.status, expected);
        assert_eq!(state.shop_amount, Some(dec("25")));
        assert_eq!(state.shop_order_id.as_deref(), Some("order-7"));
    }
}

#[test]
fn invoice_try_answer_parses_add_on_config() {
    let body = ok(r#"{"add_ons_config":{"email":{"label":{"en":"E-mail","ru":"Почта"},
        "regex":"^.+@.+$"},"phone":{"label":{"en":"Phone"}}},"info":null,"manual":0,
        "payer_price":"505.5","paymethod_id":"12","paymethod_name":"Card","ps_currency":840,
        "unknown":true}"#);
    let quote = parse_response::<InvoiceTry>(StatusCode::OK, body.as_bytes()).unwrap();
    assert_eq!(quote.add_ons_config.keys().collect::<Vec<_>>(), ["email", "phone"]);
    assert_eq!(quote.add_ons_config["email"].label.ru.as_deref(), Some("Почта"));
    assert_eq!(quote.add_ons_config["email"].regex.as_deref(), Some("^.+@.+$"));
    assert_eq!(quote.payer_price, Some(dec("505.5")));
    assert_eq!(quote.paymethod_id, Some(12));
    assert_eq!(quote.paymethod_name.as_deref(), Some("Card"));
    assert_eq!(quote.ps_currency, Some(Currency::USD));
    assert_eq!(quote.manual, Some(false));
    assert!(quote.info.is_empty());
}

#[test]
fn invoice_try_answer_with_an_empty_add_on_list_has_no_add_ons() {
    let body = ok(r#"{"add_ons_config":[],"payer_price":10,"ps_currency":643,"manual":true}"#);
    let quote = parse_response::<InvoiceTry>(StatusCode::OK, body.as_bytes()).unwrap();
    assert!(quote.add_ons_config.is_empty());
    assert_eq!(quote.manual, Some(true));
}

#[test]
fn invoice_create_answer_keeps_the_form_and_its_method() {
    let cases = [
        ("POST", FormMethod::Post),
        ("get", FormMethod::Get),
        ("OFFLINE", FormMethod::Other("OFFLINE".to_owned())),
    ];
    for (method, expected) in cases {
        let body = ok(&format!(
            r#"{{"data":{{"session_id":"s-1","amount":"10.50"}},"id":"77","method":"{method}",
            "url":"https://ps.test/pay","extra":1}}"#
        ));
        let created = parse_response::<InvoiceCreate>(StatusCode::OK, body.as_bytes()).unwrap();
        assert_eq!(created.id, 77);
        assert_eq!(created.method, Some(expected));
        assert_eq!(created.url.as_deref(), Some("https://ps.test/pay"));
        assert_eq!(created.data["session_id"], "s-1");
        assert_eq!(created.data["amount"], "10.50");
    }
}

#[test]
fn shop_balance_answer_lists_each_currency_with_string_amounts() {
    let body = ok(r#"{"balances":[{"available":"100.10","currency":840,"frozen":0,"hold":"5.5"},
        {"available":7,"currency":"643","frozen":"0","hold":0,"rolling_reserve":"1.25","x":1}],
        "shop_id":"6"}"#);
    let balances = parse_response::<ShopBalance>(StatusCode::OK, body.as_bytes()).unwrap();
    assert_eq!(balances.shop_id.map(|id| id.get()), Some(6));
    assert_eq!(balances.balances.len(), 2);
    let usd = &balances.balances[0];
    assert_eq!(
        (usd.currency, usd.available, usd.hold),
        (Currency::USD, dec("100.10"), Some(dec("5.5")))
    );
    assert_eq!(usd.rolling_reserve, None);
    let rub = &balances.balances[1];
    assert_eq!(rub.currency, Currency::RUB);
    assert_eq!(rub.available, dec("7"));
    assert_eq!(rub.rolling_reserve, Some(dec("1.25")));
}
