//! When to try a call again, as a pure function of what happened.
//!
//! Reads and precalculations (status, `try`, balance) are retried on transport
//! failures, answers that are not envelopes (a proxy's 5xx page, a cut body) and
//! error 8, with capped exponential backoff and full jitter. Creates are never sent
//! again blindly: only when the request provably never left. Everything else about
//! creates belongs to the exactly-once payout machine.

use std::time::Duration;

use crate::error::Error;
use crate::error_code::ErrorCode;
use crate::transport::Delivery;

/// Limits and delays of retries and timeouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Most attempts of one call, the first included.
    pub max_attempts: u32,
    /// The backoff cap before the first retry; it doubles with each retry.
    pub initial_backoff: Duration,
    /// The largest backoff cap.
    pub max_backoff: Duration,
    /// The longest one attempt may take (applied by the transport).
    pub attempt_timeout: Duration,
    /// The longest a whole call may take, retries and waits included.
    pub total_timeout: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 5,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(10),
            attempt_timeout: Duration::from_secs(30),
            total_timeout: Duration::from_secs(120),
        }
    }
}

/// Whether a call may be repeated without risk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallKind {
    /// Reading or precalculating: repeating it changes nothing.
    Idempotent,
    /// Creating something: repeating it could do it twice.
    Create,
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryDecision {
    /// Wait this long, then send the same request again.
    RetryAfter(Duration),
    /// Give the failure to the caller.
    Stop,
}

impl RetryPolicy {
    /// The same policy with another per-attempt timeout.
    pub fn with_attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = timeout;
        self
    }

    /// The same policy with another total timeout.
    pub fn with_total_timeout(mut self, timeout: Duration) -> Self {
        self.total_timeout = timeout;
        self
    }

    /// The same policy with another attempt limit (at least one).
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The same policy with other backoff bounds.
    pub fn with_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// Decides after `attempts_made` attempts ended in `failure`, with `remaining`
    /// time left in the call and `random` drawn by the caller.
    pub fn decide(
        &self,
        kind: CallKind,
        failure: &Error,
        attempts_made: u32,
        remaining: Duration,
        random: u64,
    ) -> RetryDecision {
        if attempts_made >= self.max_attempts || !is_retryable(kind, failure) {
            return RetryDecision::Stop;
        }
        let wait = self.backoff(attempts_made.saturating_sub(1), random);
        if wait >= remaining {
            return RetryDecision::Stop;
        }
        RetryDecision::RetryAfter(wait)
    }

    /// Full jitter: a uniform wait between zero and the cap, where the cap starts at
    /// `initial_backoff` and doubles per retry up to `max_backoff`.
    pub fn backoff(&self, retry_index: u32, random: u64) -> Duration {
        let cap = self
            .initial_backoff
            .checked_mul(1u32.checked_shl(retry_index.min(31)).unwrap_or(u32::MAX))
            .unwrap_or(self.max_backoff)
            .min(self.max_backoff);
        let cap_nanos = u64::try_from(cap.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(random % cap_nanos.saturating_add(1))
    }
}

/// Whether sending the same request again is both safe and worth it.
pub fn is_retryable(kind: CallKind, failure: &Error) -> bool {
    match (kind, failure) {
        (_, Error::Transport { delivery: Delivery::NotSent, .. }) => true,
        (CallKind::Create, _) => false,
        (CallKind::Idempotent, Error::Transport { .. } | Error::NotEnvelope { .. }) => true,
        (CallKind::Idempotent, Error::Api(api)) => api.code == ErrorCode::OperationIsProcessing,
        (CallKind::Idempotent, _) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ApiError;

    fn api(code: i64) -> Error {
        Error::Api(ApiError {
            code: ErrorCode::from_code(code),
            message: String::new(),
            http_status: 200,
        })
    }

    fn transport(delivery: Delivery) -> Error {
        Error::Transport { delivery, source: "reset".into() }
    }

    fn not_envelope() -> Error {
        Error::NotEnvelope { status: 502, reason: String::new(), snippet: String::new() }
    }

    const LONG: Duration = Duration::from_secs(3600);

    #[test]
    fn idempotent_calls_retry_on_transport_5xx_and_error_8_only() {
        let policy = RetryPolicy::default();
        let retries = |error: &Error| {
            matches!(
                policy.decide(CallKind::Idempotent, error, 1, LONG, 7),
                RetryDecision::RetryAfter(_)
            )
        };
        assert!(retries(&transport(Delivery::MaybeSent)));
        assert!(retries(&transport(Delivery::NotSent)));
        assert!(retries(&not_envelope()));
        assert!(retries(&api(8)));
        for final_code in [6, 7, 9, 10, 11, 57] {
            assert!(!retries(&api(final_code)), "{final_code}");
        }
    }

    #[test]
    fn creates_are_resent_only_when_the_request_never_left() {
        let policy = RetryPolicy::default();
        let decide = |error: &Error| policy.decide(CallKind::Create, error, 1, LONG, 7);
        assert!(matches!(decide(&transport(Delivery::NotSent)), RetryDecision::RetryAfter(_)));
        for error in [transport(Delivery::MaybeSent), not_envelope(), api(8), api(6)] {
            assert_eq!(decide(&error), RetryDecision::Stop, "{error:?}");
        }
    }

    #[test]
    fn attempts_and_remaining_time_bound_the_retries() {
        let policy = RetryPolicy::default().with_max_attempts(3);
        let error = transport(Delivery::MaybeSent);
        assert!(matches!(
            policy.decide(CallKind::Idempotent, &error, 2, LONG, 1),
            RetryDecision::RetryAfter(_)
        ));
        assert_eq!(policy.decide(CallKind::Idempotent, &error, 3, LONG, 1), RetryDecision::Stop);
        let wait_all = u64::MAX;
        assert_eq!(
            policy.decide(CallKind::Idempotent, &error, 1, Duration::from_millis(1), wait_all),
            RetryDecision::Stop
        );
    }

    #[test]
    fn backoff_is_full_jitter_under_a_doubling_cap() {
        let policy = RetryPolicy::default()
            .with_backoff(Duration::from_millis(100), Duration::from_millis(1000));
        let ms = Duration::from_millis;
        // A random value equal to the cap (in nanoseconds) yields the cap itself.
        assert_eq!(policy.backoff(0, 100_000_000), ms(100));
        assert_eq!(policy.backoff(1, 200_000_000), ms(200));
        assert_eq!(policy.backoff(3, 800_000_000), ms(800));
        assert_eq!(policy.backoff(40, 1_000_000_000), ms(1000));
        // Anything larger wraps below the cap; zero waits not at all.
        assert_eq!(policy.backoff(0, 100_000_001), Duration::ZERO);
        assert!(policy.backoff(40, u64::MAX) <= ms(1000));
        assert_eq!(policy.backoff(2, 0), Duration::ZERO);
    }
}
