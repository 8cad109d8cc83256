//! Building signed requests: the endpoint trait, the merchant configuration that
//! turns a typed request into an `http::Request`, and the body writer that signs as
//! it writes.

mod base_url;
mod body_buffer;
mod body_writer;
mod content_length;
mod endpoint_uris;
mod json_escape;
mod merchant;

use std::fmt;

use serde::de::DeserializeOwned;

pub use base_url::{BaseUrl, BaseUrlError};
pub use body_writer::BodyWriter;
pub use merchant::Merchant;

use crate::retry::CallKind;
use crate::types::ShopPaymentId;

/// Where the production API lives.
pub const DEFAULT_BASE_URL: &str = "https://core.feennex.com";

/// An API operation: its path, the fields it sends, and what its answer holds.
///
/// Implemented by one type per endpoint, such as [`TransferCreate`](crate::endpoints::TransferCreate).
pub trait Endpoint {
    /// The path below the base URL, such as `transfer/create`.
    const PATH: &'static str;

    /// The typed content of a successful answer's `data`.
    type Output: DeserializeOwned + fmt::Debug;

    /// Whether sending the request twice is harmless. Operations that create
    /// something keep the default, [`CallKind::Create`], and are never sent again
    /// blindly; reads and precalculations say [`CallKind::Idempotent`].
    const KIND: CallKind = CallKind::Create;

    /// Writes every field into the body. Signed fields must be written in
    /// ascending byte order of name (the order the server signs them in).
    fn write_fields(&self, body: &mut BodyWriter);

    /// The merchant's payout id, when the operation has one (for logs and
    /// reconciliation).
    fn shop_payment_id(&self) -> Option<&ShopPaymentId> {
        None
    }
}

/// An operation answered by one call: every endpoint but the payout creates, whose
/// outcome may be unknown and must be reconciled (send those with a client's
/// `payout`, which makes them exactly once). A client's `call` takes only these, so
/// a payout sent the unsafe way does not compile:
///
/// ```compile_fail
/// fn send<E: feennex_proto::endpoints::SingleCall>(_: &E) {}
/// # let create: feennex_proto::prelude::TransferCreate = todo!();
/// send(&create); // `TransferCreate` is not a `SingleCall`
/// ```
pub trait SingleCall: Endpoint {}
