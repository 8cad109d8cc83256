//! An amount's canonical text (the core's rule) must be exactly what the Python
//! server prints as `str()` of the JSON number it parses (the sandbox's reference,
//! itself checked against CPython in `pytext_matches_python.rs`), or the amount must
//! be refused.

use feennex_proto::prelude::{Amount, Decimal};
use proptest::prelude::*;

/// Python's `str()` of the value `json.loads` makes of a JSON number: the one
/// reference the sandbox signs with, too.
fn python_str(json: &str) -> String {
    feennex_sandbox::number_text(json)
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
