//! Building signed requests: the endpoint trait, the body writer that signs as it
//! writes, and the merchant configuration that turns a typed request into an
//! `http::Request`.

mod body_buffer;
mod content_length;
mod endpoint_uris;

use std::fmt;
use std::sync::Arc;

use serde::de::DeserializeOwned;

use crate::error::Error;
use crate::retry::CallKind;
use crate::secret::SecretKey;
use crate::sign::SignState;
use crate::types::{Amount, Currency, ShopId, ShopPaymentId};
use body_buffer::BodyBuffer;
use endpoint_uris::EndpointUris;

/// Where the production API lives.
pub const DEFAULT_BASE_URL: &str = "https://core.feennex.com";

/// An API operation: its path, the fields it sends, and what its answer holds.
///
/// Implemented by one type per endpoint, such as [`TransferCreate`](crate::TransferCreate).
pub trait Endpoint {
    /// The path below the base URL, such as `transfer/create`.
    const PATH: &'static str;

    /// The typed content of a successful answer's `data`.
    type Output: DeserializeOwned + fmt::Debug;

    /// Whether sending the request twice is harmless. Operations that create
    /// something keep the default, [`CallKind::Create`], and are never sent again
    /// blindly; reads and precalculations say [`CallKind::Idempotent`].
    const KIND: CallKind = CallKind::Create;

    /// Writes every field into the body. Signed fields must be written in
    /// ascending byte order of name (the order the server signs them in).
    fn write_fields(&self, body: &mut BodyWriter);

    /// The merchant's payout id, when the operation has one (for logs and
    /// reconciliation).
    fn shop_payment_id(&self) -> Option<&ShopPaymentId> {
        None
    }
}

/// An operation answered by one call: every endpoint but the payout creates, whose
/// outcome may be unknown and must be reconciled (send those with a client's
/// `payout`, which makes them exactly once). A client's `send` takes only these, so
/// a payout sent the unsafe way does not compile:
///
/// ```compile_fail
/// fn send<E: feennex_proto::SingleCall>(_: &E) {}
/// # let create: feennex_proto::TransferCreate = todo!();
/// send(&create); // `TransferCreate` is not a `SingleCall`
/// ```
pub trait SingleCall: Endpoint {}

/// The base URL of the API: `http` or `https`, without a trailing slash.
///
/// Parsed once: each request's URI is made from the parsed scheme and authority
/// and only its path is checked.
#[derive(Clone)]
pub struct BaseUrl {
    text: String,
    scheme: http::uri::Scheme,
    authority: http::uri::Authority,
    /// The path below the host, without a trailing slash (often empty).
    path: String,
}

/// Why a text is not a usable base URL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not an http:// or https:// URL without query or fragment")]
pub struct BaseUrlError(String);

impl BaseUrl {
    /// Checks and normalises a base URL.
    pub fn new(url: &str) -> Result<Self, BaseUrlError> {
        let error = || BaseUrlError(url.chars().take(100).collect());
        let trimmed = url.trim_end_matches('/');
        let uri: http::Uri = trimmed.parse().map_err(|_| error())?;
        let scheme_ok = matches!(uri.scheme_str(), Some("http" | "https"));
        let plain = uri.query().is_none() && !trimmed.contains('#');
        if !scheme_ok || uri.host().is_none_or(str::is_empty) || !plain {
            return Err(error());
        }
        let parts = uri.into_parts();
        let (Some(scheme), Some(authority)) = (parts.scheme, parts.authority) else {
            return Err(error());
        };
        let path = parts.path_and_query.map(|p| p.path().trim_end_matches('/').to_owned());
        Ok(Self { text: trimmed.to_owned(), scheme, authority, path: path.unwrap_or_default() })
    }

    /// The URL of an endpoint path, as text.
    pub fn join(&self, path: &str) -> String {
        let mut url = String::with_capacity(self.text.len() + 1 + path.len());
        url.push_str(&self.text);
        url.push('/');
        url.push_str(path);
        url
    }

    /// The URI of an endpoint path.
    pub fn uri(&self, path: &str) -> Result<http::Uri, http::Error> {
        let mut full_path = String::with_capacity(self.path.len() + 1 + path.len());
        full_path.push_str(&self.path);
        full_path.push('/');
        full_path.push_str(path);
        let mut parts = http::uri::Parts::default();
        parts.scheme = Some(self.scheme.clone());
        parts.authority = Some(self.authority.clone());
        parts.path_and_query = Some(http::uri::PathAndQuery::try_from(full_path)?);
        Ok(http::Uri::from_parts(parts)?)
    }

    /// The URL's text.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl PartialEq for BaseUrl {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for BaseUrl {}

impl std::hash::Hash for BaseUrl {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.text.hash(state);
    }
}

impl Default for BaseUrl {
    fn default() -> Self {
        Self::new(DEFAULT_BASE_URL)
            .unwrap_or_else(|_| unreachable!("the default base URL is valid"))
    }
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BaseUrl({:?})", self.text)
    }
}

impl std::str::FromStr for BaseUrl {
    type Err = BaseUrlError;

    fn from_str(url: &str) -> Result<Self, BaseUrlError> {
        Self::new(url)
    }
}

/// A merchant's shop as the API sees it: where to send, which shop, and the key
/// that signs. Shared, not copied, by its clones, so every machine of a client
/// holds the one copy of the key; `Debug` never shows the key.
#[derive(Clone)]
pub struct Merchant {
    shop: Arc<Shop>,
}

#[derive(Clone)]
struct Shop {
    base_url: BaseUrl,
    shop_id: ShopId,
    secret: SecretKey,
    uris: EndpointUris,
}

impl fmt::Debug for Merchant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Merchant")
            .field("base_url", self.base_url())
            .field("shop_id", &self.shop_id())
            .field("secret", self.secret())
            .finish()
    }
}

impl Merchant {
    /// A shop on the production API.
    pub fn new(shop_id: ShopId, secret: SecretKey) -> Self {
        let shop = Shop { base_url: BaseUrl::default(), shop_id, secret, uris: Default::default() };
        Self { shop: Arc::new(shop) }
    }

    /// The same shop on another base URL (the sandbox, a proxy, another brand).
    pub fn with_base_url(mut self, base_url: BaseUrl) -> Self {
        let shop = Arc::make_mut(&mut self.shop);
        shop.base_url = base_url;
        shop.uris = EndpointUris::default();
        self
    }

    /// The shop id.
    pub fn shop_id(&self) -> ShopId {
        self.shop.shop_id
    }

    /// The base URL.
    pub fn base_url(&self) -> &BaseUrl {
        &self.shop.base_url
    }

    /// The key, for signing inside the core only.
    pub(crate) fn secret(&self) -> &SecretKey {
        &self.shop.secret
    }

    /// Builds the signed HTTP request of an operation: `POST`, JSON body with the
    /// signature in `sign`.
    ///
    /// ```
    /// use feennex_proto::*;
    ///
    /// let merchant = Merchant::new(ShopId::new(6).unwrap(), SecretKey::new("secret"));
    /// let quote = TransferTry::builder()
    ///     .amount("1.11".parse()?)
    ///     .payee_currency(Currency::EUR)
    ///     .shop_currency(Currency::USD)
    ///     .build();
    /// let request = merchant.build(&quote)?;
    /// assert_eq!(request.uri(), "https://core.feennex.com/transfer/try");
    /// assert!(request.body().starts_with(br#"{"amount":1.11,"amount_type":"receive_amount""#));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn build<E: Endpoint>(&self, endpoint: &E) -> Result<http::Request<Vec<u8>>, Error> {
        let body = self.body(endpoint);
        const JSON: http::HeaderValue = http::HeaderValue::from_static("application/json");
        let shop = &*self.shop;
        let uri = shop.uris.get(&shop.base_url, E::PATH);
        let uri = uri.map_err(|error| Error::invalid("base_url", error))?;
        let content_length = content_length::header_value(body.len());
        // Set in place rather than through `http::request::Builder`, which moves
        // the whole request head for every header.
        let mut request = http::Request::new(body);
        *request.method_mut() = http::Method::POST;
        *request.uri_mut() = uri;
        let headers = request.headers_mut();
        headers.insert(http::header::CONTENT_TYPE, JSON);
        headers.insert(http::header::ACCEPT, JSON);
        headers.insert(http::header::CONTENT_LENGTH, content_length);
        Ok(request)
    }

    /// The signed JSON body of an operation.
    pub fn body<E: Endpoint>(&self, endpoint: &E) -> Vec<u8> {
        let mut body = BodyWriter::new(self.shop_id(), false);
        endpoint.write_fields(&mut body);
        body.finish(self.secret())
    }

    /// The string-to-sign of an operation, without the secret, for diagnostics.
    pub fn string_to_sign<E: Endpoint>(&self, endpoint: &E) -> String {
        let mut body = BodyWriter::new(self.shop_id(), true);
        endpoint.write_fields(&mut body);
        body.signed_text.unwrap_or_default()
    }
}

/// Whether JSON requires `byte` to be escaped inside a string.
fn needs_escape(byte: u8) -> bool {
    byte < 0x20 || byte == b'"' || byte == b'\\'
}

/// Whether any byte needs escaping, eight bytes at a time: the common case is that
/// none does, and a byte-by-byte test is most of the cost of writing a body.
fn any_needs_escape(bytes: &[u8]) -> bool {
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

/// Writes a request's JSON object once, feeding each signed value to the signer as
/// it goes, so no intermediate value tree is built.
pub struct BodyWriter {
    json: BodyBuffer,
    state: SignState,
    shop_id: ShopId,
    last_signed_name: &'static str,
    signed_count: usize,
    /// Kept only when a caller asked for the string-to-sign.
    signed_text: Option<String>,
}

impl fmt::Debug for BodyWriter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BodyWriter").finish_non_exhaustive()
    }
}

impl BodyWriter {
    #[inline]
    fn new(shop_id: ShopId, keep_signed_text: bool) -> Self {
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

    fn finish(mut self, secret: &SecretKey) -> Vec<u8> {
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
    fn base_urls_are_http_or_https_without_trailing_slash() {
        assert_eq!(
            BaseUrl::new("http://127.0.0.1:8080/").unwrap().join("a/b"),
            "http://127.0.0.1:8080/a/b"
        );
        assert_eq!(
            BaseUrl::new("https://x.test/api").unwrap().join("shop_balance"),
            "https://x.test/api/shop_balance"
        );
        let uri =
            |base: &str, path: &str| BaseUrl::new(base).unwrap().uri(path).unwrap().to_string();
        assert_eq!(uri("https://x.test/api/", "a/b"), "https://x.test/api/a/b");
        assert_eq!(uri("http://[::1]:8080", "c"), "http://[::1]:8080/c");
        assert_eq!(uri("http://127.0.0.1:9", "transfer/try"), "http://127.0.0.1:9/transfer/try");
        for bad in
            ["ftp://x.test", "x.test", "", "https://", "https://x.test/?a=1", "https://x.test/#f"]
        {
            assert!(BaseUrl::new(bad).is_err(), "{bad}");
        }
    }

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

    #[test]
    fn integers_are_written_without_allocation() {
        let mut buffer = itoa_buffer();
        assert_eq!(write_u64(&mut buffer, 0), b"0");
        assert_eq!(write_u64(&mut buffer, u64::MAX), b"18446744073709551615");
    }
}
