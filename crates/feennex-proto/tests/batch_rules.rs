//! The pure rules of a batch: what a journal record means on resume, whether a
//! payout found by lookup matches its row, and when a payout counts as already
//! paid before this run.

use std::time::Duration;

use feennex_proto::batch::{
    Action, ConflictField, LastRecord, Resolution, RowIntent, SeenPayout, next_action, settle,
};
use feennex_proto::exchange::{ExactlyOncePayout, PayoutLimits, Reply, RequestRole, RetryPolicy};
use feennex_proto::exchange::{PayoutOutcome, Simulation};
use feennex_proto::transport::Delivery;
use feennex_proto::{
    Currency, Decimal, Error, Merchant, SecretKey, ShopId, TransferAmountType, TransferCreate,
    TransferCreated, TransferPayout,
};
use proptest::prelude::*;

fn transfer(
    amount: &str,
    amount_type: TransferAmountType,
    payee: u16,
    shop: u16,
) -> TransferCreate {
    TransferCreate::new(
        amount.parse().unwrap(),
        amount_type,
        "201234567890".parse().unwrap(),
        Currency::new(payee).unwrap(),
        Currency::new(shop).unwrap(),
        "salary-alice".parse().unwrap(),
    )
}

/// What the server would say about a payout made exactly as `intent` asks, with
/// the other side of the amount at `other`.
fn faithful(intent: &RowIntent, other: Decimal) -> SeenPayout {
    match intent {
        RowIntent::Transfer { amount, amount_type, payee_currency, shop_currency, .. } => {
            let receive = amount_type == "receive_amount";
            seen(
                if receive { *amount } else { other },
                Some(*payee_currency),
                if receive { other } else { *amount },
                *shop_currency,
            )
        }
        _ => unreachable!("transfers only here"),
    }
}

fn seen(payee: Decimal, payee_currency: Option<u16>, write_off: Decimal, shop: u16) -> SeenPayout {
    // SeenPayout is non_exhaustive: build it from a lookup answer.
    let body = format!(
        r#"{{"id":9,"shop_payment_id":"salary-alice","receive_amount":{payee},"payee_currency":{},"shop_currency":{shop},"write_off_amount":"{write_off}"}}"#,
        payee_currency.unwrap_or(shop)
    );
    let found: TransferPayout = serde_json::from_str(&body).unwrap();
    feennex_proto::batch::Seen::seen(&found)
}

fn amount_text() -> impl Strategy<Value = String> {
    (1u64..10_000_000, 0u32..3)
        .prop_map(|(cents, scale)| Decimal::new(cents as i64, scale).normalize().to_string())
}

fn currency() -> impl Strategy<Value = u16> {
    prop::sample::select(vec![840u16, 978, 643, 980])
}

fn amount_type() -> impl Strategy<Value = TransferAmountType> {
    prop_oneof![Just(TransferAmountType::ReceiveAmount), Just(TransferAmountType::WriteoffAmount)]
}

proptest! {
    #[test]
    fn an_intent_survives_its_journal_text(
        amount in amount_text(), kind in amount_type(), payee in currency(), shop in currency(),
    ) {
        let intent = RowIntent::transfer(&transfer(&amount, kind, payee, shop));
        let text = serde_json::to_string(&intent).unwrap();
        let back: RowIntent = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(&back, &intent);
        prop_assert_eq!(back.first_difference(&intent), None);
    }

    #[test]
    fn a_payout_made_as_asked_is_adopted_and_any_changed_fact_is_a_conflict(
        amount in amount_text(), other in amount_text(), kind in amount_type(),
        payee in currency(), shop in currency(), bump in 1i64..1000, which in 0usize..3,
    ) {
        let intent = RowIntent::transfer(&transfer(&amount, kind, payee, shop));
        let other: Decimal = other.parse().unwrap();
        let good = faithful(&intent, other);
        prop_assert_eq!(intent.check(9, &good), Ok(()));

        let mut bad = good.clone();
        let expected = match which {
            0 => {
                let delta = Decimal::new(bump, 2);
                if kind == TransferAmountType::ReceiveAmount { bad.payee_amount += delta } else { bad.write_off += delta }
                ConflictField::Amount
            }
            1 => { bad.shop_currency = if shop == 36 { 124 } else { 36 }; ConflictField::ShopCurrency }
            _ => { bad.payee_currency = Some(if payee == 36 { 124 } else { 36 }); ConflictField::PayeeCurrency }
        };
        let conflict = intent.check(9, &bad).unwrap_err();
        prop_assert_eq!(conflict.field, expected);
        prop_assert_eq!(conflict.payout_id, 9);
    }

    #[test]
    fn the_side_the_amount_type_does_not_name_never_decides(
        amount in amount_text(), other in amount_text(), kind in amount_type(),
    ) {
        let intent = RowIntent::transfer(&transfer(&amount, kind, 978, 840));
        let other: Decimal = other.parse().unwrap();
        prop_assert!(intent.check(1, &faithful(&intent, other)).is_ok());
    }
}

#[test]
fn january_payout_found_for_february_row_is_a_conflict_naming_the_amount() {
    let january = transfer("100", TransferAmountType::ReceiveAmount, 840, 840);
    let february =
        RowIntent::transfer(&transfer("250", TransferAmountType::ReceiveAmount, 978, 978));
    let found = seen("100".parse().unwrap(), Some(840), "100".parse().unwrap(), 840);
    let conflict = february.check(7, &found).unwrap_err();
    assert_eq!(conflict.field, ConflictField::Amount);
    assert_eq!((conflict.asked.as_str(), conflict.found.as_str()), ("250", "100"));
    assert!(RowIntent::transfer(&january).check(7, &found).is_ok());
}

#[test]
fn amounts_compare_as_numbers_and_payees_without_case() {
    let intent = RowIntent::transfer(&TransferCreate::new(
        "10.5".parse().unwrap(),
        TransferAmountType::ReceiveAmount,
        "Alice@Example.com".parse().unwrap(),
        Currency::USD,
        Currency::USD,
        "x".parse().unwrap(),
    ));
    let created: TransferCreated = serde_json::from_str(
        r#"{"balance":1,"id":3,"payee_account":"alice@example.com","payee_amount":"10.50",
        "payee_currency":840,"shop":1,"shop_currency":840,"write_off_amount":11}"#,
    )
    .unwrap();
    assert!(intent.check(3, &feennex_proto::batch::Seen::seen(&created)).is_ok());
    let mut other = created.clone();
    other.payee_account = "bob@example.com".into();
    let conflict = intent.check(3, &feennex_proto::batch::Seen::seen(&other)).unwrap_err();
    assert_eq!(conflict.field, ConflictField::Payee);
}

#[test]
fn a_record_that_may_have_sent_a_create_is_never_created_blindly() {
    let every = [
        LastRecord::None,
        LastRecord::Intent,
        LastRecord::Paid,
        LastRecord::Failed,
        LastRecord::Unknown,
        LastRecord::Conflict,
    ];
    let actions: Vec<Action> = every.iter().map(|last| next_action(*last)).collect();
    assert_eq!(
        actions,
        [
            Action::Create,
            Action::LookUpFirst,
            Action::Done,
            Action::LookUpFirst,
            Action::LookUpFirst,
            Action::Done
        ]
    );
}

const CREATED: &str = r#"{"data":{"balance":90,"id":77,"payee_account":"201234567890","payee_amount":100,"payee_currency":840,"shop":6,"shop_currency":840,"write_off_amount":100},"error_code":0,"message":"Ok","result":true}"#;
const FOUND: &str = r#"{"data":{"id":77,"payee_currency":840,"receive_amount":100,"shop_currency":840,"shop_payment_id":"salary-alice","write_off_amount":100},"error_code":0,"message":"Ok","result":true}"#;
const NOT_UNIQUE: &str = r#"{"data":null,"error_code":6,"message":"not unique","result":false}"#;

type Outcome = PayoutOutcome<TransferCreated, TransferPayout>;

/// Runs a payout of 100 USD whose create is answered by `first_create` (a
/// `None` is a reset after sending), then "not unique", and lookups by FOUND.
fn run(resume: bool, first_create: Option<&str>) -> Result<Outcome, Error> {
    let merchant = Merchant::new(ShopId::new(6).unwrap(), SecretKey::new("secret"));
    let retry = RetryPolicy::default().with_backoff(Duration::ZERO, Duration::ZERO);
    let create = transfer("100", TransferAmountType::ReceiveAmount, 840, 840);
    let limits = PayoutLimits::new(4, 12);
    let machine = if resume {
        ExactlyOncePayout::resume(&merchant, create, retry, limits)
    } else {
        ExactlyOncePayout::new(&merchant, create, retry, limits)
    }
    .unwrap();
    let mut lookups = 0;
    let run = Simulation::new(machine).run(|sent| match sent.role {
        RequestRole::Create if sent.number_of_role == 1 => match first_create {
            Some(body) => Reply::answer(200, body),
            None => Reply::failure(std::io::Error::from(std::io::ErrorKind::ConnectionReset)),
        },
        RequestRole::Create => Reply::answer(200, NOT_UNIQUE),
        _ => {
            lookups += 1;
            // A resumed or reset payout is not found once, then created.
            if lookups == 1 && first_create != Some(NOT_UNIQUE) {
                Reply::answer(200, r#"{"data":null,"error_code":7,"message":"nf","result":false}"#)
            } else {
                Reply::answer(200, FOUND)
            }
        }
    });
    run.output.unwrap()
}

#[test]
fn only_a_payout_refused_as_not_unique_before_any_own_create_arrived_is_preexisting() {
    let adopted = run(false, Some(NOT_UNIQUE)).unwrap();
    assert!(adopted.preexisting && adopted.reconciled);

    let created = run(false, Some(CREATED)).unwrap();
    assert!(!created.preexisting);

    // A create reset after sending, "not found", then "not unique": our own first
    // create may have made it, so it is not counted as earlier.
    let after_reset = run(false, None).unwrap();
    assert!(after_reset.reconciled && !after_reset.preexisting, "{after_reset:?}");

    // A resumed payout may have been sent by the run that crashed.
    let resumed = run(true, Some(NOT_UNIQUE)).unwrap();
    assert!(!resumed.preexisting, "{resumed:?}");

    let intent = RowIntent::transfer(&transfer("100", TransferAmountType::ReceiveAmount, 840, 840));
    match settle(&intent, &Ok::<_, Error>(adopted)) {
        Resolution::Paid { preexisting: true, summary } => assert_eq!(summary.id, 77),
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_unresolved_payout_is_unknown_and_a_refusal_is_failed() {
    let intent = RowIntent::transfer(&transfer("100", TransferAmountType::ReceiveAmount, 840, 840));
    let unresolved: Result<Outcome, Error> = Err(Error::PayoutUnresolved {
        shop_payment_id: "salary-alice".into(),
        creates_sent: 1,
        status_checks: 2,
        last_error: Box::new(Error::Transport {
            delivery: Delivery::MaybeSent,
            source: "x".into(),
        }),
    });
    assert!(matches!(settle(&intent, &unresolved), Resolution::Unknown { .. }));
    let refused: Result<Outcome, Error> = Err(Error::LimitReached { limit: "creates" });
    assert!(matches!(settle(&intent, &refused), Resolution::Failed { code: None, .. }));
}
