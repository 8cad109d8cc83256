//! Which side of a wallet payout the amount names.

use std::fmt;
use std::str::FromStr;

/// For `transfer/*`: whether the amount is what the wallet receives or what the
/// shop pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum TransferAmountType {
    /// The amount credited to the wallet, in the payee currency.
    #[default]
    ReceiveAmount,
    /// The amount debited from the shop, in the shop currency.
    WriteoffAmount,
}

/// The text is not a known amount type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not an amount type (expected {1})")]
pub struct UnknownAmountType(pub(crate) String, pub(crate) &'static str);

impl TransferAmountType {
    /// The text sent and signed.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::ReceiveAmount => "receive_amount",
            Self::WriteoffAmount => "writeoff_amount",
        }
    }
}

impl FromStr for TransferAmountType {
    type Err = UnknownAmountType;

    fn from_str(text: &str) -> Result<Self, UnknownAmountType> {
        match text {
            "receive_amount" => Ok(Self::ReceiveAmount),
            "writeoff_amount" => Ok(Self::WriteoffAmount),
            other => Err(UnknownAmountType(
                other.chars().take(40).collect(),
                "receive_amount or writeoff_amount",
            )),
        }
    }
}

impl fmt::Display for TransferAmountType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// For `withdraw/*`: whether the amount is what the payee receives from the payment
/// system or what the shop pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WithdrawAmountType {
    /// The amount the payee receives, in the payment system's currency.
    PsAmount,
    /// The amount debited from the shop, in the shop currency.
    ShopAmount,
}

impl WithdrawAmountType {
    /// The text sent and signed.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::PsAmount => "ps_amount",
            Self::ShopAmount => "shop_amount",
        }
    }
}

impl FromStr for WithdrawAmountType {
    type Err = UnknownAmountType;

    fn from_str(text: &str) -> Result<Self, UnknownAmountType> {
        match text {
            "ps_amount" => Ok(Self::PsAmount),
            "shop_amount" => Ok(Self::ShopAmount),
            other => {
                Err(UnknownAmountType(other.chars().take(40).collect(), "ps_amount or shop_amount"))
            }
        }
    }
}

impl fmt::Display for WithdrawAmountType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn withdraw_amount_types_round_trip_and_refuse_transfer_names() {
        for kind in [WithdrawAmountType::PsAmount, WithdrawAmountType::ShopAmount] {
            assert_eq!(kind.as_str().parse::<WithdrawAmountType>().unwrap(), kind);
        }
        assert!("receive_amount".parse::<WithdrawAmountType>().is_err());
        assert!("ps_amount".parse::<TransferAmountType>().is_err());
    }
}
