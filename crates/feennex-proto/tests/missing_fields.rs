//! An answer missing the field that is the point of its call is an error that
//! names the field, never a default: one test per endpoint. The same answer with
//! the field present parses, so each test shows that the field alone decides.

use feennex_proto::http::StatusCode;
use feennex_proto::{
    Error,
    endpoints::Endpoint,
    prelude::{
        BillCreate, BillShopOrderStatus, CheckAccount, InvoiceCreate, InvoiceTry, ShopBalance,
        TransferCreate, TransferStatus, TransferTry, WithdrawCreate, WithdrawShopPaymentStatus,
        WithdrawStatusById, WithdrawTry,
    },
    response::parse_response,
};
use serde_json::{Value, json};

fn answer(data: &Value) -> Vec<u8> {
    json!({ "data": data, "error_code": 0, "message": "Ok", "result": true })
        .to_string()
        .into_bytes()
}

/// `data` parses as `E`'s answer; without any one of `required` it is refused as
/// unexpected data that names the missing field.
fn requires<E: Endpoint>(data: Value, required: &[&str])
where
    E::Output: std::fmt::Debug,
{
    let parsed = parse_response::<E>(StatusCode::OK, &answer(&data));
    assert!(parsed.is_ok(), "{}: {parsed:?}", E::PATH);
    for field in required {
        let mut without = data.clone();
        assert!(without.as_object_mut().unwrap().remove(*field).is_some(), "{field}");
        match parse_response::<E>(StatusCode::OK, &answer(&without)) {
            Err(Error::UnexpectedData { endpoint, reason, .. }) => {
                assert_eq!(endpoint, E::PATH);
                assert!(reason.contains(&format!("missing field `{field}`")), "{reason}");
            }
            other => panic!("{} without {field}: {other:?}", E::PATH),
        }
    }
}

#[test]
fn shop_balance_without_balances_is_an_error() {
    requires::<ShopBalance>(
        json!({ "balances": [{ "currency": 840, "available": "10.5" }], "shop_id": "6" }),
        &["balances"],
    );
}

#[test]
fn transfer_try_without_its_amounts_is_an_error() {
    requires::<TransferTry>(
        json!({ "payee_amount": 1.11, "payee_currency": 978, "shop_currency": 840,
                "write_off_amount": 1.19 }),
        &["payee_amount", "write_off_amount", "payee_currency", "shop_currency"],
    );
}

#[test]
fn transfer_create_without_the_payout_id_is_an_error() {
    requires::<TransferCreate>(
        json!({ "id": 7, "payee_account": "201234567890", "payee_amount": 10,
                "payee_currency": 840, "shop": 6, "shop_currency": 840,
                "write_off_amount": 10.7 }),
        &["id", "write_off_amount"],
    );
}

#[test]
fn transfer_status_without_the_payout_id_is_an_error() {
    requires::<TransferStatus>(
        json!({ "id": 9, "shop_payment_id": "p-1", "receive_amount": 5, "payee_currency": 840,
                "shop_currency": 840, "write_off_amount": 5.35 }),
        &["id", "shop_payment_id", "write_off_amount"],
    );
}

#[test]
fn bill_create_without_id_or_url_is_an_error() {
    requires::<BillCreate>(
        json!({ "id": 11, "url": "https://pay.feennex.com/en/bill/11", "shop_amount": 25 }),
        &["id", "url"],
    );
}

#[test]
fn bill_status_without_id_or_status_is_an_error() {
    requires::<BillShopOrderStatus>(
        json!({ "id": 11, "status": 2, "shop_order_id": "order-7" }),
        &["id", "status"],
    );
}

#[test]
fn invoice_try_without_the_payer_price_is_an_error() {
    requires::<InvoiceTry>(
        json!({ "payer_price": 515, "ps_currency": 840, "paymethod_id": 3 }),
        &["payer_price"],
    );
}

#[test]
fn invoice_create_without_the_payment_id_is_an_error() {
    requires::<InvoiceCreate>(
        json!({ "id": 21, "method": "GET", "url": "https://ps.example/pay", "data": {} }),
        &["id"],
    );
}

#[test]
fn withdraw_try_without_its_amounts_is_an_error() {
    requires::<WithdrawTry>(
        json!({ "payee_receive": 100, "ps_currency": 643, "shop_currency": 643,
                "shop_write_off": 101.5 }),
        &["payee_receive", "shop_write_off"],
    );
}

#[test]
fn check_account_without_its_result_is_an_error() {
    requires::<CheckAccount>(json!({ "result": true, "provider_status": "ok" }), &["result"]);
}

fn withdrawal() -> Value {
    json!({ "id": 31, "status": 3, "payee_receive": 100, "ps_currency": 643,
            "shop_currency": 643, "shop_write_off": 101.5, "shop_payment_id": "w-1" })
}

#[test]
fn withdraw_create_without_id_or_status_is_an_error() {
    requires::<WithdrawCreate>(withdrawal(), &["id", "status", "shop_write_off"]);
}

#[test]
fn withdraw_status_by_id_without_id_or_status_is_an_error() {
    requires::<WithdrawStatusById>(withdrawal(), &["id", "status"]);
}

#[test]
fn withdraw_status_by_shop_payment_id_without_id_or_status_is_an_error() {
    requires::<WithdrawShopPaymentStatus>(withdrawal(), &["id", "status"]);
}
