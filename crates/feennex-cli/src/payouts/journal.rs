//! The append-only journal of a payout run: one JSON object a line, flushed to disk
//! before each create is sent and after each outcome, so a run stopped in any way
//! (a crash, `kill -9`, Ctrl-C) can be resumed without paying a row twice.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use feennex_proto::Decimal;
use serde::{Deserialize, Serialize};

/// The journal format's version.
const VERSION: u32 = 1;

/// One line of the journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Entry {
    /// The first line: which batch and shop the journal belongs to.
    Batch {
        /// The format's version.
        version: u32,
        /// SHA-256 of the CSV file.
        csv_sha256: String,
        /// The shop paying.
        shop_id: u64,
    },
    /// A create is about to be sent for this row.
    Sending {
        /// The row's line.
        line: u64,
        /// The payout's id.
        shop_payment_id: String,
    },
    /// The row is paid.
    Paid {
        /// The row's line.
        line: u64,
        /// Feennex's id of the payout.
        payout_id: u64,
        /// What the shop paid.
        write_off: Decimal,
        /// In which currency.
        shop_currency: u16,
        /// Whether it was adopted from a status lookup.
        reconciled: bool,
    },
    /// The row was refused: nothing was paid.
    Failed {
        /// The row's line.
        line: u64,
        /// The API error code, when there was one.
        code: Option<i64>,
        /// Why.
        message: String,
    },
    /// The row's outcome could not be established; the next run asks first.
    Unknown {
        /// The row's line.
        line: u64,
        /// Why.
        message: String,
    },
}

/// Where a row stands, from the journal's last word on it.
#[derive(Debug, Clone, PartialEq)]
pub enum RowState {
    /// Nothing sent yet.
    Pending,
    /// A create may have been sent; its outcome is unknown.
    InFlight,
    /// Paid (see the entry).
    Paid { payout_id: u64, write_off: Decimal, shop_currency: u16, reconciled: bool },
    /// Refused; nothing paid.
    Failed { code: Option<i64>, message: String },
    /// The outcome is unknown after a full attempt.
    Unknown { message: String },
}

/// The journal cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    /// Reading or writing failed.
    #[error("journal {path}: {source}")]
    Io {
        /// The journal.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The journal belongs to another file or shop.
    #[error(
        "journal {path} does not match: {reason}. Use the CSV and shop it was started with, or another --journal"
    )]
    Mismatch {
        /// The journal.
        path: PathBuf,
        /// What differs.
        reason: String,
    },
    /// A line other than the last is not a journal entry.
    #[error("journal {path}: line {line} is damaged; it was not written by this program")]
    Damaged {
        /// The journal.
        path: PathBuf,
        /// The damaged line.
        line: usize,
    },
}

/// An open journal, appended to from any task.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    open: Mutex<OpenJournal>,
}

/// The file and what it says, changed together.
#[derive(Debug)]
struct OpenJournal {
    file: File,
    states: HashMap<u64, RowState>,
}

impl Journal {
    /// Opens the journal of a batch, creating it if absent. An existing journal
    /// must belong to the same CSV and shop. A last line cut short by a crash is
    /// dropped.
    pub fn open(path: &Path, csv_sha256: &str, shop_id: u64) -> Result<Self, JournalError> {
        let io = |source| JournalError::Io { path: path.to_owned(), source };
        let mut file =
            OpenOptions::new().read(true).append(true).create(true).open(path).map_err(io)?;
        let (entries, good_length) = read_entries(&file, path)?;
        let header = Entry::Batch { version: VERSION, csv_sha256: csv_sha256.to_owned(), shop_id };
        match entries.first() {
            None => {
                file.set_len(0).map_err(io)?;
                append_line(&mut file, &header).map_err(io)?;
                sync_parent(path);
            }
            Some(first) if *first == header => {
                if good_length < file.metadata().map_err(io)?.len() {
                    file.set_len(good_length).map_err(io)?;
                    file.sync_data().map_err(io)?;
                }
            }
            Some(Entry::Batch { csv_sha256: other, shop_id: other_shop, .. }) => {
                let reason = if other != csv_sha256 {
                    "the CSV file changed since the journal was started".to_owned()
                } else {
                    format!("it was started for shop {other_shop}, not {shop_id}")
                };
                return Err(JournalError::Mismatch { path: path.to_owned(), reason });
            }
            Some(_) => return Err(JournalError::Damaged { path: path.to_owned(), line: 1 }),
        }
        let mut states = HashMap::new();
        for entry in entries.into_iter().skip(1) {
            apply(&mut states, entry);
        }
        file.seek(SeekFrom::End(0)).map_err(io)?;
        Ok(Self { path: path.to_owned(), open: Mutex::new(OpenJournal { file, states }) })
    }

    /// Where a row stands.
    pub fn state(&self, line: u64) -> RowState {
        self.lock().states.get(&line).cloned().unwrap_or(RowState::Pending)
    }

    /// Appends an entry and waits until it is on disk.
    pub fn append(&self, entry: &Entry) -> Result<(), JournalError> {
        let mut open = self.lock();
        append_line(&mut open.file, entry)
            .map_err(|source| JournalError::Io { path: self.path.clone(), source })?;
        apply(&mut open.states, entry.clone());
        Ok(())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, OpenJournal> {
        self.open.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The journal's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// What an entry says about its row.
fn apply(states: &mut HashMap<u64, RowState>, entry: Entry) {
    let (line, state) = match entry {
        Entry::Batch { .. } => return,
        Entry::Sending { line, .. } => (line, RowState::InFlight),
        Entry::Paid { line, payout_id, write_off, shop_currency, reconciled } => {
            (line, RowState::Paid { payout_id, write_off, shop_currency, reconciled })
        }
        Entry::Failed { line, code, message } => (line, RowState::Failed { code, message }),
        Entry::Unknown { line, message } => (line, RowState::Unknown { message }),
    };
    states.insert(line, state);
}

/// Reads every complete entry and the length of the file they fill. Only the last
/// line may be incomplete (a write cut by a crash).
fn read_entries(file: &File, path: &Path) -> Result<(Vec<Entry>, u64), JournalError> {
    let mut reader = BufReader::new(file);
    let mut entries = Vec::new();
    let mut good_length = 0u64;
    let mut line = Vec::new();
    let mut number = 0;
    loop {
        line.clear();
        let read = reader
            .read_until(b'\n', &mut line)
            .map_err(|source| JournalError::Io { path: path.to_owned(), source })?;
        if read == 0 {
            break;
        }
        number += 1;
        let complete = line.ends_with(b"\n");
        match serde_json::from_slice::<Entry>(&line) {
            Ok(entry) if complete => {
                entries.push(entry);
                good_length += read as u64;
            }
            // A cut last line: the entry never counted.
            _ if !complete => break,
            _ => return Err(JournalError::Damaged { path: path.to_owned(), line: number }),
        }
    }
    Ok((entries, good_length))
}

fn append_line(file: &mut File, entry: &Entry) -> std::io::Result<()> {
    let mut line = serde_json::to_vec(entry).map_err(std::io::Error::other)?;
    line.push(b'\n');
    file.write_all(&line)?;
    file.sync_data()
}

/// Makes a new file's directory entry durable, where the platform allows it.
fn sync_parent(path: &Path) {
    if let Some(parent) = path.parent().filter(|parent| !parent.as_os_str().is_empty())
        && let Ok(directory) = File::open(parent)
    {
        let _ = directory.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_path(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("feennex-journal-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir.join("run.journal")
    }

    #[test]
    fn entries_survive_reopening_and_the_last_word_counts() {
        let path = temp_path("reopen");
        let journal = Journal::open(&path, "abc", 6).unwrap();
        journal.append(&Entry::Sending { line: 2, shop_payment_id: "p2".into() }).unwrap();
        journal.append(&Entry::Sending { line: 3, shop_payment_id: "p3".into() }).unwrap();
        journal
            .append(&Entry::Paid {
                line: 2,
                payout_id: 9,
                write_off: "10.70".parse().unwrap(),
                shop_currency: 840,
                reconciled: false,
            })
            .unwrap();
        drop(journal);
        let again = Journal::open(&path, "abc", 6).unwrap();
        assert_eq!(again.state(3), RowState::InFlight);
        match again.state(2) {
            RowState::Paid { payout_id, write_off, .. } => {
                assert_eq!(payout_id, 9);
                assert_eq!(write_off.to_string(), "10.70");
            }
            other => panic!("{other:?}"),
        }
        std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
    }

    #[test]
    fn a_line_cut_by_a_crash_is_dropped_and_the_file_repaired() {
        let path = temp_path("torn");
        let journal = Journal::open(&path, "abc", 6).unwrap();
        journal.append(&Entry::Sending { line: 2, shop_payment_id: "p2".into() }).unwrap();
        drop(journal);
        let mut file = OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(br#"{"event":"paid","line":2,"payo"#).unwrap();
        drop(file);
        let again = Journal::open(&path, "abc", 6).unwrap();
        assert_eq!(again.state(2), RowState::InFlight);
        again.append(&Entry::Unknown { line: 2, message: "x".into() }).unwrap();
        drop(again);
        let third = Journal::open(&path, "abc", 6).unwrap();
        assert_eq!(third.state(2), RowState::Unknown { message: "x".into() });
        std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
    }

    #[test]
    fn a_journal_of_another_file_or_shop_is_refused() {
        let path = temp_path("mismatch");
        drop(Journal::open(&path, "abc", 6).unwrap());
        let other_file = Journal::open(&path, "def", 6).unwrap_err();
        assert!(other_file.to_string().contains("CSV file changed"), "{other_file}");
        let other_shop = Journal::open(&path, "abc", 7).unwrap_err();
        assert!(other_shop.to_string().contains("shop 6"), "{other_shop}");
        std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
    }

    #[test]
    fn a_damaged_line_in_the_middle_is_refused() {
        let path = temp_path("damaged");
        drop(Journal::open(&path, "abc", 6).unwrap());
        let mut file = OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(b"not json\n{\"event\":\"sending\",\"line\":2,\"shop_payment_id\":\"p\"}\n")
            .unwrap();
        drop(file);
        let error = Journal::open(&path, "abc", 6).unwrap_err();
        assert!(matches!(error, JournalError::Damaged { line: 2, .. }), "{error}");
        std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
    }
}
