//! `feennex demo`: a mass payout against an embedded sandbox, with no set-up.
//!
//! It starts a sandbox on a free loopback port with a little fault injection,
//! writes a sample batch (a couple of hundred payouts and a few invalid rows), runs
//! it with the progress bar, prints the summary, the faults the sandbox injected
//! and the creates sent again and lookups they caused, and checks the sandbox's
//! ledger: every paid row exactly once, whatever the faults did. Its files go to
//! a temporary directory that is removed at the end, unless `--dir` names one.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use feennex_proto::{
    Merchant, SecretKey,
    prelude::{ClientOptions, Decimal, ShopId},
};
use feennex_sandbox::{FaultConfig, FaultKind, Sandbox, SandboxConfig};

use clap::Args;

use crate::exit::Failure;
use crate::payouts::PayoutsRunArgs;
use crate::send::Api;

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Where to write the sample batch, journal and report, and keep them
    /// (default: a new temporary directory, removed at the end).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Seed of the sandbox's fault injection.
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
}

/// Valid rows in the sample batch.
const SAMPLE_ROWS: usize = 200;

pub fn run(args: &DemoArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let faults = FaultConfig::none()
        .with(FaultKind::DropBefore, 0.02)
        .with(FaultKind::DropAfter, 0.03)
        .with(FaultKind::Delay, 0.02)
        .with(FaultKind::Http502, 0.03)
        .with(FaultKind::Garbage, 0.02)
        .with(FaultKind::Truncate, 0.02)
        .with_seed(args.seed)
        .with_delay(Duration::from_millis(1500));
    let config = SandboxConfig::default().with_faults(faults);
    let loopback = ([127, 0, 0, 1], 0).into();
    let sandbox = Sandbox::spawn(loopback, config)
        .map_err(|error| Failure::Transport(format!("cannot start the sandbox: {error}")))?;
    crate::output::print(
        out,
        format_args!("sandbox listening on {} (with fault injection)", sandbox.base_url()),
    )?;

    let (directory, temporary) = match &args.dir {
        Some(dir) => (dir.clone(), None),
        None => {
            let temporary = fresh_directory()?;
            (temporary.path().to_owned(), Some(temporary))
        }
    };
    std::fs::create_dir_all(&directory).map_err(|error| {
        Failure::Output(format!("cannot create {}: {error}", directory.display()))
    })?;
    let csv = directory.join("payouts.csv");
    std::fs::write(&csv, sample_batch())
        .map_err(|error| Failure::Output(format!("cannot write {}: {error}", csv.display())))?;
    crate::output::print(out, format_args!("sample batch: {}", csv.display()))?;

    let base_url =
        sandbox.base_url().parse().map_err(|error| Failure::Input(format!("{error}")))?;
    let shop_id = ShopId::new(feennex_sandbox::DEFAULT_SHOP_ID)
        .ok_or_else(|| Failure::Input("shop id".into()))?;
    let merchant = Merchant::new(shop_id, SecretKey::new(feennex_sandbox::DEFAULT_SECRET))
        .with_base_url(base_url);
    // Short attempts, so a held-back answer is reconciled rather than waited for.
    let options = ClientOptions::default().attempt_timeout(Duration::from_secs(1));
    let run_args = PayoutsRunArgs {
        file: csv,
        journal: None,
        report: None,
        concurrency: 8,
        dry_run: false,
        skip_invalid: true,
        batch_id: None,
        store: None,
        lease: 30,
    };
    let report = directory.join("payouts.csv.report.csv");
    let result = crate::payouts::run_batch(&Api::new(merchant, options), &run_args, out);
    let faults = fault_summary(sandbox.base_url());
    let check = check_ledger(sandbox.base_url(), &report);
    sandbox.shutdown();
    let outcome = result.and_then(|()| {
        crate::output::print(out, format_args!("{}", faults?))?;
        crate::output::print(out, format_args!("{}", check?))
    });
    match (outcome, temporary) {
        (Ok(()), Some(temporary)) => {
            let shown = temporary.path().display().to_string();
            temporary.close().map_err(|error| {
                Failure::Output(format!("cannot remove the temporary directory {shown}: {error}"))
            })?;
            crate::output::print(
                out,
                format_args!("removed the temporary directory {shown} (--dir DIR keeps the files)"),
            )
        }
        // A demo that went wrong keeps its files, to be read.
        (Err(failure), Some(temporary)) => {
            eprintln!("the demo's files are kept in {}", temporary.keep().display());
            Err(failure)
        }
        (outcome, None) => outcome,
    }
}

/// What the sandbox says it injected, and what it caused: creates sent again and
/// status lookups, from the sandbox's count of the requests it received.
#[derive(serde::Deserialize)]
struct FaultCounts {
    injected: BTreeMap<String, u64>,
    requests: BTreeMap<String, u64>,
}

/// Two lines: the faults injected by kind, and the retries and lookups.
fn fault_summary(base_url: &str) -> Result<String, Failure> {
    let unreadable = |error: &dyn std::fmt::Display| {
        Failure::Output(format!("cannot read the sandbox's fault counts: {error}"))
    };
    let text = crate::send::runtime()?
        .block_on(feennex_sandbox::introspect(base_url, "faults"))
        .map_err(|e| unreadable(&e))?;
    let counts: FaultCounts = serde_json::from_str(&text).map_err(|e| unreadable(&e))?;
    Ok(describe_faults(&counts))
}

fn describe_faults(counts: &FaultCounts) -> String {
    let injected: u64 = counts.injected.values().sum();
    let requests: u64 = counts.requests.values().sum();
    let kinds: Vec<String> =
        counts.injected.iter().map(|(kind, count)| format!("{count} {kind}")).collect();
    let kinds = if kinds.is_empty() { "none".to_owned() } else { kinds.join(", ") };
    let creates = counts.requests.get("/transfer/create").copied().unwrap_or(0);
    let lookups = counts.requests.get("/transfer/shop_payment_status").copied().unwrap_or(0);
    let again = creates.saturating_sub(SAMPLE_ROWS as u64);
    format!(
        "faults injected: {injected} of {requests} API requests ({kinds})\n\
         they caused: {again} creates sent again ({creates} for {SAMPLE_ROWS} rows) and \
         {lookups} status lookups"
    )
}

/// A payout as the sandbox's ledger lists it.
#[derive(serde::Deserialize)]
struct LedgerTransfer {
    shop_payment_id: String,
    write_off_amount: Box<serde_json::value::RawValue>,
    shop_currency: u16,
}

/// Compares the report with the sandbox's ledger: the same payouts, each once, and
/// the same totals per currency to the cent.
fn check_ledger(base_url: &str, report: &Path) -> Result<String, Failure> {
    let unreadable = |error: &dyn std::fmt::Display| {
        Failure::Output(format!("cannot check the ledger: {error}"))
    };
    let ledger_text = crate::send::runtime()?
        .block_on(feennex_sandbox::introspect(base_url, "transfers"))
        .map_err(|e| unreadable(&e))?;
    let ledger: Vec<LedgerTransfer> =
        serde_json::from_str(&ledger_text).map_err(|e| unreadable(&e))?;
    let mut ledger_totals: BTreeMap<u16, Decimal> = BTreeMap::new();
    let mut ledger_ids = BTreeSet::new();
    for transfer in &ledger {
        if !ledger_ids.insert(transfer.shop_payment_id.as_str()) {
            return Err(Failure::Unfinished(
                1,
                format!("{} was paid twice", transfer.shop_payment_id),
            ));
        }
        let amount: Decimal = transfer
            .write_off_amount
            .get()
            .trim_matches('"')
            .parse()
            .map_err(|e| unreadable(&e))?;
        *ledger_totals.entry(transfer.shop_currency).or_default() += amount;
    }
    let mut reader = csv::Reader::from_path(report).map_err(|e| unreadable(&e))?;
    let mut report_totals: BTreeMap<u16, Decimal> = BTreeMap::new();
    let mut report_ids = BTreeSet::new();
    for record in reader.records() {
        let record = record.map_err(|e| unreadable(&e))?;
        if record.get(2) == Some("paid") {
            report_ids.insert(record.get(1).unwrap_or_default().to_owned());
            let amount: Decimal =
                record.get(4).unwrap_or_default().parse().map_err(|e| unreadable(&e))?;
            let currency: u16 =
                record.get(5).unwrap_or_default().parse().map_err(|e| unreadable(&e))?;
            *report_totals.entry(currency).or_default() += amount;
        }
    }
    let same_payouts = ledger_ids.iter().copied().eq(report_ids.iter().map(String::as_str));
    if !same_payouts || ledger_totals != report_totals {
        return Err(Failure::Unfinished(
            1,
            "the sandbox's ledger and the report disagree".to_owned(),
        ));
    }
    Ok(format!(
        "sandbox ledger: {} payouts, each exactly once, totals equal to the report's",
        ledger.len()
    ))
}

/// A new directory under the system's temporary directory, with a random name
/// made by the system (no other process can have it), removed when dropped.
fn fresh_directory() -> Result<tempfile::TempDir, Failure> {
    tempfile::Builder::new()
        .prefix("feennex-demo-")
        .tempdir()
        .map_err(|error| Failure::Output(format!("cannot create a temporary directory: {error}")))
}

/// Two hundred payouts to wallets and e-mail accounts in three currencies, and a
/// few rows that validation refuses.
fn sample_batch() -> String {
    let mut csv = String::from(
        "payee_account,amount,payee_currency,shop_currency,amount_type,shop_payment_id,description\n",
    );
    for row in 0..SAMPLE_ROWS {
        let account = if row % 5 == 4 {
            format!("payee{row}@example.com")
        } else {
            format!("20{:010}", 1_000_000 + row * 7919)
        };
        let cents = 500 + (row * 3_137) % 49_500;
        let (payee_currency, shop_currency) =
            [(840, 840), (978, 840), (643, 643), (978, 978)][row % 4];
        let amount_type = if row % 3 == 0 { "writeoff_amount" } else { "receive_amount" };
        let id = if row % 10 == 0 { format!("demo-explicit-{row}") } else { String::new() };
        let _ = writeln!(
            csv,
            "{account},{}.{:02},{payee_currency},{shop_currency},{amount_type},{id},Demo payout {row}",
            cents / 100,
            cents % 100
        );
    }
    csv.push_str("not-an-account,10,840,840,,,Refused: bad account\n");
    csv.push_str("201234567890,-5,840,840,,,Refused: negative amount\n");
    csv.push_str("201234567890,10,999x,840,,,Refused: bad currency\n");
    csv.push_str("201234567890,10,840,840,,demo-explicit-0,Refused: id used twice\n");
    csv
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fault_lines_count_kinds_creates_sent_again_and_lookups() {
        let counts = FaultCounts {
            injected: [("drop-after".to_owned(), 3), ("http-502".to_owned(), 2)].into(),
            requests: [
                ("/transfer/create".to_owned(), 204),
                ("/transfer/shop_payment_status".to_owned(), 5),
            ]
            .into(),
        };
        assert_eq!(
            describe_faults(&counts),
            "faults injected: 5 of 209 API requests (3 drop-after, 2 http-502)\n\
             they caused: 4 creates sent again (204 for 200 rows) and 5 status lookups"
        );
        let quiet = FaultCounts { injected: BTreeMap::new(), requests: BTreeMap::new() };
        assert!(describe_faults(&quiet).starts_with("faults injected: 0 of 0 API requests (none)"));
    }

    #[test]
    fn the_sample_batch_has_its_valid_and_invalid_rows() {
        let dir = std::env::temp_dir().join(format!("feennex-demo-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let csv = dir.join("payouts.csv");
        std::fs::write(&csv, sample_batch()).unwrap();
        let batch = feennex_batch::BatchFile::scan(&csv, None).unwrap();
        assert_eq!(batch.valid_rows(), SAMPLE_ROWS as u64);
        assert_eq!(batch.invalid_rows().count(), 4);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
