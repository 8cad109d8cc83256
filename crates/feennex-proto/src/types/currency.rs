//! ISO 4217 numeric currency codes, as Feennex sends and signs them.

use std::fmt;
use std::str::FromStr;

/// A currency as its ISO 4217 numeric code (`840` for USD).
///
/// Any three-digit code is accepted; the common ones also parse from their
/// letters (`USD`, any case), so every flag and column takes `USD` or `840`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency(u16);

/// Why a value is not a currency code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{0:?} is not an ISO 4217 currency code (a number from 1 to 999 such as 840, or known letters such as USD)"
)]
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
    pub fn alpha(self) -> Option<&'static str> {
        LETTERS.iter().find(|(code, _)| *code == self.0).map(|(_, letters)| *letters)
    }

    /// The currency with these ISO 4217 letters (any case), when it is one this
    /// crate names.
    pub fn from_alpha(letters: &str) -> Option<Self> {
        LETTERS
            .iter()
            .find(|(_, known)| known.eq_ignore_ascii_case(letters))
            .map(|(code, _)| Currency(*code))
    }
}

/// ISO 4217 numeric codes and letters of the currencies this crate names.
const LETTERS: &[(u16, &str)] = &[
    (840, "USD"),
    (978, "EUR"),
    (643, "RUB"),
    (980, "UAH"),
    (398, "KZT"),
    (826, "GBP"),
    (860, "UZS"),
    (933, "BYN"),
    (944, "AZN"),
    (981, "GEL"),
    (51, "AMD"),
    (417, "KGS"),
    (972, "TJS"),
    (498, "MDL"),
    (949, "TRY"),
    (985, "PLN"),
    (203, "CZK"),
    (756, "CHF"),
    (156, "CNY"),
    (392, "JPY"),
    (356, "INR"),
    (986, "BRL"),
    (124, "CAD"),
    (36, "AUD"),
];

impl FromStr for Currency {
    type Err = CurrencyError;

    fn from_str(text: &str) -> Result<Self, CurrencyError> {
        let error = || CurrencyError(text.chars().take(20).collect());
        if text.len() == 3 && text.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Currency::from_alpha(text).ok_or_else(error);
        }
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
    fn letters_parse_to_the_same_currency_as_the_number() {
        assert_eq!("USD".parse::<Currency>().unwrap(), Currency::USD);
        assert_eq!("eur".parse::<Currency>().unwrap(), "978".parse().unwrap());
        assert_eq!("AUD".parse::<Currency>().unwrap().to_string(), "36");
        for (code, letters) in LETTERS {
            let currency = Currency::new(*code).unwrap();
            assert_eq!(letters.parse::<Currency>().unwrap(), currency);
            assert_eq!(currency.alpha(), Some(*letters));
        }
    }

    #[test]
    fn out_of_range_codes_are_refused() {
        for bad in ["0", "1000", "", "XXX", "US", "USDD", "-1", "84 0", "U5D"] {
            assert!(bad.parse::<Currency>().is_err(), "{bad}");
        }
        assert!(Currency::try_from(1000).is_err());
    }
}
