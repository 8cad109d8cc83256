//! The known callback fields and what each one holds.
//!
//! Field names are not signed and values join with `:`, so a signed string can be
//! cut into other fields. Cutting it onto known names only still has to put every
//! piece somewhere: the pieces of the genuine values that follow the claimed ones
//! end up in the last field, `user_ip`, colons included. Checking each known field
//! by its type (an address, an amount, a currency, a status, a date, a numeric id)
//! refuses such a value: only the free-text fields (`description`,
//! `shop_order_id`) and the structured ones whose grammar allows a colon (a time,
//! an IPv6 address, `ps_data`'s JSON) may hold one, and then only in that grammar.

use std::net::IpAddr;

use time::OffsetDateTime;
use time::format_description::well_known::{Rfc2822, Rfc3339};

use super::CallbackStatus;
use crate::lenient::parse_decimal;
use crate::types::{Currency, ShopId, ShopOrderId};

/// What a known callback field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FieldType {
    /// A non-negative decimal amount, as the API writes it (`10.00`, `1e-05`).
    Amount,
    /// An ISO 4217 currency code.
    Currency,
    /// A moment: RFC 3339, RFC 1123 (`Tue, 26 May 2020 11:33:34 GMT`), or Python's
    /// `2020-05-26 11:33:34.599839` with an optional offset.
    Time,
    /// Any text: what the merchant or the payer wrote.
    Text,
    /// An order id of the merchant's (1 to 255 characters).
    OrderId,
    /// `local@domain`, without spaces or colons.
    Email,
    /// A language tag such as `en` or `pt-BR`.
    Language,
    /// A payer's account: letters, digits and `.`, `_`, `@`, `+`, `-`.
    Account,
    /// Digits that fit 64 bits, written as the API writes numbers (no leading zero).
    NumericId,
    /// A shop id: a positive integer, written as the API writes it (`6`, not `06`).
    ShopId,
    /// A payment system's alias such as `card_rub`.
    Payway,
    /// A JSON text.
    Json,
    /// One of the documented status words.
    Status,
    /// An IPv4 or IPv6 address.
    IpAddress,
    /// The signature, checked on its own before the field set.
    Signature,
}

/// Every field the API documents in callbacks (spec section 6) with its type, in
/// byte order of the names.
pub(crate) const FIELDS: [(&str, FieldType); 20] = [
    ("client_price", FieldType::Amount),
    ("created", FieldType::Time),
    ("description", FieldType::Text),
    ("email", FieldType::Email),
    ("lang", FieldType::Language),
    ("payer_id", FieldType::Account),
    ("payment_id", FieldType::NumericId),
    ("payway", FieldType::Payway),
    ("processed", FieldType::Time),
    ("ps_currency", FieldType::Currency),
    ("ps_data", FieldType::Json),
    ("shop_amount", FieldType::Amount),
    ("shop_currency", FieldType::Currency),
    ("shop_id", FieldType::ShopId),
    ("shop_order_id", FieldType::OrderId),
    ("shop_original_amount", FieldType::Amount),
    ("shop_refund", FieldType::Amount),
    ("sign", FieldType::Signature),
    ("status", FieldType::Status),
    ("user_ip", FieldType::IpAddress),
];

/// The names of [`FIELDS`], in the same order.
pub(crate) const NAMES: [&str; FIELDS.len()] = names();

const fn names() -> [&'static str; FIELDS.len()] {
    let mut names = [""; FIELDS.len()];
    let mut index = 0;
    while index < FIELDS.len() {
        names[index] = FIELDS[index].0;
        index += 1;
    }
    names
}

/// What a field named `name` should hold, for messages.
pub(crate) fn shape_of(name: &str) -> &'static str {
    field_type(name).map_or("what the API sends", FieldType::shape)
}

/// The type of a known field; `None` for a name the API does not document.
pub(crate) fn field_type(name: &str) -> Option<FieldType> {
    FIELDS.iter().find(|(known, _)| *known == name).map(|(_, kind)| *kind)
}

impl FieldType {
    /// What a value of this type looks like, for messages.
    pub(crate) fn shape(self) -> &'static str {
        match self {
            FieldType::Amount => "a decimal amount",
            FieldType::Currency => "a currency code",
            FieldType::Time => "a date and time",
            FieldType::Text | FieldType::Signature => "text",
            FieldType::OrderId => "an order id of 1 to 255 characters",
            FieldType::Email => "an e-mail address",
            FieldType::Language => "a language tag",
            FieldType::Account => "an account",
            FieldType::NumericId => "a numeric id",
            FieldType::ShopId => "a shop id (a positive integer)",
            FieldType::Payway => "a payway alias",
            FieldType::Json => "a JSON text",
            FieldType::Status => "one of success, rejected, hold, cancel",
            FieldType::IpAddress => "an IP address",
        }
    }

    /// Whether `value` (not empty: empty values are not signed) is one of this type.
    pub(crate) fn accepts(self, value: &str) -> bool {
        match self {
            FieldType::Amount => {
                parse_decimal(value).is_some_and(|amount| !amount.is_sign_negative())
            }
            FieldType::Currency => value.parse::<Currency>().is_ok(),
            FieldType::Time => is_time(value),
            FieldType::Text | FieldType::Signature => true,
            FieldType::OrderId => ShopOrderId::new(value).is_ok(),
            FieldType::Email => is_email(value),
            FieldType::Language => is_language(value),
            FieldType::Account => {
                value.bytes().all(|b| b.is_ascii_alphanumeric() || b"._@+-".contains(&b))
            }
            FieldType::NumericId => is_canonical_number(value),
            FieldType::ShopId => is_canonical_number(value) && value.parse::<ShopId>().is_ok(),
            FieldType::Payway => {
                value.bytes().all(|b| b.is_ascii_alphanumeric() || b"_-".contains(&b))
            }
            FieldType::Json => serde_json::from_str::<serde::de::IgnoredAny>(value).is_ok(),
            FieldType::Status => {
                !matches!(CallbackStatus::parse(value), CallbackStatus::Unknown(_))
            }
            FieldType::IpAddress => value.parse::<IpAddr>().is_ok(),
        }
    }
}

/// Digits fitting 64 bits, without a leading zero (but `0` itself).
fn is_canonical_number(value: &str) -> bool {
    value.bytes().all(|b| b.is_ascii_digit())
        && (value == "0" || !value.starts_with('0'))
        && value.parse::<u64>().is_ok()
}

/// RFC 3339, RFC 1123 (an RFC 2822 form), or Python's `str()` of a datetime.
fn is_time(value: &str) -> bool {
    OffsetDateTime::parse(value, &Rfc3339).is_ok()
        || OffsetDateTime::parse(value, &Rfc2822).is_ok()
        || is_python_time(value)
}

/// `YYYY-MM-DD HH:MM:SS`, optionally with a fraction and then an offset `+HH:MM`:
/// RFC 3339 with a space for the `T`, and no offset meaning UTC.
fn is_python_time(value: &str) -> bool {
    let Some((date, clock)) = value.split_once(' ') else {
        return false;
    };
    let rfc3339 = format!("{date}T{clock}");
    OffsetDateTime::parse(&rfc3339, &Rfc3339).is_ok()
        || OffsetDateTime::parse(&format!("{rfc3339}Z"), &Rfc3339).is_ok()
}

/// One `@` between a non-empty local part and a dotted domain; no spaces, no
/// colons, no control characters.
fn is_email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    let plain = |part: &str| {
        !part.is_empty()
            && part
                .chars()
                .all(|c| !c.is_whitespace() && !c.is_control() && !"@:<>()[],;\\\"".contains(c))
    };
    plain(local) && plain(domain) && domain.contains('.') && !domain.starts_with('.')
}

/// A BCP 47 style tag: letters, then optional `-` or `_` and letters or digits.
fn is_language(value: &str) -> bool {
    let mut parts = value.split(['-', '_']);
    let first = parts.next().unwrap_or_default();
    (2..=8).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|part| {
            (1..=8).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_alphanumeric())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_and_its_names_are_the_known_names() {
        assert!(FIELDS.windows(2).all(|pair| pair[0].0 < pair[1].0));
        assert_eq!(NAMES.len(), FIELDS.len());
        assert!(NAMES.iter().zip(&FIELDS).all(|(name, (field, _))| name == field));
        assert_eq!(field_type("user_ip"), Some(FieldType::IpAddress));
        assert_eq!(field_type("phone"), None);
    }

    /// Values the API sends (and the sandbox's), each accepted by its field.
    #[test]
    fn what_the_api_sends_is_accepted() {
        let sent = [
            ("client_price", "10.5"),
            ("client_price", "1e-05"),
            ("created", "2024-04-12T06:18:34.719Z"),
            ("created", "2024-04-12T06:18:34+03:00"),
            ("created", "Tue, 26 May 2020 11:33:34 GMT"),
            ("processed", "2020-05-26 11:33:34.599839"),
            ("processed", "2020-05-26 11:33:34+00:00"),
            ("processed", "2020-05-26 11:33:34"),
            ("description", "gift: for you"),
            ("email", "payer@example.com"),
            ("lang", "en"),
            ("lang", "pt-BR"),
            ("payer_id", "201234567890"),
            ("payer_id", "payer@example.com"),
            ("payment_id", "9001"),
            ("payway", "card_rub"),
            ("ps_currency", "643"),
            ("ps_data", r#"{"sandbox": true, "bill_id": 3}"#),
            ("shop_amount", "10.00"),
            ("shop_currency", "840"),
            ("shop_id", "6"),
            ("shop_order_id", "ord:101"),
            ("shop_refund", "9.75"),
            ("status", "success"),
            ("status", "cancel"),
            ("user_ip", "127.0.0.1"),
            ("user_ip", "2001:db8::1"),
        ];
        for (name, value) in sent {
            assert!(field_type(name).unwrap().accepts(value), "{name}={value}");
        }
    }

    /// The pieces a re-split moves into a typed field, and other values the API
    /// never sends, are refused.
    #[test]
    fn values_of_another_shape_are_refused() {
        let refused = [
            ("client_price", "gift"),
            ("client_price", "-1"),
            ("created", "gift"),
            ("created", "2024-04-12T06:18:34.719Z:9001"),
            ("processed", "2020-05-26 11:33"),
            ("processed", "2020-05-26 11:33:34:1000"),
            ("email", "a:b@example.com"),
            ("email", "payer"),
            ("lang", "en:1000"),
            ("lang", "e"),
            ("payer_id", "20:1000"),
            ("payment_id", "9001:1000"),
            ("payment_id", "-1"),
            ("payment_id", "99999999999999999999"),
            ("payway", "card rub"),
            ("ps_currency", "1000"),
            ("ps_data", "gift"),
            ("shop_amount", "1000:840"),
            ("shop_currency", "840:6"),
            ("shop_id", "0"),
            ("shop_id", "06"),
            ("shop_id", "6:101"),
            ("payment_id", "09001"),
            ("shop_order_id", &"x".repeat(256)),
            ("shop_refund", "success"),
            ("status", "success:127.0.0.1"),
            ("status", "paid"),
            ("user_ip", "9001:1000:840:1:attacker-7:rejected:127.0.0.1"),
            ("user_ip", "1000:840:1:101:success"),
            ("user_ip", "localhost"),
        ];
        for (name, value) in refused {
            assert!(!field_type(name).unwrap().accepts(value), "{name}={value}");
        }
    }
}
