//! Whether a payout that was created or found matches the row that asked for it,
//! and how a row's payout ends.

use rust_decimal::Decimal;

use super::intent::RowIntent;
use crate::endpoints::{TransferCreated, TransferPayout, Withdrawal};
use crate::error::Error;
use crate::exchange::{PayoutOutcome, PayoutRecord, PayoutSummary};

/// The facts of a payout as an answer told them, side by side with a row's.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SeenPayout {
    /// What the payee receives.
    pub payee_amount: Decimal,
    /// In which currency, when the answer says.
    pub payee_currency: Option<u16>,
    /// What the shop pays.
    pub write_off: Decimal,
    /// In which currency.
    pub shop_currency: u16,
    /// The payee, when the answer carries it.
    pub payee: Option<String>,
}

/// An answer that describes a payout.
pub trait Seen {
    /// Its facts.
    fn seen(&self) -> SeenPayout;
}

impl Seen for TransferCreated {
    fn seen(&self) -> SeenPayout {
        SeenPayout {
            payee_amount: self.payee_amount,
            payee_currency: Some(self.payee_currency.code()),
            write_off: self.write_off_amount,
            shop_currency: self.shop_currency.code(),
            payee: Some(self.payee_account.clone()),
        }
    }
}

impl Seen for TransferPayout {
    fn seen(&self) -> SeenPayout {
        SeenPayout {
            payee_amount: self.receive_amount,
            payee_currency: Some(self.payee_currency.code()),
            write_off: self.write_off_amount,
            shop_currency: self.shop_currency.code(),
            payee: None,
        }
    }
}

impl Seen for Withdrawal {
    fn seen(&self) -> SeenPayout {
        SeenPayout {
            payee_amount: self.payee_receive,
            payee_currency: None,
            write_off: self.shop_write_off,
            shop_currency: self.shop_currency.code(),
            payee: None,
        }
    }
}

impl<C: Seen, L: Seen> Seen for PayoutRecord<C, L> {
    fn seen(&self) -> SeenPayout {
        match self {
            PayoutRecord::Created(created) => created.seen(),
            PayoutRecord::Found(found) => found.seen(),
        }
    }
}

/// Which fact of a payout differs from its row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConflictField {
    /// The amount, on the side the row's amount type names.
    Amount,
    /// The currency the payee receives.
    PayeeCurrency,
    /// The currency the shop pays in.
    ShopCurrency,
    /// The payee.
    Payee,
}

impl ConflictField {
    /// The name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            ConflictField::Amount => "amount",
            ConflictField::PayeeCurrency => "payee_currency",
            ConflictField::ShopCurrency => "shop_currency",
            ConflictField::Payee => "payee",
        }
    }
}

/// A payout exists under the row's id but is not what the row asks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("payout {payout_id} under this id differs in {}: the row asks {asked}, the payout has {found}", field.as_str())]
#[non_exhaustive]
pub struct Conflict {
    /// Feennex's id of the payout found.
    pub payout_id: u64,
    /// The first field that differs.
    pub field: ConflictField,
    /// The row's value.
    pub asked: String,
    /// The payout's value.
    pub found: String,
}

impl RowIntent {
    /// Whether a payout matches this row: the amount as the amount type defines it
    /// (what the payee receives for `receive_amount` and `ps_amount`, the write-off
    /// for `writeoff_amount` and `shop_amount`), the currencies, and the payee where
    /// the answer carries it. Amounts compare as numbers (`10.50` is `10.5`); the
    /// payee compares without regard to ASCII case (e-mail addresses).
    pub fn check(&self, payout_id: u64, seen: &SeenPayout) -> Result<(), Conflict> {
        let conflict =
            |field, asked: String, found: String| Err(Conflict { payout_id, field, asked, found });
        let (amount, on_payee_side, shop_currency) = match self {
            RowIntent::Transfer { amount, amount_type, shop_currency, .. } => {
                (*amount, amount_type == "receive_amount", *shop_currency)
            }
            RowIntent::Withdraw { amount, amount_type, shop_currency, .. } => {
                (*amount, amount_type == "ps_amount", *shop_currency)
            }
        };
        let found_amount = if on_payee_side { seen.payee_amount } else { seen.write_off };
        if found_amount != amount {
            return conflict(ConflictField::Amount, amount.to_string(), found_amount.to_string());
        }
        if seen.shop_currency != shop_currency {
            return conflict(
                ConflictField::ShopCurrency,
                shop_currency.to_string(),
                seen.shop_currency.to_string(),
            );
        }
        if let RowIntent::Transfer { payee_currency, payee_account, .. } = self {
            if let Some(found) = seen.payee_currency.filter(|found| found != payee_currency) {
                return conflict(
                    ConflictField::PayeeCurrency,
                    payee_currency.to_string(),
                    found.to_string(),
                );
            }
            if let Some(found) = seen
                .payee
                .as_ref()
                .filter(|found| !found.trim().eq_ignore_ascii_case(payee_account))
            {
                return conflict(ConflictField::Payee, payee_account.clone(), found.clone());
            }
        }
        Ok(())
    }
}

/// How a row's payout ended, as a batch records and reports it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Resolution {
    /// A payout matching the row exists.
    Paid {
        /// Its common facts.
        summary: PayoutSummary,
        /// It existed before this run: adopted after "not unique" with no create
        /// of this run that could have made it.
        preexisting: bool,
    },
    /// A payout exists under the row's id but does not match it: not paid.
    Conflict(Conflict),
    /// Refused: nothing was paid.
    Failed {
        /// The API's error code, when it answered with one.
        code: Option<i64>,
        /// Why.
        message: String,
    },
    /// Nobody knows yet whether it was paid: look it up again later.
    Unknown {
        /// Why.
        message: String,
    },
}

/// What the end of a row's exactly-once payout means for the row: a payout is
/// counted as paid only when it matches `intent`.
pub fn settle<C: Seen, L: Seen>(
    intent: &RowIntent,
    result: &Result<PayoutOutcome<C, L>, Error>,
) -> Resolution {
    match result {
        Ok(outcome) => match intent.check(outcome.summary.id, &outcome.record.seen()) {
            Ok(()) => {
                Resolution::Paid { summary: outcome.summary, preexisting: outcome.preexisting }
            }
            Err(conflict) => Resolution::Conflict(conflict),
        },
        Err(error @ Error::PayoutUnresolved { .. }) => {
            Resolution::Unknown { message: error.chain() }
        }
        Err(error) => Resolution::Failed {
            code: error.api_code().map(|code| code.code()),
            message: match error {
                Error::Api(api) => api.message.clone(),
                other => other.chain(),
            },
        },
    }
}
