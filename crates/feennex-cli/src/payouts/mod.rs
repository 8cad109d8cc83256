//! `feennex payouts run`: the shell around the `feennex-batch` library: arguments,
//! a progress display, signals and exit codes.

mod flow;
mod progress;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use feennex_batch::{BatchFile, Outcome, Summary, dry_run};

use clap::{Args, Subcommand};

use crate::exit::{EXIT_CONFLICT, EXIT_UNVERIFIED, Failure};
use crate::flags::ApiArgs;
use crate::send::Api;
use progress::Progress;

/// Exit code: some rows refused, or the shop itself (or a dry run found a refusal
/// or a short balance).
pub(crate) const EXIT_REFUSED: u8 = 3;
/// Exit code: some outcomes unknown; run again.
pub(crate) const EXIT_UNKNOWN: u8 = 4;
/// Exit code: the report could not be written (the summary was printed).
const EXIT_NO_REPORT: u8 = 5;
/// Exit code: stopped by Ctrl-C or SIGTERM; run again.
const EXIT_STOPPED: u8 = 130;

/// `feennex payouts`: the API flags, then what to do.
#[derive(Debug, Args)]
pub struct PayoutsArgs {
    #[command(flatten)]
    pub api: ApiArgs,
    #[command(subcommand)]
    pub command: PayoutsCommand,
}

#[derive(Debug, Subcommand)]
pub enum PayoutsCommand {
    /// Pay every row of a CSV file exactly once; run it again to resume.
    ///
    /// Wallet payouts: payee_account, amount, payee_currency, shop_currency, and
    /// optionally amount_type (default receive_amount), shop_payment_id,
    /// description. Withdrawals: account, amount, payway, shop_currency, and
    /// optionally amount_type (default ps_amount), shop_payment_id,
    /// account_details. Rows without a shop_payment_id get batch-BATCH-N, BATCH
    /// being a hash of the rows (or --batch-id) and N the record's number.
    ///
    /// A payout found under a row's id is taken as the row's only when it matches
    /// and is proven the row's: by this batch's journal or store, or by an id
    /// derived from the rows' hash. Otherwise the row is a conflict (it differs)
    /// or unverified (nothing proves it), never paid.
    ///
    /// Exit codes: 0 every row paid or already paid; 2 invalid input, or the
    /// journal refused; 3 some rows refused (or, with --dry-run, refused or a
    /// short balance); 4 some outcomes unknown (run again); 5 the report could
    /// not be written; 6 conflicts; 7 unverified rows; 130 stopped (run again).
    Run(PayoutsRunArgs),
    /// Print a batch's counts per outcome and paid totals per currency, from its
    /// journal or its PostgreSQL store. Sends nothing.
    Status(PayoutsStatusArgs),
}

/// `feennex payouts status`.
#[derive(Debug, Args)]
pub struct PayoutsStatusArgs {
    /// The CSV file.
    pub file: PathBuf,
    /// The journal (default: FILE.journal beside the CSV).
    #[arg(long, value_name = "PATH", conflicts_with = "store")]
    pub journal: Option<PathBuf>,
    /// The PostgreSQL store (postgres://user:password@host:port/database); prefer
    /// the environment variable, which keeps the password out of the process list.
    #[arg(long, value_name = "URL", env = "FEENNEX_STORE_URL", hide_env_values = true)]
    pub store: Option<String>,
    /// The batch's id, if the run was given one.
    #[arg(long, value_name = "ID")]
    pub batch_id: Option<String>,
}

#[derive(Debug, Args)]
pub struct PayoutsRunArgs {
    /// The CSV file.
    pub file: PathBuf,
    /// The journal (default: FILE.journal beside the CSV).
    #[arg(long, value_name = "PATH")]
    pub journal: Option<PathBuf>,
    /// The report (default: FILE.report.csv beside the CSV).
    #[arg(long, value_name = "PATH")]
    pub report: Option<PathBuf>,
    /// Payouts in flight at once.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,
    /// Precalculate every row and compare with the balance; pay nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Report invalid rows and pay the others, instead of refusing to start.
    #[arg(long)]
    pub skip_invalid: bool,
    /// The batch's id, the basis of derived payout ids (default: a hash of the
    /// rows, which proves a payout found under a derived id is the row's). An id
    /// you choose proves nothing: payouts found under its ids are adopted only
    /// where the journal or store recorded the row. Give the journal's id to
    /// continue a batch whose file was edited.
    #[arg(long, value_name = "ID")]
    pub batch_id: Option<String>,
    /// Keep the batch in PostgreSQL instead of a journal file, so any number of
    /// workers on any machines share it (postgres://user:password@host:port/db).
    /// Prefer the environment variable: it keeps the password out of the process
    /// list.
    #[arg(
        long,
        value_name = "URL",
        env = "FEENNEX_STORE_URL",
        hide_env_values = true,
        conflicts_with = "journal"
    )]
    pub store: Option<String>,
    /// With --store: seconds a worker's claim on a row lasts unless renewed; a
    /// worker that dies leaves its rows to the others after this long. A worker
    /// whose database does not answer for half of it (at most 10 s) stops, exit 4.
    #[arg(long, value_name = "SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u32).range(2..=3600))]
    pub lease: u32,
}

pub fn run(args: &PayoutsArgs, out: &mut dyn Write) -> Result<(), Failure> {
    match &args.command {
        PayoutsCommand::Run(run) => run_batch(&Api::from_args(&args.api)?, run, out),
        PayoutsCommand::Status(status) => flow::status(&Api::from_args(&args.api)?, status, out),
    }
}

/// Where a file beside the CSV goes by default: `payouts.csv` → `payouts.csv.journal`.
pub(crate) fn beside(csv: &Path, suffix: &str) -> PathBuf {
    let mut name = csv.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Runs (or dry-runs) a batch for the shop of `api`.
pub fn run_batch(api: &Api, args: &PayoutsRunArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let input = |error: &dyn std::fmt::Display| Failure::Input(error.to_string());
    let batch = BatchFile::scan(&args.file, args.batch_id.as_deref()).map_err(|e| input(&e))?;
    let invalid = batch.invalid_rows().count();
    if invalid > 0 {
        for row in batch.invalid_rows() {
            eprintln!("line {}: {}", row.line, row.reason);
        }
        if !args.skip_invalid {
            return Err(Failure::Input(format!(
                "{}: {invalid} invalid row(s), nothing was sent; fix them or pass --skip-invalid",
                args.file.display()
            )));
        }
        eprintln!("skipping {invalid} invalid row(s)");
    }
    let runtime = crate::send::batch_runtime()?;
    let _inside = runtime.enter();
    let client = api.client()?;
    let session = Arc::new(client.session().clone());
    let driver = Arc::new(client.transport().clone());
    if args.dry_run {
        let concurrency = usize::from(args.concurrency);
        let found = runtime
            .block_on(dry_run(session, driver, &batch, concurrency))
            .map_err(|error| Failure::Transport(error.to_string()))?;
        return print_dry_run(out, &found);
    }
    let report = args.report.clone().unwrap_or_else(|| beside(&args.file, ".report.csv"));
    flow::Payment { api, args, batch: &batch, session, driver, report }.run(&runtime, out)
}

/// The exit status of a finished run, the most urgent first: 0 when every valid
/// row is paid or was already paid.
pub(crate) fn verdict(summary: &Summary, written: Result<(), String>) -> Result<(), Failure> {
    let again = "run the same command again to continue";
    // A stop that came after the last row changes nothing: the run ended as it
    // would have.
    if summary.count(Outcome::Pending) > 0 {
        return Err(Failure::Unfinished(EXIT_STOPPED, format!("stopped before the end; {again}")));
    }
    written.map_err(|message| Failure::Unfinished(EXIT_NO_REPORT, message))?;
    let count = |outcome| summary.count(outcome);
    if count(Outcome::Conflict) > 0 {
        return Err(Failure::Unfinished(
            EXIT_CONFLICT,
            format!(
                "{} row(s) conflict: a payout under their id exists but differs from the row; see the report",
                count(Outcome::Conflict)
            ),
        ));
    }
    if count(Outcome::Unverified) > 0 {
        return Err(Failure::Unfinished(
            EXIT_UNVERIFIED,
            format!(
                "{} row(s) unverified: a payout under their id matches the row, but nothing shows it was made for it; see the report",
                count(Outcome::Unverified)
            ),
        ));
    }
    if count(Outcome::Unknown) > 0 {
        return Err(Failure::Unfinished(
            EXIT_UNKNOWN,
            format!("{} row(s) of unknown outcome; {again}", count(Outcome::Unknown)),
        ));
    }
    if count(Outcome::Failed) > 0 {
        return Err(Failure::Unfinished(
            EXIT_REFUSED,
            format!("{} row(s) refused; see the report", count(Outcome::Failed)),
        ));
    }
    Ok(())
}

fn print_dry_run(out: &mut dyn Write, found: &feennex_batch::DryRun) -> Result<(), Failure> {
    let print = |out: &mut dyn Write| -> std::io::Result<()> {
        writeln!(out, "dry run: {} rows precalculated, nothing paid", found.rows)?;
        for (line, reason) in &found.refused {
            writeln!(out, "  line {line}: refused: {reason}")?;
        }
        let short = found.shortfalls();
        for (currency, total) in &found.write_offs {
            let available = found.available.get(currency).copied().unwrap_or_default().normalize();
            let total = total.normalize();
            let verdict = match short.get(currency) {
                Some(by) => format!("short by {}", by.normalize()),
                None => "enough".to_owned(),
            };
            let alpha = feennex_proto::prelude::Currency::new(*currency)
                .and_then(|c| c.alpha())
                .unwrap_or("");
            writeln!(
                out,
                "  {currency} {alpha}: write-off {total}, available {available}: {verdict}"
            )?;
        }
        Ok(())
    };
    print(out).map_err(|error| Failure::Output(error.to_string()))?;
    if found.is_payable() {
        return Ok(());
    }
    Err(Failure::Unfinished(
        EXIT_REFUSED,
        "the batch cannot be paid as it is: see the refusals and shortfalls above".into(),
    ))
}

/// The first Ctrl-C or SIGTERM lets rows in flight finish; a second one leaves at
/// once (the journal is consistent either way).
pub(crate) async fn stop_on_signals(stop: Arc<AtomicBool>, progress: Progress) {
    #[cfg(unix)]
    let mut terminate =
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(signal) => signal,
            Err(_) => return,
        };
    let signal = async {
        #[cfg(unix)]
        tokio::select! {
            result = tokio::signal::ctrl_c() => result.is_ok(),
            received = terminate.recv() => received.is_some(),
        }
        #[cfg(not(unix))]
        tokio::signal::ctrl_c().await.is_ok()
    };
    if !signal.await {
        return;
    }
    stop.store(true, Ordering::SeqCst);
    progress.note("stopping: letting the rows in flight finish (signal again to leave now)");
    #[cfg(unix)]
    let again = tokio::select! {
        result = tokio::signal::ctrl_c() => result.is_ok(),
        received = terminate.recv() => received.is_some(),
    };
    #[cfg(not(unix))]
    let again = tokio::signal::ctrl_c().await.is_ok();
    if again {
        std::process::exit(i32::from(EXIT_STOPPED));
    }
}
