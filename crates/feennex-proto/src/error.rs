//! The one error type of the core.

use std::fmt;

use crate::error_code::ErrorCode;

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

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
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

    /// Whether the server may have acted on the request although no usable answer
    /// came back. For a create, this means: ask the status before sending again.
    pub fn is_outcome_unknown(&self) -> bool {
        match self {
            Error::NotEnvelope { .. } | Error::UnexpectedData { .. } => true,
            Error::Api(api) => api.code == ErrorCode::OperationIsProcessing,
            Error::InvalidInput { .. } => false,
        }
    }
}

/// The start of a body as text, for error messages.
pub(crate) fn snippet(body: &[u8]) -> String {
    let cut = body.len().min(SNIPPET_CHARS * 4);
    String::from_utf8_lossy(&body[..cut]).chars().take(SNIPPET_CHARS).collect()
}
