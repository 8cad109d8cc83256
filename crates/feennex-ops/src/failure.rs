//! Every error of the core as one serializable value that a binding turns into its
//! language's exception, keeping what the core knows (the API's error code above
//! all). Which kind each error is, is decided here once.

use feennex_proto::Error;
use feennex_proto::callback::{CallbackRejection, OrderMismatch};
use feennex_proto::transport::Delivery;
use serde::Serialize;

use crate::kind::Kind;

/// Why an operation failed, as a binding shows it. Never holds the secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Failure {
    /// What kind of failure (see [`Kind`]).
    pub kind: Kind,
    /// The error and its causes, for people.
    pub message: String,
    /// The parameter at fault (`invalid_input`), or the field that differs
    /// (`order_mismatch`, `conflict`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The API's error code (`api`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<i64>,
    /// The documented name of that code, such as `OperationNotUnique`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code_name: Option<&'static str>,
    /// The server's own message (`api`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_message: Option<String>,
    /// The HTTP status of the answer, when there was one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    /// The start of a body that could not be read (`not_envelope`,
    /// `unexpected_data`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snippet: Option<String>,
    /// The operation whose answer could not be read (`unexpected_data`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<&'static str>,
    /// Which check refused a callback (`callback_rejected`): the core's stable
    /// reason, such as `bad_signature` or `sender_not_allowed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'static str>,
    /// What a callback says in the field that differs (`order_mismatch`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub received: Option<String>,
    /// The payout's id (`payout_unresolved`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shop_payment_id: Option<String>,
    /// Create requests that may have reached the server (`payout_unresolved`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub creates_sent: Option<u32>,
    /// Status lookups sent (`payout_unresolved`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_checks: Option<u32>,
    /// The last failure seen (`payout_unresolved`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_error: Option<Box<Failure>>,
    /// Whether the API said the id was taken before any create of this call
    /// could arrive (`payout_unresolved`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preexisting: Option<bool>,
    /// Feennex's id of the payout found under the id (`conflict`, `unverified`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payout_id: Option<u64>,
    /// What was asked, and what the payout found has, in the field that differs
    /// (`conflict`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub asked: Option<String>,
    /// See `asked`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub found: Option<String>,
    /// What was asked that the answer does not carry (`unverified`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_compared: Option<Vec<&'static str>>,
    /// The API's message when it refused a create of this call as not unique
    /// (`conflict`, `unverified`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_unique: Option<String>,
    /// Which limit was reached (`limit_reached`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<&'static str>,
    /// Whether the server may have acted although no usable answer came.
    pub outcome_unknown: bool,
}

impl Failure {
    /// A failure of `kind` saying `message`, with nothing else known.
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            field: None,
            code: None,
            code_name: None,
            server_message: None,
            http_status: None,
            snippet: None,
            endpoint: None,
            reason: None,
            received: None,
            shop_payment_id: None,
            creates_sent: None,
            status_checks: None,
            last_error: None,
            preexisting: None,
            payout_id: None,
            asked: None,
            found: None,
            not_compared: None,
            not_unique: None,
            limit: None,
            outcome_unknown: false,
        }
    }

    /// A parameter the binding could not read; nothing was built.
    pub fn invalid(field: impl Into<String>, reason: impl std::fmt::Display) -> Self {
        let field = field.into();
        let message = format!("invalid {field}: {reason}");
        Self { field: Some(field), ..Self::new(Kind::InvalidInput, message) }
    }

    /// A bug caught at a binding's boundary (a panic), said without its details.
    pub fn internal() -> Self {
        Self::new(Kind::Internal, "internal error")
    }

    /// This failure as JSON text.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| {
            r#"{"kind":"internal","message":"failure not serializable","outcome_unknown":false}"#
                .to_owned()
        })
    }

    fn of_kind(kind: Kind, error: &Error) -> Self {
        Self { outcome_unknown: error.is_outcome_unknown(), ..Self::new(kind, error.chain()) }
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
            Error::InvalidInput { field, .. } => Self {
                field: Some((*field).to_owned()),
                ..Self::of_kind(Kind::InvalidInput, error)
            },
            Error::Api(api) => Self {
                code: Some(api.code.code()),
                code_name: Some(api.code.name()),
                server_message: Some(api.message.clone()),
                http_status: Some(api.http_status),
                ..Self::of_kind(Kind::Api, error)
            },
            Error::NotEnvelope { status, snippet, .. } => Self {
                http_status: Some(*status),
                snippet: Some(snippet.clone()),
                ..Self::of_kind(Kind::NotEnvelope, error)
            },
            Error::Transport { delivery, .. } => Self::of_kind(
                match delivery {
                    Delivery::NotSent => Kind::TransportNotSent,
                    Delivery::MaybeSent => Kind::Transport,
                },
                error,
            ),
            Error::PayoutUnresolved {
                shop_payment_id,
                creates_sent,
                status_checks,
                preexisting,
                last_error,
            } => Self {
                shop_payment_id: Some(shop_payment_id.clone()),
                creates_sent: Some(*creates_sent),
                status_checks: Some(*status_checks),
                preexisting: Some(*preexisting),
                last_error: Some(Box::new(Self::from(last_error.as_ref()))),
                ..Self::of_kind(Kind::PayoutUnresolved, error)
            },
            Error::Conflict(conflict) => Self {
                field: Some(conflict.field.as_str().to_owned()),
                payout_id: Some(conflict.payout_id),
                shop_payment_id: Some(conflict.shop_payment_id.clone()),
                asked: Some(conflict.asked.clone()),
                found: Some(conflict.found.clone()),
                not_unique: conflict.not_unique.clone(),
                ..Self::of_kind(Kind::Conflict, error)
            },
            Error::Unverified(unverified) => Self {
                payout_id: Some(unverified.payout_id),
                shop_payment_id: Some(unverified.shop_payment_id.clone()),
                not_compared: Some(unverified.not_compared.clone()),
                not_unique: unverified.not_unique.clone(),
                ..Self::of_kind(Kind::Unverified, error)
            },
            Error::LimitReached { limit } => {
                Self { limit: Some(limit), ..Self::of_kind(Kind::LimitReached, error) }
            }
            Error::OutOfTurn => Self::of_kind(Kind::OutOfTurn, error),
            Error::UnexpectedData { endpoint, snippet, .. } => Self {
                endpoint: Some(endpoint),
                snippet: Some(snippet.clone()),
                ..Self::of_kind(Kind::UnexpectedData, error)
            },
            _ => Self::of_kind(Kind::Internal, error),
        }
    }
}

impl From<CallbackRejection> for Failure {
    fn from(rejection: CallbackRejection) -> Self {
        Self {
            reason: Some(rejection.reason()),
            ..Self::new(Kind::CallbackRejected, rejection.to_string())
        }
    }
}

impl From<&OrderMismatch> for Failure {
    /// A verified callback that is not for the order: the field that differs and
    /// what the callback says in it.
    fn from(mismatch: &OrderMismatch) -> Self {
        let (field, received) = match mismatch {
            OrderMismatch::ShopId { received, .. } => ("shop_id", received.clone()),
            OrderMismatch::ShopOrderId { received, .. } => ("shop_order_id", received.clone()),
            OrderMismatch::Amount { received, .. } => ("shop_amount", received.clone()),
            OrderMismatch::Currency { received, .. } => ("shop_currency", received.clone()),
            _ => ("order", None),
        };
        Self {
            field: Some(field.to_owned()),
            received,
            ..Self::new(Kind::OrderMismatch, mismatch.to_string())
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}
