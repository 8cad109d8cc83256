//! How a value is shown in a mismatch message: received text quoted and escaped
//! (it comes from outside), a missing value as `nothing`, never as Rust's `Some(…)`.

use std::fmt;

/// A received field's text, or its absence.
pub(crate) struct Said<'a>(Option<&'a str>);

/// Shows a received text quoted, or `nothing`.
pub(crate) fn said(value: &Option<String>) -> Said<'_> {
    Said(value.as_deref())
}

impl fmt::Display for Said<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(text) => write!(f, "\"{}\"", text.escape_debug()),
            None => f.write_str("nothing"),
        }
    }
}

/// A typed value, or its absence.
pub(crate) struct Known<'a, T>(&'a Option<T>);

/// Shows a typed value as itself, or `nothing`.
pub(crate) fn known<T: fmt::Display>(value: &Option<T>) -> Known<'_, T> {
    Known(value)
}

impl<T: fmt::Display> fmt::Display for Known<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(value) => value.fmt(f),
            None => f.write_str("nothing"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_quoted_and_escaped_and_absence_is_a_word() {
        assert_eq!(said(&Some("250.00".to_owned())).to_string(), "\"250.00\"");
        assert_eq!(said(&Some("a\"b\n".to_owned())).to_string(), "\"a\\\"b\\n\"");
        assert_eq!(said(&None).to_string(), "nothing");
        assert_eq!(known(&Some(25)).to_string(), "25");
        assert_eq!(known::<u8>(&None).to_string(), "nothing");
    }
}
