//! The answer envelope: `{"data":…,"error_code":N,"message":"…","result":bool}`.
//!
//! Every API answer, success or failure, is sent with HTTP 200, as the real server
//! normally does; clients must read the envelope, not the status.

use axum::response::{IntoResponse, Response};
use feennex_proto::prelude::ErrorCode;
use http::{StatusCode, header};
use serde::Serialize;

/// A refusal: the error code and its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiFailure {
    pub(crate) code: ErrorCode,
    pub(crate) message: String,
}

impl ApiFailure {
    pub(crate) fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into() }
    }

    /// Error 10 for a body that is not a JSON object.
    pub(crate) fn bad_body(reason: &str) -> Self {
        Self::new(ErrorCode::IncorrectRequestParam, format!("Incorrect request body: {reason}"))
    }
}

#[derive(Serialize)]
struct Envelope<'a, T: Serialize> {
    data: Option<T>,
    error_code: i64,
    message: &'a str,
    result: bool,
}

/// The envelope of an outcome, as JSON text.
pub(crate) fn envelope_text<T: Serialize>(outcome: Result<T, ApiFailure>) -> String {
    let text = match &outcome {
        Ok(data) => serde_json::to_string(&Envelope {
            data: Some(data),
            error_code: 0,
            message: "Ok",
            result: true,
        }),
        Err(failure) => serde_json::to_string(&Envelope::<()> {
            data: None,
            error_code: failure.code.code(),
            message: &failure.message,
            result: false,
        }),
    };
    text.unwrap_or_else(|error| {
        format!(
            r#"{{"data":null,"error_code":10,"message":{},"result":false}}"#,
            serde_json::Value::from(format!("cannot write the answer: {error}"))
        )
    })
}

/// A 200 answer with a JSON body.
pub(crate) fn json_response(body: String) -> Response {
    (StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_carry_null_data_and_the_code() {
        let text = envelope_text::<()>(Err(ApiFailure::new(ErrorCode::ShopNotFound, "Shop 5")));
        assert_eq!(text, r#"{"data":null,"error_code":11,"message":"Shop 5","result":false}"#);
        let text = envelope_text(Ok(serde_json::json!({"id": 3})));
        assert_eq!(text, r#"{"data":{"id":3},"error_code":0,"message":"Ok","result":true}"#);
    }
}
