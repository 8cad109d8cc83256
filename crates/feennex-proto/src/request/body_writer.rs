//! The request body, written once as JSON while its signed values feed the signer.

use std::fmt;

use super::body_buffer::BodyBuffer;
use super::json_escape::{any_needs_escape, needs_escape};
use crate::secret::SecretKey;
use crate::sign::SignState;
use crate::types::{Amount, Currency, ShopId};

/// Writes a request's JSON object once, feeding each signed value to the signer as
/// it goes, so no intermediate value tree is built.
pub struct BodyWriter {
    json: BodyBuffer,
    state: SignState,
    shop_id: ShopId,
    last_signed_name: &'static str,
    signed_count: usize,
    /// Kept only when a caller asked for the string-to-sign.
    pub(super) signed_text: Option<String>,
}

impl fmt::Debug for BodyWriter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BodyWriter").finish_non_exhaustive()
    }
}

impl BodyWriter {
    #[inline]
    pub(super) fn new(shop_id: ShopId, keep_signed_text: bool) -> Self {
        let mut json = BodyBuffer::new();
        json.push(b'{');
        let mut writer = Self {
            json,
            state: SignState::ZEROED,
            shop_id,
            last_signed_name: "",
            signed_count: 0,
            signed_text: keep_signed_text.then(String::new),
        };
        // Started in place: a started state moved in would be copied whole.
        writer.state.start();
        writer
    }

    fn key(&mut self, name: &str) {
        if self.json.len() > 1 {
            self.json.push(b',');
        }
        self.string_value(name);
        self.json.push(b':');
    }

    /// Writes a JSON string: quotes, and escapes only where JSON requires them
    /// (quote, backslash, control characters); everything else is copied as is.
    fn string_value(&mut self, value: &str) {
        let bytes = value.as_bytes();
        self.json.push(b'"');
        if !any_needs_escape(bytes) {
            self.json.extend(bytes);
        } else {
            self.escaped(bytes);
        }
        self.json.push(b'"');
    }

    fn escaped(&mut self, bytes: &[u8]) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut copied = 0;
        for (index, &byte) in bytes.iter().enumerate() {
            if !needs_escape(byte) {
                continue;
            }
            self.json.extend(&bytes[copied..index]);
            match byte {
                b'"' => self.json.extend(b"\\\""),
                b'\\' => self.json.extend(b"\\\\"),
                b'\n' => self.json.extend(b"\\n"),
                b'\r' => self.json.extend(b"\\r"),
                b'\t' => self.json.extend(b"\\t"),
                _ => {
                    let high = HEX[usize::from(byte >> 4)];
                    let low = HEX[usize::from(byte & 0xf)];
                    self.json.extend(&[b'\\', b'u', b'0', b'0', high, low]);
                }
            }
            copied = index + 1;
        }
        self.json.extend(&bytes[copied..]);
    }

    fn signed(&mut self, name: &'static str, value: &[u8]) {
        debug_assert!(
            self.signed_count == 0 || self.last_signed_name < name,
            "signed field {name} written after {}",
            self.last_signed_name
        );
        self.last_signed_name = name;
        if let Some(text) = &mut self.signed_text {
            if self.signed_count > 0 {
                text.push(':');
            }
            text.push_str(&String::from_utf8_lossy(value));
        }
        self.signed_count += 1;
        self.state.push_bytes(value);
    }

    /// A signed field sent as a JSON string.
    pub fn signed_str(&mut self, name: &'static str, value: &str) {
        self.signed(name, value.as_bytes());
        self.key(name);
        self.string_value(value);
    }

    /// A signed field sent as a JSON number; `digits` must be a valid JSON number.
    fn signed_number(&mut self, name: &'static str, digits: &[u8]) {
        self.signed(name, digits);
        self.key(name);
        self.json.extend(digits);
    }

    /// A signed amount, sent as a JSON number in canonical form.
    pub fn signed_amount(&mut self, name: &'static str, amount: Amount) {
        self.signed_number(name, amount.as_str().as_bytes());
    }

    /// A signed currency code, sent as a JSON number.
    pub fn signed_currency(&mut self, name: &'static str, currency: Currency) {
        self.signed_integer(name, u64::from(currency.code()));
    }

    /// A signed integer, sent as a JSON number.
    pub fn signed_integer(&mut self, name: &'static str, value: u64) {
        let mut buffer = itoa_buffer();
        self.signed_number(name, write_u64(&mut buffer, value));
    }

    /// The shop id, signed and sent as a JSON number.
    pub fn shop_id(&mut self) {
        self.signed_integer("shop_id", self.shop_id.get());
    }

    /// An unsigned field sent as a JSON string; skipped when `None`.
    pub fn unsigned_str(&mut self, name: &str, value: Option<&str>) {
        if let Some(value) = value {
            self.key(name);
            self.string_value(value);
        }
    }

    /// An unsigned field holding JSON (an object of provider details).
    pub fn unsigned_json(&mut self, name: &str, value: Option<&serde_json::Value>) {
        if let Some(value) = value {
            self.key(name);
            // Serializing a Value into a Vec cannot fail.
            self.json.append_with(|json| {
                let _ = serde_json::to_writer(json, value);
            });
        }
    }

    /// Unsigned fields sent as JSON strings, such as the add-on fields a payment
    /// system asks for. The caller keeps their names apart from the other fields'.
    pub fn unsigned_fields<'a>(&mut self, fields: impl IntoIterator<Item = (&'a str, &'a str)>) {
        for (name, value) in fields {
            self.key(name);
            self.string_value(value);
        }
    }

    /// An unsigned field holding a JSON object; skipped when `None`.
    pub fn unsigned_object(
        &mut self,
        name: &str,
        value: Option<&serde_json::Map<String, serde_json::Value>>,
    ) {
        if let Some(value) = value {
            self.key(name);
            // Serializing a map of values into a Vec cannot fail.
            self.json.append_with(|json| {
                let _ = serde_json::to_writer(json, value);
            });
        }
    }

    pub(super) fn finish(mut self, secret: &SecretKey) -> Vec<u8> {
        let signature = self.state.finish_in_place(secret);
        // The signature is hex, so it is written without the escape scan.
        let separator: &[u8] = if self.json.len() > 1 { b",\"sign\":\"" } else { b"\"sign\":\"" };
        self.json.extend(separator);
        self.json.extend(signature.as_bytes());
        self.json.extend(b"\"}");
        self.json.into_vec()
    }
}

fn itoa_buffer() -> [u8; 20] {
    [0u8; 20]
}

/// Writes the decimal digits of `value` into `buffer` without allocating.
fn write_u64(buffer: &mut [u8; 20], mut value: u64) -> &[u8] {
    let mut start = buffer.len();
    loop {
        start -= 1;
        buffer[start] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    &buffer[start..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_are_written_without_allocation() {
        let mut buffer = itoa_buffer();
        assert_eq!(write_u64(&mut buffer, 0), b"0");
        assert_eq!(write_u64(&mut buffer, u64::MAX), b"18446744073709551615");
    }
}
