//! Parsing any bytes as any answer ends in a value or a typed error, never a panic.

use feennex_proto::{
    Error,
    http::StatusCode,
    prelude::{
        BillCreate, BillShopOrderStatus, CheckAccount, InvoiceCreate, InvoiceTry, ShopBalance,
        TransferCreate, TransferStatus, TransferTry, WithdrawCreate, WithdrawShopPaymentStatus,
        WithdrawStatusById, WithdrawTry,
    },
    response::parse_response,
};
use proptest::prelude::*;

fn parse_all(status: u16, body: &[u8]) {
    let status = StatusCode::from_u16(status).unwrap();
    let _ = parse_response::<TransferTry>(status, body);
    let _ = parse_response::<TransferCreate>(status, body);
    let _ = parse_response::<TransferStatus>(status, body);
    let _ = parse_response::<BillCreate>(status, body);
    let _ = parse_response::<BillShopOrderStatus>(status, body);
    let _ = parse_response::<InvoiceTry>(status, body);
    let _ = parse_response::<InvoiceCreate>(status, body);
    let _ = parse_response::<WithdrawTry>(status, body);
    let _ = parse_response::<CheckAccount>(status, body);
    let _ = parse_response::<WithdrawCreate>(status, body);
    let _ = parse_response::<WithdrawStatusById>(status, body);
    let _ = parse_response::<WithdrawShopPaymentStatus>(status, body);
    let _ = parse_response::<ShopBalance>(status, body);
}

/// Envelope-shaped JSON with arbitrary values, to reach the data parsers.
fn envelope_like() -> impl Strategy<Value = String> {
    let scalar = prop_oneof![
        Just("null".to_owned()),
        Just("true".to_owned()),
        "-?[0-9]{1,30}(\\.[0-9]{0,30})?(e-?[0-9]{1,4})?",
        "\"[^\"\\\\]{0,20}\"",
        Just("{}".to_owned()),
        Just("[]".to_owned()),
        Just(r#"{"en":"x","regex":1}"#.to_owned()),
        Just(r#"[{"currency":840,"available":"1"}]"#.to_owned()),
    ];
    let field = (
        "(id|balance|balances|payee_account|payee_amount|payee_currency|shop|shop_currency|write_off_amount|receive_amount|shop_payment_id|info|url|status|lifetime|add_ons_config|account_info_config|manual|method|data|result|verified|payee_receive|shop_write_off|ps_currency|available)",
        scalar,
    );
    (prop::collection::vec(field, 0..16), any::<bool>(), -5i64..40).prop_map(
        |(fields, result, code)| {
            let data: Vec<String> =
                fields.into_iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
            format!(
                r#"{{"data":{{{}}},"error_code":{code},"message":"m","result":{result}}}"#,
                data.join(",")
            )
        },
    )
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(status in 100u16..600, body in prop::collection::vec(any::<u8>(), 0..512)) {
        parse_all(status, &body);
    }

    #[test]
    fn arbitrary_envelopes_never_panic(status in 100u16..600, body in envelope_like()) {
        parse_all(status, body.as_bytes());
    }
}

#[test]
fn unknown_error_codes_keep_number_and_message() {
    let body = br#"{"data":null,"error_code":57,"message":"Something new","result":false}"#;
    match parse_response::<TransferCreate>(StatusCode::OK, body) {
        Err(Error::Api(api)) => {
            assert_eq!(api.code.code(), 57);
            assert_eq!(api.message, "Something new");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_empty_body_is_not_an_envelope() {
    let error = parse_response::<TransferTry>(StatusCode::OK, b"").unwrap_err();
    assert!(matches!(error, Error::NotEnvelope { status: 200, .. }), "{error:?}");
    assert!(error.is_outcome_unknown());
}
