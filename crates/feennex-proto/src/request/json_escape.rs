//! JSON string escaping, tested a word at a time.

/// Whether JSON requires `byte` to be escaped inside a string.
pub(super) fn needs_escape(byte: u8) -> bool {
    byte < 0x20 || byte == b'"' || byte == b'\\'
}

/// Whether any byte needs escaping, eight bytes at a time: the common case is that
/// none does, and a byte-by-byte test is most of the cost of writing a body.
pub(super) fn any_needs_escape(bytes: &[u8]) -> bool {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    // Exact tests of "some byte is below n" and "some byte is zero" (n <= 128).
    let has_below = |word: u64, n: u8| word.wrapping_sub(ONES * u64::from(n)) & !word & HIGHS != 0;
    let has_byte = |word: u64, byte: u8| has_below(word ^ (ONES * u64::from(byte)), 1);
    let word_needs_escape =
        |word: u64| has_below(word, 0x20) || has_byte(word, b'"') || has_byte(word, b'\\');
    let (words, tail) = bytes.as_chunks::<8>();
    if words.iter().any(|word| word_needs_escape(u64::from_ne_bytes(*word))) {
        return true;
    }
    word_needs_escape(tail_word(tail))
}

/// The last bytes of a string (fewer than eight) as one little-endian word, padded
/// with `a`, which needs no escape. Assembled in registers from fixed-size loads:
/// writing the bytes into a stack array and reading it back as a word stalls the
/// load behind the narrower stores.
fn tail_word(tail: &[u8]) -> u64 {
    const PADDING: u64 = u64::from_ne_bytes([b'a'; 8]);
    let n = tail.len();
    let le32 =
        |at: usize| u64::from(u32::from_le_bytes(tail[at..at + 4].try_into().unwrap_or_default()));
    let bytes = match n {
        4..8 => le32(0) | le32(n - 4) << (8 * (n - 4)),
        _ => tail.iter().rev().fold(0u64, |word, &byte| word << 8 | u64::from(byte)),
    };
    let padding = PADDING.checked_shl(8 * n as u32).unwrap_or(0);
    bytes | padding
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_word_at_a_time_scan_agrees_with_the_byte_test() {
        for length in 0..40 {
            for position in 0..length {
                for byte in 0..=255u8 {
                    let mut bytes = vec![b'a'; length];
                    bytes[position] = byte;
                    assert_eq!(
                        any_needs_escape(&bytes),
                        needs_escape(byte),
                        "{length} {position} {byte}"
                    );
                }
            }
        }
    }
}
