//! The values that cross to a binding: a signed request to send and a parsed
//! answer as JSON. Both the operations and the machines hand these out.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::failure::Failure;
use crate::kind::Kind;

/// A signed request as a binding sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestView {
    /// Always `POST`.
    pub method: String,
    /// The full URL.
    pub url: String,
    /// The headers, by lowercase name.
    pub headers: BTreeMap<String, String>,
    /// The JSON body, signed.
    pub body: String,
}

impl RequestView {
    /// The view of a request the core built.
    pub fn of(request: &feennex_proto::transport::Request) -> Self {
        Self {
            method: request.method().as_str().to_owned(),
            url: request.uri().to_string(),
            headers: request
                .headers()
                .iter()
                .map(|(name, value)| {
                    (
                        name.as_str().to_owned(),
                        String::from_utf8_lossy(value.as_bytes()).into_owned(),
                    )
                })
                .collect(),
            body: String::from_utf8_lossy(request.body()).into_owned(),
        }
    }
}

/// A parsed answer as JSON.
pub(crate) fn to_json<T: Serialize>(value: &T) -> Result<Value, Failure> {
    serde_json::to_value(value).map_err(|error| {
        Failure::new(Kind::UnexpectedData, format!("the answer cannot be shown as JSON: {error}"))
    })
}
