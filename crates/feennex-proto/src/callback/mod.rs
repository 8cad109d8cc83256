//! Callbacks: the notifications Feennex sends when a payment reaches a final
//! status. Verifying one is a pure function of the received bytes, the sender's
//! address and the shop's key.
//!
//! ```
//! use feennex_proto::callback::*;
//! use feennex_proto::prelude::*;
//!
//! let secret = SecretKey::new("SecretKey01");
//! let body = b"payment_id=9001&shop_id=6&shop_order_id=101&shop_amount=10.00&shop_currency=840\
//!     &status=success&sign=d458dce00d48c69c60a1decc94bff2ead971643270700377d33623357fa42db8";
//! let senders = SenderCheck::AllowList(vec!["87.98.145.206".parse()?]);
//! let notification = verify_callback(
//!     body,
//!     "application/x-www-form-urlencoded",
//!     "87.98.145.206".parse()?,
//!     &secret,
//!     &senders,
//! )?;
//! notification.check_order(&ExpectedOrder {
//!     shop_id: ShopId::new(6).unwrap(),
//!     shop_order_id: ShopOrderId::new("101")?,
//!     amount: "10".parse()?,
//!     currency: Currency::USD,
//! })?;
//! assert_eq!(notification.status(), Some(CallbackStatus::Success));
//! // Before acting, ask the API: send this lookup, then compare its answer with
//! // `notification.confirm(shop_id, &bill)` (the clients' `confirm_callback` does both).
//! let lookup = notification.confirmation_lookup(std::time::SystemTime::now())?;
//! assert_eq!(lookup.shop_order_id.as_str(), "101");
//! // Reply with HTTP 200 and this body, or Feennex sends the callback again.
//! assert_eq!(CALLBACK_REPLY_OK, "OK");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod body;
mod confirm;
mod fields;
mod notification;
mod policy;
mod replay;
mod said;
mod sender;

use std::net::IpAddr;

pub use confirm::{ConfirmError, Confirmation, ConfirmationMismatch};
pub use notification::{CallbackStatus, ExpectedOrder, Notification, OrderMismatch};
pub use policy::{CallbackPolicy, FieldRuleError, KNOWN_CALLBACK_FIELDS, REQUIRED_CALLBACK_FIELDS};
pub use replay::{CallbackDelivery, DeliveryKey, ReplayGuard};
pub use sender::{IpRange, IpRangeError, SenderCheck, SenderRuleError};

use crate::secret::SecretKey;
use crate::sign::sign;

/// The body Feennex expects in the reply (with HTTP 200) to a callback it should
/// not send again.
pub const CALLBACK_REPLY_OK: &str = "OK";

/// Why a callback was refused. None of the variants holds the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CallbackRejection {
    /// The sender's address is not on the allow list.
    #[error("the sender {ip} is not on the allow list")]
    SenderNotAllowed {
        /// The sender's address.
        ip: IpAddr,
    },
    /// The body is neither form-encoded nor JSON.
    #[error(
        "unsupported content type {content_type:?} (expected application/x-www-form-urlencoded or application/json)"
    )]
    UnsupportedContentType {
        /// The content type received, cut at 100 characters.
        content_type: String,
    },
    /// The body cannot be read as fields.
    #[error("malformed body: {reason}")]
    MalformedBody {
        /// What is wrong with it.
        reason: String,
    },
    /// There is no `sign` field, or it is empty.
    #[error("the callback has no sign field")]
    MissingSign,
    /// The signature does not match the fields: forged, altered, or signed with
    /// another shop's key.
    #[error("bad signature: the sign field does not match the received fields")]
    BadSignature,
    /// A correctly signed callback carries a field the strict policy does not know:
    /// possibly a re-split of another signed callback (see [`CallbackPolicy`]).
    #[error("unexpected field {name:?}: not a known callback field (allow it explicitly)")]
    UnexpectedField {
        /// The field's name, cut at 64 characters.
        name: String,
    },
    /// A correctly signed callback lacks a field every payment callback carries,
    /// or has it empty.
    #[error("the field {name} is missing or empty")]
    MissingField {
        /// The field's name.
        name: String,
    },
    /// A correctly signed callback has a known field whose value is not of its
    /// type, such as a `shop_amount` that is not a number or a `user_ip` that is
    /// not an address: possibly a re-split onto known names.
    #[error("the field {name} is malformed: it must be {}", fields::shape_of(.name))]
    MalformedField {
        /// The field's name.
        name: String,
    },
}

impl CallbackRejection {
    /// A stable name of the reason, the same in every language's binding:
    /// `sender_not_allowed`, `unsupported_content_type`, `malformed_body`,
    /// `missing_sign`, `bad_signature`, `unexpected_field`, `missing_field` or
    /// `malformed_field`.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::SenderNotAllowed { .. } => "sender_not_allowed",
            Self::UnsupportedContentType { .. } => "unsupported_content_type",
            Self::MalformedBody { .. } => "malformed_body",
            Self::MissingSign => "missing_sign",
            Self::BadSignature => "bad_signature",
            Self::UnexpectedField { .. } => "unexpected_field",
            Self::MissingField { .. } => "missing_field",
            Self::MalformedField { .. } => "malformed_field",
        }
    }
}

/// Verifies a callback and reads it into a [`Notification`].
///
/// In order: the sender must be allowed by `senders`; the body must be a form
/// (`application/x-www-form-urlencoded`, any `charset` parameter, UTF-8) or a JSON
/// object with no repeated names; and `sign` must match every other field whose
/// value is neither empty nor `null`, taken by name in byte order, with the text
/// as received (form values percent-decoded, JSON strings unescaped, other JSON
/// values as their raw text). The comparison takes constant time.
///
/// Then the set of fields must suit the strict [`CallbackPolicy`] (the default):
/// known names only, the fields of a payment present. Use [`verify_callback_with`]
/// to allow more names or to be permissive.
///
/// What is paid for is not checked here: see [`Notification::check_order`] and,
/// to ask the API, [`Notification::confirmation_lookup`].
pub fn verify_callback(
    body: &[u8],
    content_type: &str,
    sender: IpAddr,
    secret: &SecretKey,
    senders: &SenderCheck,
) -> Result<Notification, CallbackRejection> {
    verify_callback_with(body, content_type, sender, secret, senders, &CallbackPolicy::default())
}

/// [`verify_callback`] with a chosen [`CallbackPolicy`] for the field set, checked
/// after the signature.
pub fn verify_callback_with(
    body: &[u8],
    content_type: &str,
    sender: IpAddr,
    secret: &SecretKey,
    senders: &SenderCheck,
    policy: &CallbackPolicy,
) -> Result<Notification, CallbackRejection> {
    if !senders.allows(sender) {
        return Err(CallbackRejection::SenderNotAllowed { ip: sender });
    }
    let fields = body::fields(body, content_type)?;
    let received = match fields.get("sign") {
        Some(Some(sign)) if !sign.is_empty() => sign.as_str(),
        _ => return Err(CallbackRejection::MissingSign),
    };
    let signed: Vec<(&str, &str)> = fields
        .iter()
        .filter(|(name, _)| name.as_str() != "sign")
        .filter_map(|(name, value)| match value.as_deref() {
            Some(text) if !text.is_empty() => Some((name.as_str(), text)),
            _ => None,
        })
        .collect();
    if !sign(&signed, secret).matches(received) {
        return Err(CallbackRejection::BadSignature);
    }
    policy.check(&fields)?;
    Ok(Notification::new(fields))
}
