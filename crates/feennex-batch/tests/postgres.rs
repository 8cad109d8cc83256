//! The PostgreSQL store against a real server: the binding, claims and leases,
//! and a file that changed. Needs `FEENNEX_TEST_STORE_URL` (run `.ci/postgres`).

use std::path::PathBuf;
use std::time::Duration;

use feennex_batch::{
    BatchFile, BatchRows, Binding, Claim, Claimed, PgOptions, PgStore, Settled, Store, StoreError,
};
use feennex_proto::batch::LastRecord;

fn store_url() -> String {
    std::env::var("FEENNEX_TEST_STORE_URL").unwrap_or_else(|_| {
        panic!("FEENNEX_TEST_STORE_URL is not set: these tests need a PostgreSQL server; run them with .ci/postgres")
    })
}

/// A batch file of `rows` wallet payouts (the first `changed` rows paying one more).
fn batch(name: &str, rows: usize, changed: usize) -> (PathBuf, BatchFile) {
    let dir = std::env::temp_dir().join(format!("feennex-pgstore-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.csv"));
    let mut csv = String::from("payee_account,amount,payee_currency,shop_currency\n");
    for row in 0..rows {
        let amount = 10 + row + usize::from(row < changed);
        csv.push_str(&format!("20{:010},{amount},840,840\n", 5_000 + row));
    }
    std::fs::write(&path, csv).unwrap();
    let id = format!("{name}{}", std::process::id());
    let scanned = BatchFile::scan(&path, Some(&id)).unwrap();
    (path, scanned)
}

fn rows_of(batch: &BatchFile) -> Vec<feennex_batch::Row> {
    batch.rows().unwrap().map(|row| row.unwrap().unwrap()).collect()
}

fn lease(seconds: f64) -> PgOptions {
    PgOptions::default().with_lease(Duration::from_secs_f64(seconds))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_shop_or_endpoint_or_a_changed_file_is_refused() {
    let (_, file) = batch("binding", 3, 0);
    let url = store_url();
    let binding = Binding::new(1, "http://127.0.0.1:1", file.batch_id());
    let first = PgStore::open(&url, &binding, &file, lease(30.0)).await.unwrap();
    drop(first);
    for other in [
        Binding::new(2, "http://127.0.0.1:1", file.batch_id()),
        Binding::new(1, "http://127.0.0.1:2", file.batch_id()),
    ] {
        match PgStore::open(&url, &other, &file, lease(30.0)).await {
            Err(StoreError::Mismatch(message)) => assert!(message.contains("not"), "{message}"),
            other => panic!("{other:?}"),
        }
    }
    // The same id, a row that asks for another amount.
    let (_, changed) = batch("binding", 3, 1);
    match PgStore::open(&url, &binding, &changed, lease(30.0)).await {
        Err(StoreError::Mismatch(message)) => assert!(message.contains("line 2"), "{message}"),
        other => panic!("{other:?}"),
    }
    // A row lost from the file.
    let (_, shorter) = batch("binding", 2, 0);
    match PgStore::open(&url, &binding, &shorter, lease(30.0)).await {
        Err(StoreError::Mismatch(message)) => assert!(message.contains("1 row(s)"), "{message}"),
        other => panic!("{other:?}"),
    }
    // The file as it was is taken again.
    let (_, same) = batch("binding", 3, 0);
    PgStore::open(&url, &binding, &same, lease(30.0)).await.unwrap();
}

/// A batch registered before the store kept a digest of its rows is checked row by
/// row: the same file is taken, a changed one refused naming its line.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_registered_without_a_digest_is_checked_row_by_row() {
    let (_, file) = batch("nodigest", 3, 0);
    let url = store_url();
    let binding = Binding::new(1, "http://127.0.0.1:1", file.batch_id());
    drop(PgStore::open(&url, &binding, &file, lease(30.0)).await.unwrap());
    let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(connection);
    let forgotten = client
        .execute(
            "UPDATE feennex_batches SET rows_digest = NULL WHERE batch_id = $1 AND rows_digest IS NOT NULL",
            &[&file.batch_id()],
        )
        .await
        .unwrap();
    assert_eq!(forgotten, 1, "registration kept no digest");
    PgStore::open(&url, &binding, &file, lease(30.0)).await.unwrap();
    let (_, changed) = batch("nodigest", 3, 1);
    match PgStore::open(&url, &binding, &changed, lease(30.0)).await {
        Err(StoreError::Mismatch(message)) => assert!(message.contains("line 2"), "{message}"),
        other => panic!("{other:?}"),
    }
}

/// A file of `rows` wallet payouts, scanned without a batch id: its id is its
/// content's hash. `salt` makes the payees (so the content) of another batch.
fn content_batch(name: &str, salt: usize, rows: usize) -> BatchFile {
    let dir = std::env::temp_dir().join(format!("feennex-pgstore-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.csv"));
    let first = (std::process::id() as usize % 100_000) * 1_000 + salt * 10;
    let mut csv = String::from("payee_account,amount,payee_currency,shop_currency\n");
    for row in 0..rows {
        csv.push_str(&format!("20{:010},{},840,840\n", first + row, 10 + row));
    }
    std::fs::write(&path, csv).unwrap();
    BatchFile::scan(&path, None).unwrap()
}

async fn sql(url: &str, statement: &str, batch_id: &str) -> u64 {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(connection);
    client.execute(statement, &[&batch_id]).await.unwrap()
}

/// A worker whose batch id is its file's content hash, joining a batch registered
/// under that hash, reads no row back: the id proves the rows. A batch id chosen
/// by hand proves nothing, even when it is another file's hash.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_content_hash_proves_the_rows_and_a_chosen_id_does_not() {
    let url = store_url();
    let file = content_batch("content", 1, 3);
    let binding = Binding::new(1, "http://127.0.0.1:1", file.batch_id());
    drop(PgStore::open(&url, &binding, &file, lease(30.0)).await.unwrap());
    // A stored row and the digest damaged behind the store's back: neither is
    // read back...
    let damage = "UPDATE feennex_rows SET intent = '{}' WHERE batch_id = $1 AND record = 1";
    assert_eq!(sql(&url, damage, file.batch_id()).await, 1);
    let digest = "UPDATE feennex_batches SET rows_digest = '\\x00' WHERE batch_id = $1";
    assert_eq!(sql(&url, digest, file.batch_id()).await, 1);
    drop(PgStore::open(&url, &binding, &file, lease(30.0)).await.unwrap());
    // ...unless the batch's id is not known to be its content's hash.
    let unproven = "UPDATE feennex_batches SET id_from_content = false, rows_digest = NULL
                    WHERE batch_id = $1 AND id_from_content";
    assert_eq!(sql(&url, unproven, file.batch_id()).await, 1, "registration kept the id's origin");
    match PgStore::open(&url, &binding, &file, lease(30.0)).await {
        Err(StoreError::Mismatch(message)) => assert!(message.contains("line 2"), "{message}"),
        other => panic!("{other:?}"),
    }

    // Other rows registered under an id chosen to be this file's hash.
    let hashed = content_batch("hashed", 2, 3);
    let other_rows = content_batch("other", 3, 3);
    let chosen = BatchFile::scan(other_rows.path(), Some(hashed.batch_id())).unwrap();
    let binding = Binding::new(1, "http://127.0.0.1:1", hashed.batch_id());
    drop(PgStore::open(&url, &binding, &chosen, lease(30.0)).await.unwrap());
    match PgStore::open(&url, &binding, &hashed, lease(30.0)).await {
        Err(StoreError::Mismatch(message)) => assert!(message.contains("line 2"), "{message}"),
        other => panic!("{other:?}"),
    }
}

/// The records claimed and their last records; panics on anything but rows.
fn mine(claimed: Result<Claimed, StoreError>) -> Vec<(u64, LastRecord)> {
    match claimed.unwrap() {
        Claimed::Rows(claims) => claims
            .into_iter()
            .map(|claim| match claim {
                Claim::Mine { row, last } => (row.record, last),
                other => panic!("{other:?}"),
            })
            .collect(),
        other => panic!("{other:?}"),
    }
}

fn waits(claimed: Result<Claimed, StoreError>) -> bool {
    matches!(claimed.unwrap(), Claimed::Wait(_))
}

fn finished(claimed: Result<Claimed, StoreError>) -> bool {
    matches!(claimed.unwrap(), Claimed::Finished)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_claim_is_one_workers_until_its_lease_runs_out_and_the_next_looks_up_first() {
    let (_, file) = batch("claims", 4, 0);
    let url = store_url();
    let binding = Binding::new(1, "http://127.0.0.1:1", file.batch_id());
    // Several workers starting at once register the batch once.
    let opened = futures_join(&url, &binding, &file).await;
    let [first, second, third] = opened;
    let rows = BatchRows::new(&file);
    let row = |record: u64| rows_of(&file)[record as usize - 1].clone();

    // Each claim hands out rows no other worker holds, their intents recorded.
    assert_eq!(mine(first.claim(&rows, 1).await), [(1, LastRecord::None)]);
    assert_eq!(mine(second.claim(&rows, 1).await), [(2, LastRecord::None)]);
    assert_eq!(mine(third.claim(&rows, 1).await), [(3, LastRecord::None)]);
    // The holders renew their leases: still held well after one lease.
    tokio::time::sleep(Duration::from_millis(2_000)).await;
    assert_eq!(mine(second.claim(&rows, 4).await), [(4, LastRecord::None)]);
    assert!(waits(third.claim(&rows, 4).await));

    // The holder dies: after its lease the row is the next worker's, with its intent.
    drop(first);
    tokio::time::sleep(Duration::from_millis(1_700)).await;
    assert_eq!(mine(second.claim(&rows, 4).await), [(1, LastRecord::Intent)]);
    assert!(waits(third.claim(&rows, 4).await));

    let paid = Settled::Paid {
        payout_id: 77,
        write_off: "10.5".parse().unwrap(),
        shop_currency: 840,
        preexisting: false,
    };
    second.write_outcome(&row(1), &paid).await.unwrap();
    // An unknown outcome from a worker that no longer holds the row, written late,
    // does not undo a payout; and a worker that does not hold a row records no
    // outcome for it but a fact.
    let unknown = Settled::Unknown { message: "late".into(), id_taken: false };
    third.write_outcome(&row(1), &unknown).await.unwrap();
    let failed = Settled::Failed { code: Some(9), message: "not the holder".into() };
    third.write_outcome(&row(2), &failed).await.unwrap();
    let settled = third.settled_rows().await.unwrap();
    assert_eq!(settled.get(row(1).intent.shop_payment_id()), Some(&paid));
    assert_eq!(settled.len(), 1);

    // An unknown outcome after "not unique" answered the first create: the next
    // worker's claim says so, so that the recorded intent is not taken as proof;
    // the worker that wrote it does not take it again in the same run.
    let taken = Settled::Unknown { message: "lookups failed".into(), id_taken: true };
    second.write_outcome(&row(2), &taken).await.unwrap();
    // Unverified is a fact like a payout: settled, for every worker.
    let unverified = Settled::Unverified { payout_id: 9, message: "not proven".into() };
    second.write_outcome(&row(4), &unverified).await.unwrap();
    third.write_outcome(&row(3), &paid).await.unwrap();
    assert!(finished(second.claim(&rows, 4).await));
    assert!(finished(third.claim(&rows, 4).await));
    let next = PgStore::open(&url, &binding, &file, lease(1.2)).await.unwrap();
    assert_eq!(mine(next.claim(&rows, 4).await), [(2, LastRecord::UnknownIdTaken)]);
    assert!(finished(next.claim(&rows, 4).await));
    let settled = next.settled_rows().await.unwrap();
    assert_eq!(settled.get(row(4).intent.shop_payment_id()), Some(&unverified));
    assert_eq!(settled.len(), 4);
}

async fn futures_join(url: &str, binding: &Binding, file: &BatchFile) -> [PgStore; 3] {
    let open = || PgStore::open(url, binding, file, lease(1.2));
    let (a, b, c) = tokio::join!(open(), open(), open());
    [a.unwrap(), b.unwrap(), c.unwrap()]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_an_earlier_version_registered_by_its_bytes_is_refused_naming_its_id() {
    use sha2::Digest;
    let dir = std::env::temp_dir().join(format!("feennex-pgstore-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("legacy.csv");
    let text = format!(
        "payee_account,amount,payee_currency,shop_currency\n20{:010},7,840,840\n",
        std::process::id()
    );
    std::fs::write(&path, &text).unwrap();
    // What earlier versions called this file: 16 hex digits of its bytes' hash.
    let legacy: String = sha2::Sha256::digest(text.as_bytes())[..8]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    let url = store_url();
    let old = BatchFile::scan(&path, Some(&legacy)).unwrap();
    let binding = Binding::new(1, "http://127.0.0.1:1", legacy.as_str());
    drop(PgStore::open(&url, &binding, &old, lease(30.0)).await.unwrap());

    let file = BatchFile::scan(&path, None).unwrap();
    assert_ne!(file.batch_id(), legacy);
    let binding = Binding::new(1, "http://127.0.0.1:1", file.batch_id());
    match PgStore::open(&url, &binding, &file, lease(30.0)).await {
        Err(StoreError::Mismatch(message)) => {
            assert!(message.contains(&format!("--batch-id {legacy}")), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: these tests need PostgreSQL servers; run them with .ci/postgres")
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_accepts_only_tls_is_reached_as_each_sslmode_says() {
    let (_, file) = batch("tls", 2, 0);
    let binding = Binding::new(1, "http://127.0.0.1:1", file.batch_id());
    let base = env("FEENNEX_TEST_TLS_STORE_URL");
    let (ca, other_ca) = (env("FEENNEX_TEST_TLS_CA"), env("FEENNEX_TEST_TLS_OTHER_CA"));
    let open = |query: String| {
        let (url, binding, file) = (format!("{base}?{query}"), binding.clone(), file.clone());
        async move { PgStore::open(&url, &binding, &file, lease(30.0)).await.map(drop) }
    };
    let refused = |result: Result<(), StoreError>, why: &str| match result {
        Err(StoreError::Database(message)) => assert!(message.contains(why), "{message}"),
        other => panic!("{other:?}"),
    };
    // The server refuses plain connections.
    refused(open("sslmode=disable".into()).await, "no encryption");
    // Encrypted, the certificate not checked; checked against the CA; and made out
    // to the host (the certificate names 127.0.0.1).
    for query in [
        "sslmode=prefer".to_owned(),
        "sslmode=require".to_owned(),
        format!("sslmode=verify-ca&sslrootcert={ca}"),
        format!("sslmode=verify-full&sslrootcert={ca}"),
    ] {
        open(query.clone()).await.unwrap_or_else(|error| panic!("{query}: {error}"));
    }
    // A CA that did not sign it, and the system's roots, do not vouch for it.
    refused(open(format!("sslmode=verify-ca&sslrootcert={other_ca}")).await, "certificate");
    refused(open(format!("sslmode=require&sslrootcert={other_ca}")).await, "certificate");
    refused(open("sslmode=verify-full".into()).await, "certificate");
    // Reached as "localhost", the certificate's chain holds but its name does not.
    let by_name = base.replace("127.0.0.1", "localhost");
    let open_by_name = |query: String| {
        let (url, binding, file) = (format!("{by_name}?{query}"), binding.clone(), file.clone());
        async move { PgStore::open(&url, &binding, &file, lease(30.0)).await.map(drop) }
    };
    open_by_name(format!("sslmode=verify-ca&sslrootcert={ca}")).await.unwrap();
    refused(open_by_name(format!("sslmode=verify-full&sslrootcert={ca}")).await, "certificate");
}

/// Claims every row of `file` in chunks of 16 and records each as paid, the
/// outcomes of a chunk written together.
async fn pay_every_row(store: PgStore, file: &BatchFile) -> usize {
    let store = std::sync::Arc::new(store);
    let rows = BatchRows::new(file);
    let paid = Settled::Paid {
        payout_id: 1,
        write_off: "10".parse().unwrap(),
        shop_currency: 840,
        preexisting: false,
    };
    let mut count = 0;
    loop {
        let claims = match store.claim(&rows, 16).await.unwrap() {
            Claimed::Rows(claims) => claims,
            Claimed::Finished => return count,
            other => panic!("no other worker holds rows of this batch: {other:?}"),
        };
        let writes: Vec<_> = claims
            .into_iter()
            .map(|claim| {
                let Claim::Mine { row, .. } = claim else { panic!("{claim:?}") };
                let (store, paid) = (store.clone(), paid.clone());
                tokio::spawn(async move { store.write_outcome(&row, &paid).await.unwrap() })
            })
            .collect();
        count += writes.len();
        for write in writes {
            write.await.unwrap();
        }
    }
}

/// Buffers the claims and outcome writes of the current database have touched so
/// far, by `pg_stat_statements` (which `.ci/postgres` loads).
async fn buffers_of_claims_and_outcomes(client: &tokio_postgres::Client) -> i64 {
    client
        .query_one(
            "SELECT coalesce(sum(shared_blks_hit + shared_blks_read), 0)::bigint
             FROM pg_stat_statements
             WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
               AND (query LIKE 'WITH chosen%' OR query LIKE 'UPDATE feennex_rows r%SET state = o.state%')",
            &[],
        )
        .await
        .unwrap()
        .get(0)
}

/// Once statistics have seen only earlier, paid batches, the planner thinks a new
/// batch has about one row: a claim of a few rows could then read every open row
/// of the batch and sort them, and a group of outcomes be joined against the whole
/// batch, each time (a 10,000-row run ten times slower). Claims update the rows
/// they locked where they found them, and outcomes are written by a plan made for
/// a batch of average size. Counted in buffers by `pg_stat_statements`, in a
/// database of its own: each row claimed and recorded costs a few, not a share of
/// the batch.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_newer_than_the_statistics_is_claimed_without_reading_it_whole_each_time() {
    let url = store_url();
    let database = format!("feennex_statistics_{}", std::process::id());
    let (admin, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(connection);
    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {database}")).await.unwrap();
    admin.batch_execute(&format!("CREATE DATABASE {database}")).await.unwrap();
    let (base, _) = url.rsplit_once('/').unwrap();
    let url = format!("{base}/{database}");
    let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(connection);
    client.batch_execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements").await.unwrap();
    // Fails here, saying so, on a server without it in shared_preload_libraries.
    buffers_of_claims_and_outcomes(&client).await;

    for earlier in 0..3 {
        let (_, file) = batch(&format!("statistics{earlier}x"), 600, 0);
        let binding = Binding::new(1, "http://127.0.0.1:1", file.batch_id());
        let store = PgStore::open(&url, &binding, &file, lease(30.0)).await.unwrap();
        assert_eq!(pay_every_row(store, &file).await, 600);
    }
    client.batch_execute("ANALYZE feennex_rows").await.unwrap();

    let rows = 3_000;
    let (_, file) = batch("statisticsnew", rows, 0);
    let binding = Binding::new(1, "http://127.0.0.1:1", file.batch_id());
    let store = PgStore::open(&url, &binding, &file, lease(30.0)).await.unwrap();
    let before = buffers_of_claims_and_outcomes(&client).await;
    assert_eq!(pay_every_row(store, &file).await, rows);
    let per_row = (buffers_of_claims_and_outcomes(&client).await - before) as f64 / rows as f64;
    assert!(per_row > 0.0, "the statements were not counted");
    // About 9 when each statement reads the rows it takes; 60 to 90 when each
    // reads the rest of the batch.
    assert!(per_row < 30.0, "{per_row:.1} buffers per row: the batch is read whole for chunks");
    drop(client);
    admin.batch_execute(&format!("DROP DATABASE {database} WITH (FORCE)")).await.unwrap();
}
