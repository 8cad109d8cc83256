//! Adoption: whether a payout found under a `shop_payment_id` is the one a request
//! asked for. One rule, used by every door (a client's payout and resume, a batch
//! on either store, the command line, every binding):
//!
//! a payout found under the id (after "not unique", an unknown outcome, or a
//! resume) is this request's only when
//! - every fact its answer carries equals what was asked ([`PayoutIntent::check`]:
//!   the amount as its amount type defines it, the currencies, the payee where the
//!   answer carries it), **and**
//! - ownership is shown: a create of this very call may have made it, or the
//!   caller shows it ([`Ownership`]: its recorded intent, an id that commits to the
//!   content, or an explicit resume).
//!
//! Otherwise it is not success: a fact that differs is a [`Conflict`], facts that
//! match without ownership shown are [`Unverified`].
//!
//! ```
//! use feennex_proto::adoption::{NotAdopted, Ownership, PayoutIntent, Seen};
//! use feennex_proto::endpoints::TransferPayout;
//! use feennex_proto::prelude::*;
//!
//! let create = TransferCreate::builder()
//!     .amount("10".parse()?)
//!     .payee_account(PayeeAccount::new("201111111111")?)
//!     .payee_currency(Currency::USD)
//!     .shop_currency(Currency::USD)
//!     .shop_payment_id(ShopPaymentId::new("dup-1")?)
//!     .build();
//! let intent = PayoutIntent::transfer(&create);
//! // What the status lookup says of the payout that holds "dup-1": it carries no payee.
//! let found: TransferPayout = serde_json::from_str(r#"{"id": 7, "shop_payment_id": "dup-1",
//!     "receive_amount": 10, "payee_currency": 840, "shop_currency": 840, "write_off_amount": 10.7}"#)?;
//! // Made before this request, with nothing to show it is its own: unverified.
//! let refused = intent.adopt(&found.seen(), false, Ownership::Unproven).unwrap_err();
//! assert!(matches!(refused, NotAdopted::Unverified(ref u) if u.not_compared == ["payee_account"]));
//! // The caller's journal recorded this intent before its create: adopted.
//! assert!(intent.adopt(&found.seen(), false, Ownership::RecordedIntent).is_ok());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod intent;
mod seen;
mod verdict;

pub use intent::PayoutIntent;
pub use seen::{Seen, SeenPayout};
pub use verdict::{Conflict, ConflictField, NotAdopted, Ownership, Unverified};
