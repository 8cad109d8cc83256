//! Connections through an HTTP proxy's `CONNECT` tunnel, when the core's
//! [`ProxyConfig`] names one for the base URL; direct connections otherwise.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use feennex_proto::proxy::{ProxyConfig, ProxyUrl};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tower_service::Service;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A TCP connector that goes straight to the server, or through a proxy's tunnel.
#[derive(Clone, Debug)]
pub(crate) enum ProxiedConnector {
    /// Straight to the server.
    Direct(HttpConnector),
    /// Through this tunnel.
    Tunnel(Tunnel<HttpConnector>),
}

impl ProxiedConnector {
    /// Through the proxy `proxies` choose for `base_url`, or direct.
    pub(crate) fn new(http: HttpConnector, proxies: &ProxyConfig, base_url: &str) -> Self {
        match proxies.proxy_for(base_url) {
            Some(proxy) => Self::tunnel(http, proxy),
            None => Self::Direct(http),
        }
    }

    fn tunnel(http: HttpConnector, proxy: &ProxyUrl) -> Self {
        let Ok(proxy_uri) = proxy.uri().parse::<http::Uri>() else {
            return Self::Direct(http);
        };
        let mut tunnel = Tunnel::new(proxy_uri, http);
        if let Some(value) =
            proxy.basic_authorization().and_then(|text| http::HeaderValue::from_str(&text).ok())
        {
            let mut value = value;
            value.set_sensitive(true);
            tunnel = tunnel.with_auth(value);
        }
        Self::Tunnel(tunnel)
    }
}

impl Service<http::Uri> for ProxiedConnector {
    type Response = TokioIo<TcpStream>;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        match self {
            Self::Direct(http) => http.poll_ready(cx).map_err(Into::into),
            Self::Tunnel(tunnel) => tunnel.poll_ready(cx).map_err(Into::into),
        }
    }

    fn call(&mut self, destination: http::Uri) -> Self::Future {
        match self {
            Self::Direct(http) => {
                let connecting = http.call(destination);
                Box::pin(async move { connecting.await.map_err(Into::into) })
            }
            Self::Tunnel(tunnel) => {
                // The tunnel assumes port 443 when the URL has none.
                let connecting = tunnel.call(with_explicit_port(destination));
                Box::pin(async move { connecting.await.map_err(Into::into) })
            }
        }
    }
}

/// The same URI with its scheme's default port written out.
fn with_explicit_port(uri: http::Uri) -> http::Uri {
    if uri.port().is_some() {
        return uri;
    }
    let port = if uri.scheme_str() == Some("http") { 80 } else { 443 };
    let Some(host) = uri.host() else {
        return uri;
    };
    let authority = format!("{host}:{port}");
    let mut parts = uri.clone().into_parts();
    match authority.parse() {
        Ok(authority) => {
            parts.authority = Some(authority);
            http::Uri::from_parts(parts).unwrap_or(uri)
        }
        Err(_) => uri,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tunnel_is_asked_for_the_scheme_default_port() {
        let http: http::Uri = "http://sandbox.test/x".parse().unwrap();
        assert_eq!(with_explicit_port(http).authority().unwrap().as_str(), "sandbox.test:80");
        let https: http::Uri = "https://core.feennex.com".parse().unwrap();
        assert_eq!(with_explicit_port(https).authority().unwrap().as_str(), "core.feennex.com:443");
        let given: http::Uri = "http://h:8080".parse().unwrap();
        assert_eq!(with_explicit_port(given).port_u16(), Some(8080));
    }
}
