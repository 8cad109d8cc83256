//! Where a batch's progress is kept: the file journal (one process) or PostgreSQL
//! (many workers). The runner asks a store for rows in chunks (the intents of
//! those to create are durable when they are handed out) and tells it how each
//! ended; reports and status ask it for every settled row.

use std::future::Future;
use std::time::Duration;

use feennex_proto::batch::{Action, LastRecord, next_action};

use crate::batch::BatchError;
use crate::input::Row;
use crate::journal::{Journal, JournalError};
use crate::rows::BatchRows;
use crate::settled::{Settled, SettledRows};

/// A row a store hands to a worker.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Claim {
    /// The row is this worker's until it settles it; `last` is its last durable
    /// record, for [`next_action`]. When that action is a create, the row's intent
    /// is already durable.
    Mine {
        /// The row.
        row: Row,
        /// What the store held of it when it was claimed.
        last: LastRecord,
    },
    /// The row was settled before: nothing to send.
    Done {
        /// The row.
        row: Row,
        /// How it ended.
        settled: Option<Settled>,
    },
}

/// What a store answers when a worker asks for rows.
#[derive(Debug)]
#[non_exhaustive]
pub enum Claimed {
    /// Rows for this worker, in file order.
    Rows(Vec<Claim>),
    /// No row is free now, but other workers hold some: ask again after this
    /// long (one of them may die and leave its rows).
    Wait(Duration),
    /// Nothing is left for this worker.
    Finished,
}

/// The store cannot be used: the run stops, rows in flight are let finish.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The file journal failed.
    #[error(transparent)]
    Journal(#[from] JournalError),
    /// The batch file could not be read again.
    #[error(transparent)]
    Batch(#[from] BatchError),
    /// The database failed, went away or stopped answering.
    #[error("batch store: {0}")]
    Database(String),
    /// The store belongs to another shop, endpoint or batch, or the file no longer
    /// says what it recorded.
    #[error("batch store: {0}")]
    Mismatch(String),
}

/// A batch's durable progress, shared by the workers of one or many processes.
///
/// The rules it must keep: a row is worked by one worker at a time; a row handed
/// out whose next action is a create has its intent durable before
/// [`claim`](Store::claim) returns, so the create may leave at once; an outcome is
/// durable before [`write_outcome`](Store::write_outcome) returns.
pub trait Store: Send + Sync + 'static {
    /// Takes up to `limit` rows for this worker, reading them from `rows`.
    fn claim(
        &self,
        rows: &BatchRows,
        limit: usize,
    ) -> impl Future<Output = Result<Claimed, StoreError>> + Send;

    /// Records, durably, how a row ended, and releases it.
    fn write_outcome(
        &self,
        row: &Row,
        settled: &Settled,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Every settled row of the batch, for reports and status.
    fn settled_rows(&self) -> impl Future<Output = Result<SettledRows, StoreError>> + Send;

    /// Resolves, with why, once the store can no longer be used (its database
    /// stopped answering, say): the run then stops at once and leaves the rows in
    /// flight, whose intents are durable, to be looked up by the next worker.
    /// Never, unless a store says so.
    fn broken(&self) -> impl Future<Output = StoreError> + Send {
        std::future::pending()
    }
}

impl Store for Journal {
    /// The next rows of the file: the settled ones as [`Claim::Done`], the others
    /// this run's, the intents of those to create written as one group.
    async fn claim(&self, rows: &BatchRows, limit: usize) -> Result<Claimed, StoreError> {
        let next = rows.next(limit).await?;
        if next.is_empty() {
            return Ok(Claimed::Finished);
        }
        let mut claims = Vec::with_capacity(next.len());
        let mut creates = Vec::new();
        for row in next {
            let id = row.intent.shop_payment_id();
            let last = self.last(id);
            claims.push(match next_action(last, row.id_origin) {
                Action::Done => Claim::Done { settled: self.settled(id), row },
                Action::Create(_) => {
                    creates.push((row.record, row.line, row.intent.clone()));
                    Claim::Mine { row, last }
                }
                _ => Claim::Mine { row, last },
            });
        }
        self.write_intents(&creates).await?;
        Ok(Claimed::Rows(claims))
    }

    async fn write_outcome(&self, row: &Row, settled: &Settled) -> Result<(), StoreError> {
        Journal::write_outcome(self, row.intent.shop_payment_id(), settled).await?;
        Ok(())
    }

    async fn settled_rows(&self) -> Result<SettledRows, StoreError> {
        Ok(self.all_settled())
    }
}
