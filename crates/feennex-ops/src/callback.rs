//! Verifying a callback with the sender policy stated by the caller.

use std::net::IpAddr;

use feennex_proto::SecretKey;
use feennex_proto::callback::{CallbackPolicy, IpRange, SenderCheck, verify_callback_with};
use serde_json::Value;

use crate::failure::Failure;

/// A received callback, how to check its sender and which fields it may carry.
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
    /// Which fields the callback may carry.
    pub fields: FieldRule<'a>,
}

/// Which fields a verified callback may carry: by default the documented ones,
/// with those of a payment required; `allow_fields` adds names (such as a
/// payway's `phone`); `permissive` checks the signature only, for callers who
/// confirm the payment with the API before acting.
#[derive(Debug, Clone, Copy, Default)]
pub struct FieldRule<'a> {
    /// Names accepted besides the documented callback fields.
    pub allow_fields: &'a [String],
    /// Whether the field set is left unchecked.
    pub permissive: bool,
}

impl FieldRule<'_> {
    /// The core's policy for this rule; both given, or an empty name, is an
    /// `invalid_input` failure naming the argument at fault.
    pub fn policy(&self) -> Result<CallbackPolicy, Failure> {
        CallbackPolicy::from_rule(self.allow_fields.iter().map(String::as_str), self.permissive)
            .map_err(|error| Failure::invalid(error.argument(), error))
    }
}

/// The callback's fields (by name, `null` for JSON nulls) when the sender is
/// allowed, the signature matches and the field set suits the rule; otherwise
/// why not.
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
    let policy = input.fields.policy()?;
    if secret.is_empty() {
        return Err(Failure::invalid("secret", "it is empty"));
    }
    let notification = verify_callback_with(
        input.body,
        input.content_type,
        sender,
        &SecretKey::new(secret),
        &senders,
        &policy,
    )?;
    serde_json::to_value(notification.fields()).map_err(|error| Failure::invalid("body", error))
}
