//! The `sign_verify` fuzz target's check.

use feennex_proto::SecretKey;
use sha2::{Digest, Sha256};

/// Signs fields decoded from the input (`secret NUL name=value NUL ...`) and checks
/// the signature against a plain reference implementation of the spec: values
/// ordered by name (stable), joined with `:`, the secret appended, SHA-256 as hex.
/// `verify` accepts exactly that signature, in either case, and nothing one digit
/// away; another secret signs differently.
pub fn sign_verify(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.split('\0');
    let secret_text = parts.next().unwrap_or_default().to_owned();
    let fields: Vec<(&str, &str)> =
        parts.map(|part| part.split_once('=').unwrap_or((part, ""))).collect();
    let secret = SecretKey::new(secret_text.clone());

    let mut ordered = fields.clone();
    ordered.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let joined: Vec<&str> = ordered.iter().map(|(_, value)| *value).collect();
    let joined = joined.join(":");
    assert_eq!(feennex_proto::sign::string_to_sign(&fields), joined);
    let mut hasher = Sha256::new();
    hasher.update(joined.as_bytes());
    hasher.update(secret_text.as_bytes());
    let expected: String = hasher.finalize().iter().map(|byte| format!("{byte:02x}")).collect();

    let signature = feennex_proto::sign::sign(&fields, &secret);
    assert_eq!(signature.as_str(), expected);
    assert!(feennex_proto::sign::verify(&fields, &secret, &expected));
    assert!(feennex_proto::sign::verify(&fields, &secret, &expected.to_ascii_uppercase()));
    for position in [0, 31, 63] {
        let mut other = expected.clone().into_bytes();
        other[position] = if other[position] == b'0' { b'1' } else { b'0' };
        let other = String::from_utf8(other).unwrap();
        assert!(!feennex_proto::sign::verify(&fields, &secret, &other), "accepted {other}");
    }
    assert!(!feennex_proto::sign::verify(&fields, &secret, &expected[1..]));
    assert!(!feennex_proto::sign::verify(&fields, &secret, &format!("{expected}0")));

    let other_secret = SecretKey::new(format!("{secret_text}x"));
    assert_ne!(feennex_proto::sign::sign(&fields, &other_secret), signature);

    // With distinct names the order of the list does not matter.
    let mut names: Vec<&str> = fields.iter().map(|(name, _)| *name).collect();
    names.sort_unstable();
    names.dedup();
    if names.len() == fields.len() {
        let reversed: Vec<(&str, &str)> = fields.iter().rev().copied().collect();
        assert_eq!(feennex_proto::sign::sign(&reversed, &secret), signature);
    }
}
