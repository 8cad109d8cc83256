//! The four ways the old batch runner lost payouts, each reproduced through the
//! library against a real sandbox on loopback, and now refused or reported.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use feennex_batch::{
    BatchFile, Binding, Journal, JournalError, Observer, Outcome, Quiet, RowRef, Run, Store,
    Summary, check_distinct, write_report,
};
use feennex_hyper::Client;
use feennex_proto::prelude::{ClientOptions, Currency, Decimal};
use feennex_sandbox::{DEFAULT_SECRET, DEFAULT_SHOP_ID, Sandbox, SandboxConfig, ShopConfig};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("feennex-batch-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn sandbox_with_usd(balance: i64) -> Sandbox {
    let shop = ShopConfig::new(DEFAULT_SHOP_ID, feennex_proto::SecretKey::new(DEFAULT_SECRET))
        .with_balances(BTreeMap::from([(Currency::USD, Decimal::from(balance))]));
    let config = SandboxConfig::default().with_shops(vec![shop]);
    Sandbox::spawn(([127, 0, 0, 1], 0).into(), config).unwrap()
}

fn sandbox() -> Sandbox {
    Sandbox::spawn(([127, 0, 0, 1], 0).into(), SandboxConfig::default()).unwrap()
}

fn client(sandbox: &Sandbox) -> Client {
    let options = ClientOptions::default().attempt_timeout(Duration::from_secs(2));
    Client::builder(feennex_tests::merchant_at(sandbox.base_url()))
        .options(options)
        .build()
        .unwrap()
}

fn binding(client: &Client, batch: &BatchFile) -> Binding {
    let merchant = client.session().merchant();
    Binding::new(merchant.shop_id().get(), merchant.base_url().to_string(), batch.batch_id())
}

/// Stops the run once `after` rows have finished.
struct StopAfter {
    after: u64,
    done: AtomicU64,
    stop: Arc<AtomicBool>,
}

impl Observer for StopAfter {
    fn row_finished(&self, _row: RowRef<'_>, _outcome: Outcome) {
        if self.done.fetch_add(1, Ordering::SeqCst) + 1 >= self.after {
            self.stop.store(true, Ordering::SeqCst);
        }
    }
}

/// One run of `csv` with `journal`, stopped after `stop_after` rows if given; the
/// report goes beside the journal. Returns the summary and the report's text.
fn pay(
    sandbox: &Sandbox,
    csv: &Path,
    journal: &Path,
    stop_after: Option<u64>,
) -> Result<(Summary, String), String> {
    pay_batch(sandbox, csv, None, journal, stop_after)
}

/// [`pay`] with the batch id an operator gave, if any.
fn pay_batch(
    sandbox: &Sandbox,
    csv: &Path,
    batch_id: Option<&str>,
    journal: &Path,
    stop_after: Option<u64>,
) -> Result<(Summary, String), String> {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let client = {
        let _inside = runtime.enter();
        client(sandbox)
    };
    let batch = BatchFile::scan(csv, batch_id).map_err(|e| e.to_string())?;
    let journal =
        Arc::new(Journal::open(journal, &binding(&client, &batch)).map_err(|e| e.to_string())?);
    batch.check_against(&journal).map_err(|e| e.to_string())?;
    let stop = Arc::new(AtomicBool::new(false));
    let observer: Arc<dyn Observer> = match stop_after {
        Some(after) => Arc::new(StopAfter { after, done: AtomicU64::new(0), stop: stop.clone() }),
        None => Arc::new(Quiet),
    };
    let session = Arc::new(client.session().clone());
    let transport = Arc::new(client.transport().clone());
    let run = Run::builder()
        .session(session)
        .driver(transport)
        .batch(&batch)
        .store(journal.clone())
        .concurrency(2)
        .stop(stop)
        .observer(observer)
        .build();
    runtime.block_on(run.pay()).map_err(|e| e.to_string())?;
    let report = journal.path().with_extension("report.csv");
    let settled = runtime.block_on(journal.settled_rows()).unwrap();
    let (summary, written) = write_report(&batch, &settled, Some(report.as_path())).unwrap();
    written.unwrap();
    Ok((summary, std::fs::read_to_string(report).unwrap()))
}

/// The sandbox's transfers: shop_payment_id to write-off.
fn ledger(sandbox: &Sandbox) -> BTreeMap<String, Decimal> {
    #[derive(serde::Deserialize)]
    struct Transfer {
        shop_payment_id: String,
        write_off_amount: Box<serde_json::value::RawValue>,
    }
    let text = feennex_tests::introspect(sandbox.base_url(), "transfers");
    let transfers: Vec<Transfer> = serde_json::from_str(&text).unwrap();
    let count = transfers.len();
    let ledger: BTreeMap<String, Decimal> = transfers
        .into_iter()
        .map(|t| (t.shop_payment_id, t.write_off_amount.get().trim_matches('"').parse().unwrap()))
        .collect();
    assert_eq!(ledger.len(), count, "an id was paid twice");
    ledger
}

/// Report rows as (line, id, outcome).
fn report_rows(text: &str) -> Vec<(u64, String, String)> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    reader
        .records()
        .map(|record| {
            let record = record.unwrap();
            (record[0].parse().unwrap(), record[1].to_owned(), record[2].to_owned())
        })
        .collect()
}

/// A CR-only file ("CSV (Macintosh)") with the merchant's own ids.
fn cr_only(rows: impl IntoIterator<Item = (String, &'static str)>) -> String {
    let mut text =
        String::from("payee_account,amount,payee_currency,shop_currency,shop_payment_id\r");
    for (index, (id, amount)) in rows.into_iter().enumerate() {
        text.push_str(&format!("20{:010},{amount},840,840,{id}\r", 100 + index));
    }
    text
}

#[test]
fn cr_only_file_with_own_ids_against_a_short_balance_reports_each_row_by_its_id() {
    let sandbox = sandbox_with_usd(100);
    let dir = temp_dir("cr-short");
    let csv = dir.join("batch.csv");
    let rows = (0..10).map(|row| (format!("own-{row}"), if row % 2 == 0 { "10" } else { "500" }));
    std::fs::write(&csv, cr_only(rows)).unwrap();

    let (summary, report) = pay(&sandbox, &csv, &dir.join("batch.journal"), None).unwrap();
    assert_eq!(summary.count(Outcome::Paid), 5);
    assert_eq!(summary.count(Outcome::Failed), 5);
    let ledger = ledger(&sandbox);
    assert_eq!(
        ledger.keys().cloned().collect::<Vec<_>>(),
        ["own-0", "own-2", "own-4", "own-6", "own-8"]
    );
    let rows = report_rows(&report);
    let lines: Vec<u64> = rows.iter().map(|row| row.0).collect();
    assert_eq!(lines, (2..=11).collect::<Vec<u64>>());
    for (line, id, outcome) in rows {
        let expected = if (line - 2) % 2 == 0 { "paid" } else { "failed" };
        assert_eq!(
            (id.as_str(), outcome.as_str()),
            (format!("own-{}", line - 2).as_str(), expected)
        );
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn cr_only_file_stopped_midway_resumes_to_exactly_the_ledger() {
    let sandbox = sandbox();
    let dir = temp_dir("cr-resume");
    let csv = dir.join("batch.csv");
    std::fs::write(&csv, cr_only((0..40).map(|row| (format!("mac-{row}"), "3.25")))).unwrap();
    let journal = dir.join("batch.journal");

    let (first, _) = pay(&sandbox, &csv, &journal, Some(14)).unwrap();
    let paid_first = first.count(Outcome::Paid);
    assert!((14..40).contains(&paid_first), "{first:?}");
    assert_eq!(first.count(Outcome::Pending), 40 - paid_first);
    assert_eq!(ledger(&sandbox).len() as u64, paid_first);

    let (second, report) = pay(&sandbox, &csv, &journal, None).unwrap();
    assert_eq!(second.count(Outcome::Paid), 40, "{second:?}");
    let ledger = ledger(&sandbox);
    assert_eq!(ledger.len(), 40);
    let reported: BTreeSet<String> = report_rows(&report).into_iter().map(|row| row.1).collect();
    assert_eq!(reported, ledger.keys().cloned().collect());
    assert_eq!(second.paid_totals[&840], Decimal::new(325, 2) * Decimal::from(40));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_journal_is_refused_against_another_endpoint_before_anything_is_sent() {
    let rehearsal = sandbox();
    let real = sandbox();
    let dir = temp_dir("endpoint");
    let csv = dir.join("batch.csv");
    std::fs::write(&csv, cr_only((0..5).map(|row| (format!("ep-{row}"), "1")))).unwrap();
    let journal = dir.join("batch.journal");
    let (summary, _) = pay(&rehearsal, &csv, &journal, None).unwrap();
    assert_eq!(summary.count(Outcome::Paid), 5);

    let refused = pay(&real, &csv, &journal, None).unwrap_err();
    assert!(
        refused.contains(rehearsal.base_url()) && refused.contains(real.base_url()),
        "{refused}"
    );
    assert!(refused.contains("endpoint"), "{refused}");
    assert!(ledger(&real).is_empty());
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn februarys_row_under_januarys_id_is_a_conflict_never_paid() {
    let sandbox = sandbox();
    let dir = temp_dir("conflict");
    let january = dir.join("january.csv");
    std::fs::write(
        &january,
        "payee_account,amount,payee_currency,shop_currency,shop_payment_id\n201111111111,100,USD,USD,salary-alice\n",
    )
    .unwrap();
    let (summary, _) = pay(&sandbox, &january, &dir.join("january.journal"), None).unwrap();
    assert_eq!(summary.count(Outcome::Paid), 1);

    let february = dir.join("february.csv");
    std::fs::write(
        &february,
        "payee_account,amount,payee_currency,shop_currency,shop_payment_id\n202222222222,250,EUR,EUR,salary-alice\n",
    )
    .unwrap();
    let (summary, report) = pay(&sandbox, &february, &dir.join("february.journal"), None).unwrap();
    assert_eq!(summary.count(Outcome::Conflict), 1);
    assert_eq!(summary.count(Outcome::Paid) + summary.count(Outcome::AlreadyPaid), 0);
    assert!(summary.paid_totals.is_empty());
    let rows = report_rows(&report);
    assert_eq!(rows, [(2, "salary-alice".to_owned(), "conflict".to_owned())]);
    assert!(report.contains("differs in amount: asked 250, found 100"), "{report}");
    assert_eq!(ledger(&sandbox).len(), 1);
    std::fs::remove_dir_all(dir).unwrap();
}

/// A batch of `rows` wallet payouts without ids, paying wallets from `first_wallet`.
fn rows_without_ids(rows: u64, first_wallet: u64) -> String {
    let mut text = String::from("payee_account,amount,payee_currency,shop_currency\n");
    for row in 0..rows {
        text.push_str(&format!("20{:010},{}.50,840,840\n", first_wallet + row, row % 7 + 1));
    }
    text
}

#[test]
fn a_resaved_copy_is_the_same_batch_and_its_rows_are_already_paid() {
    let sandbox = sandbox();
    let dir = temp_dir("again");
    let csv = dir.join("batch.csv");
    // No ids in the file: they derive from the rows' hash and the record index.
    let text = rows_without_ids(20, 500);
    std::fs::write(&csv, &text).unwrap();
    let (first, _) = pay(&sandbox, &csv, &dir.join("first.journal"), None).unwrap();
    assert_eq!(first.count(Outcome::Paid), 20);

    let copies = [
        text.replace('\n', "\r\n"),
        format!("{text}\n"),
        text.replace('\n', "\r"),
        format!("\u{feff}{}", text.replace(".50,840,840", ".5,\"840\",USD")),
    ];
    for (index, copy_text) in copies.iter().enumerate() {
        let copy = dir.join(format!("copy-{index}.csv"));
        std::fs::write(&copy, copy_text).unwrap();
        let journal = dir.join(format!("copy-{index}.journal"));
        let (again, report) = pay(&sandbox, &copy, &journal, None).unwrap();
        assert_eq!(again.count(Outcome::AlreadyPaid), 20, "copy {index}: {again:?}");
        assert_eq!(again.count(Outcome::Paid), 0);
        assert_eq!(again.already_paid_totals, first.paid_totals);
        assert!(again.paid_totals.is_empty());
        assert!(report_rows(&report).iter().all(|row| row.2 == "already-paid"));
    }
    // 20 payouts for 20 rows, whatever the copies.
    assert_eq!(ledger(&sandbox).len(), 20);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn februarys_file_under_januarys_batch_id_is_unverified_and_nobody_is_paid() {
    let sandbox = sandbox();
    let dir = temp_dir("payroll");
    let january = dir.join("january.csv");
    std::fs::write(&january, rows_without_ids(3, 100)).unwrap();
    let journal = dir.join("january.journal");
    let (paid, _) = pay_batch(&sandbox, &january, Some("payroll"), &journal, None).unwrap();
    assert_eq!(paid.count(Outcome::Paid), 3);

    // Other payees, the same amounts, the same batch id: the ids batch-payroll-N
    // are January's, and an id chosen by a person proves nothing.
    let february = dir.join("february.csv");
    std::fs::write(&february, rows_without_ids(3, 200)).unwrap();
    let journal = dir.join("february.journal");
    let (summary, report) =
        pay_batch(&sandbox, &february, Some("payroll"), &journal, None).unwrap();
    assert_eq!(summary.count(Outcome::Unverified), 3, "{summary:?}");
    assert_eq!(summary.count(Outcome::Paid) + summary.count(Outcome::AlreadyPaid), 0);
    assert!(summary.paid_totals.is_empty());
    assert!(report.contains("payee_account"), "{report}");
    let outcomes: Vec<String> = report_rows(&report).into_iter().map(|row| row.2).collect();
    assert_eq!(outcomes, ["unverified"; 3]);
    assert_eq!(ledger(&sandbox).len(), 3);

    // Unverified stays so on the next run: nothing is looked up or paid again.
    let (again, _) = pay_batch(&sandbox, &february, Some("payroll"), &journal, None).unwrap();
    assert_eq!(again.count(Outcome::Unverified), 3);
    assert_eq!(ledger(&sandbox).len(), 3);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn an_own_id_reused_for_another_payee_with_the_same_amount_is_unverified() {
    let sandbox = sandbox();
    let dir = temp_dir("reused");
    let header = "payee_account,amount,payee_currency,shop_currency,shop_payment_id\n";
    let january = dir.join("january.csv");
    std::fs::write(&january, format!("{header}201111111111,100,USD,USD,salary-7\n")).unwrap();
    let (paid, _) = pay(&sandbox, &january, &dir.join("january.journal"), None).unwrap();
    assert_eq!(paid.count(Outcome::Paid), 1);

    let february = dir.join("february.csv");
    std::fs::write(&february, format!("{header}202222222222,100,USD,USD,salary-7\n")).unwrap();
    let (summary, report) = pay(&sandbox, &february, &dir.join("february.journal"), None).unwrap();
    assert_eq!(summary.count(Outcome::Unverified), 1, "{summary:?}");
    assert!(summary.paid_totals.is_empty());
    assert_eq!(report_rows(&report), [(2, "salary-7".to_owned(), "unverified".to_owned())]);

    // The journal that recorded the row before its create proves it: January's own
    // run, again, reports it paid without a request.
    let (again, _) = pay(&sandbox, &january, &dir.join("january.journal"), None).unwrap();
    assert_eq!(again.count(Outcome::Paid), 1);
    assert_eq!(ledger(&sandbox).len(), 1);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_second_run_on_a_journal_in_use_is_refused_at_once() {
    let dir = temp_dir("lock");
    let path = dir.join("batch.journal");
    let binding = Binding::new(1, "http://127.0.0.1:1/", "b");
    let first = Journal::open(&path, &binding).unwrap();
    match Journal::open(&path, &binding) {
        Err(error @ JournalError::Locked { .. }) => {
            assert!(error.to_string().contains("in use by another run"), "{error}");
        }
        other => panic!("{other:?}"),
    }
    drop(first);
    assert!(Journal::open(&path, &binding).is_ok(), "the lock outlived its run");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_report_at_the_journal_or_the_input_is_refused() {
    let dir = temp_dir("paths");
    let csv = dir.join("batch.csv");
    std::fs::write(&csv, "x").unwrap();
    let journal = dir.join("batch.journal");
    let refused = check_distinct(&[("input", &csv), ("journal", &journal), ("report", &journal)]);
    assert_eq!(refused.map_err(|e| (e.first, e.second)), Err(("journal", "report")));
    let through_dot = dir.join(".").join("batch.csv");
    let refused =
        check_distinct(&[("input", &csv), ("journal", &journal), ("report", &through_dot)]);
    assert_eq!(refused.map_err(|e| (e.first, e.second)), Err(("input", "report")));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn an_edited_row_under_a_journalled_id_is_refused_before_anything_is_sent() {
    let sandbox = sandbox();
    let dir = temp_dir("edited");
    let csv = dir.join("batch.csv");
    std::fs::write(&csv, cr_only((0..3).map(|row| (format!("ed-{row}"), "2")))).unwrap();
    let journal = dir.join("batch.journal");
    pay(&sandbox, &csv, &journal, None).unwrap();
    // Same ids, another amount: with --batch-id the header would agree, so the rows
    // themselves must be compared.
    std::fs::write(
        &csv,
        cr_only((0..3).map(|row| (format!("ed-{row}"), if row == 1 { "20" } else { "2" }))),
    )
    .unwrap();
    let batch = BatchFile::scan(&csv, None).unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let client = {
        let _inside = runtime.enter();
        client(&sandbox)
    };
    let mut binding = binding(&client, &batch);
    // The header's batch id (the old file's hash), as --batch-id would give it.
    let header = std::fs::read_to_string(&journal).unwrap();
    let old_id = header.split("\"batch_id\":\"").nth(1).unwrap().split('"').next().unwrap();
    binding.batch_id = old_id.to_owned();
    let batch = BatchFile::scan(&csv, Some(old_id)).unwrap();
    let journal = Journal::open(&journal, &binding).unwrap();
    let refused = batch.check_against(&journal).unwrap_err().to_string();
    assert!(refused.contains("line 3") && refused.contains("ed-1"), "{refused}");
    assert_eq!(ledger(&sandbox).len(), 3);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn withdrawals_are_paid_once_and_reported_with_their_write_off() {
    let sandbox = sandbox();
    let dir = temp_dir("withdraw");
    let csv = dir.join("withdrawals.csv");
    std::fs::write(
        &csv,
        "account,amount,payway,shop_currency,amount_type,shop_payment_id\n4111111111111111,25,card_usd,USD,ps_amount,w-1\n4111111111111112,40,card_usd,840,shop_amount,w-2\n",
    )
    .unwrap();
    let (summary, report) = pay(&sandbox, &csv, &dir.join("w.journal"), None).unwrap();
    assert_eq!(summary.count(Outcome::Paid), 2, "{report}");
    // card_usd takes 2 %: 25 received costs 25.5; a 40 write-off is 40.
    assert_eq!(summary.paid_totals[&840], Decimal::new(655, 1), "{report}");
    let text = feennex_tests::introspect(sandbox.base_url(), "withdrawals");
    assert_eq!(text.matches("\"shop_payment_id\"").count(), 2, "{text}");
    std::fs::remove_dir_all(dir).unwrap();
}
