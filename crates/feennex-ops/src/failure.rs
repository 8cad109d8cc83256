//! Every error of the core as one serializable value that a binding turns into its
//! language's exception, keeping the API's error code.

use feennex_proto::Error;
use feennex_proto::callback::CallbackRejection;
use feennex_proto::transport::Delivery;
use serde::Serialize;

/// Why an operation failed, as a binding shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failure {
    /// What kind of failure: `invalid_input`, `api`, `not_envelope`, `transport`
    /// (the request may have been sent), `transport_not_sent`, `payout_unresolved`,
    /// `conflict` (a payout under the id differs from the one asked),
    /// `unverified` (one matches, but nothing shows it was made for this request),
    /// `limit_reached`, `out_of_turn`, `unexpected_data`, `callback_rejected`, or
    /// `internal` (a bug, caught at the boundary).
    pub kind: &'static str,
    /// The error and its causes, for people. Never holds the secret.
    pub message: String,
    /// The parameter at fault, for `invalid_input`; the field that differs, for
    /// `conflict`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The API's error code, for `api`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<i64>,
    /// The documented name of that code, such as `OperationNotUnique`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code_name: Option<&'static str>,
    /// The HTTP status of the answer, when there was one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    /// Whether the server may have acted although no usable answer came.
    pub outcome_unknown: bool,
}

impl Failure {
    /// A parameter the binding could not read; nothing was built.
    pub fn invalid(field: impl Into<String>, reason: impl std::fmt::Display) -> Self {
        let field = field.into();
        Self {
            kind: "invalid_input",
            message: format!("invalid {field}: {reason}"),
            field: Some(field),
            code: None,
            code_name: None,
            http_status: None,
            outcome_unknown: false,
        }
    }

    /// A bug caught at a binding's boundary (a panic), said without its details.
    pub fn internal() -> Self {
        Self {
            kind: "internal",
            message: "internal error".to_owned(),
            field: None,
            code: None,
            code_name: None,
            http_status: None,
            outcome_unknown: false,
        }
    }

    /// This failure as JSON text.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| {
            r#"{"kind":"internal","message":"failure not serializable","outcome_unknown":false}"#
                .to_owned()
        })
    }

    fn of_kind(kind: &'static str, error: &Error) -> Self {
        Self {
            kind,
            message: error.chain(),
            field: None,
            code: None,
            code_name: None,
            http_status: None,
            outcome_unknown: error.is_outcome_unknown(),
        }
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Self::from(&error)
    }
}

impl From<&Error> for Failure {
    fn from(error: &Error) -> Self {
        match error {
            Error::InvalidInput { field, .. } => {
                Self { field: Some((*field).to_owned()), ..Self::of_kind("invalid_input", error) }
            }
            Error::Api(api) => Self {
                code: Some(api.code.code()),
                code_name: Some(api.code.name()),
                http_status: Some(api.http_status),
                ..Self::of_kind("api", error)
            },
            Error::NotEnvelope { status, .. } => {
                Self { http_status: Some(*status), ..Self::of_kind("not_envelope", error) }
            }
            Error::Transport { delivery, .. } => Self::of_kind(
                match delivery {
                    Delivery::NotSent => "transport_not_sent",
                    Delivery::MaybeSent => "transport",
                },
                error,
            ),
            Error::PayoutUnresolved { .. } => Self::of_kind("payout_unresolved", error),
            Error::Conflict(conflict) => Self {
                field: Some(conflict.field.as_str().to_owned()),
                ..Self::of_kind("conflict", error)
            },
            Error::Unverified(_) => Self::of_kind("unverified", error),
            Error::LimitReached { .. } => Self::of_kind("limit_reached", error),
            Error::OutOfTurn => Self::of_kind("out_of_turn", error),
            Error::UnexpectedData { .. } => Self::of_kind("unexpected_data", error),
            _ => Self::of_kind("other", error),
        }
    }
}

impl From<CallbackRejection> for Failure {
    fn from(rejection: CallbackRejection) -> Self {
        Self {
            kind: "callback_rejected",
            message: rejection.to_string(),
            field: None,
            code: None,
            code_name: None,
            http_status: None,
            outcome_unknown: false,
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}
