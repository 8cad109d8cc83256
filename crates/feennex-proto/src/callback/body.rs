//! Reading a callback body into its fields, each as the raw text that was signed.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

use super::CallbackRejection;
use crate::error::bounded_reason;

/// The received fields: the text of each, or `None` for a JSON `null`.
pub(crate) type RawFields = BTreeMap<String, Option<String>>;

/// The body formats callbacks come in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Form,
    Json,
}

/// Reads the media type, ignoring parameters such as `charset` (bodies are read as
/// UTF-8 either way, and anything else is refused as malformed).
fn format(content_type: &str) -> Result<Format, CallbackRejection> {
    let media_type = content_type.split(';').next().unwrap_or_default().trim();
    if media_type.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
        Ok(Format::Form)
    } else if media_type.eq_ignore_ascii_case("application/json") {
        Ok(Format::Json)
    } else {
        Err(CallbackRejection::UnsupportedContentType {
            content_type: content_type.chars().take(100).collect(),
        })
    }
}

/// Splits a body into its fields according to its content type.
pub(crate) fn fields(body: &[u8], content_type: &str) -> Result<RawFields, CallbackRejection> {
    match format(content_type)? {
        Format::Form => form_fields(body),
        Format::Json => json_fields(body),
    }
}

fn malformed(reason: impl Into<String>) -> CallbackRejection {
    CallbackRejection::MalformedBody { reason: reason.into() }
}

fn insert(fields: &mut RawFields, name: String, value: Option<String>) -> Result<(), String> {
    if fields.contains_key(&name) {
        let shown: String = name.chars().take(40).collect();
        return Err(format!("the field {shown:?} appears more than once"));
    }
    fields.insert(name, value);
    Ok(())
}

/// `application/x-www-form-urlencoded`: `+` is a space, `%XX` a byte, and the
/// decoded bytes must be UTF-8. A name without `=` has an empty value.
fn form_fields(body: &[u8]) -> Result<RawFields, CallbackRejection> {
    let mut fields = RawFields::new();
    for pair in body.split(|&byte| byte == b'&').filter(|pair| !pair.is_empty()) {
        let (name, value) = match pair.iter().position(|&byte| byte == b'=') {
            Some(at) => (&pair[..at], &pair[at + 1..]),
            None => (pair, &b""[..]),
        };
        let name = decode(name)?;
        if name.is_empty() {
            return Err(malformed("a field has an empty name"));
        }
        let value = decode(value)?;
        insert(&mut fields, name, Some(value)).map_err(malformed)?;
    }
    Ok(fields)
}

/// Percent-decodes one form component; a `%` not followed by two hex digits is
/// kept as it is, as browsers and Python's `unquote_plus` do.
fn decode(component: &[u8]) -> Result<String, CallbackRejection> {
    let mut bytes = Vec::with_capacity(component.len());
    let mut rest = component;
    while let Some((&byte, tail)) = rest.split_first() {
        match byte {
            b'+' => bytes.push(b' '),
            b'%' => {
                let hex = tail.get(..2).and_then(|pair| {
                    let pair = std::str::from_utf8(pair).ok()?;
                    u8::from_str_radix(pair, 16).ok()
                });
                if let Some(decoded) = hex {
                    bytes.push(decoded);
                    rest = &tail[2..];
                    continue;
                }
                bytes.push(b'%');
            }
            other => bytes.push(other),
        }
        rest = tail;
    }
    String::from_utf8(bytes).map_err(|_| malformed("a decoded field is not UTF-8"))
}

/// `application/json`: one object; strings sign as their decoded text, every
/// other value as its raw JSON text (`10.0` stays `10.0`), `null` as absent.
fn json_fields(body: &[u8]) -> Result<RawFields, CallbackRejection> {
    let mut json = serde_json::Deserializer::from_slice(body);
    let fields = json
        .deserialize_map(FieldsVisitor)
        .map_err(|error| malformed(format!("not a JSON object: {}", bounded_reason(error))))?;
    json.end().map_err(|error| {
        malformed(format!("text after the JSON object: {}", bounded_reason(error)))
    })?;
    Ok(fields)
}

struct FieldsVisitor;

impl<'de> Visitor<'de> for FieldsVisitor {
    type Value = RawFields;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object of fields")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawFields, A::Error> {
        use serde::de::Error as _;
        let mut fields = RawFields::new();
        while let Some(name) = map.next_key::<String>()? {
            let raw: &'de RawValue = map.next_value()?;
            let text = raw.get();
            let value = if text == "null" {
                None
            } else if text.starts_with('"') {
                Some(serde_json::from_str::<String>(text).map_err(A::Error::custom)?)
            } else {
                Some(text.to_owned())
            };
            insert(&mut fields, name, value).map_err(A::Error::custom)?;
        }
        Ok(fields)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_components_decode_plus_and_percent_and_keep_stray_percents() {
        assert_eq!(decode(b"a+b%20c%2Bd").unwrap(), "a b c+d");
        assert_eq!(decode(b"100%").unwrap(), "100%");
        assert_eq!(decode(b"%zz%4").unwrap(), "%zz%4");
        assert_eq!(decode(b"%D0%B0").unwrap(), "а");
        assert!(decode(b"%FF").is_err());
    }

    #[test]
    fn media_types_are_matched_without_case_or_parameters() {
        assert_eq!(format("Application/JSON; charset=utf-8").unwrap(), Format::Json);
        assert_eq!(
            format("application/x-www-form-urlencoded;charset=UTF-8").unwrap(),
            Format::Form
        );
        assert!(format("text/plain").is_err());
        assert!(format("").is_err());
    }

    #[test]
    fn json_values_keep_their_raw_text() {
        let fields =
            json_fields(br#" {"a": 10.0, "b": "x\"y", "c": {"k": [1, 2]}, "d": null, "e": true} "#)
                .unwrap();
        assert_eq!(fields["a"].as_deref(), Some("10.0"));
        assert_eq!(fields["b"].as_deref(), Some("x\"y"));
        assert_eq!(fields["c"].as_deref(), Some(r#"{"k": [1, 2]}"#));
        assert_eq!(fields["d"], None);
        assert_eq!(fields["e"].as_deref(), Some("true"));
    }

    #[test]
    fn a_huge_json_value_gives_a_short_reason() {
        let body = format!(r#""{}""#, "x".repeat(1_000_000));
        match json_fields(body.as_bytes()) {
            Err(CallbackRejection::MalformedBody { reason }) => {
                assert!(reason.chars().count() < 1_000, "{} characters", reason.chars().count());
                assert!(reason.starts_with("not a JSON object: invalid type: string"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn repeated_names_are_malformed_in_both_formats() {
        assert!(matches!(form_fields(b"a=1&a=2"), Err(CallbackRejection::MalformedBody { .. })));
        assert!(matches!(
            json_fields(br#"{"a":1,"a":2}"#),
            Err(CallbackRejection::MalformedBody { .. })
        ));
        assert!(matches!(json_fields(b"[1]"), Err(CallbackRejection::MalformedBody { .. })));
        assert!(matches!(json_fields(b"{} x"), Err(CallbackRejection::MalformedBody { .. })));
    }
}
