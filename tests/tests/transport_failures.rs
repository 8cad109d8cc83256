//! Limits and timeouts through the real transports, against scripted loopback
//! servers: a body over the limit is refused without being read whole, a server
//! that never answers ends the call with an unknown outcome, and a refused
//! connection says the request never left.

use std::time::Duration;

use feennex_proto::transport::Delivery;
use feennex_proto::{Error, prelude::ShopBalance};
use feennex_tests::{
    Reply, ScriptedServer, Setup, TestClient, both_clients, merchant_at, now, transfer_create,
};

const LIMIT: usize = 16 * 1024;

fn limited() -> Setup {
    Setup::default()
        .options(|options| options.max_response_bytes(LIMIT))
        .retry(|retry| retry.with_max_attempts(1))
}

fn assert_too_large<C: TestClient>(error: &Error) {
    let Error::Transport { delivery, source } = error else {
        panic!("expected a transport failure, got {error:?}");
    };
    assert_eq!(*delivery, Delivery::MaybeSent);
    assert_eq!(C::response_too_large(source.as_ref()), Some(LIMIT), "{source:?}");
}

fn answer_declared_larger_than_the_limit_is_refused<C: TestClient>() {
    let server = ScriptedServer::start(|_, _| Reply::Declared(LIMIT * 64));
    let client: C = server.client(limited());
    let error = client.call(&ShopBalance::new(now())).unwrap_err();
    assert_too_large::<C>(&error);
    assert_eq!(server.paths(), ["/shop_balance"]);
}

fn endless_answer_is_cut_at_the_limit_not_read_whole<C: TestClient>() {
    // Reading this body whole would never end: only the limit stops it.
    let server = ScriptedServer::start(|_, _| Reply::Endless);
    let client: C = server.client(limited());
    let error = client.call(&ShopBalance::new(now())).unwrap_err();
    assert_too_large::<C>(&error);
}

fn silent() -> Setup {
    Setup::default().retry(|retry| {
        retry
            .with_max_attempts(2)
            .with_attempt_timeout(Duration::from_millis(300))
            .with_total_timeout(Duration::from_secs(3))
    })
}

fn read_from_a_server_that_never_answers_ends_with_an_unknown_outcome<C: TestClient>() {
    let server = ScriptedServer::start(|_, _| Reply::Silence);
    let client: C = server.client(silent());
    let error = client.call(&ShopBalance::new(now())).unwrap_err();
    assert!(matches!(error, Error::Transport { delivery: Delivery::MaybeSent, .. }), "{error:?}");
    assert!(error.is_outcome_unknown());
    assert_eq!(server.paths(), ["/shop_balance"; 2]);
}

fn payout_to_a_server_that_never_answers_is_unresolved_after_one_create<C: TestClient>() {
    let server = ScriptedServer::start(|_, _| Reply::Silence);
    let client: C = server.client(silent().options(|options| options.payout_limits(3, 2)));
    let error = client.payout(transfer_create("silent-1")).unwrap_err();
    let Error::PayoutUnresolved { creates_sent, status_checks, .. } = &error else {
        panic!("expected an unresolved payout, got {error:?}");
    };
    assert_eq!((*creates_sent, *status_checks), (1, 2));
    assert_eq!(
        server.paths(),
        ["/transfer/create", "/transfer/shop_payment_status", "/transfer/shop_payment_status"]
    );
}

/// A loopback address where nothing listens.
fn closed_port() -> String {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{address}")
}

fn refused_connection_means_the_request_never_left<C: TestClient>() {
    let client = C::build(merchant_at(&closed_port()), Setup::default());
    let error = client.call(&ShopBalance::new(now())).unwrap_err();
    assert!(matches!(error, Error::Transport { delivery: Delivery::NotSent, .. }), "{error:?}");
    assert!(!error.is_outcome_unknown());
    // A payout that never reached the server is not unresolved: nothing was paid.
    let error = client.payout(transfer_create("never-left")).unwrap_err();
    assert!(matches!(error, Error::Transport { delivery: Delivery::NotSent, .. }), "{error:?}");
}

both_clients!(
    answer_declared_larger_than_the_limit_is_refused,
    endless_answer_is_cut_at_the_limit_not_read_whole,
    read_from_a_server_that_never_answers_ends_with_an_unknown_outcome,
    payout_to_a_server_that_never_answers_is_unresolved_after_one_create,
    refused_connection_means_the_request_never_left,
);
