//! The events of one call, as the drivers report them through `tracing`.
//!
//! A driver tells a [`CallLog`] what it does (send, receive, wait, finish) and the
//! log picks the level and the words: each attempt and its outcome, each wait
//! before a retry, a payout's lookup after an unknown outcome and what followed it
//! (adopted, or created again), and the final outcome. Every event carries the
//! endpoint, the `shop_payment_id` when there is one, the attempt number and the
//! time elapsed since the call began; never the secret, a signature or a body.
//!
//! Levels: `debug` for each attempt and its answer, `info` for what an operator
//! wants to follow (a failed attempt, a wait, a lookup, an adopted payout, the end
//! of a call).

use std::time::{Duration, Instant};

use crate::error::{Error, chain_of};
use crate::exchange::RequestRole;
use crate::transport::Response;

/// What a call's log span shows: never the secret or a signature.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallLabel {
    /// The endpoint path, such as `transfer/create`.
    pub endpoint: &'static str,
    /// The shop.
    pub shop_id: u64,
    /// The payout's id, for calls that have one.
    pub shop_payment_id: Option<String>,
}

impl CallLabel {
    /// The call's log span: endpoint, shop and payout id.
    pub fn span(&self) -> tracing::Span {
        tracing::info_span!(
            "feennex",
            endpoint = self.endpoint,
            shop_id = self.shop_id,
            shop_payment_id = self.shop_payment_id.as_deref(),
        )
    }
}

/// What a finished call gave back, as far as its log needs to know.
pub trait CallOutcome {
    /// The error the call ended with, if it failed.
    fn failure(&self) -> Option<&(dyn std::error::Error + 'static)>;
}

impl<T, E: std::error::Error + 'static> CallOutcome for Result<T, E> {
    fn failure(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.as_ref().err().map(|error| error as &(dyn std::error::Error + 'static))
    }
}

/// Whether an error says the server may have acted although no usable answer came.
fn outcome_unknown(error: &(dyn std::error::Error + 'static)) -> bool {
    error.downcast_ref::<Error>().is_some_and(Error::is_outcome_unknown)
}

/// What the previous request of the call was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sent {
    Nothing,
    /// The call's own request (for a payout, the create).
    Own,
    /// A payout's status lookup.
    Lookup,
}

/// The events of one call: fed by the driver, written through `tracing`.
#[derive(Debug)]
pub struct CallLog {
    endpoint: &'static str,
    shop_payment_id: Option<String>,
    started: Option<Instant>,
    attempt: u32,
    last: Sent,
    lookups: u32,
}

impl CallLog {
    /// The log of the call `label` names.
    pub fn new(label: CallLabel) -> Self {
        Self {
            endpoint: label.endpoint,
            shop_payment_id: label.shop_payment_id,
            started: None,
            attempt: 0,
            last: Sent::Nothing,
            lookups: 0,
        }
    }

    /// The log of a call whose endpoint is not known in advance.
    pub fn unnamed() -> Self {
        Self {
            endpoint: "",
            shop_payment_id: None,
            started: None,
            attempt: 0,
            last: Sent::Nothing,
            lookups: 0,
        }
    }

    fn elapsed_ms(&self, now: Instant) -> u64 {
        self.started.map_or(0, |started| millis(now.saturating_duration_since(started)))
    }

    fn id(&self) -> &str {
        self.shop_payment_id.as_deref().unwrap_or("")
    }

    /// The driver is about to send a request of `role` to `path`, giving up at
    /// `deadline`.
    pub fn sending(&mut self, now: Instant, role: RequestRole, path: &str, deadline: Instant) {
        self.started.get_or_insert(now);
        self.attempt += 1;
        let timeout = deadline.saturating_duration_since(now);
        let this = if role == RequestRole::Lookup { Sent::Lookup } else { Sent::Own };
        let previous = std::mem::replace(&mut self.last, this);
        if this == Sent::Lookup {
            self.lookups += 1;
        }
        let (endpoint, shop_payment_id, attempt) = (self.endpoint, self.id(), self.attempt);
        let elapsed_ms = self.elapsed_ms(now);
        match (previous, this) {
            (Sent::Own, Sent::Lookup) | (Sent::Nothing, Sent::Lookup) => tracing::info!(
                endpoint,
                shop_payment_id,
                attempt,
                elapsed_ms,
                lookup = path,
                "outcome of the payout unknown: looking it up by shop_payment_id"
            ),
            (Sent::Lookup, Sent::Own) => tracing::info!(
                endpoint,
                shop_payment_id,
                attempt,
                elapsed_ms,
                "payout not found: creating it again with the same shop_payment_id"
            ),
            _ => {}
        }
        tracing::debug!(
            endpoint,
            shop_payment_id,
            attempt,
            elapsed_ms,
            path,
            timeout_ms = millis(timeout),
            "sending attempt"
        );
    }

    /// The attempt ended with `outcome`.
    pub fn received(&self, now: Instant, outcome: &Result<Response, Error>) {
        let (endpoint, shop_payment_id, attempt) = (self.endpoint, self.id(), self.attempt);
        let elapsed_ms = self.elapsed_ms(now);
        match outcome {
            Ok(response) if !response.status().is_success() => tracing::info!(
                endpoint,
                shop_payment_id,
                attempt,
                elapsed_ms,
                status = response.status().as_u16(),
                "attempt answered with an HTTP status that is not success"
            ),
            Ok(response) => tracing::debug!(
                endpoint,
                shop_payment_id,
                attempt,
                elapsed_ms,
                status = response.status().as_u16(),
                "attempt answered"
            ),
            Err(error) => tracing::info!(
                endpoint,
                shop_payment_id,
                attempt,
                elapsed_ms,
                outcome_unknown = error.is_outcome_unknown(),
                error = %error.chain(),
                "attempt failed"
            ),
        }
    }

    /// The driver waits `wait` before the next attempt.
    pub fn waiting(&self, now: Instant, wait: Duration) {
        tracing::info!(
            endpoint = self.endpoint,
            shop_payment_id = self.id(),
            attempt = self.attempt,
            elapsed_ms = self.elapsed_ms(now),
            wait_ms = millis(wait),
            "waiting before the next attempt"
        );
    }

    /// The call ended with `outcome`.
    pub fn finished(&self, now: Instant, outcome: &impl CallOutcome) {
        let (endpoint, shop_payment_id, attempts) = (self.endpoint, self.id(), self.attempt);
        let elapsed_ms = self.elapsed_ms(now);
        match outcome.failure() {
            None if self.last == Sent::Lookup => tracing::info!(
                endpoint,
                shop_payment_id,
                attempts,
                elapsed_ms,
                "payout found by its status lookup: adopted, not created again"
            ),
            None => {
                tracing::info!(endpoint, shop_payment_id, attempts, elapsed_ms, "call succeeded")
            }
            Some(error) => tracing::info!(
                endpoint,
                shop_payment_id,
                attempts,
                elapsed_ms,
                lookups = self.lookups,
                outcome_unknown = outcome_unknown(error),
                error = %chain_of(error),
                "call failed"
            ),
        }
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
