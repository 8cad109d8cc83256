//! `feennex payouts run` as a careless or hostile operator would use it, against a
//! sandbox on loopback: a second run at once, a report over the journal or the
//! input, a journal taken to another endpoint, SIGTERM, a short balance, a reused
//! id, a file paid twice, and dozens of `kill -9` under heavy faults.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use feennex_proto::prelude::{Currency, Decimal};
use feennex_sandbox::{FaultConfig, FaultKind, Sandbox, SandboxConfig, ShopConfig};

const SECRET: &str = feennex_sandbox::DEFAULT_SECRET;

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("feennex-safety-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn sandbox_with(config: SandboxConfig) -> Sandbox {
    Sandbox::spawn(([127, 0, 0, 1], 0).into(), config).unwrap()
}

fn sandbox(faults: FaultConfig) -> Sandbox {
    sandbox_with(SandboxConfig::default().with_faults(faults))
}

fn feennex(sandbox: &Sandbox, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_feennex"));
    command
        .args(args)
        .args(["--base-url", sandbox.base_url(), "--shop-id", "1"])
        .env_clear()
        .env("FEENNEX_SECRET_KEY", SECRET);
    command
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `rows` valid payouts without ids, then `extra`.
fn write_batch(path: &Path, rows: usize, extra: &str) {
    let mut csv = String::from("payee_account,amount,payee_currency,shop_currency,description\n");
    for row in 0..rows {
        let currency = if row % 3 == 0 { 978 } else { 840 };
        csv.push_str(&format!(
            "20{:010},{}.{:02},{currency},840,row {row}\n",
            7_000 + row,
            1 + row % 40,
            row % 100
        ));
    }
    csv.push_str(extra);
    std::fs::write(path, csv).unwrap();
}

/// The sandbox's transfers: (id, write-off, currency); an id twice fails.
fn ledger(sandbox: &Sandbox) -> Vec<(String, Decimal, u16)> {
    #[derive(serde::Deserialize)]
    struct Transfer {
        shop_payment_id: String,
        write_off_amount: Box<serde_json::value::RawValue>,
        shop_currency: u16,
    }
    let text = feennex_tests::introspect(sandbox.base_url(), "transfers");
    let transfers: Vec<Transfer> = serde_json::from_str(&text).unwrap();
    let ledger: Vec<_> = transfers
        .into_iter()
        .map(|t| {
            let amount = t.write_off_amount.get().trim_matches('"').parse().unwrap();
            (t.shop_payment_id, amount, t.shop_currency)
        })
        .collect();
    let ids: BTreeSet<&str> = ledger.iter().map(|entry| entry.0.as_str()).collect();
    assert_eq!(ids.len(), ledger.len(), "an id was paid twice");
    ledger
}

/// Report rows: (id, outcome, write-off, currency).
fn report(path: &Path) -> Vec<(String, String, Option<Decimal>, Option<u16>)> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    reader
        .records()
        .map(|record| {
            let record = record.unwrap();
            (
                record[1].to_owned(),
                record[2].to_owned(),
                record[4].parse().ok(),
                record[5].parse().ok(),
            )
        })
        .collect()
}

fn journal_lines(path: &Path, event: &str) -> usize {
    let needle = format!("\"event\":\"{event}\"");
    std::fs::read_to_string(path)
        .map_or(0, |text| text.lines().filter(|l| l.contains(&needle)).count())
}

fn wait_for(journal: &Path, event: &str, count: usize, child: &mut Child) {
    let started = Instant::now();
    while journal_lines(journal, event) < count {
        assert!(started.elapsed() < Duration::from_secs(60), "the run made no progress");
        assert!(child.try_wait().unwrap().is_none(), "the run ended too early");
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn a_second_run_at_once_is_refused_and_the_first_finishes() {
    let faults =
        FaultConfig::none().with(FaultKind::Delay, 1.0).with_delay(Duration::from_millis(100));
    let sandbox = sandbox(faults);
    let dir = temp_dir("twice");
    let csv = dir.join("batch.csv");
    write_batch(&csv, 20, "");
    let args = ["payouts", "run", csv.to_str().unwrap(), "--concurrency", "2", "--timeout", "5"];
    let mut first =
        feennex(&sandbox, &args).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
    wait_for(&dir.join("batch.csv.journal"), "intent", 1, &mut first);

    let second = feennex(&sandbox, &args).output().unwrap();
    assert_eq!(second.status.code(), Some(2), "{}", text(&second.stderr));
    assert!(text(&second.stderr).contains("in use by another run"), "{}", text(&second.stderr));

    assert_eq!(first.wait().unwrap().code(), Some(0));
    assert_eq!(ledger(&sandbox).len(), 20);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_report_over_the_journal_or_the_csv_is_refused_before_anything_is_sent() {
    let sandbox = sandbox(FaultConfig::none());
    let dir = temp_dir("paths");
    let csv = dir.join("batch.csv");
    write_batch(&csv, 3, "");
    let original = std::fs::read(&csv).unwrap();
    let journal = dir.join("run.journal");
    for report in [journal.to_str().unwrap(), csv.to_str().unwrap()] {
        let output = feennex(
            &sandbox,
            &[
                "payouts",
                "run",
                csv.to_str().unwrap(),
                "--journal",
                journal.to_str().unwrap(),
                "--report",
                report,
            ],
        )
        .output()
        .unwrap();
        assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
        assert!(text(&output.stderr).contains("are the same file"), "{}", text(&output.stderr));
    }
    assert_eq!(std::fs::read(&csv).unwrap(), original);
    assert!(!journal.exists());
    assert!(ledger(&sandbox).is_empty());
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_journal_taken_to_another_endpoint_is_refused_with_both_named() {
    let rehearsal = sandbox(FaultConfig::none());
    let real = sandbox(FaultConfig::none());
    let dir = temp_dir("endpoint");
    let csv = dir.join("batch.csv");
    write_batch(&csv, 4, "");
    let run = |sandbox: &Sandbox| {
        feennex(sandbox, &["payouts", "run", csv.to_str().unwrap()]).output().unwrap()
    };
    assert_eq!(run(&rehearsal).status.code(), Some(0));
    let output = run(&real);
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(stderr.contains(rehearsal.base_url()) && stderr.contains(real.base_url()), "{stderr}");
    assert!(ledger(&real).is_empty());
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn sigterm_lets_rows_in_flight_finish_reports_and_exits_130() {
    let faults =
        FaultConfig::none().with(FaultKind::Delay, 1.0).with_delay(Duration::from_millis(150));
    let sandbox = sandbox(faults);
    let dir = temp_dir("term");
    let csv = dir.join("batch.csv");
    write_batch(&csv, 40, "");
    let journal = dir.join("batch.csv.journal");
    let args = ["payouts", "run", csv.to_str().unwrap(), "--concurrency", "2", "--timeout", "5"];
    let mut first =
        feennex(&sandbox, &args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    wait_for(&journal, "paid", 4, &mut first);
    assert!(
        Command::new("kill").args(["-TERM", &first.id().to_string()]).status().unwrap().success()
    );
    let output = first.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(130), "{}", text(&output.stderr));
    assert!(text(&output.stdout).contains("pending"), "{}", text(&output.stdout));
    let settled = journal_lines(&journal, "paid");
    assert_eq!(journal_lines(&journal, "intent"), settled, "rows left in flight");
    assert_eq!(ledger(&sandbox).len(), settled);
    let rows = report(&dir.join("batch.csv.report.csv"));
    assert_eq!(rows.iter().filter(|row| row.1 == "paid").count(), settled);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn sigterm_after_the_last_row_exits_as_the_run_would_have() {
    let sandbox = sandbox(FaultConfig::none());
    let dir = temp_dir("late-term");
    let csv = dir.join("batch.csv");
    // Two rows to pay, then many invalid ones: their report lines are written after
    // the last payout, which leaves time for a signal to land after it.
    let mut invalid = String::new();
    for row in 0..60_000 {
        invalid.push_str(&format!("nobody-{row},1,840,840,x\n"));
    }
    write_batch(&csv, 2, &invalid);
    let journal = dir.join("batch.csv.journal");
    let args = ["payouts", "run", csv.to_str().unwrap(), "--skip-invalid"];
    let mut run =
        feennex(&sandbox, &args).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
    wait_for(&journal, "paid", 2, &mut run);
    let _ = Command::new("kill").args(["-TERM", &run.id().to_string()]).status();
    let output = run.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stdout));
    assert!(
        text(&output.stdout).contains("rows: 2 paid, 60000 skipped"),
        "{}",
        text(&output.stdout)
    );
    assert_eq!(ledger(&sandbox).len(), 2);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_wrong_key_is_named_before_the_first_create_and_nothing_is_sent() {
    let sandbox = sandbox(FaultConfig::none());
    let dir = temp_dir("wrong-key");
    let csv = dir.join("batch.csv");
    write_batch(&csv, 200, "");
    let output = feennex(&sandbox, &["payouts", "run", csv.to_str().unwrap()])
        .env("FEENNEX_SECRET_KEY", "not-the-shops-key")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3), "{}", text(&output.stderr));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("secret key") && stderr.contains("shop 1"), "{stderr}");
    assert!(!stderr.contains("not-the-shops-key"), "{stderr}");
    // No create was even attempted: no intent in the journal, nothing in the ledger.
    assert_eq!(journal_lines(&dir.join("batch.csv.journal"), "intent"), 0);
    assert!(ledger(&sandbox).is_empty());
    assert!(text(&output.stdout).contains("rows: 200 pending"), "{}", text(&output.stdout));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_dry_run_against_a_short_balance_exits_3_and_pays_nothing() {
    let shop = ShopConfig::new(1, feennex_proto::SecretKey::new(SECRET))
        .with_balances(BTreeMap::from([(Currency::USD, Decimal::from(100))]));
    let sandbox = sandbox_with(SandboxConfig::default().with_shops(vec![shop]));
    let dir = temp_dir("short");
    let csv = dir.join("batch.csv");
    std::fs::write(&csv, "payee_account,amount,payee_currency,shop_currency\r201234567890,60,840,840\r201234567891,50,USD,USD\r").unwrap();
    let output = feennex(&sandbox, &["payouts", "run", csv.to_str().unwrap(), "--dry-run"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3), "{}", text(&output.stderr));
    assert!(
        text(&output.stdout).contains("840 USD: write-off 110, available 100: short by 10"),
        "{}",
        text(&output.stdout)
    );
    assert!(ledger(&sandbox).is_empty());
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_reused_id_exits_6_a_copy_with_own_ids_exits_7_and_a_resaved_copy_exits_0_as_already_paid() {
    let sandbox = sandbox(FaultConfig::none());
    let dir = temp_dir("reuse");
    let january = dir.join("january.csv");
    let header = "payee_account,amount,payee_currency,shop_currency,shop_payment_id\n";
    std::fs::write(&january, format!("{header}201111111111,100,840,840,salary-alice\n")).unwrap();
    let run = |csv: &Path, journal: &str, extra: &[&str]| -> Output {
        let journal = dir.join(journal);
        let mut args = vec!["payouts", "run", csv.to_str().unwrap()];
        args.extend(["--journal", journal.to_str().unwrap()]);
        args.extend(extra);
        feennex(&sandbox, &args).output().unwrap()
    };
    assert_eq!(run(&january, "j1", &[]).status.code(), Some(0));
    // Its own journal proves the row: settled, nothing sent.
    let same = run(&january, "j1", &[]);
    assert_eq!(same.status.code(), Some(0), "{}", text(&same.stderr));
    assert!(text(&same.stdout).contains("rows: 1 paid"), "{}", text(&same.stdout));
    // A fresh journal proves nothing of an id written in the file: unverified.
    let again = run(&january, "j2", &[]);
    assert_eq!(again.status.code(), Some(7), "{}", text(&again.stderr));
    assert!(text(&again.stdout).contains("rows: 1 unverified"), "{}", text(&again.stdout));
    assert!(text(&again.stderr).contains("unverified"), "{}", text(&again.stderr));
    assert!(!text(&again.stdout).contains(" in 840"), "{}", text(&again.stdout));

    let february = dir.join("february.csv");
    std::fs::write(&february, format!("{header}202222222222,250,978,978,salary-alice\n")).unwrap();
    let output = run(&february, "f1", &[]);
    assert_eq!(output.status.code(), Some(6), "{}", text(&output.stderr));
    assert!(text(&output.stdout).contains("rows: 1 conflict"), "{}", text(&output.stdout));
    assert!(!text(&output.stdout).contains(" in 978"), "{}", text(&output.stdout));
    assert_eq!(ledger(&sandbox).len(), 1);

    // Rows without ids, re-saved with CRLF under another name: their derived ids
    // commit to the rows, so the copy's rows are already paid.
    let derived = dir.join("derived.csv");
    write_batch(&derived, 20, "");
    assert_eq!(run(&derived, "d1", &[]).status.code(), Some(0));
    let resaved = dir.join("resaved.csv");
    let crlf = std::fs::read_to_string(&derived).unwrap().replace('\n', "\r\n") + "\r\n";
    std::fs::write(&resaved, crlf).unwrap();
    let copy = run(&resaved, "d2", &[]);
    assert_eq!(copy.status.code(), Some(0), "{}", text(&copy.stderr));
    assert!(text(&copy.stdout).contains("rows: 20 already-paid"), "{}", text(&copy.stdout));
    assert_eq!(ledger(&sandbox).len(), 21);

    // The same rows under a batch id chosen by hand: the ids batch-payroll-N were
    // never paid, so they are paid; February's rows under it are unverified.
    assert_eq!(run(&derived, "p1", &["--batch-id", "payroll"]).status.code(), Some(0));
    let other = dir.join("other.csv");
    write_batch(&other, 20, "");
    let shifted = std::fs::read_to_string(&other).unwrap().replace("\n20000", "\n20009");
    std::fs::write(&other, shifted).unwrap();
    let payroll = run(&other, "p2", &["--batch-id", "payroll"]);
    assert_eq!(payroll.status.code(), Some(7), "{}", text(&payroll.stdout));
    assert!(text(&payroll.stdout).contains("rows: 20 unverified"), "{}", text(&payroll.stdout));
    assert_eq!(ledger(&sandbox).len(), 41);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_report_that_cannot_be_written_still_prints_the_summary_and_exits_5() {
    let sandbox = sandbox(FaultConfig::none());
    let dir = temp_dir("noreport");
    let csv = dir.join("batch.csv");
    write_batch(&csv, 3, "");
    let report = dir.join("missing-directory").join("report.csv");
    let output = feennex(
        &sandbox,
        &["payouts", "run", csv.to_str().unwrap(), "--report", report.to_str().unwrap()],
    )
    .output()
    .unwrap();
    assert_eq!(output.status.code(), Some(5), "{}", text(&output.stderr));
    assert!(text(&output.stdout).contains("rows: 3 paid"), "{}", text(&output.stdout));
    assert!(text(&output.stderr).contains("cannot write the report"), "{}", text(&output.stderr));
    assert_eq!(ledger(&sandbox).len(), 3);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn dozens_of_kill_9_under_heavy_faults_end_with_every_row_paid_exactly_once() {
    // 55 % of answers are faulty: lost before or after the server acted, proxy
    // errors, garbage, cut bodies, long delays.
    let faults = FaultConfig::none()
        .with(FaultKind::DropBefore, 0.10)
        .with(FaultKind::DropAfter, 0.15)
        .with(FaultKind::Http502, 0.10)
        .with(FaultKind::Garbage, 0.05)
        .with(FaultKind::Truncate, 0.05)
        .with(FaultKind::Delay, 0.10)
        .with_delay(Duration::from_millis(400))
        .with_seed(20261129);
    let sandbox = sandbox(faults);
    let dir = temp_dir("kill9");
    let csv = dir.join("batch.csv");
    const ROWS: usize = 900;
    write_batch(&csv, ROWS, "nobody,5,840,840,bad account\n");
    let journal = dir.join("batch.csv.journal");
    let run_args = |concurrency: &'static str| {
        ["payouts", "run", "--timeout", "0.25", "--skip-invalid", "--concurrency", concurrency]
    };

    let mut kills = 0;
    for round in 0..40u64 {
        let concurrency = ["4", "8", "16", "32"][(round % 4) as usize];
        let mut command = feennex(&sandbox, &run_args(concurrency));
        command.arg(&csv).stdout(Stdio::null()).stderr(Stdio::null());
        let mut child = command.spawn().unwrap();
        // Somewhere between 30 and 200 ms into the run.
        std::thread::sleep(Duration::from_millis(30 + (round * 7919) % 170));
        if child.try_wait().unwrap().is_some() {
            break;
        }
        child.kill().unwrap();
        child.wait().unwrap();
        kills += 1;
    }
    assert!(kills >= 30, "only {kills} kills landed");
    assert!(journal_lines(&journal, "paid") < ROWS, "every row was paid before the kills ended");

    let mut finished = None;
    for _ in 0..8 {
        let output = feennex(&sandbox, &run_args("32")).arg(&csv).output().unwrap();
        match output.status.code() {
            Some(0) => {
                finished = Some(text(&output.stdout));
                break;
            }
            Some(4) => continue,
            other => panic!("exit {other:?}: {}", text(&output.stderr)),
        }
    }
    let stdout = finished.expect("the batch did not settle in eight runs");
    assert!(stdout.contains(&format!("rows: {ROWS} paid, 1 skipped")), "{stdout}");

    let ledger = ledger(&sandbox);
    assert_eq!(ledger.len(), ROWS);
    let rows = report(&dir.join("batch.csv.report.csv"));
    let paid: BTreeMap<&str, (Decimal, u16)> = rows
        .iter()
        .filter(|row| row.1 == "paid")
        .map(|row| (row.0.as_str(), (row.2.unwrap(), row.3.unwrap())))
        .collect();
    let booked: BTreeMap<&str, (Decimal, u16)> =
        ledger.iter().map(|(id, amount, currency)| (id.as_str(), (*amount, *currency))).collect();
    assert_eq!(paid, booked, "the report differs from the ledger");
    std::fs::remove_dir_all(dir).unwrap();
}
