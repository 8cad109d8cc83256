//! A batch's rows written into the store by its first worker, or a later worker's
//! file checked against them: both read the file as a stream, in chunks, so a
//! worker's memory does not grow with the batch. A later worker reads no row back
//! when its batch id is its file's content hash, as the batch's was, or when its
//! file gives the digest of the rows the batch keeps.

use sha2::{Digest, Sha256};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_postgres::{Client, GenericClient};

use feennex_proto::batch::IdOrigin;

use super::health::{Health, advisory_lock, try_advisory_lock};
use crate::batch::{BatchError, BatchFile};
use crate::journal::Binding;
use crate::store::StoreError;

/// The advisory lock held while a batch is registered.
const REGISTRATION_LOCK: i64 = 0x6665_656e_6e65_7832;

/// Rows written or compared per statement.
const CHUNK: usize = 2_000;

/// A valid row as the store keeps it.
struct StoredRow {
    record: i64,
    line: i64,
    id: String,
    intent: String,
}

/// A digest of a batch's valid rows as the store keeps them (record, id and
/// intent, in record order), each field with its length so that no two batches
/// give the same bytes.
#[derive(Default)]
struct RowsDigest(Sha256);

impl RowsDigest {
    fn add(&mut self, row: &StoredRow) {
        self.0.update(row.record.to_le_bytes());
        for field in [&row.id, &row.intent] {
            self.0.update((field.len() as u64).to_le_bytes());
            self.0.update(field.as_bytes());
        }
    }

    fn finish(self) -> Vec<u8> {
        self.0.finalize().to_vec()
    }
}

/// A registered batch, as the store keeps it.
pub(super) struct Registered {
    /// The digest of its rows; `None` for a batch registered before digests were
    /// kept.
    rows_digest: Option<Vec<u8>>,
    /// Whether its id is the hash of its rows' content (false for a batch
    /// registered before this was kept).
    id_from_content: bool,
}

/// Registers the batch and its rows if no worker has, or checks the file against
/// what the store holds; refuses a batch bound elsewhere, a changed file, and a
/// file an earlier version registered under its bytes.
pub(super) async fn register(
    client: &mut Client,
    binding: &Binding,
    batch: &BatchFile,
    health: &Health,
) -> Result<(), StoreError> {
    let doing = "registering the batch";
    let transaction = health.answer(doing, client.transaction()).await?;
    // The first worker writes the rows under the lock; the others wait for it,
    // working out their file's digest meanwhile (what they compare it by) unless
    // their batch id already is their content's hash.
    let mut digest_of_file = None;
    if !try_advisory_lock(&transaction, REGISTRATION_LOCK, health, doing).await? {
        if batch.id_origin() != IdOrigin::Content {
            digest_of_file = Some(tokio::spawn(file_digest(batch.clone())));
        }
        advisory_lock(&transaction, REGISTRATION_LOCK, health, doing).await?;
    }
    if let Some(registered) = check_binding(&transaction, binding, health).await? {
        // Registered: release the lock, then compare outside it.
        health.answer(doing, transaction.commit()).await?;
        return check(client, binding, batch, registered, digest_of_file, health).await;
    }
    if let Some(unneeded) = digest_of_file {
        unneeded.abort();
    }
    refuse_legacy(&transaction, batch, health).await?;
    let insert = health
        .answer(
            doing,
            transaction.prepare(
                "INSERT INTO feennex_rows (batch_id, record, line, shop_payment_id, intent)
                 SELECT $1, * FROM unnest($2::bigint[], $3::bigint[], $4::text[], $5::text[])",
            ),
        )
        .await?;
    let mut digest = RowsDigest::default();
    let mut chunks = chunks_of(batch);
    while let Some(chunk) = chunks.recv().await {
        let chunk = chunk?;
        chunk.iter().for_each(|row| digest.add(row));
        let records: Vec<i64> = chunk.iter().map(|row| row.record).collect();
        let lines: Vec<i64> = chunk.iter().map(|row| row.line).collect();
        let ids: Vec<&str> = chunk.iter().map(|row| row.id.as_str()).collect();
        let intents: Vec<&str> = chunk.iter().map(|row| row.intent.as_str()).collect();
        health
            .answer(
                doing,
                transaction
                    .execute(&insert, &[&binding.batch_id, &records, &lines, &ids, &intents]),
            )
            .await?;
    }
    // The batch last, with its rows' digest: none of it is seen before the commit.
    health
        .answer(
            doing,
            transaction.execute(
                "INSERT INTO feennex_batches (batch_id, shop_id, base_url, rows_digest, id_from_content)
                 VALUES ($1, $2, $3, $4, $5)",
                &[
                    &binding.batch_id,
                    &(binding.shop_id as i64),
                    &binding.base_url,
                    &digest.finish(),
                    &(batch.id_origin() == IdOrigin::Content),
                ],
            ),
        )
        .await?;
    health.answer(doing, transaction.commit()).await?;
    Ok(())
}

/// The batch if it is registered with this binding, `None` if absent.
pub(super) async fn check_binding(
    client: &impl GenericClient,
    binding: &Binding,
    health: &Health,
) -> Result<Option<Registered>, StoreError> {
    let Some(row) = health
        .answer(
            "reading the batch",
            client.query_opt(
                "SELECT shop_id, base_url, rows_digest, id_from_content FROM feennex_batches
                 WHERE batch_id = $1",
                &[&binding.batch_id],
            ),
        )
        .await?
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
    Ok(Some(Registered {
        rows_digest: row.get(2),
        id_from_content: row.get::<_, Option<bool>>(3).unwrap_or(false),
    }))
}

/// Checks the file against the registered batch. Two files whose content hashes
/// to the batch's id hold the same rows: nothing is read when the batch's id and
/// the file's both are that hash. Else by the digest of its rows when the store
/// keeps one and the file gives the same, or else row by row (which names the row
/// that differs). A batch id chosen by hand proves nothing: it may be another
/// file's hash.
async fn check(
    client: &Client,
    binding: &Binding,
    batch: &BatchFile,
    registered: Registered,
    digest_of_file: Option<JoinHandle<Result<Vec<u8>, BatchError>>>,
    health: &Health,
) -> Result<(), StoreError> {
    if registered.id_from_content && batch.id_origin() == IdOrigin::Content {
        // No digest was worked out: the id said enough.
        return Ok(());
    }
    let Some(stored) = registered.rows_digest else {
        if let Some(unneeded) = digest_of_file {
            unneeded.abort();
        }
        return compare_rows(client, binding, batch, health).await;
    };
    let digest = match digest_of_file {
        Some(worked_out) => worked_out.await.map_err(|stopped| {
            StoreError::Database(format!("working out the file's digest: {stopped}"))
        })??,
        None => file_digest(batch.clone()).await?,
    };
    if digest == stored {
        return Ok(());
    }
    compare_rows(client, binding, batch, health).await
}

/// The digest of the file's rows as the store would keep them.
async fn file_digest(batch: BatchFile) -> Result<Vec<u8>, BatchError> {
    let mut digest = RowsDigest::default();
    let mut chunks = chunks_of(&batch);
    while let Some(chunk) = chunks.recv().await {
        chunk?.iter().for_each(|row| digest.add(row));
    }
    Ok(digest.finish())
}

/// Compares the file with the registered rows, a chunk of records at a time: a
/// row that asks something else, or that the file lost, is refused.
async fn compare_rows(
    client: &Client,
    binding: &Binding,
    batch: &BatchFile,
    health: &Health,
) -> Result<(), StoreError> {
    let doing = "checking the file against the batch";
    let range = health
        .answer(
            doing,
            client.prepare(
                "SELECT record, shop_payment_id, intent FROM feennex_rows
                 WHERE batch_id = $1 AND record > $2 AND record <= $3 ORDER BY record",
            ),
        )
        .await?;
    let changed = |line: i64, id: &str| {
        StoreError::Mismatch(format!(
            "{}: line {line}: row {id:?} no longer asks what the store recorded for batch {}; nothing was sent",
            batch.path().display(),
            binding.batch_id
        ))
    };
    let mut lost = 0i64;
    let mut checked_to = 0i64;
    let mut chunks = chunks_of(batch);
    while let Some(chunk) = chunks.recv().await {
        let chunk = chunk?;
        let last = chunk.last().map_or(checked_to, |row| row.record);
        let stored = health
            .answer(doing, client.query(&range, &[&binding.batch_id, &checked_to, &last]))
            .await?;
        let mut stored = stored.iter().peekable();
        for row in &chunk {
            // Stored rows before this one are no longer valid rows of the file.
            while stored.next_if(|found| found.get::<_, i64>(0) < row.record).is_some() {
                lost += 1;
            }
            match stored.next_if(|found| found.get::<_, i64>(0) == row.record) {
                Some(found)
                    if found.get::<_, &str>(1) == row.id
                        && found.get::<_, &str>(2) == row.intent => {}
                _ => return Err(changed(row.line, &row.id)),
            }
        }
        lost += stored.count() as i64;
        checked_to = last;
    }
    let after: i64 = health
        .answer(
            doing,
            client.query_one(
                "SELECT count(*) FROM feennex_rows WHERE batch_id = $1 AND record > $2",
                &[&binding.batch_id, &checked_to],
            ),
        )
        .await?
        .get(0);
    lost += after;
    if lost > 0 {
        return Err(StoreError::Mismatch(format!(
            "{}: {lost} row(s) the store recorded for batch {} are no longer in the file (or are now invalid); nothing was sent",
            batch.path().display(),
            binding.batch_id
        )));
    }
    Ok(())
}

/// The file's valid rows in chunks, read off the runtime.
fn chunks_of(batch: &BatchFile) -> mpsc::Receiver<Result<Vec<StoredRow>, BatchError>> {
    let (sender, receiver) = mpsc::channel(2);
    let batch = batch.clone();
    tokio::task::spawn_blocking(move || {
        let rows = match batch.rows() {
            Ok(rows) => rows,
            Err(error) => {
                let _ = sender.blocking_send(Err(error));
                return;
            }
        };
        let mut chunk = Vec::with_capacity(CHUNK);
        for row in rows {
            let row = match row {
                Ok(Ok(row)) => row,
                Ok(Err(_invalid)) => continue,
                Err(error) => {
                    let _ = sender.blocking_send(Err(error));
                    return;
                }
            };
            chunk.push(StoredRow {
                record: row.record as i64,
                line: row.line as i64,
                id: row.intent.shop_payment_id().to_owned(),
                intent: serde_json::to_string(&row.intent).unwrap_or_default(),
            });
            if chunk.len() == CHUNK && sender.blocking_send(Ok(std::mem::take(&mut chunk))).is_err()
            {
                return;
            }
        }
        if !chunk.is_empty() {
            let _ = sender.blocking_send(Ok(chunk));
        }
    });
    receiver
}

/// Refuses a file that an earlier version registered under its byte hash: its rows
/// were paid under ids this version does not derive, so starting it again under
/// its content's id would pay them twice.
async fn refuse_legacy(
    client: &impl GenericClient,
    batch: &BatchFile,
    health: &Health,
) -> Result<(), StoreError> {
    let Some(legacy) = batch.legacy_id()? else {
        return Ok(());
    };
    let found = health
        .answer(
            "reading the batch",
            client.query_opt("SELECT 1 FROM feennex_batches WHERE batch_id = $1", &[&legacy]),
        )
        .await?;
    match found {
        None => Ok(()),
        Some(_) => Err(StoreError::Mismatch(format!(
            "{}: an earlier version of this program started this file as batch {legacy}, whose rows were paid under ids batch-{legacy}-N; nothing was sent. Continue it with --batch-id {legacy}",
            batch.path().display()
        ))),
    }
}
