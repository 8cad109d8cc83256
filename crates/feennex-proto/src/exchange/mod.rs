//! State machines that decide every request of a call: what to send, how long to
//! wait, when to stop. Transports only run them.
//!
//! # The run loop
//!
//! A driver calls [`Exchange::poll`] with the current time and a random number, and
//! does what the returned [`Step`] says: send the request (giving up after its
//! timeout) and hand the outcome to [`Exchange::receive`], or wait, or return the
//! result of [`Step::Done`]. The machines read no clock and draw no random numbers
//! themselves, so every sequence can be replayed in a test.
//!
//! ```
//! use std::time::{Duration, Instant, SystemTime};
//! use feennex_proto::*;
//!
//! // A fake transport: a proxy error first, then the real answer.
//! let answers = std::cell::RefCell::new(vec![
//!     (200, r#"{"data":{"id":9,"shop_payment_id":"p-1","receive_amount":5,"payee_currency":840,
//!         "shop_currency":840,"write_off_amount":5.35},"error_code":0,"message":"Ok","result":true}"#),
//!     (502, "<html>Bad Gateway</html>"),
//! ]);
//! let merchant = Merchant::new(ShopId::new(6).unwrap(), SecretKey::new("secret"));
//! let status = TransferStatus {
//!     now: Timestamp::from_unix_millis(0)?,
//!     shop_payment_id: ShopPaymentId::new("p-1")?,
//! };
//! let mut call = Call::new(&merchant, &status, RetryPolicy::default())?;
//! let mut now = Instant::now();
//! let result = loop {
//!     match call.poll(now, SystemTime::UNIX_EPOCH, 42) {
//!         Step::Send { request, .. } => {
//!             let (status, body) = answers.borrow_mut().pop().unwrap();
//!             let response = http::Response::builder().status(status).body(body.as_bytes().to_vec())?;
//!             call.receive(now, Ok(response));
//!         }
//!         Step::Wait(duration) => now += duration,
//!         Step::Done(result) => break result,
//!     }
//! };
//! // The 502 was retried after a jittered wait.
//! assert_eq!(result?.write_off_amount.to_string(), "5.35");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod call;
mod payout;

use std::time::{Duration, Instant, SystemTime};

pub use call::Call;
pub use payout::{
    ExactlyOncePayout, IdempotentCreate, PayoutOutcome, PayoutPolicy, PayoutRecord, PayoutResult,
    PayoutSummary,
};

use crate::error::Error;
use crate::transport::{Request, Response};

/// What the driver must do next.
#[must_use]
#[derive(Debug)]
// A step is moved once from `poll` to the driver: boxing a variant would only add an
// allocation per request.
#[allow(clippy::large_enum_variant)]
pub enum Step<T> {
    /// Send this request and give up on it after `timeout`; then call `receive`.
    Send {
        /// The signed request.
        request: Request,
        /// How long this attempt may take.
        timeout: Duration,
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

    /// The outcome of the last [`Step::Send`]; transport failures come in as
    /// [`Error::Transport`] (see [`Error::transport`]).
    fn receive(&mut self, now: Instant, outcome: Result<Response, Error>);
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
