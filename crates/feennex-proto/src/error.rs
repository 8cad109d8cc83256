//! The one error type of the core.

use std::fmt;

use crate::adoption::NotAdopted;
pub use crate::adoption::{Conflict, Unverified};
pub use crate::error_code::{ErrorCode, UnknownCode};
use crate::transport::{Delivery, TransportError};

/// Longest piece of an unexpected body kept in an error, in characters.
pub(crate) const SNIPPET_CHARS: usize = 200;

/// Everything that can go wrong when building a request or reading an answer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A request value is invalid; nothing was built.
    #[error("invalid {field}: {reason}")]
    InvalidInput {
        /// The API field, such as `amount`.
        field: &'static str,
        /// Why it was refused.
        reason: Box<dyn std::error::Error + Send + Sync>,
    },
    /// Feennex answered with an error envelope.
    #[error("Feennex error {}: {}", .0.code, .0.message)]
    Api(ApiError),
    /// The answer is not a Feennex envelope (a proxy's error page, an empty or cut
    /// body): the outcome of the call is unknown.
    #[error(
        "HTTP {status}: the answer is not a Feennex envelope ({reason}); it begins {snippet:?}"
    )]
    NotEnvelope {
        /// The HTTP status.
        status: u16,
        /// What was wrong with it.
        reason: String,
        /// The start of the body, cut at 200 characters, invalid UTF-8 replaced.
        snippet: String,
    },
    /// The HTTP stack failed; its own error is the `source()` (printed by whoever
    /// prints the chain, not repeated here).
    #[error("{}", match delivery {
        Delivery::NotSent => "the request was not sent",
        Delivery::MaybeSent => "the request may have been sent, but no answer came",
    })]
    Transport {
        /// Whether the request could have reached the server.
        delivery: Delivery,
        /// The transport's own error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A payout whose outcome could not be established within the limits: it may or
    /// may not have been made. Ask its status later with the same `shop_payment_id`
    /// (resuming it only if your own records show the id is yours); never create it
    /// with a new id.
    #[error(
        "the outcome of payout {shop_payment_id:?} is unknown after {creates_sent} create(s) and {status_checks} status check(s)"
    )]
    PayoutUnresolved {
        /// The payout's id.
        shop_payment_id: String,
        /// How many create requests may have reached the server.
        creates_sent: u32,
        /// How many status lookups were sent.
        status_checks: u32,
        /// The API said the id was taken before any create of this call could
        /// arrive: whatever the id holds, this call did not make it.
        preexisting: bool,
        /// The last failure seen.
        #[source]
        last_error: Box<Error>,
    },
    /// A payout exists under the request's `shop_payment_id` but differs from
    /// what was asked: nothing was paid for this request. See
    /// [`adoption`](crate::adoption).
    #[error(transparent)]
    Conflict(Conflict),
    /// A payout under the request's `shop_payment_id` matches what its answer
    /// carries, but it existed before this call and nothing shows it was made for
    /// this request: not success. Resume only if your own records show the id is
    /// yours with these details. See [`adoption`](crate::adoption).
    #[error(transparent)]
    Unverified(Unverified),
    /// A call or payout gave up because a limit of its policy was reached before any
    /// answer could be used (the last failure, when there was one, is reported
    /// instead).
    #[error("gave up: the limit of {limit} was reached")]
    LimitReached {
        /// Which limit: `creates`, `status checks` or `time`.
        limit: &'static str,
    },
    /// A machine was polled while its request was out, or after it had ended: the
    /// driver does not follow the run loop.
    #[error("the machine was polled out of turn (a request is out, or it has ended)")]
    OutOfTurn,
    /// A successful envelope whose `data` does not have the documented shape.
    #[error("{endpoint}: the answer's data does not have the expected shape: {reason}")]
    UnexpectedData {
        /// The endpoint path, such as `transfer/create`.
        endpoint: &'static str,
        /// What was wrong with it.
        reason: String,
        /// The start of `data`, cut at 200 characters.
        snippet: String,
    },
}

/// An error answered by Feennex in its envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiError {
    /// The typed error code.
    pub code: ErrorCode,
    /// The server's message.
    pub message: String,
    /// The HTTP status the envelope came with (usually 200, sometimes 400).
    pub http_status: u16,
}

impl ApiError {
    /// Whether the server refused the request's signature (error 10, "Invalid
    /// sign"): the shop's secret key is wrong, so every later request will be
    /// refused too.
    pub fn is_bad_signature(&self) -> bool {
        self.code == ErrorCode::IncorrectRequestParam && self.message.starts_with("Invalid sign")
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl From<NotAdopted> for Error {
    fn from(refused: NotAdopted) -> Self {
        match refused {
            NotAdopted::Conflict(conflict) => Error::Conflict(conflict),
            NotAdopted::Unverified(unverified) => Error::Unverified(unverified),
        }
    }
}

impl Error {
    pub(crate) fn invalid(
        field: &'static str,
        reason: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Error::InvalidInput { field, reason: Box::new(reason) }
    }

    /// The API error code, when Feennex answered with one.
    pub fn api_code(&self) -> Option<ErrorCode> {
        match self {
            Error::Api(api) => Some(api.code),
            _ => None,
        }
    }

    /// The API's refusal of the request's signature, if this error is one or ends
    /// in one (a payout whose lookups were refused): the shop's secret key is wrong.
    pub fn bad_signature(&self) -> Option<&ApiError> {
        match self {
            Error::Api(api) if api.is_bad_signature() => Some(api),
            Error::PayoutUnresolved { last_error, .. } => last_error.bad_signature(),
            _ => None,
        }
    }

    /// Whether the server may have acted on the request although no usable answer
    /// came back. For a create, this means: ask the status before sending again.
    pub fn is_outcome_unknown(&self) -> bool {
        match self {
            Error::NotEnvelope { .. }
            | Error::UnexpectedData { .. }
            | Error::PayoutUnresolved { .. } => true,
            Error::Transport { delivery, .. } => *delivery == Delivery::MaybeSent,
            Error::Api(api) => api.code == ErrorCode::OperationIsProcessing,
            Error::InvalidInput { .. }
            | Error::LimitReached { .. }
            | Error::OutOfTurn
            | Error::Conflict(_)
            | Error::Unverified(_) => false,
        }
    }
}

impl Error {
    /// This error and its causes, each once, joined by `: ` (what a log line or a
    /// command-line message shows).
    pub fn chain(&self) -> String {
        chain_of(self)
    }

    /// Wraps a transport's own error, keeping whether the request was sent.
    pub fn transport(error: impl TransportError) -> Self {
        Error::Transport { delivery: error.delivery(), source: Box::new(error) }
    }
}

/// Any error and its causes, each once, joined by `: `.
pub fn chain_of(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(next) = cause {
        text.push_str(": ");
        text.push_str(&next.to_string());
        cause = next.source();
    }
    text
}

/// Longest explanation kept in an error, in characters: parser messages quote the
/// offending value, which a hostile answer can make as long as it likes.
pub(crate) const REASON_CHARS: usize = 300;

/// A parser's explanation, cut at [`REASON_CHARS`] characters.
pub(crate) fn bounded_reason(reason: impl std::fmt::Display) -> String {
    let text = reason.to_string();
    if text.chars().count() <= REASON_CHARS {
        return text;
    }
    let mut cut: String = text.chars().take(REASON_CHARS).collect();
    cut.push('…');
    cut
}

/// The start of a body as text, for error messages.
pub(crate) fn snippet(body: &[u8]) -> String {
    let cut = body.len().min(SNIPPET_CHARS * 4);
    String::from_utf8_lossy(&body[..cut]).chars().take(SNIPPET_CHARS).collect()
}
