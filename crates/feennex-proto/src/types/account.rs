//! The receiver of a wallet payout.

use std::fmt;
use std::str::FromStr;

/// A Feennex wallet number (`20` and ten digits) or the e-mail of a wallet.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PayeeAccount(String);

/// Why a value is not a payee account.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is neither a wallet number (20 followed by 10 digits) nor an e-mail address")]
pub struct PayeeAccountError(String);

impl PayeeAccount {
    /// Validates and wraps an account.
    pub fn new(account: impl Into<String>) -> Result<Self, PayeeAccountError> {
        let account = account.into();
        if is_wallet_number(&account) || is_email(&account) {
            Ok(Self(account))
        } else {
            Err(PayeeAccountError(account.chars().take(80).collect()))
        }
    }

    /// The account's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this is a wallet number rather than an e-mail address.
    pub fn is_wallet_number(&self) -> bool {
        is_wallet_number(&self.0)
    }
}

/// The documented pattern `^20\d{10}$`.
fn is_wallet_number(text: &str) -> bool {
    text.len() == 12 && text.starts_with("20") && text.bytes().all(|b| b.is_ascii_digit())
}

/// A plain `local@domain.tld` address: no spaces or controls, one `@`, a dot in
/// the domain, labels that are not empty, within the lengths of RFC 5321.
fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    let forbidden = |c: char| c.is_whitespace() || c.is_control() || "@<>()[],;:\\\"".contains(c);
    let labels_ok = domain.split('.').count() >= 2
        && domain.split('.').all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        });
    text.len() <= 254
        && !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && !local.chars().any(forbidden)
        && labels_ok
}

impl FromStr for PayeeAccount {
    type Err = PayeeAccountError;

    fn from_str(text: &str) -> Result<Self, PayeeAccountError> {
        Self::new(text)
    }
}

impl fmt::Display for PayeeAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for PayeeAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PayeeAccount({:?})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wallet_numbers_follow_the_documented_pattern() {
        assert!(PayeeAccount::new("201234567890").unwrap().is_wallet_number());
        for bad in ["20123456789", "2012345678901", "211234567890", "20123456789a", ""] {
            assert!(PayeeAccount::new(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn email_addresses_are_checked_for_shape() {
        for good in ["a@b.co", "first.last+tag@mail.example.com", "x_y@домен.рф"] {
            assert!(PayeeAccount::new(good).is_ok(), "{good}");
        }
        for bad in ["a@b", "@b.co", "a@.co", "a b@c.co", "a@b..co", "a@@b.co", ".a@b.co", "a@-b.co"]
        {
            assert!(PayeeAccount::new(bad).is_err(), "{bad}");
        }
    }
}
