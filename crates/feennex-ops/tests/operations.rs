//! Operations by name: each builds the core's own request, parameters are checked
//! by the core's types with the parameter named, and failures keep the API's code.

use feennex_ops::proto::{
    self, Merchant, SecretKey,
    prelude::{Currency, ShopId, TransferAmountType},
};
use feennex_ops::{Failure, Operation, StepView, merchant, session};
use serde_json::json;

fn shop() -> Merchant {
    merchant(6, "SecretKey01", Some("http://127.0.0.1:9")).unwrap()
}

#[test]
fn every_operation_is_found_by_its_api_path() {
    for operation in Operation::ALL {
        assert_eq!(Operation::from_name(operation.name()).unwrap(), operation);
    }
    assert_eq!(Operation::ALL.iter().filter(|operation| operation.is_payout()).count(), 2);
    let unknown = Operation::from_name("transfer/delete").unwrap_err();
    assert_eq!(unknown.field.as_deref(), Some("operation"));
}

#[test]
fn a_request_by_name_is_the_core_request_byte_for_byte() {
    let params = json!({"amount": "1.10", "amount_type": "writeoff_amount", "payee_currency": 978, "shop_currency": "840"});
    let built = Operation::TransferTry.build(&shop(), &params).unwrap();
    let core = Merchant::new(ShopId::new(6).unwrap(), SecretKey::new("SecretKey01"))
        .with_base_url("http://127.0.0.1:9".parse().unwrap())
        .build(
            &proto::prelude::TransferTry::builder()
                .amount("1.1".parse().unwrap())
                .amount_type(TransferAmountType::WriteoffAmount)
                .payee_currency(Currency::EUR)
                .shop_currency(Currency::USD)
                .build(),
        )
        .unwrap();
    assert_eq!(built.body.as_bytes(), core.body().as_slice());
    assert_eq!(built.url, "http://127.0.0.1:9/transfer/try");
    assert_eq!(built.headers["content-type"], "application/json");
}

#[test]
fn parameters_are_refused_with_their_name() {
    let merchant = shop();
    let refused = |params: serde_json::Value| -> Failure {
        Operation::TransferTry.build(&merchant, &params).unwrap_err()
    };
    let base = json!({"amount": "1", "amount_type": "receive_amount", "payee_currency": 978, "shop_currency": 840});
    let with = |name: &str, value: serde_json::Value| {
        let mut params = base.clone();
        params[name] = value;
        params
    };
    assert_eq!(refused(with("amount", json!(1.5))).field.as_deref(), Some("amount"));
    assert!(refused(with("amount", json!(1.5))).message.contains("as strings"));
    assert_eq!(refused(with("amount", json!("1e3"))).field.as_deref(), Some("amount"));
    assert_eq!(refused(with("amount", json!(null))).field.as_deref(), Some("amount"));
    assert_eq!(refused(with("amount_type", json!("all"))).field.as_deref(), Some("amount_type"));
    assert_eq!(
        refused(with("shop_currency", json!([840]))).field.as_deref(),
        Some("shop_currency")
    );
    assert_eq!(refused(json!([1, 2])).field.as_deref(), Some("params"));
    assert!(refused(json!({})).kind == "invalid_input");
}

#[test]
fn answers_keep_the_api_code_and_amounts_stay_exact() {
    let refused = br#"{"data":null,"error_code":6,"message":"not unique","result":false}"#;
    let failure = Operation::TransferCreate.parse(400, refused).unwrap_err();
    assert_eq!(
        (failure.kind, failure.code, failure.code_name),
        ("api", Some(6), Some("OperationNotUnique"))
    );
    assert_eq!(failure.http_status, Some(400));

    let quote = br#"{"data":{"payee_amount":0.1,"payee_currency":978,"shop_currency":840,"write_off_amount":"0.30"},
        "error_code":0,"message":"Ok","result":true}"#;
    let value = Operation::TransferTry.parse(200, quote).unwrap();
    assert_eq!(value["payee_amount"], "0.1");
    assert_eq!(value["write_off_amount"], "0.30");
}

#[test]
fn a_payout_machine_asks_to_send_its_create_then_ends_out_of_turn() {
    let session = session(shop(), Some(500)).unwrap();
    let params = json!({"amount": "2", "amount_type": "receive_amount", "payee_account": "201234567890",
        "payee_currency": 840, "shop_currency": 840, "shop_payment_id": "p-1"});
    let mut machine = Operation::TransferCreate.machine(&session, &params, false).unwrap();
    match machine.poll() {
        StepView::Send { role, timeout_ms, request } => {
            assert_eq!(role, "create");
            assert!(timeout_ms > 0 && timeout_ms <= 500, "{timeout_ms}");
            assert_eq!(request.url, "http://127.0.0.1:9/transfer/create");
        }
        other => panic!("expected a send, got {other:?}"),
    }
    match machine.poll() {
        StepView::Failed { error } => assert_eq!(error.kind, "out_of_turn"),
        other => panic!("expected the end, got {other:?}"),
    }
    assert_eq!(
        machine.receive_response(1000, Vec::new()).unwrap_err().field.as_deref(),
        Some("status")
    );
}

#[test]
fn a_resumed_payout_looks_up_first() {
    let session = session(shop(), None).unwrap();
    let params = json!({"account": "4111111111111111", "amount": "100", "amount_type": "ps_amount",
        "payway": "card_rub", "shop_currency": 643, "shop_payment_id": "w-9"});
    let mut machine = Operation::WithdrawCreate.machine(&session, &params, true).unwrap();
    match machine.poll() {
        StepView::Send { role, request, .. } => {
            assert_eq!(role, "lookup");
            assert!(request.url.ends_with("/withdraw/shop_payment_status"), "{}", request.url);
        }
        other => panic!("expected a lookup, got {other:?}"),
    }
}
