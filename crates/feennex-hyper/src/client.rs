//! The client users hold: the shop, the policies and the transport.

use std::time::{Duration, SystemTime};

use feennex_proto::callback::{ConfirmError, Notification};
use feennex_proto::endpoints::BillState;
use feennex_proto::exchange::{IdempotentCreate, PayoutResult};
use feennex_proto::proxy::ProxyConfig;
use feennex_proto::session::BuildError;
use feennex_proto::{Error, Merchant, Session, endpoints::SingleCall, prelude::ClientOptions};

use crate::driver::drive_prepared;
use crate::proxy::ProxiedConnector;
use crate::transport::HyperTransport;

/// An async Feennex client: cheap to clone, clones share one connection pool.
///
/// Every method is the core's [`Session`] making the machine and this crate's
/// driver running it on tokio.
#[derive(Clone, Debug)]
pub struct Client {
    session: Session,
    transport: HyperTransport,
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

    /// The shop and options this client calls with.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The transport, to run other machines of the core with [`crate::drive`].
    pub fn transport(&self) -> &HyperTransport {
        &self.transport
    }

    /// [`Session::call`], awaited: one operation, retried as its endpoint allows.
    /// Payout creates do not compile here: use [`Client::payout`].
    pub async fn call<E: SingleCall>(&self, endpoint: &E) -> Result<E::Output, Error> {
        drive_prepared(self.session().call(endpoint)?, self.transport()).await
    }

    /// [`Session::payout`], awaited: the payout made exactly once, or
    /// [`Error::PayoutUnresolved`] when its outcome could not be established in time.
    pub async fn payout<C: IdempotentCreate>(&self, create: C) -> PayoutResult<C> {
        drive_prepared(self.session().payout(create)?, self.transport()).await
    }

    /// [`Session::confirm_callback`], awaited: trust, then verify. Asks the API for
    /// the bill of the callback's order and compares it with the callback; act on a
    /// callback only after this succeeds.
    pub async fn confirm_callback(
        &self,
        notification: &Notification,
    ) -> Result<BillState, ConfirmError> {
        let prepared = self.session().confirm_callback(notification, SystemTime::now())?;
        drive_prepared(prepared, self.transport()).await
    }

    /// [`Session::resume_payout`], awaited: a payout of unknown outcome, looked up
    /// before anything is created.
    pub async fn resume_payout<C: IdempotentCreate>(&self, create: C) -> PayoutResult<C> {
        drive_prepared(self.session().resume_payout(create)?, self.transport()).await
    }
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
        let session = Session::new(self.merchant, self.options)?;
        let options = session.options();
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
        let tcp = ProxiedConnector::new(http, &proxies, session.merchant().base_url().as_str());
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
        Ok(Client { session, transport })
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
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|error| BuildError::Transport(Box::new(error)))?
        .with_root_certificates(roots)
        .with_no_client_auth())
}
