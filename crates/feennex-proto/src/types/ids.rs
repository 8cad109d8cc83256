//! Identifiers: the shop's, and the merchant's own ids of payouts and payments.

use std::fmt;
use std::str::FromStr;

use super::text::signed_text;

/// Why a value is not a shop id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IdError {
    /// The shop id is not a positive integer.
    #[error("{0:?} is not a shop id (a positive integer)")]
    ShopId(String),
}

/// The integer id of a merchant's shop.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ShopId(u64);

impl ShopId {
    /// A shop id; zero is not one.
    pub const fn new(id: u64) -> Option<Self> {
        if id == 0 { None } else { Some(ShopId(id)) }
    }

    /// The number.
    pub const fn get(self) -> u64 {
        self.0
    }
}

impl FromStr for ShopId {
    type Err = IdError;

    fn from_str(text: &str) -> Result<Self, IdError> {
        let error = || IdError::ShopId(text.chars().take(40).collect());
        if !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(error());
        }
        text.parse().ok().and_then(ShopId::new).ok_or_else(error)
    }
}

impl fmt::Display for ShopId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl fmt::Debug for ShopId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ShopId({})", self.0)
    }
}

impl serde::Serialize for ShopId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u64(self.0)
    }
}

impl<'de> serde::Deserialize<'de> for ShopId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let id = crate::lenient::u64_from_number_or_string(deserializer)?;
        ShopId::new(id).ok_or_else(|| serde::de::Error::custom("shop id 0"))
    }
}

signed_text!(
    /// The merchant's id of a payout: its idempotency key, unique per shop forever.
    ///
    /// Choose it before the first attempt and keep it across retries.
    ShopPaymentId,
    max = 255,
    spaces = true
);

signed_text!(
    /// The merchant's id of a payment (an order).
    ShopOrderId,
    max = 255,
    spaces = true
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::TextFieldError;

    #[test]
    fn merchant_ids_have_one_to_255_characters() {
        assert_eq!(ShopPaymentId::new(""), Err(TextFieldError::Empty));
        assert!(ShopPaymentId::new("x".repeat(255)).is_ok());
        assert_eq!(ShopPaymentId::new("x".repeat(256)), Err(TextFieldError::TooLong(256, 255)));
        // Characters, not bytes: 255 two-byte characters are fine.
        assert!(ShopOrderId::new("é".repeat(255)).is_ok());
    }

    #[test]
    fn merchant_ids_are_signed_as_given_so_refuse_padding_and_controls() {
        assert!(ShopPaymentId::new("salary march 7").is_ok());
        for bad in [" p-1", "p-1 ", "p\n1", "p\u{0}1"] {
            assert!(
                matches!(ShopPaymentId::new(bad), Err(TextFieldError::Forbidden(_))),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn shop_ids_are_positive_integers() {
        assert_eq!("17".parse::<ShopId>().unwrap().get(), 17);
        for bad in ["0", "", "-1", "+1", "1.0", "99999999999999999999"] {
            assert!(bad.parse::<ShopId>().is_err(), "{bad}");
        }
    }
}
