//! Paying a batch: every row through the core's exactly-once machine over any
//! transport, its intent durable before the create, its outcome checked against
//! the row and journalled, progress told to an observer.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use feennex_hyper::drive_prepared;
use feennex_proto::Session;
use feennex_proto::batch::{Action, Resolution, next_action, settle};
use feennex_proto::exchange::{IdempotentCreate, Start};
use feennex_proto::transport::AsyncTransport;

use crate::batch::{BatchError, BatchFile};
use crate::input::{Create, Row};
use crate::journal::{JournalError, Settled};
use crate::pool::{PoolError, RowHandler, for_each_row};
use crate::report::{Outcome, ReportLine};
use crate::store::{Claim, Store, StoreError};

/// A row, as an observer sees it.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct RowRef<'a> {
    /// Its physical line in the input.
    pub line: u64,
    /// The payout's id.
    pub shop_payment_id: &'a str,
}

/// Progress of a run, for a progress bar or a log. Called from worker tasks: keep
/// it quick.
pub trait Observer: Send + Sync {
    /// A row is being paid (or looked up).
    fn row_started(&self, _row: RowRef<'_>) {}

    /// A row is done for this run, with how it ended.
    fn row_finished(&self, _row: RowRef<'_>, _outcome: Outcome) {}
}

/// An observer that ignores everything.
#[derive(Debug, Default, Clone, Copy)]
pub struct Quiet;

impl Observer for Quiet {}

/// A run could not go on: its journal cannot be written or its file read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    /// The journal failed: the run stopped, rows in flight were let finish.
    #[error(transparent)]
    Journal(#[from] JournalError),
    /// The file could not be read again.
    #[error(transparent)]
    Batch(#[from] BatchError),
    /// The batch store failed (the database went away, for one).
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for RunError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Journal(error) => RunError::Journal(error),
            other => RunError::Store(other),
        }
    }
}

/// Pays every row of `batch` that the journal does not show settled,
/// `concurrency` at a time, over `transport`. Setting `stop` lets the rows in
/// flight finish and returns. Must be called within a tokio runtime.
///
/// Any [`Store`] works: the file [`Journal`](crate::Journal) or a shared one, where rows other
/// workers hold are asked for again until they are settled (by their worker, or by
/// this one once their lease runs out).
pub async fn run<T, S>(
    session: Arc<Session>,
    transport: Arc<T>,
    batch: &BatchFile,
    store: Arc<S>,
    concurrency: usize,
    stop: Arc<AtomicBool>,
    observer: Arc<dyn Observer>,
) -> Result<(), RunError>
where
    T: AsyncTransport + Send + Sync + 'static,
    S: Store,
{
    let payer = Arc::new(Payer {
        session,
        transport,
        store: store.clone(),
        observer,
        held: Mutex::new(HashSet::new()),
    });
    let mut only = None;
    // Rows held by live workers settle soon; a dead worker's wait for its lease.
    let mut wait = Duration::from_millis(50);
    loop {
        for_each_row(batch, concurrency, stop.clone(), payer.clone(), only).await.map_err(
            |error| match error {
                PoolError::Batch(error) => RunError::Batch(error),
                PoolError::Handler(error) => RunError::from(error),
            },
        )?;
        let held = std::mem::take(&mut *payer.held.lock().unwrap_or_else(PoisonError::into_inner));
        if held.is_empty() || stop.load(Ordering::SeqCst) {
            return Ok(());
        }
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(store.retry_after().max(wait));
        only = Some(Arc::new(held));
    }
}

struct Payer<T, S> {
    session: Arc<Session>,
    transport: Arc<T>,
    store: Arc<S>,
    observer: Arc<dyn Observer>,
    /// Records other workers held when asked: asked for again after the pass.
    held: Mutex<HashSet<u64>>,
}

impl<T: AsyncTransport + Send + Sync + 'static, S: Store> RowHandler for Payer<T, S> {
    type Error = StoreError;

    async fn handle(&self, row: Row) -> Result<(), StoreError> {
        let id = row.intent.shop_payment_id().to_owned();
        let reference = RowRef { line: row.line, shop_payment_id: &id };
        let last = match self.store.claim(&row).await? {
            Claim::Mine(last) => last,
            Claim::Done(settled) => {
                let outcome = ReportLine::of_row(row.line, &id, settled).outcome;
                self.observer.row_finished(reference, outcome);
                return Ok(());
            }
            Claim::Held => {
                self.held.lock().unwrap_or_else(PoisonError::into_inner).insert(row.record);
                return Ok(());
            }
        };
        let action = next_action(last, row.id_origin);
        let Some(start) = action.start() else {
            return Ok(());
        };
        self.observer.row_started(reference);
        if matches!(action, Action::Create(_)) && !self.store.write_intent(&row).await? {
            // The lease ran out: the worker that holds the row now settles it.
            self.held.lock().unwrap_or_else(PoisonError::into_inner).insert(row.record);
            return Ok(());
        }
        let resolution = match row.create.clone() {
            Create::Transfer(create) => self.pay(create, start).await,
            Create::Withdraw(create) => self.pay(create, start).await,
        };
        let settled = settled(resolution);
        self.store.write_outcome(&row, &settled).await?;
        let outcome = ReportLine::of_row(row.line, &id, Some(settled)).outcome;
        self.observer.row_finished(reference, outcome);
        Ok(())
    }
}

impl<T: AsyncTransport + Send + Sync + 'static, S: Store> Payer<T, S> {
    /// One payout made exactly once (or looked up first), adopted only under the
    /// core's rule, and what it means for the row.
    async fn pay<C: IdempotentCreate>(&self, create: C, start: Start) -> Resolution {
        let result = match self.session.payout_from(create, start) {
            Ok(prepared) => drive_prepared(prepared, &*self.transport).await,
            Err(error) => Err(error),
        };
        settle(&result)
    }
}

fn settled(resolution: Resolution) -> Settled {
    match resolution {
        Resolution::Paid { summary, preexisting } => Settled::Paid {
            payout_id: summary.id,
            write_off: summary.write_off,
            shop_currency: summary.shop_currency.code(),
            preexisting,
        },
        Resolution::Conflict(conflict) => {
            Settled::Conflict { payout_id: conflict.payout_id, message: conflict.to_string() }
        }
        Resolution::Unverified(unverified) => {
            Settled::Unverified { payout_id: unverified.payout_id, message: unverified.to_string() }
        }
        Resolution::Failed { code, message } => Settled::Failed { code, message },
        Resolution::Unknown { message, id_taken } => Settled::Unknown { message, id_taken },
        // A resolution the core adds later is not counted as paid, and proves
        // nothing on the next run.
        other => Settled::Unknown { message: format!("{other:?}"), id_taken: true },
    }
}
