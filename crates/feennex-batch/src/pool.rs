//! A fixed pool of workers pulling rows from one reader: at most `concurrency`
//! rows in flight and a few waiting, whatever the number of rows.

use std::collections::HashSet;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::{Mutex, mpsc};

use crate::batch::{BatchError, BatchFile};
use crate::input::Row;

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

/// Runs `handler` on every valid row of `batch` (or `only` those records),
/// `concurrency` at a time, until the rows end or `stop` is set (rows already
/// taken finish). Must be called within a tokio runtime.
pub(crate) async fn for_each_row<H: RowHandler>(
    batch: &BatchFile,
    concurrency: usize,
    stop: Arc<AtomicBool>,
    handler: Arc<H>,
    only: Option<Arc<HashSet<u64>>>,
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
            if only.as_ref().is_some_and(|only| !only.contains(&row.record)) {
                continue;
            }
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
