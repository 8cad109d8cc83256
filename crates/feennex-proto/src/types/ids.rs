//! Identifiers: the shop's, and the merchant's own ids of payouts and payments.

use std::fmt;
use std::str::FromStr;

/// Why a value is not a valid identifier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IdError {
    /// The shop id is not a positive integer.
    #[error("{0:?} is not a shop id (a positive integer)")]
    ShopId(String),
    /// The merchant id is empty.
    #[error("the id is empty; it must have 1 to 255 characters")]
    Empty,
    /// The merchant id is longer than the server accepts.
    #[error("the id has {0} characters; at most 255 are accepted")]
    TooLong(usize),
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
        let id = crate::response::lenient::u64_from_number_or_string(deserializer)?;
        ShopId::new(id).ok_or_else(|| serde::de::Error::custom("shop id 0"))
    }
}

/// Checks the 1–255 character rule shared by the merchant's ids.
fn check_merchant_id(text: &str) -> Result<(), IdError> {
    match text.chars().count() {
        0 => Err(IdError::Empty),
        n if n > 255 => Err(IdError::TooLong(n)),
        _ => Ok(()),
    }
}

macro_rules! merchant_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Checks the length (1 to 255 characters) and wraps the id.
            pub fn new(id: impl Into<String>) -> Result<Self, IdError> {
                let id = id.into();
                check_merchant_id(&id)?;
                Ok(Self(id))
            }

            /// The id's text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl FromStr for $name {
            type Err = IdError;

            fn from_str(text: &str) -> Result<Self, IdError> {
                Self::new(text)
            }
        }

        impl TryFrom<String> for $name {
            type Error = IdError;

            fn try_from(text: String) -> Result<Self, IdError> {
                Self::new(text)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.0)
            }
        }
    };
}

merchant_id!(
    /// The merchant's id of a payout: its idempotency key, unique per shop forever.
    ///
    /// Choose it before the first attempt and keep it across retries.
    ShopPaymentId
);

merchant_id!(
    /// The merchant's id of a payment (an order).
    ShopOrderId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merchant_ids_have_one_to_255_characters() {
        assert_eq!(ShopPaymentId::new(""), Err(IdError::Empty));
        assert!(ShopPaymentId::new("x".repeat(255)).is_ok());
        assert_eq!(ShopPaymentId::new("x".repeat(256)), Err(IdError::TooLong(256)));
        // Characters, not bytes: 255 two-byte characters are fine.
        assert!(ShopOrderId::new("é".repeat(255)).is_ok());
    }

    #[test]
    fn shop_ids_are_positive_integers() {
        assert_eq!("17".parse::<ShopId>().unwrap().get(), 17);
        for bad in ["0", "", "-1", "+1", "1.0", "99999999999999999999"] {
            assert!(bad.parse::<ShopId>().is_err(), "{bad}");
        }
    }
}
