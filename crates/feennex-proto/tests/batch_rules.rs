//! The pure rules of a batch: what a journal record means on resume, and how a
//! row's payout ends.

use feennex_proto::adoption::{Conflict, ConflictField, Ownership, Unverified};
use feennex_proto::batch::{Action, IdOrigin, LastRecord, Resolution, next_action, settle};
use feennex_proto::exchange::{PayoutOutcome, Start};
use feennex_proto::transport::Delivery;
use feennex_proto::{
    Error,
    endpoints::{TransferCreated, TransferPayout},
};

#[test]
fn a_record_that_may_have_sent_a_create_is_never_created_blindly() {
    use LastRecord::*;
    let every = [None, Intent, Paid, Failed, Unknown, UnknownIdTaken, Conflict, Unverified];
    let chosen: Vec<Action> =
        every.iter().map(|last| next_action(*last, IdOrigin::Chosen)).collect();
    assert_eq!(
        chosen,
        [
            Action::Create(Ownership::Unproven),
            Action::LookUpFirst(Ownership::RecordedIntent),
            Action::Done,
            Action::LookUpFirst(Ownership::RecordedIntent),
            Action::LookUpFirst(Ownership::RecordedIntent),
            Action::LookUpFirst(Ownership::Unproven),
            Action::Done,
            Action::Done,
        ]
    );
}

#[test]
fn a_content_derived_id_proves_only_where_no_record_does() {
    assert_eq!(
        next_action(LastRecord::None, IdOrigin::Content),
        Action::Create(Ownership::ContentId)
    );
    assert_eq!(
        next_action(LastRecord::UnknownIdTaken, IdOrigin::Content),
        Action::LookUpFirst(Ownership::ContentId)
    );
    assert_eq!(
        next_action(LastRecord::Intent, IdOrigin::Content),
        Action::LookUpFirst(Ownership::RecordedIntent)
    );
    assert_eq!(next_action(LastRecord::Unverified, IdOrigin::Content), Action::Done);
    assert_eq!(
        next_action(LastRecord::None, IdOrigin::Content).start(),
        Some(Start::Create(Ownership::ContentId))
    );
    assert_eq!(next_action(LastRecord::Paid, IdOrigin::Content).start(), None);
}

type Outcome = PayoutOutcome<TransferCreated, TransferPayout>;

fn unresolved(preexisting: bool) -> Result<Outcome, Error> {
    Err(Error::PayoutUnresolved {
        shop_payment_id: "salary-alice".into(),
        creates_sent: 1,
        status_checks: 2,
        preexisting,
        last_error: Box::new(Error::Transport {
            delivery: Delivery::MaybeSent,
            source: "x".into(),
        }),
    })
}

#[test]
fn an_unresolved_payout_is_unknown_and_says_whether_the_id_was_taken_first() {
    assert!(matches!(settle(&unresolved(false)), Resolution::Unknown { id_taken: false, .. }));
    assert!(matches!(settle(&unresolved(true)), Resolution::Unknown { id_taken: true, .. }));
    let refused: Result<Outcome, Error> = Err(Error::LimitReached { limit: "creates" });
    assert!(matches!(settle(&refused), Resolution::Failed { code: None, .. }));
}

#[test]
fn conflicts_and_unverified_payouts_settle_as_themselves_never_as_paid() {
    let conflict = feennex_proto::adoption::PayoutIntent::Transfer {
        shop_payment_id: "p".into(),
        payee_account: "201111111111".into(),
        amount: "99".parse().unwrap(),
        amount_type: "receive_amount".into(),
        payee_currency: 840,
        shop_currency: 840,
    };
    // Built through the rule, since both are non-exhaustive.
    let found: TransferPayout = serde_json::from_str(
        r#"{"id":5,"shop_payment_id":"p","receive_amount":10,"payee_currency":840,"shop_currency":840,"write_off_amount":10.7}"#,
    )
    .unwrap();
    let seen = feennex_proto::adoption::Seen::seen(&found);
    let differs: Conflict = conflict.check(&seen).unwrap_err();
    assert_eq!(differs.field, ConflictField::Amount);
    let result: Result<Outcome, Error> = Err(Error::Conflict(differs.clone()));
    assert_eq!(settle(&result), Resolution::Conflict(differs));

    let same = feennex_proto::adoption::PayoutIntent::Transfer {
        shop_payment_id: "p".into(),
        payee_account: "201111111111".into(),
        amount: "10".parse().unwrap(),
        amount_type: "receive_amount".into(),
        payee_currency: 840,
        shop_currency: 840,
    };
    let unverified: Unverified = match same.adopt(&seen, false, Ownership::Unproven) {
        Err(feennex_proto::adoption::NotAdopted::Unverified(unverified)) => unverified,
        other => panic!("{other:?}"),
    };
    let result: Result<Outcome, Error> = Err(Error::Unverified(unverified.clone()));
    assert_eq!(settle(&result), Resolution::Unverified(unverified));
}
