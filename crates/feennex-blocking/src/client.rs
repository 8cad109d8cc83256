//! The client users hold: the shop, the options and the transport.

use std::time::SystemTime;

use feennex_proto::callback::{ConfirmError, Notification};
use feennex_proto::endpoints::BillState;
use feennex_proto::exchange::{IdempotentCreate, PayoutResult};
use feennex_proto::proxy::{ProxyConfig, ProxyError, ProxyUrl};
use feennex_proto::session::BuildError;
use feennex_proto::{Error, Merchant, Session, endpoints::SingleCall, prelude::ClientOptions};
use rustls_pki_types::CertificateDer;
use ureq::tls::{Certificate, RootCerts, TlsConfig};

use crate::driver::drive_prepared;
use crate::transport::UreqTransport;

/// A blocking Feennex client: cheap to clone, clones share one connection pool.
///
/// Every method is the core's [`Session`] making the machine and this crate's
/// driver running it on the calling thread.
#[derive(Clone, Debug)]
pub struct Client {
    session: Session,
    transport: UreqTransport,
}

impl Client {
    /// A client with the default timeouts and limits.
    pub fn new(merchant: Merchant) -> Result<Self, BuildError> {
        Self::builder(merchant).build()
    }

    /// A builder to set timeouts, limits and trusted roots.
    pub fn builder(merchant: Merchant) -> ClientBuilder {
        ClientBuilder { merchant, options: ClientOptions::default(), roots: None, proxy: None }
    }

    /// The shop and options this client calls with.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The transport, to run other machines of the core with [`crate::drive`].
    pub fn transport(&self) -> &UreqTransport {
        &self.transport
    }

    /// [`Session::call`] on this thread: one operation, retried as its endpoint
    /// allows. Payout creates do not compile here: use [`Client::payout`].
    pub fn call<E: SingleCall>(&self, endpoint: &E) -> Result<E::Output, Error> {
        drive_prepared(self.session().call(endpoint)?, self.transport())
    }

    /// [`Session::payout`] on this thread: the payout made exactly once, or
    /// [`Error::PayoutUnresolved`] when its outcome could not be established in time.
    pub fn payout<C: IdempotentCreate>(&self, create: C) -> PayoutResult<C> {
        drive_prepared(self.session().payout(create)?, self.transport())
    }

    /// [`Session::confirm_callback`] on this thread: trust, then verify. Asks the
    /// API for the bill of the callback's order and compares it with the callback;
    /// act on a callback only after this succeeds.
    pub fn confirm_callback(&self, notification: &Notification) -> Result<BillState, ConfirmError> {
        let prepared = self.session().confirm_callback(notification, SystemTime::now())?;
        drive_prepared(prepared, self.transport())
    }

    /// [`Session::resume_payout`] on this thread: a payout of unknown outcome,
    /// looked up before anything is created.
    pub fn resume_payout<C: IdempotentCreate>(&self, create: C) -> PayoutResult<C> {
        drive_prepared(self.session().resume_payout(create)?, self.transport())
    }
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

    /// Proxies chosen in code rather than read from the environment (see
    /// [`ProxyConfig`]; `ProxyConfig::none()` always connects directly).
    pub fn proxy(mut self, proxies: ProxyConfig) -> Self {
        self.proxy = Some(proxies);
        self
    }

    /// Builds the client: HTTPS through rustls with the bundled web PKI roots (or
    /// the ones given), no redirects, HTTP statuses given back as answers. Without
    /// [`ClientBuilder::proxy`], the proxy comes from the environment, read now,
    /// by the same rule as the async client's (not ureq's own).
    pub fn build(self) -> Result<Client, BuildError> {
        let roots = match &self.roots {
            Some(roots) => RootCerts::new_with_certs(
                &roots.iter().map(|der| Certificate::from_der(der).to_owned()).collect::<Vec<_>>(),
            ),
            None => RootCerts::WebPki,
        };
        let session = Session::new(self.merchant, self.options)?;
        let options = session.options();
        let proxies = match &self.proxy {
            Some(proxies) => proxies.clone(),
            None => ProxyConfig::from_env()?,
        };
        let proxy = proxies
            .proxy_for(session.merchant().base_url().as_str())
            .map(ureq_proxy)
            .transpose()?;
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
        Ok(Client { session, transport })
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
