//! The shop's secret key, held so that it cannot leak through formatting.

use std::fmt;

use zeroize::Zeroizing;

/// The secret key of a shop, used only to sign.
///
/// `Debug` prints `SecretKey(<redacted>)`, there is no `Display`, and the memory is
/// overwritten with zeros when the key is dropped.
#[derive(Clone)]
pub struct SecretKey {
    text: Zeroizing<String>,
}

impl SecretKey {
    /// Wraps a secret key.
    pub fn new(secret: impl Into<String>) -> Self {
        Self { text: Zeroizing::new(secret.into()) }
    }

    /// A key from a caller's text, refused when empty: no real shop has an empty
    /// key, and signing with one would only ever be refused by the server.
    pub fn try_new(secret: impl Into<String>) -> Result<Self, EmptySecretKey> {
        let key = Self::new(secret);
        if key.is_empty() { Err(EmptySecretKey) } else { Ok(key) }
    }

    /// Whether the key is empty, which no real shop has.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// The key's text, for hashing only.
    pub(crate) fn expose(&self) -> &str {
        &self.text
    }
}

/// An empty secret key was given (see [`SecretKey::try_new`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the secret key is empty")]
pub struct EmptySecretKey;

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

impl From<String> for SecretKey {
    fn from(secret: String) -> Self {
        Self::new(secret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_key_is_refused_by_try_new() {
        assert_eq!(SecretKey::try_new("").err(), Some(EmptySecretKey));
        assert!(!SecretKey::try_new("k").unwrap().is_empty());
    }

    #[test]
    fn debug_output_hides_the_key() {
        let key = SecretKey::new("hunter2-very-secret");
        let debug = format!("{key:?} {:#?}", key);
        assert!(!debug.contains("hunter2"), "{debug}");
        assert!(debug.contains("redacted"));
    }
}
