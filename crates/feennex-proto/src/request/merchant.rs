//! The shop as the API sees it, which turns an operation into a signed request.

use std::fmt;
use std::sync::Arc;

use super::endpoint_uris::EndpointUris;
use super::{BaseUrl, BodyWriter, Endpoint, content_length};
use crate::error::Error;
use crate::secret::SecretKey;
use crate::types::ShopId;

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
    /// use feennex_proto::prelude::*;
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
