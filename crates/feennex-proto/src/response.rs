//! Reading answers: the envelope, whatever the HTTP status, then the typed data.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::error::{ApiError, Error, bounded_reason, snippet};
use crate::error_code::ErrorCode;
use crate::request::Endpoint;

/// The envelope every answer comes in.
#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow, default)]
    data: Option<&'a RawValue>,
    error_code: i64,
    #[serde(borrow, default)]
    message: Option<Cow<'a, str>>,
    result: bool,
}

/// A success envelope read in one pass, straight into the typed data.
#[derive(Deserialize)]
struct TypedEnvelope<T> {
    #[serde(default = "Option::default")]
    data: Option<T>,
    error_code: i64,
    result: bool,
}

/// Parses the answer of an operation from its HTTP status and body.
pub fn parse_response<E: Endpoint>(
    status: http::StatusCode,
    body: &[u8],
) -> Result<E::Output, Error> {
    parse_envelope(E::PATH, status, body)
}

/// Parses an answer of `endpoint` into `T`.
///
/// The envelope is read whatever the HTTP status; an error envelope becomes
/// [`Error::Api`], a body that is not an envelope becomes [`Error::NotEnvelope`]
/// with the status and a snippet.
pub fn parse_envelope<'a, T: Deserialize<'a>>(
    endpoint: &'static str,
    status: http::StatusCode,
    body: &'a [u8],
) -> Result<T, Error> {
    // Checked once here, so that the parser need not check each string again.
    let text = std::str::from_utf8(body).map_err(|_| Error::NotEnvelope {
        status: status.as_u16(),
        reason: "the body is not UTF-8 text".to_owned(),
        snippet: snippet(body),
    })?;
    // The common case in one pass: a success with data of the expected shape.
    // Anything else is read again, envelope first, to say exactly what is wrong.
    if let Ok(TypedEnvelope { data: Some(data), error_code: 0, result: true }) =
        serde_json::from_str::<TypedEnvelope<T>>(text)
    {
        return Ok(data);
    }
    let envelope: Envelope<'a> =
        serde_json::from_str(text).map_err(|error| Error::NotEnvelope {
            status: status.as_u16(),
            reason: describe_json_error(&error),
            snippet: snippet(body),
        })?;
    if !envelope.result || envelope.error_code != 0 {
        return Err(Error::Api(ApiError {
            code: ErrorCode::from_code(envelope.error_code),
            message: envelope.message.map(Cow::into_owned).unwrap_or_default(),
            http_status: status.as_u16(),
        }));
    }
    let data = envelope.data.map_or("null", RawValue::get);
    serde_json::from_str(data).map_err(|error| Error::UnexpectedData {
        endpoint,
        reason: bounded_reason(error),
        snippet: snippet(data.as_bytes()),
    })
}

fn describe_json_error(error: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let category = error.classify();
    let error = bounded_reason(error);
    match category {
        Category::Eof => "the body ends before the JSON does".to_owned(),
        Category::Syntax => format!("not JSON: {error}"),
        Category::Data => format!("JSON without the envelope's fields: {error}"),
        Category::Io => format!("unreadable: {error}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    struct Money {
        #[serde(deserialize_with = "crate::lenient::decimal")]
        amount: rust_decimal::Decimal,
    }

    fn parse(body: &str) -> Result<Money, Error> {
        parse_envelope("test", http::StatusCode::OK, body.as_bytes())
    }

    #[test]
    fn amounts_parse_exactly_from_numbers_strings_and_exponents() {
        let amount = |text: &str| {
            parse(&format!(
                r#"{{"data":{{"amount":{text}}},"error_code":0,"message":"Ok","result":true}}"#
            ))
            .map(|m| m.amount.to_string())
        };
        assert_eq!(amount("88.91").unwrap(), "88.91");
        assert_eq!(amount(r#""160""#).unwrap(), "160");
        assert_eq!(amount("1e-05").unwrap(), "0.00001");
        assert_eq!(amount("0.1").unwrap(), "0.1");
        assert!(matches!(amount("true"), Err(Error::UnexpectedData { .. })));
        assert!(matches!(amount("1e400"), Err(Error::UnexpectedData { .. })));
    }

    #[test]
    fn error_envelope_is_read_on_any_status() {
        let body = br#"{"data":null,"error_code":6,"message":"Shop_payment_id '1' is not unique for shop(id=17)","result":false}"#;
        let error =
            parse_envelope::<Money>("test", http::StatusCode::BAD_REQUEST, body).unwrap_err();
        match error {
            Error::Api(api) => {
                assert_eq!(api.code, ErrorCode::OperationNotUnique);
                assert_eq!(api.http_status, 400);
                assert!(api.message.contains("not unique"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn errors_quoting_a_huge_value_stay_short() {
        let huge = "x".repeat(1_000_000);
        let bodies = [
            format!(r#"{{"data":null,"error_code":"{huge}","message":"m","result":false}}"#),
            format!(r#"{{"data":"{huge}","error_code":0,"message":"Ok","result":true}}"#),
        ];
        for body in bodies {
            let error =
                parse_envelope::<Money>("test", http::StatusCode::OK, body.as_bytes()).unwrap_err();
            assert!(matches!(error, Error::NotEnvelope { .. } | Error::UnexpectedData { .. }));
            let text = error.to_string();
            assert!(text.chars().count() < 1_000, "{} characters", text.chars().count());
            assert!(text.contains("xxxx"), "{text}");
        }
    }

    #[test]
    fn a_body_that_is_not_an_envelope_keeps_status_and_snippet() {
        let html = "<html><body>502 Bad Gateway</body></html>".repeat(20);
        match parse_envelope::<Money>("test", http::StatusCode::BAD_GATEWAY, html.as_bytes()) {
            Err(Error::NotEnvelope { status, snippet, .. }) => {
                assert_eq!(status, 502);
                assert_eq!(snippet.chars().count(), 200);
                assert!(snippet.starts_with("<html><body>502"));
            }
            other => panic!("{other:?}"),
        }
    }
}
