//! The one rule for texts that are signed as given: not empty, not too long, no
//! control characters, no outer white space (and, for some, none inside), so that
//! the text the server signs is the text sent.

/// Why a text cannot be signed as given.
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
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Checks and wraps the text.
            pub fn new(text: impl Into<String>) -> Result<Self, $crate::types::TextFieldError> {
                let text = text.into();
                let count = text.chars().count();
                if count == 0 {
                    return Err($crate::types::TextFieldError::Empty);
                }
                if count > $max {
                    return Err($crate::types::TextFieldError::TooLong(count, $max));
                }
                if text.chars().any(char::is_control) {
                    return Err($crate::types::TextFieldError::Forbidden("control characters"));
                }
                if !$spaces && text.chars().any(char::is_whitespace) {
                    return Err($crate::types::TextFieldError::Forbidden("white space"));
                }
                if text.trim() != text {
                    return Err($crate::types::TextFieldError::Forbidden("leading or trailing white space"));
                }
                Ok(Self(text))
            }

            /// The text sent and signed.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::types::TextFieldError;

            fn from_str(text: &str) -> Result<Self, $crate::types::TextFieldError> {
                Self::new(text)
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::types::TextFieldError;

            fn try_from(text: String) -> Result<Self, $crate::types::TextFieldError> {
                Self::new(text)
            }
        }

        impl From<$name> for String {
            fn from(text: $name) -> String {
                text.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.0)
            }
        }
    };
}

pub(crate) use signed_text;
