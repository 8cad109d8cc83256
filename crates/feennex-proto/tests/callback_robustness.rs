//! Verifying any bytes as a callback ends in a notification or a typed rejection,
//! never a panic.

use std::net::IpAddr;

use feennex_proto::SecretKey;
use feennex_proto::callback::{SenderCheck, verify_callback};
use proptest::prelude::*;

const CONTENT_TYPES: [&str; 5] = [
    "application/x-www-form-urlencoded",
    "application/json",
    "application/json; charset=utf-8",
    "application/x-www-form-urlencoded;charset",
    "",
];

fn check(body: &[u8], content_type: &str) {
    let sender: IpAddr = "87.98.145.206".parse().unwrap();
    let secret = SecretKey::new("s");
    let outcome =
        verify_callback(body, content_type, sender, &secret, &SenderCheck::CheckedUpstream);
    if let Ok(notification) = outcome {
        // Only a body carrying a signature can ever be accepted.
        assert!(notification.field("sign").is_some_and(|sign| sign.len() == 64));
    }
    let nobody = SenderCheck::AllowList(Vec::new());
    assert!(verify_callback(body, content_type, sender, &secret, &nobody).is_err());
}

/// Form-like bodies: names, `=`, `&`, `+` and percent escapes, well formed or not.
fn form_like() -> impl Strategy<Value = String> {
    "([a-z_]{0,6}(=[a-z0-9%+&=.]{0,10})?&?){0,8}"
}

/// JSON-like bodies made of the pieces a callback has.
fn json_like() -> impl Strategy<Value = String> {
    let value = prop_oneof![
        Just("null".to_owned()),
        Just("\"\"".to_owned()),
        "-?[0-9]{1,25}(\\.[0-9]{0,20})?(e-?[0-9]{1,4})?",
        "\"[^\"\\\\]{0,12}\"",
        Just(r#"{"a":[1,{"b":null}]}"#.to_owned()),
        Just("true".to_owned()),
    ];
    prop::collection::vec(("(sign|shop_id|shop_amount|x)", value), 0..8).prop_map(|fields| {
        let fields: Vec<String> = fields.into_iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
        format!("{{{}}}", fields.join(","))
    })
}

proptest! {
    #[test]
    fn arbitrary_bodies_never_panic(body in prop::collection::vec(any::<u8>(), 0..512), kind in 0usize..5) {
        check(&body, CONTENT_TYPES[kind]);
    }

    #[test]
    fn form_like_bodies_never_panic(body in form_like()) {
        check(body.as_bytes(), CONTENT_TYPES[0]);
    }

    #[test]
    fn json_like_bodies_never_panic(body in json_like()) {
        check(body.as_bytes(), CONTENT_TYPES[1]);
    }
}
