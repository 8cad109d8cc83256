//! Variations of the re-split forgery: filler fields before and after the claimed
//! values under any names (made up, or names of real callback fields whose values
//! may hold `:`), a claimed order id that itself holds `:`, with or without a
//! guessed payment id. Every variation keeps a valid signature; the strict policy
//! refuses exactly those with a name it does not know or without a payment id;
//! confirming with the API's record of the order refuses every one.

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

/// One victim: its bill as the API reports it, and the attacker's genuine
/// callbacks whose description holds the claims (without and with the victim's
/// payment id).
struct Victim {
    order: &'static str,
    bill: BillState,
    genuine: [Fields; 2],
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

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn every_resplit_is_caught_by_confirmation_and_unknown_names_by_the_strict_check(
        victim in 0..VICTIMS.len(),
        with_payment_id in any::<bool>(),
        before in names(BEFORE),
        after in names(AFTER),
    ) {
        let victim = &fixture().victims[victim];
        let payment_id = victim.bill.id.to_string();
        let mut claims = Vec::new();
        if with_payment_id {
            claims.push(("payment_id", payment_id.as_str()));
        }
        claims.extend([
            ("shop_amount", "1000"),
            ("shop_currency", "840"),
            ("shop_id", "1"),
            ("shop_order_id", victim.order),
            ("status", "success"),
        ]);
        let first_claim = claims[0].0;
        prop_assume!(before.iter().all(|name| *name < first_claim));
        let genuine = &victim.genuine[usize::from(with_payment_id)];
        let forged = resplit(genuine, &before, &claims, &after);
        prop_assume!(forged.is_some());
        let body = form_body(&forged.unwrap());

        // The signature holds and the merchant's own order check passes.
        let notification = verify(&body, &CallbackPolicy::permissive()).unwrap();
        let order = ExpectedOrder {
            shop_id: ShopId::new(DEFAULT_SHOP_ID).unwrap(),
            shop_order_id: ShopOrderId::new(victim.order).unwrap(),
            amount: "1000".parse().unwrap(),
            currency: Currency::USD,
        };
        prop_assert_eq!(notification.check_order(&order), Ok(()));

        // The strict check refuses the first unknown name, then a missing payment id.
        let mut all_names: Vec<&str> = before.iter().chain(&after).copied().collect();
        all_names.sort_unstable();
        let expected = match all_names.iter().find(|name| !KNOWN_CALLBACK_FIELDS.contains(name)) {
            Some(name) => Err(CallbackRejection::UnexpectedField { name: (*name).to_owned() }),
            None if !with_payment_id => {
                Err(CallbackRejection::MissingField { name: "payment_id".to_owned() })
            }
            None => Ok(notification.clone()),
        };
        prop_assert_eq!(verify(&body, &CallbackPolicy::strict()), expected);

        // Confirmation looks the victim's order up and refuses the claim.
        let lookup = notification.confirmation_lookup(SystemTime::now()).unwrap();
        prop_assert_eq!(lookup.shop_order_id.as_str(), victim.order);
        let mismatch = notification.confirm(&victim.bill).unwrap_err();
        let expected = if with_payment_id {
            ConfirmationMismatch::Status { callback: Some("success".to_owned()), api: BillStatus::Waiting }
        } else {
            ConfirmationMismatch::PaymentId { callback: None, api: victim.bill.id }
        };
        prop_assert_eq!(mismatch, expected);
    }
}
