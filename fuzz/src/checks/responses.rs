//! The `responses` fuzz target's check.

use feennex_proto::http::StatusCode;
use feennex_proto::{
    Error,
    endpoints::Endpoint,
    prelude::{
        BillCreate, BillShopOrderStatus, CheckAccount, ErrorCode, InvoiceCreate, InvoiceTry,
        ShopBalance, TransferCreate, TransferStatus, TransferTry, WithdrawCreate,
        WithdrawShopPaymentStatus, WithdrawStatusById, WithdrawTry,
    },
    response::parse_response,
};
use serde_json::Value;
use serde_json::value::RawValue;

use super::*;

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
