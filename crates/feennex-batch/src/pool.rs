//! Fixed pools of workers: over the file's rows read in order (a dry run), or
//! over the rows a store hands out in chunks (a run). At most `concurrency` rows
//! in flight and a few waiting, whatever the number of rows.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::sync::{Mutex, Semaphore, mpsc};

use crate::batch::{BatchError, BatchFile};
use crate::input::Row;
use crate::rows::BatchRows;
use crate::settled::Settled;
use crate::store::{Claim, Claimed, Store, StoreError};

/// What a worker does with a row.
pub(crate) trait RowHandler: Send + Sync + 'static {
    /// Why the whole run must stop.
    type Error: Send + 'static;

    /// Handles one valid row.
    fn handle(&self, row: Row) -> impl Future<Output = Result<(), Self::Error>> + Send;
}

/// The pool could not go on.
#[derive(Debug)]
pub(crate) enum PoolError<E> {
    /// Reading the file failed.
    Batch(BatchError),
    /// A handler failed.
    Handler(E),
}

/// Runs `handler` on every valid row of `batch`,
/// `concurrency` at a time, until the rows end or `stop` is set (rows already
/// taken finish). Must be called within a tokio runtime.
pub(crate) async fn for_each_row<H: RowHandler>(
    batch: &BatchFile,
    concurrency: usize,
    stop: Arc<AtomicBool>,
    handler: Arc<H>,
) -> Result<(), PoolError<H::Error>> {
    let concurrency = concurrency.max(1);
    let (sender, receiver) = mpsc::channel::<Row>(concurrency * 2);
    let rows = batch.rows().map_err(PoolError::Batch)?;
    let producer_stop = stop.clone();
    let producer = tokio::task::spawn_blocking(move || -> Result<(), BatchError> {
        for row in rows {
            if producer_stop.load(Ordering::SeqCst) {
                break;
            }
            let Ok(row) = row? else { continue };
            if sender.blocking_send(row).is_err() {
                break;
            }
        }
        Ok(())
    });
    let receiver = Arc::new(Mutex::new(receiver));
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let (receiver, stop, handler) = (receiver.clone(), stop.clone(), handler.clone());
            tokio::spawn(async move {
                loop {
                    if stop.load(Ordering::SeqCst) {
                        return Ok(());
                    }
                    let next = receiver.lock().await.recv().await;
                    let Some(row) = next else { return Ok(()) };
                    if let Err(error) = handler.handle(row).await {
                        stop.store(true, Ordering::SeqCst);
                        return Err(error);
                    }
                }
            })
        })
        .collect();
    let mut first_error = None;
    for worker in workers {
        match worker.await {
            Ok(Ok(())) => {}
            Ok(Err(error)) => {
                first_error.get_or_insert(PoolError::Handler(error));
            }
            Err(panic) => std::panic::resume_unwind(panic.into_panic()),
        }
    }
    // Unblock the reader if the workers stopped early.
    drop(receiver);
    match producer.await {
        Ok(Ok(())) => {}
        Ok(Err(error)) => {
            first_error.get_or_insert(PoolError::Batch(error));
        }
        Err(panic) => std::panic::resume_unwind(panic.into_panic()),
    }
    first_error.map_or(Ok(()), Err)
}

/// The fewest rows a worker claims at once, unless it works fewer than half as
/// many at a time (then twice as many as it works). Its queue holds two chunks;
/// it claims once a chunk's room is free, every row it has room for (more when
/// the last claim took long to commit), so claims keep ahead of the workers and
/// each claim's statement carries many rows, however many workers share the
/// batch.
const CHUNK: usize = 32;

/// What a worker does with a row a store handed it: the work, then the record of
/// how it ended, which the worker does not wait for (it takes its next row while
/// the store commits the outcome with others).
pub(crate) trait ClaimHandler: Send + Sync + 'static {
    /// Works one claimed row; what is left to record, if anything.
    fn work(&self, claim: Claim) -> impl Future<Output = Option<(Row, Settled)>> + Send;

    /// Records, durably, how a worked row ended.
    fn record(
        &self,
        row: Row,
        settled: Settled,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}

/// Outcomes being recorded, at most a few per worker: their number bounds memory,
/// and the run ends only when all of them are durable.
struct Recording {
    slots: Arc<Semaphore>,
    size: u32,
    error: std::sync::Mutex<Option<StoreError>>,
}

impl Recording {
    fn new(concurrency: usize) -> Self {
        let size = u32::try_from(concurrency * 4).unwrap_or(u32::MAX);
        Self { slots: Arc::new(Semaphore::new(size as usize)), size, error: Default::default() }
    }

    fn fail(&self, error: StoreError) {
        self.error.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get_or_insert(error);
    }

    /// Waits until every outcome is recorded; the first failure, if any.
    async fn finish(&self) -> Option<StoreError> {
        let _all = self.slots.acquire_many(self.size).await;
        self.error.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take()
    }
}

/// Claims rows from `store` in chunks and works them, `concurrency` at a time,
/// until the store has none left for this worker or `stop` is set. The next chunk
/// is claimed while the last is being taken up, so workers do not wait for claims,
/// and rows wait a few milliseconds at most between their claim (their intents
/// durable) and their create. Rows claimed are worked after a stop too, and the run ends when every
/// outcome is durable. When the store fails or breaks, the run ends at once: rows
/// waiting and in flight are left (their intents are durable; the next worker or
/// run looks them up). Must be called within a tokio runtime.
pub(crate) async fn work_claims<S: Store, H: ClaimHandler>(
    store: Arc<S>,
    rows: BatchRows,
    concurrency: usize,
    stop: Arc<AtomicBool>,
    handler: Arc<H>,
) -> Result<(), StoreError> {
    let concurrency = concurrency.max(1);
    let chunk = (concurrency * 2).min(CHUNK);
    let (sender, receiver) = mpsc::channel::<Claim>(chunk * 2);
    let failed = Arc::new(AtomicBool::new(false));
    let recording = Arc::new(Recording::new(concurrency));
    let receiver = Arc::new(Mutex::new(receiver));
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let (receiver, failed, handler) = (receiver.clone(), failed.clone(), handler.clone());
            let recording = recording.clone();
            tokio::spawn(async move {
                loop {
                    let next = receiver.lock().await.recv().await;
                    let Some(claim) = next else { return };
                    if failed.load(Ordering::SeqCst) {
                        return;
                    }
                    let Some((row, settled)) = handler.work(claim).await else { continue };
                    let Ok(slot) = recording.slots.clone().acquire_owned().await else { return };
                    let (failed, handler, recording) =
                        (failed.clone(), handler.clone(), recording.clone());
                    tokio::spawn(async move {
                        if let Err(error) = handler.record(row, settled).await {
                            failed.store(true, Ordering::SeqCst);
                            recording.fail(error);
                        }
                        drop(slot);
                    });
                }
            })
        })
        .collect();
    drop(receiver);
    let abort: Vec<_> = workers.iter().map(tokio::task::JoinHandle::abort_handle).collect();
    let work = async {
        let ended = || stop.load(Ordering::SeqCst) || failed.load(Ordering::SeqCst);
        let mut first_error = None;
        while !ended() {
            let Ok(slots) = sender.reserve_many(chunk).await else { break };
            let mut slots: Vec<_> = slots.collect();
            while let Ok(slot) = sender.try_reserve() {
                slots.push(slot);
            }
            if ended() {
                break;
            }
            match store.claim(&rows, slots.len()).await {
                Ok(Claimed::Rows(claims)) if claims.len() <= slots.len() => {
                    for (slot, claim) in slots.into_iter().zip(claims) {
                        slot.send(claim);
                    }
                }
                Ok(Claimed::Rows(claims)) => {
                    // A row taken and not worked would wait for its lease: stop.
                    failed.store(true, Ordering::SeqCst);
                    first_error = Some(StoreError::Database(format!(
                        "the store handed out {} rows when {} were asked for",
                        claims.len(),
                        slots.len()
                    )));
                }
                Ok(Claimed::Wait(wait)) => {
                    drop(slots);
                    let until = tokio::time::Instant::now() + wait;
                    while !ended() && tokio::time::Instant::now() < until {
                        tokio::time::sleep(Duration::from_millis(50).min(wait)).await;
                    }
                }
                Ok(Claimed::Finished) => break,
                Err(error) => {
                    failed.store(true, Ordering::SeqCst);
                    first_error = Some(error);
                }
            }
        }
        drop(sender);
        for worker in workers {
            if let Err(ended) = worker.await
                && !ended.is_cancelled()
            {
                std::panic::resume_unwind(ended.into_panic());
            }
        }
        match (first_error, recording.finish().await) {
            (Some(error), _) | (None, Some(error)) => Err(error),
            (None, None) => Ok(()),
        }
    };
    tokio::select! {
        result = work => result,
        error = store.broken() => {
            for worker in abort {
                worker.abort();
            }
            Err(error)
        }
    }
}
