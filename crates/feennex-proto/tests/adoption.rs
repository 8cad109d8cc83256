//! The one adoption rule, through the exactly-once machine that every door uses:
//! for any request and any payout found under its id that differs in a compared
//! field, the payout never ends in success; when nothing differs, it is adopted
//! only when ownership is shown.

use std::time::Duration;

use feennex_proto::adoption::{ConflictField, Ownership};
use feennex_proto::exchange::{
    ExactlyOncePayout, PayoutLimits, PayoutRecord, Reply, RequestRole, RetryPolicy, Simulation,
    Start,
};
use feennex_proto::{
    Error, Merchant, SecretKey,
    prelude::{
        Currency, Decimal, ShopId, TransferAmountType, TransferCreate, WithdrawAmountType,
        WithdrawCreate,
    },
};
use proptest::prelude::*;

fn merchant() -> Merchant {
    Merchant::new(ShopId::new(6).unwrap(), SecretKey::new("secret"))
}

fn limits() -> (RetryPolicy, PayoutLimits) {
    (RetryPolicy::default().with_backoff(Duration::ZERO, Duration::ZERO), PayoutLimits::new(4, 12))
}

/// A payout of `amount` on the side `receive` names, with the facts the server
/// keeps of it.
#[derive(Debug, Clone)]
struct Facts {
    id: String,
    payee: String,
    receive: Decimal,
    write_off: Decimal,
    payee_currency: u16,
    shop_currency: u16,
}

fn transfer(facts: &Facts, receive_side: bool) -> TransferCreate {
    let builder = TransferCreate::builder()
        .amount(
            if receive_side { facts.receive } else { facts.write_off }.to_string().parse().unwrap(),
        )
        .amount_type(if receive_side {
            TransferAmountType::ReceiveAmount
        } else {
            TransferAmountType::WriteoffAmount
        })
        .payee_account(facts.payee.parse().unwrap())
        .payee_currency(Currency::new(facts.payee_currency).unwrap())
        .shop_currency(Currency::new(facts.shop_currency).unwrap());
    builder.shop_payment_id(facts.id.parse().unwrap()).build()
}

fn created_body(facts: &Facts) -> String {
    format!(
        r#"{{"data":{{"balance":1,"id":77,"payee_account":"{}","payee_amount":"{}","payee_currency":{},"shop":6,"shop_currency":{},"write_off_amount":"{}"}},"error_code":0,"message":"Ok","result":true}}"#,
        facts.payee, facts.receive, facts.payee_currency, facts.shop_currency, facts.write_off
    )
}

fn found_body(facts: &Facts) -> String {
    format!(
        r#"{{"data":{{"id":77,"shop_payment_id":"{}","receive_amount":"{}","payee_currency":{},"shop_currency":{},"write_off_amount":"{}"}},"error_code":0,"message":"Ok","result":true}}"#,
        facts.id, facts.receive, facts.payee_currency, facts.shop_currency, facts.write_off
    )
}

const NOT_UNIQUE: &str =
    r#"{"data":null,"error_code":6,"message":"Shop_payment_id 'p' is not unique","result":false}"#;
const NOT_FOUND: &str = r#"{"data":null,"error_code":7,"message":"not found","result":false}"#;

/// How the server came to hold the payout found under the id.
#[derive(Debug, Clone, Copy, PartialEq)]
enum History {
    /// It was there before this call: its first create is answered "not unique".
    Earlier,
    /// This call's create reached the server but its answer was lost.
    OwnCreateLost,
}

/// Runs `create` started as `start` against a server holding `held` under its id.
fn pay(
    create: TransferCreate,
    start: Start,
    history: History,
    held: &Facts,
) -> Result<PayoutRecord<(), ()>, Error> {
    let (retry, limits) = limits();
    let machine = ExactlyOncePayout::start(&merchant(), create, retry, limits, start).unwrap();
    let mut created = false;
    let run = Simulation::new(machine).run(|sent| match sent.role {
        RequestRole::Create if history == History::OwnCreateLost && !created => {
            created = true;
            Reply::failure(std::io::Error::from(std::io::ErrorKind::ConnectionReset))
        }
        RequestRole::Create => Reply::answer(200, NOT_UNIQUE),
        _ if history == History::OwnCreateLost && !created => Reply::answer(200, NOT_FOUND),
        _ => Reply::answer(200, &found_body(held)),
    });
    run.output.expect("the machine ended").map(|outcome| match outcome.record {
        PayoutRecord::Created(_) => PayoutRecord::Created(()),
        PayoutRecord::Found(_) => PayoutRecord::Found(()),
    })
}

fn money() -> impl Strategy<Value = Decimal> {
    (1i64..10_000_000, 0u32..3).prop_map(|(units, scale)| Decimal::new(units, scale).normalize())
}

fn currency() -> impl Strategy<Value = u16> {
    prop::sample::select(vec![840u16, 978, 643, 980, 398])
}

fn facts() -> impl Strategy<Value = Facts> {
    ("[a-z0-9-]{1,20}", 0u64..10_000_000_000, money(), money(), currency(), currency()).prop_map(
        |(id, wallet, receive, write_off, payee_currency, shop_currency)| Facts {
            id,
            payee: format!("20{wallet:010}"),
            receive,
            write_off,
            payee_currency,
            shop_currency,
        },
    )
}

fn start() -> impl Strategy<Value = Start> {
    prop_oneof![
        Just(Start::Create(Ownership::Unproven)),
        Just(Start::Create(Ownership::ContentId)),
        Just(Start::LookUp(Ownership::Unproven)),
        Just(Start::LookUp(Ownership::RecordedIntent)),
        Just(Start::LookUp(Ownership::CallerResume)),
    ]
}

/// The fact a found payout changes, and the field a conflict then names.
fn changed(facts: &Facts, which: u8, receive_side: bool, bump: Decimal) -> (Facts, ConflictField) {
    let mut other = facts.clone();
    let field = match which {
        0 => {
            if receive_side {
                other.receive += bump;
            } else {
                other.write_off += bump;
            }
            ConflictField::Amount
        }
        1 => {
            other.shop_currency = if facts.shop_currency == 36 { 124 } else { 36 };
            ConflictField::ShopCurrency
        }
        2 => {
            other.payee_currency = if facts.payee_currency == 36 { 124 } else { 36 };
            ConflictField::PayeeCurrency
        }
        _ => {
            other.id.push('x');
            ConflictField::ShopPaymentId
        }
    };
    (other, field)
}

proptest! {
    #[test]
    fn a_found_payout_that_differs_in_any_compared_field_is_never_success(
        asked in facts(), receive_side in any::<bool>(), which in 0u8..4,
        bump in money(), start in start(),
        history in prop_oneof![Just(History::Earlier), Just(History::OwnCreateLost)],
    ) {
        let (held, field) = changed(&asked, which, receive_side, bump);
        match pay(transfer(&asked, receive_side), start, history, &held) {
            Err(Error::Conflict(conflict)) => {
                prop_assert_eq!(conflict.field, field);
                prop_assert_eq!(conflict.payout_id, 77);
                prop_assert_eq!(&conflict.shop_payment_id, &asked.id);
            }
            other => prop_assert!(false, "{:?}", other),
        }
    }

    #[test]
    fn a_matching_payout_is_adopted_only_when_ownership_is_shown(
        asked in facts(), receive_side in any::<bool>(), start in start(),
        history in prop_oneof![Just(History::Earlier), Just(History::OwnCreateLost)],
    ) {
        let ownership = match start {
            Start::Create(ownership) | Start::LookUp(ownership) => ownership,
            _ => unreachable!(),
        };
        // A lookup-first payout finds what is there before any create of its own.
        let made_by_this_call = history == History::OwnCreateLost;
        let result = pay(transfer(&asked, receive_side), start, history, &asked);
        if made_by_this_call || ownership.is_proof() {
            prop_assert!(matches!(result, Ok(PayoutRecord::Found(()))), "{:?}", result);
        } else {
            match result {
                Err(Error::Unverified(unverified)) => {
                    prop_assert_eq!(unverified.not_compared, vec!["payee_account"]);
                    prop_assert_eq!(&unverified.shop_payment_id, &asked.id);
                }
                other => prop_assert!(false, "{:?}", other),
            }
        }
    }
}

#[test]
fn an_own_create_answered_for_another_payee_is_a_conflict() {
    let asked = Facts {
        id: "dup-1".into(),
        payee: "202222222222".into(),
        receive: "99".parse().unwrap(),
        write_off: "105".parse().unwrap(),
        payee_currency: 840,
        shop_currency: 840,
    };
    let answered = Facts { payee: "201111111111".into(), ..asked.clone() };
    let (retry, limits) = limits();
    let machine =
        ExactlyOncePayout::new(&merchant(), transfer(&asked, true), retry, limits).unwrap();
    let run = Simulation::new(machine).run(|_| Reply::answer(200, &created_body(&answered)));
    match run.output.unwrap().unwrap_err() {
        Error::Conflict(conflict) => {
            assert_eq!(conflict.field, ConflictField::Payee);
            assert_eq!(
                (conflict.asked.as_str(), conflict.found.as_str()),
                ("202222222222", "201111111111")
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_withdrawal_found_without_proof_names_the_account_and_payway_it_could_not_compare() {
    let create = WithdrawCreate::new(
        "4111111111111111".parse().unwrap(),
        "25".parse().unwrap(),
        WithdrawAmountType::PsAmount,
        "card_usd".parse().unwrap(),
        Currency::USD,
        "w-1".parse().unwrap(),
    );
    let found = r#"{"data":{"id":12,"status":5,"payee_receive":25,"ps_currency":840,"shop_currency":840,"shop_write_off":26.5,"shop_payment_id":"w-1"},"error_code":0,"message":"Ok","result":true}"#;
    let (retry, limits) = limits();
    let unproven = ExactlyOncePayout::new(&merchant(), create.clone(), retry, limits).unwrap();
    let run = Simulation::new(unproven).run(|sent| match sent.role {
        RequestRole::Create => Reply::answer(200, NOT_UNIQUE),
        _ => Reply::answer(200, found),
    });
    match run.output.unwrap().unwrap_err() {
        Error::Unverified(unverified) => {
            assert_eq!(unverified.not_compared, ["account", "payway"]);
            let text = unverified.to_string();
            assert!(text.contains("account, payway") && text.contains("\"w-1\""), "{text}");
        }
        other => panic!("{other:?}"),
    }
    let resumed = ExactlyOncePayout::resume(&merchant(), create, retry, limits).unwrap();
    let run = Simulation::new(resumed).run(|_| Reply::answer(200, found));
    let outcome = run.output.unwrap().unwrap();
    assert_eq!(outcome.summary.id, 12);
    assert!(outcome.reconciled && !outcome.preexisting);
}
