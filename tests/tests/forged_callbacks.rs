//! The re-split forgery against a sandbox, with both clients: a genuinely signed
//! callback of the attacker's own cheap, rejected bill, cut into the fields of a
//! successful payment of someone else's order. The strict default refuses it;
//! permissive verification accepts it and the merchant's own order check passes,
//! but confirming with the API catches it.

use std::net::IpAddr;
use std::time::Duration;

use feennex_proto::callback::{
    CallbackPolicy, ConfirmError, ConfirmationMismatch, verify_callback_with,
};
use feennex_proto::callback::{
    CallbackRejection, CallbackStatus, ExpectedOrder, Notification, SenderCheck, verify_callback,
};
use feennex_proto::{
    SecretKey,
    prelude::{BillStatus, Currency, ErrorCode, ShopId, ShopOrderId},
};
use feennex_sandbox::{CallbackRetry, DEFAULT_SECRET, DEFAULT_SHOP_ID, SandboxConfig};
use feennex_tests::forgery::{create_bill, finish_and_capture, form_body, resigned, resplit};
use feennex_tests::{Setup, TestClient, TestSandbox, both_clients};

const FORM: &str = "application/x-www-form-urlencoded";

/// What the attacker wants the merchant to believe: order 101 paid, 1000 USD.
const CLAIMS: [(&str, &str); 5] = [
    ("shop_amount", "1000"),
    ("shop_currency", "840"),
    ("shop_id", "1"),
    ("shop_order_id", "101"),
    ("status", "success"),
];

fn sandbox() -> TestSandbox {
    // One delivery attempt: the callback URL answers nothing anyway.
    let once = CallbackRetry::new(Duration::from_secs(60), Duration::from_secs(60), 1);
    TestSandbox::with_config(SandboxConfig::default().with_callbacks(once))
}

fn verify(body: &str, policy: &CallbackPolicy) -> Result<Notification, CallbackRejection> {
    let sender: IpAddr = "127.0.0.1".parse().unwrap();
    let secret = SecretKey::new(DEFAULT_SECRET);
    verify_callback_with(
        body.as_bytes(),
        FORM,
        sender,
        &secret,
        &SenderCheck::CheckedUpstream,
        policy,
    )
}

fn order_101() -> ExpectedOrder {
    ExpectedOrder {
        shop_id: ShopId::new(DEFAULT_SHOP_ID).unwrap(),
        shop_order_id: ShopOrderId::new("101").unwrap(),
        amount: "1000".parse().unwrap(),
        currency: Currency::USD,
    }
}

fn a_resplit_callback_is_refused_by_default_and_caught_by_confirmation<C: TestClient>() {
    let sandbox = sandbox();
    let client: C = sandbox.client(Setup::default());
    let victim = create_bill(|bill| client.call(bill), "101", "1000", None);
    let cheap = create_bill(
        |bill| client.call(bill),
        "attacker-7",
        "1",
        Some("gift:1000:840:1:101:success"),
    );
    let genuine = finish_and_capture(sandbox.base_url(), cheap, false);
    let genuine_notification = verify(&form_body(&genuine), &CallbackPolicy::strict()).unwrap();
    assert_eq!(genuine_notification.status(), Some(CallbackStatus::Rejected));

    let forged = resplit(&genuine, &["a00"], &CLAIMS, &["z00"]).unwrap();
    let body = form_body(&forged);
    // The same verification as verify_callback, spelled out.
    let secret = SecretKey::new(DEFAULT_SECRET);
    let sender: IpAddr = "127.0.0.1".parse().unwrap();
    assert_eq!(
        verify_callback(body.as_bytes(), FORM, sender, &secret, &SenderCheck::CheckedUpstream),
        Err(CallbackRejection::UnexpectedField { name: "a00".to_owned() })
    );

    // Permissive, the signature holds and the merchant's own order check passes...
    let notification = verify(&body, &CallbackPolicy::permissive()).unwrap();
    assert_eq!(notification.check_order(&order_101()), Ok(()));
    assert_eq!(notification.status(), Some(CallbackStatus::Success));
    // ...but the API knows better.
    match client.confirm_callback(&notification) {
        Err(ConfirmError::Mismatch(mismatch)) => {
            assert_eq!(mismatch, ConfirmationMismatch::PaymentId { callback: None, api: victim });
            assert_eq!(mismatch.field(), "payment_id");
        }
        other => panic!("{} client: the forgery was not caught: {other:?}", C::NAME),
    }
}

fn a_resplit_onto_known_names_is_refused_by_type_and_caught_by_confirmation<C: TestClient>() {
    let sandbox = sandbox();
    let client: C = sandbox.client(Setup::default());
    let victim = create_bill(|bill| client.call(bill), "101", "1000", None);
    let description = format!("gift:{victim}:1000:840:1:101:0:success");
    let cheap = create_bill(|bill| client.call(bill), "attacker-8", "1", Some(&description));
    let genuine = finish_and_capture(sandbox.base_url(), cheap, false);

    // The victim's bill id is guessed and every name is a known one: description
    // takes what precedes the claims, user_ip (last in signing order) the genuine
    // values that follow them, colons included.
    let victim_text = victim.to_string();
    let mut claims = vec![("payment_id", victim_text.as_str())];
    claims.extend(&CLAIMS[..4]);
    claims.extend([("shop_refund", "0"), CLAIMS[4]]);
    let forged = resplit(&genuine, &["description"], &claims, &["user_ip"]).unwrap();
    let user_ip = &forged.iter().find(|(name, _)| name == "user_ip").unwrap().1;
    assert!(user_ip.contains(":rejected:"), "{user_ip}");
    let body = form_body(&forged);
    assert_eq!(
        verify(&body, &CallbackPolicy::strict()),
        Err(CallbackRejection::MalformedField { name: "user_ip".to_owned() })
    );

    // Permissive, the merchant's own order check passes; the API knows better.
    let notification = verify(&body, &CallbackPolicy::permissive()).unwrap();
    assert_eq!(notification.check_order(&order_101()), Ok(()));
    assert_eq!(notification.payment_id(), Some(victim_text.as_str()));
    match client.confirm_callback(&notification) {
        Err(ConfirmError::Mismatch(mismatch)) => assert_eq!(
            mismatch,
            ConfirmationMismatch::Status {
                callback: Some("success".to_owned()),
                api: BillStatus::Waiting
            }
        ),
        other => panic!("{} client: the forgery was not caught: {other:?}", C::NAME),
    }
}

fn a_genuine_callback_is_confirmed_with_the_bill<C: TestClient>() {
    let sandbox = sandbox();
    let client: C = sandbox.client(Setup::default());
    let id = create_bill(|bill| client.call(bill), "order-55", "25.5", None);
    let genuine = finish_and_capture(sandbox.base_url(), id, true);
    let notification = verify(&form_body(&genuine), &CallbackPolicy::strict()).unwrap();
    let bill = client.confirm_callback(&notification).unwrap();
    assert_eq!((bill.id, bill.status), (id, BillStatus::Paid));
    assert_eq!(bill.shop_amount, Some("25.50".parse().unwrap()));

    let rejected = create_bill(|bill| client.call(bill), "order-56", "3", None);
    let genuine = finish_and_capture(sandbox.base_url(), rejected, false);
    let notification = verify(&form_body(&genuine), &CallbackPolicy::strict()).unwrap();
    assert_eq!(client.confirm_callback(&notification).unwrap().status, BillStatus::Canceled);
}

fn a_callback_of_an_order_without_a_bill_cannot_be_confirmed<C: TestClient>() {
    let sandbox = sandbox();
    let client: C = sandbox.client(Setup::default());
    let cheap =
        create_bill(|bill| client.call(bill), "attacker-9", "1", Some("x:1:840:1:nope:success"));
    let genuine = finish_and_capture(sandbox.base_url(), cheap, false);
    let claims = [
        ("shop_amount", "1"),
        ("shop_currency", "840"),
        ("shop_id", "1"),
        ("shop_order_id", "nope"),
        ("status", "success"),
    ];
    let forged = resplit(&genuine, &["a"], &claims, &["z"]).unwrap();
    let notification = verify(&form_body(&forged), &CallbackPolicy::permissive()).unwrap();
    match client.confirm_callback(&notification) {
        Err(ConfirmError::Lookup(error)) => {
            assert_eq!(error.api_code(), Some(ErrorCode::OperationNotFound), "{error}");
        }
        other => panic!("{} client: {other:?}", C::NAME),
    }
}

/// A callback signed with the shop's key whose `shop_id` names another shop, or
/// the same shop written another way, is not the merchant's.
fn a_callback_naming_another_shop_is_refused_by_confirmation<C: TestClient>() {
    let sandbox = sandbox();
    let client: C = sandbox.client(Setup::default());
    let id = create_bill(|bill| client.call(bill), "order-57", "12", None);
    let genuine = finish_and_capture(sandbox.base_url(), id, true);
    let secret = SecretKey::new(DEFAULT_SECRET);
    for other in ["7", "01"] {
        let fields = resigned(&genuine, &[("shop_id", other)], &secret);
        let notification = verify(&form_body(&fields), &CallbackPolicy::permissive()).unwrap();
        match client.confirm_callback(&notification) {
            Err(ConfirmError::Mismatch(mismatch)) => assert_eq!(
                mismatch,
                ConfirmationMismatch::ShopId {
                    callback: Some(other.to_owned()),
                    merchant: ShopId::new(DEFAULT_SHOP_ID).unwrap()
                }
            ),
            other => panic!("{} client: another shop's callback passed: {other:?}", C::NAME),
        }
    }
}

both_clients!(
    a_resplit_callback_is_refused_by_default_and_caught_by_confirmation,
    a_resplit_onto_known_names_is_refused_by_type_and_caught_by_confirmation,
    a_genuine_callback_is_confirmed_with_the_bill,
    a_callback_of_an_order_without_a_bill_cannot_be_confirmed,
    a_callback_naming_another_shop_is_refused_by_confirmation,
);
