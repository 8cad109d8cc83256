//! Copying the short byte strings that requests and signatures are made of.
//!
//! Field names and values are mostly under 32 bytes; for those, a call to
//! `memcpy` (what `copy_from_slice` and `extend_from_slice` become when the length
//! is not known at compile time) costs more than the copy itself.

/// Copies `source` into `target` of the same length. Up to 32 bytes are copied
/// as two overlapping fixed-size moves, which compile to a few instructions.
#[inline(always)]
pub(crate) fn copy_short(target: &mut [u8], source: &[u8]) {
    let n = source.len();
    match n {
        0 => {}
        1..4 => {
            target[0] = source[0];
            target[n / 2] = source[n / 2];
            target[n - 1] = source[n - 1];
        }
        4..8 => {
            target[..4].copy_from_slice(&source[..4]);
            target[n - 4..n].copy_from_slice(&source[n - 4..n]);
        }
        8..16 => {
            target[..8].copy_from_slice(&source[..8]);
            target[n - 8..n].copy_from_slice(&source[n - 8..n]);
        }
        16..=32 => {
            target[..16].copy_from_slice(&source[..16]);
            target[n - 16..n].copy_from_slice(&source[n - 16..n]);
        }
        _ => target.copy_from_slice(source),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_copies_copy_every_byte() {
        let source: Vec<u8> = (1..=80).collect();
        for n in 0..=source.len() {
            let mut target = vec![0u8; n];
            copy_short(&mut target, &source[..n]);
            assert_eq!(target, source[..n], "length {n}");
        }
    }
}
