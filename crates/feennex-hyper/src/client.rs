//! The client users hold: the shop, the policies and the transport.

use std::sync::Arc;
use std::time::Duration;

use feennex_proto::{
    Call, CallLog, ClientOptions, Endpoint, Error, ExactlyOncePayout, IdempotentCreate, Merchant,
    PayoutResult, PlainHttpRefused, ProxyConfig, ProxyError,
};
use tracing::Instrument;

use crate::driver::drive_logged;
use crate::proxy::ProxiedConnector;
use crate::transport::HyperTransport;

/// The client cannot be built as configured.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// Plain HTTP to another machine was not allowed.
    #[error(transparent)]
    PlainHttp(#[from] PlainHttpRefused),
    /// The TLS configuration could not be made.
    #[error("cannot set up TLS")]
    Tls(#[source] rustls::Error),
    /// A proxy setting (such as `HTTPS_PROXY`) cannot be used.
    #[error(transparent)]
    Proxy(#[from] ProxyError),
}

/// An async Feennex client: cheap to clone, clones share one connection pool.
#[derive(Clone, Debug)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    merchant: Merchant,
    transport: HyperTransport,
    options: ClientOptions,
}

impl Client {
    /// A client with the default timeouts and limits.
    pub fn new(merchant: Merchant) -> Result<Self, BuildError> {
        Self::builder(merchant).build()
    }

    /// A builder to set timeouts, limits and TLS.
    pub fn builder(merchant: Merchant) -> ClientBuilder {
        ClientBuilder::new(merchant)
    }

    /// The shop this client signs for.
    pub fn merchant(&self) -> &Merchant {
        &self.inner.merchant
    }

    /// The transport, to drive other calls of the core with [`drive`](crate::drive).
    pub fn transport(&self) -> &HyperTransport {
        &self.inner.transport
    }

    /// Sends one operation and parses its answer. Reads and precalculations are
    /// retried on transport failures, 5xx and error 8; creates are sent again only
    /// when they provably never left. Use [`Client::payout`] for payouts.
    pub async fn send<E: Endpoint>(&self, endpoint: &E) -> Result<E::Output, Error> {
        let span = call_span(&self.inner.merchant, E::PATH, endpoint.shop_payment_id());
        async {
            let call = Call::new(&self.inner.merchant, endpoint, self.inner.options.retry)?;
            drive_logged(
                call,
                &self.inner.transport,
                CallLog::new(E::PATH, endpoint.shop_payment_id()),
            )
            .await
        }
        .instrument(span)
        .await
    }

    /// Makes a payout exactly once: on an unknown outcome it asks the status by
    /// `shop_payment_id` and adopts what it finds, creating again only after "not
    /// found". Ends with [`Error::PayoutUnresolved`] when the outcome cannot be
    /// established in time.
    pub async fn payout<C: IdempotentCreate>(&self, create: C) -> PayoutResult<C> {
        let span = call_span(&self.inner.merchant, C::PATH, Some(create.payment_id()));
        async {
            let log = CallLog::new(C::PATH, Some(create.payment_id()));
            let machine =
                ExactlyOncePayout::new(&self.inner.merchant, create, self.inner.options.payout)?;
            drive_logged(machine, &self.inner.transport, log).await
        }
        .instrument(span)
        .await
    }

    /// Finishes a payout whose earlier run ended without a known outcome: looks it up
    /// first and creates it only after "not found".
    pub async fn resume_payout<C: IdempotentCreate>(&self, create: C) -> PayoutResult<C> {
        let span = call_span(&self.inner.merchant, C::PATH, Some(create.payment_id()));
        async {
            let log = CallLog::new(C::PATH, Some(create.payment_id()));
            let machine =
                ExactlyOncePayout::resume(&self.inner.merchant, create, self.inner.options.payout)?;
            drive_logged(machine, &self.inner.transport, log).await
        }
        .instrument(span)
        .await
    }
}

/// The span of one call: endpoint, shop and payout id, never the secret or the
/// signature.
fn call_span(
    merchant: &Merchant,
    path: &'static str,
    shop_payment_id: Option<&feennex_proto::ShopPaymentId>,
) -> tracing::Span {
    tracing::info_span!(
        "feennex",
        endpoint = path,
        shop_id = merchant.shop_id().get(),
        shop_payment_id = shop_payment_id.map(|id| id.as_str()),
    )
}

/// Settings of a [`Client`].
#[derive(Debug)]
pub struct ClientBuilder {
    merchant: Merchant,
    options: ClientOptions,
    tls: Option<rustls::ClientConfig>,
    proxy: Option<ProxyConfig>,
}

impl ClientBuilder {
    fn new(merchant: Merchant) -> Self {
        Self { merchant, options: ClientOptions::default(), tls: None, proxy: None }
    }

    /// Timeouts, retries, limits and the user agent.
    pub fn options(mut self, options: ClientOptions) -> Self {
        self.options = options;
        self
    }

    /// Your own rustls configuration (other roots, client certificates). By
    /// default the bundled web PKI roots are trusted (and the system's, with the
    /// `native-roots` feature).
    pub fn tls_config(mut self, config: rustls::ClientConfig) -> Self {
        self.tls = Some(config);
        self
    }

    /// The proxies to use instead of those the environment names (`HTTPS_PROXY`,
    /// `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY`; see [`ProxyConfig`]).
    /// `ProxyConfig::none()` connects directly whatever the environment says.
    pub fn proxy(mut self, proxies: ProxyConfig) -> Self {
        self.proxy = Some(proxies);
        self
    }

    /// Builds the client. Without [`ClientBuilder::proxy`], the proxy comes from
    /// the environment, read now.
    pub fn build(self) -> Result<Client, BuildError> {
        let options = self.options;
        options.check_base_url(self.merchant.base_url())?;
        let mut http = hyper_util::client::legacy::connect::HttpConnector::new();
        http.enforce_http(false);
        http.set_connect_timeout(Some(options.connect_timeout));
        http.set_nodelay(true);
        let tls = match self.tls {
            Some(config) => config,
            None => default_tls()?,
        };
        let proxies = match self.proxy {
            Some(proxies) => proxies,
            None => ProxyConfig::from_env()?,
        };
        let tcp = ProxiedConnector::new(http, &proxies, self.merchant.base_url().as_str());
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1()
            .wrap_connector(tcp);
        let user_agent = http::HeaderValue::from_str(&options.user_agent)
            .unwrap_or_else(|_| http::HeaderValue::from_static("feennex-rs"));
        let transport = HyperTransport::new(
            connector,
            POOL_IDLE_TIMEOUT,
            options.max_response_bytes,
            user_agent,
        );
        Ok(Client { inner: Arc::new(Inner { merchant: self.merchant, transport, options }) })
    }
}

/// How long an unused pooled connection is kept.
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// The bundled web PKI roots (and the system's, with the `native-roots` feature),
/// with the ring provider.
fn default_tls() -> Result<rustls::ClientConfig, BuildError> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    #[cfg(feature = "native-roots")]
    for certificate in rustls_native_certs::load_native_certs().certs {
        // A system certificate rustls cannot use is skipped, as browsers do.
        let _ = roots.add(certificate);
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(BuildError::Tls)?
        .with_root_certificates(roots)
        .with_no_client_auth())
}
