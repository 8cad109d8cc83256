//! Answers in the specification's shape parse into typed results, with amounts
//! given as numbers or strings and unknown fields ignored.

use feennex_proto::{
    Error,
    http::StatusCode,
    prelude::{Currency, Decimal, ErrorCode, TransferCreate, TransferStatus, TransferTry},
    response::parse_response,
};

fn ok(data: &str) -> String {
    format!(r#"{{"data":{data},"error_code":0,"message":"Ok","result":true}}"#)
}

fn dec(text: &str) -> Decimal {
    text.parse().unwrap()
}

#[test]
fn transfer_try_answer_parses_with_account_config() {
    let body = ok(
        r#"{"account_info_config":{"payee_account":{"label":{"en":"Wallet","ru":"Кошелёк"},
        "comment":{"en":"12 digits"},"example":201234567890,"regex":"^20\\d{10}$"}},"info":{"fee":"7%"},
        "payee_amount":1.11,"payee_currency":978,"shop_currency":840,"write_off_amount":"1.19","future":1}"#,
    );
    let quote = parse_response::<TransferTry>(StatusCode::OK, body.as_bytes()).unwrap();
    assert_eq!(quote.payee_amount, dec("1.11"));
    assert_eq!(quote.write_off_amount, dec("1.19"));
    assert_eq!(quote.payee_currency, Currency::EUR);
    let field = &quote.account_info_config["payee_account"];
    assert_eq!(field.label.ru.as_deref(), Some("Кошелёк"));
    assert_eq!(field.example.as_deref(), Some("201234567890"));
    assert_eq!(field.regex.as_deref(), Some("^20\\d{10}$"));
    assert_eq!(quote.info["fee"], "7%");
}

#[test]
fn transfer_create_answer_accepts_a_numeric_account_and_string_amounts() {
    let body = ok(
        r#"{"balance":"88.81","id":"12345","payee_account":201234567890,"payee_amount":"10",
        "payee_currency":"840","shop":6,"shop_currency":840,"write_off_amount":10.7,"extra":[1,2]}"#,
    );
    let created = parse_response::<TransferCreate>(StatusCode::OK, body.as_bytes()).unwrap();
    assert_eq!(created.id, 12345);
    assert_eq!(created.balance, Some(dec("88.81")));
    assert_eq!(created.payee_account, "201234567890");
    assert_eq!(created.payee_amount, dec("10"));
    assert_eq!(created.write_off_amount, dec("10.7"));
    assert_eq!(created.shop.get(), 6);
}

#[test]
fn transfer_status_answer_accepts_either_amount_name() {
    for name in ["receive_amount", "payee_amount"] {
        let body = ok(&format!(
            r#"{{"id":9,"payee_currency":840,"{name}":5.5,"shop_currency":840,"shop_payment_id":"p-1","write_off_amount":5.89}}"#
        ));
        let payout = parse_response::<TransferStatus>(StatusCode::OK, body.as_bytes()).unwrap();
        assert_eq!(payout.receive_amount, dec("5.5"), "{name}");
        assert_eq!(payout.shop_payment_id, "p-1");
    }
}

#[test]
fn not_found_status_is_error_seven_even_on_http_400() {
    let body = br#"{"data":null,"error_code":7,"message":"Transfer (shop_payment_id=test) wasn't found","result":false}"#;
    let error = parse_response::<TransferStatus>(StatusCode::BAD_REQUEST, body).unwrap_err();
    assert_eq!(error.api_code(), Some(ErrorCode::OperationNotFound));
    assert!(!error.is_outcome_unknown());
}

#[test]
fn a_success_without_required_data_is_unexpected_data() {
    let body = ok(r#"{"id":1}"#);
    let error = parse_response::<TransferCreate>(StatusCode::OK, body.as_bytes()).unwrap_err();
    match &error {
        Error::UnexpectedData { endpoint, reason, .. } => {
            assert_eq!(*endpoint, "transfer/create");
            assert!(reason.contains("missing field"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    assert!(error.is_outcome_unknown());
}
