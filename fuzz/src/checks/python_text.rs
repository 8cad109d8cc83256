//! The `python_text` fuzz target's check.

use serde_json::value::RawValue;

use super::*;

/// Python's text of numbers, as the sandbox computes it to check signatures. Any
/// finite float's `repr` reads back as the same float with no more digits than the
/// shortest form; any JSON token gives text or `None` without panicking; and every
/// amount the SDK accepts prints in Python exactly as the SDK signs it.
pub fn python_text(data: &[u8]) {
    let mut input = Input::new(data);
    let bits = u64::from(input.u32()) << 32 | u64::from(input.u32());
    let value = f64::from_bits(bits);
    let repr = feennex_sandbox::float_repr(value);
    if value.is_finite() {
        let back: f64 = repr.parse().unwrap_or_else(|_| panic!("{repr} does not parse"));
        assert_eq!(back.to_bits(), value.to_bits(), "{value:e} printed as {repr}");
        // Both are shortest round-trip forms: the same number of significant digits.
        let significant = |text: &str| {
            let mantissa = text.split(['e', 'E']).next().unwrap_or_default();
            let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
            digits.trim_matches('0').len()
        };
        let shortest = format!("{:e}", value.abs());
        assert_eq!(significant(&repr), significant(&shortest), "{repr} vs {shortest}");
    }

    if let Some(amount) = fuzzed_amount(&mut input) {
        let token = RawValue::from_string(amount.as_str().to_owned()).expect("an amount is JSON");
        assert_eq!(
            feennex_sandbox::python_str(&token).as_deref(),
            Some(amount.as_str()),
            "Python would sign {} differently",
            amount.as_str()
        );
    }

    let text = String::from_utf8_lossy(input.rest()).into_owned();
    let Ok(token) = RawValue::from_string(text) else { return };
    let trimmed = token.get().trim();
    let printed = feennex_sandbox::python_str(&token);
    match trimmed.as_bytes().first() {
        // A string signs as its text; one with a lone surrogate escape has no UTF-8
        // text, so it has no signed text either (and its signature cannot match).
        Some(b'"') => assert_eq!(printed, serde_json::from_str::<String>(trimmed).ok()),
        Some(b'-' | b'0'..=b'9') if trimmed.contains(['.', 'e', 'E']) => {
            let printed = printed.expect("a number has text");
            let expected: f64 = trimmed.parse().expect("a JSON number parses");
            let back: f64 = printed.parse().expect("Python's text parses");
            assert_eq!(back.to_bits(), expected.to_bits(), "{trimmed} -> {printed}");
        }
        Some(b'-' | b'0'..=b'9') => {
            let expected = if trimmed == "-0" { "0" } else { trimmed };
            assert_eq!(printed.as_deref(), Some(expected));
        }
        Some(b'[' | b'{') => assert_eq!(printed, None),
        _ => assert!(matches!(printed.as_deref(), Some("True" | "False" | "None"))),
    }
}
