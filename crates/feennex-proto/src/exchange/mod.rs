//! State machines that decide every request of a call: what to send, by when, how
//! long to wait, when to stop. Transports only run them.
//!
//! # The run loop
//!
//! A driver calls [`Exchange::poll`] with the current time and a random number, and
//! does what the returned [`Step`] says:
//!
//! - [`Step::Send`]: send the request, giving up at its `deadline`, then hand the
//!   outcome to [`Exchange::receive`] with the time it arrived. An answer received
//!   after the deadline counts as "timed out after sending", whatever the transport
//!   did, so a late answer means the same on every stack.
//! - [`Step::Wait`]: sleep that long, then poll again.
//! - [`Step::Done`]: the call is over; return its result.
//!
//! The machines read no clock and draw no random numbers themselves, so every
//! sequence can be replayed: [`Simulation`] runs any machine against scripted
//! answers on a simulated clock.
//!
//! ```
//! use std::time::Duration;
//! use feennex_proto::exchange::{Call, Reply, RetryPolicy, Simulation};
//! use feennex_proto::prelude::*;
//!
//! let merchant = Merchant::new(ShopId::new(6).unwrap(), SecretKey::new("secret"));
//! let status = TransferStatus::new(Timestamp::from_unix_millis(0)?, ShopPaymentId::new("p-1")?);
//! let call = Call::new(&merchant, &status, RetryPolicy::default())?;
//! let found = r#"{"data":{"id":9,"shop_payment_id":"p-1","receive_amount":5,"payee_currency":840,
//!     "shop_currency":840,"write_off_amount":5.35},"error_code":0,"message":"Ok","result":true}"#;
//! // A proxy error first, then the real answer.
//! let run = Simulation::new(call).run(|sent| match sent.number {
//!     1 => Reply::answer(502, "<html>Bad Gateway</html>"),
//!     _ => Reply::answer(200, found).after(Duration::from_millis(20)),
//! });
//! // The 502 was retried after a jittered wait.
//! assert_eq!(run.requests.len(), 2);
//! assert_eq!(run.output.unwrap()?.write_off_amount.to_string(), "5.35");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod call;
mod payout;
mod simulation;

use std::time::{Duration, Instant, SystemTime};

pub use call::Call;
pub use payout::{
    ExactlyOncePayout, IdempotentCreate, PayoutLimits, PayoutOutcome, PayoutRecord, PayoutResult,
    PayoutSummary, Start,
};
pub use simulation::{Reply, Sent, SentRecord, Simulated, Simulation};

pub use crate::retry::{CallKind, RetryDecision, RetryPolicy, is_retryable};

use crate::error::Error;
use crate::transport::{AttemptTimedOut, Request, Response};

/// What the driver must do next.
#[must_use]
#[derive(Debug)]
// A step is moved once from `poll` to the driver: boxing a variant would only add an
// allocation per request.
#[allow(clippy::large_enum_variant)]
pub enum Step<T> {
    /// Send this request, giving up at `deadline`; then call `receive`.
    Send {
        /// The signed request.
        request: Request,
        /// When this attempt ends: an answer received later counts as a timeout.
        deadline: Instant,
        /// What the request is for.
        role: RequestRole,
    },
    /// Wait this long, then poll again.
    Wait(Duration),
    /// The call is over.
    Done(T),
}

/// A call run by a driver.
pub trait Exchange {
    /// What the call ends with.
    type Output;

    /// The next thing to do. `now` is the driver's monotonic clock, `wall` its
    /// calendar clock (for the `now` fields of lookups), `random` any random number
    /// (for backoff jitter).
    fn poll(&mut self, now: Instant, wall: SystemTime, random: u64) -> Step<Self::Output>;

    /// The outcome of the last [`Step::Send`], received at `now`; transport failures
    /// come in as [`Error::Transport`] (see [`Error::transport`]). An outcome
    /// received after the attempt's deadline is read as a timeout.
    fn receive(&mut self, now: Instant, outcome: Result<Response, Error>);
}

/// What a request sent by a machine is for, so that drivers, logs and tests need not
/// tell requests apart by their path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RequestRole {
    /// The one request of a [`Call`].
    Call,
    /// A payout's create.
    Create,
    /// A payout's status lookup by `shop_payment_id`.
    Lookup,
}

impl RequestRole {
    /// A short name for logs: `call`, `create` or `lookup`.
    pub fn as_str(self) -> &'static str {
        match self {
            RequestRole::Call => "call",
            RequestRole::Create => "create",
            RequestRole::Lookup => "lookup",
        }
    }
}

/// The attempt a machine has out: when it was sent and when it ends.
#[derive(Debug, Clone, Copy)]
struct InFlight {
    sent_at: Instant,
    deadline: Instant,
}

impl InFlight {
    /// An attempt sent at `now` that may last `limit`, but not past `call_deadline`.
    fn start(now: Instant, limit: Duration, call_deadline: Instant) -> Self {
        Self { sent_at: now, deadline: (now + limit).min(call_deadline) }
    }

    /// The outcome as the machine must read it: anything received after the
    /// deadline is a timeout after sending, whatever the transport reported.
    fn settle(self, now: Instant, outcome: Result<Response, Error>) -> Result<Response, Error> {
        if now > self.deadline {
            return Err(Error::transport(AttemptTimedOut(self.deadline - self.sent_at)));
        }
        outcome
    }
}

/// A copy of a request, to send the very same bytes again.
fn copy_request(request: &Request) -> Request {
    let mut copy = http::Request::new(request.body().clone());
    *copy.method_mut() = request.method().clone();
    *copy.uri_mut() = request.uri().clone();
    *copy.version_mut() = request.version();
    *copy.headers_mut() = request.headers().clone();
    copy
}

/// The time left before `deadline`, zero once it has passed.
fn remaining(deadline: Instant, now: Instant) -> Duration {
    deadline.saturating_duration_since(now)
}
