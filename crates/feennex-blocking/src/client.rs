//! The client users hold: the shop, the options and the transport.

use std::sync::Arc;

use feennex_proto::{
    Call, CallLog, ClientOptions, Endpoint, Error, ExactlyOncePayout, IdempotentCreate, Merchant,
    PayoutResult, PlainHttpRefused, ProxyConfig, ProxyError, ProxyUrl, ShopPaymentId,
};

use rustls_pki_types::CertificateDer;
use ureq::tls::{Certificate, RootCerts, TlsConfig};

use crate::driver::drive_logged;
use crate::transport::UreqTransport;

/// The client cannot be built as configured.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// Plain HTTP to another machine was not allowed.
    #[error(transparent)]
    PlainHttp(#[from] PlainHttpRefused),
    /// A proxy setting (such as `HTTPS_PROXY`) cannot be used.
    #[error(transparent)]
    Proxy(#[from] ProxyError),
}

/// A blocking Feennex client: cheap to clone, clones share one connection pool.
#[derive(Clone, Debug)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    merchant: Merchant,
    transport: UreqTransport,
    options: ClientOptions,
}

impl Client {
    /// A client with the default timeouts and limits.
    pub fn new(merchant: Merchant) -> Result<Self, BuildError> {
        Self::builder(merchant).build()
    }

    /// A builder to set timeouts and limits.
    pub fn builder(merchant: Merchant) -> ClientBuilder {
        ClientBuilder { merchant, options: ClientOptions::default(), roots: None, proxy: None }
    }

    /// The shop this client signs for.
    pub fn merchant(&self) -> &Merchant {
        &self.inner.merchant
    }

    /// The transport, to drive other calls of the core with [`drive`](crate::drive).
    pub fn transport(&self) -> &UreqTransport {
        &self.inner.transport
    }

    /// Sends one operation and parses its answer. Reads and precalculations are
    /// retried on transport failures, 5xx and error 8; creates are sent again only
    /// when they provably never left. Use [`Client::payout`] for payouts.
    pub fn send<E: Endpoint>(&self, endpoint: &E) -> Result<E::Output, Error> {
        let _span = call_span(&self.inner.merchant, E::PATH, endpoint.shop_payment_id()).entered();
        let call = Call::new(&self.inner.merchant, endpoint, self.inner.options.retry)?;
        drive_logged(call, &self.inner.transport, CallLog::new(E::PATH, endpoint.shop_payment_id()))
    }

    /// Makes a payout exactly once: on an unknown outcome it asks the status by
    /// `shop_payment_id` and adopts what it finds, creating again only after "not
    /// found". Ends with [`Error::PayoutUnresolved`] when the outcome cannot be
    /// established in time.
    pub fn payout<C: IdempotentCreate>(&self, create: C) -> PayoutResult<C> {
        let _span = call_span(&self.inner.merchant, C::PATH, Some(create.payment_id())).entered();
        let log = CallLog::new(C::PATH, Some(create.payment_id()));
        let machine =
            ExactlyOncePayout::new(&self.inner.merchant, create, self.inner.options.payout)?;
        drive_logged(machine, &self.inner.transport, log)
    }

    /// Finishes a payout whose earlier run ended without a known outcome: looks it up
    /// first and creates it only after "not found".
    pub fn resume_payout<C: IdempotentCreate>(&self, create: C) -> PayoutResult<C> {
        let _span = call_span(&self.inner.merchant, C::PATH, Some(create.payment_id())).entered();
        let log = CallLog::new(C::PATH, Some(create.payment_id()));
        let machine =
            ExactlyOncePayout::resume(&self.inner.merchant, create, self.inner.options.payout)?;
        drive_logged(machine, &self.inner.transport, log)
    }
}

/// The span of one call: endpoint, shop and payout id, never the secret or the
/// signature.
fn call_span(merchant: &Merchant, path: &'static str, id: Option<&ShopPaymentId>) -> tracing::Span {
    tracing::info_span!(
        "feennex",
        endpoint = path,
        shop_id = merchant.shop_id().get(),
        shop_payment_id = id.map(|id| id.as_str()),
    )
}

/// Settings of a [`Client`].
#[derive(Debug)]
pub struct ClientBuilder {
    merchant: Merchant,
    options: ClientOptions,
    roots: Option<Vec<CertificateDer<'static>>>,
    proxy: Option<ProxyConfig>,
}

impl ClientBuilder {
    /// Timeouts, retries, limits and the user agent.
    pub fn options(mut self, options: ClientOptions) -> Self {
        self.options = options;
        self
    }

    /// Trusts these root certificates instead of the bundled web PKI roots: for a
    /// gateway behind a private certificate authority, or a test server's
    /// self-signed certificate.
    pub fn root_certificates(mut self, roots: Vec<CertificateDer<'static>>) -> Self {
        self.roots = Some(roots);
        self
    }

    /// The proxies to use instead of those the environment names (`HTTPS_PROXY`,
    /// `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY`; see [`ProxyConfig`]).
    /// `ProxyConfig::none()` connects directly whatever the environment says.
    pub fn proxy(mut self, proxies: ProxyConfig) -> Self {
        self.proxy = Some(proxies);
        self
    }

    /// Builds the client: HTTPS through rustls with the bundled web PKI roots (or
    /// the ones given), no redirects, HTTP statuses given back as answers. Without
    /// [`ClientBuilder::proxy`], the proxy comes from the environment, read now,
    /// by the same rule as the async client's (not ureq's own).
    pub fn build(self) -> Result<Client, BuildError> {
        let options = self.options;
        options.check_base_url(self.merchant.base_url())?;
        let roots = match &self.roots {
            Some(roots) => RootCerts::new_with_certs(
                &roots.iter().map(|der| Certificate::from_der(der).to_owned()).collect::<Vec<_>>(),
            ),
            None => RootCerts::WebPki,
        };
        let proxies = match &self.proxy {
            Some(proxies) => proxies.clone(),
            None => ProxyConfig::from_env()?,
        };
        let proxy =
            proxies.proxy_for(self.merchant.base_url().as_str()).map(ureq_proxy).transpose()?;
        let agent = ureq::Agent::config_builder()
            .proxy(proxy)
            .tls_config(TlsConfig::builder().root_certs(roots).build())
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_connect(Some(options.connect_timeout))
            .timeout_global(Some(options.retry.attempt_timeout))
            .user_agent(options.user_agent.as_str())
            .build()
            .new_agent();
        let transport = UreqTransport::new(agent, options.max_response_bytes);
        Ok(Client { inner: Arc::new(Inner { merchant: self.merchant, transport, options }) })
    }
}

/// The core's choice of proxy in ureq's terms: an HTTP `CONNECT` proxy.
fn ureq_proxy(proxy: &ProxyUrl) -> Result<ureq::Proxy, ProxyError> {
    let mut builder =
        ureq::Proxy::builder(ureq::ProxyProtocol::Http).host(proxy.host()).port(proxy.port());
    if let Some((user, password)) = proxy.credentials() {
        builder = builder.username(user).password(password);
    }
    builder.build().map_err(|_| ProxyError::Invalid { variable: proxy.uri() })
}
