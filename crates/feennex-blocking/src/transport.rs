//! Moving bytes with ureq: one request out, one bounded response in.

use std::time::Instant;

use feennex_proto::transport::{BlockingTransport, Delivery, Request, Response, TransportError};

/// What can go wrong while moving one request and its answer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum UreqTransportError {
    /// ureq's own error; see [`TransportError::delivery`] for whether it was sent.
    #[error(transparent)]
    Ureq(#[from] ureq::Error),
    /// The answer is larger than the configured limit; it was not read whole.
    #[error("the answer is larger than the limit of {limit} bytes")]
    ResponseTooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
}

impl TransportError for UreqTransportError {
    fn delivery(&self) -> Delivery {
        use ureq::Timeout;
        match self {
            UreqTransportError::Ureq(
                ureq::Error::HostNotFound
                | ureq::Error::ConnectionFailed
                | ureq::Error::BadUri(_)
                // The proxy refused the tunnel: nothing reached the server.
                | ureq::Error::ConnectProxyFailed(_)
                | ureq::Error::InvalidProxyUrl
                | ureq::Error::Timeout(Timeout::Resolve | Timeout::Connect),
            ) => Delivery::NotSent,
            UreqTransportError::Ureq(ureq::Error::Rustls(error)) if is_handshake_failure(error) => {
                Delivery::NotSent
            }
            UreqTransportError::Ureq(ureq::Error::Io(error)) => {
                // ureq reports a failed TLS handshake as an I/O error around rustls's.
                let tls = error.get_ref().and_then(|inner| inner.downcast_ref::<rustls::Error>());
                if tls.is_some_and(is_handshake_failure) {
                    Delivery::NotSent
                } else {
                    error.delivery()
                }
            }
            _ => Delivery::MaybeSent,
        }
    }
}

/// TLS failures that can only happen while the connection is being set up (an
/// untrusted or invalid certificate, no common protocol, a refusal alert), before
/// a byte of the request is written.
fn is_handshake_failure(error: &rustls::Error) -> bool {
    use rustls::AlertDescription as Alert;
    match error {
        rustls::Error::InvalidCertificate(_)
        | rustls::Error::InvalidCertRevocationList(_)
        | rustls::Error::NoCertificatesPresented
        | rustls::Error::UnsupportedNameType
        | rustls::Error::PeerIncompatible(_)
        | rustls::Error::InappropriateHandshakeMessage { .. }
        | rustls::Error::HandshakeNotComplete
        | rustls::Error::NoApplicationProtocol => true,
        rustls::Error::AlertReceived(alert) => matches!(
            alert,
            Alert::HandshakeFailure
                | Alert::BadCertificate
                | Alert::UnsupportedCertificate
                | Alert::CertificateRevoked
                | Alert::CertificateExpired
                | Alert::CertificateUnknown
                | Alert::UnknownCA
                | Alert::ProtocolVersion
                | Alert::InsufficientSecurity
                | Alert::CertificateRequired
                | Alert::UnrecognisedName
                | Alert::NoApplicationProtocol
        ),
        _ => false,
    }
}

/// ureq with a keep-alive pool, HTTPS through rustls (ring) and plain HTTP; no
/// redirects, statuses are answers rather than errors. Cheap to clone.
#[derive(Clone, Debug)]
pub struct UreqTransport {
    agent: ureq::Agent,
    max_response_bytes: usize,
}

impl UreqTransport {
    pub(crate) fn new(agent: ureq::Agent, max_response_bytes: usize) -> Self {
        Self { agent, max_response_bytes }
    }
}

impl BlockingTransport for UreqTransport {
    type Error = UreqTransportError;

    /// ureq gives up at the deadline: connecting, writing and reading included.
    fn send(&self, request: Request, deadline: Instant) -> Result<Response, UreqTransportError> {
        let timeout = deadline.saturating_duration_since(Instant::now());
        let request = self.agent.configure_request(request).timeout_global(Some(timeout)).build();
        let response = self.agent.run(request)?;
        let (parts, mut body) = response.into_parts();
        let limit = self.max_response_bytes;
        let bytes =
            body.with_config().limit(limit as u64).read_to_vec().map_err(|error| match error {
                ureq::Error::BodyExceedsLimit(_) => UreqTransportError::ResponseTooLarge { limit },
                other => UreqTransportError::Ureq(other),
            })?;
        Ok(http::Response::from_parts(parts, bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wrapped(error: rustls::Error) -> UreqTransportError {
        let io = std::io::Error::new(std::io::ErrorKind::InvalidData, error);
        UreqTransportError::Ureq(ureq::Error::Io(io))
    }

    #[test]
    fn failed_tls_handshake_means_the_request_never_left() {
        let untrusted = rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer);
        assert_eq!(wrapped(untrusted).delivery(), Delivery::NotSent);
        let refused = rustls::Error::AlertReceived(rustls::AlertDescription::HandshakeFailure);
        assert_eq!(wrapped(refused).delivery(), Delivery::NotSent);
    }

    #[test]
    fn a_refused_proxy_tunnel_means_the_request_never_left() {
        let refused = ureq::Error::ConnectProxyFailed("407 Proxy Authentication Required".into());
        assert_eq!(UreqTransportError::Ureq(refused).delivery(), Delivery::NotSent);
    }

    #[test]
    fn tls_failure_on_an_open_connection_may_have_sent_the_request() {
        assert_eq!(wrapped(rustls::Error::DecryptError).delivery(), Delivery::MaybeSent);
        let closed = rustls::Error::AlertReceived(rustls::AlertDescription::CloseNotify);
        assert_eq!(wrapped(closed).delivery(), Delivery::MaybeSent);
        let reset = std::io::Error::from(std::io::ErrorKind::ConnectionReset);
        assert_eq!(
            UreqTransportError::Ureq(ureq::Error::Io(reset)).delivery(),
            Delivery::MaybeSent
        );
    }
}
