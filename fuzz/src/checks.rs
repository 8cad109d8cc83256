//! The properties behind every fuzz target. Each check takes the raw input and
//! panics when a property fails. The fuzz targets call them, and an ordinary test
//! (`tests/tests/fuzz_corpus_replay.rs`) replays the committed corpus through the
//! very same functions on stable, so this file depends only on crates both have.

use std::net::IpAddr;
use std::time::Duration;

use feennex_proto::callback::{
    CallbackPolicy, CallbackRejection, IpRange, SenderCheck, verify_callback, verify_callback_with,
};
use feennex_proto::exchange::{
    ExactlyOncePayout, IdempotentCreate, PayoutLimits, PayoutRecord, Reply, RequestRole,
    RetryPolicy, Simulation,
};
use feennex_proto::http::StatusCode;
use feennex_proto::transport::{Delivery, Response};
use feennex_proto::{
    BillCreate, BillShopOrderStatus, CheckAccount, Currency, Decimal, Endpoint, Error, ErrorCode,
    InvoiceCreate, InvoiceTry, Merchant, PayeeAccount, Payway, SecretKey, ShopBalance, ShopId,
    ShopPaymentId, Timestamp, TransferAmountType, TransferCreate, TransferStatus, TransferTry,
    WithdrawAccount, WithdrawAmountType, WithdrawCreate, WithdrawShopPaymentStatus,
    WithdrawStatusById, WithdrawTry, parse_response,
};
use serde_json::Value;
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};

/// A fuzz target's check.
pub type Check = fn(&[u8]);

/// Every fuzz target: its name (also the name of its corpus directory) and its check.
pub const TARGETS: &[(&str, Check)] = &[
    ("sign_verify", sign_verify),
    ("responses", responses),
    ("callback_verify", callback_verify),
    ("exactly_once", exactly_once),
    ("sandbox_requests", sandbox_requests),
    ("python_text", python_text),
];

/// Longest error message any check accepts, in characters: errors keep snippets,
/// never whole bodies.
const MAX_ERROR_CHARS: usize = 2_000;

/// Typed choices read off the front of the input; zeros once it is used up.
struct Input<'a> {
    data: &'a [u8],
}

impl<'a> Input<'a> {
    fn new(data: &'a [u8]) -> Self {
        Self { data }
    }

    fn byte(&mut self) -> u8 {
        match self.data.split_first() {
            Some((&first, rest)) => {
                self.data = rest;
                first
            }
            None => 0,
        }
    }

    fn take(&mut self, len: usize) -> &'a [u8] {
        let (head, tail) = self.data.split_at(len.min(self.data.len()));
        self.data = tail;
        head
    }

    fn u32(&mut self) -> u32 {
        u32::from_le_bytes([self.byte(), self.byte(), self.byte(), self.byte()])
    }

    fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    fn rest(self) -> &'a [u8] {
        self.data
    }
}

fn assert_short_error(error: &dyn std::fmt::Display) {
    let text = error.to_string();
    assert!(
        text.chars().count() <= MAX_ERROR_CHARS,
        "an error message of {} characters: {:.300}",
        text.chars().count(),
        text
    );
}

// ---------------------------------------------------------------------------
// sign_verify

/// Signs fields decoded from the input (`secret NUL name=value NUL ...`) and checks
/// the signature against a plain reference implementation of the spec: values
/// ordered by name (stable), joined with `:`, the secret appended, SHA-256 as hex.
/// `verify` accepts exactly that signature, in either case, and nothing one digit
/// away; another secret signs differently.
pub fn sign_verify(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.split('\0');
    let secret_text = parts.next().unwrap_or_default().to_owned();
    let fields: Vec<(&str, &str)> =
        parts.map(|part| part.split_once('=').unwrap_or((part, ""))).collect();
    let secret = SecretKey::new(secret_text.clone());

    let mut ordered = fields.clone();
    ordered.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let joined: Vec<&str> = ordered.iter().map(|(_, value)| *value).collect();
    let joined = joined.join(":");
    assert_eq!(feennex_proto::sign::string_to_sign(&fields), joined);
    let mut hasher = Sha256::new();
    hasher.update(joined.as_bytes());
    hasher.update(secret_text.as_bytes());
    let expected: String = hasher.finalize().iter().map(|byte| format!("{byte:02x}")).collect();

    let signature = feennex_proto::sign(&fields, &secret);
    assert_eq!(signature.as_str(), expected);
    assert!(feennex_proto::verify(&fields, &secret, &expected));
    assert!(feennex_proto::verify(&fields, &secret, &expected.to_ascii_uppercase()));
    for position in [0, 31, 63] {
        let mut other = expected.clone().into_bytes();
        other[position] = if other[position] == b'0' { b'1' } else { b'0' };
        let other = String::from_utf8(other).unwrap();
        assert!(!feennex_proto::verify(&fields, &secret, &other), "accepted {other}");
    }
    assert!(!feennex_proto::verify(&fields, &secret, &expected[1..]));
    assert!(!feennex_proto::verify(&fields, &secret, &format!("{expected}0")));

    let other_secret = SecretKey::new(format!("{secret_text}x"));
    assert_ne!(feennex_proto::sign(&fields, &other_secret), signature);

    // With distinct names the order of the list does not matter.
    let mut names: Vec<&str> = fields.iter().map(|(name, _)| *name).collect();
    names.sort_unstable();
    names.dedup();
    if names.len() == fields.len() {
        let reversed: Vec<(&str, &str)> = fields.iter().rev().copied().collect();
        assert_eq!(feennex_proto::sign(&reversed, &secret), signature);
    }
}

// ---------------------------------------------------------------------------
// responses

const STATUSES: [u16; 6] = [200, 400, 502, 500, 404, 201];

/// Parses the body (after one byte choosing the HTTP status) as the answer of
/// every endpoint. Each ends in a value or a typed error that agrees with a plain
/// JSON reading of the body: a value only from `result: true, error_code: 0`; an
/// API error keeps the code, message and status; a body that is not an envelope
/// keeps the status and a short snippet; no error message grows with the body.
pub fn responses(data: &[u8]) {
    let mut input = Input::new(data);
    let status = StatusCode::from_u16(STATUSES[usize::from(input.byte()) % STATUSES.len()])
        .expect("a valid status");
    let body = input.rest();
    let json = TopLevel::read(body);
    check_parse::<TransferTry>(status, body, json.as_ref());
    check_parse::<TransferCreate>(status, body, json.as_ref());
    check_parse::<TransferStatus>(status, body, json.as_ref());
    check_parse::<WithdrawTry>(status, body, json.as_ref());
    check_parse::<CheckAccount>(status, body, json.as_ref());
    check_parse::<WithdrawCreate>(status, body, json.as_ref());
    check_parse::<WithdrawStatusById>(status, body, json.as_ref());
    check_parse::<WithdrawShopPaymentStatus>(status, body, json.as_ref());
    check_parse::<ShopBalance>(status, body, json.as_ref());
    check_parse::<BillCreate>(status, body, json.as_ref());
    check_parse::<BillShopOrderStatus>(status, body, json.as_ref());
    check_parse::<InvoiceTry>(status, body, json.as_ref());
    check_parse::<InvoiceCreate>(status, body, json.as_ref());
}

/// The top-level fields of a JSON object body, read plainly: nested values are
/// kept as raw text, so nesting deeper than a value parser allows is no obstacle,
/// and invalid UTF-8 is replaced (a plain reading of what the server meant; the
/// SDK may refuse such a body as not an envelope).
struct TopLevel {
    fields: std::collections::BTreeMap<String, Box<RawValue>>,
}

impl TopLevel {
    fn read(body: &[u8]) -> Option<Self> {
        serde_json::from_str(&String::from_utf8_lossy(body)).ok().map(|fields| Self { fields })
    }

    fn value(&self, name: &str) -> Option<Value> {
        self.fields.get(name).and_then(|raw| serde_json::from_str(raw.get()).ok())
    }

    fn is_success(&self) -> bool {
        self.value("result") == Some(Value::Bool(true))
            && self.value("error_code").and_then(|code| code.as_i64()) == Some(0)
    }
}

fn check_parse<E: Endpoint>(status: StatusCode, body: &[u8], json: Option<&TopLevel>) {
    match parse_response::<E>(status, body) {
        Ok(output) => {
            assert!(
                json.is_some_and(TopLevel::is_success),
                "{} accepted a non-success body",
                E::PATH
            );
            let _ = format!("{output:?}");
        }
        Err(error) => {
            assert_short_error(&error);
            match &error {
                Error::Api(api) => {
                    let json = json.expect("an API error from a body that is not a JSON object");
                    assert_eq!(api.http_status, status.as_u16());
                    let code = json.value("error_code").and_then(|code| code.as_i64());
                    assert_eq!(code, Some(api.code.code()));
                    assert_eq!(ErrorCode::from_code(api.code.code()), api.code);
                    let message = json.value("message");
                    assert_eq!(
                        api.message,
                        message.as_ref().and_then(Value::as_str).unwrap_or_default()
                    );
                    assert!(!json.is_success(), "a success envelope read as an error");
                }
                Error::NotEnvelope { status: kept, snippet, .. } => {
                    assert_eq!(*kept, status.as_u16());
                    assert!(snippet.chars().count() <= 200);
                    assert!(String::from_utf8_lossy(body).starts_with(snippet.as_str()));
                    assert!(error.is_outcome_unknown());
                }
                Error::UnexpectedData { endpoint, snippet, .. } => {
                    assert_eq!(*endpoint, E::PATH);
                    assert!(snippet.chars().count() <= 200);
                    assert!(
                        json.is_some_and(TopLevel::is_success),
                        "data checked in an error envelope"
                    );
                }
                other => panic!("{}: an answer cannot produce {other:?}", E::PATH),
            }
        }
    }
}

// ---------------------------------------------------------------------------
// callback_verify

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
            assert!(feennex_proto::verify(&signed, &secret, sign));
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
    let sign = feennex_proto::sign(&signed, secret);
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

// ---------------------------------------------------------------------------
// exactly_once

const TRANSFER_CREATED: &str = r#"{"data":{"balance":90,"id":77,"payee_account":"201234567890","payee_amount":10,"payee_currency":840,"shop":6,"shop_currency":840,"write_off_amount":10.5},"error_code":0,"message":"Ok","result":true}"#;
const TRANSFER_FOUND: &str = r#"{"data":{"id":77,"payee_currency":840,"receive_amount":10,"shop_currency":840,"shop_payment_id":"p-1","write_off_amount":10.5},"error_code":0,"message":"Ok","result":true}"#;
const WITHDRAWAL: &str = r#"{"data":{"balance":90,"id":77,"payee_receive":10,"ps_currency":840,"shop_currency":840,"shop_payment_id":"p-1","shop_write_off":10.5,"status":3},"error_code":0,"message":"Ok","result":true}"#;

/// API codes the outcomes draw from: the ones the machine treats specially, final
/// ones, and codes no version knows.
const CODES: [i64; 10] = [6, 7, 8, 9, 10, 11, 13, 57, -1, 0];

/// How one request ended, as the fake transport reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    /// The real answer: created or found.
    Answered,
    /// An error envelope with this code.
    Api(i64),
    /// Never left: connection refused.
    NotSent,
    /// Anything whose outcome is unknown: lost answers, 502s, cut bodies, timeouts.
    Unknown,
}

/// One request as the machine sent it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Sent {
    create: bool,
    fate: Fate,
}

/// Drives the exactly-once payout machine with outcomes decoded from the input,
/// on a fake clock. Header: flags (resume, withdrawal), the create limit, the
/// lookup limit, the total time; then two bytes per request (what happens, and a
/// parameter: the API code or how long the attempt takes).
///
/// The machine must end within its limits of requests and time; never send a
/// create while an earlier one may have gone through, until a lookup answered
/// "not found" (a resumed payout starts in that state); and report what happened:
/// a created or found payout only from such an answer, request counts that match,
/// and a known failure only when no create can have been paid unnoticed.
pub fn exactly_once(data: &[u8]) {
    let mut input = Input::new(data);
    let flags = input.byte();
    let max_creates = u32::from(input.byte() % 6) + 1;
    let max_checks = u32::from(input.byte() % 16) + 1;
    let total = Duration::from_millis(u64::from(input.u32() % 600_000) + 1);
    let attempt = Duration::from_millis(u64::from(input.byte()) * 100 + 1);
    let retry = RetryPolicy::default()
        .with_attempt_timeout(attempt)
        .with_backoff(Duration::from_millis(50), Duration::from_secs(5))
        .with_total_timeout(total);
    let policy = Policy { retry, limits: PayoutLimits::new(max_creates, max_checks) };
    let resume = flags & 1 != 0;
    let merchant = Merchant::new(ShopId::new(6).expect("nonzero"), SecretKey::new("secret"));
    let id = ShopPaymentId::new("p-1").expect("a valid id");
    if flags & 2 == 0 {
        let create = TransferCreate::builder()
            .amount("10".parse().expect("an amount"))
            .amount_type(TransferAmountType::ReceiveAmount)
            .payee_account(PayeeAccount::new("201234567890").expect("a wallet"))
            .payee_currency(Currency::USD)
            .shop_currency(Currency::USD)
            .shop_payment_id(id)
            .build();
        drive(&merchant, create, policy, resume, input, (TRANSFER_CREATED, TRANSFER_FOUND));
    } else {
        let create = WithdrawCreate::new(
            WithdrawAccount::new("4111111111111111").expect("an account"),
            "10".parse().expect("an amount"),
            WithdrawAmountType::PsAmount,
            Payway::new("card_usd").expect("a payway"),
            Currency::USD,
            id,
        );
        drive(&merchant, create, policy, resume, input, (WITHDRAWAL, WITHDRAWAL));
    }
}

fn response(status: u16, body: &[u8]) -> Result<Response, Error> {
    Ok(feennex_proto::http::Response::builder()
        .status(status)
        .body(body.to_vec())
        .expect("a valid response"))
}

fn error_envelope(code: i64) -> String {
    format!(r#"{{"data":null,"error_code":{code},"message":"m","result":false}}"#)
}

/// The outcome of one request from two input bytes, with the time it took.
fn outcome(
    kind: u8,
    parameter: u8,
    create: bool,
    bodies: (&str, &str),
    timeout: Duration,
) -> (Result<Response, Error>, Fate, Duration) {
    let took = timeout * u32::from(parameter % 5) / 4;
    let code = CODES[usize::from(parameter) % CODES.len()];
    let answer = if create { bodies.0 } else { bodies.1 };
    match kind % 9 {
        0 | 1 => (response(200, answer.as_bytes()), Fate::Answered, took),
        2 => (response(200, error_envelope(code).as_bytes()), Fate::Api(code), took),
        3 => (response(400, error_envelope(code).as_bytes()), Fate::Api(code), took),
        4 => (
            Err(Error::Transport { delivery: Delivery::NotSent, source: "refused".into() }),
            Fate::NotSent,
            took,
        ),
        5 => (
            Err(Error::Transport { delivery: Delivery::MaybeSent, source: "reset".into() }),
            Fate::Unknown,
            took,
        ),
        6 => (response(502, b"<html>502 Bad Gateway</html>"), Fate::Unknown, took),
        7 => {
            let cut = usize::from(parameter) % answer.len();
            (response(200, &answer.as_bytes()[..cut]), Fate::Unknown, took)
        }
        _ => (
            Err(Error::transport(feennex_proto::transport::AttemptTimedOut(timeout))),
            Fate::Unknown,
            timeout,
        ),
    }
}

/// The limits a payout run under fuzzing is given.
#[derive(Debug, Clone, Copy)]
struct Policy {
    retry: RetryPolicy,
    limits: PayoutLimits,
}

fn drive<C: IdempotentCreate>(
    merchant: &Merchant,
    create: C,
    policy: Policy,
    resume: bool,
    mut input: Input<'_>,
    bodies: (&str, &str),
) {
    let machine = if resume {
        ExactlyOncePayout::resume(merchant, create, policy.retry, policy.limits)
    } else {
        ExactlyOncePayout::new(merchant, create, policy.retry, policy.limits)
    }
    .expect("a valid payout");
    let mut log: Vec<Sent> = Vec::new();
    // Whether a create may have been paid without the machine knowing it.
    let mut unknown = resume;
    let steps_bound =
        4 * (policy.limits.max_creates + policy.limits.max_status_checks) as usize + 4;
    let run = Simulation::new(machine).max_steps(steps_bound).run(|sent| {
        let timeout = sent.time_left;
        assert!(timeout > Duration::ZERO, "a zero timeout");
        let is_create = sent.role == RequestRole::Create;
        let (result, fate, took) = if input.is_empty() {
            (
                Err(Error::Transport { delivery: Delivery::MaybeSent, source: "reset".into() }),
                Fate::Unknown,
                timeout,
            )
        } else {
            let (kind, parameter) = (input.byte(), input.byte());
            outcome(kind, parameter, is_create, bodies, timeout)
        };
        if is_create {
            assert!(!unknown, "a create while an earlier one may have been paid: {log:?}");
            unknown = match fate {
                Fate::Answered | Fate::NotSent => false,
                Fate::Api(code) => code == 6 || code == 8,
                Fate::Unknown => true,
            };
        } else if fate == Fate::Api(7) {
            unknown = false;
        }
        log.push(Sent { create: is_create, fate });
        Reply::outcome(result).after(took)
    });
    let Some(result) = run.output else {
        panic!("no end after {steps_bound} steps: {log:?}");
    };
    assert!(run.elapsed <= policy.retry.total_timeout, "ran {:?}", run.elapsed);
    check_verdict::<C>(&log, unknown, resume, result, policy);
}

fn check_verdict<C: IdempotentCreate>(
    log: &[Sent],
    unknown: bool,
    resume: bool,
    result: feennex_proto::exchange::PayoutResult<C>,
    policy: Policy,
) {
    let creates = log.iter().filter(|sent| sent.create).count() as u32;
    let lookups = log.len() as u32 - creates;
    assert!(creates <= policy.limits.max_creates, "{creates} creates: {log:?}");
    assert!(lookups <= policy.limits.max_status_checks, "{lookups} lookups: {log:?}");
    let creates_sent =
        log.iter().filter(|sent| sent.create && sent.fate != Fate::NotSent).count() as u32;
    match result {
        Ok(outcome) => {
            let last = log.last().copied().expect("a payout without a request");
            assert_eq!(last.fate, Fate::Answered, "{log:?}");
            match outcome.record {
                PayoutRecord::Created(_) => assert!(last.create, "{log:?}"),
                PayoutRecord::Found(_) => {
                    assert!(!last.create, "{log:?}");
                    assert!(outcome.reconciled);
                }
            }
            assert_eq!(outcome.summary.id, 77);
            assert_eq!(outcome.summary.write_off, Decimal::new(105, 1));
            assert_eq!(outcome.creates_sent, creates_sent, "{log:?}");
            assert_eq!(outcome.status_checks, lookups, "{log:?}");
        }
        Err(Error::Unverified(unverified)) => {
            // Only a payout there before any create of this call could arrive: the
            // first create that may have reached the server was answered "not
            // unique", and nothing but the call itself vouches for the id.
            let first_sent = log.iter().find(|sent| sent.create && sent.fate != Fate::NotSent);
            assert!(!resume && first_sent.map(|sent| sent.fate) == Some(Fate::Api(6)), "{log:?}");
            let last = log.last().copied().expect("a payout without a request");
            assert!(!last.create && last.fate == Fate::Answered, "{log:?}");
            assert_eq!(unverified.payout_id, 77);
        }
        Err(Error::Conflict(conflict)) => {
            panic!("the answers describe the payout asked for, yet: {conflict}; {log:?}")
        }
        Err(Error::PayoutUnresolved { creates_sent: reported, status_checks, .. }) => {
            assert!(resume || creates_sent > 0, "unresolved with nothing sent: {log:?}");
            assert_eq!(reported, creates_sent, "{log:?}");
            assert_eq!(status_checks, lookups, "{log:?}");
        }
        Err(error) => {
            assert!(!unknown, "a known failure {error:?} after {log:?}");
            assert!(!resume || log.iter().any(|s| s.fate == Fate::Api(7) && !s.create), "{log:?}");
            assert_short_error(&error);
        }
    }
}

// ---------------------------------------------------------------------------
// sandbox_requests

/// Sends a request to the sandbox's endpoint code, without a socket. Half the
/// inputs are a raw body for a chosen path: the answer is always a well-formed
/// envelope (`result` true exactly when `error_code` is 0, `data` null on errors)
/// that never holds the shop's secret. The other half are requests the SDK builds
/// from fuzzed values: the sandbox accepts every signature the SDK makes, a
/// created payout is found by its id, and a second create with it is error 6.
pub fn sandbox_requests(data: &[u8]) {
    use feennex_sandbox::{DEFAULT_SECRET, DirectSandbox, SandboxConfig};

    let mut input = Input::new(data);
    let mode = input.byte();
    let sandbox = DirectSandbox::new(SandboxConfig::default());
    assert_eq!(sandbox.answer("/transfer/unknown", b"{}"), None);
    if mode & 1 == 0 {
        let paths: Vec<&str> = DirectSandbox::paths().collect();
        let path = paths[usize::from(input.byte()) % paths.len()];
        let body = input.rest();
        let answer = sandbox.answer(path, body).expect("an API path");
        check_envelope(&answer, DEFAULT_SECRET);
        return;
    }
    sdk_requests(&sandbox, input, mode >> 1);
}

/// The answer is one JSON object with the four envelope fields, consistent.
fn check_envelope(answer: &str, secret: &str) -> Value {
    assert!(!answer.contains(secret), "the answer holds the secret: {answer}");
    let envelope: Value = serde_json::from_str(answer).expect("the answer is JSON");
    let object = envelope.as_object().expect("the answer is an object");
    let mut names: Vec<&str> = object.keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(names, ["data", "error_code", "message", "result"], "{answer}");
    let result = object["result"].as_bool().expect("result is a boolean");
    let code = object["error_code"].as_i64().expect("error_code is an integer");
    assert!(object["message"].is_string());
    assert_eq!(result, code == 0, "{answer}");
    if !result {
        assert!(object["data"].is_null(), "{answer}");
        assert!(!matches!(ErrorCode::from_code(code), ErrorCode::Unknown(_)), "{answer}");
    }
    envelope
}

/// An amount from four bytes and a scale byte, or `None` when the SDK refuses it.
fn fuzzed_amount(input: &mut Input<'_>) -> Option<feennex_proto::Amount> {
    let units = input.u32();
    let scale = u32::from(input.byte() % 5);
    feennex_proto::Amount::new(Decimal::new(i64::from(units), scale)).ok()
}

fn fuzzed_text(input: &mut Input<'_>) -> String {
    let len = usize::from(input.byte() % 48) + 1;
    String::from_utf8_lossy(input.take(len)).into_owned()
}

const SANDBOX_CURRENCIES: [Currency; 4] =
    [Currency::USD, Currency::EUR, Currency::RUB, Currency::UAH];

fn sdk_requests(sandbox: &feennex_sandbox::DirectSandbox, mut input: Input<'_>, choice: u8) {
    use feennex_sandbox::{DEFAULT_SECRET, DEFAULT_SHOP_ID};

    let merchant = Merchant::new(
        ShopId::new(DEFAULT_SHOP_ID).expect("nonzero"),
        SecretKey::new(DEFAULT_SECRET),
    );
    let send = |path: &str, body: Vec<u8>| -> Value {
        let answer = sandbox.answer(path, &body).expect("an API path");
        let envelope = check_envelope(&answer, DEFAULT_SECRET);
        let message = envelope["message"].as_str().unwrap_or_default();
        assert!(
            !message.starts_with("Invalid sign"),
            "the sandbox refused the SDK's signature: {message}"
        );
        envelope
    };
    let currency = |byte: u8| SANDBOX_CURRENCIES[usize::from(byte) % SANDBOX_CURRENCIES.len()];
    let Some(amount) = fuzzed_amount(&mut input) else { return };
    let amount_type = if input.byte() & 1 == 0 {
        TransferAmountType::ReceiveAmount
    } else {
        TransferAmountType::WriteoffAmount
    };
    let (payee_currency, shop_currency) = (currency(input.byte()), currency(input.byte()));
    match choice % 3 {
        0 => {
            let quote = TransferTry::builder()
                .amount(amount)
                .amount_type(amount_type)
                .payee_currency(payee_currency)
                .shop_currency(shop_currency)
                .build();
            send("/transfer/try", merchant.body(&quote));
        }
        1 => {
            let stamp = Timestamp::from_unix_millis(i64::from(input.u32())).expect("a time");
            send("/shop_balance", merchant.body(&ShopBalance::new(stamp)));
        }
        _ => {
            let account = fuzzed_text(&mut input);
            let payee_account = PayeeAccount::new(if input.byte() & 1 == 0 {
                "201234567890".to_owned()
            } else {
                account.clone()
            });
            let (Ok(payee_account), Ok(shop_payment_id)) =
                (payee_account, ShopPaymentId::new(fuzzed_text(&mut input)))
            else {
                return;
            };
            let create = TransferCreate::builder()
                .amount(amount)
                .amount_type(amount_type)
                .payee_account(payee_account)
                .payee_currency(payee_currency)
                .shop_currency(shop_currency)
                .shop_payment_id(shop_payment_id.clone())
                .description(account)
                .build();
            let created = send("/transfer/create", merchant.body(&create));
            let lookup = TransferStatus::new(
                Timestamp::from_unix_millis(0).expect("a time"),
                shop_payment_id,
            );
            let found = send("/transfer/shop_payment_status", merchant.body(&lookup));
            if created["result"] == Value::Bool(true) {
                assert_eq!(found["result"], Value::Bool(true), "{found}");
                assert_eq!(found["data"]["id"], created["data"]["id"]);
                let again = send("/transfer/create", merchant.body(&create));
                assert_eq!(again["error_code"], Value::from(6), "{again}");
            } else {
                assert_eq!(found["error_code"], Value::from(7), "{found}");
            }
        }
    }
}

// ---------------------------------------------------------------------------
// python_text

/// Python's text of numbers, as the sandbox computes it to check signatures. Any
/// finite float's `repr` reads back as the same float with no more digits than the
/// shortest form; any JSON token gives text or `None` without panicking; and every
/// amount the SDK accepts prints in Python exactly as the SDK signs it.
pub fn python_text(data: &[u8]) {
    let mut input = Input::new(data);
    let bits = u64::from(input.u32()) << 32 | u64::from(input.u32());
    let value = f64::from_bits(bits);
    let repr = feennex_sandbox::float_repr(value);
    if value.is_finite() {
        let back: f64 = repr.parse().unwrap_or_else(|_| panic!("{repr} does not parse"));
        assert_eq!(back.to_bits(), value.to_bits(), "{value:e} printed as {repr}");
        // Both are shortest round-trip forms: the same number of significant digits.
        let significant = |text: &str| {
            let mantissa = text.split(['e', 'E']).next().unwrap_or_default();
            let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
            digits.trim_matches('0').len()
        };
        let shortest = format!("{:e}", value.abs());
        assert_eq!(significant(&repr), significant(&shortest), "{repr} vs {shortest}");
    }

    if let Some(amount) = fuzzed_amount(&mut input) {
        let token = RawValue::from_string(amount.as_str().to_owned()).expect("an amount is JSON");
        assert_eq!(
            feennex_sandbox::python_str(&token).as_deref(),
            Some(amount.as_str()),
            "Python would sign {} differently",
            amount.as_str()
        );
    }

    let text = String::from_utf8_lossy(input.rest()).into_owned();
    let Ok(token) = RawValue::from_string(text) else { return };
    let trimmed = token.get().trim();
    let printed = feennex_sandbox::python_str(&token);
    match trimmed.as_bytes().first() {
        // A string signs as its text; one with a lone surrogate escape has no UTF-8
        // text, so it has no signed text either (and its signature cannot match).
        Some(b'"') => assert_eq!(printed, serde_json::from_str::<String>(trimmed).ok()),
        Some(b'-' | b'0'..=b'9') if trimmed.contains(['.', 'e', 'E']) => {
            let printed = printed.expect("a number has text");
            let expected: f64 = trimmed.parse().expect("a JSON number parses");
            let back: f64 = printed.parse().expect("Python's text parses");
            assert_eq!(back.to_bits(), expected.to_bits(), "{trimmed} -> {printed}");
        }
        Some(b'-' | b'0'..=b'9') => {
            let expected = if trimmed == "-0" { "0" } else { trimmed };
            assert_eq!(printed.as_deref(), Some(expected));
        }
        Some(b'[' | b'{') => assert_eq!(printed, None),
        _ => assert!(matches!(printed.as_deref(), Some("True" | "False" | "None"))),
    }
}
