//! Operations by name: each builds the core's own request, parameters are checked
//! by the core's types with the parameter named, and failures keep the API's code.

use feennex_ops::proto::{
    self, Merchant, SecretKey,
    prelude::{Currency, ShopId, TransferAmountType},
};
use feennex_ops::{Failure, Kind, Operation, StepView, merchant, session};
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
    assert!(refused(json!({})).kind == Kind::InvalidInput);
}

#[test]
fn amounts_the_server_would_refuse_are_refused_before_a_request_exists() {
    let merchant = shop();
    let params = |text: &str| {
        json!({"amount": text, "amount_type": "receive_amount",
            "payee_currency": 978, "shop_currency": 840})
    };
    for (text, reason) in
        [("1.111", "decimal places"), ("999999999999999", "the API's limit"), ("-1", "negative")]
    {
        let refused = Operation::TransferTry.build(&merchant, &params(text)).unwrap_err();
        assert_eq!((refused.kind, refused.field.as_deref()), (Kind::InvalidInput, Some("amount")));
        assert!(refused.message.contains(reason), "{text}: {}", refused.message);
    }
    let largest = Operation::TransferTry.build(&merchant, &params("999999999999.99")).unwrap();
    assert!(largest.body.contains(r#""amount":999999999999.99"#));
}

#[test]
fn answers_keep_the_api_code_and_amounts_stay_exact() {
    let refused = br#"{"data":null,"error_code":6,"message":"not unique","result":false}"#;
    let failure = Operation::TransferCreate.parse(400, refused).unwrap_err();
    assert_eq!(
        (failure.kind, failure.code, failure.code_name),
        (Kind::Api, Some(6), Some("OperationNotUnique"))
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
    let session = session(shop(), &json!({"attempt_timeout_ms": 500})).unwrap();
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
        StepView::Failed { error } => assert_eq!(error.kind, Kind::OutOfTurn),
        other => panic!("expected the end, got {other:?}"),
    }
    assert_eq!(
        machine.receive_response(1000, Vec::new()).unwrap_err().field.as_deref(),
        Some("status")
    );
}

#[test]
fn a_resumed_payout_looks_up_first() {
    let session = session(shop(), &serde_json::Value::Null).unwrap();
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

#[test]
fn a_parameter_no_operation_reads_is_refused_by_name_and_nothing_is_built() {
    let params = json!({"amount": "2", "amount_type": "receive_amount", "payee_account": "201234567890",
        "payee_currency": 840, "shop_currency": 840, "shop_payment_id": "p-2", "descripton": "typo"});
    let refused = Operation::TransferCreate.build(&shop(), &params).unwrap_err();
    assert_eq!((refused.kind, refused.field.as_deref()), (Kind::InvalidInput, Some("descripton")));
    assert!(
        refused.message.contains("transfer/create has no such parameter"),
        "{}",
        refused.message
    );
    let session = session(shop(), &serde_json::Value::Null).unwrap();
    let machine = Operation::TransferCreate.payout(&session, &params, false).unwrap_err();
    assert_eq!(machine.field.as_deref(), Some("descripton"));
    let mut correct = params.clone();
    correct.as_object_mut().unwrap().remove("descripton");
    correct["description"] = json!("prize");
    let built = Operation::TransferCreate.build(&shop(), &correct).unwrap();
    assert!(built.body.contains(r#""description":"prize""#), "{}", built.body);
}

#[test]
fn the_call_and_payout_verbs_keep_payouts_on_the_exactly_once_path() {
    let session = session(shop(), &serde_json::Value::Null).unwrap();
    let create = json!({"amount": "2", "amount_type": "receive_amount", "payee_account": "201234567890",
        "payee_currency": 840, "shop_currency": 840, "shop_payment_id": "p-3"});
    let refused = Operation::TransferCreate.call(&session, &create).unwrap_err();
    assert_eq!(refused.field.as_deref(), Some("operation"));
    assert!(refused.message.contains("exactly once"), "{}", refused.message);
    let refused = Operation::ShopBalance.payout(&session, &json!({}), false).unwrap_err();
    assert_eq!(refused.field.as_deref(), Some("operation"));
    assert!(Operation::ShopBalance.call(&session, &json!({})).is_ok());
}

#[test]
fn session_options_are_read_once_and_unknown_ones_refused() {
    let made = session(
        shop(),
        &json!({"max_response_bytes": 4096, "max_creates": 2,
        "max_status_checks": 3, "total_timeout_ms": 9000, "attempt_timeout_ms": 700}),
    )
    .unwrap();
    assert_eq!(feennex_ops::max_response_bytes(&made), 4096);
    assert_eq!(made.options().payout_limits.max_creates, 2);
    assert_eq!(made.options().payout_limits.max_status_checks, 3);
    let refused = |options: serde_json::Value| session_error(options).field;
    assert_eq!(refused(json!({"attempt_timeout": 5})).as_deref(), Some("attempt_timeout"));
    assert_eq!(refused(json!({"attempt_timeout_ms": 0})).as_deref(), Some("attempt_timeout_ms"));
    assert_eq!(refused(json!({"max_creates": 1.5})).as_deref(), Some("max_creates"));
    assert_eq!(refused(json!({"allow_plain_http": "yes"})).as_deref(), Some("allow_plain_http"));
    assert_eq!(refused(json!([])).as_deref(), Some("options"));
    // Plain HTTP to another machine is refused unless allowed.
    let remote = merchant(6, "k", Some("http://192.0.2.1")).unwrap();
    assert_eq!(session(remote.clone(), &json!({})).unwrap_err().field.as_deref(), Some("base_url"));
    assert!(session(remote, &json!({"allow_plain_http": true})).is_ok());
    assert_eq!(merchant(6, "", None).unwrap_err().field.as_deref(), Some("secret"));
}

fn session_error(options: serde_json::Value) -> Failure {
    session(shop(), &options).unwrap_err()
}

#[test]
fn every_kind_has_a_distinct_name_and_an_exception() {
    let names: std::collections::BTreeSet<&str> =
        Kind::ALL.iter().map(|kind| kind.name()).collect();
    assert_eq!(names.len(), Kind::ALL.len());
    for kind in Kind::ALL {
        assert_eq!(Kind::from_name(kind.name()), Some(*kind));
        assert!(!kind.exception().is_empty());
    }
    assert!(Kind::InvalidInput.is_invalid_input() && !Kind::Api.is_invalid_input());
    assert_eq!(
        serde_json::to_value(Failure::invalid("amount", "x")).unwrap()["kind"],
        "invalid_input"
    );
}

#[test]
fn a_payout_the_limits_cannot_resolve_keeps_its_last_failure() {
    let session = session(shop(), &json!({"max_status_checks": 1})).unwrap();
    let params = json!({"amount": "2", "amount_type": "receive_amount", "payee_account": "201234567890",
        "payee_currency": 840, "shop_currency": 840, "shop_payment_id": "p-4"});
    let mut machine = Operation::TransferCreate.payout(&session, &params, false).unwrap();
    let failure = loop {
        match machine.poll_with(0) {
            StepView::Send { .. } => machine.receive_failure(true, "reset by peer"),
            StepView::Wait { .. } => {}
            StepView::Done { value } => panic!("resolved without an answer: {value}"),
            StepView::Failed { error } => break error,
        }
    };
    assert_eq!(failure.kind, Kind::PayoutUnresolved);
    assert_eq!(failure.shop_payment_id.as_deref(), Some("p-4"));
    assert_eq!(failure.last_error.as_ref().unwrap().kind, Kind::Transport);
    assert!(failure.outcome_unknown);
    let json: serde_json::Value = serde_json::from_str(&failure.to_json()).unwrap();
    assert_eq!(json["last_error"]["kind"], "transport");
}

#[test]
fn extra_fields_of_a_single_call_are_sent_unsigned_and_never_shadow_a_parameter() {
    let base = json!({"payer_currency": 840, "shop_amount": "10", "shop_currency": 840,
        "shop_order_id": "o-7"});
    let plain = Operation::BillCreate.build(&shop(), &base).unwrap();
    let mut with_lang = base.clone();
    with_lang["extra_fields"] = json!({"lang": "ru"});
    let built = Operation::BillCreate.build(&shop(), &with_lang).unwrap();
    assert!(built.body.contains(r#""lang":"ru""#), "{}", built.body);
    let signature = |body: &str| body.rsplit("\"sign\":").next().unwrap().to_owned();
    assert_eq!(signature(&built.body), signature(&plain.body));

    let mut shadow = base.clone();
    shadow["extra_fields"] = json!({"shop_amount": "5"});
    let refused = Operation::BillCreate.build(&shop(), &shadow).unwrap_err();
    assert_eq!(refused.field.as_deref(), Some("extra_fields"));
    let mut sign = base;
    sign["extra_fields"] = json!({"sign": "x"});
    assert_eq!(
        Operation::BillCreate.build(&shop(), &sign).unwrap_err().field.as_deref(),
        Some("extra_fields")
    );

    let payout = json!({"amount": "2", "amount_type": "receive_amount", "payee_account": "201234567890",
        "payee_currency": 840, "shop_currency": 840, "shop_payment_id": "p-5", "extra_fields": {}});
    let refused = Operation::TransferCreate.build(&shop(), &payout).unwrap_err();
    assert_eq!(refused.field.as_deref(), Some("extra_fields"));
}

#[test]
fn packed_fields_unpack_and_a_nul_inside_is_refused() {
    let fields = feennex_ops::unpack_fields("a\x001\x00b\x002\x00", 2).unwrap();
    assert_eq!(fields, [("a", "1"), ("b", "2")]);
    assert_eq!(feennex_ops::unpack_fields("", 0).unwrap(), []);
    let cases = [("a\x001\x00b\x002\x00", 1), ("a\x001\x00", 2), ("a\0x\0y\0", 1), ("a\x001", 1)];
    for (packed, count) in cases {
        let refused = feennex_ops::unpack_fields(packed, count).unwrap_err();
        assert_eq!(refused.field.as_deref(), Some("fields"), "{packed:?} {count}");
    }
}
