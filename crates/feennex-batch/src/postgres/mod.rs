//! The batch store on PostgreSQL: one batch shared by any number of workers on
//! any number of machines.
//!
//! The batch's rows are a queue in the database, written once by the first worker
//! (in chunks, as the file is read). A worker claims a chunk of rows at a time
//! (`FOR UPDATE SKIP LOCKED`, in record order from where it last claimed) under a
//! lease it renews while it works; the same statement commits the intents of the
//! chunk's rows to create, before any of their creates leaves. Outcomes are
//! committed in groups as rows finish. A worker that dies loses its rows when
//! their lease runs out, and the next worker to claim one finds its intent and
//! looks the payout up before anything is created
//! ([`next_action`](feennex_proto::batch::next_action)). A row that ended failed or
//! unknown is tried again once by each worker started after it ended.
//!
//! Statements are prepared once per connection. Every statement has a deadline
//! (half the lease, at most 10 s): a database that stops answering ends the
//! worker's run within it, and nothing is sent whose intent could not be
//! committed first.
//!
//! The schema is versioned: the store applies missing migrations itself, in one
//! transaction, under an advisory lock, so workers starting together agree.

mod connect;
mod health;
mod outcomes;
mod register;
mod schema;
mod tls;

use std::collections::BTreeSet;
use std::hash::{BuildHasher, RandomState};
use std::str::FromStr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use feennex_proto::batch::LastRecord;
use feennex_proto::prelude::Decimal;
use futures_util::StreamExt;
use tokio::task::JoinHandle;
use tokio_postgres::{Client, Row as DbRow, Statement};

use crate::batch::BatchFile;
use crate::input::Row;
use crate::journal::Binding;
use crate::rows::BatchRows;
use crate::settled::Settled;
use crate::settled::SettledRows;
use crate::store::{Claim, Claimed, Store, StoreError};
use connect::Target;
use health::Health;
use outcomes::Outcomes;

/// The rows a worker may take: not settled, or settled failed or unknown before
/// it started (`$3`), so that it tries those once, not in a loop.
macro_rules! open_rows {
    () => {
        "(state IN ('new', 'intent')
          OR (state IN ('failed', 'unknown') AND (settled_at IS NULL OR settled_at < $3)))"
    };
}

/// Claims up to `$6` open rows after record `$4` whose lease ran out (or that
/// never had one) for worker `$2` for `$5` seconds, and records the intent of
/// those never started, in one statement.
const CLAIM: &str = concat!(
    // The chosen rows are a materialized CTE, evaluated once: a subquery could be
    // run again for each row joined, and lock more rows than asked. The rows are
    // updated where the CTE locked them (`ctid`, stable while locked), so that the
    // plan never depends on how many rows the statistics think the batch has
    // (none, for a batch newer than them: a join on the batch would then read it
    // whole for each claim).
    "WITH chosen AS MATERIALIZED (
         SELECT ctid, record, state, id_taken FROM feennex_rows
         WHERE batch_id = $1 AND record > $4 AND ",
    open_rows!(),
    "      AND (lease_until IS NULL OR lease_until < clock_timestamp())
         ORDER BY record LIMIT $6
         FOR UPDATE SKIP LOCKED)
     UPDATE feennex_rows r
     SET owner = $2, lease_until = clock_timestamp() + make_interval(secs => $5),
         state = CASE WHEN c.state = 'new' THEN 'intent' ELSE c.state END
     FROM chosen c
     WHERE r.ctid = c.ctid
     RETURNING r.record, c.state, c.id_taken"
);

/// The first open row after record `$4` that other workers hold (or are about to
/// free), if any.
const FIRST_HELD: &str = concat!(
    "SELECT record FROM feennex_rows WHERE batch_id = $1 AND record > $4 AND ",
    open_rows!(),
    " AND (owner IS DISTINCT FROM $2 OR lease_until < clock_timestamp())
     ORDER BY record LIMIT 1"
);

/// Extends the lease of the rows `$4` that worker `$2` still holds.
const RENEW: &str = "UPDATE feennex_rows
     SET lease_until = clock_timestamp() + make_interval(secs => $3)
     WHERE batch_id = $1 AND owner = $2 AND record = ANY($4)";

/// How the PostgreSQL store behaves.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PgOptions {
    /// How long a claim lasts without renewal: a dead worker's rows wait this long
    /// before another worker resolves them. Renewed every third of it.
    pub lease: Duration,
    /// Connections that write outcomes (one unless set): with more, a group is
    /// committed on one while the next gathers, so commits overlap, but groups
    /// are smaller; one keeps up with a worker on a machine like the benchmark's.
    pub connections: usize,
}

impl Default for PgOptions {
    fn default() -> Self {
        Self { lease: Duration::from_secs(30), connections: 1 }
    }
}

impl PgOptions {
    /// Options with this lease.
    pub fn with_lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// Options with this many writing connections (at least one).
    pub fn with_connections(mut self, connections: usize) -> Self {
        self.connections = connections.max(1);
        self
    }

    /// How long any statement may go unanswered before the worker stops: half the
    /// lease, at most 10 s, so a worker gives up on a frozen database before
    /// another could take its rows.
    pub fn answer_timeout(&self) -> Duration {
        (self.lease / 2).min(Duration::from_secs(10))
    }
}

/// The statements of the claiming connection, prepared once.
#[derive(Debug)]
struct Statements {
    claim: Statement,
    first_held: Statement,
    renew: Statement,
}

/// Where this worker's claims stand.
#[derive(Debug, Default)]
struct Progress {
    /// The last record claimed: the next claim starts after it.
    cursor: i64,
    /// No row up to this record is open for this worker but its own: once the
    /// batch's end is reached, claims and waits look only after it, so that a
    /// worker waiting for the last rows does not read the batch again each time.
    floor: i64,
    /// How long it has waited for rows others hold, since it last claimed one.
    waited: Duration,
}

/// A batch in PostgreSQL, as one worker sees it.
#[derive(Debug)]
pub struct PgStore {
    /// Claims (with their intents), lease renewals, reads.
    client: Arc<Client>,
    statements: Arc<Statements>,
    outcomes: Outcomes,
    batch_id: String,
    worker: String,
    lease: Duration,
    /// When this worker started, by the database's clock.
    started: SystemTime,
    progress: Mutex<Progress>,
    /// Rows claimed and not settled: their leases are renewed.
    held: Arc<Mutex<BTreeSet<i64>>>,
    health: Health,
    tasks: Vec<JoinHandle<()>>,
}

/// The shortest wait while other workers hold rows.
const FIRST_WAIT: Duration = Duration::from_millis(10);

impl PgStore {
    /// Connects to `url` (a `postgres://` URL or key=value string), applies the
    /// migrations, and registers `batch` under `binding` (the first worker writes
    /// its rows). A batch registered for another shop or endpoint, or whose rows no
    /// longer say what the file says, is refused before anything is sent. Must be
    /// called within a tokio runtime.
    pub async fn open(
        url: &str,
        binding: &Binding,
        batch: &BatchFile,
        options: PgOptions,
    ) -> Result<Self, StoreError> {
        let health = Health::new(options.answer_timeout());
        let target = Target::parse(url, health.timeout())?;
        let mut client = target.connect(&health).await?;
        schema::migrate(&mut client, &health).await?;
        register::register(&mut client, binding, batch, &health).await?;
        let prepare = |sql| health.answer("preparing statements", client.prepare(sql));
        let statements = Arc::new(Statements {
            claim: prepare(CLAIM).await?,
            first_held: prepare(FIRST_HELD).await?,
            renew: prepare(RENEW).await?,
        });
        let started: SystemTime = health
            .answer("reading the clock", client.query_one("SELECT clock_timestamp()", &[]))
            .await?
            .get(0);
        let mut writers = Vec::new();
        for _ in 0..options.connections.max(1) {
            writers.push(target.connect(&health).await?);
        }
        let worker = format!(
            "{}-{:016x}",
            std::process::id(),
            RandomState::new().hash_one(std::time::SystemTime::now())
        );
        let (outcomes, mut tasks) =
            Outcomes::start(writers, &binding.batch_id, &worker, &health).await?;
        let client = Arc::new(client);
        let held = Arc::new(Mutex::new(BTreeSet::new()));
        let renewer = Renewer {
            client: client.clone(),
            statements: statements.clone(),
            batch_id: binding.batch_id.clone(),
            worker: worker.clone(),
            lease: options.lease,
            held: held.clone(),
            health: health.clone(),
        };
        tasks.push(tokio::spawn(renewer.run()));
        Ok(Self {
            client,
            statements,
            outcomes,
            batch_id: binding.batch_id.clone(),
            worker,
            lease: options.lease,
            started,
            progress: Mutex::new(Progress::default()),
            held,
            health,
            tasks,
        })
    }

    /// Reads a registered batch's settled rows, without claiming anything: for
    /// status and reports. The binding must match.
    pub async fn settled_rows_of(url: &str, binding: &Binding) -> Result<SettledRows, StoreError> {
        let health = Health::new(PgOptions::default().answer_timeout());
        let mut client = Target::parse(url, health.timeout())?.connect(&health).await?;
        schema::migrate(&mut client, &health).await?;
        register::check_binding(&client, binding, &health).await?.ok_or_else(|| {
            StoreError::Mismatch(format!("batch {} is not in the store", binding.batch_id))
        })?;
        settled_rows(&client, &binding.batch_id, &health).await
    }

    /// Claims up to `limit` open rows after record `from`.
    async fn claim_after(&self, from: i64, limit: i64) -> Result<Vec<DbRow>, StoreError> {
        let seconds = self.lease.as_secs_f64();
        let parameters: [&(dyn tokio_postgres::types::ToSql + Sync); 6] =
            [&self.batch_id, &self.worker, &self.started, &from, &seconds, &limit];
        let claimed = self.client.query(&self.statements.claim, &parameters);
        self.health.answer("claiming rows", claimed).await
    }

    fn progress(&self) -> std::sync::MutexGuard<'_, Progress> {
        self.progress.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The wait before asking again while others hold rows: short for a while (a
    /// live worker settles its rows in flight soon), then growing up to a quarter
    /// of the lease (between 0.2 and 5 s: a dead worker's rows wait for its lease).
    fn next_wait(&self) -> Duration {
        let longest = (self.lease / 4).clamp(Duration::from_millis(200), Duration::from_secs(5));
        let mut progress = self.progress();
        let wait = FIRST_WAIT.max(progress.waited / 4).min(longest);
        progress.waited += wait;
        wait
    }
}

impl Drop for PgStore {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// The batch's settled rows, read as a stream: memory holds the rows' outcomes,
/// not the database's rows as well.
async fn settled_rows(
    client: &Client,
    batch_id: &str,
    health: &Health,
) -> Result<SettledRows, StoreError> {
    let doing = "reading the settled rows";
    let rows = health
        .answer(
            doing,
            client.query_raw(
                "SELECT shop_payment_id, state, payout_id, write_off, shop_currency, preexisting, code, message, id_taken
                 FROM feennex_rows WHERE batch_id = $1 AND state NOT IN ('new', 'intent')",
                [batch_id],
            ),
        )
        .await?;
    let mut rows = std::pin::pin!(rows);
    let mut settled = SettledRows::default();
    while let Some(row) = health.answer(doing, async { rows.next().await.transpose() }).await? {
        if let Some(outcome) = settled_of(&row, 1)? {
            settled.insert(row.get::<_, &str>(0), outcome);
        }
    }
    Ok(settled)
}

/// The outcome in the columns from `first` on (state, payout_id, write_off,
/// shop_currency, preexisting, code, message, id_taken).
fn settled_of(row: &DbRow, first: usize) -> Result<Option<Settled>, StoreError> {
    let state: &str = row.get(first);
    let payout_id = row.get::<_, Option<i64>>(first + 1).map(|id| id as u64);
    let message = row.get::<_, Option<String>>(first + 6).unwrap_or_default();
    let damaged = || StoreError::Database(format!("a row in state {state} lacks its outcome"));
    Ok(Some(match state {
        "paid" => Settled::Paid {
            payout_id: payout_id.ok_or_else(damaged)?,
            write_off: row
                .get::<_, Option<String>>(first + 2)
                .and_then(|text| Decimal::from_str(&text).ok())
                .ok_or_else(damaged)?,
            shop_currency: row
                .get::<_, Option<i32>>(first + 3)
                .and_then(|code| u16::try_from(code).ok())
                .ok_or_else(damaged)?,
            preexisting: row.get::<_, Option<bool>>(first + 4).unwrap_or(false),
        },
        "failed" => Settled::Failed { code: row.get(first + 5), message },
        "unknown" => Settled::Unknown { message, id_taken: row.get(first + 7) },
        "conflict" => Settled::Conflict { payout_id: payout_id.ok_or_else(damaged)?, message },
        "unverified" => Settled::Unverified { payout_id: payout_id.ok_or_else(damaged)?, message },
        _ => return Ok(None),
    }))
}

/// Renews this worker's leases every third of a lease; a failure breaks the
/// store, so the worker stops taking rows before its leases can lapse.
struct Renewer {
    client: Arc<Client>,
    statements: Arc<Statements>,
    batch_id: String,
    worker: String,
    lease: Duration,
    held: Arc<Mutex<BTreeSet<i64>>>,
    health: Health,
}

impl Renewer {
    async fn run(self) {
        let seconds = self.lease.as_secs_f64();
        loop {
            tokio::time::sleep(self.lease / 3).await;
            let held: Vec<i64> =
                self.held.lock().unwrap_or_else(PoisonError::into_inner).iter().copied().collect();
            if held.is_empty() {
                continue;
            }
            let parameters: [&(dyn tokio_postgres::types::ToSql + Sync); 4] =
                [&self.batch_id, &self.worker, &seconds, &held];
            let renewed = self.client.execute(&self.statements.renew, &parameters);
            if self.health.answer("renewing the leases", renewed).await.is_err() {
                return;
            }
        }
    }
}

impl Store for PgStore {
    async fn claim(&self, rows: &BatchRows, limit: usize) -> Result<Claimed, StoreError> {
        let limit = limit.max(1) as i64;
        let cursor = self.progress().cursor;
        let mut claimed = self.claim_after(cursor, limit).await?;
        if claimed.is_empty() {
            // Nothing after the cursor: the end of the batch. Rows behind it may
            // still come free (a lease that ran out); they lie at or after the
            // first open row this worker does not hold, which is found first so
            // that no statement reads the settled start of the batch again.
            let floor = self.progress().floor;
            let first_held: Option<i64> = self
                .health
                .answer(
                    "claiming rows",
                    self.client.query_opt(
                        &self.statements.first_held,
                        &[&self.batch_id, &self.worker, &self.started, &floor],
                    ),
                )
                .await?
                .map(|row| row.get(0));
            let Some(first_held) = first_held else { return Ok(Claimed::Finished) };
            // Rows before it are settled or this worker's: they stay so.
            let floor = first_held - 1;
            {
                let mut progress = self.progress();
                progress.floor = floor;
                progress.cursor = floor;
            }
            if floor < cursor {
                claimed = self.claim_after(floor, limit).await?;
            }
            if claimed.is_empty() {
                return Ok(Claimed::Wait(self.next_wait()));
            }
        }
        let mut last: Vec<(i64, LastRecord)> = claimed
            .iter()
            .map(|found| {
                let record = match (found.get::<_, &str>(1), found.get::<_, bool>(2)) {
                    ("new", _) => LastRecord::None,
                    ("intent", _) => LastRecord::Intent,
                    ("failed", _) => LastRecord::Failed,
                    (_, false) => LastRecord::Unknown,
                    (_, true) => LastRecord::UnknownIdTaken,
                };
                (found.get::<_, i64>(0), record)
            })
            .collect();
        last.sort_unstable_by_key(|(record, _)| *record);
        {
            let mut progress = self.progress();
            progress.cursor = last.last().map_or(progress.cursor, |(record, _)| *record);
            progress.waited = Duration::ZERO;
        }
        self.held
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend(last.iter().map(|(record, _)| *record));
        let found = rows.records(last.iter().map(|(record, _)| *record as u64).collect()).await?;
        if found.len() != last.len() {
            return Err(self.health.fail(format!(
                "the store's batch {} holds rows that are not valid rows of the file",
                self.batch_id
            )));
        }
        let claims =
            found.into_iter().zip(last).map(|(row, (_, last))| Claim::Mine { row, last }).collect();
        Ok(Claimed::Rows(claims))
    }

    async fn write_outcome(&self, row: &Row, settled: &Settled) -> Result<(), StoreError> {
        let record = row.record as i64;
        self.outcomes.write(record, settled).await?;
        self.held.lock().unwrap_or_else(PoisonError::into_inner).remove(&record);
        Ok(())
    }

    async fn settled_rows(&self) -> Result<SettledRows, StoreError> {
        settled_rows(&self.client, &self.batch_id, &self.health).await
    }

    async fn broken(&self) -> StoreError {
        self.health.broken().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_store_that_cannot_be_reached_says_so_without_its_password() {
        // Port 1 on loopback: nothing listens there.
        for url in [
            "postgres://payouts:s3cret-pass@127.0.0.1:1/payouts",
            "postgres://payouts:s3cret-pass@127.0.0.1:notaport/payouts",
        ] {
            let health = Health::new(Duration::from_secs(5));
            let error = match Target::parse(url, health.timeout()) {
                Ok(target) => target.connect(&health).await.unwrap_err(),
                Err(error) => error,
            };
            let text = format!("{error} {error:?}");
            assert!(matches!(error, StoreError::Database(_)), "{text}");
            assert!(!text.contains("s3cret-pass"), "{text}");
        }
    }
}
