//! A body's length as a `Content-Length` value, without allocating.
//!
//! `HeaderValue::from(usize)` allocates for its digits. Request bodies are short,
//! so the digits of every length below [`TABLED`] are written once, one after
//! another, into a static table, and a value is a slice of it.

use http::HeaderValue;

/// Lengths below this come from the table.
const TABLED: usize = 10_000;

/// Bytes taken by the digits of every number below [`TABLED`].
const TABLE_LEN: usize = 10 + 90 * 2 + 900 * 3 + 9_000 * 4;

/// "0123456789101112…9999": the digits of 0, 1, 2, … written one after another.
static DIGITS: [u8; TABLE_LEN] = digits_table();

const fn digits_table() -> [u8; TABLE_LEN] {
    let mut table = [0u8; TABLE_LEN];
    let mut number = 0;
    while number < TABLED {
        let (start, width) = place(number);
        let mut rest = number;
        let mut index = width;
        while index > 0 {
            index -= 1;
            table[start + index] = b'0' + (rest % 10) as u8;
            rest /= 10;
        }
        number += 1;
    }
    table
}

/// Where the digits of `number` (below [`TABLED`]) start in the table, and how many
/// there are.
const fn place(number: usize) -> (usize, usize) {
    match number {
        0..10 => (number, 1),
        10..100 => (10 + (number - 10) * 2, 2),
        100..1_000 => (190 + (number - 100) * 3, 3),
        _ => (2_890 + (number - 1_000) * 4, 4),
    }
}

/// `length` as a header value.
pub(super) fn header_value(length: usize) -> HeaderValue {
    if length < TABLED {
        let (start, width) = place(length);
        let digits: &'static [u8] = &DIGITS[start..start + width];
        if let Ok(value) = HeaderValue::from_maybe_shared(bytes::Bytes::from_static(digits)) {
            return value;
        }
    }
    HeaderValue::from(length)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_length_reads_as_itself() {
        for length in (0..TABLED + 50).chain([65_535, usize::MAX]) {
            assert_eq!(header_value(length).to_str().unwrap(), length.to_string());
        }
    }
}
