//! A late answer means one thing on every stack. The sandbox holds the answer to a
//! payout's create past the attempt's deadline (and applies the payout); the async
//! client cuts the attempt off, the blocking client's ureq gives up, and a closure
//! transport that enforces no deadline at all waits for the answer. In all three
//! the core reads the outcome as "timed out after sending", looks the payout up and
//! adopts it: the same outcome, the same requests, the payout once in the ledger.

use std::time::{Duration, Instant};

use feennex_proto::exchange::{PayoutOutcome, PayoutRecord};
use feennex_proto::transport::{BlockingTransport, Request, Response};
use feennex_proto::{
    Error, Session,
    endpoints::{TransferCreated, TransferPayout},
    prelude::ClientOptions,
};
use feennex_sandbox::{FaultConfig, FaultKind};
use feennex_tests::{TestSandbox, seed_for, transfer_create};

/// The attempt timeout, and how long the sandbox holds the create's answer.
const ATTEMPT: Duration = Duration::from_millis(400);
const DELAY: Duration = Duration::from_millis(1500);

type Outcome = PayoutOutcome<TransferCreated, TransferPayout>;

fn options() -> ClientOptions {
    ClientOptions::default().attempt_timeout(ATTEMPT).total_timeout(Duration::from_secs(30))
}

/// A sandbox whose first API request is answered late, and none of the next three.
fn sandbox_with_a_late_create() -> TestSandbox {
    let sandbox = TestSandbox::start();
    sandbox.set_faults(
        &FaultConfig::none()
            .with(FaultKind::Delay, 0.5)
            .with_seed(seed_for(0.5, &[true, false, false, false]))
            .with_delay(DELAY),
    );
    sandbox
}

/// What every stack must agree on, and the ledger after it.
fn check(sandbox: &TestSandbox, id: &str, outcome: &Outcome) -> (u32, u32, bool) {
    assert_eq!(sandbox.injected_faults().get("delay").copied(), Some(1));
    let ledger = sandbox.ledger();
    ledger.assert_payouts_exactly(&[id], &[]);
    assert_eq!(ledger.the_transfer(id).id, outcome.summary.id);
    assert!(matches!(outcome.record, PayoutRecord::Found(_)), "{:?}", outcome.record);
    (outcome.creates_sent, outcome.status_checks, outcome.reconciled)
}

fn through_hyper() -> (u32, u32, bool) {
    let sandbox = sandbox_with_a_late_create();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let outcome = runtime.block_on(async {
        let client =
            feennex_hyper::Client::builder(sandbox.merchant()).options(options()).build().unwrap();
        client.payout(transfer_create("late-hyper")).await.unwrap()
    });
    check(&sandbox, "late-hyper", &outcome)
}

fn through_blocking() -> (u32, u32, bool) {
    let sandbox = sandbox_with_a_late_create();
    let client =
        feennex_blocking::Client::builder(sandbox.merchant()).options(options()).build().unwrap();
    let outcome = client.payout(transfer_create("late-blocking")).unwrap();
    check(&sandbox, "late-blocking", &outcome)
}

fn through_a_closure_that_ignores_the_deadline() -> (u32, u32, bool) {
    let sandbox = sandbox_with_a_late_create();
    let ureq = feennex_blocking::Client::new(sandbox.merchant()).unwrap();
    let waited_for_the_late_answer = std::cell::Cell::new(false);
    let patient = |request: Request, deadline: Instant| -> Result<Response, _> {
        let far = Instant::now() + Duration::from_secs(60);
        let answer = ureq.transport().send(request, far);
        if Instant::now() > deadline {
            waited_for_the_late_answer.set(answer.is_ok());
        }
        answer
    };
    let session = Session::new(sandbox.merchant(), options()).unwrap();
    let prepared = session.payout(transfer_create("late-closure")).unwrap();
    let outcome: Result<Outcome, Error> = feennex_blocking::drive_prepared(prepared, &patient);
    assert!(waited_for_the_late_answer.get(), "the closure got the answer after the deadline");
    check(&sandbox, "late-closure", &outcome.unwrap())
}

#[test]
fn a_late_answer_is_a_timeout_after_sending_on_every_transport() {
    let expected = (1, 1, true);
    assert_eq!(through_hyper(), expected, "hyper");
    assert_eq!(through_blocking(), expected, "blocking");
    assert_eq!(through_a_closure_that_ignores_the_deadline(), expected, "closure");
}
