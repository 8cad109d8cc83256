//! The journal file: group commit, every entry durable before its submitter goes
//! on, a torn last line dropped, a binding that differs refused.

use std::sync::Arc;

use feennex_batch::{Binding, Journal, JournalError, Settled};
use feennex_proto::adoption::PayoutIntent;
use feennex_proto::batch::LastRecord;
use feennex_proto::prelude::{Currency, TransferAmountType, TransferCreate};

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("feennex-journal-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn intent(id: &str) -> PayoutIntent {
    PayoutIntent::transfer(
        &TransferCreate::builder()
            .amount("12.5".parse().unwrap())
            .amount_type(TransferAmountType::ReceiveAmount)
            .payee_account("201234567890".parse().unwrap())
            .payee_currency(Currency::USD)
            .shop_currency(Currency::USD)
            .shop_payment_id(id.parse().unwrap())
            .build(),
    )
}

fn binding() -> Binding {
    Binding::new(1, "http://127.0.0.1:9/", "b1")
}

#[test]
fn entries_written_at_once_share_syncs_and_all_are_there_after_reopening() {
    let dir = temp_dir("group");
    let path = dir.join("j");
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(4).build().unwrap();
    let journal = Arc::new(Journal::open(&path, &binding()).unwrap());
    const WRITERS: u64 = 200;
    let tasks: Vec<_> = (0..WRITERS)
        .map(|n| {
            let journal = journal.clone();
            runtime.spawn(async move {
                let intent = intent(&format!("row-{n}"));
                journal.write_intent(n + 1, n + 2, &intent).await?;
                // Durable: another open file handle sees the line now.
                let text = std::fs::read_to_string(journal.path()).unwrap();
                assert!(text.contains(&format!("\"row-{n}\"")));
                let paid = Settled::Paid {
                    payout_id: n,
                    write_off: "12.5".parse().unwrap(),
                    shop_currency: 840,
                    preexisting: false,
                };
                journal.write_outcome(&format!("row-{n}"), &paid).await
            })
        })
        .collect();
    for task in tasks {
        runtime.block_on(task).unwrap().unwrap();
    }
    let syncs = journal.syncs();
    assert!(syncs < 2 * WRITERS, "{syncs} syncs for {} entries: no group commit", 2 * WRITERS);
    drop(journal);

    let reopened = Journal::open(&path, &binding()).unwrap();
    assert_eq!(reopened.known_rows(), WRITERS as usize);
    assert_eq!(reopened.last("row-7"), LastRecord::Paid);
    assert_eq!(reopened.same_intent(&intent("row-7")), Some(true));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_torn_last_line_is_dropped_and_the_row_is_looked_up_again() {
    let dir = temp_dir("torn");
    let path = dir.join("j");
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    {
        let journal = Journal::open(&path, &binding()).unwrap();
        runtime.block_on(journal.write_intent(1, 2, &intent("a"))).unwrap();
    }
    // A crash in the middle of writing the outcome.
    let mut text = std::fs::read(&path).unwrap();
    text.extend_from_slice(br#"{"event":"paid","id":"a","payout_id":4"#);
    std::fs::write(&path, &text).unwrap();

    let journal = Journal::open(&path, &binding()).unwrap();
    assert_eq!(journal.last("a"), LastRecord::Intent);
    drop(journal);
    assert_eq!(std::fs::read(&path).unwrap().len(), text.len() - 38);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn another_shop_is_refused_naming_both() {
    let dir = temp_dir("shop");
    let path = dir.join("j");
    drop(Journal::open(&path, &binding()).unwrap());
    let other = Binding::new(2, "http://127.0.0.1:9/", "b1");
    match Journal::open(&path, &other) {
        Err(error @ JournalError::Mismatch { .. }) => {
            assert!(error.to_string().contains("belongs to shop 1, not 2"), "{error}");
        }
        other => panic!("{other:?}"),
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_journal_of_the_older_format_is_refused_not_overwritten() {
    let dir = temp_dir("old");
    let path = dir.join("j");
    let old = "{\"event\":\"batch\",\"version\":1,\"csv_sha256\":\"ab\",\"shop_id\":1}\n";
    std::fs::write(&path, old).unwrap();
    let error = Journal::open(&path, &binding()).unwrap_err();
    assert!(error.to_string().contains("format 1, not 3"), "{error}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), old);
    std::fs::remove_dir_all(dir).unwrap();
}
