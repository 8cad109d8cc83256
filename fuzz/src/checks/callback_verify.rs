//! The `callback_verify` fuzz target's check.

use std::net::IpAddr;

use feennex_proto::SecretKey;
use feennex_proto::callback::{
    CallbackPolicy, CallbackRejection, IpRange, SenderCheck, verify_callback, verify_callback_with,
};
use serde_json::Value;

use super::*;

const CALLBACK_SECRET: &str = "callback-fuzz-secret";

fn callback_senders() -> Vec<IpRange> {
    ["87.98.145.206", "51.68.53.104-51.68.53.107", "10.0.0.0/8", "2001:db8::/32"]
        .iter()
        .map(|text| text.parse().expect("a valid range"))
        .collect()
}

/// Whether the allow list of [`callback_senders`] holds `ip`, computed on plain
/// integers (an IPv4 address seen through IPv6 counts as IPv4).
fn reference_allows(ip: IpAddr) -> bool {
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    };
    match ip {
        IpAddr::V4(v4) => {
            let n = u32::from(v4);
            n == u32::from_be_bytes([87, 98, 145, 206])
                || (u32::from_be_bytes([51, 68, 53, 104])..=u32::from_be_bytes([51, 68, 53, 107]))
                    .contains(&n)
                || n >> 24 == 10
        }
        IpAddr::V6(v6) => u128::from(v6) >> 96 == 0x2001_0db8,
    }
}

const CONTENT_TYPES: [&str; 6] = [
    "application/x-www-form-urlencoded",
    "application/json",
    "application/x-www-form-urlencoded; charset=UTF-8",
    "Application/JSON;charset=utf-8",
    "text/plain",
    "",
];

/// What the content type names, by the same rule a reader of the spec would use.
fn reference_format(content_type: &str) -> Option<bool> {
    let media = content_type.split(';').next().unwrap_or_default().trim();
    if media.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
        Some(false)
    } else if media.eq_ignore_ascii_case("application/json") {
        Some(true)
    } else {
        None
    }
}

/// Verifies a callback built from the input. The first byte chooses: the content
/// type (one of [`CONTENT_TYPES`] or arbitrary text), IPv4 or IPv6, an allow list
/// or a check done upstream, and whether the rest is a raw body or fields that are
/// signed properly and then tampered with.
///
/// Raw bodies: the sender, content type and signature decide exactly as the spec
/// says, and an accepted body is refused under another key. Signed fields (any
/// names and values, `:`, `&`, `=` and non-ASCII included, in a form or a JSON
/// body): accepted with every value as sent; a changed value or signature refused.
pub fn callback_verify(data: &[u8]) {
    let mut input = Input::new(data);
    let flags = input.byte();
    let content_type = match flags & 0b111 {
        choice @ 0..=5 => CONTENT_TYPES[usize::from(choice)].to_owned(),
        _ => {
            let len = usize::from(input.byte() % 64);
            String::from_utf8_lossy(input.take(len)).into_owned()
        }
    };
    let sender: IpAddr = if flags & 0b1000 == 0 {
        let octets = input.take(4);
        let mut bytes = [0u8; 4];
        bytes[..octets.len()].copy_from_slice(octets);
        bytes.into()
    } else {
        let octets = input.take(16);
        let mut bytes = [0u8; 16];
        bytes[..octets.len()].copy_from_slice(octets);
        bytes.into()
    };
    let upstream = flags & 0b1_0000 != 0;
    let senders = if upstream {
        SenderCheck::CheckedUpstream
    } else {
        SenderCheck::AllowList(callback_senders())
    };
    let allowed = upstream || reference_allows(sender);
    let secret = SecretKey::new(CALLBACK_SECRET);

    if flags & 0b10_0000 != 0 {
        if let (true, Some(json)) = (allowed, reference_format(&content_type)) {
            signed_callback(input.rest(), json, &content_type, sender, &senders, &secret);
        }
        return;
    }

    let body = input.rest();
    let result = verify_callback(body, &content_type, sender, &secret, &senders);
    if !allowed {
        assert_eq!(result, Err(CallbackRejection::SenderNotAllowed { ip: sender }));
        return;
    }
    if reference_format(&content_type).is_none() {
        match result {
            Err(CallbackRejection::UnsupportedContentType { content_type: kept }) => {
                assert!(kept.chars().count() <= 100);
                assert!(content_type.starts_with(&kept));
            }
            other => panic!("content type {content_type:?} gave {other:?}"),
        }
        return;
    }
    match result {
        Ok(notification) => {
            let sign = notification.field("sign").expect("an accepted callback has a sign");
            assert!(!sign.is_empty());
            let signed: Vec<(&str, &str)> = notification
                .fields()
                .iter()
                .filter(|(name, _)| name.as_str() != "sign")
                .filter_map(|(name, value)| {
                    value.as_deref().filter(|v| !v.is_empty()).map(|v| (name.as_str(), v))
                })
                .collect();
            assert!(feennex_proto::sign::verify(&signed, &secret, sign));
            let other = SecretKey::new(format!("{CALLBACK_SECRET}-other"));
            assert_eq!(
                verify_callback(body, &content_type, sender, &other, &senders),
                Err(CallbackRejection::BadSignature)
            );
        }
        Err(CallbackRejection::SenderNotAllowed { .. }) => panic!("{sender} is allowed"),
        Err(CallbackRejection::UnsupportedContentType { .. }) => {
            panic!("{content_type:?} is supported")
        }
        Err(rejection) => assert_short_error(&rejection),
    }
}

/// Fields decoded from the input: `name \x01 value` pairs separated by NUL, with
/// empty, repeated and `sign` names dropped.
fn decoded_fields(data: &[u8]) -> Vec<(String, String)> {
    let text = String::from_utf8_lossy(data);
    let mut fields: Vec<(String, String)> = Vec::new();
    for part in text.split('\0') {
        let (name, value) = part.split_once('\u{1}').unwrap_or((part, ""));
        if name.is_empty() || name == "sign" || fields.iter().any(|(seen, _)| seen == name) {
            continue;
        }
        fields.push((name.to_owned(), value.to_owned()));
    }
    fields
}

/// Percent-encodes every byte but unreserved ones; spaces become `+`.
fn form_encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        match byte {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(char::from(byte));
            }
            b' ' => out.push('+'),
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

fn callback_body(fields: &[(String, String)], sign: &str, json: bool) -> Vec<u8> {
    if json {
        let mut object = serde_json::Map::new();
        for (name, value) in fields {
            object.insert(name.clone(), Value::String(value.clone()));
        }
        object.insert("sign".to_owned(), Value::String(sign.to_owned()));
        serde_json::to_vec(&object).expect("a map of strings serializes")
    } else {
        let mut pairs: Vec<String> = fields
            .iter()
            .map(|(name, value)| format!("{}={}", form_encode(name), form_encode(value)))
            .collect();
        pairs.push(format!("sign={}", form_encode(sign)));
        pairs.join("&").into_bytes()
    }
}

fn signed_callback(
    data: &[u8],
    json: bool,
    content_type: &str,
    sender: IpAddr,
    senders: &SenderCheck,
    secret: &SecretKey,
) {
    let fields = decoded_fields(data);
    let signed: Vec<(&str, &str)> = fields
        .iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    let sign = feennex_proto::sign::sign(&signed, secret);
    let body = callback_body(&fields, sign.as_str(), json);
    let permissive = CallbackPolicy::permissive();
    let notification =
        verify_callback_with(&body, content_type, sender, secret, senders, &permissive)
            .unwrap_or_else(|rejection| {
                panic!("a properly signed callback refused: {rejection:?}")
            });
    match verify_callback(&body, content_type, sender, secret, senders) {
        Ok(strict) => assert_eq!(strict, notification),
        Err(
            CallbackRejection::UnexpectedField { ref name }
            | CallbackRejection::MissingField { ref name }
            | CallbackRejection::MalformedField { ref name },
        ) => assert!(name.chars().count() <= 64),
        Err(other) => panic!("the strict policy refused a signed callback with {other:?}"),
    }
    for (name, value) in &fields {
        assert_eq!(notification.field(name), Some(value.as_str()), "field {name:?}");
    }

    let mut wrong = sign.as_str().to_owned().into_bytes();
    wrong[10] = if wrong[10] == b'a' { b'b' } else { b'a' };
    let wrong = String::from_utf8(wrong).unwrap();
    let forged = callback_body(&fields, &wrong, json);
    assert_eq!(
        verify_callback(&forged, content_type, sender, secret, senders),
        Err(CallbackRejection::BadSignature)
    );

    if let Some(index) = fields.iter().position(|(_, value)| !value.is_empty()) {
        let mut altered = fields.clone();
        altered[index].1.push('0');
        let body = callback_body(&altered, sign.as_str(), json);
        assert_eq!(
            verify_callback(&body, content_type, sender, secret, senders),
            Err(CallbackRejection::BadSignature),
            "a changed value kept its signature"
        );
    }
}
