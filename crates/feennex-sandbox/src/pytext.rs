//! The text Python's `str()` gives for a value that `json.loads` parsed.
//!
//! The real Feennex server is written in Python and signs `str(value)` of each
//! signed field as it came out of the JSON body. To accept exactly the requests the
//! real server accepts (numbers *and* strings, `10.00` signed as `10.0`), the sandbox
//! computes the same text from the raw JSON token.

use serde_json::value::RawValue;

/// Python's `str()` of the value that `json.loads` makes of one raw JSON value.
///
/// - string: its decoded text;
/// - integer token (no `.`, `e` or `E`): its digits as a Python `int` prints them;
/// - other number: Python's `repr(float)` (shortest round-trip digits);
/// - `true`/`false`/`null`: `True`/`False`/`None`;
/// - array or object: `None` is returned, since no signed field may hold one.
pub fn python_str(raw: &RawValue) -> Option<String> {
    let token = raw.get().trim();
    match token.as_bytes().first()? {
        b'"' => serde_json::from_str::<String>(token).ok(),
        b't' => Some("True".to_owned()),
        b'f' => Some("False".to_owned()),
        b'n' => Some("None".to_owned()),
        b'-' | b'0'..=b'9' => Some(number_text(token)),
        _ => None,
    }
}

/// Python's text of a JSON number token.
pub fn number_text(token: &str) -> String {
    if token.bytes().any(|b| matches!(b, b'.' | b'e' | b'E')) {
        match token.parse::<f64>() {
            Ok(value) => float_repr(value),
            Err(_) => token.to_owned(),
        }
    } else {
        int_text(token)
    }
}

/// Python's `str(int(token))`: the digits, with `-0` printed as `0`.
fn int_text(token: &str) -> String {
    let digits = token.strip_prefix('-').unwrap_or(token);
    let digits = digits.trim_start_matches('0');
    if digits.is_empty() {
        "0".to_owned()
    } else if token.starts_with('-') {
        format!("-{digits}")
    } else {
        digits.to_owned()
    }
}

/// Python's `repr(float)`: the shortest digits that round-trip, in fixed notation
/// when the decimal point falls within `-4 < decpt <= 16` (with `.0` for whole
/// values), otherwise as `d.ddde±XX`.
pub fn float_repr(value: f64) -> String {
    if value.is_nan() {
        return "nan".to_owned();
    }
    if value.is_infinite() {
        return if value > 0.0 { "inf" } else { "-inf" }.to_owned();
    }
    let sign = if value.is_sign_negative() { "-" } else { "" };
    if value == 0.0 {
        return format!("{sign}0.0");
    }
    // Rust's `{:e}` finds how many digits the shortest round-trip form needs. When
    // two forms of that length are equally close, Rust picks the upper one and Python
    // the even one; Rust's exact formatting to that many digits rounds half to even,
    // as Python does. At a power of two the gap below the value is half the gap
    // above, and the closest decimal of that length may then read back as another
    // float: Python, like Rust's shortest form, takes the one that reads back.
    let shortest = format!("{:e}", value.abs());
    let needed =
        shortest.split('e').next().unwrap_or("").bytes().filter(u8::is_ascii_digit).count();
    let closest = format!("{:.*e}", needed.saturating_sub(1), value.abs());
    let reads_back = closest.parse::<f64>().is_ok_and(|back| back == value.abs());
    let scientific = if reads_back { closest } else { shortest };
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let digits = match digits.trim_end_matches('0') {
        "" => "0".to_owned(),
        trimmed => trimmed.to_owned(),
    };
    let decpt = exponent + 1;
    let count = digits.len() as i32;
    let body = if -4 < decpt && decpt <= 16 {
        if decpt <= 0 {
            format!("0.{}{digits}", "0".repeat((-decpt) as usize))
        } else if decpt < count {
            let (whole, fraction) = digits.split_at(decpt as usize);
            format!("{whole}.{fraction}")
        } else {
            format!("{digits}{}.0", "0".repeat((decpt - count) as usize))
        }
    } else {
        let (first, rest) = digits.split_at(1);
        let exponent_sign = if exponent < 0 { '-' } else { '+' };
        let mantissa = if rest.is_empty() { first.to_owned() } else { format!("{first}.{rest}") };
        format!("{mantissa}e{exponent_sign}{:02}", exponent.abs())
    };
    format!("{sign}{body}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn python(token: &str) -> String {
        let raw = RawValue::from_string(token.to_owned()).unwrap();
        python_str(&raw).unwrap()
    }

    /// Pairs of (JSON token, `str(json.loads(token))` printed by CPython 3.11).
    const PYTHON_OUTPUTS: &[(&str, &str)] = &[
        ("10.00", "10.0"),
        ("0.00001", "1e-05"),
        ("1e16", "1e+16"),
        ("1234567890123456.0", "1234567890123456.0"),
        ("0.1", "0.1"),
        ("1e-4", "0.0001"),
        ("123456789012345678.0", "1.2345678901234568e+17"),
        ("1.5e300", "1.5e+300"),
        ("-0.0", "-0.0"),
        ("0.0", "0.0"),
        ("5e-324", "5e-324"),
        ("1.7976931348623157e308", "1.7976931348623157e+308"),
        ("1e400", "inf"),
        ("-1e400", "-inf"),
        ("100", "100"),
        ("2.5E3", "2500.0"),
        ("0.30000000000000004", "0.30000000000000004"),
        ("1e22", "1e+22"),
        ("12345678901234567.0", "1.2345678901234568e+16"),
        ("9007199254740993.0", "9007199254740992.0"),
        ("-12.5e-7", "-1.25e-06"),
        ("1E+2", "100.0"),
        ("-0", "0"),
        ("0.000123456", "0.000123456"),
        ("1.11", "1.11"),
        ("10.5", "10.5"),
        ("99999999999999999999", "99999999999999999999"),
        // Two shortest forms equally close: Python takes the even digit.
        ("1149576506401442.25", "1149576506401442.2"),
        ("1149576506401442.75", "1149576506401442.8"),
        // A power of two, where the closest 16 digits would read back as a
        // neighbour.
        ("7.291122019556398e-304", "7.291122019556398e-304"),
    ];

    #[test]
    fn numbers_print_as_python_prints_them() {
        for (token, expected) in PYTHON_OUTPUTS {
            assert_eq!(python(token), *expected, "token {token}");
        }
    }

    #[test]
    fn strings_sign_as_their_decoded_text() {
        assert_eq!(python(r#""10.50""#), "10.50");
        assert_eq!(python(r#""caf\u00e9 \"x\"""#), "café \"x\"");
        assert_eq!(python(r#""""#), "");
    }

    #[test]
    fn literals_print_as_python_constants() {
        assert_eq!(python("true"), "True");
        assert_eq!(python("false"), "False");
        assert_eq!(python("null"), "None");
    }

    #[test]
    fn containers_have_no_signed_text() {
        for token in ["[1]", "{}", r#"{"a":1}"#] {
            let raw = RawValue::from_string(token.to_owned()).unwrap();
            assert_eq!(python_str(&raw), None, "{token}");
        }
    }
}
