//! The signature, the amount text and the finality of a withdrawal status, as
//! bindings call them.

use feennex_proto::SecretKey;
use feennex_proto::types::{Amount, WithdrawStatus};

use crate::failure::Failure;

/// A shop's key kept for signing many field lists (an empty key is refused by
/// the core's key type).
#[derive(Debug, Clone)]
pub struct Signer {
    key: SecretKey,
}

impl Signer {
    /// A signer with this key.
    pub fn new(secret: &str) -> Result<Self, Failure> {
        SecretKey::try_new(secret)
            .map(|key| Self { key })
            .map_err(|error| Failure::invalid("secret", error))
    }

    /// The signature of these fields (name, value): their values in byte order of
    /// name, joined by `:`, the key appended, SHA-256 in lowercase hex.
    pub fn sign<K: AsRef<str>, V: AsRef<str>>(&self, fields: &[(K, V)]) -> String {
        feennex_proto::sign::sign(fields, &self.key).as_str().to_owned()
    }

    /// Whether `received` is the signature of these fields, in constant time.
    pub fn verify<K: AsRef<str>, V: AsRef<str>>(&self, fields: &[(K, V)], received: &str) -> bool {
        feennex_proto::sign::verify(fields, &self.key, received)
    }
}

/// The fields of a packed text: `count` names and values, each followed by a NUL
/// character (`name\0value\0name\0value\0`), so that a binding hands a whole
/// field set over as one string. A name or value holding a NUL itself changes
/// the count and is refused.
pub fn unpack_fields(packed: &str, count: usize) -> Result<Vec<(&str, &str)>, Failure> {
    let refused = || Failure::invalid("fields", "a field name or value holds a NUL character");
    let mut parts = packed.split('\0');
    let mut fields = Vec::with_capacity(count.min(packed.len()));
    for _ in 0..count {
        match (parts.next(), parts.next()) {
            (Some(name), Some(value)) => fields.push((name, value)),
            _ => return Err(refused()),
        }
    }
    match (parts.next(), parts.next()) {
        (Some(""), None) => Ok(fields),
        (None, None) if count == 0 => Ok(fields),
        _ => Err(refused()),
    }
}

/// The signature of these fields with `secret` (see [`Signer::sign`]).
pub fn sign_fields<K: AsRef<str>, V: AsRef<str>>(
    fields: &[(K, V)],
    secret: &str,
) -> Result<String, Failure> {
    Ok(Signer::new(secret)?.sign(fields))
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

/// Whether a withdrawal in this status has ended (5 Success, 6 Rejected, 8
/// ManualCanceled). 4 and 9 look like errors but are not final: paying again on
/// them pays twice. An unknown status is never final.
pub fn withdraw_status_is_final(status: i64) -> bool {
    WithdrawStatus::from_code(status).is_final()
}
