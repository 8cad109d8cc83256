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
        let start = self.offset;
        self.offset += bytes.len() as u64;
        let mut after_carriage_return = std::mem::take(&mut self.carriage_return);
        // Only the breaks are looked at, found by `memchr` many bytes at a time.
        let mut next = 0;
        for index in memchr::memchr2_iter(b'\r', b'\n', bytes) {
            let at = start + index as u64;
            if after_carriage_return {
                after_carriage_return = false;
                if index == next && bytes[index] == b'\n' {
                    // `\r\n`: one break, ending after the `\n`.
                    self.pending.push_back((at - 1, at + 1));
                    next = index + 1;
                    continue;
                }
                // A lone `\r` ended a line just after itself.
                let lone = start + next as u64 - 1;
                self.pending.push_back((lone, lone + 1));
            }
            match bytes[index] {
                b'\r' => after_carriage_return = true,
                _ => self.pending.push_back((at, at + 1)),
            }
            next = index + 1;
        }
        if after_carriage_return && next < bytes.len() {
            // A lone `\r` followed by other bytes.
            let lone = start + next as u64 - 1;
            self.pending.push_back((lone, lone + 1));
            after_carriage_return = false;
        }
        self.carriage_return = after_carriage_return;
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

    /// The breaks of `text` found a byte at a time: what `observe` must find,
    /// however the text is cut into reads.
    fn breaks_byte_by_byte(text: &[u8]) -> Vec<(u64, u64)> {
        let mut found = Vec::new();
        for (at, &byte) in text.iter().enumerate() {
            let at = at as u64;
            match byte {
                b'\n' if at > 0 && text[at as usize - 1] == b'\r' => found.push((at - 1, at + 1)),
                b'\n' => found.push((at, at + 1)),
                b'\r' if text.get(at as usize + 1) != Some(&b'\n') => found.push((at, at + 1)),
                _ => {}
            }
        }
        found
    }

    #[test]
    fn breaks_are_found_alike_whatever_the_reads() {
        // Every text of up to seven bytes from `a`, `\r` and `\n`, cut in two at
        // every place.
        let mut texts: Vec<Vec<u8>> = vec![Vec::new()];
        for _ in 0..7 {
            let longer: Vec<Vec<u8>> = texts
                .iter()
                .filter(|text| text.len() == texts.last().map_or(0, Vec::len))
                .flat_map(|text| {
                    [b'a', b'\r', b'\n'].map(|byte| [text.as_slice(), &[byte]].concat())
                })
                .collect();
            texts.extend(longer);
        }
        assert_eq!(texts.len(), (0..=7).map(|n| 3usize.pow(n)).sum::<usize>());
        for text in &texts {
            for cut in 0..=text.len() {
                let mut breaks = Breaks::default();
                for part in [&text[..cut], &text[cut..]] {
                    if !part.is_empty() {
                        breaks.observe(part);
                    }
                }
                breaks.end();
                let found: Vec<(u64, u64)> = breaks.pending.iter().copied().collect();
                assert_eq!(found, breaks_byte_by_byte(text), "{text:?} cut at {cut}");
            }
        }
    }

    #[test]
    fn a_quoted_break_belongs_to_its_record() {
        assert_eq!(lines_of_records(b"a,b\r\"x\ry\",2\r3,4\r"), vec![1, 2, 4]);
    }
}
