//! Callback verification by the bindings' shared layer: the sender policy and the
//! field rule are the caller's, and a rule that contradicts itself is refused
//! before anything is verified.

#![allow(clippy::result_large_err)]

use feennex_ops::{
    CallbackInput, FieldRule, Kind, SenderRule, fields_json, sign_fields, verify_with_secret,
};

const SECRET: &str = "ops-callback-secret";
const FORM: &str = "application/x-www-form-urlencoded";

/// A signed payment callback with a payway's `phone` field, which the API does
/// not document.
fn callback_with_phone() -> String {
    let fields = [
        ("payment_id", "9001"),
        ("phone", "+79001234567"),
        ("shop_amount", "100.00"),
        ("shop_currency", "643"),
        ("shop_id", "6"),
        ("shop_order_id", "o-1"),
        ("status", "success"),
    ];
    let sign = sign_fields(&fields, SECRET).unwrap();
    let form: Vec<String> = fields.iter().map(|(name, value)| format!("{name}={value}")).collect();
    format!("{}&sign={sign}", form.join("&")).replace('+', "%2B")
}

fn verify(body: &str, fields: FieldRule<'_>) -> Result<serde_json::Value, feennex_ops::Failure> {
    let input = CallbackInput {
        body: body.as_bytes(),
        content_type: FORM,
        remote_ip: "10.0.0.1",
        senders: SenderRule { allow: None, checked_upstream: true },
        fields,
    };
    verify_with_secret(input, SECRET).map(|notification| fields_json(&notification))
}

#[test]
fn the_strict_default_refuses_a_field_the_api_does_not_document() {
    let refused = verify(&callback_with_phone(), FieldRule::default()).unwrap_err();
    assert_eq!(refused.kind, Kind::CallbackRejected);
    assert!(refused.message.contains("unexpected field \"phone\""), "{}", refused.message);
}

#[test]
fn an_allowed_name_or_permissive_accepts_it() {
    let phone = ["phone".to_owned()];
    let allowed =
        verify(&callback_with_phone(), FieldRule { allow_fields: &phone, permissive: false });
    assert_eq!(allowed.unwrap()["phone"], "+79001234567");

    let another = ["email".to_owned()];
    let refused =
        verify(&callback_with_phone(), FieldRule { allow_fields: &another, permissive: false });
    assert_eq!(refused.unwrap_err().kind, Kind::CallbackRejected);

    let permissive =
        verify(&callback_with_phone(), FieldRule { allow_fields: &[], permissive: true });
    assert_eq!(permissive.unwrap()["shop_order_id"], "o-1");
}

#[test]
fn a_contradictory_rule_is_refused_naming_its_argument_before_any_check() {
    let phone = ["phone".to_owned()];
    // A body with no signature: the rule is refused first, nothing is verified.
    let both =
        verify("shop_id=6", FieldRule { allow_fields: &phone, permissive: true }).unwrap_err();
    assert_eq!((both.kind, both.field.as_deref()), (Kind::InvalidInput, Some("permissive")));
    assert!(both.message.contains("not both"), "{}", both.message);

    let empty = [String::new()];
    let unnamed =
        verify(&callback_with_phone(), FieldRule { allow_fields: &empty, permissive: false });
    let unnamed = unnamed.unwrap_err();
    assert_eq!(
        (unnamed.kind, unnamed.field.as_deref()),
        (Kind::InvalidInput, Some("allow_fields"))
    );
}

#[test]
fn a_session_verifies_with_its_own_key_and_each_refusal_says_its_reason() {
    let merchant = feennex_ops::merchant(6, SECRET, None).unwrap();
    let session = feennex_ops::session(merchant, &serde_json::Value::Null).unwrap();
    let phone = ["phone".to_owned()];
    let allow = ["10.0.0.0/8".to_owned()];
    let body = callback_with_phone();
    let input = |body: &str, remote_ip, senders| CallbackInput {
        body: body.as_bytes().to_vec().leak(),
        content_type: FORM,
        remote_ip,
        senders,
        fields: FieldRule { allow_fields: &phone, permissive: false },
    };
    let listed = SenderRule { allow: Some(&allow), checked_upstream: false };
    let notification =
        feennex_ops::verify_with_session(&session, input(&body, "10.1.2.3", listed)).unwrap();
    assert_eq!(notification.shop_order_id(), Some("o-1"));

    let reason = |body: &str, remote_ip| {
        let failure =
            feennex_ops::verify_with_session(&session, input(body, remote_ip, listed)).unwrap_err();
        assert_eq!(failure.kind, Kind::CallbackRejected);
        failure.reason.unwrap()
    };
    assert_eq!(reason(&body, "192.0.2.1"), "sender_not_allowed");
    assert_eq!(reason(&body.replace("100.00", "900.00"), "10.0.0.1"), "bad_signature");
    assert_eq!(reason("shop_id=6", "10.0.0.1"), "missing_sign");

    // The sender rule is the core's: exactly one of a list and upstream.
    let both = SenderRule { allow: Some(&allow), checked_upstream: true };
    let refused = feennex_ops::verify_with_session(&session, input(&body, "10.0.0.1", both));
    assert_eq!(refused.unwrap_err().field.as_deref(), Some("checked_upstream"));
    let neither = SenderRule::default();
    let refused = feennex_ops::verify_with_session(&session, input(&body, "10.0.0.1", neither));
    assert_eq!(refused.unwrap_err().field.as_deref(), Some("allow"));

    // The order is compared as decimals; a mismatch names the field.
    let order = |amount: &str, currency: u16| serde_json::json!({"shop_id": 6, "shop_order_id": "o-1", "amount": amount, "currency": currency});
    feennex_ops::check_order(&notification, &order("100", 643)).unwrap();
    let mismatch = feennex_ops::check_order(&notification, &order("100.01", 643)).unwrap_err();
    assert_eq!(mismatch.kind, Kind::OrderMismatch);
    assert_eq!(
        (mismatch.field.as_deref(), mismatch.received.as_deref()),
        (Some("shop_amount"), Some("100.00"))
    );
    let currency = feennex_ops::check_order(&notification, &order("100", 840)).unwrap_err();
    assert_eq!(currency.field.as_deref(), Some("shop_currency"));
}
