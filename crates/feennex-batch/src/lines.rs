//! Physical line numbers from byte offsets, for messages only: right for LF, CRLF
//! and CR-only files and around blank lines (the `csv` crate counts `\n` only).

use std::io::Read;
use std::sync::{Arc, Mutex, PoisonError};

/// Where the line breaks seen so far end, shared between the reader that sees the
/// bytes and the code that asks for line numbers.
#[derive(Debug, Default)]
struct Breaks {
    /// Breaks already counted.
    settled: u64,
    /// Where the later breaks start and end, ascending.
    pending: std::collections::VecDeque<(u64, u64)>,
    /// Bytes seen.
    offset: u64,
    /// The last byte seen was a `\r` whose break is not placed yet.
    carriage_return: bool,
}

impl Breaks {
    fn observe(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            let at = self.offset;
            self.offset += 1;
            if self.carriage_return {
                self.carriage_return = false;
                if byte == b'\n' {
                    // `\r\n`: one break, ending after the `\n`.
                    self.pending.push_back((at - 1, at + 1));
                    continue;
                }
                // A lone `\r` ended a line just before this byte.
                self.pending.push_back((at - 1, at));
            }
            match byte {
                b'\r' => self.carriage_return = true,
                b'\n' => self.pending.push_back((at, at + 1)),
                _ => {}
            }
        }
    }

    fn end(&mut self) {
        if std::mem::take(&mut self.carriage_return) {
            self.pending.push_back((self.offset - 1, self.offset));
        }
    }

    /// The 1-based line of the first byte at or after `offset` that is not a line
    /// break: a record's position may point into the break before it (between `\r`
    /// and `\n`) or at the blank lines before it. Offsets
    /// asked for must not decrease (records are read in order).
    fn line_at(&mut self, offset: u64) -> u64 {
        let mut at = offset;
        while let Some(&(start, end)) = self.pending.front() {
            if start <= at {
                at = at.max(end);
                self.pending.pop_front();
                self.settled += 1;
            } else {
                break;
            }
        }
        self.settled + 1
    }
}

/// A reader that notes line breaks as bytes pass through it.
#[derive(Debug)]
pub(crate) struct LineCounting<R> {
    inner: R,
    breaks: Arc<Mutex<Breaks>>,
}

/// Answers "which line is this byte on" for a [`LineCounting`] reader.
#[derive(Debug, Clone)]
pub(crate) struct LineIndex(Arc<Mutex<Breaks>>);

impl<R: Read> LineCounting<R> {
    pub(crate) fn new(inner: R) -> (Self, LineIndex) {
        let breaks = Arc::new(Mutex::new(Breaks::default()));
        (Self { inner, breaks: breaks.clone() }, LineIndex(breaks))
    }
}

impl<R: Read> Read for LineCounting<R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(buffer)?;
        let mut breaks = self.breaks.lock().unwrap_or_else(PoisonError::into_inner);
        if read == 0 {
            breaks.end();
        } else {
            breaks.observe(&buffer[..read]);
        }
        Ok(read)
    }
}

impl LineIndex {
    /// The 1-based line of the byte at `offset`.
    pub(crate) fn line_at(&self, offset: u64) -> u64 {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).line_at(offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of_records(text: &[u8]) -> Vec<u64> {
        let (reader, index) = LineCounting::new(text);
        let mut csv = csv::ReaderBuilder::new().has_headers(false).from_reader(reader);
        csv.records()
            .map(|record| index.line_at(record.unwrap().position().unwrap().byte()))
            .collect()
    }

    #[test]
    fn every_line_ending_gives_the_same_lines() {
        let expected = vec![1, 2, 4, 5];
        assert_eq!(lines_of_records(b"a,b\n1,2\n\n3,4\n5,6\n"), expected);
        assert_eq!(lines_of_records(b"a,b\r\n1,2\r\n\r\n3,4\r\n5,6\r\n"), expected);
        assert_eq!(lines_of_records(b"a,b\r1,2\r\r3,4\r5,6"), expected);
    }

    #[test]
    fn a_quoted_break_belongs_to_its_record() {
        assert_eq!(lines_of_records(b"a,b\r\"x\ry\",2\r3,4\r"), vec![1, 2, 4]);
    }
}
