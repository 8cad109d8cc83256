//! Workers sharing one batch in PostgreSQL, as the real binary runs them against a
//! sandbox on loopback: three at once under injected faults with one of them
//! killed again and again, and the database going away mid-run.
//!
//! Needs a server: run through `.ci/postgres`, which starts one and sets
//! `FEENNEX_TEST_STORE_URL` (and the commands to stop and start it).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use feennex_proto::prelude::Decimal;
use feennex_sandbox::{FaultConfig, FaultKind, SandboxConfig};
use feennex_tests::TestSandbox;

const SECRET: &str = feennex_sandbox::DEFAULT_SECRET;
const ROWS: usize = 2_000;

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!(
            "{name} is not set: these tests need a PostgreSQL server; run them with .ci/postgres"
        )
    })
}

fn store_url() -> String {
    env("FEENNEX_TEST_STORE_URL")
}

fn shell(command: &str) {
    let status = Command::new("sh").args(["-c", command]).stdout(Stdio::null()).status().unwrap();
    assert!(status.success(), "{command} failed");
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("feennex-pg-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `ROWS` valid wallet payouts in two currencies, then one invalid row.
fn write_batch(path: &Path) {
    let mut csv = String::from("payee_account,amount,payee_currency,shop_currency,description\n");
    for row in 0..ROWS {
        let currency = if row % 3 == 0 { 978 } else { 840 };
        csv.push_str(&format!(
            "20{:010},{}.{:02},{currency},840,row {row}\n",
            7_000 + row,
            1 + row % 7,
            row % 100
        ));
    }
    csv.push_str("nobody,5,840,840,bad account\n");
    std::fs::write(path, csv).unwrap();
}

/// `feennex payouts <args>` for the default shop of `sandbox`, the store's URL in
/// the environment (never on the command line).
fn feennex(sandbox: &TestSandbox, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_feennex"));
    command
        .args(["payouts", "--base-url", sandbox.base_url(), "--shop-id", "1", "--timeout", "0.5"])
        .args(args)
        .env_clear()
        .env("FEENNEX_SECRET_KEY", SECRET)
        .env("FEENNEX_STORE_URL", store_url());
    command
}

/// A worker on `csv` writing its report to `report`.
fn worker(sandbox: &TestSandbox, csv: &Path, batch_id: &str, report: &Path) -> Command {
    worker_with_lease(sandbox, csv, batch_id, report, 2)
}

/// A worker whose claims last `lease` seconds.
fn worker_with_lease(
    sandbox: &TestSandbox,
    csv: &Path,
    batch_id: &str,
    report: &Path,
    lease: u64,
) -> Command {
    let lease = lease.to_string();
    let mut command = feennex(sandbox, &["run", "--skip-invalid", "--lease", &lease]);
    command
        .arg(csv)
        .args(["--batch-id", batch_id, "--concurrency", "8", "--report"])
        .arg(report)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Whether a worker has registered the batch in the store yet.
fn registered(sandbox: &TestSandbox, csv: &Path, batch_id: &str) -> bool {
    let output =
        feennex(sandbox, &["status"]).arg(csv).args(["--batch-id", batch_id]).output().unwrap();
    let absent = text(&output.stderr).contains("is not in the store");
    assert!(output.status.success() || absent, "status: {}", text(&output.stderr));
    !absent
}

/// `payouts status` as (counts per outcome, paid totals per currency).
fn status(
    sandbox: &TestSandbox,
    csv: &Path,
    batch_id: &str,
) -> (BTreeMap<String, u64>, BTreeMap<u16, Decimal>) {
    let output =
        feennex(sandbox, &["status"]).arg(csv).args(["--batch-id", batch_id]).output().unwrap();
    assert!(output.status.success(), "status: {}", text(&output.stderr));
    let stdout = text(&output.stdout);
    let mut counts = BTreeMap::new();
    let mut totals = BTreeMap::new();
    for line in stdout.lines() {
        if let Some(rest) = line.strip_prefix("rows: ") {
            for part in rest.split(", ") {
                let (count, outcome) = part.split_once(' ').unwrap();
                counts.insert(outcome.to_owned(), count.parse().unwrap());
            }
        } else if let Some(rest) =
            line.strip_prefix("paid now in ").or_else(|| line.strip_prefix("already paid in "))
        {
            let (currency, total) = rest.split_once(": ").unwrap();
            let code = currency.split(' ').next().unwrap().parse().unwrap();
            let total: Decimal = total.parse().unwrap();
            *totals.entry(code).or_insert(Decimal::ZERO) += total;
        }
    }
    (counts, totals)
}

/// The ledger's payouts of this batch: id → (write-off, currency). An id paid
/// twice fails the test.
fn ledger(sandbox: &TestSandbox, batch_id: &str) -> BTreeMap<String, (Decimal, u16)> {
    let mut paid = BTreeMap::new();
    for transfer in sandbox.ledger().transfers {
        if !transfer.shop_payment_id.starts_with(&format!("batch-{batch_id}-")) {
            continue;
        }
        let entry = (transfer.write_off_amount, transfer.shop_currency.code());
        let twice = paid.insert(transfer.shop_payment_id.clone(), entry);
        assert!(twice.is_none(), "{} was paid twice", transfer.shop_payment_id);
    }
    paid
}

fn totals_of(ledger: &BTreeMap<String, (Decimal, u16)>) -> BTreeMap<u16, Decimal> {
    let mut totals = BTreeMap::new();
    for (amount, currency) in ledger.values() {
        *totals.entry(*currency).or_insert(Decimal::ZERO) += *amount;
    }
    totals
}

/// Every valid row is paid exactly once and the store says exactly that.
fn assert_paid_once(sandbox: &TestSandbox, csv: &Path, batch_id: &str) {
    let ledger = ledger(sandbox, batch_id);
    assert_eq!(ledger.len(), ROWS, "rows missing from the ledger");
    for record in 1..=ROWS {
        assert!(ledger.contains_key(&format!("batch-{batch_id}-{record}")), "row {record} unpaid");
    }
    let (counts, totals) = status(sandbox, csv, batch_id);
    let paid = counts.get("paid").copied().unwrap_or(0);
    let already = counts.get("already-paid").copied().unwrap_or(0);
    // A row whose create may have left is looked up, never created blindly: a
    // blind create would find its own payout and call it already paid.
    assert_eq!(already, 0, "{counts:?}");
    assert_eq!(paid, ROWS as u64, "{counts:?}");
    assert_eq!(counts.get("skipped"), Some(&1), "{counts:?}");
    assert_eq!(counts.len(), 2, "{counts:?}");
    assert_eq!(
        totals.iter().map(|(c, t)| (*c, t.normalize())).collect::<Vec<_>>(),
        totals_of(&ledger).iter().map(|(c, t)| (*c, t.normalize())).collect::<Vec<_>>(),
        "the store's paid totals differ from the ledger"
    );
}

/// Runs single workers without faults until one ends with exit 0.
fn finish(sandbox: &TestSandbox, csv: &Path, batch_id: &str, report: &Path) -> Output {
    sandbox.clear_faults();
    for _ in 0..5 {
        let output = worker(sandbox, csv, batch_id, report).output().unwrap();
        match output.status.code() {
            Some(0) => return output,
            Some(4) => continue,
            other => panic!("exit {other:?}: {}", text(&output.stderr)),
        }
    }
    panic!("the batch did not settle in five runs");
}

fn wait_all(children: Vec<Child>) -> Vec<Output> {
    children.into_iter().map(|child| child.wait_with_output().unwrap()).collect()
}

#[test]
fn three_workers_one_killed_again_and_again_pay_every_row_exactly_once() {
    let faults = FaultConfig::none()
        .with(FaultKind::DropBefore, 0.05)
        .with(FaultKind::DropAfter, 0.08)
        .with(FaultKind::Http502, 0.05)
        .with(FaultKind::Garbage, 0.02)
        .with(FaultKind::Delay, 0.05)
        .with_delay(Duration::from_millis(300))
        .with_seed(20261130);
    let sandbox = TestSandbox::with_config(SandboxConfig::default().with_faults(faults));
    let dir = temp_dir("three");
    let csv = dir.join("batch.csv");
    write_batch(&csv);
    let batch_id = format!("three{}", std::process::id());
    let report = |n: u32| dir.join(format!("report-{n}.csv"));

    let steady: Vec<Child> =
        (1..=2).map(|n| worker(&sandbox, &csv, &batch_id, &report(n)).spawn().unwrap()).collect();
    let mut kills = 0u64;
    let started = Instant::now();
    let mut victim = worker(&sandbox, &csv, &batch_id, &report(0)).spawn().unwrap();
    loop {
        std::thread::sleep(Duration::from_millis(150 + (kills * 7919) % 350));
        if victim.try_wait().unwrap().is_some() {
            break;
        }
        victim.kill().unwrap();
        victim.wait().unwrap();
        kills += 1;
        assert!(started.elapsed() < Duration::from_secs(150), "the workers made no progress");
        // Until a worker has registered the batch, every row is pending.
        let registered = registered(&sandbox, &csv, &batch_id);
        if registered
            && status(&sandbox, &csv, &batch_id).0.get("pending").copied().unwrap_or(0) < 100
        {
            break;
        }
        victim = worker(&sandbox, &csv, &batch_id, &report(0)).spawn().unwrap();
    }
    assert!(kills >= 5, "only {kills} kills landed");
    for output in wait_all(steady) {
        // 0, or 4 when a row's outcome stayed unknown under the faults.
        assert!(matches!(output.status.code(), Some(0 | 4)), "{}", text(&output.stderr));
    }
    let last = finish(&sandbox, &csv, &batch_id, &report(3));
    assert!(text(&last.stdout).contains(&format!("batch {batch_id}")), "{}", text(&last.stdout));
    assert_paid_once(&sandbox, &csv, &batch_id);
    eprintln!("{kills} kills");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn the_database_going_away_stops_the_workers_and_a_restart_finishes_the_batch() {
    let faults =
        FaultConfig::none().with(FaultKind::Delay, 0.2).with_delay(Duration::from_millis(100));
    let sandbox = TestSandbox::with_config(SandboxConfig::default().with_faults(faults));
    let dir = temp_dir("away");
    let csv = dir.join("batch.csv");
    write_batch(&csv);
    let batch_id = format!("away{}", std::process::id());
    let workers: Vec<Child> = (1..=2)
        .map(|n| {
            worker(&sandbox, &csv, &batch_id, &dir.join(format!("report-{n}.csv"))).spawn().unwrap()
        })
        .collect();
    let started = Instant::now();
    while ledger(&sandbox, &batch_id).len() < 200 {
        assert!(started.elapsed() < Duration::from_secs(60), "the workers made no progress");
        std::thread::sleep(Duration::from_millis(20));
    }
    shell(&env("FEENNEX_TEST_STORE_STOP"));
    let stopped = Instant::now();
    for output in wait_all(workers) {
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(4), "{stderr}");
        assert!(stderr.contains("batch store"), "{stderr}");
        assert!(!text(&output.stdout).contains("paid"), "a summary without a store");
    }
    assert!(stopped.elapsed() < Duration::from_secs(30), "the workers did not stop");
    let paid_when_stopped = ledger(&sandbox, &batch_id);
    assert!(paid_when_stopped.len() < ROWS, "every row was paid before the database went");
    shell(&env("FEENNEX_TEST_STORE_START"));

    // Nothing the store calls paid is missing from the ledger or differs from it.
    let (counts, totals) = status(&sandbox, &csv, &batch_id);
    let paid = counts.get("paid").copied().unwrap_or(0);
    assert!(paid > 0 && paid as usize <= paid_when_stopped.len(), "{counts:?}");
    for (currency, total) in &totals {
        let ledger_total = totals_of(&paid_when_stopped).get(currency).copied().unwrap_or_default();
        assert!(
            *total <= ledger_total,
            "store says {total} paid in {currency}, ledger {ledger_total}"
        );
    }

    let last = finish(&sandbox, &csv, &batch_id, &dir.join("report-3.csv"));
    assert!(text(&last.stdout).contains("rows: "), "{}", text(&last.stdout));
    assert_paid_once(&sandbox, &csv, &batch_id);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_file_saved_again_in_another_form_is_the_same_batch_in_the_store() {
    let sandbox = TestSandbox::with_config(SandboxConfig::default());
    let dir = temp_dir("resaved");
    let csv = dir.join("payouts.csv");
    // Payees of this process only: the store outlives the test's sandbox.
    let first = 100 * u64::from(std::process::id());
    let mut rows = String::from("payee_account,amount,payee_currency,shop_currency\n");
    for row in 0..20 {
        rows.push_str(&format!("20{:010},{}.25,840,840\n", first + row, row % 5 + 1));
    }
    std::fs::write(&csv, &rows).unwrap();
    let run = || {
        feennex(&sandbox, &["run", "--lease", "2", "--report"])
            .arg(dir.join("report.csv"))
            .arg(&csv)
            .output()
            .unwrap()
    };
    let paid = run();
    assert_eq!(paid.status.code(), Some(0), "{}", text(&paid.stderr));
    assert!(text(&paid.stdout).contains("rows: 20 paid"), "{}", text(&paid.stdout));

    // The same rows saved with CRLF, a byte order mark and a trailing blank line,
    // under the same name: the same batch, settled; nothing is sent.
    std::fs::write(&csv, format!("\u{feff}{}\r\n", rows.replace('\n', "\r\n"))).unwrap();
    let again = run();
    assert_eq!(again.status.code(), Some(0), "{}", text(&again.stderr));
    assert!(text(&again.stdout).contains("rows: 20 paid"), "{}", text(&again.stdout));
    assert_eq!(sandbox.ledger().transfers.len(), 20);
    std::fs::remove_dir_all(dir).unwrap();
}

/// The ids of the batch's rows the store holds no intent or outcome for.
fn never_recorded(batch_id: &str) -> std::collections::BTreeSet<String> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let (client, connection) =
            tokio_postgres::connect(&store_url(), tokio_postgres::NoTls).await.unwrap();
        tokio::spawn(connection);
        let rows = client
            .query(
                "SELECT shop_payment_id FROM feennex_rows WHERE batch_id = $1 AND state = 'new'",
                &[&batch_id],
            )
            .await
            .unwrap();
        rows.iter().map(|row| row.get(0)).collect()
    })
}

#[test]
fn a_frozen_database_ends_every_worker_within_the_lease_and_nothing_unrecorded_is_sent() {
    // The documented bound: half the lease without an answer, plus the payouts
    // already in flight (100 ms each here).
    const LEASE: u64 = 6;
    let faults =
        FaultConfig::none().with(FaultKind::Delay, 0.2).with_delay(Duration::from_millis(100));
    let sandbox = TestSandbox::with_config(SandboxConfig::default().with_faults(faults));
    let dir = temp_dir("frozen");
    let csv = dir.join("batch.csv");
    write_batch(&csv);
    let batch_id = format!("frozen{}", std::process::id());
    let workers: Vec<Child> = (1..=3)
        .map(|n| {
            let report = dir.join(format!("report-{n}.csv"));
            worker_with_lease(&sandbox, &csv, &batch_id, &report, LEASE).spawn().unwrap()
        })
        .collect();
    let started = Instant::now();
    while ledger(&sandbox, &batch_id).len() < 200 {
        assert!(started.elapsed() < Duration::from_secs(60), "the workers made no progress");
        std::thread::sleep(Duration::from_millis(20));
    }
    shell(&env("FEENNEX_TEST_STORE_FREEZE"));
    let frozen = Instant::now();
    let outputs = wait_all(workers);
    let took = frozen.elapsed();
    let paid_when_frozen = ledger(&sandbox, &batch_id);
    shell(&env("FEENNEX_TEST_STORE_THAW"));
    for output in &outputs {
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(4), "{stderr}");
        assert!(stderr.contains("did not answer"), "{stderr}");
    }
    assert!(took < Duration::from_secs(LEASE), "the workers took {took:?} to stop");
    assert!(paid_when_frozen.len() < ROWS, "every row was paid before the freeze");

    // Every payout that left had its intent in the store first.
    let unrecorded = never_recorded(&batch_id);
    for id in paid_when_frozen.keys() {
        assert!(!unrecorded.contains(id), "{id} was paid without its intent in the store");
    }
    let last = finish(&sandbox, &csv, &batch_id, &dir.join("report-4.csv"));
    assert!(text(&last.stdout).contains("rows: "), "{}", text(&last.stdout));
    assert_paid_once(&sandbox, &csv, &batch_id);
    eprintln!("the workers stopped {took:?} after the freeze");
    std::fs::remove_dir_all(dir).unwrap();
}
