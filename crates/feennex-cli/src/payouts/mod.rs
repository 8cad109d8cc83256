//! `feennex payouts run`: mass payouts from a CSV file, validated first, paid
//! exactly once with bounded concurrency, resumable from a journal.

mod batch;
mod journal;
mod plan;
mod progress;
mod report;
mod runner;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

pub use batch::Batch;

use clap::{Args, Subcommand};

use crate::exit::Failure;
use crate::flags::ApiArgs;
use crate::send::Api;
use journal::Journal;
use progress::Progress;
use report::Outcome;

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
    /// Columns: payee_account, amount, payee_currency, shop_currency, and optionally
    /// amount_type (default receive_amount), shop_payment_id, description. Rows
    /// without a shop_payment_id get one derived from the file's content and the
    /// line, stable across runs of the same file.
    Run(PayoutsRunArgs),
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
}

pub fn run(args: &PayoutsArgs, out: &mut dyn Write) -> Result<(), Failure> {
    match &args.command {
        PayoutsCommand::Run(run) => run_batch(&Api::from_args(&args.api)?, run, out),
    }
}

/// Where a file beside the CSV goes by default: `payouts.csv` → `payouts.csv.journal`.
fn beside(csv: &Path, suffix: &str) -> PathBuf {
    let mut name = csv.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Runs (or dry-runs) a batch for the shop of `api`.
pub fn run_batch(api: &Api, args: &PayoutsRunArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let batch = Batch::read(&args.file).map_err(|error| Failure::Input(error.to_string()))?;
    if !batch.invalid.is_empty() {
        for invalid in &batch.invalid {
            eprintln!("line {}: {}", invalid.line, invalid.reason);
        }
        if !args.skip_invalid {
            return Err(Failure::Input(format!(
                "{}: {} invalid row(s), nothing was sent; fix them or pass --skip-invalid",
                args.file.display(),
                batch.invalid.len()
            )));
        }
        eprintln!("skipping {} invalid row(s)", batch.invalid.len());
    }
    let runtime = crate::send::runtime()?;
    let _inside = runtime.enter();
    let client = api.client()?;
    if args.dry_run {
        let plan = runtime.block_on(plan::precalculate(
            &client,
            &batch.rows,
            usize::from(args.concurrency),
        ));
        let balances = runtime.block_on(plan::balances(&client)).map_err(crate::send::failure)?;
        return plan::print(out, batch.rows.len(), &plan, &balances)
            .map_err(|error| Failure::Output(error.to_string()));
    }

    let journal_path = args.journal.clone().unwrap_or_else(|| beside(&args.file, ".journal"));
    let report_path = args.report.clone().unwrap_or_else(|| beside(&args.file, ".report.csv"));
    let journal = Journal::open(&journal_path, &batch.fingerprint, api.merchant().shop_id().get())
        .map_err(|error| Failure::Input(error.to_string()))?;
    let journal = Arc::new(journal);
    let progress = Progress::new(runner::remaining(&batch.rows, &journal) as u64);
    let stop = Arc::new(AtomicBool::new(false));
    runtime.spawn(stop_on_ctrl_c(stop.clone(), progress.clone()));
    let run = runtime.block_on(runner::run(
        &client,
        &batch.rows,
        journal.clone(),
        usize::from(args.concurrency),
        stop.clone(),
        &progress,
    ));
    progress.finish();
    run.map_err(|error| Failure::Transport(error.to_string()))?;

    let lines = report::lines(&batch, |line| journal.state(line));
    report::write(&report_path, &lines).map_err(Failure::Output)?;
    let summary = report::summarize(&lines);
    report::print_summary(out, &summary).map_err(|error| Failure::Output(error.to_string()))?;
    crate::output::print(out, format_args!("report: {}", report_path.display()))?;
    crate::output::print(out, format_args!("journal: {}", journal_path.display()))?;
    verdict(&summary, stop.load(Ordering::SeqCst))
}

/// The exit status of a finished run: 0 when every valid row is paid.
fn verdict(summary: &report::Summary, stopped: bool) -> Result<(), Failure> {
    let again = "run the same command again to continue";
    if stopped || summary.count(Outcome::Pending) > 0 {
        return Err(Failure::Unfinished(130, format!("stopped before the end; {again}")));
    }
    if summary.count(Outcome::Unknown) > 0 {
        let count = summary.count(Outcome::Unknown);
        return Err(Failure::Unfinished(4, format!("{count} row(s) of unknown outcome; {again}")));
    }
    if summary.count(Outcome::Failed) > 0 {
        let count = summary.count(Outcome::Failed);
        return Err(Failure::Unfinished(3, format!("{count} row(s) refused; see the report")));
    }
    Ok(())
}

/// The first Ctrl-C lets in-flight rows finish; a second one leaves at once (the
/// journal is consistent either way).
async fn stop_on_ctrl_c(stop: Arc<AtomicBool>, progress: Progress) {
    if tokio::signal::ctrl_c().await.is_err() {
        return;
    }
    stop.store(true, Ordering::SeqCst);
    progress.note("stopping: letting the rows in flight finish (Ctrl-C again to leave now)");
    if tokio::signal::ctrl_c().await.is_ok() {
        std::process::exit(130);
    }
}
