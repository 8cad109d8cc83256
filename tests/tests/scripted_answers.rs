//! Answers the sandbox never gives, from a scripted loopback server, through both
//! clients: error 8 ("still processing") on reads and payouts, and an error envelope
//! that comes with HTTP 400.

use feennex_proto::exchange::PayoutRecord;
use feennex_proto::prelude::ErrorCode;
use feennex_tests::{
    Reply, ScriptedServer, Setup, TestClient, both_clients, decimal, envelope_error, envelope_ok,
    transfer_create, transfer_status,
};

const CREATE: &str = "/transfer/create";
const STATUS: &str = "/transfer/shop_payment_status";

fn processing() -> Reply {
    Reply::Answer(200, envelope_error(8, "Operation is processing"))
}

fn found(shop_payment_id: &str) -> Reply {
    Reply::Answer(
        200,
        envelope_ok(serde_json::json!({
            "id": 77,
            "shop_payment_id": shop_payment_id,
            "receive_amount": 1.11,
            "payee_currency": 978,
            "shop_currency": 840,
            "write_off_amount": 1.19,
        })),
    )
}

fn status_call_is_retried_on_error_8_until_found<C: TestClient>() {
    let server = ScriptedServer::start(|n, _| if n < 2 { processing() } else { found("p-8") });
    let client: C = server.client(Setup::default());
    let payout = client.call(&transfer_status("p-8")).unwrap();
    assert_eq!((payout.id, payout.write_off_amount), (77, decimal("1.19")));
    assert_eq!(server.paths(), [STATUS; 3]);
}

fn status_call_still_processing_after_its_attempts_ends_with_error_8<C: TestClient>() {
    let server = ScriptedServer::start(|_, _| processing());
    let client: C = server.client(Setup::default().retry(|retry| retry.with_max_attempts(3)));
    let error = client.call(&transfer_status("p-8")).unwrap_err();
    assert_eq!(error.api_code(), Some(ErrorCode::OperationIsProcessing), "{error:?}");
    assert!(error.is_outcome_unknown());
    assert_eq!(server.paths(), [STATUS; 3]);
}

fn create_answered_with_error_8_is_not_sent_again<C: TestClient>() {
    let server = ScriptedServer::start(|_, _| processing());
    let client: C = server.client(Setup::default());
    let error = client.bare_call(&transfer_create("p-8")).unwrap_err();
    assert_eq!(error.api_code(), Some(ErrorCode::OperationIsProcessing), "{error:?}");
    assert_eq!(server.paths(), [CREATE]);
}

fn payout_still_processing_is_looked_up_until_found<C: TestClient>() {
    let server = ScriptedServer::start(|n, _| if n < 2 { processing() } else { found("p-8") });
    let client: C = server.client(Setup::default());
    let outcome = client.payout(transfer_create("p-8")).unwrap();
    let PayoutRecord::Found(payout) = &outcome.record else {
        panic!("expected the payout to be adopted: {outcome:?}");
    };
    assert_eq!((payout.id, outcome.summary.write_off), (77, decimal("1.19")));
    assert_eq!((outcome.creates_sent, outcome.status_checks), (1, 2));
    assert!(outcome.reconciled);
    assert_eq!(server.paths(), [CREATE, STATUS, STATUS]);
    let lookups = server.requests();
    assert!(lookups[1].body.contains(r#""shop_payment_id":"p-8""#), "{}", lookups[1].body);
}

fn error_envelope_with_http_400_is_the_api_error<C: TestClient>() {
    let server = ScriptedServer::start(|_, _| {
        Reply::Answer(400, envelope_error(9, "Insufficient balance(currency=840)"))
    });
    let client: C = server.client(Setup::default());
    let error = client.payout(transfer_create("p-400")).unwrap_err();
    let feennex_proto::Error::Api(api) = &error else {
        panic!("expected the API's error, got {error:?}");
    };
    assert_eq!((api.code, api.http_status), (ErrorCode::InsufficientBalance, 400));
    assert_eq!(api.message, "Insufficient balance(currency=840)");
    // A refused create is final: nothing is looked up or sent again.
    assert_eq!(server.paths(), [CREATE]);
}

fn redirect_is_not_followed<C: TestClient>() {
    let server = ScriptedServer::start(|_, request| {
        if request.path == CREATE {
            Reply::Redirect("/elsewhere".to_owned())
        } else {
            found("p-302")
        }
    });
    let client: C = server.client(Setup::default());
    let error = client.bare_call(&transfer_create("p-302")).unwrap_err();
    let feennex_proto::Error::NotEnvelope { status, .. } = &error else {
        panic!("expected the redirect as an answer that is not an envelope, got {error:?}");
    };
    assert_eq!(*status, 302);
    assert_eq!(server.paths(), [CREATE]);
}

both_clients!(
    redirect_is_not_followed,
    status_call_is_retried_on_error_8_until_found,
    status_call_still_processing_after_its_attempts_ends_with_error_8,
    create_answered_with_error_8_is_not_sent_again,
    payout_still_processing_is_looked_up_until_found,
    error_envelope_with_http_400_is_the_api_error,
);
