//! Amounts of money sent to Feennex, in the one canonical text that the JSON body
//! and the string-to-sign share.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;

/// Most significant digits an amount may have: every decimal with at most 15
/// significant digits survives the server's round trip through a binary float.
const MAX_SIGNIFICANT_DIGITS: u32 = 15;

/// Room for the longest canonical text: 28 digits, a point and a leading `0.`.
const TEXT_CAPACITY: usize = 32;

/// A positive amount of money whose text the Feennex server reads back identically.
///
/// The server is written in Python and signs `str()` of the number it parsed, so an
/// amount is sent in canonical decimal form (`10`, `1.11`, `10.5`, `0.0001`: no
/// exponent, no trailing zeros after the point). Values that Python would print
/// differently are refused when the `Amount` is made, never at the server.
///
/// ```
/// use feennex_proto::prelude::Amount;
///
/// let amount: Amount = "10.50".parse()?;
/// assert_eq!(amount.as_str(), "10.5");
/// assert!("0.00001".parse::<Amount>().is_err()); // Python prints 1e-05
/// # Ok::<(), feennex_proto::types::AmountError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Amount {
    value: Decimal,
    text: [u8; TEXT_CAPACITY],
    len: u8,
}

/// Why a value is not a valid [`Amount`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AmountError {
    /// The text is empty.
    #[error("the amount is empty")]
    Empty,
    /// The text is not plain decimal digits with an optional fractional part.
    #[error("{0:?} is not a plain decimal number such as 10 or 1.25")]
    Syntax(String),
    /// The value has more digits than an exact decimal can hold.
    #[error("the amount has more digits than can be represented exactly")]
    TooPrecise,
    /// Zero or negative.
    #[error("the amount must be greater than zero")]
    NotPositive,
    /// More significant digits than survive the server's float round trip.
    #[error("the amount has {0} significant digits; at most 15 are kept exactly by the server")]
    TooManySignificantDigits(u32),
    /// A fractional amount that Python would print in exponent notation or round.
    #[error(
        "a fractional amount must lie between 0.0001 and 1e15, or the server would sign a different text"
    )]
    OutOfRange,
    /// A negative number (see [`Amount::parse_for_api`]).
    #[error("the amount {0} is negative; it must be greater than zero")]
    Negative(String),
    /// More decimal places than the API accepts (see [`Amount::check_api_limits`]).
    #[error(
        "the amount has {0} decimal places; the API accepts at most {max}",
        max = super::MAX_AMOUNT_DECIMALS
    )]
    TooManyDecimals(u32),
    /// At or above the API's limit (see [`Amount::check_api_limits`]).
    #[error("the amount must be less than {limit}, the API's limit", limit = super::AMOUNT_LIMIT)]
    TooLarge,
}

impl Amount {
    /// Makes an amount from an exact decimal, refusing values the server would
    /// print differently.
    pub fn new(value: Decimal) -> Result<Self, AmountError> {
        if value <= Decimal::ZERO {
            return Err(AmountError::NotPositive);
        }
        let value = value.normalize();
        let digits = significant_digits(value.mantissa().unsigned_abs());
        if digits > MAX_SIGNIFICANT_DIGITS {
            return Err(AmountError::TooManySignificantDigits(digits));
        }
        let has_fraction = value.scale() > 0;
        let lower = Decimal::new(1, 4);
        let upper = Decimal::from(1_000_000_000_000_000_i64);
        if has_fraction && (value < lower || value >= upper) {
            return Err(AmountError::OutOfRange);
        }
        Ok(Self::with_text(value))
    }

    /// A whole amount, such as `100`.
    pub fn from_units(units: u64) -> Result<Self, AmountError> {
        Self::new(Decimal::from(units))
    }

    fn with_text(value: Decimal) -> Self {
        use std::io::Write;
        let mut text = [0u8; TEXT_CAPACITY];
        let mut cursor = std::io::Cursor::new(&mut text[..]);
        // A normalised decimal of at most 28 digits always fits.
        let _ = write!(cursor, "{value}");
        let len = cursor.position() as u8;
        Self { value, text, len }
    }

    /// The exact value.
    pub fn value(&self) -> Decimal {
        self.value
    }

    /// The canonical text, used both in the JSON body and in the string-to-sign.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.text[..usize::from(self.len)]).unwrap_or_default()
    }
}

/// Counts the digits of `mantissa` once its trailing zeros are dropped.
fn significant_digits(mut mantissa: u128) -> u32 {
    while mantissa != 0 && mantissa.is_multiple_of(10) {
        mantissa /= 10;
    }
    mantissa.checked_ilog10().map_or(0, |log| log + 1)
}

impl FromStr for Amount {
    type Err = AmountError;

    /// Parses plain decimal text (`10`, `10.50`, `0.0001`); signs, exponents and
    /// spaces are refused so that what a person typed is what is paid.
    fn from_str(text: &str) -> Result<Self, AmountError> {
        if text.is_empty() {
            return Err(AmountError::Empty);
        }
        let (whole, fraction) = text.split_once('.').unwrap_or((text, "0"));
        let is_digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
        if !is_digits(whole) || !is_digits(fraction) {
            return Err(AmountError::Syntax(text.chars().take(40).collect()));
        }
        let value = Decimal::from_str_exact(text).map_err(|_| AmountError::TooPrecise)?;
        Self::new(value)
    }
}

impl TryFrom<Decimal> for Amount {
    type Error = AmountError;

    fn try_from(value: Decimal) -> Result<Self, AmountError> {
        Self::new(value)
    }
}

impl From<Amount> for Decimal {
    fn from(amount: Amount) -> Decimal {
        amount.value
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Amount({})", self.as_str())
    }
}

impl serde::Serialize for Amount {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical(text: &str) -> Result<String, AmountError> {
        text.parse::<Amount>().map(|a| a.as_str().to_owned())
    }

    #[test]
    fn canonical_text_drops_trailing_zeros_and_point() {
        assert_eq!(canonical("10.00").unwrap(), "10");
        assert_eq!(canonical("10.50").unwrap(), "10.5");
        assert_eq!(canonical("1.11").unwrap(), "1.11");
        assert_eq!(canonical("0.0001").unwrap(), "0.0001");
        assert_eq!(canonical("007").unwrap(), "7");
        assert_eq!(canonical("1000").unwrap(), "1000");
    }

    #[test]
    fn values_python_prints_differently_are_refused() {
        assert_eq!(canonical("0.00001"), Err(AmountError::OutOfRange));
        assert_eq!(canonical("1000000000000000.5"), Err(AmountError::TooManySignificantDigits(17)));
        assert_eq!(canonical("1234567890123456"), Err(AmountError::TooManySignificantDigits(16)));
        assert_eq!(canonical("0"), Err(AmountError::NotPositive));
        assert_eq!(canonical("0.000"), Err(AmountError::NotPositive));
    }

    #[test]
    fn syntax_errors_say_what_was_given() {
        for bad in ["-1", "+1", "1e5", " 1", "1.", ".5", "1,5", "1.2.3", "ten"] {
            assert!(matches!(canonical(bad), Err(AmountError::Syntax(_))), "{bad}");
        }
        assert_eq!(canonical(""), Err(AmountError::Empty));
        assert_eq!(canonical("1.00000000000000000000000000001"), Err(AmountError::TooPrecise));
    }

    #[test]
    fn large_whole_amounts_keep_every_digit() {
        assert_eq!(canonical("100000000000000000000").unwrap(), "100000000000000000000");
        assert_eq!(canonical("999999999999999").unwrap(), "999999999999999");
    }
}
