//! A call's machine behind one type, driven by a binding's own HTTP stack: the
//! binding reads no clock and decides nothing; it does what each step says.

use std::time::{Instant, SystemTime};

use feennex_proto::Error;
use feennex_proto::exchange::{Exchange, Step};
use feennex_proto::transport::{Delivery, Response, TransportError};
use serde::Serialize;
use serde_json::Value;

use crate::failure::Failure;
use crate::view::{RequestView, to_json};

/// What the binding must do next.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum StepView {
    /// Send this request, giving up after `timeout_ms`; then hand the outcome back.
    Send {
        /// `call`, `create` or `lookup`.
        role: &'static str,
        /// How long this attempt may take, in milliseconds.
        timeout_ms: u64,
        /// The signed request.
        request: RequestView,
    },
    /// Wait this long, then poll again.
    Wait {
        /// Milliseconds.
        ms: u64,
    },
    /// The call is over with this result (for a payout: the outcome, the record as
    /// created or found, and how many requests it took).
    Done {
        /// The result as JSON, amounts as decimal strings.
        value: Value,
    },
    /// The call is over with this failure.
    Failed {
        /// Why (boxed: a failure carries every detail a binding shows).
        error: Box<Failure>,
    },
}

/// A machine of the core, its output turned into JSON.
pub struct Machine {
    inner: Box<dyn Erased + Send>,
}

impl std::fmt::Debug for Machine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Machine { .. }")
    }
}

impl Machine {
    pub(crate) fn new<X, T>(machine: X) -> Self
    where
        X: Exchange<Output = Result<T, Error>> + Send + 'static,
        T: Serialize,
    {
        Self { inner: Box::new(Adapter(machine)) }
    }

    /// The next step, at the current time.
    pub fn poll(&mut self) -> StepView {
        self.poll_with(fastrand::u64(..))
    }

    /// The next step, at the current time, with the caller's random number (for
    /// the jitter of waits).
    pub fn poll_with(&mut self, random: u64) -> StepView {
        self.inner.poll(Instant::now(), SystemTime::now(), random)
    }

    /// The answer to the last `send` step, received now. An invalid HTTP status is
    /// refused and changes nothing.
    pub fn receive_response(&mut self, status: u16, body: Vec<u8>) -> Result<(), Failure> {
        let status = feennex_proto::http::StatusCode::from_u16(status)
            .map_err(|_| Failure::invalid("status", format!("{status} is not an HTTP status")))?;
        let mut response = Response::new(body);
        *response.status_mut() = status;
        self.inner.receive(Instant::now(), Ok(response));
        Ok(())
    }

    /// The last `send` step failed in the binding's HTTP stack; `sent` says whether
    /// the request could have reached the server (when in doubt, `true`).
    pub fn receive_failure(&mut self, sent: bool, message: &str) {
        let delivery = if sent { Delivery::MaybeSent } else { Delivery::NotSent };
        let error = HostTransportError { delivery, message: message.chars().take(300).collect() };
        self.inner.receive(Instant::now(), Err(Error::transport(error)));
    }
}

/// A failure reported by the binding's HTTP stack.
#[derive(Debug)]
struct HostTransportError {
    delivery: Delivery,
    message: String,
}

impl std::fmt::Display for HostTransportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for HostTransportError {}

impl TransportError for HostTransportError {
    fn delivery(&self) -> Delivery {
        self.delivery
    }
}

trait Erased {
    fn poll(&mut self, now: Instant, wall: SystemTime, random: u64) -> StepView;
    fn receive(&mut self, now: Instant, outcome: Result<Response, Error>);
}

struct Adapter<X>(X);

impl<X, T> Erased for Adapter<X>
where
    X: Exchange<Output = Result<T, Error>>,
    T: Serialize,
{
    fn poll(&mut self, now: Instant, wall: SystemTime, random: u64) -> StepView {
        match self.0.poll(now, wall, random) {
            Step::Send { request, deadline, role } => StepView::Send {
                role: role.as_str(),
                timeout_ms: millis(deadline.saturating_duration_since(now)),
                request: RequestView::of(&request),
            },
            Step::Wait(duration) => StepView::Wait { ms: millis(duration) },
            Step::Done(Ok(output)) => match to_json(&output) {
                Ok(value) => StepView::Done { value },
                Err(error) => StepView::Failed { error: Box::new(error) },
            },
            Step::Done(Err(error)) => StepView::Failed { error: Box::new(Failure::from(error)) },
        }
    }

    fn receive(&mut self, now: Instant, outcome: Result<Response, Error>) {
        self.0.receive(now, outcome);
    }
}

/// Whole milliseconds, rounded up so that a short wait is never zero.
fn millis(duration: std::time::Duration) -> u64 {
    let ms = duration.as_micros().div_ceil(1000);
    u64::try_from(ms).unwrap_or(u64::MAX)
}
