//! The signing order: fields in ascending byte order of name, stable for equal
//! names.
//!
//! Names are compared first by their leading 16 bytes read as one big-endian
//! number, which settles almost every comparison of real field names in a single
//! integer comparison; only names that share those bytes are compared in full.

use std::cmp::Ordering;

/// Unsorted lists up to this length are ordered on the stack (and their positions
/// fit the keys' low 32 bits); longer ones take one heap allocation for the order.
const STACK_SORT_LIMIT: usize = 64;

/// The first 16 bytes of a name as a big-endian number, zero-padded. When two
/// names' prefixes differ, the names compare as their prefixes do (a shorter name
/// is padded with zeros, which sort before any byte it is compared with or tie
/// with a real zero byte, and ties are settled by the full comparison).
///
/// Read with fixed-size loads (overlapping for short names), not a byte loop or a
/// call to `memcpy`: this runs for every name of every signature.
#[inline]
fn prefix(name: &[u8]) -> u128 {
    if let Some(head) = name.first_chunk::<16>() {
        return u128::from_be_bytes(*head);
    }
    let n = name.len();
    let be64 = |at: usize| u64::from_be_bytes(name[at..at + 8].try_into().unwrap_or_default());
    let be32 = |at: usize| u32::from_be_bytes(name[at..at + 4].try_into().unwrap_or_default());
    // The bytes sit at their big-endian places: the first ones at the top, the
    // last ones shifted up from the bottom; overlapping bytes agree.
    let (high, low) = match n {
        8..16 => (be64(0), be64(n - 8).checked_shl(8 * (16 - n) as u32).unwrap_or(0)),
        4..8 => {
            let first = u64::from(be32(0)) << 32;
            let last = u64::from(be32(n - 4)) << (8 * (8 - n));
            (first | last, 0)
        }
        _ => {
            let word = name.iter().fold(0u64, |word, &byte| word << 8 | u64::from(byte));
            (word.checked_shl(8 * (8 - n) as u32).unwrap_or(0), 0)
        }
    };
    u128::from(high) << 64 | u128::from(low)
}

/// Byte-wise order of two names, through their prefixes first.
#[inline]
fn compare_names(a: &[u8], a_prefix: u128, b: &[u8], b_prefix: u128) -> Ordering {
    a_prefix.cmp(&b_prefix).then_with(|| a.cmp(b))
}

/// Calls `visit` with each value in ascending byte order of field name, stable for
/// equal names. Already sorted lists (every endpoint's) cost one pass; other lists
/// are sorted as plain integers, each holding a name's first 12 bytes above its
/// position, and only names sharing those 12 bytes are then compared in full.
pub(super) fn for_each_in_signing_order<K: AsRef<str>, V: AsRef<str>>(
    fields: &[(K, V)],
    mut visit: impl FnMut(&str),
) {
    if is_sorted(fields) {
        fields.iter().for_each(|(_, value)| visit(value.as_ref()));
        return;
    }
    let name = |i: usize| fields[i].0.as_ref().as_bytes();
    if fields.len() <= STACK_SORT_LIMIT {
        let mut keys = [0u128; STACK_SORT_LIMIT];
        let keys = &mut keys[..fields.len()];
        keys.iter_mut().enumerate().for_each(|(i, key)| *key = sort_key(name(i), i));
        sort_keys(keys, name);
        keys.iter().for_each(|&key| visit(fields[position(key)].1.as_ref()));
    } else {
        let mut order: Vec<usize> = (0..fields.len()).collect();
        order.sort_by(|&a, &b| {
            compare_names(name(a), prefix(name(a)), name(b), prefix(name(b))).then(a.cmp(&b))
        });
        order.iter().for_each(|&i| visit(fields[i].1.as_ref()));
    }
}

/// A name's first 12 bytes (big-endian, zero-padded) above its position.
fn sort_key(name: &[u8], position: usize) -> u128 {
    (prefix(name) >> 32 << 32) | position as u128
}

fn position(key: u128) -> usize {
    (key & u128::from(u32::MAX)) as usize
}

/// Sorts keys into signing order: as integers first, which orders names whose
/// first 12 bytes differ and keeps the given order within equal prefixes; then each
/// run of equal prefixes by the full names, positions breaking ties.
fn sort_keys<'a>(keys: &mut [u128], name: impl Fn(usize) -> &'a [u8]) {
    keys.sort_unstable();
    let mut start = 0;
    while start < keys.len() {
        let prefix = keys[start] >> 32;
        let end = start + keys[start..].iter().take_while(|&&key| key >> 32 == prefix).count();
        if end - start > 1 {
            keys[start..end].sort_unstable_by(|&a, &b| {
                name(position(a)).cmp(name(position(b))).then(a.cmp(&b))
            });
        }
        start = end;
    }
}

/// Whether the names are already in signing order.
fn is_sorted<K: AsRef<str>, V>(fields: &[(K, V)]) -> bool {
    let Some(((first, _), rest)) = fields.split_first() else {
        return true;
    };
    let mut previous = first.as_ref().as_bytes();
    let mut previous_prefix = prefix(previous);
    for (name, _) in rest {
        let name = name.as_ref().as_bytes();
        let name_prefix = prefix(name);
        if compare_names(previous, previous_prefix, name, name_prefix) == Ordering::Greater {
            return false;
        }
        (previous, previous_prefix) = (name, name_prefix);
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_hold_the_first_sixteen_bytes_zero_padded() {
        let text: Vec<u8> = (1..=40).collect();
        for n in 0..text.len() {
            let mut padded = [0u8; 16];
            let kept = n.min(16);
            padded[..kept].copy_from_slice(&text[..kept]);
            assert_eq!(prefix(&text[..n]), u128::from_be_bytes(padded), "length {n}");
        }
    }

    /// The prefix comparison agrees with the plain byte-wise comparison, including
    /// names that are prefixes of each other, hold zero bytes, or pass 16 bytes.
    #[test]
    fn prefix_comparison_agrees_with_byte_order() {
        let names: Vec<&[u8]> = vec![
            b"",
            b"\0",
            b"\0\0",
            b"a",
            b"a\0",
            b"a\0b",
            b"ab",
            b"amount",
            b"amount_type",
            b"abcdefghijklmnop",
            b"abcdefghijklmnop\0",
            b"abcdefghijklmnopq",
            b"abcdefghijklmnopa",
            b"abcdefghijklmno\xff",
            b"\xff",
            b"z",
        ];
        for a in &names {
            for b in &names {
                assert_eq!(compare_names(a, prefix(a), b, prefix(b)), a.cmp(b), "{a:?} {b:?}");
            }
        }
    }

    /// Short and long lists, with names that share 12 bytes or more, repeat, or
    /// differ only in length, come out in the order of a plain stable sort.
    #[test]
    fn signing_order_is_a_stable_byte_order_sort() {
        let stems = ["shop_payment_id", "shop_payment_i", "shop_payment_idx", "a", "", "a\0", "z"];
        for count in [2usize, 7, 20, 64, 65, 150] {
            let names: Vec<String> = (0..count)
                .map(|i| format!("{}{}", stems[(i * 5) % stems.len()], ["", "1", "0"][i % 3]))
                .collect();
            let fields: Vec<(&str, String)> =
                names.iter().enumerate().map(|(i, n)| (n.as_str(), i.to_string())).collect();
            let mut expected = fields.clone();
            expected.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            let mut visited = Vec::new();
            for_each_in_signing_order(&fields, |value| visited.push(value.to_owned()));
            let expected: Vec<String> = expected.into_iter().map(|(_, v)| v).collect();
            assert_eq!(visited, expected, "{count} fields");
        }
    }

    #[test]
    fn is_sorted_agrees_with_a_plain_check() {
        let lists: [&[(&str, &str)]; 5] = [
            &[],
            &[("b", "")],
            &[("a", ""), ("a", ""), ("b", "")],
            &[("a\0", ""), ("a", "")],
            &[("abcdefghijklmnopb", ""), ("abcdefghijklmnopa", "")],
        ];
        for list in lists {
            let plain = list.windows(2).all(|pair| pair[0].0 <= pair[1].0);
            assert_eq!(is_sorted(list), plain, "{list:?}");
        }
    }
}
