//! Mass payouts over the Feennex API that cannot lose or double a payout.
//!
//! A batch is a CSV file of wallet payouts or withdrawals. Its life:
//!
//! 1. [`BatchFile::scan`] reads and checks every row as a stream before anything
//!    is sent; a row's identity is its `shop_payment_id`, given in the file or
//!    derived as `batch-<batch id>-<record index>` (the batch id is a hash of the
//!    file's rows unless given), never a line number.
//! 2. [`check_distinct`] refuses input, journal and report paths that are one file.
//! 3. A [`Store`] keeps the run's progress: [`Journal::open`] locks a journal file
//!    (one run at a time) and refuses one written for another shop, API endpoint or
//!    batch, and [`BatchFile::check_against`] refuses a file that no longer says what
//!    it recorded; [`PgStore`] keeps the batch in PostgreSQL for many workers, each
//!    row claimed under a renewed lease.
//! 4. A [`Run`] pays every row through the core's exactly-once machine with a fixed
//!    pool of workers over any [`AsyncDriver`](feennex_proto::session::AsyncDriver)
//!    (no client is built in: the caller hands one over). Each create's intent is
//!    durable before it is sent; a payout found under a row's id is the row's only
//!    under the core's rule ([`feennex_proto::adoption`]): one that differs is an
//!    [`Outcome::Conflict`], one not proven the row's [`Outcome::Unverified`],
//!    never paid; one that existed before the run and is proven is
//!    [`Outcome::AlreadyPaid`].
//! 5. [`write_report`] writes one line per row from the store's
//!    [`SettledRows`] and gives the [`Summary`].
//!
//! Run it again after any stop (a crash, `kill -9`, Ctrl-C): rows whose create may
//! have left are looked up before anything is created again.
//!
//! ```no_run
//! use std::sync::Arc;
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
//! Run::builder()
//!     .session(Arc::new(client.session().clone()))
//!     .driver(Arc::new(client.transport().clone()))
//!     .batch(&batch)
//!     .store(journal.clone())
//!     .concurrency(8)
//!     .build()
//!     .pay()
//!     .await?;
//! let (summary, written) = write_report(&batch, &journal.settled_rows().await?, Some(report_path))?;
//! written?;
//! summary.print(&mut std::io::stdout())?;
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod batch;
mod content;
mod digest;
mod dry_run;
mod files;
mod input;
mod journal;
mod lines;
mod pool;
mod postgres;
mod report;
mod rows;
mod runner;
mod settled;
mod store;

pub use batch::{BatchError, BatchFile};
pub use dry_run::{DryRun, DryRunError, dry_run};
pub use files::{SameFile, check_distinct};
pub use input::{
    Create, InputError, InvalidRow, PayoutKind, Row, RowReader, check_batch_id, derived_id,
    parse_amount, parse_currency,
};
pub use journal::{Binding, Journal, JournalError};
pub use postgres::{PgOptions, PgStore};
pub use report::{Outcome, ReportLine, ReportWriter, Summary, neutralized, write_report};
pub use rows::BatchRows;
pub use runner::{Observer, Quiet, RowRef, Run, RunError};
pub use settled::{Settled, SettledRows};
pub use store::{Claim, Claimed, Store, StoreError};
