//! Adoption through both clients against the sandbox: a payout found under a
//! request's `shop_payment_id` is the request's only when it matches and is
//! proven its own. Otherwise the call ends with a conflict or unverified, never
//! with success, and nothing is paid again.

use feennex_proto::adoption::ConflictField;
use feennex_proto::exchange::PayoutRecord;
use feennex_proto::{
    Error,
    prelude::{PayeeAccount, TransferCreate, WithdrawCreate},
};
use feennex_tests::{
    BlockingClient, HyperClient, Setup, TestClient, TestSandbox, amount, both_clients, decimal,
    transfer_create, withdraw_create,
};

/// `transfer_create(id)` for another payee and amount.
fn other_transfer(shop_payment_id: &str, payee: &str, received: &str) -> TransferCreate {
    let mut create = transfer_create(shop_payment_id);
    create.payee_account = PayeeAccount::new(payee).unwrap();
    create.amount = amount(received);
    create
}

fn a_transfer_paid_again_is_unverified_and_adopted_only_on_resume<C: TestClient>() {
    let sandbox = TestSandbox::start();
    let client: C = sandbox.client(Setup::default());

    let first = client.payout(transfer_create("payout-1")).unwrap();
    let PayoutRecord::Created(created) = &first.record else {
        panic!("the first run should create: {first:?}");
    };
    assert_eq!(created.write_off_amount, decimal("1.19"));
    assert_eq!((first.creates_sent, first.status_checks, first.reconciled), (1, 0, false));
    assert!(!first.preexisting);

    // The same request again: the payout under the id matches what the lookup
    // carries, but nothing shows this call made it, and the payee is not carried.
    match client.payout(transfer_create("payout-1")).unwrap_err() {
        Error::Unverified(unverified) => {
            assert_eq!(unverified.payout_id, created.id);
            assert_eq!(unverified.shop_payment_id, "payout-1");
            assert_eq!(unverified.not_compared, ["payee_account"]);
        }
        other => panic!("a payout made before this call was adopted: {other:?}"),
    }

    // The caller says the id is theirs, with these details: adopted.
    let resumed = client.resume_payout(transfer_create("payout-1")).unwrap();
    assert_eq!((resumed.summary, resumed.creates_sent), (first.summary, 0));
    assert!(resumed.reconciled && !resumed.preexisting);

    let ledger = sandbox.ledger();
    assert_eq!(ledger.the_transfer("payout-1").id, created.id);
    ledger.assert_payouts_exactly(&["payout-1"], &[]);
}

fn a_reused_id_for_another_amount_is_a_conflict_even_on_resume<C: TestClient>() {
    let sandbox = TestSandbox::start();
    let client: C = sandbox.client(Setup::default());
    let first = client.payout(other_transfer("dup-1", "201111111111", "10")).unwrap();

    let second = other_transfer("dup-1", "202222222222", "99");
    for result in [client.payout(second.clone()), client.resume_payout(second)] {
        match result.unwrap_err() {
            Error::Conflict(conflict) => {
                assert_eq!(conflict.field, ConflictField::Amount);
                assert_eq!((conflict.asked.as_str(), conflict.found.as_str()), ("99", "10"));
                assert_eq!(conflict.payout_id, first.summary.id);
            }
            other => panic!("a payout of 10 was taken for one of 99: {other:?}"),
        }
    }
    // Same amount, another payee: the lookup cannot tell, so it is unverified.
    match client.payout(other_transfer("dup-1", "202222222222", "10")).unwrap_err() {
        Error::Unverified(unverified) => assert_eq!(unverified.payout_id, first.summary.id),
        other => panic!("{other:?}"),
    }
    let ledger = sandbox.ledger();
    assert_eq!(ledger.the_transfer("dup-1").id, first.summary.id);
    ledger.assert_payouts_exactly(&["dup-1"], &[]);
}

fn a_withdrawal_paid_again_is_unverified_naming_account_and_payway<C: TestClient>() {
    let sandbox = TestSandbox::start();
    let client: C = sandbox.client(Setup::default());

    let first = client.payout(withdraw_create("payout-w")).unwrap();
    let PayoutRecord::Created(created) = &first.record else {
        panic!("the first run should create: {first:?}");
    };
    assert_eq!(created.shop_write_off, decimal("102"));

    match client.payout(withdraw_create("payout-w")).unwrap_err() {
        Error::Unverified(unverified) => {
            assert_eq!(unverified.payout_id, created.id);
            assert_eq!(unverified.not_compared, ["account", "payway"]);
        }
        other => panic!("{other:?}"),
    }
    let mut larger: WithdrawCreate = withdraw_create("payout-w");
    larger.amount = amount("150");
    assert!(matches!(client.resume_payout(larger), Err(Error::Conflict(_))));

    let resumed = client.resume_payout(withdraw_create("payout-w")).unwrap();
    assert_eq!(resumed.summary.id, created.id);
    assert!(matches!(resumed.record, PayoutRecord::Found(_)));

    let ledger = sandbox.ledger();
    assert_eq!(ledger.the_withdrawal("payout-w").id, created.id);
    ledger.assert_payouts_exactly(&[], &["payout-w"]);
}

both_clients!(
    a_transfer_paid_again_is_unverified_and_adopted_only_on_resume,
    a_reused_id_for_another_amount_is_a_conflict_even_on_resume,
    a_withdrawal_paid_again_is_unverified_naming_account_and_payway,
);

#[test]
fn racing_payouts_of_one_id_pay_once_and_the_loser_is_unverified() {
    let sandbox = TestSandbox::start();
    let hyper: HyperClient = sandbox.client(Setup::default());
    let blocking: BlockingClient = sandbox.client(Setup::default());
    let (from_hyper, from_blocking) = std::thread::scope(|scope| {
        let racer = scope.spawn(|| hyper.payout(transfer_create("raced")));
        let from_blocking = blocking.payout(transfer_create("raced"));
        (racer.join().unwrap(), from_blocking)
    });
    // One of them made it; the other was refused with error 6 before any create
    // of its own could arrive, and does not take the winner's payout as its own.
    let (winner, loser) = match (from_hyper, from_blocking) {
        (Ok(winner), Err(loser)) | (Err(loser), Ok(winner)) => (winner, loser),
        other => panic!("{other:?}"),
    };
    assert!(!winner.reconciled);
    match loser {
        Error::Unverified(unverified) => assert_eq!(unverified.payout_id, winner.summary.id),
        other => panic!("{other:?}"),
    }
    let ledger = sandbox.ledger();
    assert_eq!(ledger.the_transfer("raced").id, winner.summary.id);
    ledger.assert_payouts_exactly(&["raced"], &[]);
}
