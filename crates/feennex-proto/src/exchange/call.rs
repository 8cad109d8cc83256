//! One call with retries for the calls that may be repeated, none for the rest.

use std::marker::PhantomData;
use std::time::{Instant, SystemTime};

use super::{Exchange, InFlight, RequestRole, Step, copy_request, remaining};
use crate::error::Error;
use crate::request::{Endpoint, Merchant};
use crate::response::parse_response;
use crate::retry::{CallKind, RetryDecision, RetryPolicy};
use crate::transport::{AttemptTimedOut, Request, Response};

/// Where a call stands.
#[derive(Debug)]
enum Phase {
    /// Ready to send at this moment (or at once).
    SendAt(Option<Instant>),
    /// A request is out; waiting for `receive`.
    InFlight(InFlight),
    /// The last attempt failed; the next poll decides.
    Failed(Error),
    /// Over.
    Finished,
}

/// A single API call: sends the request, retries what the [`RetryPolicy`] allows,
/// and parses the answer into `E::Output`.
#[derive(Debug)]
pub struct Call<E: Endpoint> {
    request: Request,
    kind: CallKind,
    policy: RetryPolicy,
    attempts: u32,
    deadline: Option<Instant>,
    phase: Phase,
    parsed: Option<Result<E::Output, Error>>,
    endpoint: PhantomData<fn() -> E>,
}

impl<E: Endpoint> Call<E> {
    /// A call retried as the endpoint's [`Endpoint::KIND`] allows, and only so:
    /// reads and precalculations on transport failures, non-envelope answers and
    /// error 8; creates only when the request provably never left, so a payout
    /// create sent this way is never sent twice (nor reconciled: use
    /// [`ExactlyOncePayout`](super::ExactlyOncePayout) for payouts).
    pub fn new(merchant: &Merchant, endpoint: &E, policy: RetryPolicy) -> Result<Self, Error> {
        Ok(Self {
            request: merchant.build(endpoint)?,
            kind: E::KIND,
            policy,
            attempts: 0,
            deadline: None,
            phase: Phase::SendAt(None),
            parsed: None,
            endpoint: PhantomData,
        })
    }

    /// How many requests were sent so far.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    fn finish(&mut self, result: Result<E::Output, Error>) -> Step<Result<E::Output, Error>> {
        self.phase = Phase::Finished;
        Step::Done(result)
    }
}

impl<E: Endpoint> Exchange for Call<E> {
    type Output = Result<E::Output, Error>;

    fn poll(&mut self, now: Instant, _wall: SystemTime, random: u64) -> Step<Self::Output> {
        let deadline = *self.deadline.get_or_insert(now + self.policy.total_timeout);
        if let Some(result) = self.parsed.take() {
            return self.finish(result);
        }
        match std::mem::replace(&mut self.phase, Phase::Finished) {
            Phase::SendAt(Some(at)) if at > now => {
                self.phase = Phase::SendAt(Some(at));
                Step::Wait(at - now)
            }
            Phase::SendAt(_) => {
                let left = remaining(deadline, now);
                if left.is_zero() {
                    let error = Error::transport(AttemptTimedOut(self.policy.total_timeout));
                    return self.finish(Err(error));
                }
                self.attempts += 1;
                let attempt = InFlight::start(now, self.policy.attempt_timeout, deadline);
                self.phase = Phase::InFlight(attempt);
                Step::Send {
                    request: copy_request(&self.request),
                    deadline: attempt.deadline,
                    role: RequestRole::Call,
                }
            }
            Phase::Failed(error) => {
                let left = remaining(deadline, now);
                match self.policy.decide(self.kind, &error, self.attempts, left, random) {
                    RetryDecision::RetryAfter(wait) => {
                        self.phase = Phase::SendAt(Some(now + wait));
                        Step::Wait(wait)
                    }
                    RetryDecision::Stop => self.finish(Err(error)),
                }
            }
            Phase::InFlight(_) | Phase::Finished => self.finish(Err(Error::OutOfTurn)),
        }
    }

    fn receive(&mut self, now: Instant, outcome: Result<Response, Error>) {
        let Phase::InFlight(attempt) = self.phase else {
            return;
        };
        let parsed = attempt
            .settle(now, outcome)
            .and_then(|response| parse_response::<E>(response.status(), response.body()));
        match parsed {
            Err(error) => self.phase = Phase::Failed(error),
            Ok(output) => self.parsed = Some(Ok(output)),
        }
    }
}
