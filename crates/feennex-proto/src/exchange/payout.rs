//! Exactly-once payouts: create, and when the outcome is unknown, ask the status by
//! `shop_payment_id` and adopt what is found, or create again on "not found".
//!
//! The rules (API spec, section 9):
//! - the request is sent again as it is only when it provably never left;
//! - a create whose outcome is unknown (a timeout or reset after sending, a 5xx or any
//!   answer that is not the envelope, error 8) is followed by status lookups;
//! - a lookup that finds the payout ends the call with it, if the adoption rule
//!   takes it as this request's ([`adoption`](crate::adoption)): every fact its answer
//!   carries matches, and ownership is shown; otherwise the call ends with
//!   [`Error::Conflict`] or [`Error::Unverified`], never with success; error 7
//!   ("not found") allows one more create with the same id; other lookup failures
//!   are retried;
//! - error 6 on a create means an earlier attempt went through: look it up;
//! - any other API error on a create is final: nothing was paid.
//!
//! Two creates are therefore never sent without a "not found" between them (unless
//! the first never left), and the number of requests and the total time are bounded.

use std::time::{Instant, SystemTime};

use rust_decimal::Decimal;

use super::{Exchange, InFlight, RequestRole, Step, remaining};
use crate::adoption::{Ownership, PayoutIntent, Seen};
use crate::endpoints::{
    TransferCreate, TransferStatus, WithdrawCreate, WithdrawShopPaymentStatus, Withdrawal,
};
use crate::error::Error;
use crate::error_code::ErrorCode;
use crate::request::{Endpoint, Merchant};
use crate::response::parse_response;
use crate::retry::RetryPolicy;
use crate::transport::{AttemptTimedOut, Delivery, Request, Response};
use crate::types::{Currency, ShopPaymentId, Timestamp};

/// A create operation whose `shop_payment_id` is also its lookup key.
pub trait IdempotentCreate: Endpoint<Output: Seen> {
    /// The status lookup by `shop_payment_id`.
    type Lookup: Endpoint<Output: Seen>;

    /// The payout's id, never changed across attempts.
    fn payment_id(&self) -> &ShopPaymentId;

    /// What it asks, to compare a payout found under its id with.
    fn intent(&self) -> PayoutIntent;

    /// The lookup of this payout at time `now`.
    fn lookup(&self, now: Timestamp) -> Self::Lookup;

    /// The common facts of a created payout.
    fn summarize_created(output: &Self::Output) -> PayoutSummary;

    /// The common facts of a payout found by lookup.
    fn summarize_found(output: &<Self::Lookup as Endpoint>::Output) -> PayoutSummary;
}

impl IdempotentCreate for TransferCreate {
    type Lookup = TransferStatus;

    fn payment_id(&self) -> &ShopPaymentId {
        &self.shop_payment_id
    }

    fn intent(&self) -> PayoutIntent {
        PayoutIntent::transfer(self)
    }

    fn lookup(&self, now: Timestamp) -> TransferStatus {
        TransferStatus::new(now, self.shop_payment_id.clone())
    }

    fn summarize_created(output: &Self::Output) -> PayoutSummary {
        PayoutSummary {
            id: output.id,
            write_off: output.write_off_amount,
            shop_currency: output.shop_currency,
        }
    }

    fn summarize_found(output: &<TransferStatus as Endpoint>::Output) -> PayoutSummary {
        PayoutSummary {
            id: output.id,
            write_off: output.write_off_amount,
            shop_currency: output.shop_currency,
        }
    }
}

impl IdempotentCreate for WithdrawCreate {
    type Lookup = WithdrawShopPaymentStatus;

    fn payment_id(&self) -> &ShopPaymentId {
        &self.shop_payment_id
    }

    fn intent(&self) -> PayoutIntent {
        PayoutIntent::withdraw(self)
    }

    fn lookup(&self, now: Timestamp) -> WithdrawShopPaymentStatus {
        WithdrawShopPaymentStatus::new(now, self.shop_payment_id.clone())
    }

    fn summarize_created(output: &Withdrawal) -> PayoutSummary {
        withdrawal_summary(output)
    }

    fn summarize_found(output: &Withdrawal) -> PayoutSummary {
        withdrawal_summary(output)
    }
}

/// A withdrawal is adopted whatever its status: it exists, and its money is frozen
/// until it ends. Follow it with the status calls.
fn withdrawal_summary(output: &Withdrawal) -> PayoutSummary {
    PayoutSummary {
        id: output.id,
        write_off: output.shop_write_off,
        shop_currency: output.shop_currency,
    }
}

/// What every payout answer says, whichever way it was learnt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct PayoutSummary {
    /// Feennex's id of the payout.
    pub id: u64,
    /// What the shop paid.
    pub write_off: Decimal,
    /// The currency it paid in.
    pub shop_currency: Currency,
}

/// The payout, as created by this call or as found by a lookup.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PayoutRecord<C, L> {
    /// This call's create was answered.
    Created(C),
    /// The payout was found by its `shop_payment_id` (made by this call or earlier).
    Found(L),
}

/// How an exactly-once payout ended.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct PayoutOutcome<C, L> {
    /// The payout.
    pub record: PayoutRecord<C, L>,
    /// Its common facts.
    pub summary: PayoutSummary,
    /// Create requests that may have reached the server.
    pub creates_sent: u32,
    /// Status lookups sent.
    pub status_checks: u32,
    /// Whether the payout was adopted from a lookup rather than a create's answer.
    pub reconciled: bool,
    /// Whether the payout existed before this call: adopted after "not unique"
    /// answered its first create that could have reached the server, on a call that
    /// did not resume an earlier one. A batch reports such a row as already paid.
    pub preexisting: bool,
}

/// How many requests of each kind one exactly-once payout may send. Its timeouts and
/// backoff come from the [`RetryPolicy`], whose `max_attempts` bounds single calls
/// only: a payout's requests are bounded by these limits instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct PayoutLimits {
    /// Most create requests, those that never left included.
    pub max_creates: u32,
    /// Most status lookups.
    pub max_status_checks: u32,
}

impl Default for PayoutLimits {
    fn default() -> Self {
        Self { max_creates: 4, max_status_checks: 12 }
    }
}

impl PayoutLimits {
    /// Limits of `max_creates` creates and `max_status_checks` lookups (each at least
    /// one).
    pub fn new(max_creates: u32, max_status_checks: u32) -> Self {
        Self { max_creates: max_creates.max(1), max_status_checks: max_status_checks.max(1) }
    }
}

/// How an exactly-once payout begins, and what the caller shows of a payout found
/// under its id (see [`adoption`](crate::adoption)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Start {
    /// Create first: nothing was sent under this id before, as far as the caller
    /// knows.
    Create(Ownership),
    /// Look up first, create only after "not found": an earlier attempt may have
    /// sent a create.
    LookUp(Ownership),
}

/// Which request is next or out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Create,
    Lookup,
}

#[derive(Debug)]
enum Phase {
    /// Send `Target` at this moment (or at once).
    SendAt(Target, Option<Instant>),
    /// `Target` is out.
    InFlight(Target, InFlight),
    /// Wait a jittered backoff, then send `Target`.
    Backoff(Target),
    Finished,
}

/// What an exactly-once payout of `C` ends with.
pub type PayoutResult<C> = Result<
    PayoutOutcome<<C as Endpoint>::Output, <<C as IdempotentCreate>::Lookup as Endpoint>::Output>,
    Error,
>;

/// The exactly-once payout machine for `transfer/create` (and any other
/// [`IdempotentCreate`]).
///
/// It ends with the payout it adopted as this request's, with a final API error
/// (nothing was paid), with [`Error::Conflict`] or [`Error::Unverified`] (a payout
/// under the id that is not, or not proven to be, this request's), or with
/// [`Error::PayoutUnresolved`] when a create may have gone through but no lookup
/// could tell: then ask again later with the same `shop_payment_id`.
#[derive(Debug)]
pub struct ExactlyOncePayout<C: IdempotentCreate> {
    merchant: Merchant,
    create: C,
    /// The signed create, until its first attempt takes it.
    create_request: Option<Request>,
    retry: RetryPolicy,
    limits: PayoutLimits,
    phase: Phase,
    deadline: Option<Instant>,
    create_attempts: u32,
    creates_sent: u32,
    status_checks: u32,
    retries_in_a_row: u32,
    /// Whether an earlier run may have sent a create (see [`Self::resume`]).
    resumed: bool,
    /// What the caller shows of a payout found under the id.
    ownership: Ownership,
    reconciled: bool,
    /// Whether "not unique" answered before any create of this call could arrive.
    preexisting: bool,
    /// The API's message when it answered a create with "not unique".
    not_unique: Option<String>,
    last_error: Option<Error>,
    result: Option<PayoutResult<C>>,
}

impl<C: IdempotentCreate> ExactlyOncePayout<C> {
    /// Prepares the payout and signs its create, so that a create that cannot be
    /// built fails here. It starts with the create; a payout found under the id is
    /// adopted only when a create of this call may have made it
    /// ([`Ownership::Unproven`]).
    pub fn new(
        merchant: &Merchant,
        create: C,
        retry: RetryPolicy,
        limits: PayoutLimits,
    ) -> Result<Self, Error> {
        Self::start(merchant, create, retry, limits, Start::Create(Ownership::Unproven))
    }

    /// Starts by looking the payout up instead of creating it, for a payout whose
    /// earlier attempt ended without a known outcome (after a crash, say). The
    /// caller says the id is its own, created with these details
    /// ([`Ownership::CallerResume`]): a payout found that matches is adopted.
    pub fn resume(
        merchant: &Merchant,
        create: C,
        retry: RetryPolicy,
        limits: PayoutLimits,
    ) -> Result<Self, Error> {
        Self::start(merchant, create, retry, limits, Start::LookUp(Ownership::CallerResume))
    }

    /// Prepares the payout as `start` says. The first create sends the request
    /// signed here; a later one sends it built again, the very same bytes, since
    /// building is deterministic (this saves a copy of every request for the rare
    /// retry).
    pub fn start(
        merchant: &Merchant,
        create: C,
        retry: RetryPolicy,
        limits: PayoutLimits,
        start: Start,
    ) -> Result<Self, Error> {
        let (phase, resumed, ownership) = match start {
            Start::Create(ownership) => (Phase::SendAt(Target::Create, None), false, ownership),
            Start::LookUp(ownership) => (Phase::SendAt(Target::Lookup, None), true, ownership),
        };
        Ok(Self {
            create_request: Some(merchant.build(&create)?),
            merchant: merchant.clone(),
            create,
            retry,
            limits,
            phase,
            deadline: None,
            create_attempts: 0,
            creates_sent: 0,
            status_checks: 0,
            retries_in_a_row: 0,
            resumed,
            ownership,
            reconciled: false,
            preexisting: false,
            not_unique: None,
            last_error: None,
            result: None,
        })
    }

    /// The payout's id.
    pub fn shop_payment_id(&self) -> &ShopPaymentId {
        self.create.payment_id()
    }

    fn done(&mut self, result: PayoutResult<C>) -> Step<PayoutResult<C>> {
        self.phase = Phase::Finished;
        Step::Done(result)
    }

    /// Ends without a result.
    fn give_up(&mut self, last_error: Error) -> Step<PayoutResult<C>> {
        let error = self.unresolved_or(last_error);
        self.done(Err(error))
    }

    /// The error to end with: unresolved when a create may have reached the server,
    /// otherwise the last error itself (nothing was paid).
    fn unresolved_or(&self, last_error: Error) -> Error {
        if self.creates_sent == 0 && !self.resumed {
            return last_error;
        }
        Error::PayoutUnresolved {
            shop_payment_id: self.create.payment_id().as_str().to_owned(),
            creates_sent: self.creates_sent,
            status_checks: self.status_checks,
            preexisting: self.preexisting,
            last_error: Box::new(last_error),
        }
    }

    fn send(
        &mut self,
        target: Target,
        now: Instant,
        wall: SystemTime,
        deadline: Instant,
    ) -> Step<PayoutResult<C>> {
        let request = match target {
            Target::Create => {
                if self.create_attempts >= self.limits.max_creates {
                    let error =
                        self.last_error.take().unwrap_or(Error::LimitReached { limit: "creates" });
                    return self.give_up(error);
                }
                let request = match self.create_request.take() {
                    Some(request) => request,
                    None => match self.merchant.build(&self.create) {
                        Ok(request) => request,
                        Err(error) => return self.give_up(error),
                    },
                };
                self.create_attempts += 1;
                request
            }
            Target::Lookup => {
                if self.status_checks >= self.limits.max_status_checks {
                    let error = self
                        .last_error
                        .take()
                        .unwrap_or(Error::LimitReached { limit: "status checks" });
                    return self.give_up(error);
                }
                let stamp = match Timestamp::try_from(wall) {
                    Ok(stamp) => stamp,
                    Err(error) => return self.give_up(Error::invalid("now", error)),
                };
                match self.merchant.build(&self.create.lookup(stamp)) {
                    Ok(request) => {
                        self.status_checks += 1;
                        request
                    }
                    Err(error) => return self.give_up(error),
                }
            }
        };
        let attempt = InFlight::start(now, self.retry.attempt_timeout, deadline);
        self.phase = Phase::InFlight(target, attempt);
        let role = match target {
            Target::Create => RequestRole::Create,
            Target::Lookup => RequestRole::Lookup,
        };
        Step::Send { request, deadline: attempt.deadline, role }
    }

    /// This call's create was answered: the payout is its own, if it is what was
    /// asked.
    fn created(&mut self, output: C::Output) {
        let summary = C::summarize_created(&output);
        let record = PayoutRecord::Created(output);
        self.result = Some(self.adopt(record, summary, true));
    }

    /// A lookup found a payout: this call's own when a create of this call may
    /// have made it (one may have reached the server, and "not unique" did not
    /// answer the first before any could).
    fn found(&mut self, output: <C::Lookup as Endpoint>::Output) {
        let summary = C::summarize_found(&output);
        self.reconciled = true;
        let made_by_this_call = self.creates_sent > 0 && !self.preexisting;
        self.result = Some(self.adopt(PayoutRecord::Found(output), summary, made_by_this_call));
    }

    /// The adoption rule ([`PayoutIntent::adopt`]) applied to a payout answer.
    fn adopt(
        &self,
        record: PayoutRecord<C::Output, <C::Lookup as Endpoint>::Output>,
        summary: PayoutSummary,
        made_by_this_call: bool,
    ) -> PayoutResult<C> {
        self.create
            .intent()
            .adopt(&record.seen(), made_by_this_call, self.ownership)
            .map_err(|refused| refused.after_not_unique(self.not_unique.as_deref()))?;
        Ok(self.outcome(record, summary))
    }

    fn outcome(
        &self,
        record: PayoutRecord<C::Output, <C::Lookup as Endpoint>::Output>,
        summary: PayoutSummary,
    ) -> PayoutOutcome<C::Output, <C::Lookup as Endpoint>::Output> {
        PayoutOutcome {
            record,
            summary,
            creates_sent: self.creates_sent,
            status_checks: self.status_checks,
            reconciled: self.reconciled,
            preexisting: self.preexisting,
        }
    }

    /// What follows the answer to a create.
    fn after_create(&mut self, outcome: Result<Response, Error>) {
        let parsed =
            outcome.and_then(|response| parse_response::<C>(response.status(), response.body()));
        let error = match parsed {
            Ok(output) => {
                self.creates_sent += 1;
                self.created(output);
                return;
            }
            Err(error) => error,
        };
        let next = match &error {
            Error::Transport { delivery: Delivery::NotSent, .. } => Phase::Backoff(Target::Create),
            Error::Api(api) if api.code == ErrorCode::OperationNotUnique => {
                self.preexisting = self.creates_sent == 0 && !self.resumed;
                self.not_unique = Some(api.message.clone());
                self.creates_sent += 1;
                self.reconciled = true;
                Phase::SendAt(Target::Lookup, None)
            }
            Error::Api(api) if api.code != ErrorCode::OperationIsProcessing => {
                // A final refusal: nothing was paid by this attempt.
                self.creates_sent += 1;
                self.result = Some(Err(error));
                return;
            }
            _ => {
                self.creates_sent += 1;
                Phase::Backoff(Target::Lookup)
            }
        };
        self.last_error = Some(error);
        self.phase = next;
    }

    /// What follows the answer to a lookup.
    fn after_lookup(&mut self, outcome: Result<Response, Error>) {
        let parsed = outcome
            .and_then(|response| parse_response::<C::Lookup>(response.status(), response.body()));
        let error = match parsed {
            Ok(output) => {
                self.found(output);
                return;
            }
            Err(error) => error,
        };
        self.phase = match &error {
            Error::Api(api) if api.code == ErrorCode::OperationNotFound => {
                self.retries_in_a_row = 0;
                Phase::SendAt(Target::Create, None)
            }
            Error::Api(api) if api.code != ErrorCode::OperationIsProcessing => {
                // The lookup itself is refused (a signature or shop problem): no
                // answer can come from asking again.
                self.result = Some(Err(self.unresolved_or(error)));
                return;
            }
            _ => Phase::Backoff(Target::Lookup),
        };
        self.last_error = Some(error);
    }
}

impl<C: IdempotentCreate> Exchange for ExactlyOncePayout<C> {
    type Output = PayoutResult<C>;

    fn poll(&mut self, now: Instant, wall: SystemTime, random: u64) -> Step<PayoutResult<C>> {
        let deadline = *self.deadline.get_or_insert(now + self.retry.total_timeout);
        if let Some(result) = self.result.take() {
            return self.done(result);
        }
        let left = remaining(deadline, now);
        match std::mem::replace(&mut self.phase, Phase::Finished) {
            Phase::SendAt(target, Some(at)) if at > now => {
                self.phase = Phase::SendAt(target, Some(at));
                Step::Wait(at - now)
            }
            Phase::SendAt(_, _) | Phase::Backoff(_) if left.is_zero() => {
                let error = self
                    .last_error
                    .take()
                    .unwrap_or_else(|| Error::transport(AttemptTimedOut(self.retry.total_timeout)));
                self.give_up(error)
            }
            Phase::SendAt(target, _) => self.send(target, now, wall, deadline),
            Phase::Backoff(target) => {
                let wait = self.retry.backoff(self.retries_in_a_row, random);
                self.retries_in_a_row = self.retries_in_a_row.saturating_add(1);
                if wait >= left {
                    let error =
                        self.last_error.take().unwrap_or(Error::LimitReached { limit: "time" });
                    return self.give_up(error);
                }
                self.phase = Phase::SendAt(target, Some(now + wait));
                if wait.is_zero() { self.poll(now, wall, random) } else { Step::Wait(wait) }
            }
            Phase::InFlight(..) | Phase::Finished => self.done(Err(Error::OutOfTurn)),
        }
    }

    fn receive(&mut self, now: Instant, outcome: Result<Response, Error>) {
        let Phase::InFlight(target, attempt) = self.phase else {
            return;
        };
        let outcome = attempt.settle(now, outcome);
        match target {
            Target::Create => self.after_create(outcome),
            Target::Lookup => self.after_lookup(outcome),
        }
    }
}
