//! 128-bit digests of ids and intents: what the batch keeps per row, so that
//! memory per row stays small and fixed whatever the ids' length.

use sha2::{Digest, Sha256};

/// The first 128 bits of the SHA-256 of `bytes`.
pub(crate) fn digest(bytes: &[u8]) -> u128 {
    let digest = Sha256::digest(bytes);
    let mut first = [0u8; 16];
    first.copy_from_slice(&digest[..16]);
    u128::from_le_bytes(first)
}
