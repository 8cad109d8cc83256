//! Paying the rows of a batch: bounded concurrency, every row through the
//! exactly-once client, the journal written before each create and after each
//! outcome, rows of unknown outcome reconciled first, Ctrl-C stopping gracefully.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use feennex_hyper::Client;
use feennex_proto::{Error, TransferCreate};

use super::batch::PayoutRow;
use super::journal::{Entry, Journal, JournalError, RowState};
use super::progress::Progress;

/// What to do with a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Pay it.
    Create,
    /// An earlier run may have paid it: look it up first.
    Reconcile,
}

/// The rows still to do, in the order they are taken.
fn queue(rows: &[PayoutRow], journal: &Journal) -> VecDeque<(PayoutRow, Mode)> {
    let state = |row: &PayoutRow| journal.state(row.line);
    let unsettled = rows
        .iter()
        .filter(|row| matches!(state(row), RowState::InFlight | RowState::Unknown { .. }))
        .map(|row| (row.clone(), Mode::Reconcile));
    let fresh = rows
        .iter()
        .filter(|row| matches!(state(row), RowState::Pending | RowState::Failed { .. }))
        .map(|row| (row.clone(), Mode::Create));
    unsettled.chain(fresh).collect()
}

/// How many rows are left to do.
pub fn remaining(rows: &[PayoutRow], journal: &Journal) -> usize {
    queue(rows, journal).len()
}

/// Pays every row still to do, `concurrency` at a time. Returns early, with the
/// journal consistent, when `stop` is set; in-flight rows finish first.
pub async fn run(
    client: &Client,
    rows: &[PayoutRow],
    journal: Arc<Journal>,
    concurrency: usize,
    stop: Arc<AtomicBool>,
    progress: &Progress,
) -> Result<(), JournalError> {
    let queue = Arc::new(Mutex::new(queue(rows, &journal)));
    let workers: Vec<_> = (0..concurrency.max(1))
        .map(|_| {
            let (client, queue, journal, stop) =
                (client.clone(), queue.clone(), journal.clone(), stop.clone());
            let progress = progress.clone();
            tokio::spawn(async move {
                loop {
                    if stop.load(Ordering::SeqCst) {
                        return Ok(());
                    }
                    let next =
                        queue.lock().unwrap_or_else(std::sync::PoisonError::into_inner).pop_front();
                    let Some((row, mode)) = next else { return Ok(()) };
                    pay_row(&client, row, mode, &journal).await?;
                    progress.row_done();
                }
            })
        })
        .collect();
    let mut first_error = None;
    for worker in workers {
        let result = worker.await.unwrap_or_else(|error| {
            Err(JournalError::Io {
                path: journal.path().to_owned(),
                source: std::io::Error::other(error),
            })
        });
        if let Err(error) = result {
            stop.store(true, Ordering::SeqCst);
            first_error.get_or_insert(error);
        }
    }
    first_error.map_or(Ok(()), Err)
}

/// One row: journal, pay (or reconcile), journal the outcome.
async fn pay_row(
    client: &Client,
    row: PayoutRow,
    mode: Mode,
    journal: &Arc<Journal>,
) -> Result<(), JournalError> {
    let line = row.line;
    let create: TransferCreate = row.create;
    let result = match mode {
        Mode::Create => {
            let sending = Entry::Sending {
                line,
                shop_payment_id: create.shop_payment_id.as_str().to_owned(),
            };
            append(journal, sending).await?;
            client.payout(create).await
        }
        Mode::Reconcile => client.resume_payout(create).await,
    };
    let entry = match result {
        Ok(outcome) => Entry::Paid {
            line,
            payout_id: outcome.summary.id,
            write_off: outcome.summary.write_off,
            shop_currency: outcome.summary.shop_currency.code(),
            reconciled: outcome.reconciled,
        },
        Err(error @ Error::PayoutUnresolved { .. }) => {
            Entry::Unknown { line, message: error.chain() }
        }
        Err(error) => Entry::Failed {
            line,
            code: error.api_code().map(|code| code.code()),
            message: match &error {
                Error::Api(api) => api.message.clone(),
                other => other.chain(),
            },
        },
    };
    append(journal, entry).await
}

/// Appends off the async threads: the append waits for the disk.
async fn append(journal: &Arc<Journal>, entry: Entry) -> Result<(), JournalError> {
    let journal = journal.clone();
    let path = journal.path().to_owned();
    tokio::task::spawn_blocking(move || journal.append(&entry)).await.unwrap_or_else(|error| {
        Err(JournalError::Io { path, source: std::io::Error::other(error) })
    })
}
