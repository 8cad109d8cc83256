//! The bytes of a request body as they are written.
//!
//! A body is some twenty short pieces (names, values, punctuation). Appending
//! them to a `Vec` costs a capacity check and a `memcpy` call each; here the
//! buffer is zero-filled in advance and each piece is copied into it at the write
//! position with fixed-size moves, and the `Vec` is cut to length at the end.

use crate::short_copy::copy_short;

/// Room for a typical body, so that writing it allocates once.
const INITIAL_ROOM: usize = 512;

pub(super) struct BodyBuffer {
    /// The `len` written bytes, then room for more.
    bytes: Vec<u8>,
    len: usize,
}

impl BodyBuffer {
    pub(super) fn new() -> Self {
        Self { bytes: vec![0; INITIAL_ROOM], len: 0 }
    }

    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// Makes room for `extra` more bytes.
    #[inline]
    fn reserve(&mut self, extra: usize) {
        let needed = self.len + extra;
        if needed > self.bytes.len() {
            self.grow(needed);
        }
    }

    #[cold]
    fn grow(&mut self, needed: usize) {
        self.bytes.resize(needed.max(2 * self.bytes.len()), 0);
    }

    #[inline]
    pub(super) fn push(&mut self, byte: u8) {
        self.reserve(1);
        self.bytes[self.len] = byte;
        self.len += 1;
    }

    #[inline]
    pub(super) fn extend(&mut self, piece: &[u8]) {
        self.reserve(piece.len());
        copy_short(&mut self.bytes[self.len..self.len + piece.len()], piece);
        self.len += piece.len();
    }

    /// Lets a writer that needs a `Vec` (such as `serde_json`'s) append to the body.
    pub(super) fn append_with(&mut self, write: impl FnOnce(&mut Vec<u8>)) {
        self.bytes.truncate(self.len);
        write(&mut self.bytes);
        self.len = self.bytes.len();
    }

    /// The written bytes.
    pub(super) fn into_vec(mut self) -> Vec<u8> {
        self.bytes.truncate(self.len);
        self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_and_appended_writes_keep_their_order_past_the_initial_room() {
        let mut buffer = BodyBuffer::new();
        let mut expected = Vec::new();
        for round in 0..200u32 {
            let piece = format!("piece-{round}-{}", "x".repeat(round as usize % 40));
            buffer.extend(piece.as_bytes());
            expected.extend_from_slice(piece.as_bytes());
            buffer.push(b',');
            expected.push(b',');
            if round % 17 == 0 {
                buffer.append_with(|bytes| bytes.extend_from_slice(b"[appended]"));
                expected.extend_from_slice(b"[appended]");
            }
        }
        assert_eq!(buffer.len(), expected.len());
        assert_eq!(buffer.into_vec(), expected);
    }
}
