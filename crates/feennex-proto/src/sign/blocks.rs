//! SHA-256 over a message written straight into stack blocks and compressed with
//! sha2's `compress256`.
//!
//! The signer hashes a handful of short values; through the `Digest` API every
//! value pays for the hasher's buffer bookkeeping, which with SHA-NI costs as much
//! as the compression itself. Here a value is one copy into a two-block buffer, and
//! the buffer is compressed in one call when it is full and once at the end.

use sha2::block_api::compress256;

use crate::short_copy::copy_short;

/// The SHA-256 initial hash value (FIPS 180-4, 5.3.3).
const INITIAL_STATE: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];

/// Blocks staged before a compression: two hold a typical signed message with its
/// secret and padding, so it is compressed in a single call.
const BLOCKS: usize = 2;

/// Bytes staged before a compression.
const STAGED: usize = 64 * BLOCKS;

/// A SHA-256 computation over bytes written in pieces.
#[derive(Clone)]
pub(super) struct Sha256Blocks {
    state: [u32; 8],
    blocks: [[u8; 64]; BLOCKS],
    /// Bytes of `blocks` filled; always below `STAGED`. The bytes after them are
    /// zero, as the padding needs them.
    staged: usize,
    /// Bytes already compressed into `state`.
    compressed: u64,
}

impl Sha256Blocks {
    /// All zeros, not yet a computation: [`start`](Self::start) makes it one. Built
    /// whole from the initial state, the value is copied from a 176-byte image by
    /// a `memcpy` call, where zeros are a few vector stores in place.
    pub(super) const ZEROED: Self =
        Self { state: [0; 8], blocks: [[0; 64]; BLOCKS], staged: 0, compressed: 0 };

    /// Sets the initial hash value: the computation of an empty message.
    #[inline]
    pub(super) fn start(&mut self) {
        self.state = INITIAL_STATE;
    }

    /// Appends one byte.
    #[inline]
    pub(super) fn write_byte(&mut self, byte: u8) {
        self.blocks.as_flattened_mut()[self.staged] = byte;
        self.staged += 1;
        if self.staged == STAGED {
            self.compress_staged();
        }
    }

    /// Appends bytes.
    #[inline]
    pub(super) fn write(&mut self, bytes: &[u8]) {
        let end = self.staged + bytes.len();
        if end < STAGED {
            copy_short(&mut self.blocks.as_flattened_mut()[self.staged..end], bytes);
            self.staged = end;
        } else {
            self.write_across(bytes);
        }
    }

    /// Appends bytes that fill the staged blocks: whole blocks of the input are
    /// compressed where they lie, the tail is staged.
    #[cold]
    fn write_across(&mut self, mut bytes: &[u8]) {
        let room = STAGED - self.staged;
        let (head, rest) = bytes.split_at(room.min(bytes.len()));
        self.blocks.as_flattened_mut()[self.staged..self.staged + head.len()].copy_from_slice(head);
        self.staged += head.len();
        if self.staged == STAGED {
            self.compress_staged();
        }
        bytes = rest;
        let (whole, tail) = bytes.as_chunks::<64>();
        if !whole.is_empty() {
            compress256(&mut self.state, whole);
            self.compressed += 64 * whole.len() as u64;
        }
        self.blocks.as_flattened_mut()[..tail.len()].copy_from_slice(tail);
        self.staged = tail.len();
    }

    fn compress_staged(&mut self) {
        compress256(&mut self.state, &self.blocks);
        self.compressed += STAGED as u64;
        self.staged = 0;
        // A fixed-size fill: a few vector stores, where the variable-length fill
        // the padding would otherwise need is a `memset` call.
        self.blocks = [[0; 64]; BLOCKS];
    }

    /// Pads the message and gives its digest.
    ///
    /// Works in place, since moving the staged blocks costs a `memcpy`; the state
    /// must not be written to afterwards.
    pub(super) fn finish(&mut self) -> [u8; 32] {
        let bit_length = (self.compressed + self.staged as u64).wrapping_mul(8);
        let staged = self.staged;
        self.blocks.as_flattened_mut()[staged] = 0x80;
        // The padded message ends with the 8-byte length: in the staged blocks
        // when it fits, else in a block of its own.
        let mut used_blocks = (staged + 9).div_ceil(64);
        if used_blocks > BLOCKS {
            self.compress_staged();
            used_blocks = 1;
        }
        self.blocks[used_blocks - 1][56..].copy_from_slice(&bit_length.to_be_bytes());
        compress256(&mut self.state, &self.blocks[..used_blocks]);
        let mut digest = [0u8; 32];
        for (out, word) in digest.chunks_exact_mut(4).zip(self.state) {
            out.copy_from_slice(&word.to_be_bytes());
        }
        digest
    }
}

#[cfg(test)]
mod tests {
    use sha2::{Digest, Sha256};

    use super::*;

    impl Sha256Blocks {
        fn new() -> Self {
            let mut fresh = Self::ZEROED;
            fresh.start();
            fresh
        }
    }

    /// Every length around the block and staging boundaries, written whole, byte by
    /// byte, and in uneven pieces, agrees with sha2's own digest.
    #[test]
    fn agrees_with_sha2_at_every_boundary() {
        let message: Vec<u8> = (0..400u32).map(|i| (i * 7 + 3) as u8).collect();
        for length in 0..message.len() {
            let bytes = &message[..length];
            let expected: [u8; 32] = Sha256::digest(bytes).into();

            let mut whole = Sha256Blocks::new();
            whole.write(bytes);
            assert_eq!(whole.finish(), expected, "whole, length {length}");

            let mut by_byte = Sha256Blocks::new();
            bytes.iter().for_each(|&byte| by_byte.write_byte(byte));
            assert_eq!(by_byte.finish(), expected, "by byte, length {length}");

            let mut pieces = Sha256Blocks::new();
            let mut rest = bytes;
            for size in [1, 13, 64, 0, 70, 5, 129].into_iter().cycle() {
                if rest.is_empty() {
                    break;
                }
                let (piece, tail) = rest.split_at(size.min(rest.len()));
                pieces.write(piece);
                rest = tail;
            }
            assert_eq!(pieces.finish(), expected, "pieces, length {length}");
        }
    }
}
