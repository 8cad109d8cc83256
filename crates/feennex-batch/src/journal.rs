//! The journal of a run, in a file: append-only JSON lines, bound to one shop, one
//! API endpoint and one batch, locked against a second run, written by one task
//! with group commit.
//!
//! Per row it records the intent (the id and what was asked) before the create is
//! sent, and the outcome after. A resumed run reads it back and asks the core what
//! each row's last record means ([`next_action`](feennex_proto::batch::next_action)).
//!
//! **Group commit.** Every entry goes to one writer thread. Entries submitted while
//! a sync runs are written together after it and covered by the next single
//! `fdatasync`; each submitter waits for the sync that covers its own entry, so
//! "the intent is on disk before the create is sent" holds at any concurrency, at
//! the cost of one sync per group instead of one per entry.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;

use feennex_proto::adoption::PayoutIntent;
use feennex_proto::batch::LastRecord;
use feennex_proto::prelude::Decimal;
use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, oneshot};

use crate::digest::{DigestMap, digest};
use crate::files::private;
use crate::settled::{Settled, SettledRows};

/// The journal format's version. 3: batch ids are the content's hash, not the
/// file's (a journal of 2 holds rows under ids this version does not derive), and
/// rows can be unverified.
const VERSION: u32 = 3;

/// What a journal belongs to: a run against another shop, endpoint or batch is
/// refused before anything is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Binding {
    /// The shop paying.
    pub shop_id: u64,
    /// The API's base URL.
    pub base_url: String,
    /// The batch (a hash of the file, or the id given).
    pub batch_id: String,
}

impl Binding {
    /// A binding to `shop_id` at `base_url` for `batch_id`.
    pub fn new(shop_id: u64, base_url: impl Into<String>, batch_id: impl Into<String>) -> Self {
        Self { shop_id, base_url: base_url.into(), batch_id: batch_id.into() }
    }
}

/// One line of the journal.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
enum Entry {
    Batch { version: u32, shop_id: u64, base_url: String, batch_id: String },
    Intent { record: u64, line: u64, intent: PayoutIntent },
    Paid { id: String, payout_id: u64, write_off: Decimal, shop_currency: u16, preexisting: bool },
    Failed { id: String, code: Option<i64>, message: String },
    Unknown { id: String, message: String, id_taken: bool },
    Conflict { id: String, payout_id: u64, message: String },
    Unverified { id: String, payout_id: u64, message: String },
}

impl Entry {
    fn outcome(id: &str, settled: &Settled) -> Self {
        let id = id.to_owned();
        match settled.clone() {
            Settled::Paid { payout_id, write_off, shop_currency, preexisting } => {
                Entry::Paid { id, payout_id, write_off, shop_currency, preexisting }
            }
            Settled::Failed { code, message } => Entry::Failed { id, code, message },
            Settled::Unknown { message, id_taken } => Entry::Unknown { id, message, id_taken },
            Settled::Conflict { payout_id, message } => Entry::Conflict { id, payout_id, message },
            Settled::Unverified { payout_id, message } => {
                Entry::Unverified { id, payout_id, message }
            }
        }
    }
}

/// The journal cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JournalError {
    /// Reading or writing failed.
    #[error("journal {}: {source}", path.display())]
    Io {
        /// The journal.
        path: PathBuf,
        /// Why.
        #[source]
        source: Arc<std::io::Error>,
    },
    /// Another run holds the journal.
    #[error("journal {} is in use by another run; wait for it to end (only one run at a time may use a journal)", path.display())]
    Locked {
        /// The journal.
        path: PathBuf,
    },
    /// The journal belongs to another shop, endpoint or batch.
    #[error("journal {} {reason}", path.display())]
    Mismatch {
        /// The journal.
        path: PathBuf,
        /// What differs, and what to do.
        reason: String,
    },
    /// A line other than the last is not a journal entry.
    #[error("journal {}: line {line} is damaged; it was not written by this program", path.display())]
    Damaged {
        /// The journal.
        path: PathBuf,
        /// The damaged line.
        line: usize,
    },
}

/// A digest of an id or an intent.
type Key = u128;

fn key(bytes: &[u8]) -> Key {
    digest(bytes)
}

/// The digest of an intent, to compare the file with the journal.
pub(crate) fn intent_key(intent: &PayoutIntent) -> Key {
    key(&serde_json::to_vec(intent).unwrap_or_default())
}

/// What the journal says about one row.
#[derive(Debug, Clone)]
struct RowRecord {
    intent: Key,
    last: LastRecord,
    settled: Option<Settled>,
}

/// A request to the writer: bytes to append and where to say they are durable.
struct Submission {
    bytes: Vec<u8>,
    durable: oneshot::Sender<Result<(), Arc<std::io::Error>>>,
}

/// An open, locked journal.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    rows: Mutex<DigestMap<RowRecord>>,
    writer: Option<mpsc::UnboundedSender<Submission>>,
    thread: Option<JoinHandle<()>>,
    syncs: Arc<std::sync::atomic::AtomicU64>,
}

impl std::fmt::Debug for Submission {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Submission").field("bytes", &self.bytes.len()).finish()
    }
}

impl Journal {
    /// Opens the journal at `path`, creating it (readable by its owner only) if
    /// absent, and locks it for this run. An existing journal must have the same
    /// binding. A last line cut short by a crash is dropped.
    pub fn open(path: &Path, binding: &Binding) -> Result<Self, JournalError> {
        let io = |source: std::io::Error| JournalError::Io {
            path: path.to_owned(),
            source: Arc::new(source),
        };
        let mut file = private(OpenOptions::new().read(true).append(true).create(true))
            .open(path)
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(JournalError::Locked { path: path.to_owned() });
            }
            Err(std::fs::TryLockError::Error(error)) => return Err(io(error)),
        }
        let (entries, good_length) = read_entries(&file, path)?;
        let mut entries = entries.into_iter();
        match entries.next() {
            None => {
                file.set_len(0).map_err(io)?;
                let header = Entry::Batch {
                    version: VERSION,
                    shop_id: binding.shop_id,
                    base_url: binding.base_url.clone(),
                    batch_id: binding.batch_id.clone(),
                };
                file.write_all(&line_of(&header)).map_err(io)?;
                file.sync_data().map_err(io)?;
                sync_parent(path);
            }
            Some(Entry::Batch { version, shop_id, base_url, batch_id }) => {
                let mismatch =
                    |reason: String| JournalError::Mismatch { path: path.to_owned(), reason };
                if version != VERSION {
                    return Err(mismatch(format!(
                        "was written in format {version}, not {VERSION}: finish it with the version that started it, or use another --journal"
                    )));
                }
                if shop_id != binding.shop_id {
                    return Err(mismatch(format!(
                        "belongs to shop {shop_id}, not {}: use that shop, or another --journal",
                        binding.shop_id
                    )));
                }
                if base_url != binding.base_url {
                    return Err(mismatch(format!(
                        "was written against the endpoint {base_url}, not {}: its rows were paid (or not) there; use that endpoint, or another --journal",
                        binding.base_url
                    )));
                }
                if batch_id != binding.batch_id {
                    return Err(mismatch(format!(
                        "belongs to batch {batch_id}, not {}: the CSV file changed since the journal was started. Run the original file, or pass --batch-id {batch_id} to continue with the edited one (rows are then checked one by one)",
                        binding.batch_id
                    )));
                }
                if good_length < file.metadata().map_err(io)?.len() {
                    file.set_len(good_length).map_err(io)?;
                    file.sync_data().map_err(io)?;
                }
            }
            Some(_) => return Err(JournalError::Damaged { path: path.to_owned(), line: 1 }),
        }
        let mut rows = DigestMap::default();
        for entry in entries {
            apply(&mut rows, &entry);
        }
        file.seek(SeekFrom::End(0)).map_err(io)?;
        let (sender, receiver) = mpsc::unbounded_channel();
        let syncs = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let thread_syncs = syncs.clone();
        let thread = std::thread::Builder::new()
            .name("feennex-journal".into())
            .spawn(move || write_groups(file, receiver, &thread_syncs))
            .map_err(io)?;
        Ok(Self {
            path: path.to_owned(),
            rows: Mutex::new(rows),
            writer: Some(sender),
            thread: Some(thread),
            syncs,
        })
    }

    /// The journal's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn rows(&self) -> std::sync::MutexGuard<'_, DigestMap<RowRecord>> {
        self.rows.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The last durable record of the row with this id.
    pub fn last(&self, shop_payment_id: &str) -> LastRecord {
        self.rows().get(&key(shop_payment_id.as_bytes())).map_or(LastRecord::None, |row| row.last)
    }

    /// How the row ended, if it did.
    pub fn settled(&self, shop_payment_id: &str) -> Option<Settled> {
        self.rows().get(&key(shop_payment_id.as_bytes())).and_then(|row| row.settled.clone())
    }

    /// Every settled row.
    pub(crate) fn all_settled(&self) -> SettledRows {
        let mut settled = SettledRows::default();
        for (key, row) in self.rows().iter() {
            if let Some(outcome) = &row.settled {
                settled.insert_digest(*key, outcome.clone());
            }
        }
        settled
    }

    /// Whether the journal recorded this very intent for its id: `None` when it
    /// recorded nothing for the id.
    pub fn same_intent(&self, intent: &PayoutIntent) -> Option<bool> {
        let recorded = self.rows().get(&key(intent.shop_payment_id().as_bytes()))?.intent;
        Some(recorded == intent_key(intent))
    }

    /// How many rows the journal knows.
    pub fn known_rows(&self) -> usize {
        self.rows().len()
    }

    /// How many syncs the writer made (one per group of entries).
    pub fn syncs(&self) -> u64 {
        self.syncs.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Records, durably, that a create is about to be sent for this row.
    pub async fn write_intent(
        &self,
        record: u64,
        line: u64,
        intent: &PayoutIntent,
    ) -> Result<(), JournalError> {
        self.write_intents(&[(record, line, intent.clone())]).await
    }

    /// Records, durably and in one write, that creates are about to be sent for
    /// these rows (record, line, intent).
    pub async fn write_intents(
        &self,
        rows: &[(u64, u64, PayoutIntent)],
    ) -> Result<(), JournalError> {
        if rows.is_empty() {
            return Ok(());
        }
        let entries: Vec<Entry> = rows
            .iter()
            .map(|(record, line, intent)| Entry::Intent {
                record: *record,
                line: *line,
                intent: intent.clone(),
            })
            .collect();
        self.write(&entries).await?;
        let mut index = self.rows();
        for entry in &entries {
            apply(&mut index, entry);
        }
        Ok(())
    }

    /// Records, durably, how a row ended.
    pub async fn write_outcome(
        &self,
        shop_payment_id: &str,
        settled: &Settled,
    ) -> Result<(), JournalError> {
        let entry = Entry::outcome(shop_payment_id, settled);
        self.write(std::slice::from_ref(&entry)).await?;
        apply(&mut self.rows(), &entry);
        Ok(())
    }

    async fn write(&self, entries: &[Entry]) -> Result<(), JournalError> {
        let failed =
            |source: Arc<std::io::Error>| JournalError::Io { path: self.path.clone(), source };
        let stopped = || failed(Arc::new(std::io::Error::other("the journal writer stopped")));
        let (durable, done) = oneshot::channel();
        let submission = Submission { bytes: entries.iter().flat_map(line_of).collect(), durable };
        self.writer.as_ref().ok_or_else(stopped)?.send(submission).map_err(|_| stopped())?;
        done.await.map_err(|_| stopped())?.map_err(failed)
    }
}

impl Drop for Journal {
    /// Waits for the writer to finish, so the lock is released when this returns.
    fn drop(&mut self) {
        drop(self.writer.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The writer: takes every submission waiting, writes them in one go, syncs once,
/// and tells each submitter. A failure fails every later submission too: a journal
/// that cannot be written must stop the run.
fn write_groups(
    mut file: File,
    mut receiver: mpsc::UnboundedReceiver<Submission>,
    syncs: &std::sync::atomic::AtomicU64,
) {
    let mut broken: Option<Arc<std::io::Error>> = None;
    let mut group = Vec::new();
    let mut bytes = Vec::new();
    while let Some(first) = receiver.blocking_recv() {
        group.push(first);
        while let Ok(more) = receiver.try_recv() {
            group.push(more);
        }
        let result = match &broken {
            Some(error) => Err(error.clone()),
            None => {
                bytes.clear();
                for submission in &group {
                    bytes.extend_from_slice(&submission.bytes);
                }
                let written = file.write_all(&bytes).and_then(|()| file.sync_data());
                syncs.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                written.map_err(|error| {
                    let error = Arc::new(error);
                    broken = Some(error.clone());
                    error
                })
            }
        };
        for submission in group.drain(..) {
            let _ = submission.durable.send(result.clone());
        }
    }
}

fn line_of(entry: &Entry) -> Vec<u8> {
    let mut line = serde_json::to_vec(entry).unwrap_or_default();
    line.push(b'\n');
    line
}

fn apply(rows: &mut DigestMap<RowRecord>, entry: &Entry) {
    match entry {
        Entry::Batch { .. } => {}
        Entry::Intent { intent, .. } => {
            let record = rows
                .entry(key(intent.shop_payment_id().as_bytes()))
                .or_insert(RowRecord { intent: 0, last: LastRecord::None, settled: None });
            record.intent = intent_key(intent);
            record.last = LastRecord::Intent;
        }
        Entry::Paid { id, payout_id, write_off, shop_currency, preexisting } => settle(
            rows,
            id,
            Settled::Paid {
                payout_id: *payout_id,
                write_off: *write_off,
                shop_currency: *shop_currency,
                preexisting: *preexisting,
            },
        ),
        Entry::Failed { id, code, message } => {
            settle(rows, id, Settled::Failed { code: *code, message: message.clone() });
        }
        Entry::Unknown { id, message, id_taken } => {
            settle(rows, id, Settled::Unknown { message: message.clone(), id_taken: *id_taken });
        }
        Entry::Conflict { id, payout_id, message } => {
            settle(rows, id, Settled::Conflict { payout_id: *payout_id, message: message.clone() })
        }
        Entry::Unverified { id, payout_id, message } => settle(
            rows,
            id,
            Settled::Unverified { payout_id: *payout_id, message: message.clone() },
        ),
    }
}

fn settle(rows: &mut DigestMap<RowRecord>, id: &str, settled: Settled) {
    if let Some(record) = rows.get_mut(&key(id.as_bytes())) {
        record.last = settled.last_record();
        record.settled = Some(settled);
    }
}

/// Every complete entry, and the length of the file up to the last good line. A
/// damaged last line (a crash mid-write) is left out; a damaged earlier line is an
/// error.
fn read_entries(file: &File, path: &Path) -> Result<(Vec<Entry>, u64), JournalError> {
    let io = |source: std::io::Error| JournalError::Io {
        path: path.to_owned(),
        source: Arc::new(source),
    };
    let mut reader = BufReader::new(file);
    let mut entries = Vec::new();
    let mut good_length = 0u64;
    let mut line = Vec::new();
    let mut number = 0;
    let mut damaged_at = None;
    loop {
        line.clear();
        let read = reader.read_until(b'\n', &mut line).map_err(io)?;
        if read == 0 {
            break;
        }
        number += 1;
        if let Some(at) = damaged_at {
            return Err(JournalError::Damaged { path: path.to_owned(), line: at });
        }
        let complete = line.last() == Some(&b'\n');
        if number == 1 {
            refuse_other_format(&line, path)?;
        }
        match serde_json::from_slice::<Entry>(&line) {
            Ok(entry) if complete => {
                entries.push(entry);
                good_length += read as u64;
            }
            _ => damaged_at = Some(number),
        }
    }
    Ok((entries, good_length))
}

/// A header of another format version (an older program's journal) is refused
/// with what to do, rather than read as damage or as an empty journal.
fn refuse_other_format(line: &[u8], path: &Path) -> Result<(), JournalError> {
    #[derive(Deserialize)]
    struct Header {
        event: String,
        version: u32,
    }
    match serde_json::from_slice::<Header>(line) {
        Ok(header) if header.event == "batch" && header.version != VERSION => {
            Err(JournalError::Mismatch {
                path: path.to_owned(),
                reason: format!(
                    "was written in format {}, not {VERSION}: finish it with the version that started it, or use another --journal",
                    header.version
                ),
            })
        }
        _ => Ok(()),
    }
}

/// Makes a new file's directory entry durable (best effort: not every file system
/// supports it).
fn sync_parent(path: &Path) {
    if let Some(parent) = path.parent() {
        let parent = if parent.as_os_str().is_empty() { Path::new(".") } else { parent };
        if let Ok(directory) = File::open(parent) {
            let _ = directory.sync_all();
        }
    }
}
