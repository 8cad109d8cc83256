//! The facts of a payout as an answer told them.

use rust_decimal::Decimal;

use crate::endpoints::{TransferCreated, TransferPayout, Withdrawal};
use crate::exchange::PayoutRecord;

/// The facts of a payout as an answer told them, to compare with what was asked.
/// A fact the answer does not carry is `None`: it cannot be compared.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SeenPayout {
    /// Feennex's id of the payout.
    pub payout_id: u64,
    /// The merchant's id, when the answer carries it.
    pub shop_payment_id: Option<String>,
    /// What the payee receives.
    pub payee_amount: Decimal,
    /// In which currency, when the answer says and the request names it.
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
            payout_id: self.id,
            shop_payment_id: None,
            payee_amount: self.payee_amount,
            payee_currency: Some(self.payee_currency.code()),
            write_off: self.write_off_amount,
            shop_currency: self.shop_currency.code(),
            payee: Some(self.payee_account.clone()),
        }
    }
}

impl Seen for TransferPayout {
    /// The status lookup does not carry the payee.
    fn seen(&self) -> SeenPayout {
        SeenPayout {
            payout_id: self.id,
            shop_payment_id: Some(self.shop_payment_id.clone()),
            payee_amount: self.receive_amount,
            payee_currency: Some(self.payee_currency.code()),
            write_off: self.write_off_amount,
            shop_currency: self.shop_currency.code(),
            payee: None,
        }
    }
}

impl Seen for Withdrawal {
    /// Withdrawal answers carry neither the account nor the payway; their
    /// `ps_currency` is the payment system's, which a request does not name.
    fn seen(&self) -> SeenPayout {
        SeenPayout {
            payout_id: self.id,
            shop_payment_id: self.shop_payment_id.clone(),
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
