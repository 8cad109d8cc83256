//! Verifying a callback with the sender policy stated by the caller.

use std::net::IpAddr;

use feennex_proto::SecretKey;
use feennex_proto::callback::{IpRange, SenderCheck};
use serde_json::Value;

use crate::failure::Failure;

/// A received callback and how to check its sender.
#[derive(Debug, Clone, Copy)]
pub struct CallbackInput<'a> {
    /// The raw body.
    pub body: &'a [u8],
    /// The `Content-Type` header.
    pub content_type: &'a str,
    /// The sender's address.
    pub remote_ip: &'a str,
    /// Addresses, CIDR blocks or `FIRST-LAST` ranges allowed to send; `None` states
    /// that a proxy in front already checked the sender.
    pub allow: Option<&'a [String]>,
}

/// The callback's fields (by name, `null` for JSON nulls) when the sender is
/// allowed and the signature matches; otherwise why not.
pub fn verify_callback(input: CallbackInput<'_>, secret: &str) -> Result<Value, Failure> {
    let sender: IpAddr =
        input.remote_ip.parse().map_err(|error| Failure::invalid("remote_ip", error))?;
    let senders = match input.allow {
        None => SenderCheck::CheckedUpstream,
        Some(ranges) => SenderCheck::AllowList(
            ranges
                .iter()
                .map(|range| range.parse::<IpRange>())
                .collect::<Result<_, _>>()
                .map_err(|error| Failure::invalid("allow", error))?,
        ),
    };
    if secret.is_empty() {
        return Err(Failure::invalid("secret", "it is empty"));
    }
    let notification = feennex_proto::callback::verify_callback(
        input.body,
        input.content_type,
        sender,
        &SecretKey::new(secret),
        &senders,
    )?;
    serde_json::to_value(notification.fields()).map_err(|error| Failure::invalid("body", error))
}
