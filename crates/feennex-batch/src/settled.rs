//! How a batch's rows ended, as stores record them and reports read them.

use feennex_proto::batch::LastRecord;
use feennex_proto::prelude::Decimal;

use crate::digest::{DigestMap, digest};

/// How a row ended, as every store keeps it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Settled {
    /// Paid: a matching payout exists.
    Paid {
        /// Feennex's id of the payout.
        payout_id: u64,
        /// What the shop paid.
        write_off: Decimal,
        /// In which currency.
        shop_currency: u16,
        /// It existed before the run that found it.
        preexisting: bool,
    },
    /// Refused: nothing paid.
    Failed {
        /// The API's error code, if any.
        code: Option<i64>,
        /// Why.
        message: String,
    },
    /// Not known yet.
    Unknown {
        /// Why.
        message: String,
        /// The API said the id was taken before any create of the batch could
        /// arrive: the row's record proves nothing about what the id holds.
        id_taken: bool,
    },
    /// A payout under the row's id does not match the row.
    Conflict {
        /// Feennex's id of that payout.
        payout_id: u64,
        /// What differs.
        message: String,
    },
    /// A payout under the row's id matches what its answer carries, but nothing
    /// shows it was made for the row: not paid by this batch, needs a person.
    Unverified {
        /// Feennex's id of that payout.
        payout_id: u64,
        /// What could not be compared, and why.
        message: String,
    },
}

impl Settled {
    pub(crate) fn last_record(&self) -> LastRecord {
        match self {
            Settled::Paid { .. } => LastRecord::Paid,
            Settled::Failed { .. } => LastRecord::Failed,
            Settled::Unknown { id_taken: false, .. } => LastRecord::Unknown,
            Settled::Unknown { id_taken: true, .. } => LastRecord::UnknownIdTaken,
            Settled::Conflict { .. } => LastRecord::Conflict,
            Settled::Unverified { .. } => LastRecord::Unverified,
        }
    }
}

/// Every settled row of a batch, found by `shop_payment_id`: what reports and
/// status read. Kept by digests of the ids, so its memory per row is fixed.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct SettledRows(DigestMap<Settled>);

impl SettledRows {
    /// How the row with this id ended, if it did.
    pub fn get(&self, shop_payment_id: &str) -> Option<&Settled> {
        self.0.get(&digest(shop_payment_id.as_bytes()))
    }

    /// How many rows are settled.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no row is settled.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Records how the row with this id ended.
    pub fn insert(&mut self, shop_payment_id: &str, settled: Settled) {
        self.insert_digest(digest(shop_payment_id.as_bytes()), settled);
    }

    pub(crate) fn insert_digest(&mut self, digest: u128, settled: Settled) {
        self.0.insert(digest, settled);
    }
}
