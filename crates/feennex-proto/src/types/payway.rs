//! Texts chosen by Feennex or the payee that are signed as given: the payment
//! system alias (`payway`) and the payee's account in it.

use std::fmt;
use std::str::FromStr;

/// Why a text is not usable as a `payway` or an `account`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TextFieldError {
    /// The text is empty.
    #[error("it is empty")]
    Empty,
    /// The text is longer than the server accepts.
    #[error("it has {0} characters; at most {1} are accepted")]
    TooLong(usize, usize),
    /// The text holds characters the server would not sign as given.
    #[error("it contains {0}")]
    Forbidden(&'static str),
}

macro_rules! signed_text {
    ($(#[$doc:meta])* $name:ident, max = $max:literal, spaces = $spaces:literal) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// Checks and wraps the text.
            pub fn new(text: impl Into<String>) -> Result<Self, TextFieldError> {
                let text = text.into();
                let count = text.chars().count();
                if count == 0 {
                    return Err(TextFieldError::Empty);
                }
                if count > $max {
                    return Err(TextFieldError::TooLong(count, $max));
                }
                if text.chars().any(char::is_control) {
                    return Err(TextFieldError::Forbidden("control characters"));
                }
                if !$spaces && text.chars().any(char::is_whitespace) {
                    return Err(TextFieldError::Forbidden("white space"));
                }
                if text.trim() != text {
                    return Err(TextFieldError::Forbidden("leading or trailing white space"));
                }
                Ok(Self(text))
            }

            /// The text sent and signed.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl FromStr for $name {
            type Err = TextFieldError;

            fn from_str(text: &str) -> Result<Self, TextFieldError> {
                Self::new(text)
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

signed_text!(
    /// The alias of a payment system, such as `card_usd`.
    Payway,
    max = 64,
    spaces = false
);

signed_text!(
    /// The payee's account in an external payment system (a card number, a phone,
    /// a wallet id), as that system writes it.
    WithdrawAccount,
    max = 255,
    spaces = true
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payways_are_single_words() {
        assert_eq!(Payway::new("card_usd").unwrap().as_str(), "card_usd");
        assert_eq!(Payway::new(""), Err(TextFieldError::Empty));
        assert_eq!(Payway::new("card usd"), Err(TextFieldError::Forbidden("white space")));
        assert_eq!(Payway::new("x".repeat(65)), Err(TextFieldError::TooLong(65, 64)));
    }

    #[test]
    fn accounts_may_hold_inner_spaces_but_not_padding_or_controls() {
        assert!(WithdrawAccount::new("4111 1111 1111 1111").is_ok());
        assert!(WithdrawAccount::new(" 4111").is_err());
        assert!(WithdrawAccount::new("41\n11").is_err());
        assert_eq!(WithdrawAccount::new(""), Err(TextFieldError::Empty));
    }
}
