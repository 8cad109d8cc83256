//! Servers that answer badly or maliciously: every answer ends in a typed error
//! (an unknown code keeps its number), within the configured timeouts, without
//! reading an unbounded body and without a panic. With both clients, and through
//! the `feennex` command (see `crates/feennex-cli/tests/hostile_servers.rs`).

use std::time::{Duration, Instant};

use feennex_proto::transport::Delivery;
use feennex_proto::{Error, prelude::ErrorCode};
use feennex_tests::{Reply, ScriptedServer, Setup, TestClient, both_clients, transfer_create};

/// A quick client: one attempt of at most two seconds, a small response limit.
fn setup() -> Setup {
    setup_with_limit(64 * 1024)
}

fn setup_with_limit(max_response_bytes: usize) -> Setup {
    Setup::default()
        .retry(|retry| {
            retry
                .with_max_attempts(1)
                .with_attempt_timeout(Duration::from_secs(2))
                .with_total_timeout(Duration::from_secs(4))
        })
        .options(|options| options.max_response_bytes(max_response_bytes))
}

/// The answer of a `transfer/create` sent once to a server that always replies so.
fn create_answered<C: TestClient>(
    reply: impl Fn() -> Reply + Send + Sync + 'static,
) -> (Error, Duration) {
    create_answered_with::<C>(setup(), reply)
}

fn create_answered_with<C: TestClient>(
    setup: Setup,
    reply: impl Fn() -> Reply + Send + Sync + 'static,
) -> (Error, Duration) {
    let server = ScriptedServer::start(move |_, _| reply());
    let client: C = server.client(setup);
    let started = Instant::now();
    let error =
        client.bare_call(&transfer_create("hostile-1")).expect_err("a hostile answer was accepted");
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(10), "took {elapsed:?}");
    (error, elapsed)
}

fn envelope_with_data(data: &str) -> String {
    format!(r#"{{"data":{data},"error_code":0,"message":"Ok","result":true}}"#)
}

/// A created payout's data with one field replaced.
fn created_with(field: &str, value: &str) -> String {
    let mut fields = vec![
        ("balance", "88.81"),
        ("id", "7"),
        ("payee_account", "\"201234567890\""),
        ("payee_amount", "1.11"),
        ("payee_currency", "978"),
        ("shop", "1"),
        ("shop_currency", "840"),
        ("write_off_amount", "1.19"),
    ];
    for (name, text) in &mut fields {
        if *name == field {
            *text = value;
        }
    }
    let data: Vec<String> =
        fields.iter().map(|(name, text)| format!("\"{name}\":{text}")).collect();
    envelope_with_data(&format!("{{{}}}", data.join(",")))
}

fn not_an_envelope(error: &Error) -> bool {
    matches!(error, Error::NotEnvelope { .. })
}

fn unexpected_data(error: &Error) -> bool {
    matches!(error, Error::UnexpectedData { endpoint: "transfer/create", .. })
}

fn empty_body_is_not_an_envelope<C: TestClient>() {
    let (error, _) = create_answered::<C>(|| Reply::Answer(200, String::new()));
    assert!(matches!(error, Error::NotEnvelope { status: 200, .. }), "{error:?}");
    assert!(error.is_outcome_unknown());
}

fn html_is_not_an_envelope_and_keeps_a_snippet<C: TestClient>() {
    let (error, _) = create_answered::<C>(|| {
        Reply::Answer(200, "<html><body><h1>Maintenance</h1></body></html>".to_owned())
    });
    match error {
        Error::NotEnvelope { snippet, .. } => assert!(snippet.starts_with("<html>"), "{snippet}"),
        other => panic!("{other:?}"),
    }
}

fn truncated_json_is_not_an_envelope<C: TestClient>() {
    let (error, _) =
        create_answered::<C>(|| Reply::Answer(200, created_with("id", "7")[..60].to_owned()));
    assert!(not_an_envelope(&error), "{error:?}");
}

fn invalid_utf8_is_not_an_envelope<C: TestClient>() {
    let (error, _) = create_answered::<C>(|| {
        let mut body = created_with("payee_account", "\"2012345678XX\"").into_bytes();
        let at = body.windows(2).position(|w| w == b"XX").unwrap();
        body[at] = 0xff;
        body[at + 1] = 0xfe;
        Reply::Bytes(200, body)
    });
    assert!(not_an_envelope(&error), "{error:?}");
}

fn wrong_json_types_are_typed_errors<C: TestClient>() {
    let (error, _) =
        create_answered::<C>(|| Reply::Answer(200, created_with("write_off_amount", "\"lots\"")));
    assert!(unexpected_data(&error), "{error:?}");
    let (error, _) = create_answered::<C>(|| Reply::Answer(200, created_with("id", "[7]")));
    assert!(unexpected_data(&error), "{error:?}");
    let (error, _) = create_answered::<C>(|| {
        Reply::Answer(
            200,
            r#"{"data":null,"error_code":"zero","message":1,"result":"yes"}"#.to_owned(),
        )
    });
    assert!(not_an_envelope(&error), "{error:?}");
}

fn numbers_out_of_range_are_typed_errors<C: TestClient>() {
    for (field, value) in [
        ("write_off_amount", "1e400"),
        ("payee_amount", "123456789012345678901234567890.5"),
        ("id", "184467440737095516160"),
        ("payee_currency", "70000"),
    ] {
        let body = created_with(field, value);
        let (error, _) = create_answered::<C>(move || Reply::Answer(200, body.clone()));
        assert!(unexpected_data(&error), "{field}={value}: {error:?}");
    }
    let (error, _) = create_answered::<C>(|| {
        Reply::Answer(
            200,
            r#"{"data":null,"error_code":1e100,"message":"","result":false}"#.to_owned(),
        )
    });
    assert!(not_an_envelope(&error), "{error:?}");
}

fn negative_amounts_are_refused<C: TestClient>() {
    for field in ["write_off_amount", "payee_amount", "balance"] {
        let body = created_with(field, "-5.00");
        let (error, _) = create_answered::<C>(move || Reply::Answer(200, body.clone()));
        assert!(unexpected_data(&error), "{field}: {error:?}");
    }
}

fn json_nested_a_hundred_thousand_deep_is_refused<C: TestClient>() {
    let deep = |depth: usize| format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    // In the data, in a field of the data, and in the envelope itself; the limit
    // lets the 200 kB through, so that the parser meets the nesting.
    let bodies = [
        envelope_with_data(&deep(100_000)),
        created_with("id", &deep(100_000)),
        format!(r#"{{"message":{},"data":null,"error_code":0,"result":true}}"#, deep(100_000)),
    ];
    for body in bodies {
        let (error, _) = create_answered_with::<C>(setup_with_limit(1 << 20), move || {
            Reply::Answer(200, body.clone())
        });
        assert!(not_an_envelope(&error) || unexpected_data(&error), "{error:?}");
    }
}

fn a_dripped_body_ends_within_the_attempt_timeout<C: TestClient>() {
    let (error, elapsed) = create_answered::<C>(|| {
        Reply::Drip(created_with("id", "7").into_bytes(), Duration::from_millis(50))
    });
    assert!(matches!(error, Error::Transport { delivery: Delivery::MaybeSent, .. }), "{error:?}");
    assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");
}

fn tens_of_megabytes_are_refused_unread<C: TestClient>() {
    let (error, _) = create_answered::<C>(|| Reply::Declared(40 * 1024 * 1024));
    match &error {
        Error::Transport { source, .. } => {
            assert_eq!(C::response_too_large(source.as_ref()), Some(64 * 1024), "{error:?}")
        }
        other => panic!("{other:?}"),
    }
}

fn an_unknown_error_code_keeps_its_number_and_message<C: TestClient>() {
    let (error, _) = create_answered::<C>(|| {
        Reply::Answer(
            200,
            r#"{"data":null,"error_code":4711,"message":"Quota exceeded","result":false}"#
                .to_owned(),
        )
    });
    match error {
        Error::Api(api) => {
            assert_eq!(api.code, ErrorCode::from_code(4711));
            assert!(matches!(api.code, ErrorCode::Unknown(code) if code.code() == 4711));
            assert_eq!(api.code.code(), 4711);
            assert_eq!(api.message, "Quota exceeded");
        }
        other => panic!("{other:?}"),
    }
}

both_clients!(
    empty_body_is_not_an_envelope,
    html_is_not_an_envelope_and_keeps_a_snippet,
    truncated_json_is_not_an_envelope,
    invalid_utf8_is_not_an_envelope,
    wrong_json_types_are_typed_errors,
    numbers_out_of_range_are_typed_errors,
    negative_amounts_are_refused,
    json_nested_a_hundred_thousand_deep_is_refused,
    a_dripped_body_ends_within_the_attempt_timeout,
    tens_of_megabytes_are_refused_unread,
    an_unknown_error_code_keeps_its_number_and_message,
);
