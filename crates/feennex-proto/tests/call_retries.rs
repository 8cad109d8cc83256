//! The single-call machine: which failures it retries, how many times, and when it
//! stops.

use std::time::Duration;

use feennex_proto::exchange::{Call, Reply, RequestRole, RetryPolicy, Simulation};
use feennex_proto::transport::{Delivery, Response};
use feennex_proto::{
    Error, Merchant, SecretKey, http,
    prelude::{Currency, ErrorCode, ShopId, TransferAmountType, TransferCreate, TransferTry},
};

const QUOTE: &str = r#"{"data":{"payee_amount":1.11,"payee_currency":978,"shop_currency":840,"write_off_amount":1.19},"error_code":0,"message":"Ok","result":true}"#;

fn merchant() -> Merchant {
    Merchant::new(ShopId::new(6).unwrap(), SecretKey::new("secret"))
}

fn quote_request() -> TransferTry {
    TransferTry::builder()
        .amount("1.11".parse().unwrap())
        .amount_type(TransferAmountType::ReceiveAmount)
        .payee_currency(Currency::EUR)
        .shop_currency(Currency::USD)
        .build()
}

fn answer(status: u16, body: &str) -> Result<Response, Error> {
    Ok(http::Response::builder().status(status).body(body.as_bytes().to_vec()).unwrap())
}

fn lost(delivery: Delivery) -> Result<Response, Error> {
    Err(Error::Transport { delivery, source: "reset".into() })
}

/// Drives a call through scripted answers; returns the result and the number of
/// requests sent and the total time waited.
fn drive<E: feennex_proto::endpoints::Endpoint>(
    call: Call<E>,
    mut answers: Vec<Result<Response, Error>>,
) -> (Result<E::Output, Error>, usize, Duration) {
    answers.reverse();
    let run = Simulation::new(call).seed(123_456_789).run(|sent| {
        assert_eq!(sent.role, RequestRole::Call);
        Reply::outcome(answers.pop().unwrap_or_else(|| lost(Delivery::MaybeSent)))
    });
    (run.output.unwrap(), run.requests.len(), run.elapsed)
}

#[test]
fn a_precalculation_is_retried_through_a_502_and_error_8() {
    let call = Call::new(&merchant(), &quote_request(), RetryPolicy::default()).unwrap();
    let processing = r#"{"data":null,"error_code":8,"message":"later","result":false}"#;
    let (result, sent, waited) = drive(
        call,
        vec![
            answer(502, "<html/>"),
            answer(200, processing),
            lost(Delivery::MaybeSent),
            answer(200, QUOTE),
        ],
    );
    assert_eq!(result.unwrap().write_off_amount.to_string(), "1.19");
    assert_eq!(sent, 4);
    assert!(waited > Duration::ZERO);
}

#[test]
fn a_final_api_error_is_not_retried() {
    let call = Call::new(&merchant(), &quote_request(), RetryPolicy::default()).unwrap();
    let bad_sign = r#"{"data":null,"error_code":10,"message":"Invalid sign, string_to_sign: x","result":false}"#;
    let (result, sent, _) = drive(call, vec![answer(200, bad_sign), answer(200, QUOTE)]);
    assert_eq!(result.unwrap_err().api_code(), Some(ErrorCode::IncorrectRequestParam));
    assert_eq!(sent, 1);
}

#[test]
fn attempts_are_bounded() {
    let policy = RetryPolicy::default().with_max_attempts(3);
    let call = Call::new(&merchant(), &quote_request(), policy).unwrap();
    let (result, sent, _) = drive(call, vec![]);
    assert!(matches!(result, Err(Error::Transport { delivery: Delivery::MaybeSent, .. })));
    assert_eq!(sent, 3);
}

#[test]
fn a_create_call_is_resent_only_when_it_never_left() {
    let create = TransferCreate::builder()
        .amount("1".parse().unwrap())
        .amount_type(TransferAmountType::ReceiveAmount)
        .payee_account("201234567890".parse().unwrap())
        .payee_currency(Currency::USD)
        .shop_currency(Currency::USD)
        .shop_payment_id("p".parse().unwrap())
        .build();
    let call = Call::new(&merchant(), &create, RetryPolicy::default()).unwrap();
    let (result, sent, _) = drive(call, vec![lost(Delivery::NotSent), answer(502, "<html/>")]);
    assert!(matches!(result, Err(Error::NotEnvelope { status: 502, .. })));
    assert_eq!(sent, 2);
}

#[test]
fn the_total_timeout_ends_the_call() {
    let policy = RetryPolicy::default()
        .with_max_attempts(1000)
        .with_total_timeout(Duration::from_secs(3))
        .with_backoff(Duration::from_millis(500), Duration::from_secs(1));
    let call = Call::new(&merchant(), &quote_request(), policy).unwrap();
    let (result, sent, waited) = drive(call, vec![]);
    assert!(result.unwrap_err().is_outcome_unknown());
    assert!((2..1000).contains(&sent), "{sent}");
    assert!(waited <= Duration::from_secs(3));
}
