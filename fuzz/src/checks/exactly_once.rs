//! The `exactly_once` fuzz target's check.

use std::time::Duration;

use feennex_proto::exchange::{
    ExactlyOncePayout, IdempotentCreate, PayoutLimits, PayoutRecord, Reply, RequestRole,
    RetryPolicy, Simulation,
};
use feennex_proto::transport::{Delivery, Response};
use feennex_proto::{
    Error, Merchant, SecretKey,
    prelude::{
        Currency, Decimal, PayeeAccount, Payway, ShopId, ShopPaymentId, TransferAmountType,
        TransferCreate, WithdrawAccount, WithdrawAmountType, WithdrawCreate,
    },
};

use super::*;

const TRANSFER_CREATED: &str = r#"{"data":{"balance":90,"id":77,"payee_account":"201234567890","payee_amount":10,"payee_currency":840,"shop":6,"shop_currency":840,"write_off_amount":10.5},"error_code":0,"message":"Ok","result":true}"#;
const TRANSFER_FOUND: &str = r#"{"data":{"id":77,"payee_currency":840,"receive_amount":10,"shop_currency":840,"shop_payment_id":"p-1","write_off_amount":10.5},"error_code":0,"message":"Ok","result":true}"#;
const WITHDRAWAL: &str = r#"{"data":{"balance":90,"id":77,"payee_receive":10,"ps_currency":840,"shop_currency":840,"shop_payment_id":"p-1","shop_write_off":10.5,"status":3},"error_code":0,"message":"Ok","result":true}"#;

/// API codes the outcomes draw from: the ones the machine treats specially, final
/// ones, and codes no version knows.
const CODES: [i64; 10] = [6, 7, 8, 9, 10, 11, 13, 57, -1, 0];

/// How one request ended, as the fake transport reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    /// The real answer: created or found.
    Answered,
    /// An error envelope with this code.
    Api(i64),
    /// Never left: connection refused.
    NotSent,
    /// Anything whose outcome is unknown: lost answers, 502s, cut bodies, timeouts.
    Unknown,
}

/// One request as the machine sent it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Sent {
    create: bool,
    fate: Fate,
}

/// Drives the exactly-once payout machine with outcomes decoded from the input,
/// on a fake clock. Header: flags (resume, withdrawal), the create limit, the
/// lookup limit, the total time; then two bytes per request (what happens, and a
/// parameter: the API code or how long the attempt takes).
///
/// The machine must end within its limits of requests and time; never send a
/// create while an earlier one may have gone through, until a lookup answered
/// "not found" (a resumed payout starts in that state); and report what happened:
/// a created or found payout only from such an answer, request counts that match,
/// and a known failure only when no create can have been paid unnoticed.
pub fn exactly_once(data: &[u8]) {
    let mut input = Input::new(data);
    let flags = input.byte();
    let max_creates = u32::from(input.byte() % 6) + 1;
    let max_checks = u32::from(input.byte() % 16) + 1;
    let total = Duration::from_millis(u64::from(input.u32() % 600_000) + 1);
    let attempt = Duration::from_millis(u64::from(input.byte()) * 100 + 1);
    let retry = RetryPolicy::default()
        .with_attempt_timeout(attempt)
        .with_backoff(Duration::from_millis(50), Duration::from_secs(5))
        .with_total_timeout(total);
    let policy = Policy { retry, limits: PayoutLimits::new(max_creates, max_checks) };
    let resume = flags & 1 != 0;
    let merchant = Merchant::new(ShopId::new(6).expect("nonzero"), SecretKey::new("secret"));
    let id = ShopPaymentId::new("p-1").expect("a valid id");
    if flags & 2 == 0 {
        let create = TransferCreate::builder()
            .amount("10".parse().expect("an amount"))
            .amount_type(TransferAmountType::ReceiveAmount)
            .payee_account(PayeeAccount::new("201234567890").expect("a wallet"))
            .payee_currency(Currency::USD)
            .shop_currency(Currency::USD)
            .shop_payment_id(id)
            .build();
        drive(&merchant, create, policy, resume, input, (TRANSFER_CREATED, TRANSFER_FOUND));
    } else {
        let create = WithdrawCreate::new(
            WithdrawAccount::new("4111111111111111").expect("an account"),
            "10".parse().expect("an amount"),
            WithdrawAmountType::PsAmount,
            Payway::new("card_usd").expect("a payway"),
            Currency::USD,
            id,
        );
        drive(&merchant, create, policy, resume, input, (WITHDRAWAL, WITHDRAWAL));
    }
}

fn response(status: u16, body: &[u8]) -> Result<Response, Error> {
    Ok(feennex_proto::http::Response::builder()
        .status(status)
        .body(body.to_vec())
        .expect("a valid response"))
}

fn error_envelope(code: i64) -> String {
    format!(r#"{{"data":null,"error_code":{code},"message":"m","result":false}}"#)
}

/// The outcome of one request from two input bytes, with the time it took.
fn outcome(
    kind: u8,
    parameter: u8,
    create: bool,
    bodies: (&str, &str),
    timeout: Duration,
) -> (Result<Response, Error>, Fate, Duration) {
    let took = timeout * u32::from(parameter % 5) / 4;
    let code = CODES[usize::from(parameter) % CODES.len()];
    let answer = if create { bodies.0 } else { bodies.1 };
    match kind % 9 {
        0 | 1 => (response(200, answer.as_bytes()), Fate::Answered, took),
        2 => (response(200, error_envelope(code).as_bytes()), Fate::Api(code), took),
        3 => (response(400, error_envelope(code).as_bytes()), Fate::Api(code), took),
        4 => (
            Err(Error::Transport { delivery: Delivery::NotSent, source: "refused".into() }),
            Fate::NotSent,
            took,
        ),
        5 => (
            Err(Error::Transport { delivery: Delivery::MaybeSent, source: "reset".into() }),
            Fate::Unknown,
            took,
        ),
        6 => (response(502, b"<html>502 Bad Gateway</html>"), Fate::Unknown, took),
        7 => {
            let cut = usize::from(parameter) % answer.len();
            (response(200, &answer.as_bytes()[..cut]), Fate::Unknown, took)
        }
        _ => (
            Err(Error::transport(feennex_proto::transport::AttemptTimedOut(timeout))),
            Fate::Unknown,
            timeout,
        ),
    }
}

/// The limits a payout run under fuzzing is given.
#[derive(Debug, Clone, Copy)]
struct Policy {
    retry: RetryPolicy,
    limits: PayoutLimits,
}

fn drive<C: IdempotentCreate>(
    merchant: &Merchant,
    create: C,
    policy: Policy,
    resume: bool,
    mut input: Input<'_>,
    bodies: (&str, &str),
) {
    let machine = if resume {
        ExactlyOncePayout::resume(merchant, create, policy.retry, policy.limits)
    } else {
        ExactlyOncePayout::new(merchant, create, policy.retry, policy.limits)
    }
    .expect("a valid payout");
    let mut log: Vec<Sent> = Vec::new();
    // Whether a create may have been paid without the machine knowing it.
    let mut unknown = resume;
    let steps_bound =
        4 * (policy.limits.max_creates + policy.limits.max_status_checks) as usize + 4;
    let run = Simulation::new(machine).max_steps(steps_bound).run(|sent| {
        let timeout = sent.time_left;
        assert!(timeout > Duration::ZERO, "a zero timeout");
        let is_create = sent.role == RequestRole::Create;
        let (result, fate, took) = if input.is_empty() {
            (
                Err(Error::Transport { delivery: Delivery::MaybeSent, source: "reset".into() }),
                Fate::Unknown,
                timeout,
            )
        } else {
            let (kind, parameter) = (input.byte(), input.byte());
            outcome(kind, parameter, is_create, bodies, timeout)
        };
        if is_create {
            assert!(!unknown, "a create while an earlier one may have been paid: {log:?}");
            unknown = match fate {
                Fate::Answered | Fate::NotSent => false,
                Fate::Api(code) => code == 6 || code == 8,
                Fate::Unknown => true,
            };
        } else if fate == Fate::Api(7) {
            unknown = false;
        }
        log.push(Sent { create: is_create, fate });
        Reply::outcome(result).after(took)
    });
    let Some(result) = run.output else {
        panic!("no end after {steps_bound} steps: {log:?}");
    };
    assert!(run.elapsed <= policy.retry.total_timeout, "ran {:?}", run.elapsed);
    check_verdict::<C>(&log, unknown, resume, result, policy);
}

fn check_verdict<C: IdempotentCreate>(
    log: &[Sent],
    unknown: bool,
    resume: bool,
    result: feennex_proto::exchange::PayoutResult<C>,
    policy: Policy,
) {
    let creates = log.iter().filter(|sent| sent.create).count() as u32;
    let lookups = log.len() as u32 - creates;
    assert!(creates <= policy.limits.max_creates, "{creates} creates: {log:?}");
    assert!(lookups <= policy.limits.max_status_checks, "{lookups} lookups: {log:?}");
    let creates_sent =
        log.iter().filter(|sent| sent.create && sent.fate != Fate::NotSent).count() as u32;
    match result {
        Ok(outcome) => {
            let last = log.last().copied().expect("a payout without a request");
            assert_eq!(last.fate, Fate::Answered, "{log:?}");
            match outcome.record {
                PayoutRecord::Created(_) => assert!(last.create, "{log:?}"),
                PayoutRecord::Found(_) => {
                    assert!(!last.create, "{log:?}");
                    assert!(outcome.reconciled);
                }
            }
            assert_eq!(outcome.summary.id, 77);
            assert_eq!(outcome.summary.write_off, Decimal::new(105, 1));
            assert_eq!(outcome.creates_sent, creates_sent, "{log:?}");
            assert_eq!(outcome.status_checks, lookups, "{log:?}");
        }
        Err(Error::Unverified(unverified)) => {
            // Only a payout there before any create of this call could arrive: the
            // first create that may have reached the server was answered "not
            // unique", and nothing but the call itself vouches for the id.
            let first_sent = log.iter().find(|sent| sent.create && sent.fate != Fate::NotSent);
            assert!(!resume && first_sent.map(|sent| sent.fate) == Some(Fate::Api(6)), "{log:?}");
            let last = log.last().copied().expect("a payout without a request");
            assert!(!last.create && last.fate == Fate::Answered, "{log:?}");
            assert_eq!(unverified.payout_id, 77);
        }
        Err(Error::Conflict(conflict)) => {
            panic!("the answers describe the payout asked for, yet: {conflict}; {log:?}")
        }
        Err(Error::PayoutUnresolved { creates_sent: reported, status_checks, .. }) => {
            assert!(resume || creates_sent > 0, "unresolved with nothing sent: {log:?}");
            assert_eq!(reported, creates_sent, "{log:?}");
            assert_eq!(status_checks, lookups, "{log:?}");
        }
        Err(error) => {
            assert!(!unknown, "a known failure {error:?} after {log:?}");
            assert!(!resume || log.iter().any(|s| s.fate == Fate::Api(7) && !s.create), "{log:?}");
            assert_short_error(&error);
        }
    }
}
