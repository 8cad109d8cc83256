//! What a payout asks for: the facts that make it the same payout.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::endpoints::{TransferCreate, WithdrawCreate};

/// What a payout asks: the kind of payout, its id, the payee, the amount and its
/// type, the currencies and (for withdrawals) the payway. Unsigned extras (a
/// description, account details) are not part of it.
///
/// A payout found under the id is compared with it; a batch journal stores it per
/// row, so that a run resumed on a file that no longer says the same is refused.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum PayoutIntent {
    /// A payout to a Feennex wallet (`transfer/create`).
    Transfer {
        /// The payout's id.
        shop_payment_id: String,
        /// The wallet or e-mail paid.
        payee_account: String,
        /// The amount, on the side `amount_type` names.
        amount: Decimal,
        /// `receive_amount` or `writeoff_amount`.
        amount_type: String,
        /// The currency the wallet receives.
        payee_currency: u16,
        /// The currency the shop pays in.
        shop_currency: u16,
    },
    /// A payout to an external payment system (`withdraw/create`).
    Withdraw {
        /// The payout's id.
        shop_payment_id: String,
        /// The payee's account in the payment system.
        account: String,
        /// The amount, on the side `amount_type` names.
        amount: Decimal,
        /// `ps_amount` or `shop_amount`.
        amount_type: String,
        /// The payment system.
        payway: String,
        /// The currency the shop pays in.
        shop_currency: u16,
    },
}

impl PayoutIntent {
    /// What a wallet payout asks.
    pub fn transfer(create: &TransferCreate) -> Self {
        PayoutIntent::Transfer {
            shop_payment_id: create.shop_payment_id.as_str().to_owned(),
            payee_account: create.payee_account.as_str().to_owned(),
            amount: create.amount.value(),
            amount_type: create.amount_type.as_str().to_owned(),
            payee_currency: create.payee_currency.code(),
            shop_currency: create.shop_currency.code(),
        }
    }

    /// What a withdrawal asks.
    pub fn withdraw(create: &WithdrawCreate) -> Self {
        PayoutIntent::Withdraw {
            shop_payment_id: create.shop_payment_id.as_str().to_owned(),
            account: create.account.as_str().to_owned(),
            amount: create.amount.value(),
            amount_type: create.amount_type.as_str().to_owned(),
            payway: create.payway.as_str().to_owned(),
            shop_currency: create.shop_currency.code(),
        }
    }

    /// The payout's id: the row's identity.
    pub fn shop_payment_id(&self) -> &str {
        match self {
            PayoutIntent::Transfer { shop_payment_id, .. }
            | PayoutIntent::Withdraw { shop_payment_id, .. } => shop_payment_id,
        }
    }

    /// The field that differs from `other`, if any (the id included), named as in
    /// the API.
    pub fn first_difference(&self, other: &PayoutIntent) -> Option<&'static str> {
        use PayoutIntent::*;
        match (self, other) {
            (
                Transfer {
                    shop_payment_id: a0,
                    payee_account: a1,
                    amount: a2,
                    amount_type: a3,
                    payee_currency: a4,
                    shop_currency: a5,
                },
                Transfer {
                    shop_payment_id: b0,
                    payee_account: b1,
                    amount: b2,
                    amount_type: b3,
                    payee_currency: b4,
                    shop_currency: b5,
                },
            ) => [
                (a0 != b0, "shop_payment_id"),
                (a1 != b1, "payee_account"),
                (a2 != b2, "amount"),
                (a3 != b3, "amount_type"),
                (a4 != b4, "payee_currency"),
                (a5 != b5, "shop_currency"),
            ]
            .into_iter()
            .find_map(|(differs, name)| differs.then_some(name)),
            (
                Withdraw {
                    shop_payment_id: a0,
                    account: a1,
                    amount: a2,
                    amount_type: a3,
                    payway: a4,
                    shop_currency: a5,
                },
                Withdraw {
                    shop_payment_id: b0,
                    account: b1,
                    amount: b2,
                    amount_type: b3,
                    payway: b4,
                    shop_currency: b5,
                },
            ) => [
                (a0 != b0, "shop_payment_id"),
                (a1 != b1, "account"),
                (a2 != b2, "amount"),
                (a3 != b3, "amount_type"),
                (a4 != b4, "payway"),
                (a5 != b5, "shop_currency"),
            ]
            .into_iter()
            .find_map(|(differs, name)| differs.then_some(name)),
            _ => Some("kind"),
        }
    }
}
