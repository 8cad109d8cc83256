//! The batch store on PostgreSQL: one batch shared by any number of workers on
//! any number of machines.
//!
//! Every valid row is a database row, written once by the first worker. A worker
//! claims a row (`FOR UPDATE SKIP LOCKED`) under a lease it renews while it works;
//! the intent is committed before the create is sent; the outcome is committed
//! after. A worker that dies loses its rows when their lease runs out, and the
//! next worker to claim one finds its intent and looks the payout up before
//! anything is created ([`next_action`](feennex_proto::batch::next_action)).
//!
//! The schema is versioned: the store applies missing migrations itself, in one
//! transaction, under an advisory lock, so workers starting together agree.

use std::hash::{BuildHasher, RandomState};
use std::str::FromStr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use feennex_proto::batch::LastRecord;
use feennex_proto::prelude::Decimal;
use tokio_postgres::{Client, GenericClient, NoTls, Row as DbRow};

use crate::batch::BatchFile;
use crate::input::Row;
use crate::journal::{Binding, Settled};
use crate::store::{Claim, SettledRows, Store, StoreError};

/// The advisory lock taken while migrating or registering a batch.
const LOCK_KEY: i64 = 0x6665_656e_6e65_7831;

/// The schema, one migration per version, applied in order.
const MIGRATIONS: &[&str] = &[
    // 1: batches bound to a shop and an endpoint; their rows with intent, lease and
    // outcome. No index on what changes (state, owner, lease), and room left in each
    // page, so that claims and outcomes update rows in place.
    "CREATE TABLE feennex_batches (
        batch_id text PRIMARY KEY,
        shop_id bigint NOT NULL,
        base_url text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE feennex_rows (
        batch_id text NOT NULL REFERENCES feennex_batches,
        record bigint NOT NULL,
        line bigint NOT NULL,
        shop_payment_id text NOT NULL,
        intent text NOT NULL,
        state text NOT NULL DEFAULT 'new'
            CHECK (state IN ('new', 'intent', 'paid', 'failed', 'unknown', 'conflict')),
        owner text,
        lease_until timestamptz,
        payout_id bigint,
        write_off text,
        shop_currency integer,
        preexisting boolean,
        code bigint,
        message text,
        PRIMARY KEY (batch_id, record),
        UNIQUE (batch_id, shop_payment_id)
    ) WITH (fillfactor = 50);",
    // 2: batch ids are the content's hash; rows can be unverified; an unknown
    // outcome says whether the API called the id taken before any create of the
    // batch could arrive.
    "ALTER TABLE feennex_rows DROP CONSTRAINT feennex_rows_state_check;
    ALTER TABLE feennex_rows ADD CONSTRAINT feennex_rows_state_check
        CHECK (state IN ('new', 'intent', 'paid', 'failed', 'unknown', 'conflict', 'unverified'));
    ALTER TABLE feennex_rows ADD COLUMN id_taken boolean NOT NULL DEFAULT false;",
];

/// How the PostgreSQL store behaves.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PgOptions {
    /// How long a claim lasts without renewal: a dead worker's rows wait this long
    /// before another worker resolves them. Renewed every third of it.
    pub lease: Duration,
    /// Connections that write intents and outcomes: commits from several are
    /// flushed together, so more rows in flight cost fewer flushes each.
    pub connections: usize,
}

impl Default for PgOptions {
    fn default() -> Self {
        Self { lease: Duration::from_secs(30), connections: 4 }
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
}

/// A batch in PostgreSQL, as one worker sees it.
#[derive(Debug)]
pub struct PgStore {
    /// Claims and lease renewals: not flushed at commit (a claim lost in a crash
    /// only frees the row), so they cost no disk flush.
    client: Arc<Client>,
    /// Intents and outcomes, flushed at commit.
    writers: Vec<Client>,
    next_writer: std::sync::atomic::AtomicUsize,
    batch_id: String,
    worker: String,
    lease: Duration,
    /// Why the store stopped being usable (the lease could not be renewed).
    broken: Arc<Mutex<Option<String>>>,
    renewer: tokio::task::JoinHandle<()>,
}

fn database(error: tokio_postgres::Error) -> StoreError {
    // The error's text names no password: the connection string is not in it.
    StoreError::Database(match error.as_db_error() {
        Some(db) => db.message().to_owned(),
        None => error.to_string(),
    })
}

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
        let mut client = connect(url).await?;
        migrate(&mut client).await?;
        register(&mut client, binding, batch).await?;
        client.batch_execute("SET synchronous_commit TO off").await.map_err(database)?;
        let mut writers = Vec::new();
        for _ in 0..options.connections.max(1) {
            writers.push(connect(url).await?);
        }
        let worker = format!(
            "{}-{:016x}",
            std::process::id(),
            RandomState::new().hash_one(std::time::SystemTime::now())
        );
        let client = Arc::new(client);
        let broken = Arc::new(Mutex::new(None));
        let renewer = tokio::spawn(renew(
            client.clone(),
            binding.batch_id.clone(),
            worker.clone(),
            options.lease,
            broken.clone(),
        ));
        Ok(Self {
            client,
            writers,
            next_writer: std::sync::atomic::AtomicUsize::new(0),
            batch_id: binding.batch_id.clone(),
            worker,
            lease: options.lease,
            broken,
            renewer,
        })
    }

    /// Reads a registered batch's settled rows, without claiming anything: for
    /// status and reports. The binding must match.
    pub async fn settled_rows_of(url: &str, binding: &Binding) -> Result<SettledRows, StoreError> {
        let mut client = connect(url).await?;
        migrate(&mut client).await?;
        check_binding(&client, binding).await?.ok_or_else(|| {
            StoreError::Mismatch(format!("batch {} is not in the store", binding.batch_id))
        })?;
        settled_rows(&client, &binding.batch_id).await
    }

    fn check_usable(&self) -> Result<(), StoreError> {
        match &*self.broken.lock().unwrap_or_else(PoisonError::into_inner) {
            Some(why) => Err(StoreError::Database(why.clone())),
            None => Ok(()),
        }
    }

    fn writer(&self) -> &Client {
        let next = self.next_writer.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        &self.writers[next % self.writers.len()]
    }

    fn lease_seconds(&self) -> f64 {
        self.lease.as_secs_f64()
    }
}

impl Drop for PgStore {
    fn drop(&mut self) {
        self.renewer.abort();
    }
}

async fn connect(url: &str) -> Result<Client, StoreError> {
    let mut config = tokio_postgres::Config::from_str(url)
        .map_err(|_| StoreError::Database("the store URL is not a PostgreSQL URL".into()))?;
    config.connect_timeout(Duration::from_secs(10));
    config.application_name("feennex-batch");
    let (client, connection) = config.connect(NoTls).await.map_err(database)?;
    tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok(client)
}

/// Applies the missing migrations in one transaction, under the advisory lock.
async fn migrate(client: &mut Client) -> Result<(), StoreError> {
    let transaction = client.transaction().await.map_err(database)?;
    transaction
        .execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK_KEY])
        .await
        .map_err(database)?;
    transaction
        .batch_execute(
            "CREATE TABLE IF NOT EXISTS feennex_schema (
                version integer PRIMARY KEY,
                applied_at timestamptz NOT NULL DEFAULT now()
            )",
        )
        .await
        .map_err(database)?;
    let applied: i32 = transaction
        .query_one("SELECT coalesce(max(version), 0) FROM feennex_schema", &[])
        .await
        .map_err(database)?
        .get(0);
    let known = MIGRATIONS.len() as i32;
    if applied > known {
        return Err(StoreError::Mismatch(format!(
            "the store's schema is at version {applied}, newer than this program's {known}: use a newer program"
        )));
    }
    for (version, migration) in MIGRATIONS.iter().enumerate().skip(applied as usize) {
        transaction.batch_execute(migration).await.map_err(database)?;
        transaction
            .execute("INSERT INTO feennex_schema (version) VALUES ($1)", &[&(version as i32 + 1)])
            .await
            .map_err(database)?;
    }
    transaction.commit().await.map_err(database)
}

/// `Some(())` if the batch is registered with this binding, `None` if absent.
async fn check_binding(
    client: &impl GenericClient,
    binding: &Binding,
) -> Result<Option<()>, StoreError> {
    let Some(row) = client
        .query_opt(
            "SELECT shop_id, base_url FROM feennex_batches WHERE batch_id = $1",
            &[&binding.batch_id],
        )
        .await
        .map_err(database)?
    else {
        return Ok(None);
    };
    let (shop_id, base_url): (i64, String) = (row.get(0), row.get(1));
    if shop_id as u64 != binding.shop_id {
        return Err(StoreError::Mismatch(format!(
            "batch {} belongs to shop {shop_id}, not {}: use that shop",
            binding.batch_id, binding.shop_id
        )));
    }
    if base_url != binding.base_url {
        return Err(StoreError::Mismatch(format!(
            "batch {} was paid against the endpoint {base_url}, not {}: use that endpoint",
            binding.batch_id, binding.base_url
        )));
    }
    Ok(Some(()))
}

/// Registers the batch and its rows, or checks the file against them.
async fn register(
    client: &mut Client,
    binding: &Binding,
    batch: &BatchFile,
) -> Result<(), StoreError> {
    let file_error = |error: crate::batch::BatchError| StoreError::Mismatch(error.to_string());
    let mut records = Vec::new();
    let mut lines = Vec::new();
    let mut ids = Vec::new();
    let mut intents = Vec::new();
    for row in batch.rows().map_err(file_error)? {
        let Ok(row) = row.map_err(file_error)? else { continue };
        records.push(row.record as i64);
        lines.push(row.line as i64);
        ids.push(row.intent.shop_payment_id().to_owned());
        intents.push(serde_json::to_string(&row.intent).unwrap_or_default());
    }
    let transaction = client.transaction().await.map_err(database)?;
    transaction
        .execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK_KEY])
        .await
        .map_err(database)?;
    if check_binding(&transaction, binding).await?.is_none() {
        refuse_legacy(&transaction, batch).await?;
        transaction
            .execute(
                "INSERT INTO feennex_batches (batch_id, shop_id, base_url) VALUES ($1, $2, $3)",
                &[&binding.batch_id, &(binding.shop_id as i64), &binding.base_url],
            )
            .await
            .map_err(database)?;
        transaction
            .execute(
                "INSERT INTO feennex_rows (batch_id, record, line, shop_payment_id, intent)
                 SELECT $1, * FROM unnest($2::bigint[], $3::bigint[], $4::text[], $5::text[])",
                &[&binding.batch_id, &records, &lines, &ids, &intents],
            )
            .await
            .map_err(database)?;
        // Fresh statistics, so that claims find their row by key from the start.
        transaction.batch_execute("ANALYZE feennex_rows").await.map_err(database)?;
        return transaction.commit().await.map_err(database);
    }
    let stored = transaction
        .query(
            "SELECT record, shop_payment_id, intent FROM feennex_rows WHERE batch_id = $1",
            &[&binding.batch_id],
        )
        .await
        .map_err(database)?;
    let stored: std::collections::HashMap<i64, (String, String)> =
        stored.into_iter().map(|row| (row.get(0), (row.get(1), row.get(2)))).collect();
    for (index, record) in records.iter().enumerate() {
        match stored.get(record) {
            Some((id, intent)) if *id == ids[index] && *intent == intents[index] => {}
            _ => {
                return Err(StoreError::Mismatch(format!(
                    "{}: line {}: row {:?} no longer asks what the store recorded for batch {}; nothing was sent",
                    batch.path().display(),
                    lines[index],
                    ids[index],
                    binding.batch_id
                )));
            }
        }
    }
    if stored.len() != records.len() {
        return Err(StoreError::Mismatch(format!(
            "{}: {} row(s) the store recorded for batch {} are no longer in the file (or are now invalid); nothing was sent",
            batch.path().display(),
            stored.len().saturating_sub(records.len()),
            binding.batch_id
        )));
    }
    transaction.commit().await.map_err(database)
}

/// Refuses a file that an earlier version registered under its byte hash: its rows
/// were paid under ids this version does not derive, so starting it again under
/// its content's id would pay them twice.
async fn refuse_legacy(client: &impl GenericClient, batch: &BatchFile) -> Result<(), StoreError> {
    let file_error = |error: crate::batch::BatchError| StoreError::Mismatch(error.to_string());
    let Some(legacy) = batch.legacy_id().map_err(file_error)? else {
        return Ok(());
    };
    let found = client
        .query_opt("SELECT 1 FROM feennex_batches WHERE batch_id = $1", &[&legacy])
        .await
        .map_err(database)?;
    match found {
        None => Ok(()),
        Some(_) => Err(StoreError::Mismatch(format!(
            "{}: an earlier version of this program started this file as batch {legacy}, whose rows were paid under ids batch-{legacy}-N; nothing was sent. Continue it with --batch-id {legacy}",
            batch.path().display()
        ))),
    }
}

async fn settled_rows(client: &Client, batch_id: &str) -> Result<SettledRows, StoreError> {
    let rows = client
        .query(
            "SELECT shop_payment_id, state, payout_id, write_off, shop_currency, preexisting, code, message, id_taken
             FROM feennex_rows WHERE batch_id = $1 AND state NOT IN ('new', 'intent')",
            &[&batch_id],
        )
        .await
        .map_err(database)?;
    let mut settled = SettledRows::default();
    for row in rows {
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

/// Renews this worker's live leases every third of a lease; a failure marks the
/// store broken, so the worker stops taking rows before its leases can lapse.
async fn renew(
    client: Arc<Client>,
    batch_id: String,
    worker: String,
    lease: Duration,
    broken: Arc<Mutex<Option<String>>>,
) {
    let seconds = lease.as_secs_f64();
    loop {
        tokio::time::sleep(lease / 3).await;
        let renewed = client
            .execute(
                "UPDATE feennex_rows SET lease_until = clock_timestamp() + make_interval(secs => $3)
                 WHERE batch_id = $1 AND owner = $2 AND lease_until > clock_timestamp()",
                &[&batch_id, &worker, &seconds],
            )
            .await;
        if let Err(error) = renewed {
            let why = format!("the leases could not be renewed: {}", database(error));
            *broken.lock().unwrap_or_else(PoisonError::into_inner) = Some(why);
            return;
        }
    }
}

impl Store for PgStore {
    async fn claim(&self, row: &Row) -> Result<Claim, StoreError> {
        self.check_usable()?;
        let record = row.record as i64;
        // One round trip: the claim, or (when the row is not free) the row as it is.
        let found = self
            .client
            .query_opt(
                "WITH claimed AS (
                     UPDATE feennex_rows r
                     SET owner = $3, lease_until = clock_timestamp() + make_interval(secs => $4)
                     FROM (SELECT record FROM feennex_rows
                           WHERE batch_id = $1 AND record = $2
                             AND state IN ('new', 'intent', 'failed', 'unknown')
                             AND (owner IS NULL OR owner = $3 OR lease_until < clock_timestamp())
                           FOR UPDATE SKIP LOCKED) c
                     WHERE r.batch_id = $1 AND r.record = $2 AND r.record = c.record
                     RETURNING r.state, r.id_taken
                 )
                 SELECT true, state, NULL::bigint, NULL::text, NULL::integer, NULL::boolean,
                        NULL::bigint, NULL::text, id_taken
                 FROM claimed
                 UNION ALL
                 SELECT false, state, payout_id, write_off, shop_currency, preexisting, code, message, id_taken
                 FROM feennex_rows
                 WHERE batch_id = $1 AND record = $2 AND NOT EXISTS (SELECT 1 FROM claimed)",
                &[&self.batch_id, &record, &self.worker, &self.lease_seconds()],
            )
            .await
            .map_err(database)?
            .ok_or_else(|| {
                StoreError::Mismatch(format!(
                    "line {}: row {:?} is not in the store's batch {}",
                    row.line,
                    row.intent.shop_payment_id(),
                    self.batch_id
                ))
            })?;
        if found.get::<_, bool>(0) {
            let last = match (found.get::<_, &str>(1), found.get::<_, bool>(8)) {
                ("new", _) => LastRecord::None,
                ("intent", _) => LastRecord::Intent,
                ("failed", _) => LastRecord::Failed,
                (_, false) => LastRecord::Unknown,
                (_, true) => LastRecord::UnknownIdTaken,
            };
            return Ok(Claim::Mine(last));
        }
        Ok(match found.get::<_, &str>(1) {
            "paid" | "conflict" | "unverified" => Claim::Done(settled_of(&found, 1)?),
            _ => Claim::Held,
        })
    }

    async fn write_intent(&self, row: &Row) -> Result<bool, StoreError> {
        self.check_usable()?;
        let updated = self
            .writer()
            .execute(
                "UPDATE feennex_rows SET state = 'intent'
                 WHERE batch_id = $1 AND record = $2 AND owner = $3
                   AND lease_until > clock_timestamp() AND state NOT IN ('paid', 'conflict', 'unverified')",
                &[&self.batch_id, &(row.record as i64), &self.worker],
            )
            .await
            .map_err(database)?;
        Ok(updated == 1)
    }

    async fn write_outcome(&self, row: &Row, settled: &Settled) -> Result<(), StoreError> {
        let mut id_taken = false;
        let (state, payout_id, write_off, shop_currency, preexisting, code, message) = match settled
        {
            Settled::Paid { payout_id, write_off, shop_currency, preexisting } => (
                "paid",
                Some(*payout_id as i64),
                Some(write_off.to_string()),
                Some(i32::from(*shop_currency)),
                Some(*preexisting),
                None,
                None,
            ),
            Settled::Failed { code, message } => {
                ("failed", None, None, None, None, *code, Some(message.clone()))
            }
            Settled::Unknown { message, id_taken: taken } => {
                id_taken = *taken;
                ("unknown", None, None, None, None, None, Some(message.clone()))
            }
            Settled::Conflict { payout_id, message } => {
                ("conflict", Some(*payout_id as i64), None, None, None, None, Some(message.clone()))
            }
            Settled::Unverified { payout_id, message } => (
                "unverified",
                Some(*payout_id as i64),
                None,
                None,
                None,
                None,
                Some(message.clone()),
            ),
        };
        // A payout found (paid, a conflict, unverified) is a fact whoever holds the
        // row; anything else is written only by the row's holder, and never over a
        // fact.
        self.writer()
            .execute(
                "UPDATE feennex_rows
                 SET state = $4, payout_id = $5, write_off = $6, shop_currency = $7,
                     preexisting = $8, code = $9, message = $10, id_taken = $11,
                     lease_until = clock_timestamp()
                 WHERE batch_id = $1 AND record = $2 AND state NOT IN ('paid', 'conflict', 'unverified')
                   AND (owner = $3 OR $4 IN ('paid', 'conflict', 'unverified'))",
                &[
                    &self.batch_id,
                    &(row.record as i64),
                    &self.worker,
                    &state,
                    &payout_id,
                    &write_off,
                    &shop_currency,
                    &preexisting,
                    &code,
                    &message,
                    &id_taken,
                ],
            )
            .await
            .map_err(database)?;
        Ok(())
    }

    async fn settled_rows(&self) -> Result<SettledRows, StoreError> {
        settled_rows(&self.client, &self.batch_id).await
    }

    fn retry_after(&self) -> Duration {
        (self.lease / 4).clamp(Duration::from_millis(200), Duration::from_secs(5))
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
            let error = connect(url).await.unwrap_err();
            let text = format!("{error} {error:?}");
            assert!(matches!(error, StoreError::Database(_)), "{text}");
            assert!(!text.contains("s3cret-pass"), "{text}");
        }
    }
}
