//! What the API accepts for an amount, beyond a text it reads back identically:
//! greater than zero, at most two decimal places (its currencies are fiat ones,
//! counted in hundredths), and below 10^12. The server answers error 10 to
//! anything else, after the request has left; checking here means a refused
//! amount is never sent. The single commands and a batch's pre-check use this one
//! rule.

use rust_decimal::Decimal;

use super::amount::{Amount, AmountError};

/// Most decimal places of an amount the API accepts.
pub const MAX_AMOUNT_DECIMALS: u32 = 2;

/// The API accepts amounts below this (10^12).
pub const AMOUNT_LIMIT: u64 = 1_000_000_000_000;

impl Amount {
    /// Parses an amount the API accepts: plain decimal text (as [`Amount`]'s
    /// `FromStr` takes it) within the API's limits ([`Amount::check_api_limits`]).
    /// A negative number is refused as negative.
    ///
    /// ```
    /// use feennex_proto::{prelude::Amount, types::AmountError};
    ///
    /// assert_eq!(Amount::parse_for_api("10.50")?.as_str(), "10.5");
    /// assert_eq!(Amount::parse_for_api("1.111"), Err(AmountError::TooManyDecimals(3)));
    /// assert_eq!(Amount::parse_for_api("999999999999999"), Err(AmountError::TooLarge));
    /// assert_eq!(Amount::parse_for_api("-1"), Err(AmountError::Negative("-1".into())));
    /// # Ok::<(), AmountError>(())
    /// ```
    pub fn parse_for_api(text: &str) -> Result<Self, AmountError> {
        if let Some(magnitude) = text.strip_prefix('-') {
            return Err(match magnitude.parse::<Amount>() {
                Ok(_) => AmountError::Negative(text.chars().take(40).collect()),
                Err(AmountError::NotPositive) => AmountError::NotPositive,
                Err(_) => AmountError::Syntax(text.chars().take(40).collect()),
            });
        }
        text.parse::<Amount>()?.check_api_limits()
    }

    /// Gives the amount back when the API accepts it: at most
    /// [`MAX_AMOUNT_DECIMALS`] decimal places and below [`AMOUNT_LIMIT`] (an
    /// `Amount` is already greater than zero).
    pub fn check_api_limits(self) -> Result<Self, AmountError> {
        let value = self.value();
        if value.scale() > MAX_AMOUNT_DECIMALS {
            return Err(AmountError::TooManyDecimals(value.scale()));
        }
        if value >= Decimal::from(AMOUNT_LIMIT) {
            return Err(AmountError::TooLarge);
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(text: &str) -> Result<String, AmountError> {
        Amount::parse_for_api(text).map(|amount| amount.as_str().to_owned())
    }

    #[test]
    fn amounts_within_the_limits_keep_their_canonical_text() {
        assert_eq!(api("10.50").unwrap(), "10.5");
        assert_eq!(api("0.01").unwrap(), "0.01");
        assert_eq!(api("1.100").unwrap(), "1.1");
        assert_eq!(api("999999999999.99").unwrap(), "999999999999.99");
    }

    #[test]
    fn amounts_the_server_refuses_are_refused_with_the_reason() {
        assert_eq!(api("1.111"), Err(AmountError::TooManyDecimals(3)));
        assert_eq!(api("0.0001"), Err(AmountError::TooManyDecimals(4)));
        assert_eq!(api("1000000000000"), Err(AmountError::TooLarge));
        assert_eq!(api("999999999999999"), Err(AmountError::TooLarge));
        assert_eq!(api("0"), Err(AmountError::NotPositive));
        assert_eq!(api("-0.00"), Err(AmountError::NotPositive));
        assert_eq!(api("-1"), Err(AmountError::Negative("-1".to_owned())));
        assert_eq!(api("-1.5"), Err(AmountError::Negative("-1.5".to_owned())));
        assert_eq!(api("--1"), Err(AmountError::Syntax("--1".to_owned())));
        assert_eq!(api("-x"), Err(AmountError::Syntax("-x".to_owned())));
        assert_eq!(api("1e3"), Err(AmountError::Syntax("1e3".to_owned())));
        assert_eq!(api(""), Err(AmountError::Empty));
    }

    #[test]
    fn each_reason_reads_as_what_is_wrong() {
        assert_eq!(
            AmountError::Negative("-1".into()).to_string(),
            "the amount -1 is negative; it must be greater than zero"
        );
        assert_eq!(
            AmountError::TooManyDecimals(3).to_string(),
            "the amount has 3 decimal places; the API accepts at most 2"
        );
        assert_eq!(
            AmountError::TooLarge.to_string(),
            "the amount must be less than 1000000000000, the API's limit"
        );
    }
}
