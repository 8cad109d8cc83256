//! Driving a running sandbox from outside, through its sandbox-only routes:
//! finishing a payment, reading its ledger. For command-line tools and tests that
//! run the sandbox in another process; async, on the caller's runtime.

use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

use crate::ledger::PaymentKind;

/// Why a sandbox could not be driven.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RemoteError {
    /// The base URL is not an `http://` URL.
    #[error("the sandbox base URL must be an http:// URL, not {0:?}")]
    BaseUrl(String),
    /// The request could not be sent or its answer not read.
    #[error("cannot reach the sandbox")]
    Transport(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The sandbox refused (unknown payment, already final, ...).
    #[error("the sandbox refused with status {status}: {body}")]
    Refused {
        /// HTTP status of the answer.
        status: u16,
        /// Its body.
        body: String,
    },
}

/// Completes (`paid = true`) or rejects a waiting payment of the sandbox at
/// `base_url`, which then delivers the payment's callback; gives the payment as
/// JSON text.
pub async fn finish_payment(
    base_url: &str,
    kind: PaymentKind,
    id: u64,
    paid: bool,
) -> Result<String, RemoteError> {
    let action = if paid { "complete" } else { "reject" };
    let route = format!("payments/{}/{id}/{action}", kind.name());
    sandbox_request(base_url, http::Method::POST, &route).await
}

/// Reads one of the sandbox's introspection routes (`transfers`, `withdrawals`,
/// `balances`, `callbacks`) as JSON text.
pub async fn introspect(base_url: &str, what: &str) -> Result<String, RemoteError> {
    sandbox_request(base_url, http::Method::GET, what).await
}

/// Sends a bodiless request to `/_sandbox/{route}` and gives the answer's body.
async fn sandbox_request(
    base_url: &str,
    method: http::Method,
    route: &str,
) -> Result<String, RemoteError> {
    let base = base_url.trim_end_matches('/');
    let bad_url = || RemoteError::BaseUrl(base_url.chars().take(100).collect());
    if !base.starts_with("http://") {
        return Err(bad_url());
    }
    let uri: http::Uri = format!("{base}/_sandbox/{route}").parse().map_err(|_| bad_url())?;
    let mut request = http::Request::new(Empty::<Bytes>::new());
    *request.method_mut() = method;
    *request.uri_mut() = uri;
    let client = Client::builder(TokioExecutor::new()).build_http::<Empty<Bytes>>();
    let transport = |error| RemoteError::Transport(Box::new(error));
    let response = client.request(request).await.map_err(transport)?;
    let status = response.status().as_u16();
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|error| RemoteError::Transport(Box::new(error)))?
        .to_bytes();
    let body = String::from_utf8_lossy(&body).into_owned();
    if status == 200 { Ok(body) } else { Err(RemoteError::Refused { status, body }) }
}
