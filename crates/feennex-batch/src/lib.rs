//! Mass payouts over the Feennex API that cannot lose or double a payout.
//!
//! A batch is a CSV file of wallet payouts or withdrawals. Its life:
//!
//! 1. [`BatchFile::scan`] reads and checks every row as a stream before anything
//!    is sent; a row's identity is its `shop_payment_id`, given in the file or
//!    derived as `batch-<batch id>-<record index>` (the batch id is a hash of the
//!    file's bytes unless given), never a line number.
//! 2. [`check_distinct`] refuses input, journal and report paths that are one file.
//! 3. [`Journal::open`] locks the journal (one run at a time) and refuses one
//!    written for another shop, API endpoint or batch; [`BatchFile::check_against`]
//!    refuses a file that no longer says what the journal recorded.
//! 4. [`run`] pays every row through the core's exactly-once machine with a fixed
//!    pool of workers over any [`AsyncTransport`](feennex_proto::transport::AsyncTransport).
//!    Each create's intent is durable before it is sent (group commit); a payout
//!    that was found rather than created is compared with its row
//!    ([`feennex_proto::batch`]): a mismatch is a [`Outcome::Conflict`], never paid;
//!    one that existed before the run is [`Outcome::AlreadyPaid`].
//! 5. [`write_report`] writes one line per row and gives the [`Summary`].
//!
//! Run it again after any stop (a crash, `kill -9`, Ctrl-C): rows whose create may
//! have left are looked up before anything is created again.
//!
//! The journal is one [`Store`]; [`PgStore`] is the other: a batch in PostgreSQL
//! that many workers share, each row claimed under a renewed lease. [`run`]
//! pays a batch on either; [`write_report_from`] reports from a store's
//! [`SettledRows`].
//!
//! ```no_run
//! use std::sync::{Arc, atomic::AtomicBool};
//! use feennex_batch::*;
//! use feennex_hyper::Client;
//! # async fn example(client: Client) -> Result<(), Box<dyn std::error::Error>> {
//! let input = std::path::Path::new("payouts.csv");
//! let batch = BatchFile::scan(input, None)?;
//! let (journal_path, report_path) = ("payouts.csv.journal".as_ref(), "payouts.csv.report.csv".as_ref());
//! check_distinct(&[("input", input), ("journal", journal_path), ("report", report_path)])?;
//! let merchant = client.session().merchant();
//! let binding = Binding::new(merchant.shop_id().get(), merchant.base_url().to_string(), batch.batch_id());
//! let journal = Arc::new(Journal::open(journal_path, &binding)?);
//! batch.check_against(&journal)?;
//! let stop = Arc::new(AtomicBool::new(false));
//! let session = Arc::new(client.session().clone());
//! let transport = Arc::new(client.transport().clone());
//! run(session, transport, &batch, journal.clone(), 8, stop, Arc::new(Quiet)).await?;
//! let (summary, written) = write_report(&batch, &journal, report_path)?;
//! written?;
//! summary.print(&mut std::io::stdout())?;
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod batch;
mod content;
mod dry_run;
mod files;
mod input;
mod journal;
mod lines;
mod pool;
mod postgres;
mod report;
mod runner;
mod store;

pub use batch::{BatchError, BatchFile};
pub use dry_run::{DryRun, DryRunError, dry_run};
pub use files::{SameFile, check_distinct};
pub use input::{
    Create, InputError, InvalidRow, PayoutKind, Row, RowReader, check_batch_id, derived_id,
    parse_amount, parse_currency,
};
pub use journal::{Binding, Journal, JournalError, Settled};
pub use postgres::{PgOptions, PgStore};
pub use report::{
    Outcome, ReportLine, ReportWriter, Summary, neutralized, summarize, write_report,
    write_report_from,
};
pub use runner::{Observer, Quiet, RowRef, RunError, run};
pub use store::{Claim, SettledRows, Store, StoreError};
