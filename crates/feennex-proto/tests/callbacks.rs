//! Callback verification: which fields are signed, how their text is taken, and
//! every reason to refuse one.

use std::net::IpAddr;

use feennex_proto::callback::{
    CallbackPolicy, CallbackRejection, CallbackStatus, ConfirmationMismatch, ExpectedOrder,
    Notification, OrderMismatch, SenderCheck, verify_callback, verify_callback_with,
};
use feennex_proto::{
    SecretKey,
    endpoints::BillState,
    prelude::{Currency, ShopId},
};
use sha2::{Digest, Sha256};

const SECRET: &str = "callback-secret-77";
const FEENNEX: &str = "87.98.145.206";
const FORM: &str = "application/x-www-form-urlencoded";
const JSON: &str = "application/json";

/// SHA-256 of the values joined with `:` and the secret, computed here rather
/// than by the crate's signer.
fn signature(values_in_name_order: &[&str]) -> String {
    let text = format!("{}{SECRET}", values_in_name_order.join(":"));
    Sha256::digest(text).iter().map(|byte| format!("{byte:02x}")).collect()
}

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap()
}

fn senders() -> SenderCheck {
    SenderCheck::AllowList(vec![
        FEENNEX.parse().unwrap(),
        "51.68.53.104-51.68.53.107".parse().unwrap(),
    ])
}

fn verify(body: &str, content_type: &str) -> Result<Notification, CallbackRejection> {
    verify_callback(body.as_bytes(), content_type, ip(FEENNEX), &SecretKey::new(SECRET), &senders())
}

/// Verification that checks the signature only, for field sets a payment callback
/// would not have.
fn verify_permissive(body: &str, content_type: &str) -> Result<Notification, CallbackRejection> {
    verify_callback_with(
        body.as_bytes(),
        content_type,
        ip(FEENNEX),
        &SecretKey::new(SECRET),
        &senders(),
        &CallbackPolicy::permissive(),
    )
}

/// A form callback as seen in the wild, with a zero refund and an empty e-mail.
fn form_body() -> String {
    let sign = signature(&[
        "2024-04-12 06:18:34",
        "1001",
        "card_usd",
        "10.00",
        "840",
        "6",
        "order-7",
        "0",
        "success",
    ]);
    format!(
        "created=2024-04-12+06%3A18%3A34&email=&payment_id=1001&payway=card_usd&shop_amount=10.00\
         &shop_currency=840&shop_id=6&shop_order_id=order-7&shop_refund=0&status=success&sign={sign}"
    )
}

#[test]
fn a_form_callback_verifies_with_zero_signed_and_empty_left_out() {
    let notification = verify(&form_body(), FORM).unwrap();
    assert_eq!(notification.shop_id(), ShopId::new(6));
    assert_eq!(notification.shop_order_id(), Some("order-7"));
    assert_eq!(notification.shop_amount(), Some("10".parse().unwrap()));
    assert_eq!(notification.shop_currency(), Some(Currency::USD));
    assert_eq!(notification.shop_refund(), Some("0".parse().unwrap()));
    assert_eq!(notification.status(), Some(CallbackStatus::Success));
    assert_eq!(notification.payment_id(), Some("1001"));
    assert_eq!(notification.payway(), Some("card_usd"));
    assert_eq!(notification.created(), Some("2024-04-12 06:18:34"));
    assert_eq!(notification.field("email"), Some(""));
}

#[test]
fn leaving_out_a_zero_field_breaks_the_signature() {
    let sign = signature(&[
        "2024-04-12 06:18:34",
        "1001",
        "card_usd",
        "10.00",
        "840",
        "6",
        "order-7",
        "success",
    ]);
    let body = format!(
        "created=2024-04-12+06%3A18%3A34&payment_id=1001&payway=card_usd&shop_amount=10.00\
         &shop_currency=840&shop_id=6&shop_order_id=order-7&shop_refund=0&status=success&sign={sign}"
    );
    assert_eq!(verify(&body, FORM).unwrap_err(), CallbackRejection::BadSignature);
}

#[test]
fn a_tampered_field_is_refused() {
    let body = form_body().replace("shop_amount=10.00", "shop_amount=1000.00");
    assert_eq!(verify(&body, FORM).unwrap_err(), CallbackRejection::BadSignature);
    let body = form_body().replace("status=success", "status=succes");
    assert_eq!(verify(&body, FORM).unwrap_err(), CallbackRejection::BadSignature);
}

#[test]
fn a_field_added_by_someone_else_is_refused() {
    let body = format!("{}&bonus=1", form_body());
    assert_eq!(verify(&body, FORM).unwrap_err(), CallbackRejection::BadSignature);
}

#[test]
fn a_foreign_sender_is_refused_even_with_a_good_signature() {
    let outcome = verify_callback(
        form_body().as_bytes(),
        FORM,
        ip("203.0.113.9"),
        &SecretKey::new(SECRET),
        &senders(),
    );
    assert_eq!(outcome.unwrap_err(), CallbackRejection::SenderNotAllowed { ip: ip("203.0.113.9") });
    for allowed in ["51.68.53.106", "::ffff:87.98.145.206"] {
        let outcome = verify_callback(
            form_body().as_bytes(),
            FORM,
            ip(allowed),
            &SecretKey::new(SECRET),
            &senders(),
        );
        assert!(outcome.is_ok(), "{allowed}");
    }
}

#[test]
fn a_sender_checked_upstream_is_not_checked_again() {
    let outcome = verify_callback(
        form_body().as_bytes(),
        FORM,
        ip("10.0.0.1"),
        &SecretKey::new(SECRET),
        &SenderCheck::CheckedUpstream,
    );
    assert!(outcome.is_ok());
}

#[test]
fn another_shops_key_is_refused() {
    let outcome = verify_callback(
        form_body().as_bytes(),
        FORM,
        ip(FEENNEX),
        &SecretKey::new("another-secret"),
        &senders(),
    );
    assert_eq!(outcome.unwrap_err(), CallbackRejection::BadSignature);
}

#[test]
fn unknown_fields_are_signed_and_kept() {
    let sign = signature(&["{\"rrn\": \"123\"}", "10", "840", "6", "o-1", "success", "surprise"]);
    let body = format!(
        "ps_data=%7B%22rrn%22%3A+%22123%22%7D&shop_amount=10&shop_currency=840&shop_id=6\
         &shop_order_id=o-1&status=success&zz_new_field=surprise&sign={sign}"
    );
    let notification = verify_permissive(&body, FORM).unwrap();
    assert_eq!(notification.field("zz_new_field"), Some("surprise"));
    assert_eq!(notification.ps_data(), Some("{\"rrn\": \"123\"}"));
    assert_eq!(notification.fields().len(), 8);
}

#[test]
fn form_values_decode_plus_and_percent_before_signing() {
    let sign = signature(&["Order #7 & more+", "10", "6"]);
    let body = format!("description=Order+%237+%26+more%2B&shop_amount=10&shop_id=6&sign={sign}");
    let notification =
        verify_permissive(&body, "application/x-www-form-urlencoded; charset=UTF-8").unwrap();
    assert_eq!(notification.field("description"), Some("Order #7 & more+"));
}

#[test]
fn a_json_callback_signs_raw_number_text_and_skips_null() {
    let sign = signature(&["Тест", "{\"a\": [1, 2.50]}", "10.0", "840", "6", "o-1", "success"]);
    let body = format!(
        r#"{{"description":"\u0422ест","payer_id":null,"ps_data":{{"a": [1, 2.50]}},"shop_amount":10.0,
            "shop_currency":840,"shop_id":6,"shop_order_id":"o-1","status":"success","sign":"{sign}"}}"#
    );
    let notification = verify_permissive(&body, "application/json; charset=utf-8").unwrap();
    assert_eq!(notification.field("shop_amount"), Some("10.0"));
    assert_eq!(notification.shop_amount(), Some("10".parse().unwrap()));
    assert_eq!(notification.field("payer_id"), None);
    assert!(notification.fields().contains_key("payer_id"));
    assert_eq!(notification.ps_data(), Some(r#"{"a": [1, 2.50]}"#));
    assert_eq!(notification.field("description"), Some("Тест"));
}

#[test]
fn a_json_number_signed_as_python_would_reprint_it_is_refused() {
    let sign = signature(&["10", "6"]);
    let body = format!(r#"{{"shop_amount":10.0,"shop_id":6,"sign":"{sign}"}}"#);
    assert_eq!(verify(&body, JSON).unwrap_err(), CallbackRejection::BadSignature);
}

#[test]
fn a_missing_empty_or_null_sign_is_missing() {
    for (body, content_type) in [
        ("shop_id=6", FORM),
        ("shop_id=6&sign=", FORM),
        (r#"{"shop_id":6,"sign":null}"#, JSON),
        (r#"{"shop_id":6,"sign":""}"#, JSON),
    ] {
        assert_eq!(
            verify(body, content_type).unwrap_err(),
            CallbackRejection::MissingSign,
            "{body}"
        );
    }
}

#[test]
fn malformed_bodies_and_other_content_types_are_refused() {
    let cases = [
        ("shop_id=6&shop_id=7&sign=x", FORM),
        ("=1&sign=x", FORM),
        ("shop_id=%FF&sign=x", FORM),
        (r#"{"shop_id":6"#, JSON),
        (r#"["shop_id"]"#, JSON),
        (r#"{"sign":"a","sign":"b"}"#, JSON),
    ];
    for (body, content_type) in cases {
        assert!(
            matches!(verify(body, content_type), Err(CallbackRejection::MalformedBody { .. })),
            "{body}"
        );
    }
    assert_eq!(
        verify(&form_body(), "text/plain").unwrap_err(),
        CallbackRejection::UnsupportedContentType { content_type: "text/plain".to_owned() }
    );
}

#[test]
fn rejections_never_show_the_secret() {
    let bodies = [form_body(), form_body().replace("10.00", "11"), "x=%FF".to_owned()];
    for body in bodies {
        for content_type in [FORM, JSON, "text/html"] {
            if let Err(rejection) = verify(&body, content_type) {
                let shown = format!("{rejection} {rejection:?}");
                assert!(!shown.contains(SECRET), "{shown}");
            }
        }
    }
}

fn order(amount: &str, currency: Currency, shop: u64, id: &str) -> ExpectedOrder {
    ExpectedOrder {
        shop_id: ShopId::new(shop).unwrap(),
        shop_order_id: id.parse().unwrap(),
        amount: amount.parse().unwrap(),
        currency,
    }
}

#[test]
fn the_order_check_compares_amounts_as_decimals() {
    let notification = verify(&form_body(), FORM).unwrap();
    assert_eq!(notification.check_order(&order("10.0", Currency::USD, 6, "order-7")), Ok(()));
    assert_eq!(notification.check_order(&order("10", Currency::USD, 6, "order-7")), Ok(()));
    assert_eq!(
        notification.check_order(&order("10.01", Currency::USD, 6, "order-7")),
        Err(OrderMismatch::Amount {
            expected: "10.01".parse().unwrap(),
            received: Some("10.00".to_owned())
        })
    );
    assert!(matches!(
        notification.check_order(&order("10", Currency::EUR, 6, "order-7")),
        Err(OrderMismatch::Currency { received: Some(ref text), .. }) if text == "840"
    ));
    assert!(matches!(
        notification.check_order(&order("10", Currency::USD, 7, "order-7")),
        Err(OrderMismatch::ShopId { .. })
    ));
    assert!(matches!(
        notification.check_order(&order("10", Currency::USD, 6, "order-8")),
        Err(OrderMismatch::ShopOrderId { .. })
    ));
}

#[test]
fn the_order_check_reports_a_missing_amount() {
    let sign = signature(&["840", "6", "o-1"]);
    let body = format!("shop_currency=840&shop_id=6&shop_order_id=o-1&sign={sign}");
    let notification = verify_permissive(&body, FORM).unwrap();
    assert_eq!(
        notification.check_order(&order("1", Currency::USD, 6, "o-1")),
        Err(OrderMismatch::Amount { expected: "1".parse().unwrap(), received: None })
    );
}

#[test]
fn a_notification_serializes_every_field_as_text() {
    let notification = verify(&form_body(), FORM).unwrap();
    let json = serde_json::to_value(&notification).unwrap();
    assert_eq!(json["shop_amount"], "10.00");
    assert_eq!(json["shop_refund"], "0");
    assert_eq!(json["email"], "");
    assert_eq!(json.as_object().unwrap().len(), 11);
}

#[test]
fn the_strict_default_refuses_unknown_names_and_missing_payment_fields() {
    let sign = signature(&["{\"rrn\": \"123\"}", "10", "840", "6", "o-1", "success", "surprise"]);
    let body = format!(
        "ps_data=%7B%22rrn%22%3A+%22123%22%7D&shop_amount=10&shop_currency=840&shop_id=6\
         &shop_order_id=o-1&status=success&zz_new_field=surprise&sign={sign}"
    );
    assert_eq!(
        verify(&body, FORM).unwrap_err(),
        CallbackRejection::UnexpectedField { name: "zz_new_field".to_owned() }
    );
    let allowing = CallbackPolicy::strict().allow_field("zz_new_field");
    let outcome = verify_callback_with(
        body.as_bytes(),
        FORM,
        ip(FEENNEX),
        &SecretKey::new(SECRET),
        &senders(),
        &allowing,
    );
    // Allowed, the name passes; the callback still lacks its payment id.
    assert_eq!(
        outcome.unwrap_err(),
        CallbackRejection::MissingField { name: "payment_id".to_owned() }
    );
    assert!(verify_permissive(&body, FORM).is_ok());
}

#[test]
fn a_field_rejection_names_the_field_and_never_the_secret() {
    let name = format!("x{}", "y".repeat(500));
    let sign = signature(&["1001", "10", "840", "6", "o-1", "success", "1"]);
    let body = format!(
        "payment_id=1001&shop_amount=10&shop_currency=840&shop_id=6&shop_order_id=o-1\
         &status=success&{name}=1&sign={sign}"
    );
    let rejection = verify(&body, FORM).unwrap_err();
    let shown = format!("{rejection} {rejection:?}");
    assert!(shown.contains("xyyy"), "{shown}");
    assert!(shown.len() < 300, "{shown}");
    assert!(!shown.contains(SECRET));
}

/// A payment callback of order `order-7` for 10.00 USD, signed, whose `shop_id`
/// field says `shop_id` and whose amount says `amount`.
fn payment_callback(shop_id: &str, amount: &str) -> Notification {
    let sign = signature(&["1001", amount, "840", shop_id, "order-7", "success"]);
    let body = format!(
        "payment_id=1001&shop_amount={amount}&shop_currency=840&shop_id={shop_id}\
         &shop_order_id=order-7&status=success&sign={sign}"
    );
    verify_permissive(&body, FORM).unwrap()
}

/// The API's record of order `order-7`: paid, 10 USD.
fn paid_bill() -> BillState {
    serde_json::from_str(
        r#"{"id": 1001, "status": 2, "shop_order_id": "order-7", "shop_amount": 10.0,
            "shop_currency": 840}"#,
    )
    .unwrap()
}

#[test]
fn confirmation_and_the_order_check_take_the_shop_id_exactly_as_the_merchants() {
    let merchant = ShopId::new(6).unwrap();
    assert_eq!(payment_callback("6", "10.00").confirm(merchant, &paid_bill()), Ok(()));
    for other in ["06", "7", "6.0"] {
        let notification = payment_callback(other, "10.00");
        let mismatch = notification.confirm(merchant, &paid_bill()).unwrap_err();
        assert_eq!(
            mismatch,
            ConfirmationMismatch::ShopId { callback: Some(other.to_owned()), merchant }
        );
        assert_eq!(mismatch.field(), "shop_id");
        assert_eq!(
            mismatch.to_string(),
            format!("shop_id: the callback says \"{other}\", the merchant is 6")
        );
        let order = ExpectedOrder {
            shop_id: merchant,
            shop_order_id: "order-7".parse().unwrap(),
            amount: "10".parse().unwrap(),
            currency: Currency::USD,
        };
        assert_eq!(
            notification.check_order(&order),
            Err(OrderMismatch::ShopId { expected: merchant, received: Some(other.to_owned()) })
        );
    }
}

#[test]
fn mismatches_read_as_prose_without_rust_debug_forms() {
    let merchant = ShopId::new(6).unwrap();
    let mismatch = payment_callback("6", "250.00").confirm(merchant, &paid_bill()).unwrap_err();
    assert_eq!(
        mismatch.to_string(),
        "shop_amount: the callback says \"250.00\", the API says 10.0"
    );
    let unpaid: BillState = serde_json::from_str(
        r#"{"id": 1001, "status": 2, "shop_order_id": "order-7", "shop_currency": 840}"#,
    )
    .unwrap();
    let missing = payment_callback("6", "10.00").confirm(merchant, &unpaid).unwrap_err();
    assert_eq!(
        missing.to_string(),
        "shop_amount: the callback says \"10.00\", the API says nothing"
    );
    let order = ExpectedOrder {
        shop_id: merchant,
        shop_order_id: "order-8".parse().unwrap(),
        amount: "10".parse().unwrap(),
        currency: Currency::USD,
    };
    let other_order = payment_callback("6", "10.00").check_order(&order).unwrap_err();
    assert_eq!(other_order.to_string(), "shop_order_id is \"order-7\", expected \"order-8\"");
    for text in [mismatch.to_string(), missing.to_string(), other_order.to_string()] {
        assert!(!text.contains("Some(") && !text.contains("None"), "{text}");
    }
}
