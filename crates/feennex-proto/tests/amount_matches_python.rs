//! An amount's canonical text must be exactly what the Python server prints as
//! `str()` of the JSON number it parses, or the amount must be refused.

use feennex_proto::{Amount, Decimal};
use proptest::prelude::*;

/// Python's `str()` of the value `json.loads` makes of a JSON number: an `int` prints
/// its digits; a `float` prints its shortest round-trip repr, in fixed notation when
/// the decimal point position `decpt` (value = 0.DIGITS × 10^decpt) satisfies
/// -4 < decpt <= 16, adding `.0` to whole values, and as `d.ddde±XX` otherwise.
fn python_str(json: &str) -> String {
    if !json.contains(['.', 'e', 'E']) {
        return json.to_owned();
    }
    let value: f64 = json.parse().unwrap();
    // Rust's `{:e}` gives the shortest round-trip digits, as Python's repr does.
    let scientific = format!("{value:e}");
    let (mantissa, exponent) = scientific.split_once('e').unwrap();
    let exponent: i32 = exponent.parse().unwrap();
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let decpt = exponent + 1;
    if !(-4 < decpt && decpt <= 16) {
        let (first, rest) = digits.split_at(1);
        let mantissa = if rest.is_empty() { first.to_owned() } else { format!("{first}.{rest}") };
        let sign = if exponent < 0 { '-' } else { '+' };
        return format!("{mantissa}e{sign}{:02}", exponent.abs());
    }
    if decpt <= 0 {
        return format!("0.{}{digits}", "0".repeat(decpt.unsigned_abs() as usize));
    }
    let decpt = decpt as usize;
    if digits.len() <= decpt {
        format!("{digits}{}.0", "0".repeat(decpt - digits.len()))
    } else {
        format!("{}.{}", &digits[..decpt], &digits[decpt..])
    }
}

#[test]
fn the_reference_rule_matches_known_python_output() {
    for (json, python) in [
        ("10", "10"),
        ("10.00", "10.0"),
        ("10.5", "10.5"),
        ("1.11", "1.11"),
        ("0.0001", "0.0001"),
        ("0.00001", "1e-05"),
        ("0.000123", "0.000123"),
        ("0.0000123", "1.23e-05"),
        ("1234567890123456.0", "1234567890123456.0"),
        ("12345678901234567.0", "1.2345678901234568e+16"),
        ("1e16", "1e+16"),
        ("0.1", "0.1"),
        ("100.25", "100.25"),
        ("9999999999999999.5", "1e+16"),
    ] {
        assert_eq!(python_str(json), python, "{json}");
    }
}

proptest! {
    #[test]
    fn accepted_amounts_print_as_python_prints_them(mantissa in 1u64..10_000_000_000_000_000_000, scale in 0u32..=20) {
        let value = Decimal::from_i128_with_scale(i128::from(mantissa), scale);
        let canonical = value.normalize().to_string();
        let python = python_str(&canonical);
        match Amount::new(value) {
            Ok(amount) => {
                prop_assert_eq!(amount.as_str(), canonical.as_str());
                prop_assert_eq!(python, canonical);
            }
            Err(_) => {
                // Refused: either Python prints something else, or the value is
                // outside the documented safe rule (more than 15 significant digits).
                let significant = canonical.trim_start_matches(['0', '.']).replace('.', "");
                let significant = significant.trim_end_matches('0');
                prop_assert!(python != canonical || significant.len() > 15, "{} refused", canonical);
            }
        }
    }

    #[test]
    fn amounts_round_trip_through_their_text(mantissa in 1u64..1_000_000_000_000_000, scale in 0u32..=4) {
        let value = Decimal::from_i128_with_scale(i128::from(mantissa), scale);
        let amount = Amount::new(value).unwrap();
        let reparsed: Amount = amount.as_str().parse().unwrap();
        prop_assert_eq!(reparsed, amount);
        prop_assert_eq!(reparsed.value(), value);
    }
}
