//! `feennex payouts run --store` and `feennex payouts status`: a batch kept in
//! PostgreSQL, shared by any number of workers, and a batch's counts from either
//! store.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use feennex_batch::{
    BatchFile, Binding, Journal, PgOptions, PgStore, StoreError, check_distinct, summarize,
    write_report_from,
};

use super::progress::Progress;
use super::{EXIT_UNKNOWN, PayoutsRunArgs, PayoutsStatusArgs, beside, stop_on_signals, verdict};
use crate::exit::Failure;
use crate::send::Api;

/// A store's refusal is bad input (exit 2); a database that fails is like a
/// transport that fails (exit 4).
fn store_failure(error: &StoreError) -> Failure {
    match error {
        StoreError::Mismatch(_) => Failure::Input(error.to_string()),
        _ => Failure::Transport(error.to_string()),
    }
}

fn binding(api: &Api, batch: &BatchFile) -> Binding {
    let merchant = api.merchant();
    Binding::new(merchant.shop_id().get(), merchant.base_url().to_string(), batch.batch_id())
}

/// One worker on a batch in PostgreSQL.
pub(super) struct Shared<'a> {
    pub api: &'a Api,
    pub args: &'a PayoutsRunArgs,
    pub batch: &'a BatchFile,
    pub url: &'a str,
    pub report_path: &'a Path,
}

impl Shared<'_> {
    pub fn run(
        &self,
        runtime: &tokio::runtime::Runtime,
        session: Arc<feennex_proto::Session>,
        transport: Arc<feennex_hyper::HyperTransport>,
        out: &mut dyn Write,
    ) -> Result<(), Failure> {
        let input = |error: &dyn std::fmt::Display| Failure::Input(error.to_string());
        check_distinct(&[("input", &self.args.file), ("report", self.report_path)])
            .map_err(|e| input(&e))?;
        let binding = binding(self.api, self.batch);
        let options =
            PgOptions::default().with_lease(Duration::from_secs(u64::from(self.args.lease)));
        let store = runtime
            .block_on(PgStore::open(self.url, &binding, self.batch, options))
            .map_err(|error| store_failure(&error))?;
        let store = Arc::new(store);

        let progress = Progress::new(self.batch.valid_rows());
        let stop = Arc::new(AtomicBool::new(false));
        runtime.spawn(stop_on_signals(stop.clone(), progress.clone()));
        let outcome = runtime.block_on(feennex_batch::run(
            session,
            transport,
            self.batch,
            store.clone(),
            usize::from(self.args.concurrency),
            stop.clone(),
            Arc::new(progress.clone()),
        ));
        progress.finish();
        if let Err(error) = &outcome {
            eprintln!("error: {error}; this worker stopped, rows in flight were let finish");
            return Err(Failure::Unfinished(
                EXIT_UNKNOWN,
                "the batch store failed; run again once it is back (rows whose create may have left are looked up first)".into(),
            ));
        }
        let settled =
            runtime.block_on(store.settled_rows()).map_err(|error| store_failure(&error))?;
        let (summary, written) = write_report_from(self.batch, &settled, Some(self.report_path))
            .map_err(|e| Failure::Transport(e.to_string()))?;
        summary.print(out).map_err(|error| Failure::Output(error.to_string()))?;
        crate::output::print(out, format_args!("store: batch {}", self.batch.batch_id()))?;
        let written = match written {
            Ok(()) => {
                crate::output::print(out, format_args!("report: {}", self.report_path.display()))?;
                Ok(())
            }
            Err(error) => {
                Err(format!("cannot write the report {}: {error}", self.report_path.display()))
            }
        };
        verdict(&summary, stop.load(Ordering::SeqCst), written)
    }
}

/// Prints a batch's counts per outcome and paid totals per currency.
pub fn status(api: &Api, args: &PayoutsStatusArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let input = |error: &dyn std::fmt::Display| Failure::Input(error.to_string());
    let batch = BatchFile::scan(&args.file, args.batch_id.as_deref()).map_err(|e| input(&e))?;
    let binding = binding(api, &batch);
    let summary = match &args.store {
        Some(url) => {
            let runtime = crate::send::runtime()?;
            let settled = runtime
                .block_on(PgStore::settled_rows_of(url, &binding))
                .map_err(|error| store_failure(&error))?;
            write_report_from(&batch, &settled, None).map_err(|e| input(&e))?.0
        }
        None => {
            let path = args.journal.clone().unwrap_or_else(|| beside(&args.file, ".journal"));
            if !path.exists() {
                return Err(Failure::Input(format!("no journal at {}", path.display())));
            }
            let journal = Journal::open(&path, &binding).map_err(|e| input(&e))?;
            summarize(&batch, &journal).map_err(|e| input(&e))?
        }
    };
    summary.print(out).map_err(|error| Failure::Output(error.to_string()))
}
