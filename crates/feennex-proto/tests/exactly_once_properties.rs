//! The exactly-once payout machine against arbitrary sequences of outcomes and
//! against a model server with faults: it always ends within its bounds, never
//! sends two creates without a "not found" between them, and what it reports
//! matches what the server did.

use std::time::Duration;

use feennex_proto::exchange::{
    ExactlyOncePayout, PayoutLimits, PayoutRecord, Reply, RequestRole, RetryPolicy, Simulation,
};
use feennex_proto::http;
use feennex_proto::transport::{Delivery, Response};
use feennex_proto::{
    Error, Merchant, SecretKey,
    prelude::{Currency, ShopId, TransferAmountType, TransferCreate},
};
use proptest::prelude::*;

const CREATED: &str = r#"{"data":{"balance":90,"id":77,"payee_account":"201234567890","payee_amount":10,"payee_currency":840,"shop":6,"shop_currency":840,"write_off_amount":10.5},"error_code":0,"message":"Ok","result":true}"#;
const FOUND: &str = r#"{"data":{"id":77,"payee_currency":840,"receive_amount":10,"shop_currency":840,"shop_payment_id":"p-1","write_off_amount":10.5},"error_code":0,"message":"Ok","result":true}"#;

/// What happens to one request.
#[derive(Debug, Clone, Copy)]
enum Outcome {
    /// The server's real answer for the request.
    Answer,
    /// An error envelope with this code.
    Api(i64),
    /// A proxy's 502 page.
    BadGateway,
    /// A cut body.
    Truncated,
    /// Refused before sending.
    NotSent,
    /// Sent, then the connection died.
    MaybeSent,
}

fn outcome() -> impl Strategy<Value = Outcome> {
    prop_oneof![
        3 => Just(Outcome::Answer),
        1 => prop::sample::select(vec![6i64, 7, 8, 9, 10, 57]).prop_map(Outcome::Api),
        1 => Just(Outcome::BadGateway),
        1 => Just(Outcome::Truncated),
        1 => Just(Outcome::NotSent),
        2 => Just(Outcome::MaybeSent),
    ]
}

fn merchant() -> Merchant {
    Merchant::new(ShopId::new(6).unwrap(), SecretKey::new("secret"))
}

fn create() -> TransferCreate {
    TransferCreate::builder()
        .amount("10".parse().unwrap())
        .amount_type(TransferAmountType::ReceiveAmount)
        .payee_account("201234567890".parse().unwrap())
        .payee_currency(Currency::USD)
        .shop_currency(Currency::USD)
        .shop_payment_id("p-1".parse().unwrap())
        .build()
}

fn policy(total: Duration) -> (RetryPolicy, PayoutLimits) {
    let retry = RetryPolicy::default()
        .with_backoff(Duration::from_millis(100), Duration::from_secs(2))
        .with_total_timeout(total);
    (retry, PayoutLimits::new(4, 12))
}

fn response(status: u16, body: &str) -> Result<Response, Error> {
    Ok(http::Response::builder().status(status).body(body.as_bytes().to_vec()).unwrap())
}

fn envelope_error(code: i64) -> String {
    format!(r#"{{"data":null,"error_code":{code},"message":"m","result":false}}"#)
}

fn transport(delivery: Delivery) -> Result<Response, Error> {
    Err(Error::Transport { delivery, source: "connection".into() })
}

/// One request the machine sent, and what it got.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Sent {
    Create(OutcomeKind),
    Lookup(OutcomeKind),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum OutcomeKind {
    Success,
    NotFound,
    NotSent,
    Other,
}

type Result2 = Result<
    feennex_proto::exchange::PayoutOutcome<
        feennex_proto::endpoints::TransferCreated,
        feennex_proto::endpoints::TransferPayout,
    >,
    Error,
>;

/// Runs the machine, answering each request with `answer`; returns the log of
/// requests and the result, or `None` if it did not end within `max_steps`.
fn run(
    total: Duration,
    max_steps: usize,
    mut answer: impl FnMut(bool, usize) -> (Result<Response, Error>, OutcomeKind),
) -> Option<(Vec<Sent>, Result2)> {
    let (retry, limits) = policy(total);
    let machine = ExactlyOncePayout::new(&merchant(), create(), retry, limits).unwrap();
    let mut log = Vec::new();
    let run = Simulation::new(machine).max_steps(max_steps).run(|sent| {
        assert!(sent.time_left > Duration::ZERO);
        let is_create = sent.role == RequestRole::Create;
        let (result, kind) = answer(is_create, log.len());
        log.push(if is_create { Sent::Create(kind) } else { Sent::Lookup(kind) });
        Reply::outcome(result).after(Duration::from_millis(10))
    });
    Some((log, run.output?))
}

/// The scripted answer for a request given an abstract outcome.
fn scripted(is_create: bool, outcome: Outcome) -> (Result<Response, Error>, OutcomeKind) {
    match outcome {
        Outcome::Answer if is_create => (response(200, CREATED), OutcomeKind::Success),
        Outcome::Answer => (response(200, FOUND), OutcomeKind::Success),
        Outcome::Api(7) if !is_create => (response(200, &envelope_error(7)), OutcomeKind::NotFound),
        Outcome::Api(code) => (response(200, &envelope_error(code)), OutcomeKind::Other),
        Outcome::BadGateway => (response(502, "<html>502</html>"), OutcomeKind::Other),
        Outcome::Truncated => (response(200, &CREATED[..40]), OutcomeKind::Other),
        Outcome::NotSent => (transport(Delivery::NotSent), OutcomeKind::NotSent),
        Outcome::MaybeSent => (transport(Delivery::MaybeSent), OutcomeKind::Other),
    }
}

/// Two creates are separated by a lookup answered "not found", unless the first
/// create never left.
fn assert_no_blind_second_create(log: &[Sent]) {
    let mut create_may_have_landed = false;
    for sent in log {
        match sent {
            Sent::Create(kind) => {
                assert!(!create_may_have_landed, "second create without a not-found: {log:?}");
                create_may_have_landed = *kind != OutcomeKind::NotSent;
            }
            Sent::Lookup(OutcomeKind::NotFound) => create_may_have_landed = false,
            Sent::Lookup(_) => {}
        }
    }
}

proptest! {
    #[test]
    fn arbitrary_outcomes_end_within_bounds_without_a_blind_second_create(
        outcomes in prop::collection::vec(outcome(), 0..40),
        total_secs in 1u64..600,
    ) {
        let answers = |is_create: bool, index: usize| {
            scripted(is_create, outcomes.get(index).copied().unwrap_or(Outcome::MaybeSent))
        };
        let (log, result) = run(Duration::from_secs(total_secs), 200, answers)
            .expect("the machine did not end within 200 steps");
        prop_assert!(log.len() <= 4 + 12, "{} requests", log.len());
        assert_no_blind_second_create(&log);
        match result {
            Ok(outcome) => match outcome.record {
                PayoutRecord::Created(_) => prop_assert_eq!(log.last(), Some(&Sent::Create(OutcomeKind::Success))),
                PayoutRecord::Found(_) => {
                    prop_assert_eq!(log.last(), Some(&Sent::Lookup(OutcomeKind::Success)));
                    prop_assert!(outcome.reconciled);
                }
            },
            Err(error) => {
                // A known failure is only reported when no create can have gone
                // through unnoticed.
                if !matches!(error, Error::PayoutUnresolved { .. }) {
                    let last_create = log.iter().rev().find(|s| matches!(s, Sent::Create(_)));
                    let all_creates_unsent = log.iter().all(|s| !matches!(s, Sent::Create(k) if *k != OutcomeKind::NotSent));
                    prop_assert!(
                        all_creates_unsent || matches!(last_create, Some(Sent::Create(OutcomeKind::Other))),
                        "{error:?} after {log:?}"
                    );
                }
            }
        }
    }

    /// A model server with faults: a payout is applied at most once, and the
    /// machine's verdict agrees with the server's ledger.
    #[test]
    fn verdict_agrees_with_a_faulty_model_server(
        faults in prop::collection::vec(0u8..6, 0..40),
    ) {
        let mut paid = 0u32;
        let answers = |is_create: bool, index: usize| {
            let fault = faults.get(index).copied().unwrap_or(0);
            // 0 and 1: deliver; 2: refused before sending; 3: dropped before
            // applying; 4: applied, answer lost; 5: applied, answered with a 502.
            let applies = matches!(fault, 0 | 1 | 4 | 5);
            let answer = if is_create {
                if !applies {
                    None
                } else if paid > 0 {
                    Some(response(200, &envelope_error(6)))
                } else {
                    paid += 1;
                    Some(response(200, CREATED))
                }
            } else if paid > 0 {
                Some(response(200, FOUND))
            } else {
                Some(response(200, &envelope_error(7)))
            };
            let result = match (fault, answer) {
                (2, _) => transport(Delivery::NotSent),
                (3 | 4, _) => transport(Delivery::MaybeSent),
                (5, _) => response(502, "<html>502</html>"),
                (_, Some(answer)) => answer,
                (_, None) => transport(Delivery::MaybeSent),
            };
            (result, OutcomeKind::Other)
        };
        let (_, result) = run(Duration::from_secs(600), 200, answers).expect("did not end");
        prop_assert!(paid <= 1);
        match result {
            Ok(outcome) => {
                prop_assert_eq!(paid, 1);
                prop_assert_eq!(outcome.summary.id, 77);
            }
            Err(Error::PayoutUnresolved { .. }) => {}
            // A known failure: only when every create was refused before sending,
            // and then nothing was paid.
            Err(error) => {
                prop_assert!(matches!(error, Error::Transport { delivery: Delivery::NotSent, .. }), "{error:?}");
                prop_assert_eq!(paid, 0);
            }
        }
    }
}

#[test]
fn a_lost_answer_is_reconciled_by_lookup_and_adopted() {
    let script = [Outcome::MaybeSent, Outcome::Answer];
    let (log, result) = run(Duration::from_secs(60), 50, |c, i| scripted(c, script[i])).unwrap();
    assert_eq!(log, [Sent::Create(OutcomeKind::Other), Sent::Lookup(OutcomeKind::Success)]);
    let outcome = result.unwrap();
    assert!(outcome.reconciled);
    assert_eq!(outcome.creates_sent, 1);
    assert_eq!(outcome.status_checks, 1);
    assert_eq!(outcome.summary.write_off.to_string(), "10.5");
}

#[test]
fn not_found_after_an_unknown_outcome_creates_again_with_the_same_bytes() {
    let script = [Outcome::BadGateway, Outcome::Api(7), Outcome::Answer];
    let mut creates = Vec::new();
    let (retry, limits) = policy(Duration::from_secs(60));
    let machine = ExactlyOncePayout::new(&merchant(), create(), retry, limits).unwrap();
    let run = Simulation::new(machine).run(|sent| {
        let is_create = sent.role == RequestRole::Create;
        if is_create {
            let request = &sent.request;
            creates.push((
                request.method().clone(),
                request.uri().clone(),
                request.headers().clone(),
                request.body().clone(),
            ));
        }
        Reply::outcome(scripted(is_create, script[sent.number - 1]).0)
    });
    let result = run.output.unwrap();
    assert_eq!(creates.len(), 2);
    assert_eq!(creates[0], creates[1]);
    let outcome = result.unwrap();
    assert!(matches!(outcome.record, PayoutRecord::Created(_)));
    assert_eq!(outcome.creates_sent, 2);
}

#[test]
fn error_6_before_any_own_create_is_unverified_not_adopted() {
    let script = [Outcome::Api(6), Outcome::Answer];
    let (log, result) = run(Duration::from_secs(60), 50, |c, i| scripted(c, script[i])).unwrap();
    assert_eq!(log.len(), 2);
    match result.unwrap_err() {
        Error::Unverified(unverified) => {
            assert_eq!(unverified.payout_id, 77);
            assert_eq!(unverified.not_compared, ["payee_account"]);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn error_6_after_an_own_create_of_unknown_outcome_is_adopted() {
    let script = [Outcome::MaybeSent, Outcome::Api(7), Outcome::Api(6), Outcome::Answer];
    let (log, result) = run(Duration::from_secs(60), 50, |c, i| scripted(c, script[i])).unwrap();
    assert_eq!(log.len(), 4);
    let outcome = result.unwrap();
    assert!(matches!(outcome.record, PayoutRecord::Found(_)));
    assert!(outcome.reconciled && !outcome.preexisting);
}

#[test]
fn insufficient_balance_is_final_and_known() {
    let (log, result) =
        run(Duration::from_secs(60), 50, |c, _| scripted(c, Outcome::Api(9))).unwrap();
    assert_eq!(log.len(), 1);
    let error = result.unwrap_err();
    assert_eq!(error.api_code(), Some(feennex_proto::prelude::ErrorCode::InsufficientBalance));
    assert!(!error.is_outcome_unknown());
}

#[test]
fn endless_lost_answers_end_unresolved_within_the_deadline() {
    let (log, result) =
        run(Duration::from_secs(5), 500, |c, _| scripted(c, Outcome::MaybeSent)).unwrap();
    assert!(!log.is_empty() && log.len() <= 16);
    match result.unwrap_err() {
        Error::PayoutUnresolved { shop_payment_id, creates_sent, .. } => {
            assert_eq!(shop_payment_id, "p-1");
            assert_eq!(creates_sent, 1);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn refused_connections_resend_the_create_and_never_look_up() {
    let script = [Outcome::NotSent, Outcome::NotSent, Outcome::Answer];
    let (log, result) = run(Duration::from_secs(60), 50, |c, i| scripted(c, script[i])).unwrap();
    assert_eq!(
        log,
        [
            Sent::Create(OutcomeKind::NotSent),
            Sent::Create(OutcomeKind::NotSent),
            Sent::Create(OutcomeKind::Success)
        ]
    );
    assert_eq!(result.unwrap().creates_sent, 1);
}
