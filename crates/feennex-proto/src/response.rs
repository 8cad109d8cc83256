//! Reading answers: the envelope, whatever the HTTP status, then the typed data.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::error::{ApiError, Error, bounded_reason, snippet};
use crate::error_code::ErrorCode;

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

/// Deserializers that accept what deployments are known to send: numbers as
/// strings, strings as numbers, amounts as either, exactly.
pub(crate) mod lenient {
    use rust_decimal::Decimal;
    use serde::de::{Deserializer, Error as _};
    use serde_json::value::RawValue;

    /// The raw JSON text of a value, with strings unquoted.
    fn scalar_text<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<std::borrow::Cow<'de, str>, D::Error> {
        let raw: &'de RawValue = serde::Deserialize::deserialize(deserializer)?;
        let text = raw.get();
        if text.starts_with('"') {
            serde_json::from_str::<std::borrow::Cow<'de, str>>(text)
                .or_else(|_| serde_json::from_str::<String>(text).map(Into::into))
                .map_err(D::Error::custom)
        } else if text.starts_with(['{', '['])
            || text == "null"
            || text == "true"
            || text == "false"
        {
            Err(D::Error::custom(format!("expected a number or a string, found {text:.40}")))
        } else {
            Ok(std::borrow::Cow::Borrowed(text))
        }
    }

    /// A non-negative integer given as a JSON number or a string of digits.
    pub(crate) fn u64_from_number_or_string<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<u64, D::Error> {
        let text = scalar_text(deserializer)?;
        text.parse()
            .map_err(|_| D::Error::custom(format!("{text:.40} is not a non-negative integer")))
    }

    /// Text given as a JSON string or a number (the raw digits are kept).
    pub(crate) fn string_from_string_or_number<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<String, D::Error> {
        scalar_text(deserializer).map(std::borrow::Cow::into_owned)
    }

    /// An exact decimal from a JSON number (`88.91`, `1e-05`) or a string (`"160"`),
    /// never through a binary float.
    pub(crate) fn decimal<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
        let text = scalar_text(deserializer)?;
        let value = parse_decimal(&text).ok_or_else(|| {
            D::Error::custom(format!("{text:.40} is not an amount that fits an exact decimal"))
        })?;
        if value.is_sign_negative() && !value.is_zero() {
            return Err(D::Error::custom(format!("{text:.40} is negative; no amount is")));
        }
        Ok(value)
    }

    /// Parses decimal text with an optional exponent, exactly; `None` when it is
    /// not a number or does not fit 28 digits.
    pub(crate) fn parse_decimal(text: &str) -> Option<Decimal> {
        let text = text.trim();
        let plain = text.bytes().all(|b| b.is_ascii_digit() || b == b'.' || b == b'-');
        if plain {
            Decimal::from_str_exact(text).ok()
        } else if text.bytes().all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b)) {
            Decimal::from_scientific(text).ok()
        } else {
            None
        }
    }

    /// An integer, possibly negative, given as a JSON number or a string of digits.
    pub(crate) fn i64_from_number_or_string<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<i64, D::Error> {
        let text = scalar_text(deserializer)?;
        text.trim().parse().map_err(|_| D::Error::custom(format!("{text:.40} is not an integer")))
    }

    /// Runs `parse` on a field that may be missing or null.
    fn optional<'de, D: Deserializer<'de>, T>(
        deserializer: D,
        parse: impl FnOnce(
            &mut serde_json::Deserializer<serde_json::de::StrRead<'de>>,
        ) -> Result<T, serde_json::Error>,
    ) -> Result<Option<T>, D::Error> {
        let raw: Option<&'de RawValue> = serde::Deserialize::deserialize(deserializer)?;
        match raw {
            None => Ok(None),
            Some(raw) => {
                let mut json = serde_json::Deserializer::from_str(raw.get());
                parse(&mut json).map(Some).map_err(D::Error::custom)
            }
        }
    }

    /// Like [`u64_from_number_or_string`], for fields that may be missing or null.
    pub(crate) fn optional_u64<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<u64>, D::Error> {
        optional(deserializer, |json| u64_from_number_or_string(json))
    }

    /// Like [`string_from_string_or_number`], for fields that may be missing or null.
    pub(crate) fn optional_string<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<String>, D::Error> {
        optional(deserializer, |json| string_from_string_or_number(json))
    }

    /// A yes/no given as a JSON boolean, `0`/`1`, or the same as strings.
    pub(crate) fn flag<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
        let raw: &'de RawValue = serde::Deserialize::deserialize(deserializer)?;
        match raw.get().trim_matches('"') {
            "true" | "1" | "True" => Ok(true),
            "false" | "0" | "False" => Ok(false),
            other => Err(D::Error::custom(format!("{other:.40} is not a yes/no value"))),
        }
    }

    /// Like [`flag`], for fields that may be missing or null.
    pub(crate) fn optional_flag<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<bool>, D::Error> {
        optional(deserializer, |json| flag(json))
    }

    /// A JSON object; null, a missing field or an empty array count as empty.
    pub(crate) fn object<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<serde_json::Map<String, serde_json::Value>, D::Error> {
        let value: Option<serde_json::Value> = serde::Deserialize::deserialize(deserializer)?;
        match value {
            None => Ok(serde_json::Map::new()),
            Some(serde_json::Value::Object(map)) => Ok(map),
            Some(serde_json::Value::Array(items)) if items.is_empty() => Ok(serde_json::Map::new()),
            Some(other) => {
                let text: String = other.to_string().chars().take(40).collect();
                Err(D::Error::custom(format!("expected an object, found {text}")))
            }
        }
    }

    /// Like [`decimal`], for fields that may be missing or null.
    pub(crate) fn optional_decimal<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Decimal>, D::Error> {
        let raw: Option<&'de RawValue> = serde::Deserialize::deserialize(deserializer)?;
        match raw {
            None => Ok(None),
            Some(raw) => {
                let mut json = serde_json::Deserializer::from_str(raw.get());
                decimal(&mut json).map(Some).map_err(D::Error::custom)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    struct Money {
        #[serde(deserialize_with = "lenient::decimal")]
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
