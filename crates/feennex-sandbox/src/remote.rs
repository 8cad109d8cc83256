//! Driving a running sandbox from outside: finishing a payment through its
//! sandbox-only route, for command-line tools and blocking tests.

use bytes::Bytes;
use http::Request;
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
    #[error("cannot reach the sandbox: {0}")]
    Transport(String),
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
/// `base_url`, which then delivers the payment's callback. Blocks until the sandbox
/// has answered; gives the payment as JSON text.
///
/// Must not be called from inside an async runtime's worker thread.
pub fn finish_payment(
    base_url: &str,
    kind: PaymentKind,
    id: u64,
    paid: bool,
) -> Result<String, RemoteError> {
    let action = if paid { "complete" } else { "reject" };
    let route = format!("payments/{}/{id}/{action}", kind.name());
    sandbox_request(base_url, http::Method::POST, &route)
}

/// Reads one of the sandbox's introspection routes (`transfers`, `withdrawals`,
/// `balances`, `callbacks`) as JSON text. Blocks; must not be called from inside an
/// async runtime's worker thread.
pub fn introspect(base_url: &str, what: &str) -> Result<String, RemoteError> {
    sandbox_request(base_url, http::Method::GET, what)
}

/// Sends a bodiless request to `/_sandbox/{route}` and gives the answer's body.
fn sandbox_request(
    base_url: &str,
    method: http::Method,
    route: &str,
) -> Result<String, RemoteError> {
    let base = base_url.trim_end_matches('/');
    if !base.starts_with("http://") {
        return Err(RemoteError::BaseUrl(base_url.to_owned()));
    }
    let url = format!("{base}/_sandbox/{route}");
    let uri: http::Uri = url.parse().map_err(|_| RemoteError::BaseUrl(base_url.to_owned()))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| RemoteError::Transport(error.to_string()))?;
    runtime.block_on(async move {
        let client = Client::builder(TokioExecutor::new()).build_http::<Empty<Bytes>>();
        let request = Request::builder()
            .method(method)
            .uri(uri)
            .body(Empty::new())
            .map_err(|error| RemoteError::Transport(error.to_string()))?;
        let response = client
            .request(request)
            .await
            .map_err(|error| RemoteError::Transport(error.to_string()))?;
        let status = response.status().as_u16();
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|error| RemoteError::Transport(error.to_string()))?
            .to_bytes();
        let body = String::from_utf8_lossy(&body).into_owned();
        if status == 200 { Ok(body) } else { Err(RemoteError::Refused { status, body }) }
    })
}
