//! Moving bytes with ureq: one request out, one bounded response in.

use feennex_proto::{
    AttemptTimeout, BlockingTransport, Delivery, Request, Response, TransportError,
};

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
                | ureq::Error::Timeout(Timeout::Resolve | Timeout::Connect),
            ) => Delivery::NotSent,
            UreqTransportError::Ureq(ureq::Error::Io(error)) => error.delivery(),
            _ => Delivery::MaybeSent,
        }
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

    fn send(&self, request: Request) -> Result<Response, UreqTransportError> {
        let timeout = request.extensions().get::<AttemptTimeout>().map(|limit| limit.0);
        let request = self.agent.configure_request(request).timeout_global(timeout).build();
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
