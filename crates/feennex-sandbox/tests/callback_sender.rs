//! Where callbacks come from: the address the system picks, or another local
//! address chosen so that a shop's sender allow-list can be tested both ways.

mod common;

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use common::{Received, Shop, V, admin_post, callback_listener, spawn};
use feennex_proto::SecretKey;
use feennex_proto::callback::{CallbackRejection, IpRange, SenderCheck, verify_callback};
use feennex_sandbox::{CallbackRetry, DEFAULT_SECRET, Sandbox, SandboxConfig};

const SECOND_LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));

/// Completes a bill whose callback goes to a fresh listener; gives what arrived.
fn completed_bill_callback(config: SandboxConfig) -> Received {
    let (listener, callbacks) = callback_listener(vec![(200, "OK")]);
    let sandbox = spawn(config.with_callbacks(CallbackRetry::new(
        Duration::from_millis(10),
        Duration::from_millis(10),
        2,
    )));
    let shop = Shop::default_of(&sandbox);
    let callback = format!("http://{listener}/cb");
    let bill = shop.ok(
        "/bill/create",
        &[
            ("payer_currency", V::N("840")),
            ("shop_amount", V::N("3")),
            ("shop_currency", V::N("840")),
            ("shop_order_id", V::S("from-test")),
            ("callback_url", V::S(&callback)),
        ],
    );
    let path = format!("/_sandbox/payments/bill/{}/complete", bill["id"]);
    assert_eq!(admin_post(sandbox.local_addr(), &path, "").0, 200);
    callbacks.recv_timeout(Duration::from_secs(60)).unwrap()
}

fn verify(received: &Received, allowed: IpAddr) -> Result<(), CallbackRejection> {
    let senders = SenderCheck::AllowList(vec![IpRange::single(allowed)]);
    verify_callback(
        received.body.as_bytes(),
        "application/x-www-form-urlencoded",
        received.from,
        &SecretKey::new(DEFAULT_SECRET),
        &senders,
    )
    .map(|_| ())
}

#[test]
fn callbacks_come_from_the_chosen_address_and_an_allow_list_tells_them_apart() {
    let default = completed_bill_callback(SandboxConfig::default());
    assert_eq!(default.from, IpAddr::V4(Ipv4Addr::LOCALHOST));
    let chosen =
        completed_bill_callback(SandboxConfig::default().with_callback_source(SECOND_LOOPBACK));
    assert_eq!(chosen.from, SECOND_LOOPBACK);

    // A shop that allows only 127.0.0.2 takes the second and refuses the first.
    assert_eq!(verify(&chosen, SECOND_LOOPBACK), Ok(()));
    assert!(matches!(
        verify(&default, SECOND_LOOPBACK),
        Err(CallbackRejection::SenderNotAllowed { ip }) if ip == IpAddr::V4(Ipv4Addr::LOCALHOST)
    ));
    assert!(matches!(
        verify(&chosen, IpAddr::V4(Ipv4Addr::LOCALHOST)),
        Err(CallbackRejection::SenderNotAllowed { .. })
    ));
}

#[test]
fn a_callback_source_that_is_not_this_machines_is_a_start_error() {
    let elsewhere = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1));
    let config = SandboxConfig::default().with_callback_source(elsewhere);
    let error = Sandbox::spawn(([127, 0, 0, 1], 0).into(), config).unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid sandbox configuration: callbacks cannot be sent from 192.0.2.1: \
         it is not an address of this machine"
    );
}
