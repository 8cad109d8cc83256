//! A batch file, scanned before anything is sent: its id, every row checked, ids
//! unique, and (when resuming) every row compared with what the journal recorded.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use sha2::{Digest, Sha256};

use feennex_proto::batch::IdOrigin;

use crate::content::content_id;
use crate::digest::{DigestMap, digest};
use crate::input::{
    InputError, InvalidRow, PayoutKind, Row, RowReader, check_batch_id, is_derived_form,
};
use crate::journal::Journal;

/// A batch cannot be used as it is.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BatchError {
    /// The file cannot be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file is not a payout CSV.
    #[error("{}: {source}", path.display())]
    Input {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        #[source]
        source: InputError,
    },
    /// The batch id given cannot make ids.
    #[error("{0}")]
    BatchId(String),
    /// The file no longer says what the journal recorded.
    #[error("{}: {reason}; nothing was sent. Restore the file as it was, or use another --journal", path.display())]
    ChangedSinceJournal {
        /// The file.
        path: PathBuf,
        /// Which row differs and how.
        reason: String,
    },
}

/// A scanned file read again, row by row: each row checked as it is taken, or
/// passed over unchecked.
pub(crate) struct BatchReader {
    reader: RowReader<BufReader<File>>,
    invalid: Arc<BTreeMap<u64, InvalidRow>>,
    path: PathBuf,
}

impl BatchReader {
    /// The next row: valid as `Ok`, invalid (as the scan found it, or now) as
    /// `Err`; `None` at the end.
    pub(crate) fn next_row(&mut self) -> Option<Result<Result<Row, InvalidRow>, BatchError>> {
        let row = match self.reader.next_row()? {
            Ok(row) => row,
            Err(source) => return Some(Err(self.broken(source))),
        };
        Some(Ok(match row {
            Ok(row) => match self.invalid.get(&row.record) {
                Some(invalid) => Err(invalid.clone()),
                None => Ok(row),
            },
            Err(invalid) => Err(invalid),
        }))
    }

    /// The next row's line and id, the rest of it unchecked: valid as `Ok`,
    /// invalid (as the scan found it, or its id now) as `Err`; `None` at the end.
    pub(crate) fn next_id(&mut self) -> Option<Result<ReportRow, BatchError>> {
        let row = match self.reader.next_id()? {
            Ok(row) => row,
            Err(source) => return Some(Err(self.broken(source))),
        };
        Some(Ok(match (self.invalid.get(&row.record), row.id) {
            (Some(invalid), _) => Err(invalid.clone()),
            (None, Ok(id)) => Ok((row.line, id.as_str().to_owned())),
            (None, Err(reason)) => Err(InvalidRow {
                record: row.record,
                line: row.line,
                shop_payment_id: None,
                reason,
            }),
        }))
    }

    /// Passes over the next row without checking it: its record's index, `None`
    /// at the end.
    pub(crate) fn skip_row(&mut self) -> Option<Result<u64, BatchError>> {
        Some(self.reader.skip_record()?.map_err(|source| self.broken(source)))
    }

    fn broken(&self, source: InputError) -> BatchError {
        BatchError::Input { path: self.path.clone(), source }
    }
}

/// A row as a report reads it: a valid row's line and id, or an invalid row.
pub(crate) type ReportRow = Result<(u64, String), InvalidRow>;

/// A scanned batch file. Only invalid rows are kept in memory; valid rows are read
/// again, as a stream, when they are paid.
#[derive(Debug, Clone)]
pub struct BatchFile {
    path: PathBuf,
    batch_id: String,
    /// Whether `batch_id` is the content's hash or was given.
    id_origin: IdOrigin,
    kind: PayoutKind,
    valid: u64,
    invalid: Arc<BTreeMap<u64, InvalidRow>>,
}

impl BatchFile {
    /// Reads and checks every row of the file at `path`. Without a `batch_id`, the
    /// batch's id is a hash of its rows, not of its bytes, so the same rows give the
    /// same derived ids on every run, however the file is saved; a `batch_id` given
    /// commits to nothing.
    pub fn scan(path: &Path, batch_id: Option<&str>) -> Result<Self, BatchError> {
        let (batch_id, id_origin) = match batch_id {
            Some(given) => {
                check_batch_id(given).map_err(BatchError::BatchId)?;
                (given.to_owned(), IdOrigin::Chosen)
            }
            None => {
                let file = open(path)?;
                let id = content_id(BufReader::with_capacity(64 * 1024, file))
                    .map_err(|source| BatchError::Input { path: path.to_owned(), source })?;
                (id, IdOrigin::Content)
            }
        };
        let mut reader = open_rows(path, &batch_id, id_origin)?;
        let kind = reader.kind();
        let mut valid = 0;
        let mut invalid = BTreeMap::new();
        // The merchant's own ids seen so far, as 128-bit digests with the line of
        // their first row. Derived ids are unique by construction: memory grows only
        // with own ids.
        let mut seen: DigestMap<u64> = DigestMap::default();
        for result in &mut reader {
            let row =
                result.map_err(|source| BatchError::Input { path: path.to_owned(), source })?;
            let row = row.and_then(|row| {
                let id = row.intent.shop_payment_id();
                if is_derived_form(&batch_id, id) {
                    return Ok(row);
                }
                match seen.insert(digest(id.as_bytes()), row.line) {
                    Some(first) => Err(InvalidRow {
                        record: row.record,
                        line: row.line,
                        shop_payment_id: Some(id.to_owned()),
                        reason: format!("shop_payment_id {id:?} is used on line {first} already"),
                    }),
                    None => Ok(row),
                }
            });
            match row {
                Ok(_) => valid += 1,
                Err(row) => {
                    invalid.insert(row.record, row);
                }
            }
        }
        if valid == 0 && invalid.is_empty() {
            return Err(BatchError::Input { path: path.to_owned(), source: InputError::NoRows });
        }
        Ok(Self {
            path: path.to_owned(),
            batch_id,
            id_origin,
            kind,
            valid,
            invalid: Arc::new(invalid),
        })
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The batch's id: the basis of derived `shop_payment_id`s.
    pub fn batch_id(&self) -> &str {
        &self.batch_id
    }

    /// Whether the batch's id is its content's hash or was given.
    pub fn id_origin(&self) -> IdOrigin {
        self.id_origin
    }

    /// Wallet payouts or withdrawals.
    pub fn kind(&self) -> PayoutKind {
        self.kind
    }

    /// How many rows can be paid.
    pub fn valid_rows(&self) -> u64 {
        self.valid
    }

    /// The rows that cannot, in file order.
    pub fn invalid_rows(&self) -> impl Iterator<Item = &InvalidRow> {
        self.invalid.values()
    }

    /// Every row again, in file order, as a stream: valid rows as `Ok`, invalid
    /// ones (duplicates included) as `Err`.
    pub fn rows(
        &self,
    ) -> Result<
        impl Iterator<Item = Result<Result<Row, InvalidRow>, BatchError>> + Send + 'static,
        BatchError,
    > {
        let mut reader = self.reader()?;
        Ok(std::iter::from_fn(move || reader.next_row()))
    }

    /// The file read again from its first row, rows taken or passed over.
    pub(crate) fn reader(&self) -> Result<BatchReader, BatchError> {
        Ok(BatchReader {
            reader: open_rows(&self.path, &self.batch_id, self.id_origin)?,
            invalid: self.invalid.clone(),
            path: self.path.clone(),
        })
    }

    /// Every row's line and id again, in file order, without checking the rest
    /// of each row again: what a report reads. Valid rows as `Ok((line, id))`,
    /// invalid ones (as the scan found them) as `Err`.
    pub(crate) fn row_ids(
        &self,
    ) -> Result<impl Iterator<Item = Result<ReportRow, BatchError>>, BatchError> {
        let mut reader = self.reader()?;
        Ok(std::iter::from_fn(move || reader.next_id()))
    }

    /// The id that earlier versions gave this file when no batch id was given (the
    /// first 16 hex digits of the SHA-256 of its bytes): a store that holds a batch
    /// under it holds this file's rows paid under other ids. `None` when the batch
    /// id was given.
    pub(crate) fn legacy_id(&self) -> Result<Option<String>, BatchError> {
        if self.id_origin == IdOrigin::Chosen {
            return Ok(None);
        }
        let read = |source| BatchError::Read { path: self.path.clone(), source };
        let mut file = open(&self.path)?;
        let mut hasher = Sha256::new();
        let mut buffer = vec![0u8; 64 * 1024];
        loop {
            let count = file.read(&mut buffer).map_err(read)?;
            if count == 0 {
                break;
            }
            hasher.update(&buffer[..count]);
        }
        Ok(Some(hasher.finalize()[..8].iter().map(|byte| format!("{byte:02x}")).collect()))
    }

    /// Refuses to go on when the file no longer says what `journal` recorded: a row
    /// whose id the journal knows but whose payee, amount, amount type, currencies
    /// or payway differ, or a row the journal knows that the file lost.
    pub fn check_against(&self, journal: &Journal) -> Result<(), BatchError> {
        let changed =
            |reason: String| BatchError::ChangedSinceJournal { path: self.path.clone(), reason };
        let mut known = 0usize;
        for row in self.rows()? {
            let Ok(row) = row? else { continue };
            match journal.same_intent(&row.intent) {
                None => {}
                Some(true) => known += 1,
                Some(false) => {
                    return Err(changed(format!(
                        "line {}: row {:?} no longer asks what the journal recorded for it",
                        row.line,
                        row.intent.shop_payment_id()
                    )));
                }
            }
        }
        let lost = journal.known_rows().saturating_sub(known);
        if lost > 0 {
            return Err(changed(format!(
                "{lost} row(s) the journal recorded are no longer in the file (or are now invalid)"
            )));
        }
        Ok(())
    }
}

fn open(path: &Path) -> Result<File, BatchError> {
    File::open(path).map_err(|source| BatchError::Read { path: path.to_owned(), source })
}

fn open_rows(
    path: &Path,
    batch_id: &str,
    origin: IdOrigin,
) -> Result<RowReader<BufReader<File>>, BatchError> {
    RowReader::with_origin(BufReader::with_capacity(64 * 1024, open(path)?), batch_id, origin)
        .map_err(|source| BatchError::Input { path: path.to_owned(), source })
}
