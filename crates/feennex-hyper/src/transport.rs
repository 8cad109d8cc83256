//! Moving bytes with hyper: one request out, one bounded response in.

use std::time::{Duration, Instant};

use bytes::Bytes;
use feennex_proto::transport::{AsyncTransport, Delivery, Request, Response, TransportError};
use http_body_util::{BodyExt, Full, Limited};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client as LegacyClient;
use hyper_util::rt::TokioExecutor;

use crate::proxy::ProxiedConnector;

/// What can go wrong while moving one request and its answer. The message says
/// which step failed; the underlying error is the `source()`, never repeated in it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HyperTransportError {
    /// No connection could be made (DNS, connect, TLS): the request never left.
    #[error("cannot connect: {}", connect_failure(.0))]
    Connect(#[source] hyper_util::client::legacy::Error),
    /// The exchange failed after the connection was made.
    #[error("the request failed")]
    Request(#[source] hyper_util::client::legacy::Error),
    /// The answer's body could not be read to its end.
    #[error("the answer's body broke off")]
    Body(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The answer is larger than the configured limit; it was not read whole.
    #[error("the answer is larger than the limit of {limit} bytes")]
    ResponseTooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
}

/// Which step of making the connection failed, in words a reader recognises; the
/// details stay in the `source()` chain.
fn connect_failure(error: &hyper_util::client::legacy::Error) -> &'static str {
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(cause) = next {
        if cause.is::<rustls::Error>() {
            return "the TLS handshake failed";
        }
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            // tokio-rustls reports a peer that hangs up mid-handshake in words only.
            if wraps_tls(io) || io.to_string().starts_with("tls handshake") {
                return "the TLS handshake failed";
            }
            match io.kind() {
                std::io::ErrorKind::ConnectionRefused => return "the connection was refused",
                std::io::ErrorKind::TimedOut => return "connecting timed out",
                _ => {}
            }
        }
        let text = cause.to_string();
        if text.starts_with("tunnel error") && !text.ends_with("underlying connection") {
            return "the proxy did not open a tunnel";
        }
        if text.starts_with("dns error") {
            return "the host name could not be resolved";
        }
        next = cause.source();
    }
    "no connection could be made"
}

/// Whether an I/O error carries a rustls error, however deeply it was wrapped.
fn wraps_tls(io: &std::io::Error) -> bool {
    match io.get_ref() {
        Some(inner) if inner.is::<rustls::Error>() => true,
        Some(inner) => inner.downcast_ref::<std::io::Error>().is_some_and(wraps_tls),
        None => false,
    }
}

impl TransportError for HyperTransportError {
    fn delivery(&self) -> Delivery {
        match self {
            HyperTransportError::Connect(_) => Delivery::NotSent,
            _ => Delivery::MaybeSent,
        }
    }
}

/// hyper with a keep-alive pool, HTTPS through rustls (ring) and plain HTTP.
/// Cheap to clone: clones share the pool.
#[derive(Clone, Debug)]
pub struct HyperTransport {
    http: LegacyClient<HttpsConnector<ProxiedConnector>, Full<Bytes>>,
    max_response_bytes: usize,
    user_agent: http::HeaderValue,
}

impl HyperTransport {
    pub(crate) fn new(
        connector: HttpsConnector<ProxiedConnector>,
        pool_idle_timeout: Duration,
        max_response_bytes: usize,
        user_agent: http::HeaderValue,
    ) -> Self {
        let http = LegacyClient::builder(TokioExecutor::new())
            .pool_idle_timeout(pool_idle_timeout)
            .pool_timer(hyper_util::rt::TokioTimer::new())
            .build(connector);
        Self { http, max_response_bytes, user_agent }
    }

    async fn exchange(&self, request: Request) -> Result<Response, HyperTransportError> {
        let mut request = request.map(|body| Full::new(Bytes::from(body)));
        request
            .headers_mut()
            .entry(http::header::USER_AGENT)
            .or_insert_with(|| self.user_agent.clone());
        let response = self.http.request(request).await.map_err(|error| {
            if error.is_connect() {
                HyperTransportError::Connect(error)
            } else {
                HyperTransportError::Request(error)
            }
        })?;
        let (parts, body) = response.into_parts();
        let limit = self.max_response_bytes;
        let declared = parts
            .headers
            .get(http::header::CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.parse::<u64>().ok());
        if declared.is_some_and(|length| length > limit as u64) {
            return Err(HyperTransportError::ResponseTooLarge { limit });
        }
        let collected = Limited::new(body, limit).collect().await.map_err(|error| {
            if error.is::<http_body_util::LengthLimitError>() {
                HyperTransportError::ResponseTooLarge { limit }
            } else {
                HyperTransportError::Body(error)
            }
        })?;
        Ok(http::Response::from_parts(parts, Vec::from(collected.to_bytes())))
    }
}

impl AsyncTransport for HyperTransport {
    type Error = HyperTransportError;

    /// The deadline is applied by the driver, which cuts the future off.
    fn send(
        &self,
        request: Request,
        _deadline: Instant,
    ) -> impl Future<Output = Result<Response, HyperTransportError>> + Send {
        self.exchange(request)
    }
}
