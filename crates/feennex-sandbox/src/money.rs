//! Fees, exchange rates and rounding, in exact decimals.
//!
//! The rule, used by both `try` and `create` so that they agree to the cent:
//! `write-off = ceil₂(receive × rate × (1 + fee% / 100))` when the receiver's amount is
//! given, and `receive = floor₂(write-off / rate / (1 + fee% / 100))` when the
//! write-off is given (the shop pays exactly what it named). `rate` is the value of
//! one unit of the receiver's currency in the shop's currency.

use std::collections::BTreeMap;

use feennex_proto::prelude::{Currency, Decimal};
use rust_decimal::RoundingStrategy;
use serde::Serialize;
use serde_json::value::RawValue;

/// Exchange rates as values in US dollars.
#[derive(Debug, Clone)]
pub(crate) struct Rates {
    in_usd: BTreeMap<Currency, Decimal>,
}

impl Rates {
    pub(crate) fn new(in_usd: BTreeMap<Currency, Decimal>) -> Self {
        Self { in_usd }
    }

    /// The value of one unit of `from` in `to`; `None` when either is unknown.
    pub(crate) fn rate(&self, from: Currency, to: Currency) -> Option<Decimal> {
        if from == to {
            return Some(Decimal::ONE);
        }
        let from = self.in_usd.get(&from)?;
        let to = self.in_usd.get(&to)?;
        from.checked_div(*to)
    }
}

/// The two sides of a payout or payment: what one side receives and what the other pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Split {
    pub(crate) receive: Decimal,
    pub(crate) write_off: Decimal,
}

/// The write-off for an amount received, or the amount received for a write-off.
/// `None` when the numbers overflow.
pub(crate) fn split(
    amount: Decimal,
    amount_is_write_off: bool,
    rate: Decimal,
    fee_percent: Decimal,
) -> Option<Split> {
    let factor = rate.checked_mul(Decimal::ONE + fee_percent / Decimal::ONE_HUNDRED)?;
    if amount_is_write_off {
        let receive =
            amount.checked_div(factor)?.round_dp_with_strategy(2, RoundingStrategy::ToZero);
        Some(Split { receive, write_off: amount })
    } else {
        let write_off = amount
            .checked_mul(factor)?
            .round_dp_with_strategy(2, RoundingStrategy::ToPositiveInfinity);
        Some(Split { receive: amount, write_off })
    }
}

/// An amount written as the Python server writes a float: `100.0`, `1.19`, `1e-05`
/// (the one rule of [`crate::pytext`]).
pub(crate) fn python_text(value: Decimal) -> String {
    let value = value.normalize();
    let token = if value.scale() == 0 { format!("{value}.0") } else { value.to_string() };
    crate::pytext::number_text(&token)
}

/// An amount that serializes as a JSON number with the text [`python_text`] gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Money(pub(crate) Decimal);

impl Serialize for Money {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let raw = RawValue::from_string(python_text(self.0)).map_err(serde::ser::Error::custom)?;
        raw.serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    #[test]
    fn the_published_example_costs_1_19() {
        let rates = Rates::new(crate::config::default_rates());
        let rate = rates.rate(Currency::EUR, Currency::USD).unwrap();
        let split = split(d("1.11"), false, rate, Decimal::ZERO).unwrap();
        assert_eq!(split, Split { receive: d("1.11"), write_off: d("1.19") });
    }

    #[test]
    fn write_off_rounds_up_and_receive_rounds_down() {
        let up = split(d("10"), false, Decimal::ONE, d("2.5")).unwrap();
        assert_eq!(up.write_off, d("10.25"));
        let up = split(d("10.01"), false, Decimal::ONE, d("2.5")).unwrap();
        assert_eq!(up.write_off, d("10.27")); // 10.26025 rounds up
        let down = split(d("10.27"), true, Decimal::ONE, d("2.5")).unwrap();
        assert_eq!(down, Split { receive: d("10.01"), write_off: d("10.27") });
    }

    #[test]
    fn unknown_currencies_have_no_rate() {
        let rates = Rates::new(crate::config::default_rates());
        assert_eq!(rates.rate(Currency::KZT, Currency::USD), None);
        assert_eq!(rates.rate(Currency::KZT, Currency::KZT), Some(Decimal::ONE));
        assert_eq!(rates.rate(Currency::USD, Currency::RUB).unwrap().round_dp(4), d("90.9091"));
    }

    #[test]
    fn amounts_serialize_as_python_floats() {
        let json =
            serde_json::to_string(&[Money(d("100")), Money(d("1.10")), Money(d("0.05"))]).unwrap();
        assert_eq!(json, "[100.0,1.1,0.05]");
    }
}
