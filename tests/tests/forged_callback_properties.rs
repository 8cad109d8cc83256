//! Variations of the re-split forgery: filler fields before and after the claimed
//! values under any names (made up, or names of real callback fields), a claimed
//! order id that itself holds `:`, with or without a guessed payment id and a
//! claimed refund. Every variation keeps a valid signature; the strict policy
//! refuses every one: by the first name it does not know, by the missing payment
//! id, or, when every name is a known one, by a filler field whose value is not of
//! its type (the genuine values after the claims land in `user_ip`). Confirming
//! with the API's record of the order refuses every one too.

use std::net::IpAddr;
use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

use feennex_proto::callback::{
    CallbackPolicy, ConfirmationMismatch, KNOWN_CALLBACK_FIELDS, verify_callback_with,
};
use feennex_proto::callback::{CallbackRejection, ExpectedOrder, Notification, SenderCheck};
use feennex_proto::{
    SecretKey,
    endpoints::BillState,
    prelude::{BillStatus, Currency, ShopId, ShopOrderId},
};
use feennex_sandbox::{CallbackRetry, DEFAULT_SECRET, DEFAULT_SHOP_ID, SandboxConfig};
use feennex_tests::forgery::{Fields, create_bill, finish_and_capture, form_body, resplit};
use feennex_tests::{BlockingClient, Setup, TestClient, TestSandbox};
use proptest::prelude::*;

/// Order ids of the victims: a plain one and one holding `:`.
const VICTIMS: [&str; 2] = ["101", "ord:101"];

/// Names an attacker may put before the claims: made up, or real callback fields.
const BEFORE: &[&str] = &[
    "0",
    "_",
    "a00",
    "a000000000000000",
    "client_price",
    "created",
    "description",
    "email",
    "lang",
    "payer_id",
    "ps_data",
];

/// Names an attacker may put after the claims.
const AFTER: &[&str] = &["status_", "statuses", "t", "user_ip", "z00", "zz", "~"];

/// The known callback fields whose names sort before `payment_id`, the first claim
/// of a forgery with a guessed payment id: where a known-names-only forgery puts
/// what precedes its claims. (After `status`, the last claim, only `user_ip` is a
/// known name.)
const KNOWN_BEFORE: &[&str] =
    &["client_price", "created", "description", "email", "lang", "payer_id"];

/// One victim: its bill as the API reports it, and the attacker's genuine
/// callbacks whose description holds the claims: without the victim's payment id,
/// with it, and with it and a refund.
struct Victim {
    order: &'static str,
    bill: BillState,
    genuine: [Fields; 3],
}

struct Fixture {
    _sandbox: TestSandbox,
    victims: Vec<Victim>,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let once = CallbackRetry::new(Duration::from_secs(60), Duration::from_secs(60), 1);
        let sandbox = TestSandbox::with_config(SandboxConfig::default().with_callbacks(once));
        let client: BlockingClient = sandbox.client(Setup::default());
        let mut victims = Vec::new();
        for (n, order) in VICTIMS.into_iter().enumerate() {
            let id = create_bill(|bill| client.call(bill), order, "1000", None);
            let genuine = [
                format!("gift:1000:840:1:{order}:success"),
                format!("gift:{id}:1000:840:1:{order}:success"),
                format!("gift:{id}:1000:840:1:{order}:0:success"),
            ]
            .into_iter()
            .enumerate()
            .map(|(m, description)| {
                let attacker = format!("attacker-{n}-{m}");
                let cheap =
                    create_bill(|bill| client.call(bill), &attacker, "1", Some(&description));
                finish_and_capture(sandbox.base_url(), cheap, false)
            })
            .collect::<Vec<_>>();
            let lookup = feennex_proto::prelude::BillShopOrderStatus::new(
                SystemTime::now().try_into().unwrap(),
                ShopOrderId::new(order).unwrap(),
            );
            let bill = client.call(&lookup).unwrap();
            assert_eq!((bill.id, bill.status), (id, BillStatus::Waiting));
            victims.push(Victim { order, bill, genuine: genuine.try_into().unwrap() });
        }
        Fixture { _sandbox: sandbox, victims }
    })
}

fn verify(body: &str, policy: &CallbackPolicy) -> Result<Notification, CallbackRejection> {
    let sender: IpAddr = "127.0.0.1".parse().unwrap();
    let secret = SecretKey::new(DEFAULT_SECRET);
    verify_callback_with(
        body.as_bytes(),
        "application/x-www-form-urlencoded",
        sender,
        &secret,
        &SenderCheck::CheckedUpstream,
        policy,
    )
}

/// A sorted set of one to three names from `pool`.
fn names(pool: &'static [&'static str]) -> impl Strategy<Value = Vec<&'static str>> {
    prop::sample::subsequence(pool, 1..=3)
}

/// What the attacker claims: the victim's order paid, 1000 USD, with the victim's
/// payment id when `payment_id` is given and a zero refund when `refund` is set.
fn claims<'a>(
    victim: &'a Victim,
    payment_id: Option<&'a str>,
    refund: bool,
) -> Vec<(&'a str, &'a str)> {
    let mut claims: Vec<(&str, &str)> =
        payment_id.map(|id| ("payment_id", id)).into_iter().collect();
    claims.extend([
        ("shop_amount", "1000"),
        ("shop_currency", "840"),
        ("shop_id", "1"),
        ("shop_order_id", victim.order),
    ]);
    if refund {
        claims.push(("shop_refund", "0"));
    }
    claims.push(("status", "success"));
    claims
}

/// The forged callback passes the signature and the merchant's own order check,
/// and confirming it with the API refuses it.
fn assert_signed_and_caught_by_confirmation(
    victim: &Victim,
    body: &str,
    with_payment_id: bool,
) -> Result<Notification, TestCaseError> {
    let notification = verify(body, &CallbackPolicy::permissive()).unwrap();
    let order = ExpectedOrder {
        shop_id: ShopId::new(DEFAULT_SHOP_ID).unwrap(),
        shop_order_id: ShopOrderId::new(victim.order).unwrap(),
        amount: "1000".parse().unwrap(),
        currency: Currency::USD,
    };
    prop_assert_eq!(notification.check_order(&order), Ok(()));

    let lookup = notification.confirmation_lookup(SystemTime::now()).unwrap();
    prop_assert_eq!(lookup.shop_order_id.as_str(), victim.order);
    let shop = ShopId::new(DEFAULT_SHOP_ID).unwrap();
    let mismatch = notification.confirm(shop, &victim.bill).unwrap_err();
    let expected = if with_payment_id {
        ConfirmationMismatch::Status {
            callback: Some("success".to_owned()),
            api: BillStatus::Waiting,
        }
    } else {
        ConfirmationMismatch::PaymentId { callback: None, api: victim.bill.id }
    };
    prop_assert_eq!(mismatch, expected);
    Ok(notification)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn every_resplit_is_refused_by_the_strict_check_and_caught_by_confirmation(
        victim in 0..VICTIMS.len(),
        with_payment_id in any::<bool>(),
        before in names(BEFORE),
        after in names(AFTER),
    ) {
        let victim = &fixture().victims[victim];
        let payment_id = victim.bill.id.to_string();
        let claims = claims(victim, with_payment_id.then_some(payment_id.as_str()), false);
        let first_claim = claims[0].0;
        prop_assume!(before.iter().all(|name| *name < first_claim));
        let genuine = &victim.genuine[usize::from(with_payment_id)];
        let forged = resplit(genuine, &before, &claims, &after);
        prop_assume!(forged.is_some());
        let body = form_body(&forged.unwrap());
        assert_signed_and_caught_by_confirmation(victim, &body, with_payment_id)?;

        // The strict check refuses the first unknown name, then a missing payment
        // id, then a filler field of a known name holding a value of another type.
        let mut fillers: Vec<&str> = before.iter().chain(&after).copied().collect();
        fillers.sort_unstable();
        let refused = verify(&body, &CallbackPolicy::strict()).unwrap_err();
        match fillers.iter().find(|name| !KNOWN_CALLBACK_FIELDS.contains(name)) {
            Some(name) => prop_assert_eq!(
                refused,
                CallbackRejection::UnexpectedField { name: (*name).to_owned() }
            ),
            None if !with_payment_id => prop_assert_eq!(
                refused,
                CallbackRejection::MissingField { name: "payment_id".to_owned() }
            ),
            None => prop_assert!(
                matches!(&refused, CallbackRejection::MalformedField { name } if fillers.contains(&name.as_str())),
                "{refused:?}"
            ),
        }
    }

    /// The attack at its strongest: the victim's payment id guessed, a refund
    /// claimed, and every filler a known callback field.
    #[test]
    fn every_resplit_onto_known_names_only_is_refused_by_a_field_of_another_type(
        victim in 0..VICTIMS.len(),
        refund in any::<bool>(),
        before in names(KNOWN_BEFORE),
    ) {
        let victim = &fixture().victims[victim];
        let payment_id = victim.bill.id.to_string();
        let claims = claims(victim, Some(&payment_id), refund);
        let genuine = &victim.genuine[if refund { 2 } else { 1 }];
        let forged = resplit(genuine, &before, &claims, &["user_ip"]);
        prop_assume!(forged.is_some());
        let forged = forged.unwrap();
        prop_assert!(forged.iter().all(|(name, _)| KNOWN_CALLBACK_FIELDS.contains(&name.as_str())));
        let body = form_body(&forged);
        assert_signed_and_caught_by_confirmation(victim, &body, true)?;

        let refused = verify(&body, &CallbackPolicy::strict()).unwrap_err();
        let CallbackRejection::MalformedField { name } = &refused else {
            return Err(TestCaseError::fail(format!("{refused:?}")));
        };
        prop_assert!(before.contains(&name.as_str()) || name == "user_ip", "{refused:?}");
        // Whatever the fillers before the claims hold, the genuine values after
        // them make `user_ip` no address.
        let user_ip = &forged.iter().find(|(name, _)| name == "user_ip").unwrap().1;
        prop_assert!(user_ip.parse::<IpAddr>().is_err(), "{user_ip}");
    }
}
