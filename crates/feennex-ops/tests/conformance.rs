//! The shared cases of `tests/data/conformance.json`, which every binding also
//! runs in its own language: the same input gives the same result, the same
//! refused field and the same callback reason everywhere.
#![allow(clippy::result_large_err)]

use feennex_ops::{CallbackInput, FieldRule, Kind, Operation, SenderRule};
use serde_json::Value;

fn cases() -> Value {
    let text = include_str!("data/conformance.json");
    serde_json::from_str(text).unwrap()
}

fn session(cases: &Value) -> feennex_ops::proto::Session {
    let merchant = feennex_ops::merchant(
        cases["shop_id"].as_u64().unwrap(),
        cases["secret"].as_str().unwrap(),
        cases["base_url"].as_str(),
    )
    .unwrap();
    feennex_ops::session(merchant, &Value::Null).unwrap()
}

#[test]
fn build_cases() {
    let cases = cases();
    let session = session(&cases);
    for case in cases["build"].as_array().unwrap() {
        let name = &case["name"];
        let result = Operation::from_name(case["operation"].as_str().unwrap())
            .and_then(|operation| operation.build(session.merchant(), &case["params"]));
        match (&case["field"], result) {
            (Value::String(field), Err(failure)) => {
                assert_eq!(failure.kind, Kind::InvalidInput, "{name}");
                assert_eq!(failure.field.as_deref(), Some(field.as_str()), "{name}");
            }
            (Value::Null, Ok(request)) => {
                if let Some(text) = case["body_contains"].as_str() {
                    assert!(request.body.contains(text), "{name}: {}", request.body);
                }
            }
            (expected, got) => panic!("{name}: expected {expected}, got {got:?}"),
        }
    }
}

#[test]
fn option_cases() {
    let cases = cases();
    for case in cases["options"].as_array().unwrap() {
        let merchant = feennex_ops::merchant(6, "k", None).unwrap();
        let result = feennex_ops::session(merchant, &case["options"]);
        match (&case["field"], result) {
            (Value::String(field), Err(failure)) => {
                assert_eq!(failure.field.as_deref(), Some(field.as_str()), "{}", case["name"])
            }
            (Value::Null, Ok(_)) => {}
            (expected, got) => panic!("{}: expected {expected}, got {got:?}", case["name"]),
        }
    }
}

#[test]
fn callback_cases() {
    let cases = cases();
    let session = session(&cases);
    for case in cases["callbacks"].as_array().unwrap() {
        let name = &case["name"];
        let allow: Option<Vec<String>> = serde_json::from_value(case["allow"].clone()).unwrap();
        let input = CallbackInput {
            body: case["body"].as_str().unwrap().as_bytes(),
            content_type: case["content_type"].as_str().unwrap(),
            remote_ip: case["remote_ip"].as_str().unwrap(),
            senders: SenderRule {
                allow: allow.as_deref(),
                checked_upstream: case["checked_upstream"].as_bool().unwrap(),
            },
            fields: FieldRule::default(),
        };
        let result = feennex_ops::verify_with_session(&session, input);
        match (&case["reason"], &case["field"], result) {
            (Value::String(reason), _, Err(failure)) => {
                assert_eq!(failure.kind, Kind::CallbackRejected, "{name}");
                assert_eq!(failure.reason, Some(reason.as_str()), "{name}");
            }
            (_, Value::String(field), Err(failure)) => {
                assert_eq!(failure.kind, Kind::InvalidInput, "{name}");
                assert_eq!(failure.field.as_deref(), Some(field.as_str()), "{name}");
            }
            (Value::Null, Value::Null, Ok(notification)) => {
                assert_eq!(notification.shop_order_id(), case["shop_order_id"].as_str(), "{name}");
            }
            (reason, field, got) => panic!("{name}: expected {reason} / {field}, got {got:?}"),
        }
    }
}

#[test]
fn withdrawal_finality_cases() {
    let cases = cases();
    for (status, is_final) in cases["withdraw_final"].as_object().unwrap() {
        let status: i64 = status.parse().unwrap();
        assert_eq!(
            feennex_ops::withdraw_status_is_final(status),
            is_final.as_bool().unwrap(),
            "{status}"
        );
    }
}
