//! ISO 4217 numeric currency codes, as Feennex sends and signs them.

use std::fmt;
use std::str::FromStr;

/// A currency as its ISO 4217 numeric code (`840` for USD).
///
/// Any three-digit code is accepted; the common ones have names.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency(u16);

/// Why a value is not a currency code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not an ISO 4217 numeric currency code (1 to 999, such as 840 for USD)")]
pub struct CurrencyError(String);

impl Currency {
    /// US dollar.
    pub const USD: Currency = Currency(840);
    /// Euro.
    pub const EUR: Currency = Currency(978);
    /// Russian ruble.
    pub const RUB: Currency = Currency(643);
    /// Ukrainian hryvnia.
    pub const UAH: Currency = Currency(980);
    /// Kazakhstani tenge.
    pub const KZT: Currency = Currency(398);
    /// Pound sterling.
    pub const GBP: Currency = Currency(826);
    /// Uzbekistani som.
    pub const UZS: Currency = Currency(860);

    /// A currency from its numeric code, 1 to 999.
    pub const fn new(code: u16) -> Option<Self> {
        match code {
            1..=999 => Some(Currency(code)),
            _ => None,
        }
    }

    /// The numeric code.
    pub const fn code(self) -> u16 {
        self.0
    }

    /// The alphabetic code of the named currencies, for people.
    pub const fn alpha(self) -> Option<&'static str> {
        Some(match self.0 {
            840 => "USD",
            978 => "EUR",
            643 => "RUB",
            980 => "UAH",
            398 => "KZT",
            826 => "GBP",
            860 => "UZS",
            _ => return None,
        })
    }
}

impl FromStr for Currency {
    type Err = CurrencyError;

    fn from_str(text: &str) -> Result<Self, CurrencyError> {
        let error = || CurrencyError(text.chars().take(20).collect());
        if text.is_empty() || text.len() > 3 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(error());
        }
        let code: u16 = text.parse().map_err(|_| error())?;
        Currency::new(code).ok_or_else(error)
    }
}

impl TryFrom<u16> for Currency {
    type Error = CurrencyError;

    fn try_from(code: u16) -> Result<Self, CurrencyError> {
        Currency::new(code).ok_or_else(|| CurrencyError(code.to_string()))
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.alpha() {
            Some(alpha) => write!(f, "Currency({} {alpha})", self.0),
            None => write!(f, "Currency({})", self.0),
        }
    }
}

impl serde::Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u16(self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = crate::lenient::u64_from_number_or_string(deserializer)?;
        u16::try_from(code)
            .ok()
            .and_then(Currency::new)
            .ok_or_else(|| serde::de::Error::custom(format!("{code} is not a currency code")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_parse_and_print_as_the_server_signs_them() {
        assert_eq!("840".parse::<Currency>().unwrap(), Currency::USD);
        assert_eq!(Currency::USD.to_string(), "840");
        // Signed as the server's integer prints it.
        assert_eq!("036".parse::<Currency>().unwrap().to_string(), "36");
        assert_eq!(Currency::new(7).unwrap().to_string(), "7");
    }

    #[test]
    fn out_of_range_codes_are_refused() {
        for bad in ["0", "1000", "", "usd", "-1", "84 0"] {
            assert!(bad.parse::<Currency>().is_err(), "{bad}");
        }
        assert!(Currency::try_from(1000).is_err());
    }
}
