//! Verifying a callback with the sender rule and the field rule stated by the
//! caller (both the core's), with a session's key or, for callers without a
//! session, a key given once; and checking it against the merchant's order.

use std::net::IpAddr;

use feennex_proto::callback::{
    CallbackPolicy, ExpectedOrder, Notification, SenderCheck, verify_callback_with,
};
use feennex_proto::{
    SecretKey, Session,
    prelude::{Currency, Decimal, ShopId, ShopOrderId},
};
use serde_json::Value;

use crate::failure::Failure;
use crate::params::Params;

/// A received callback, how to check its sender and which fields it may carry.
#[derive(Debug, Clone, Copy)]
pub struct CallbackInput<'a> {
    /// The raw body.
    pub body: &'a [u8],
    /// The `Content-Type` header.
    pub content_type: &'a str,
    /// The sender's address.
    pub remote_ip: &'a str,
    /// Who may send (see [`SenderCheck::from_rule`]).
    pub senders: SenderRule<'a>,
    /// Which fields the callback may carry.
    pub fields: FieldRule<'a>,
}

/// Who may send callbacks: the addresses, CIDR blocks or `FIRST-LAST` ranges of
/// `allow`, or anyone when `checked_upstream` states that a proxy in front
/// already checked. Exactly one of the two (the core's rule).
#[derive(Debug, Clone, Copy, Default)]
pub struct SenderRule<'a> {
    /// The allowed senders.
    pub allow: Option<&'a [String]>,
    /// Whether a proxy in front already refused other senders.
    pub checked_upstream: bool,
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

impl SenderRule<'_> {
    /// The core's sender check for this rule.
    pub fn check(&self) -> Result<SenderCheck, Failure> {
        SenderCheck::from_rule(self.allow.map(|list| list.iter()), self.checked_upstream)
            .map_err(|error| Failure::invalid(error.argument(), error))
    }
}

/// The rules and the sender's address, each refused with its argument named.
fn rules(input: &CallbackInput<'_>) -> Result<(IpAddr, SenderCheck, CallbackPolicy), Failure> {
    let senders = input.senders.check()?;
    let policy = input.fields.policy()?;
    let sender: IpAddr = input
        .remote_ip
        .trim()
        .parse()
        .map_err(|_| Failure::invalid("remote_ip", "it is not an IP address"))?;
    Ok((sender, senders, policy))
}

/// The verified callback when the sender is allowed, the signature matches the
/// session's key and the field set suits the rule; otherwise why not.
pub fn verify_with_session(
    session: &Session,
    input: CallbackInput<'_>,
) -> Result<Notification, Failure> {
    let (sender, senders, policy) = rules(&input)?;
    Ok(session.verify_callback(input.body, input.content_type, sender, &senders, &policy)?)
}

/// [`verify_with_session`] for a caller with a key and no session (an empty key is
/// refused by the core's key type).
pub fn verify_with_secret(input: CallbackInput<'_>, secret: &str) -> Result<Notification, Failure> {
    let (sender, senders, policy) = rules(&input)?;
    let key = SecretKey::try_new(secret).map_err(|error| Failure::invalid("secret", error))?;
    Ok(verify_callback_with(input.body, input.content_type, sender, &key, &senders, &policy)?)
}

/// A verified callback's fields by name, `null` for JSON nulls.
pub fn fields_json(notification: &Notification) -> Value {
    Value::Object(
        notification
            .fields()
            .iter()
            .map(|(name, value)| {
                (
                    name.clone(),
                    value.as_ref().map_or(Value::Null, |text| Value::String(text.clone())),
                )
            })
            .collect(),
    )
}

/// Checks a verified callback against the merchant's order, given as a JSON
/// object of `shop_id`, `shop_order_id`, `amount` (compared as a decimal:
/// `10.0` equals `10.00`) and `currency`; an `order_mismatch` failure names the
/// field that differs.
pub fn check_order(notification: &Notification, order: &Value) -> Result<(), Failure> {
    let p = Params::new(order).map_err(|_| Failure::invalid("order", "expected an object"))?;
    let shop_id = p.parse::<u64>("shop_id").and_then(|id| {
        ShopId::new(id).ok_or_else(|| Failure::invalid("shop_id", "it must be positive"))
    })?;
    let shop_order_id: ShopOrderId = p.parse("shop_order_id")?;
    let amount: Decimal = p.parse("amount")?;
    let currency: Currency = p.parse("currency")?;
    p.finish("the order")?;
    let expected = ExpectedOrder { shop_id, shop_order_id, amount, currency };
    notification.check_order(&expected).map_err(|mismatch| Failure::from(&mismatch))
}
