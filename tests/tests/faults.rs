//! Every fault kind of the sandbox, through both clients: payouts end paid exactly
//! once (sent again only after "not found", otherwise adopted), single calls end in
//! typed errors, and reads are retried. After each test the sandbox's ledger holds
//! every payout once and the balances are exact.

use std::time::Duration;

use feennex_proto::exchange::{PayoutOutcome, PayoutRecord};
use feennex_proto::transport::Delivery;
use feennex_proto::{
    Error,
    endpoints::{TransferCreated, TransferPayout},
};
use feennex_sandbox::{FaultConfig, FaultKind};
use feennex_tests::{
    Setup, TestClient, TestSandbox, both_clients, decimal, seed_for, transfer_create,
    transfer_status, withdraw_create,
};

/// How long a `delay` fault holds an answer, and the attempt timeout it outlasts.
const DELAY: Duration = Duration::from_secs(4);
const ATTEMPT: Duration = Duration::from_secs(1);

fn delay_setup() -> Setup {
    Setup::default().retry(|retry| retry.with_attempt_timeout(ATTEMPT))
}

/// Faults of `kind` that hit the first request after they are set and none of the
/// next three.
fn first_request_only(kind: FaultKind) -> FaultConfig {
    FaultConfig::none()
        .with(kind, 0.5)
        .with_seed(seed_for(0.5, &[true, false, false, false]))
        .with_delay(DELAY)
}

/// Faults of `kind` on every request.
fn every_request(kind: FaultKind) -> FaultConfig {
    FaultConfig::none().with(kind, 1.0).with_delay(DELAY)
}

fn injected(sandbox: &TestSandbox, kind: FaultKind) -> u64 {
    sandbox.injected_faults().get(kind.name()).copied().unwrap_or(0)
}

type TransferOutcome = PayoutOutcome<TransferCreated, TransferPayout>;

/// A wallet payout whose create alone meets a fault of `kind`; checks that the
/// fault hit once and that the ledger holds the payout once with an exact balance.
fn payout_through_one_fault<C: TestClient>(kind: FaultKind, setup: Setup) -> TransferOutcome {
    let sandbox = TestSandbox::start();
    let client: C = sandbox.client(setup);
    sandbox.set_faults(&first_request_only(kind));
    let outcome = client.payout(transfer_create("faulted-1")).unwrap();
    assert_eq!(injected(&sandbox, kind), 1, "{kind} should hit the create only");
    sandbox.clear_faults();
    assert_eq!(outcome.summary.write_off, decimal("1.19"));
    let ledger = sandbox.ledger();
    assert_eq!(ledger.the_transfer("faulted-1").id, outcome.summary.id);
    ledger.assert_payouts_exactly(&["faulted-1"], &[]);
    outcome
}

/// The create was never applied: "not found", then the one real create.
fn assert_created_after_not_found(outcome: &TransferOutcome) {
    assert!(matches!(outcome.record, PayoutRecord::Created(_)), "{outcome:?}");
    assert_eq!((outcome.creates_sent, outcome.status_checks), (2, 1));
    assert!(!outcome.reconciled);
}

/// The create was applied but its answer lost: found and adopted, never sent again.
fn assert_adopted_after_one_create(outcome: &TransferOutcome) {
    assert!(matches!(outcome.record, PayoutRecord::Found(_)), "{outcome:?}");
    assert_eq!((outcome.creates_sent, outcome.status_checks), (1, 1));
    assert!(outcome.reconciled);
}

fn payout_create_dropped_before_applying_is_sent_again_after_not_found<C: TestClient>() {
    let outcome = payout_through_one_fault::<C>(FaultKind::DropBefore, Setup::default());
    assert_created_after_not_found(&outcome);
}

fn payout_create_dropped_after_applying_is_reconciled_and_paid_once<C: TestClient>() {
    let outcome = payout_through_one_fault::<C>(FaultKind::DropAfter, Setup::default());
    assert_adopted_after_one_create(&outcome);
}

fn payout_create_answered_by_a_502_page_is_sent_again_after_not_found<C: TestClient>() {
    let outcome = payout_through_one_fault::<C>(FaultKind::Http502, Setup::default());
    assert_created_after_not_found(&outcome);
}

fn payout_create_answered_with_garbage_is_reconciled<C: TestClient>() {
    let outcome = payout_through_one_fault::<C>(FaultKind::Garbage, Setup::default());
    assert_adopted_after_one_create(&outcome);
}

fn payout_create_answered_with_half_an_envelope_is_reconciled<C: TestClient>() {
    let outcome = payout_through_one_fault::<C>(FaultKind::Truncate, Setup::default());
    assert_adopted_after_one_create(&outcome);
}

fn payout_create_answered_after_the_attempt_timeout_is_reconciled<C: TestClient>() {
    let outcome = payout_through_one_fault::<C>(FaultKind::Delay, delay_setup());
    assert_adopted_after_one_create(&outcome);
}

fn withdrawal_payout_whose_answer_is_lost_is_adopted_once<C: TestClient>() {
    let sandbox = TestSandbox::start();
    let client: C = sandbox.client(Setup::default());
    sandbox.set_faults(&first_request_only(FaultKind::DropAfter));
    let outcome = client.payout(withdraw_create("faulted-w")).unwrap();
    assert_eq!(injected(&sandbox, FaultKind::DropAfter), 1);
    assert!(outcome.reconciled && matches!(outcome.record, PayoutRecord::Found(_)));
    assert_eq!((outcome.creates_sent, outcome.summary.write_off), (1, decimal("102")));
    let ledger = sandbox.ledger();
    assert_eq!(ledger.the_withdrawal("faulted-w").id, outcome.summary.id);
    ledger.assert_payouts_exactly(&[], &["faulted-w"]);
}

fn payout_that_cannot_learn_its_outcome_is_unresolved_then_settled_by_resume<C: TestClient>() {
    let sandbox = TestSandbox::start();
    let client: C = sandbox.client(Setup::default().options(|o| o.payout_limits(3, 3)));
    sandbox.set_faults(&every_request(FaultKind::DropAfter));
    let error = client.payout(transfer_create("unresolved-1")).unwrap_err();
    let Error::PayoutUnresolved { shop_payment_id, creates_sent, status_checks, .. } = &error
    else {
        panic!("expected an unresolved payout, got {error:?}");
    };
    assert_eq!((shop_payment_id.as_str(), *creates_sent, *status_checks), ("unresolved-1", 1, 3));
    assert!(error.is_outcome_unknown());
    // One create and three lookups reached the sandbox, and nothing more.
    assert_eq!(injected(&sandbox, FaultKind::DropAfter), 4);
    sandbox.clear_faults();

    let settled = client.resume_payout(transfer_create("unresolved-1")).unwrap();
    assert!(settled.reconciled);
    assert_eq!((settled.creates_sent, settled.status_checks), (0, 1));
    let ledger = sandbox.ledger();
    assert_eq!(ledger.the_transfer("unresolved-1").id, settled.summary.id);
    ledger.assert_payouts_exactly(&["unresolved-1"], &[]);
}

/// A plain create (no exactly-once machine) meeting a fault of `kind` on every
/// request: the error it ends with. Checks the create was sent once.
fn single_create_under<C: TestClient>(kind: FaultKind) -> (Error, feennex_tests::Ledger) {
    let sandbox = TestSandbox::start();
    let setup = if kind == FaultKind::Delay { delay_setup() } else { Setup::default() };
    let client: C = sandbox.client(setup);
    sandbox.set_faults(&every_request(kind));
    let error = client.bare_call(&transfer_create("single-1")).unwrap_err();
    assert_eq!(injected(&sandbox, kind), 1, "a create must not be sent again blindly");
    assert!(error.is_outcome_unknown(), "{error:?}");
    (error, sandbox.ledger())
}

fn assert_not_envelope(error: &Error, expected_status: u16, snippet_part: &str) {
    match error {
        Error::NotEnvelope { status, snippet, .. } => {
            assert_eq!(*status, expected_status);
            assert!(snippet.contains(snippet_part), "{snippet:?}");
        }
        other => panic!("expected an answer that is not an envelope, got {other:?}"),
    }
}

fn assert_maybe_sent(error: &Error) {
    assert!(
        matches!(error, Error::Transport { delivery: Delivery::MaybeSent, .. }),
        "expected a transport failure after sending, got {error:?}"
    );
}

fn create_answered_by_a_502_page_is_a_typed_error_and_nothing_is_paid<C: TestClient>() {
    let (error, ledger) = single_create_under::<C>(FaultKind::Http502);
    assert_not_envelope(&error, 502, "502 Bad Gateway");
    ledger.assert_payouts_exactly(&[], &[]);
}

fn create_answered_with_garbage_is_a_typed_error_and_paid_once<C: TestClient>() {
    let (error, ledger) = single_create_under::<C>(FaultKind::Garbage);
    assert_not_envelope(&error, 200, "sandbox garbage");
    ledger.assert_payouts_exactly(&["single-1"], &[]);
}

fn create_answered_with_half_an_envelope_is_a_typed_error_and_paid_once<C: TestClient>() {
    let (error, ledger) = single_create_under::<C>(FaultKind::Truncate);
    assert_not_envelope(&error, 200, "\"data\"");
    ledger.assert_payouts_exactly(&["single-1"], &[]);
}

fn create_dropped_before_applying_is_an_unknown_outcome_and_nothing_is_paid<C: TestClient>() {
    let (error, ledger) = single_create_under::<C>(FaultKind::DropBefore);
    assert_maybe_sent(&error);
    ledger.assert_payouts_exactly(&[], &[]);
}

fn create_dropped_after_applying_is_an_unknown_outcome_and_paid_once<C: TestClient>() {
    let (error, ledger) = single_create_under::<C>(FaultKind::DropAfter);
    assert_maybe_sent(&error);
    ledger.assert_payouts_exactly(&["single-1"], &[]);
}

fn create_answered_too_late_is_an_unknown_outcome_and_paid_once<C: TestClient>() {
    let (error, ledger) = single_create_under::<C>(FaultKind::Delay);
    assert_maybe_sent(&error);
    ledger.assert_payouts_exactly(&["single-1"], &[]);
}

fn status_call_is_retried_through_each_fault_kind<C: TestClient>() {
    let sandbox = TestSandbox::start();
    let client: C = sandbox.client(delay_setup());
    let paid = client.payout(transfer_create("looked-up")).unwrap();
    for kind in FaultKind::ALL {
        sandbox.set_faults(&first_request_only(kind));
        let found = client.call(&transfer_status("looked-up")).unwrap();
        assert_eq!((found.id, found.write_off_amount), (paid.summary.id, decimal("1.19")));
        assert_eq!(injected(&sandbox, kind), 1, "{kind} should hit the first lookup only");
    }
    sandbox.clear_faults();
    sandbox.ledger().assert_payouts_exactly(&["looked-up"], &[]);
}

fn status_call_under_constant_502_gives_up_after_its_attempts<C: TestClient>() {
    let sandbox = TestSandbox::start();
    let client: C = sandbox.client(Setup::default().retry(|retry| retry.with_max_attempts(3)));
    sandbox.set_faults(&every_request(FaultKind::Http502));
    let error = client.call(&transfer_status("anything")).unwrap_err();
    assert_not_envelope(&error, 502, "Bad Gateway");
    assert_eq!(injected(&sandbox, FaultKind::Http502), 3);
    sandbox.ledger().assert_payouts_exactly(&[], &[]);
}

both_clients!(
    payout_create_dropped_before_applying_is_sent_again_after_not_found,
    payout_create_dropped_after_applying_is_reconciled_and_paid_once,
    payout_create_answered_by_a_502_page_is_sent_again_after_not_found,
    payout_create_answered_with_garbage_is_reconciled,
    payout_create_answered_with_half_an_envelope_is_reconciled,
    payout_create_answered_after_the_attempt_timeout_is_reconciled,
    withdrawal_payout_whose_answer_is_lost_is_adopted_once,
    payout_that_cannot_learn_its_outcome_is_unresolved_then_settled_by_resume,
    create_answered_by_a_502_page_is_a_typed_error_and_nothing_is_paid,
    create_answered_with_garbage_is_a_typed_error_and_paid_once,
    create_answered_with_half_an_envelope_is_a_typed_error_and_paid_once,
    create_dropped_before_applying_is_an_unknown_outcome_and_nothing_is_paid,
    create_dropped_after_applying_is_an_unknown_outcome_and_paid_once,
    create_answered_too_late_is_an_unknown_outcome_and_paid_once,
    status_call_is_retried_through_each_fault_kind,
    status_call_under_constant_502_gives_up_after_its_attempts,
);
