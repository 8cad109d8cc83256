//! Paying a batch: every row through the core's exactly-once machine over any
//! driver, its intent durable before the create, its outcome adopted under the
//! core's rule and recorded, progress told to an observer.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::SystemTime;

use feennex_proto::batch::{Resolution, next_action, settle};
use feennex_proto::exchange::{ExactlyOncePayout, IdempotentCreate, PayoutResult, Start};
use feennex_proto::session::AsyncDriver;
use feennex_proto::{
    Error, Session,
    prelude::{ApiError, ShopBalance, Timestamp},
};

use crate::batch::{BatchError, BatchFile};
use crate::input::{Create, Row};
use crate::journal::JournalError;
use crate::pool::{ClaimHandler, work_claims};
use crate::report::{Outcome, ReportLine};
use crate::rows::BatchRows;
use crate::settled::Settled;
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
    /// Feennex refused the shop's own requests: before the first create (the
    /// balance asked first), or its signature while paying. Nothing was sent after
    /// the refusal; rows in flight were let finish.
    #[error("Feennex refused the shop's requests ({0}); nothing more was sent")]
    Refused(ApiError),
}

impl From<StoreError> for RunError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Journal(error) => RunError::Journal(error),
            StoreError::Batch(error) => RunError::Batch(error),
            other => RunError::Store(other),
        }
    }
}

/// One run of a batch: what pays it, what it pays, where its progress is kept, and
/// how. Made by [`Run::builder`]; [`Run::pay`] runs it.
///
/// Any [`Store`] works: the file [`Journal`](crate::Journal), which hands out the
/// file's rows in order, or a shared one, which hands out the rows no other worker
/// holds and has this one wait while others hold rows (they settle them, or this
/// one takes them once their lease runs out). Any [`AsyncDriver`] works:
/// `feennex_hyper::HyperTransport`, or a driver over an HTTP stack of your own.
#[derive(bon::Builder)]
pub struct Run<'a, D, S> {
    /// The shop and its options.
    session: Arc<Session>,
    /// What sends the requests.
    driver: Arc<D>,
    /// The rows to pay.
    batch: &'a BatchFile,
    /// Where the run's progress is kept.
    store: Arc<S>,
    /// Payouts in flight at once (8 unless set; at least one).
    #[builder(default = 8)]
    concurrency: usize,
    /// Set it to stop: the rows in flight finish, then the run returns.
    #[builder(default)]
    stop: Arc<AtomicBool>,
    /// Told of each row's start and end.
    #[builder(default = Arc::new(Quiet))]
    observer: Arc<dyn Observer>,
}

impl<D, S> std::fmt::Debug for Run<'_, D, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Run")
            .field("batch", &self.batch.path())
            .field("concurrency", &self.concurrency)
            .field("stopped", &self.stop.load(Ordering::SeqCst))
            .finish_non_exhaustive()
    }
}

impl<D: AsyncDriver, S: Store> Run<'_, D, S> {
    /// Pays every row the store does not show settled. The shop's balance is asked
    /// first: a shop the API refuses (a wrong secret key, above all) ends the run
    /// before any create, and a signature refused while paying stops it. Must be
    /// called within a tokio runtime.
    pub async fn pay(self) -> Result<(), RunError> {
        let Self { session, driver, batch, store, concurrency, stop, observer } = self;
        check_shop(&session, &*driver).await?;
        let payer = Arc::new(Payer {
            session,
            driver,
            store: store.clone(),
            observer,
            stop: stop.clone(),
            refused: Mutex::new(None),
        });
        work_claims(store, BatchRows::new(batch), concurrency, stop, payer.clone()).await?;
        match payer.refused.lock().unwrap_or_else(PoisonError::into_inner).take() {
            Some(refused) => Err(RunError::Refused(refused)),
            None => Ok(()),
        }
    }
}

/// Asks the shop's balance, which needs the shop and its key and moves no money:
/// an API refusal ends the run before anything else is sent. A balance that cannot
/// be asked for another reason (the network) is left to each payout's own retries.
async fn check_shop<D: AsyncDriver>(session: &Session, driver: &D) -> Result<(), RunError> {
    let Ok(now) = Timestamp::try_from(SystemTime::now()) else {
        return Ok(());
    };
    let Ok(balance) = session.call(&ShopBalance::new(now)) else {
        return Ok(());
    };
    match driver.drive(balance).await {
        Err(Error::Api(refused)) => Err(RunError::Refused(refused)),
        _ => Ok(()),
    }
}

struct Payer<D, S> {
    session: Arc<Session>,
    driver: Arc<D>,
    store: Arc<S>,
    observer: Arc<dyn Observer>,
    /// The run's stop: set when the API refuses the shop's signature.
    stop: Arc<AtomicBool>,
    /// That refusal.
    refused: Mutex<Option<ApiError>>,
}

impl<D: AsyncDriver, S: Store> ClaimHandler for Payer<D, S> {
    async fn work(&self, claim: Claim) -> Option<(Row, Settled)> {
        let (row, last) = match claim {
            Claim::Mine { row, last } => (row, last),
            Claim::Done { row, settled } => {
                let id = row.intent.shop_payment_id();
                let outcome = ReportLine::of_row(row.line, id, settled).outcome;
                self.observer.row_finished(RowRef { line: row.line, shop_payment_id: id }, outcome);
                return None;
            }
        };
        if self.refused.lock().unwrap_or_else(PoisonError::into_inner).is_some() {
            // The shop's signature was refused: every request would be too.
            return None;
        }
        let start = next_action(last, row.id_origin).start()?;
        let id = row.intent.shop_payment_id();
        self.observer.row_started(RowRef { line: row.line, shop_payment_id: id });
        let resolution = match row.create.clone() {
            Create::Transfer(create) => self.pay(create, start).await,
            Create::Withdraw(create) => self.pay(create, start).await,
        };
        Some((row, settled(resolution)))
    }

    async fn record(&self, row: Row, settled: Settled) -> Result<(), StoreError> {
        self.store.write_outcome(&row, &settled).await?;
        let id = row.intent.shop_payment_id();
        let outcome = ReportLine::of_row(row.line, id, Some(settled)).outcome;
        self.observer.row_finished(RowRef { line: row.line, shop_payment_id: id }, outcome);
        Ok(())
    }
}

impl<D: AsyncDriver, S: Store> Payer<D, S> {
    /// One payout made exactly once (or looked up first), adopted only under the
    /// core's rule, and what it means for the row.
    async fn pay<C: IdempotentCreate>(&self, create: C, start: Start) -> Resolution
    where
        ExactlyOncePayout<C>: Send,
        PayoutResult<C>: Send,
    {
        let result = match self.session.payout_from(create, start) {
            Ok(prepared) => self.driver.drive(prepared).await,
            Err(error) => Err(error),
        };
        if let Err(error) = &result
            && let Some(refused) = error.bad_signature()
        {
            // Every later request would be refused too: send nothing more.
            self.stop.store(true, Ordering::SeqCst);
            self.refused
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .get_or_insert(refused.clone());
        }
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
