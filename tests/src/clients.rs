//! The async and the blocking client behind one trait, so that a scenario is
//! written once and run with both.

use std::sync::Arc;
use std::time::Duration;

use feennex_proto::callback::{ConfirmError, Notification};
use feennex_proto::exchange::{Call, IdempotentCreate, PayoutResult, RetryPolicy};
use feennex_proto::{
    Error, Merchant,
    endpoints::{BillState, Endpoint, SingleCall},
    prelude::ClientOptions,
};
use rustls::pki_types::CertificateDer;

/// How a test wants its client: options, and roots to trust instead of the
/// bundled ones.
#[derive(Debug, Clone)]
pub struct Setup {
    /// Timeouts, retries and limits.
    pub options: ClientOptions,
    /// Root certificates to trust instead of the bundled web PKI roots.
    pub roots: Option<Vec<CertificateDer<'static>>>,
}

impl Default for Setup {
    /// Short backoff and timeouts that still leave a loaded machine room to answer.
    fn default() -> Self {
        let retry = RetryPolicy::default()
            .with_max_attempts(4)
            .with_backoff(Duration::from_millis(2), Duration::from_millis(20))
            .with_attempt_timeout(Duration::from_secs(5))
            .with_total_timeout(Duration::from_secs(20));
        Self {
            options: ClientOptions::default()
                .connect_timeout(Duration::from_secs(2))
                .retry_policy(retry),
            roots: None,
        }
    }
}

impl Setup {
    /// The same setup with other options.
    pub fn options(mut self, change: impl FnOnce(ClientOptions) -> ClientOptions) -> Self {
        self.options = change(self.options);
        self
    }

    /// The same setup with another retry policy.
    pub fn retry(mut self, change: impl FnOnce(RetryPolicy) -> RetryPolicy) -> Self {
        let retry = change(self.options.retry);
        self.options = self.options.retry_policy(retry);
        self
    }

    /// The same setup trusting only `roots`.
    pub fn trusting(mut self, roots: Vec<CertificateDer<'static>>) -> Self {
        self.roots = Some(roots);
        self
    }
}

/// What every scenario needs of a client; implemented by both transports.
pub trait TestClient: Sized {
    /// The client's name in messages.
    const NAME: &'static str;

    /// Builds the client for `merchant`.
    fn build(merchant: Merchant, setup: Setup) -> Self;

    /// One call (see `Client::call`).
    fn call<E: SingleCall>(&self, endpoint: &E) -> Result<E::Output, Error>;

    /// Any operation, payout creates included, through the single-call machine
    /// alone: what `call` would do if it accepted a create.
    fn bare_call<E: Endpoint>(&self, endpoint: &E) -> Result<E::Output, Error>;

    /// An exactly-once payout (see `Client::payout`).
    fn payout<C: IdempotentCreate>(&self, create: C) -> PayoutResult<C>;

    /// A payout resumed by a lookup first (see `Client::resume_payout`).
    fn resume_payout<C: IdempotentCreate>(&self, create: C) -> PayoutResult<C>;

    /// Confirms a callback with the API (see `Client::confirm_callback`).
    fn confirm_callback(&self, notification: &Notification) -> Result<BillState, ConfirmError>;

    /// The limit named by the transport's own "response too large" error, when
    /// `source` is one.
    fn response_too_large(source: &(dyn std::error::Error + 'static)) -> Option<usize>;
}

/// The async client on hyper, run on a tokio runtime of its own.
#[derive(Debug)]
pub struct HyperClient {
    client: feennex_hyper::Client,
    runtime: Arc<tokio::runtime::Runtime>,
}

impl TestClient for HyperClient {
    const NAME: &'static str = "hyper";

    fn build(merchant: Merchant, setup: Setup) -> Self {
        let mut builder = feennex_hyper::Client::builder(merchant).options(setup.options);
        if let Some(roots) = setup.roots {
            builder = builder.tls_config(crate::tls::client_config(roots));
        }
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        Self { client: builder.build().unwrap(), runtime: Arc::new(runtime) }
    }

    fn call<E: SingleCall>(&self, endpoint: &E) -> Result<E::Output, Error> {
        self.runtime.block_on(self.client.call(endpoint))
    }

    fn bare_call<E: Endpoint>(&self, endpoint: &E) -> Result<E::Output, Error> {
        let session = self.client.session();
        let call = Call::new(session.merchant(), endpoint, session.options().retry)?;
        self.runtime.block_on(feennex_hyper::drive(call, self.client.transport()))
    }

    fn payout<C: IdempotentCreate>(&self, create: C) -> PayoutResult<C> {
        self.runtime.block_on(self.client.payout(create))
    }

    fn resume_payout<C: IdempotentCreate>(&self, create: C) -> PayoutResult<C> {
        self.runtime.block_on(self.client.resume_payout(create))
    }

    fn confirm_callback(&self, notification: &Notification) -> Result<BillState, ConfirmError> {
        self.runtime.block_on(self.client.confirm_callback(notification))
    }

    fn response_too_large(source: &(dyn std::error::Error + 'static)) -> Option<usize> {
        match source.downcast_ref::<feennex_hyper::HyperTransportError>()? {
            feennex_hyper::HyperTransportError::ResponseTooLarge { limit } => Some(*limit),
            _ => None,
        }
    }
}

/// The blocking client on ureq, called on the test's own thread.
#[derive(Debug)]
pub struct BlockingClient {
    client: feennex_blocking::Client,
}

impl TestClient for BlockingClient {
    const NAME: &'static str = "blocking";

    fn build(merchant: Merchant, setup: Setup) -> Self {
        let mut builder = feennex_blocking::Client::builder(merchant).options(setup.options);
        if let Some(roots) = setup.roots {
            builder = builder.root_certificates(roots);
        }
        Self { client: builder.build().unwrap() }
    }

    fn call<E: SingleCall>(&self, endpoint: &E) -> Result<E::Output, Error> {
        self.client.call(endpoint)
    }

    fn bare_call<E: Endpoint>(&self, endpoint: &E) -> Result<E::Output, Error> {
        let session = self.client.session();
        let call = Call::new(session.merchant(), endpoint, session.options().retry)?;
        feennex_blocking::drive(call, self.client.transport())
    }

    fn payout<C: IdempotentCreate>(&self, create: C) -> PayoutResult<C> {
        self.client.payout(create)
    }

    fn resume_payout<C: IdempotentCreate>(&self, create: C) -> PayoutResult<C> {
        self.client.resume_payout(create)
    }

    fn confirm_callback(&self, notification: &Notification) -> Result<BillState, ConfirmError> {
        self.client.confirm_callback(notification)
    }

    fn response_too_large(source: &(dyn std::error::Error + 'static)) -> Option<usize> {
        match source.downcast_ref::<feennex_blocking::UreqTransportError>()? {
            feennex_blocking::UreqTransportError::ResponseTooLarge { limit } => Some(*limit),
            _ => None,
        }
    }
}
