//! Signing any fields never panics, and verify accepts exactly what sign produced.
#![no_main]

use feennex_proto::{SecretKey, sign, verify};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.split('\u{0}');
    let secret = SecretKey::new(parts.next().unwrap_or_default());
    let fields: Vec<(&str, &str)> = parts.map(|part| part.split_once('=').unwrap_or((part, ""))).collect();
    let signature = sign(&fields, &secret);
    assert!(verify(&fields, &secret, signature.as_str()));
    let mut other = signature.as_str().to_owned();
    other.replace_range(0..1, if other.starts_with('0') { "1" } else { "0" });
    assert!(!verify(&fields, &secret, &other));
});
