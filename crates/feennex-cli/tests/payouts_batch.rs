//! `feennex payouts run` against a sandbox with faults: validation first, dry run,
//! a run killed with SIGKILL midway and resumed, and the sandbox's ledger showing
//! every valid row paid exactly once with totals equal to the report's.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use feennex_proto::prelude::Decimal;
use feennex_sandbox::{FaultConfig, FaultKind, Sandbox, SandboxConfig};

const SECRET: &str = feennex_sandbox::DEFAULT_SECRET;

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("feennex-payouts-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn sandbox(faults: FaultConfig) -> Sandbox {
    Sandbox::spawn(([127, 0, 0, 1], 0).into(), SandboxConfig::default().with_faults(faults))
        .unwrap()
}

/// `rows` valid payouts in two currencies, then the given extra lines.
fn write_batch(path: &Path, rows: usize, extra: &str) {
    let mut csv = String::from("payee_account,amount,payee_currency,shop_currency,description\n");
    for row in 0..rows {
        let currency = if row % 3 == 0 { 978 } else { 840 };
        csv.push_str(&format!(
            "20{:010},{}.{:02},{currency},840,row {row}\n",
            5_000 + row,
            1 + row % 40,
            row % 100
        ));
    }
    csv.push_str(extra);
    std::fs::write(path, csv).unwrap();
}

fn feennex(sandbox: &Sandbox, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_feennex"));
    command
        .args(args)
        .env_clear()
        .env("FEENNEX_BASE_URL", sandbox.base_url())
        .env("FEENNEX_SHOP_ID", "1")
        .env("FEENNEX_SECRET_KEY", SECRET);
    command
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The sandbox's transfers: id to (write-off, currency).
fn ledger(sandbox: &Sandbox) -> Vec<(String, Decimal, u16)> {
    #[derive(serde::Deserialize)]
    struct Transfer {
        shop_payment_id: String,
        write_off_amount: Box<serde_json::value::RawValue>,
        shop_currency: u16,
    }
    let text = feennex_tests::introspect(sandbox.base_url(), "transfers");
    let transfers: Vec<Transfer> = serde_json::from_str(&text).unwrap();
    transfers
        .into_iter()
        .map(|t| {
            (
                t.shop_payment_id,
                t.write_off_amount.get().trim_matches('"').parse().unwrap(),
                t.shop_currency,
            )
        })
        .collect()
}

/// A report row: line, shop_payment_id, outcome, write-off, currency.
type ReportRow = (u64, String, String, Option<Decimal>, Option<u16>);

fn report(path: &Path) -> Vec<ReportRow> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    reader
        .records()
        .map(|record| {
            let record = record.unwrap();
            (
                record[0].parse().unwrap(),
                record[1].to_owned(),
                record[2].to_owned(),
                record[4].parse().ok(),
                record[5].parse().ok(),
            )
        })
        .collect()
}

fn totals<'a>(entries: impl Iterator<Item = (Decimal, u16)> + 'a) -> BTreeMap<u16, Decimal> {
    let mut totals = BTreeMap::new();
    for (amount, currency) in entries {
        *totals.entry(currency).or_default() += amount;
    }
    totals
}

fn journal_lines(path: &Path, event: &str) -> usize {
    let needle = format!("\"event\":\"{event}\"");
    std::fs::read_to_string(path)
        .map_or(0, |text| text.lines().filter(|l| l.contains(&needle)).count())
}

#[test]
fn a_run_killed_midway_resumes_and_pays_every_row_exactly_once() {
    let faults = FaultConfig::none()
        .with(FaultKind::DropBefore, 0.04)
        .with(FaultKind::DropAfter, 0.06)
        .with(FaultKind::Http502, 0.04)
        .with(FaultKind::Garbage, 0.03)
        .with(FaultKind::Truncate, 0.03)
        .with(FaultKind::Delay, 0.08)
        .with_delay(Duration::from_millis(600))
        .with_seed(20261121);
    let sandbox = sandbox(faults);
    let dir = temp_dir("kill");
    let csv = dir.join("batch.csv");
    write_batch(&csv, 120, "not-an-account,5,840,840,bad\n201234567890,0,840,840,zero\n");
    let journal = dir.join("batch.csv.journal");
    let args = [
        "payouts",
        "run",
        csv.to_str().unwrap(),
        "--skip-invalid",
        "--concurrency",
        "2",
        "--timeout",
        "0.3",
    ];

    let mut first =
        feennex(&sandbox, &args).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
    let started = Instant::now();
    while journal_lines(&journal, "paid") < 30 {
        assert!(started.elapsed() < Duration::from_secs(60), "the first run made no progress");
        assert!(first.try_wait().unwrap().is_none(), "the first run ended before it was killed");
        std::thread::sleep(Duration::from_millis(20));
    }
    first.kill().unwrap();
    let status = first.wait().unwrap();
    assert!(!status.success());
    let paid_before = journal_lines(&journal, "paid");
    assert!(paid_before < 120, "killed too late: {paid_before} rows paid");
    let status = status_counts(&sandbox, &csv);
    let settled_paid = status.get("paid").unwrap_or(&0) + status.get("already-paid").unwrap_or(&0);
    assert_eq!(settled_paid, paid_before as u64, "{status:?}");
    assert_eq!(status.get("skipped"), Some(&2), "{status:?}");

    let second: Output = feennex(&sandbox, &args).output().unwrap();
    assert_eq!(second.status.code(), Some(0), "{}", text(&second.stderr));
    let stdout = text(&second.stdout);
    assert!(stdout.contains("120 paid, 2 skipped"), "{stdout}");

    let ledger = ledger(&sandbox);
    let ledger_ids: BTreeSet<&str> = ledger.iter().map(|(id, _, _)| id.as_str()).collect();
    assert_eq!(ledger.len(), 120, "the ledger has {} payouts", ledger.len());
    assert_eq!(ledger_ids.len(), 120, "a row was paid twice");

    let rows = report(&dir.join("batch.csv.report.csv"));
    assert_eq!(rows.len(), 122);
    let paid: Vec<_> = rows.iter().filter(|row| row.2 == "paid").collect();
    assert_eq!(paid.len(), 120);
    assert_eq!(rows.iter().filter(|row| row.2 == "skipped").count(), 2);
    let paid_ids: BTreeSet<&str> = paid.iter().map(|row| row.1.as_str()).collect();
    assert_eq!(paid_ids, ledger_ids);
    let report_totals = totals(paid.iter().map(|row| (row.3.unwrap(), row.4.unwrap())));
    let ledger_totals = totals(ledger.iter().map(|(_, amount, currency)| (*amount, *currency)));
    assert_eq!(report_totals, ledger_totals);
    assert!(
        stdout.contains(&format!("paid now in 840 USD: {}", ledger_totals[&840].normalize())),
        "{stdout}"
    );
    let after = feennex(&sandbox, &["payouts", "status", csv.to_str().unwrap()]).output().unwrap();
    assert!(after.status.success(), "{}", text(&after.stderr));
    let summary = |text: &str| {
        text.lines()
            .filter(|l| l.starts_with("rows:") || l.contains(" in 840 ") || l.contains(" in 978 "))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(
        summary(&text(&after.stdout)),
        summary(&stdout),
        "status differs from the run's summary"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

/// `payouts status` of the batch's journal: the count per outcome.
fn status_counts(sandbox: &Sandbox, csv: &Path) -> BTreeMap<String, u64> {
    let output = feennex(sandbox, &["payouts", "status", csv.to_str().unwrap()]).output().unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    let line = stdout.lines().find_map(|line| line.strip_prefix("rows: ")).unwrap_or_default();
    line.split(", ")
        .filter_map(|part| part.split_once(' '))
        .map(|(count, outcome)| (outcome.to_owned(), count.parse().unwrap()))
        .collect()
}

#[test]
fn invalid_rows_stop_the_run_before_anything_is_sent() {
    let sandbox = sandbox(FaultConfig::none());
    let dir = temp_dir("invalid");
    let csv = dir.join("batch.csv");
    write_batch(&csv, 3, "201234567890,abc,840,840,x\n201234567890,5,840,84O,y\n");
    let output = feennex(&sandbox, &["payouts", "run", csv.to_str().unwrap()]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("line 5: amount:"), "{stderr}");
    assert!(stderr.contains("line 6: shop_currency:"), "{stderr}");
    assert!(stderr.contains("--skip-invalid"), "{stderr}");
    assert!(ledger(&sandbox).is_empty());
    assert!(!dir.join("batch.csv.journal").exists());
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_dry_run_sums_the_write_offs_and_pays_nothing() {
    let sandbox = sandbox(FaultConfig::none());
    let dir = temp_dir("dry");
    let csv = dir.join("batch.csv");
    std::fs::write(
        &csv,
        "payee_account,amount,payee_currency,shop_currency\n201234567890,1.11,978,840\n201234567891,10,840,840\n",
    )
    .unwrap();
    let output = feennex(&sandbox, &["payouts", "run", csv.to_str().unwrap(), "--dry-run"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    // 1.11 EUR costs 1.19 USD at the sandbox's default rate; 10 USD costs 10.
    assert!(stdout.contains("840 USD: write-off 11.19, available 1000000"), "{stdout}");
    assert!(stdout.contains("enough"), "{stdout}");
    assert!(ledger(&sandbox).is_empty());
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_journal_of_a_changed_file_is_refused() {
    let sandbox = sandbox(FaultConfig::none());
    let dir = temp_dir("changed");
    let csv = dir.join("batch.csv");
    write_batch(&csv, 2, "");
    let run = |sandbox: &Sandbox| {
        feennex(sandbox, &["payouts", "run", csv.to_str().unwrap()]).output().unwrap()
    };
    assert_eq!(run(&sandbox).status.code(), Some(0));
    write_batch(&csv, 3, "");
    let output = run(&sandbox);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("CSV file changed"), "{}", text(&output.stderr));
    assert_eq!(ledger(&sandbox).len(), 2);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn ctrl_c_lets_rows_in_flight_finish_and_the_run_resumes() {
    // Every answer is held back a little, so the run is still going when stopped.
    let faults =
        FaultConfig::none().with(FaultKind::Delay, 1.0).with_delay(Duration::from_millis(150));
    let sandbox = sandbox(faults);
    let dir = temp_dir("interrupt");
    let csv = dir.join("batch.csv");
    write_batch(&csv, 40, "");
    let journal = dir.join("batch.csv.journal");
    let args = ["payouts", "run", csv.to_str().unwrap(), "--concurrency", "2", "--timeout", "5"];

    let first =
        feennex(&sandbox, &args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let started = Instant::now();
    while journal_lines(&journal, "paid") < 4 {
        assert!(started.elapsed() < Duration::from_secs(60), "the first run made no progress");
        std::thread::sleep(Duration::from_millis(10));
    }
    let interrupted =
        Command::new("kill").args(["-INT", &first.id().to_string()]).status().unwrap();
    assert!(interrupted.success());
    let output = first.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(130), "{}", text(&output.stderr));
    assert!(text(&output.stderr).contains("stopping"), "{}", text(&output.stderr));

    // Consistent: every row that was being sent got its outcome written.
    let sent = journal_lines(&journal, "intent");
    let settled = journal_lines(&journal, "paid") + journal_lines(&journal, "failed");
    assert_eq!(sent, settled, "rows left in flight");
    assert!(settled < 40, "stopped too late");
    assert_eq!(ledger(&sandbox).len(), settled);

    let second = feennex(&sandbox, &args).output().unwrap();
    assert_eq!(second.status.code(), Some(0), "{}", text(&second.stderr));
    let ledger = ledger(&sandbox);
    assert_eq!(ledger.len(), 40);
    assert_eq!(ledger.iter().map(|(id, _, _)| id).collect::<BTreeSet<_>>().len(), 40);
    std::fs::remove_dir_all(dir).unwrap();
}
