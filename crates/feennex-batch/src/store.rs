//! Where a batch's progress is kept: the file journal (one process) or PostgreSQL
//! (many workers). The runner asks a store three things per row: may I take it,
//! the create is about to leave, and how it ended; reports and status ask it for
//! every settled row.

use std::collections::HashMap;
use std::future::Future;

use feennex_proto::batch::{Action, LastRecord, next_action};

use crate::digest::digest;
use crate::input::Row;
use crate::journal::{Journal, JournalError, Settled};

/// What a store says when a worker asks for a row.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Claim {
    /// The row is this worker's until it settles it; here is its last durable
    /// record, for [`next_action`].
    Mine(LastRecord),
    /// The row is settled; nothing to send.
    Done(Option<Settled>),
    /// Another live worker holds it; ask again later.
    Held,
}

/// The store cannot be used: the run stops, rows in flight are let finish.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The file journal failed.
    #[error(transparent)]
    Journal(#[from] JournalError),
    /// The database failed or went away.
    #[error("batch store: {0}")]
    Database(String),
    /// The store belongs to another shop, endpoint or batch, or the file no longer
    /// says what it recorded.
    #[error("batch store: {0}")]
    Mismatch(String),
}

/// A batch's durable progress, shared by the workers of one or many processes.
///
/// The rules it must keep: a row is worked by one worker at a time; an intent is
/// durable before [`write_intent`](Store::write_intent) returns `true`, and only
/// then may the create be sent.
pub trait Store: Send + Sync + 'static {
    /// Takes `row` for this worker, or says why not.
    fn claim(&self, row: &Row) -> impl Future<Output = Result<Claim, StoreError>> + Send;

    /// Records, durably, that the row's create is about to be sent. `false`: the
    /// worker no longer holds the row (its lease ran out); send nothing.
    fn write_intent(&self, row: &Row) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Records, durably, how a row ended, and releases it.
    fn write_outcome(
        &self,
        row: &Row,
        settled: &Settled,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Every settled row of the batch, for reports and status.
    fn settled_rows(&self) -> impl Future<Output = Result<SettledRows, StoreError>> + Send;

    /// The longest wait before asking again for rows that were [`Claim::Held`]
    /// (waits start short and double up to it).
    fn retry_after(&self) -> std::time::Duration {
        std::time::Duration::from_secs(1)
    }
}

/// Every settled row of a batch, found by `shop_payment_id`: what reports and
/// status read. Kept by digests of the ids, so its memory per row is fixed.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct SettledRows(HashMap<u128, Settled>);

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

impl Store for Journal {
    async fn claim(&self, row: &Row) -> Result<Claim, StoreError> {
        let id = row.intent.shop_payment_id();
        let last = self.last(id);
        Ok(match next_action(last, row.id_origin) {
            Action::Done => Claim::Done(self.settled(id)),
            _ => Claim::Mine(last),
        })
    }

    async fn write_intent(&self, row: &Row) -> Result<bool, StoreError> {
        Journal::write_intent(self, row.record, row.line, &row.intent).await?;
        Ok(true)
    }

    async fn write_outcome(&self, row: &Row, settled: &Settled) -> Result<(), StoreError> {
        Journal::write_outcome(self, row.intent.shop_payment_id(), settled).await?;
        Ok(())
    }

    async fn settled_rows(&self) -> Result<SettledRows, StoreError> {
        Ok(self.all_settled())
    }
}
