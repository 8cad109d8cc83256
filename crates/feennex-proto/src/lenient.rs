//! Deserializers that accept what deployments are known to send: numbers as
//! strings, strings as numbers, amounts as either, exactly.

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
    } else if text.starts_with(['{', '[']) || text == "null" || text == "true" || text == "false" {
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
    text.parse().map_err(|_| D::Error::custom(format!("{text:.40} is not a non-negative integer")))
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
