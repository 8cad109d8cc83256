//! Reading a request body the way the Python server does: a JSON object whose
//! values are checked field by field (every problem is reported at once, pydantic
//! style), then the shop is found and the signature is checked over Python's text
//! of each signed value.

use std::collections::{BTreeMap, HashMap};

use feennex_proto::{
    SecretKey,
    prelude::{Currency, Decimal, ErrorCode},
};
use serde_json::value::RawValue;

use crate::pytext::python_str;
use crate::reply::ApiFailure;

/// Longest merchant id (`shop_payment_id`, `shop_order_id`).
pub(crate) const MAX_ID_LEN: usize = 255;

/// One request body being read.
#[derive(Debug)]
pub(crate) struct Call<'a> {
    fields: BTreeMap<String, &'a RawValue>,
    problems: Vec<(String, String)>,
}

/// The shape of one raw JSON value.
enum Token<'a> {
    Text(String),
    Integer(&'a str),
    Float(&'a str),
    Bool,
    Null,
    Container,
}

fn token(raw: &RawValue) -> Token<'_> {
    let text = raw.get().trim();
    match text.as_bytes().first() {
        Some(b'"') => serde_json::from_str(text).map(Token::Text).unwrap_or(Token::Container),
        Some(b't' | b'f') => Token::Bool,
        Some(b'n') => Token::Null,
        Some(b'-' | b'0'..=b'9') if text.contains(['.', 'e', 'E']) => Token::Float(text),
        Some(b'-' | b'0'..=b'9') => Token::Integer(text),
        _ => Token::Container,
    }
}

impl<'a> Call<'a> {
    /// Parses the body; anything but a JSON object is error 10.
    pub(crate) fn parse(body: &'a [u8]) -> Result<Self, ApiFailure> {
        match serde_json::from_slice::<BTreeMap<String, &'a RawValue>>(body) {
            Ok(fields) => Ok(Self { fields, problems: Vec::new() }),
            Err(_) if serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok() => {
                Err(ApiFailure::bad_body("the body must be a JSON object"))
            }
            Err(error) => Err(ApiFailure::bad_body(&format!("malformed JSON ({error})"))),
        }
    }

    fn problem(&mut self, name: &str, message: &str) {
        if !self.problems.iter().any(|(seen, _)| seen == name) {
            self.problems.push((name.to_owned(), message.to_owned()));
        }
    }

    /// The value of a required field; records `field required` when absent.
    fn required(&mut self, name: &str) -> Option<Token<'a>> {
        match self.fields.get(name).copied() {
            None => {
                self.problem(name, "field required");
                None
            }
            Some(raw) => match token(raw) {
                Token::Null => {
                    self.problem(name, "none is not an allowed value");
                    None
                }
                other => Some(other),
            },
        }
    }

    /// A positive integer given as a JSON integer or a string of digits.
    pub(crate) fn integer(&mut self, name: &str) -> u64 {
        let parsed = match self.required(name) {
            None => return 0,
            Some(Token::Integer(digits)) => digits.parse::<u64>().ok(),
            Some(Token::Text(text))
                if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) =>
            {
                text.parse::<u64>().ok()
            }
            Some(_) => None,
        };
        match parsed {
            Some(value) if value > 0 => value,
            Some(_) => {
                self.problem(name, "ensure this value is greater than 0");
                0
            }
            None => {
                self.problem(name, "value is not a valid integer");
                0
            }
        }
    }

    /// A currency code given as a JSON integer or a string of digits.
    pub(crate) fn currency(&mut self, name: &str) -> Currency {
        let code = self.integer(name);
        if code == 0 {
            return Currency::USD;
        }
        match u16::try_from(code).ok().and_then(Currency::new) {
            Some(currency) => currency,
            None => {
                self.problem(name, "value is not a valid currency code");
                Currency::USD
            }
        }
    }

    /// A positive amount with at most two decimal places, given as a JSON number or
    /// a string.
    pub(crate) fn amount(&mut self, name: &str) -> Decimal {
        let text = match self.required(name) {
            None => return Decimal::ZERO,
            Some(Token::Integer(text) | Token::Float(text)) => text.to_owned(),
            Some(Token::Text(text)) => text,
            Some(_) => String::new(),
        };
        let parsed = Decimal::from_str_exact(&text).ok().or_else(|| {
            let looks_numeric = text.bytes().all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b));
            looks_numeric.then(|| Decimal::from_scientific(&text).ok()).flatten()
        });
        let Some(value) = parsed.map(|value| value.normalize()) else {
            self.problem(name, "value is not a valid decimal");
            return Decimal::ZERO;
        };
        if value <= Decimal::ZERO {
            self.problem(name, "ensure this value is greater than 0");
        } else if value.scale() > 2 {
            self.problem(name, "ensure that there are no more than 2 decimal places");
        } else if value >= Decimal::from(1_000_000_000_000_i64) {
            self.problem(name, "ensure this value is less than 1000000000000");
        } else {
            return value;
        }
        Decimal::ZERO
    }

    /// A required text of 1 to `max_len` characters; numbers are taken as their
    /// Python text, as pydantic coerces them.
    pub(crate) fn text(&mut self, name: &str, max_len: usize) -> String {
        let text = match self.required(name) {
            None => return String::new(),
            Some(Token::Text(text)) => text,
            Some(Token::Integer(token) | Token::Float(token)) => crate::pytext::number_text(token),
            Some(_) => {
                self.problem(name, "str type expected");
                return String::new();
            }
        };
        if text.is_empty() {
            self.problem(name, "ensure this value has at least 1 characters");
        } else if text.chars().count() > max_len {
            self.problem(name, &format!("ensure this value has at most {max_len} characters"));
        }
        text
    }

    /// One of the allowed words.
    pub(crate) fn choice(&mut self, name: &str, allowed: &[&'static str]) -> &'static str {
        let text = self.text(name, 64);
        if let Some(word) = allowed.iter().find(|word| **word == text) {
            return word;
        }
        if !text.is_empty() {
            let permitted: Vec<String> = allowed.iter().map(|word| format!("'{word}'")).collect();
            self.problem(
                name,
                &format!(
                    "value is not a valid enumeration member; permitted: {}",
                    permitted.join(", ")
                ),
            );
        }
        allowed[0]
    }

    /// An optional unsigned text; absent, null or empty is `None`.
    pub(crate) fn optional_text(&mut self, name: &str) -> Option<String> {
        let raw = self.fields.get(name).copied()?;
        match token(raw) {
            Token::Null => None,
            Token::Text(text) if text.is_empty() => None,
            Token::Text(text) => Some(text),
            Token::Integer(token) | Token::Float(token) => Some(crate::pytext::number_text(token)),
            _ => {
                self.problem(name, "str type expected");
                None
            }
        }
    }

    /// Whether an optional field holds a JSON object (or is absent or null).
    pub(crate) fn optional_object(&mut self, name: &str) {
        if let Some(raw) = self.fields.get(name).copied() {
            let text = raw.get().trim();
            if !(text.starts_with('{') || text == "null") {
                self.problem(name, "value is not a valid dict");
            }
        }
    }

    /// Finishes the field checks, finds the shop and checks the signature over the
    /// `signed` fields (already in ascending order). Gives the shop id.
    pub(crate) fn authenticate(
        &mut self,
        secrets: &HashMap<u64, SecretKey>,
        signed: &[&str],
    ) -> Result<u64, ApiFailure> {
        let shop_id = self.integer("shop_id");
        let sign = self.text("sign", 128);
        for name in signed {
            if !self.fields.contains_key(*name) {
                self.problem(name, "field required");
            }
        }
        if !self.problems.is_empty() {
            let listed: Vec<String> = self
                .problems
                .iter()
                .map(|(name, message)| {
                    format!("{name}={}", serde_json::Value::from(message.as_str()))
                })
                .collect();
            return Err(ApiFailure::new(
                ErrorCode::IncorrectRequestParam,
                format!("Incorrect values for parameters: {}", listed.join(", ")),
            ));
        }
        let Some(secret) = secrets.get(&shop_id) else {
            return Err(ApiFailure::new(
                ErrorCode::ShopNotFound,
                format!("Shop (id={shop_id}) wasn't found"),
            ));
        };
        let values: Vec<(&str, String)> = signed
            .iter()
            .map(|name| {
                let text = self.fields.get(*name).and_then(|raw| python_str(raw));
                (*name, text.unwrap_or_default())
            })
            .collect();
        if feennex_proto::sign::verify(&values, secret, &sign) {
            Ok(shop_id)
        } else {
            Err(ApiFailure::new(
                ErrorCode::IncorrectRequestParam,
                format!(
                    "Invalid sign, string_to_sign: {}",
                    feennex_proto::sign::string_to_sign(&values)
                ),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secrets() -> HashMap<u64, SecretKey> {
        HashMap::from([(6, SecretKey::new("s3cret"))])
    }

    fn signed_body(fields: &[(&str, &str)], sign_values: &[(&str, &str)]) -> String {
        let sign = feennex_proto::sign::sign(sign_values, &SecretKey::new("s3cret"));
        let mut parts: Vec<String> = fields.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
        parts.push(format!("\"sign\":\"{sign}\""));
        format!("{{{}}}", parts.join(","))
    }

    #[test]
    fn numbers_are_signed_as_python_prints_them() {
        let body = signed_body(
            &[("amount", "10.00"), ("currency", "840"), ("shop_id", "6")],
            &[("amount", "10.0"), ("currency", "840"), ("shop_id", "6")],
        );
        let mut call = Call::parse(body.as_bytes()).unwrap();
        assert_eq!(call.amount("amount"), Decimal::new(10, 0));
        assert_eq!(call.authenticate(&secrets(), &["amount", "currency", "shop_id"]), Ok(6));
    }

    #[test]
    fn strings_are_accepted_and_signed_as_themselves() {
        let body = signed_body(
            &[("amount", "\"10.50\""), ("shop_id", "\"6\"")],
            &[("amount", "10.50"), ("shop_id", "6")],
        );
        let mut call = Call::parse(body.as_bytes()).unwrap();
        assert_eq!(call.amount("amount"), Decimal::new(105, 1));
        assert_eq!(call.authenticate(&secrets(), &["amount", "shop_id"]), Ok(6));
    }

    #[test]
    fn wrong_sign_shows_the_python_string_to_sign() {
        let body = signed_body(&[("amount", "10.00"), ("shop_id", "6")], &[("amount", "10.00")]);
        let mut call = Call::parse(body.as_bytes()).unwrap();
        let failure = call.authenticate(&secrets(), &["amount", "shop_id"]).unwrap_err();
        assert_eq!(failure.code, ErrorCode::IncorrectRequestParam);
        assert_eq!(failure.message, "Invalid sign, string_to_sign: 10.0:6");
    }

    #[test]
    fn every_bad_field_is_named() {
        let body = br#"{"amount": "ten", "shop_id": 6.5, "currency": true}"#;
        let mut call = Call::parse(body).unwrap();
        call.amount("amount");
        call.currency("currency");
        call.text("shop_payment_id", MAX_ID_LEN);
        let failure = call.authenticate(&secrets(), &["amount", "currency"]).unwrap_err();
        assert_eq!(
            failure.message,
            "Incorrect values for parameters: amount=\"value is not a valid decimal\", \
             currency=\"value is not a valid integer\", shop_payment_id=\"field required\", \
             shop_id=\"value is not a valid integer\", sign=\"field required\""
        );
    }

    #[test]
    fn unknown_shop_is_error_11() {
        let body = br#"{"shop_id": 7, "sign": "x"}"#;
        let failure =
            Call::parse(body).unwrap().authenticate(&secrets(), &["shop_id"]).unwrap_err();
        assert_eq!(failure.code, ErrorCode::ShopNotFound);
    }

    #[test]
    fn amounts_need_two_decimals_at_most_and_a_positive_value() {
        let body = br#"{"a": 1.001, "b": -1, "c": "1e2", "d": 0}"#;
        let mut call = Call::parse(body).unwrap();
        assert_eq!(call.amount("a"), Decimal::ZERO);
        assert_eq!(call.amount("b"), Decimal::ZERO);
        assert_eq!(call.amount("c"), Decimal::ONE_HUNDRED);
        assert_eq!(call.amount("d"), Decimal::ZERO);
        let names: Vec<&str> = call.problems.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["a", "b", "d"]);
    }

    #[test]
    fn non_objects_and_broken_json_are_refused() {
        assert!(Call::parse(b"[1,2]").unwrap_err().message.contains("JSON object"));
        assert!(Call::parse(b"{\"a\":").unwrap_err().message.contains("malformed JSON"));
        assert!(Call::parse(b"").unwrap_err().message.contains("malformed JSON"));
    }
}
