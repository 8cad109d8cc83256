//! Answers of the external payout calls, in the specification's shape.

use feennex_proto::{
    http::StatusCode,
    prelude::{
        CheckAccount, Currency, Decimal, ErrorCode, WithdrawCreate, WithdrawShopPaymentStatus,
        WithdrawStatus, WithdrawStatusById, WithdrawTry,
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
fn withdraw_try_answer_parses_amounts_and_account_config() {
    let body = ok(r#"{"account_info_config":{"account":{"label":{"en":"Card number"},
        "example":"4111111111111111","regex":"^\\d{16}$"}},"info":{},"payee_receive":"100",
        "ps_currency":643,"shop_currency":"643","shop_write_off":102.5,"future":[]}"#);
    let quote = parse_response::<WithdrawTry>(StatusCode::OK, body.as_bytes()).unwrap();
    assert_eq!(quote.payee_receive, dec("100"));
    assert_eq!(quote.shop_write_off, dec("102.5"));
    assert_eq!((quote.ps_currency, quote.shop_currency), (Currency::RUB, Currency::RUB));
    assert_eq!(quote.account_info_config["account"].regex.as_deref(), Some("^\\d{16}$"));
}

#[test]
fn check_account_answer_reads_flags_leniently() {
    let body = ok(r#"{"account_info":{"holder":"I. P."},"provider_status":200,"result":true,
        "verified":"0","more":null}"#);
    let check = parse_response::<CheckAccount>(StatusCode::OK, body.as_bytes()).unwrap();
    assert!(check.result);
    assert_eq!(check.verified, Some(false));
    assert_eq!(check.provider_status.as_deref(), Some("200"));
    assert_eq!(check.account_info["holder"], "I. P.");
}

#[test]
fn withdraw_create_answer_has_a_non_final_status_and_the_balance() {
    let body = ok(r#"{"balance":"897.5","id":"9001","payee_receive":100,"ps_currency":643,
        "shop_currency":643,"shop_payment_id":"w-1","shop_write_off":"102.50","status":1,"x":"y"}"#);
    let created = parse_response::<WithdrawCreate>(StatusCode::OK, body.as_bytes()).unwrap();
    assert_eq!(created.id, 9001);
    assert_eq!(created.status, WithdrawStatus::New);
    assert!(!created.status.is_final());
    assert_eq!(created.balance, Some(dec("897.5")));
    assert_eq!(created.shop_write_off, dec("102.50"));
    assert_eq!(created.shop_payment_id.as_deref(), Some("w-1"));
}

#[test]
fn withdraw_status_answers_keep_unknown_statuses_and_numeric_ids() {
    let body = ok(r#"{"id":9001,"payee_receive":"100","ps_currency":643,"shop_currency":643,
        "shop_payment_id":12,"shop_write_off":102.5,"status":"42"}"#);
    let by_id = parse_response::<WithdrawStatusById>(StatusCode::OK, body.as_bytes()).unwrap();
    assert_eq!(by_id.status, WithdrawStatus::Unknown(42));
    assert!(!by_id.status.is_final());
    assert_eq!(by_id.shop_payment_id.as_deref(), Some("12"));
    assert_eq!(by_id.balance, None);
    let by_payment_id =
        parse_response::<WithdrawShopPaymentStatus>(StatusCode::OK, body.as_bytes()).unwrap();
    assert_eq!(by_payment_id, by_id);
}

#[test]
fn withdraw_not_found_is_error_seven() {
    let body = br#"{"data":null,"error_code":7,"message":"Withdraw (shop_payment_id=w-1) wasn't found","result":false}"#;
    let error =
        parse_response::<WithdrawShopPaymentStatus>(StatusCode::BAD_REQUEST, body).unwrap_err();
    assert_eq!(error.api_code(), Some(ErrorCode::OperationNotFound));
}
