//! The store's schema, one migration per version, applied by the program itself.

use tokio_postgres::Client;

use super::health::{Health, advisory_lock};
use crate::store::StoreError;

/// The advisory lock taken while migrating.
const MIGRATION_LOCK: i64 = 0x6665_656e_6e65_7831;

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
    // 3: rows are a queue: when an outcome was written, so that a worker retries a
    // failed or unknown row once (those settled before it started), not in a loop.
    "ALTER TABLE feennex_rows ADD COLUMN settled_at timestamptz;",
    // 4: registration writes a row for the price of one index. A batch's rows are
    // written in the transaction that writes the batch and never deleted, so a
    // reference checked per row proves nothing more; ids are unique in a batch by
    // the file's scan (derived ids by construction, the merchant's own checked) and
    // every later worker compares them, so their index only cost each row. The
    // batch keeps a digest of its rows, which a later worker compares with its
    // file instead of reading every row.
    "ALTER TABLE feennex_rows DROP CONSTRAINT IF EXISTS feennex_rows_batch_id_fkey;
    ALTER TABLE feennex_rows DROP CONSTRAINT IF EXISTS feennex_rows_batch_id_shop_payment_id_key;
    ALTER TABLE feennex_batches ADD COLUMN rows_digest bytea;",
    // 5: whether the batch's id is the hash of its rows' content (no --batch-id):
    // a later worker whose file hashes to the same id holds the same rows, and
    // reads none of them back.
    "ALTER TABLE feennex_batches ADD COLUMN id_from_content boolean;",
];

/// Applies the missing migrations in one transaction, under an advisory lock, so
/// that workers starting together agree.
pub(super) async fn migrate(client: &mut Client, health: &Health) -> Result<(), StoreError> {
    let transaction = health.answer("migrating", client.transaction()).await?;
    advisory_lock(&transaction, MIGRATION_LOCK, health, "migrating").await?;
    health
        .answer(
            "migrating",
            transaction.batch_execute(
                "CREATE TABLE IF NOT EXISTS feennex_schema (
                    version integer PRIMARY KEY,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )",
            ),
        )
        .await?;
    let applied: i32 = health
        .answer(
            "migrating",
            transaction.query_one("SELECT coalesce(max(version), 0) FROM feennex_schema", &[]),
        )
        .await?
        .get(0);
    let known = MIGRATIONS.len() as i32;
    if applied > known {
        return Err(StoreError::Mismatch(format!(
            "the store's schema is at version {applied}, newer than this program's {known}: use a newer program"
        )));
    }
    for (version, migration) in MIGRATIONS.iter().enumerate().skip(applied as usize) {
        health.answer("migrating", transaction.batch_execute(migration)).await?;
        health
            .answer(
                "migrating",
                transaction.execute(
                    "INSERT INTO feennex_schema (version) VALUES ($1)",
                    &[&(version as i32 + 1)],
                ),
            )
            .await?;
    }
    health.answer("migrating", transaction.commit()).await
}
