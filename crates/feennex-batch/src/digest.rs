//! 128-bit digests of ids and intents: what the batch keeps per row, so that
//! memory per row stays small and fixed whatever the ids' length.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use sha2::{Digest, Sha256};

/// The first 128 bits of the SHA-256 of `bytes`.
pub(crate) fn digest(bytes: &[u8]) -> u128 {
    let digest = Sha256::digest(bytes);
    let mut first = [0u8; 16];
    first.copy_from_slice(&digest[..16]);
    u128::from_le_bytes(first)
}

/// A map keyed by [`digest`]s. A digest already is a uniform hash, so the map
/// hashes it by taking its low bits: hashing it again would only cost.
pub(crate) type DigestMap<V> = HashMap<u128, V, BuildHasherDefault<DigestHasher>>;

/// The hasher of [`DigestMap`].
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct DigestHasher(u64);

impl Hasher for DigestHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only digests are hashed; anything else still spreads.
        for &byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(byte);
        }
    }

    fn write_u128(&mut self, digest: u128) {
        self.0 ^= digest as u64;
    }
}
