//! The Feennex signature: SHA-256 over the signed values joined with `:`, followed
//! directly by the secret key, written as lowercase hex.
//!
//! The values, separators and secret are written into stack blocks that are
//! compressed as they fill, and the hex is written into a stack buffer, so signing
//! allocates nothing.

mod blocks;
mod order;

use std::fmt;

use subtle::ConstantTimeEq;

pub use crate::secret::SecretKey;
use blocks::Sha256Blocks;

/// Separator placed between two signed values.
const SEPARATOR: u8 = b':';

/// The two lowercase hex digits of every byte value.
const HEX_PAIRS: [[u8; 2]; 256] = {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut pairs = [[0u8; 2]; 256];
    let mut byte = 0;
    while byte < 256 {
        pairs[byte] = [DIGITS[byte >> 4], DIGITS[byte & 0x0f]];
        byte += 1;
    }
    pairs
};

/// A signature: 64 lowercase hexadecimal characters, kept on the stack.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Signature {
    hex: [u8; 64],
}

impl Signature {
    /// Writes the hex form of a SHA-256 digest.
    fn from_digest(digest: &[u8; 32]) -> Self {
        let mut hex = [0u8; 64];
        for (pair, &byte) in hex.chunks_exact_mut(2).zip(digest) {
            pair.copy_from_slice(&HEX_PAIRS[usize::from(byte)]);
        }
        Self { hex }
    }

    /// The hex digits as bytes, for writers that need no `str`.
    pub(crate) fn as_bytes(&self) -> &[u8; 64] {
        &self.hex
    }

    /// The signature as the lowercase hex text sent in the `sign` field.
    pub fn as_str(&self) -> &str {
        // Only ASCII hex digits are ever written into `hex`.
        std::str::from_utf8(&self.hex).unwrap_or_default()
    }

    /// Compares with a received signature in constant time.
    ///
    /// The comparison is case-insensitive on the hex digits, since the server's
    /// text may not be lowercase; anything that is not 64 hex digits is unequal.
    pub fn matches(&self, received: &str) -> bool {
        let received = received.as_bytes();
        if received.len() != self.hex.len() {
            return false;
        }
        let mut lowered = [0u8; 64];
        for (out, byte) in lowered.iter_mut().zip(received) {
            *out = byte.to_ascii_lowercase();
        }
        self.hex.ct_eq(&lowered).into()
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signature({})", self.as_str())
    }
}

/// An incremental signer for values that arrive already in signing order.
///
/// Request builders feed signed values through this as they write the body, so the
/// values are never joined into a string.
#[derive(Clone)]
pub struct SignState {
    hasher: Sha256Blocks,
    first: bool,
}

impl fmt::Debug for SignState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignState").finish_non_exhaustive()
    }
}

impl Default for SignState {
    fn default() -> Self {
        Self::new()
    }
}

impl SignState {
    /// An empty state.
    #[inline]
    pub fn new() -> Self {
        let mut state = Self::ZEROED;
        state.start();
        state
    }

    /// All zeros, not yet a state: [`start`](Self::start) makes it an empty one.
    /// For a state inside a larger value, built in place: `new()` moved into a
    /// field is a copy of its 176 bytes.
    pub(crate) const ZEROED: Self = Self { hasher: Sha256Blocks::ZEROED, first: true };

    /// Makes a [`ZEROED`](Self::ZEROED) value an empty state.
    #[inline]
    pub(crate) fn start(&mut self) {
        self.hasher.start();
    }

    /// Adds the next value, in ascending order of field name.
    #[inline]
    pub fn push(&mut self, value: &str) {
        self.push_bytes(value.as_bytes());
    }

    /// [`push`](Self::push) of a value's bytes, for values written as bytes.
    #[inline]
    pub(crate) fn push_bytes(&mut self, value: &[u8]) {
        if !self.first {
            self.hasher.write_byte(SEPARATOR);
        }
        self.first = false;
        self.hasher.write(value);
    }

    /// Appends the secret and produces the signature.
    pub fn finish(mut self, secret: &SecretKey) -> Signature {
        self.finish_in_place(secret)
    }

    /// [`finish`](Self::finish) without moving the state, which would copy its
    /// staged blocks; the state is spent afterwards.
    pub(crate) fn finish_in_place(&mut self, secret: &SecretKey) -> Signature {
        self.hasher.write(secret.expose().as_bytes());
        Signature::from_digest(&self.hasher.finish())
    }
}

/// Signs a list of `(name, value)` fields with the shop's secret key.
///
/// The fields may come in any order: they are signed in byte-wise ascending order of
/// name, as the server does. Fields with equal names keep their given order.
///
/// ```
/// use feennex_proto::{sign::sign, SecretKey};
///
/// let secret = SecretKey::new("SecretKey01");
/// let fields = [("shop_order_id", "101"), ("amount", "10.00"), ("shop_id", "5"), ("currency", "643")];
/// assert_eq!(
///     sign(&fields, &secret).as_str(),
///     "e4580435a252d61ef91b71cb23ed7bee4d77de94ced36411526d2ce3b66ada8f",
/// );
/// ```
pub fn sign<K: AsRef<str>, V: AsRef<str>>(fields: &[(K, V)], secret: &SecretKey) -> Signature {
    let mut state = SignState::new();
    order::for_each_in_signing_order(fields, |value| state.push(value));
    state.finish_in_place(secret)
}

/// Checks a received signature against the fields, in constant time.
pub fn verify<K: AsRef<str>, V: AsRef<str>>(
    fields: &[(K, V)],
    secret: &SecretKey,
    received: &str,
) -> bool {
    sign(fields, secret).matches(received)
}

/// The text that is hashed, without the secret: the sorted values joined with `:`.
///
/// For diagnostics only; this allocates.
pub fn string_to_sign<K: AsRef<str>, V: AsRef<str>>(fields: &[(K, V)]) -> String {
    let mut text = String::new();
    let mut first = true;
    order::for_each_in_signing_order(fields, |value| {
        if !first {
            text.push(':');
        }
        first = false;
        text.push_str(value);
    });
    text
}

#[cfg(test)]
mod tests {
    use sha2::{Digest, Sha256};

    use super::*;

    fn sha256_hex(text: &str) -> String {
        Sha256::digest(text.as_bytes()).iter().map(|byte| format!("{byte:02x}")).collect()
    }

    fn joined(fields: &[(&str, String)]) -> String {
        fields.iter().map(|(_, value)| value.as_str()).collect::<Vec<_>>().join(":")
    }

    #[test]
    fn empty_field_list_signs_the_secret_alone() {
        let secret = SecretKey::new("abc");
        let expected = Signature::from_digest(&Sha256::digest(b"abc").into());
        assert_eq!(sign::<&str, &str>(&[], &secret), expected);
        assert_eq!(string_to_sign::<&str, &str>(&[]), "");
    }

    #[test]
    fn equal_names_keep_their_given_order() {
        assert_eq!(string_to_sign(&[("b", "1"), ("a", "x"), ("b", "2")]), "x:1:2");
    }

    #[test]
    fn long_unsorted_lists_sort_like_short_ones() {
        let names: Vec<String> = (0..100).rev().map(|i| format!("f{i:03}")).collect();
        let fields: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), &n[1..])).collect();
        let text = string_to_sign(&fields);
        assert!(text.starts_with("000:001:002:"));
        assert!(text.ends_with(":098:099"));
    }

    /// A list in order up to a point signs as its sorted copy does.
    #[test]
    fn lists_out_of_order_late_sign_as_their_sorted_copy() {
        let secret = SecretKey::new("s");
        let names = ["amount", "currency", "payway", "shop_id", "shop_order_id"];
        for cut in 1..names.len() {
            let mut fields: Vec<(&str, String)> =
                names.iter().map(|name| (*name, format!("v-{name}"))).collect();
            // Sorted up to `cut`, then the first name again.
            fields.insert(cut, ("a", "v-a".to_owned()));
            let mut sorted = fields.clone();
            sorted.sort_by(|a, b| a.0.cmp(b.0));
            let expected = sha256_hex(&format!("{}s", joined(&sorted)));
            assert_eq!(sign(&fields, &secret).as_str(), expected, "cut {cut}");
            assert_eq!(string_to_sign(&fields), joined(&sorted), "cut {cut}");
        }
    }

    #[test]
    fn matches_accepts_uppercase_and_rejects_wrong_length() {
        let signature = sign(&[("a", "1")], &SecretKey::new("s"));
        assert!(signature.matches(&signature.as_str().to_ascii_uppercase()));
        assert!(!signature.matches(&signature.as_str()[1..]));
        assert!(!signature.matches(""));
    }
}
