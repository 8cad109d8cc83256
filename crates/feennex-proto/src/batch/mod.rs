//! The pure rules of a batch of payouts, beside the exactly-once machine they
//! complete: what a row's last durable record means when a run resumes
//! ([`next_action`]), and how a row's payout ends ([`settle`]). Whether a payout
//! found under a row's id is the row's is the one rule of [`adoption`](crate::adoption).
//!
//! A batch library keeps the journal and drives the machines; these rules decide.
//!
//! ```
//! use feennex_proto::adoption::Ownership;
//! use feennex_proto::batch::{next_action, Action, IdOrigin, LastRecord};
//!
//! // An intent on disk without an outcome: the create may have left. Look it up
//! // first; the journal's own record proves a payout found is the row's.
//! assert_eq!(
//!     next_action(LastRecord::Intent, IdOrigin::Chosen),
//!     Action::LookUpFirst(Ownership::RecordedIntent)
//! );
//! // Nothing on disk, an id chosen by a person: only this run's create can prove.
//! assert_eq!(next_action(LastRecord::None, IdOrigin::Chosen), Action::Create(Ownership::Unproven));
//! ```

mod resume;
mod settle;

pub use resume::{Action, IdOrigin, LastRecord, next_action};
pub use settle::{Resolution, settle};
