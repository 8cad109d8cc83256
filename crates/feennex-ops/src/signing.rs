//! The signature and the amount text, as bindings call them.

use feennex_proto::SecretKey;
use feennex_proto::types::Amount;

use crate::failure::Failure;

/// The signature of these fields (name, value): their values in byte order of
/// name, joined by `:`, the secret appended, SHA-256 in lowercase hex.
pub fn sign_fields<K: AsRef<str>, V: AsRef<str>>(fields: &[(K, V)], secret: &str) -> String {
    feennex_proto::sign::sign(fields, &SecretKey::new(secret)).as_str().to_owned()
}

/// The string-to-sign of these fields, without the secret.
pub fn string_to_sign<K: AsRef<str>, V: AsRef<str>>(fields: &[(K, V)]) -> String {
    feennex_proto::sign::string_to_sign(fields)
}

/// The canonical text of an amount (`10.50` becomes `10.5`), the text the server
/// signs; amounts it would print otherwise are refused.
pub fn amount_text(amount: &str) -> Result<String, Failure> {
    amount
        .parse::<Amount>()
        .map(|amount| amount.as_str().to_owned())
        .map_err(|error| Failure::invalid("amount", error))
}
