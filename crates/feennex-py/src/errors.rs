//! The core's errors as the exceptions of `feennex.errors`, each carrying what the
//! core knows as attributes (the API's error code above all). No error holds the
//! secret key: the core's errors never contain it.

use std::fmt::Display;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use feennex_proto::Error;
use feennex_proto::callback::CallbackRejection;
use feennex_proto::transport::Delivery;

/// An instance of `feennex.errors.<class>` with `message` and the given
/// attributes.
fn exception<'py>(
    py: Python<'py>,
    class: &str,
    message: &str,
    details: &Bound<'py, PyDict>,
) -> PyResult<Bound<'py, PyAny>> {
    let class = py.import("feennex.errors")?.getattr(class)?;
    class.call((message,), Some(details))
}

/// A `PyErr` raising `feennex.errors.<class>`.
fn raise(py: Python<'_>, class: &str, message: &str, details: &Bound<'_, PyDict>) -> PyErr {
    match exception(py, class, message, details) {
        Ok(instance) => PyErr::from_value(instance),
        Err(error) => error,
    }
}

fn details<'py>(py: Python<'py>, pairs: &[(&str, Bound<'py, PyAny>)]) -> Bound<'py, PyDict> {
    let dict = PyDict::new(py);
    for (name, value) in pairs {
        // Setting a str key on a new dict cannot fail.
        let _ = dict.set_item(*name, value);
    }
    dict
}

fn object<'py, T>(py: Python<'py>, value: T) -> Bound<'py, PyAny>
where
    T: IntoPyObject<'py>,
{
    use pyo3::IntoPyObjectExt;
    value.into_bound_py_any(py).unwrap_or_else(|_| py.None().into_bound(py))
}

/// `feennex.InvalidValue`: a request value was refused; nothing was built.
pub fn invalid(py: Python<'_>, field: &str, reason: impl Display) -> PyErr {
    let reason = reason.to_string();
    let message = format!("invalid {field}: {reason}");
    let details = details(py, &[("field", object(py, field)), ("reason", object(py, &reason))]);
    raise(py, "InvalidValue", &message, &details)
}

fn delivery_name(delivery: Delivery) -> &'static str {
    match delivery {
        Delivery::NotSent => "not_sent",
        Delivery::MaybeSent => "maybe_sent",
    }
}

/// The exception instance of a core error.
fn instance<'py>(py: Python<'py>, error: &Error) -> PyResult<Bound<'py, PyAny>> {
    let message = error.chain();
    let unknown = ("outcome_unknown", object(py, error.is_outcome_unknown()));
    let (class, pairs) = match error {
        Error::InvalidInput { field, reason } => (
            "InvalidValue",
            vec![("field", object(py, *field)), ("reason", object(py, reason.to_string()))],
        ),
        Error::Api(api) => (
            "ApiError",
            vec![
                ("code", object(py, api.code.code())),
                ("name", object(py, api.code.name())),
                ("server_message", object(py, &api.message)),
                ("http_status", object(py, api.http_status)),
            ],
        ),
        Error::NotEnvelope { status, reason, snippet } => (
            "NotEnvelope",
            vec![
                ("status", object(py, *status)),
                ("reason", object(py, reason)),
                ("snippet", object(py, snippet)),
            ],
        ),
        Error::UnexpectedData { endpoint, reason, snippet } => (
            "UnexpectedData",
            vec![
                ("endpoint", object(py, *endpoint)),
                ("reason", object(py, reason)),
                ("snippet", object(py, snippet)),
            ],
        ),
        Error::Transport { delivery, .. } => {
            ("TransportError", vec![("delivery", object(py, delivery_name(*delivery)))])
        }
        Error::PayoutUnresolved {
            shop_payment_id,
            creates_sent,
            status_checks,
            preexisting,
            last_error,
        } => (
            "PayoutUnresolved",
            vec![
                ("shop_payment_id", object(py, shop_payment_id)),
                ("creates_sent", object(py, *creates_sent)),
                ("status_checks", object(py, *status_checks)),
                ("preexisting", object(py, *preexisting)),
                ("last_error", instance(py, last_error)?),
            ],
        ),
        Error::Conflict(conflict) => (
            "Conflict",
            vec![
                ("payout_id", object(py, conflict.payout_id)),
                ("shop_payment_id", object(py, &conflict.shop_payment_id)),
                ("field", object(py, conflict.field.as_str())),
                ("asked", object(py, &conflict.asked)),
                ("found", object(py, &conflict.found)),
                ("not_unique", object(py, conflict.not_unique.as_deref())),
            ],
        ),
        Error::Unverified(unverified) => (
            "Unverified",
            vec![
                ("payout_id", object(py, unverified.payout_id)),
                ("shop_payment_id", object(py, &unverified.shop_payment_id)),
                ("not_compared", object(py, unverified.not_compared.clone())),
                ("not_unique", object(py, unverified.not_unique.as_deref())),
            ],
        ),
        Error::LimitReached { limit } => ("LimitReached", vec![("limit", object(py, *limit))]),
        Error::OutOfTurn => ("OutOfTurn", Vec::new()),
        other => ("FeennexError", vec![("detail", object(py, other.to_string()))]),
    };
    let mut pairs = pairs;
    pairs.push(unknown);
    exception(py, class, &message, &details(py, &pairs))
}

/// The `PyErr` of a core error.
pub fn from_core(py: Python<'_>, error: &Error) -> PyErr {
    match instance(py, error) {
        Ok(instance) => PyErr::from_value(instance),
        Err(failure) => PyRuntimeError::new_err(format!("{}: {failure}", error.chain())),
    }
}

/// `feennex.CallbackRejected`, with `reason` one of `sender_not_allowed`,
/// `unsupported_content_type`, `malformed_body`, `missing_sign`, `bad_signature`.
pub fn rejection(py: Python<'_>, rejection: &CallbackRejection) -> PyErr {
    let reason = match rejection {
        CallbackRejection::SenderNotAllowed { .. } => "sender_not_allowed",
        CallbackRejection::UnsupportedContentType { .. } => "unsupported_content_type",
        CallbackRejection::MalformedBody { .. } => "malformed_body",
        CallbackRejection::MissingSign => "missing_sign",
        CallbackRejection::BadSignature => "bad_signature",
        CallbackRejection::UnexpectedField { .. } => "unexpected_field",
        CallbackRejection::MissingField { .. } => "missing_field",
        CallbackRejection::MalformedField { .. } => "malformed_field",
        _ => "rejected",
    };
    let details = details(py, &[("reason", object(py, reason))]);
    raise(py, "CallbackRejected", &rejection.to_string(), &details)
}

/// `feennex.OrderMismatch`: a verified callback is not for the merchant's order.
pub fn mismatch(
    py: Python<'_>,
    mismatch: &feennex_proto::callback::OrderMismatch,
    field: &str,
    received: Option<&str>,
) -> PyErr {
    let details = details(py, &[("field", object(py, field)), ("received", object(py, received))]);
    raise(py, "OrderMismatch", &mismatch.to_string(), &details)
}
