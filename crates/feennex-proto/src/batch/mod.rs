//! The pure rules of a batch of payouts, beside the exactly-once machine they
//! complete: what a row asks ([`RowIntent`]), what its last durable record means
//! when a run resumes ([`next_action`]), and whether a payout that was found
//! matches the row ([`RowIntent::check`], [`settle`]).
//!
//! A batch library keeps the journal and drives the machines; these rules decide.
//!
//! ```
//! use feennex_proto::batch::{next_action, Action, LastRecord, RowIntent};
//! use feennex_proto::*;
//!
//! let create = TransferCreate::new(
//!     "100".parse()?, TransferAmountType::ReceiveAmount, "201234567890".parse()?,
//!     Currency::USD, Currency::USD, ShopPaymentId::new("salary-alice")?,
//! );
//! let intent = RowIntent::transfer(&create);
//! // An intent on disk without an outcome: the create may have left. Look it up first.
//! assert_eq!(next_action(LastRecord::Intent), Action::LookUpFirst);
//! assert_eq!(intent.shop_payment_id(), "salary-alice");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod adoption;
mod intent;
mod resume;

pub use adoption::{Conflict, ConflictField, Resolution, Seen, SeenPayout, settle};
pub use intent::RowIntent;
pub use resume::{Action, LastRecord, next_action};
