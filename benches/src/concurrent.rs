//! The end-to-end benches' load: a number of requests run by a fixed number of
//! tasks at once, and bare hyper as the transport's floor.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};

/// Requests in flight at once.
pub const IN_FLIGHT: u64 = 32;

/// A two-thread runtime, as each side of the end-to-end benches uses.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap()
}

/// Runs `total` requests with [`IN_FLIGHT`] workers and gives the elapsed time.
pub async fn run_concurrently<F, Fut>(total: u64, request: F) -> Duration
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    let remaining = Arc::new(AtomicU64::new(total));
    let start = Instant::now();
    let workers: Vec<_> = (0..IN_FLIGHT)
        .map(|_| {
            let remaining = remaining.clone();
            let request = request.clone();
            tokio::spawn(async move {
                while remaining
                    .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| left.checked_sub(1))
                    .is_ok()
                {
                    request().await;
                }
            })
        })
        .collect();
    for worker in workers {
        worker.await.unwrap();
    }
    start.elapsed()
}

/// Bare hyper sending one pre-built request's bytes: the floor of any transport.
#[derive(Clone, Debug)]
pub struct RawSender {
    client: hyper_util::client::legacy::Client<
        hyper_util::client::legacy::connect::HttpConnector,
        Full<Bytes>,
    >,
    uri: hyper::Uri,
    headers: hyper::HeaderMap,
    body: Bytes,
}

impl RawSender {
    /// A pooled hyper client for `request`; call inside the client's runtime.
    pub fn new(request: feennex_proto::transport::Request) -> Self {
        let mut connector = hyper_util::client::legacy::connect::HttpConnector::new();
        connector.set_nodelay(true);
        let client =
            hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
                .build::<_, Full<Bytes>>(connector);
        let (parts, body) = request.into_parts();
        Self { client, uri: parts.uri, headers: parts.headers, body: Bytes::from(body) }
    }

    /// Sends the request once and gives the answer's body length.
    pub async fn send(&self) -> usize {
        let mut request =
            hyper::Request::post(self.uri.clone()).body(Full::new(self.body.clone())).unwrap();
        *request.headers_mut() = self.headers.clone();
        let response = self.client.request(request).await.unwrap();
        response.into_body().collect().await.unwrap().to_bytes().len()
    }
}
