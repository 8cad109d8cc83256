//! Callback verification by the bindings' shared layer: the sender policy and the
//! field rule are the caller's, and a rule that contradicts itself is refused
//! before anything is verified.

use feennex_ops::{CallbackInput, FieldRule, sign_fields, verify_callback};

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
    let sign = sign_fields(&fields, SECRET);
    let form: Vec<String> = fields.iter().map(|(name, value)| format!("{name}={value}")).collect();
    format!("{}&sign={sign}", form.join("&")).replace('+', "%2B")
}

fn verify(body: &str, fields: FieldRule<'_>) -> Result<serde_json::Value, feennex_ops::Failure> {
    let input = CallbackInput {
        body: body.as_bytes(),
        content_type: FORM,
        remote_ip: "10.0.0.1",
        allow: None,
        fields,
    };
    verify_callback(input, SECRET)
}

#[test]
fn the_strict_default_refuses_a_field_the_api_does_not_document() {
    let refused = verify(&callback_with_phone(), FieldRule::default()).unwrap_err();
    assert_eq!(refused.kind, "callback_rejected");
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
    assert_eq!(refused.unwrap_err().kind, "callback_rejected");

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
    assert_eq!((both.kind, both.field.as_deref()), ("invalid_input", Some("permissive")));
    assert!(both.message.contains("not both"), "{}", both.message);

    let empty = [String::new()];
    let unnamed =
        verify(&callback_with_phone(), FieldRule { allow_fields: &empty, permissive: false });
    let unnamed = unnamed.unwrap_err();
    assert_eq!((unnamed.kind, unnamed.field.as_deref()), ("invalid_input", Some("allow_fields")));
}
