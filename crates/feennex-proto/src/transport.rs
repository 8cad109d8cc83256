//! What the core asks of an HTTP stack: send one request, give back the response or
//! a failure that says whether the request could have reached the server.
//!
//! Only signatures live here. The async client (`feennex-hyper`), the blocking client
//! (`feennex-blocking`) and any stack of your own implement these traits; closures
//! implement them too, which makes fakes in tests one line.
//!
//! # The deadline
//!
//! Every send carries the attempt's deadline. A transport should give up by then
//! (it frees the connection and the caller's time), but whatever it does, the
//! machine that asked for the request treats an answer received after the deadline
//! as "timed out after sending": a late answer means the same on every stack.

use std::future::Future;
use std::time::Instant;

/// Whether a failed request could have reached the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Delivery {
    /// The request provably never left: DNS, connect or TLS failed, or the
    /// connection was refused. Sending it again cannot do anything twice.
    NotSent,
    /// Some or all of the request may have been written: the server may have
    /// acted on it (a timeout or reset after sending).
    MaybeSent,
}

/// A transport's own error, able to say whether the request could have arrived.
pub trait TransportError: std::error::Error + Send + Sync + 'static {
    /// Whether the request could have reached the server.
    fn delivery(&self) -> Delivery;
}

impl TransportError for std::io::Error {
    /// Errors that can only happen before anything is written (refused, no route,
    /// address unusable) are [`Delivery::NotSent`]; everything else may have been sent.
    fn delivery(&self) -> Delivery {
        use std::io::ErrorKind::*;
        match self.kind() {
            ConnectionRefused | AddrNotAvailable | AddrInUse | NotFound | PermissionDenied => {
                Delivery::NotSent
            }
            _ => Delivery::MaybeSent,
        }
    }
}

/// The request type every transport sends: a signed request with its body.
pub type Request = http::Request<Vec<u8>>;

/// The response type every transport gives back: status, headers and the whole
/// body (transports bound its size).
pub type Response = http::Response<Vec<u8>>;

/// A blocking HTTP stack.
pub trait BlockingTransport {
    /// The stack's own error.
    type Error: TransportError;

    /// Sends one request and waits for the whole response, giving up at `deadline`.
    fn send(&self, request: Request, deadline: Instant) -> Result<Response, Self::Error>;
}

impl<F, E> BlockingTransport for F
where
    F: Fn(Request, Instant) -> Result<Response, E>,
    E: TransportError,
{
    type Error = E;

    fn send(&self, request: Request, deadline: Instant) -> Result<Response, E> {
        self(request, deadline)
    }
}

/// An async HTTP stack.
pub trait AsyncTransport {
    /// The stack's own error.
    type Error: TransportError;

    /// Sends one request and resolves to the whole response, giving up at
    /// `deadline`.
    fn send(
        &self,
        request: Request,
        deadline: Instant,
    ) -> impl Future<Output = Result<Response, Self::Error>> + Send;
}

impl<F, Fut, E> AsyncTransport for F
where
    F: Fn(Request, Instant) -> Fut,
    Fut: Future<Output = Result<Response, E>> + Send,
    E: TransportError,
{
    type Error = E;

    fn send(
        &self,
        request: Request,
        deadline: Instant,
    ) -> impl Future<Output = Result<Response, E>> + Send {
        self(request, deadline)
    }
}

/// An attempt ran past its deadline: the request may have been sent. Machines
/// report it for any answer received late; drivers may report it when they cut
/// an attempt off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("no answer within {0:?}")]
pub struct AttemptTimedOut(pub std::time::Duration);

impl TransportError for AttemptTimedOut {
    fn delivery(&self) -> Delivery {
        Delivery::MaybeSent
    }
}
