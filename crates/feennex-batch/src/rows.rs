//! A batch's valid rows as a store draws them: the next ones in file order (the
//! journal walks the file), or given records (PostgreSQL hands records out). The
//! file is read as a stream off the async runtime; memory does not grow with it.

use std::sync::{Arc, Mutex, PoisonError};

use crate::batch::{BatchError, BatchFile, BatchReader};
use crate::input::{InvalidRow, Row};

/// Where the reading stands: records up to `passed` have been read.
struct Cursor {
    batch: BatchFile,
    reader: Option<BatchReader>,
    passed: u64,
}

/// The valid rows of a batch, read on demand by the store that hands them out.
#[derive(Clone)]
pub struct BatchRows {
    cursor: Arc<Mutex<Cursor>>,
}

impl std::fmt::Debug for BatchRows {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let cursor = self.cursor.lock().unwrap_or_else(PoisonError::into_inner);
        f.debug_struct("BatchRows")
            .field("file", &cursor.batch.path())
            .field("passed", &cursor.passed)
            .finish()
    }
}

impl BatchRows {
    /// The rows of `batch`, from its first.
    pub fn new(batch: &BatchFile) -> Self {
        let cursor = Cursor { batch: batch.clone(), reader: None, passed: 0 };
        Self { cursor: Arc::new(Mutex::new(cursor)) }
    }

    /// Up to `limit` valid rows after the last one read, in file order; none at the
    /// end of the file.
    pub async fn next(&self, limit: usize) -> Result<Vec<Row>, BatchError> {
        self.read(move |cursor| {
            let mut rows = Vec::with_capacity(limit);
            while rows.len() < limit {
                match cursor.advance()? {
                    None => break,
                    Some(Ok(row)) => rows.push(row),
                    Some(Err(_)) => {}
                }
            }
            Ok(rows)
        })
        .await
    }

    /// The valid rows with these record numbers (ascending), in that order. A
    /// record that is not a valid row of the file is left out. Asking for a record
    /// before the last one read starts the file again; the rows in between are
    /// passed over unchecked (other workers of a shared batch take them).
    pub async fn records(&self, records: Vec<u64>) -> Result<Vec<Row>, BatchError> {
        self.read(move |cursor| {
            let mut rows = Vec::with_capacity(records.len());
            for record in records {
                if record <= cursor.passed {
                    cursor.restart();
                }
                while cursor.passed.saturating_add(1) < record {
                    if !cursor.skip()? {
                        break;
                    }
                }
                while cursor.passed < record {
                    match cursor.advance()? {
                        None => break,
                        Some(Ok(row)) if row.record == record => rows.push(row),
                        Some(_) => {}
                    }
                }
            }
            Ok(rows)
        })
        .await
    }

    async fn read<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Cursor) -> Result<T, BatchError> + Send + 'static,
    ) -> Result<T, BatchError> {
        let cursor = self.cursor.clone();
        let read = move || work(&mut cursor.lock().unwrap_or_else(PoisonError::into_inner));
        match tokio::task::spawn_blocking(read).await {
            Ok(result) => result,
            Err(panic) => std::panic::resume_unwind(panic.into_panic()),
        }
    }
}

impl Cursor {
    fn restart(&mut self) {
        self.reader = None;
        self.passed = 0;
    }

    fn reader(&mut self) -> Result<&mut BatchReader, BatchError> {
        let reader = match self.reader.take() {
            Some(reader) => reader,
            None => self.batch.reader()?,
        };
        Ok(self.reader.insert(reader))
    }

    /// Passes over the next record; false at the end.
    fn skip(&mut self) -> Result<bool, BatchError> {
        match self.reader()?.skip_row().transpose()? {
            Some(record) => {
                self.passed = record;
                Ok(true)
            }
            None => {
                self.passed = u64::MAX;
                Ok(false)
            }
        }
    }

    /// The next record, valid or not; `None` at the end.
    fn advance(&mut self) -> Result<Option<Result<Row, InvalidRow>>, BatchError> {
        let Some(next) = self.reader()?.next_row().transpose()? else {
            // Past the last record: nothing more until a restart.
            self.passed = u64::MAX;
            return Ok(None);
        };
        self.passed = match &next {
            Ok(row) => row.record,
            Err(invalid) => invalid.record,
        };
        Ok(Some(next))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(rows: usize) -> (tempfile::TempDir, BatchFile) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rows.csv");
        let mut csv = String::from("payee_account,amount,payee_currency,shop_currency\n");
        for row in 0..rows {
            // Every fifth row is invalid.
            let account = if row % 5 == 4 { "nobody".to_owned() } else { format!("20{row:010}") };
            csv.push_str(&format!("{account},{},840,840\n", row + 1));
        }
        std::fs::write(&path, csv).unwrap();
        let batch = BatchFile::scan(&path, Some("rows")).unwrap();
        (dir, batch)
    }

    fn numbers(rows: &[Row]) -> Vec<u64> {
        rows.iter().map(|row| row.record).collect()
    }

    #[tokio::test]
    async fn rows_come_in_file_order_without_the_invalid_ones() {
        let (_dir, batch) = batch(12);
        let rows = BatchRows::new(&batch);
        assert_eq!(numbers(&rows.next(3).await.unwrap()), [1, 2, 3]);
        assert_eq!(numbers(&rows.next(3).await.unwrap()), [4, 6, 7]);
        assert_eq!(numbers(&rows.next(10).await.unwrap()), [8, 9, 11, 12]);
        assert!(rows.next(10).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn records_asked_out_of_order_are_found_by_reading_again() {
        let (_dir, batch) = batch(12);
        let rows = BatchRows::new(&batch);
        let found = rows.records(vec![2, 7, 11]).await.unwrap();
        assert_eq!(numbers(&found), [2, 7, 11]);
        // Rows passed over unchecked still count their lines (the header is line 1).
        assert_eq!(found.iter().map(|row| row.line).collect::<Vec<_>>(), [3, 8, 12]);
        assert_eq!(found[2].intent.shop_payment_id(), "batch-rows-11");
        // Earlier records, an invalid one (5) and one past the end (40) are asked.
        assert_eq!(numbers(&rows.records(vec![1, 5, 6, 40]).await.unwrap()), [1, 6]);
        assert_eq!(numbers(&rows.records(vec![12]).await.unwrap()), [12]);
        let row = &rows.records(vec![3]).await.unwrap()[0];
        assert_eq!(row.intent.shop_payment_id(), "batch-rows-3");
    }
}
