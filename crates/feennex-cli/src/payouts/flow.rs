//! The one payouts flow, for either store: open the store the flags name, run the
//! batch, report from the store's settled rows; and a batch's status, from the same
//! place.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use feennex_batch::{
    BatchFile, Binding, Journal, PgOptions, PgStore, Run, RunError, SettledRows, Store, StoreError,
    Summary, check_distinct, write_report,
};
use feennex_hyper::HyperTransport;
use feennex_proto::{Session, prelude::ApiError};

use super::progress::Progress;
use super::{
    EXIT_REFUSED, EXIT_UNKNOWN, PayoutsRunArgs, PayoutsStatusArgs, beside, stop_on_signals, verdict,
};
use crate::exit::Failure;
use crate::send::Api;

/// Where a batch's progress is kept, as the flags say.
enum Place {
    /// A journal file, one run at a time.
    Journal(PathBuf),
    /// A PostgreSQL store shared by any number of workers.
    Postgres(String),
}

impl Place {
    fn of(journal: Option<&PathBuf>, store: Option<&String>, csv: &Path) -> Self {
        match (store, journal) {
            (Some(url), _) => Place::Postgres(url.clone()),
            (None, Some(path)) => Place::Journal(path.clone()),
            (None, None) => Place::Journal(beside(csv, ".journal")),
        }
    }

    /// What the summary says of it.
    fn describe(&self, batch: &BatchFile) -> String {
        match self {
            Place::Journal(path) => format!("journal: {}", path.display()),
            Place::Postgres(_) => format!("store: batch {}", batch.batch_id()),
        }
    }
}

/// A store's refusal is bad input (exit 2); a store that fails is like a
/// transport that fails (exit 4).
fn store_failure(error: &StoreError) -> Failure {
    match error {
        StoreError::Mismatch(_) | StoreError::Journal(_) | StoreError::Batch(_) => {
            Failure::Input(error.to_string())
        }
        _ => Failure::Transport(error.to_string()),
    }
}

fn input(error: &dyn std::fmt::Display) -> Failure {
    Failure::Input(error.to_string())
}

fn binding(api: &Api, batch: &BatchFile) -> Binding {
    let merchant = api.merchant();
    Binding::new(merchant.shop_id().get(), merchant.base_url().to_string(), batch.batch_id())
}

/// A batch to pay, and what pays it.
pub(super) struct Payment<'a> {
    pub api: &'a Api,
    pub args: &'a PayoutsRunArgs,
    pub batch: &'a BatchFile,
    pub session: Arc<Session>,
    pub driver: Arc<HyperTransport>,
    pub report: PathBuf,
}

impl Payment<'_> {
    /// Opens the store the flags name (refusing one bound elsewhere or a file that
    /// no longer says what it recorded), pays, reports.
    pub fn run(
        self,
        runtime: &tokio::runtime::Runtime,
        out: &mut dyn Write,
    ) -> Result<(), Failure> {
        let args = self.args;
        let binding = binding(self.api, self.batch);
        let place = Place::of(args.journal.as_ref(), args.store.as_ref(), &args.file);
        match &place {
            Place::Journal(path) => {
                check_distinct(&[
                    ("input", &args.file),
                    ("journal", path),
                    ("report", &self.report),
                ])
                .map_err(|e| input(&e))?;
                let journal = Journal::open(path, &binding).map_err(|e| input(&e))?;
                self.batch.check_against(&journal).map_err(|e| input(&e))?;
                self.with_store(runtime, Arc::new(journal), &place, out)
            }
            Place::Postgres(url) => {
                check_distinct(&[("input", &args.file), ("report", &self.report)])
                    .map_err(|e| input(&e))?;
                let options =
                    PgOptions::default().with_lease(Duration::from_secs(u64::from(args.lease)));
                let store = runtime
                    .block_on(PgStore::open(url, &binding, self.batch, options))
                    .map_err(|error| store_failure(&error))?;
                self.with_store(runtime, Arc::new(store), &place, out)
            }
        }
    }

    fn with_store<S: Store>(
        self,
        runtime: &tokio::runtime::Runtime,
        store: Arc<S>,
        place: &Place,
        out: &mut dyn Write,
    ) -> Result<(), Failure> {
        let progress = Progress::new(self.batch.valid_rows());
        let stop = Arc::new(AtomicBool::new(false));
        runtime.spawn(stop_on_signals(stop.clone(), progress.clone()));
        let run = Run::builder()
            .session(self.session)
            .driver(self.driver)
            .batch(self.batch)
            .store(store.clone())
            .concurrency(usize::from(self.args.concurrency))
            .stop(stop.clone())
            .observer(Arc::new(progress.clone()))
            .build();
        let outcome = runtime.block_on(run.pay());
        progress.finish();
        let stopped_by = match &outcome {
            Ok(()) => None,
            Err(RunError::Refused(refused)) => Some(refused_failure(self.api, refused)),
            Err(error) => {
                eprintln!("error: {error}; the run stopped, rows in flight were let finish");
                Some(Failure::Unfinished(
                    EXIT_UNKNOWN,
                    "the batch store failed; run again once it is back (rows whose create may have left are looked up first)".into(),
                ))
            }
        };
        // A store that failed may still say what it settled: a run that moved money
        // says what it did whenever it can.
        let (settled, stopped_by) = match (runtime.block_on(store.settled_rows()), stopped_by) {
            (Ok(settled), stopped_by) => (settled, stopped_by),
            (Err(_), Some(stopped_by)) => return Err(stopped_by),
            (Err(error), None) => return Err(store_failure(&error)),
        };
        let (summary, written) = print_report(self.batch, &settled, &self.report, place, out)?;
        if let Some(stopped_by) = stopped_by {
            return Err(stopped_by);
        }
        verdict(&summary, written)
    }
}

/// Why the API refused the shop, in the operator's terms: a refused signature
/// names the key.
fn refused_failure(api: &Api, refused: &ApiError) -> Failure {
    let shop = api.merchant().shop_id().get();
    let message = if refused.is_bad_signature() {
        format!(
            "Feennex refused the signature of shop {shop}: the secret key (FEENNEX_SECRET_KEY or --secret-file) is not this shop's; nothing more was sent"
        )
    } else {
        format!("Feennex refused shop {shop} ({refused}); nothing more was sent")
    };
    Failure::Unfinished(EXIT_REFUSED, message)
}

/// Writes the report, prints the summary and where things are; gives the summary
/// and whether the report could be written.
fn print_report(
    batch: &BatchFile,
    settled: &SettledRows,
    report: &Path,
    place: &Place,
    out: &mut dyn Write,
) -> Result<(Summary, Result<(), String>), Failure> {
    let (summary, written) = write_report(batch, settled, Some(report))
        .map_err(|e| Failure::Transport(e.to_string()))?;
    summary.print(out).map_err(|error| Failure::Output(error.to_string()))?;
    crate::output::print(out, format_args!("{}", place.describe(batch)))?;
    let written = match written {
        Ok(()) => {
            crate::output::print(out, format_args!("report: {}", report.display()))?;
            Ok(())
        }
        Err(error) => Err(format!("cannot write the report {}: {error}", report.display())),
    };
    Ok((summary, written))
}

/// Prints a batch's counts per outcome and paid totals per currency, from the store
/// the flags name; sends nothing and claims nothing.
pub fn status(api: &Api, args: &PayoutsStatusArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let batch = BatchFile::scan(&args.file, args.batch_id.as_deref()).map_err(|e| input(&e))?;
    let binding = binding(api, &batch);
    let settled = match Place::of(args.journal.as_ref(), args.store.as_ref(), &args.file) {
        Place::Postgres(url) => {
            let runtime = crate::send::runtime()?;
            runtime
                .block_on(PgStore::settled_rows_of(&url, &binding))
                .map_err(|error| store_failure(&error))?
        }
        Place::Journal(path) => {
            if !path.exists() {
                return Err(Failure::Input(format!("no journal at {}", path.display())));
            }
            let journal = Journal::open(&path, &binding).map_err(|e| input(&e))?;
            let runtime = crate::send::runtime()?;
            runtime.block_on(journal.settled_rows()).map_err(|error| store_failure(&error))?
        }
    };
    let summary = write_report(&batch, &settled, None).map_err(|e| input(&e))?.0;
    summary.print(out).map_err(|error| Failure::Output(error.to_string()))
}
