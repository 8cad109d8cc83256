//! What a row's last durable record means when a run starts or resumes.

use crate::adoption::Ownership;
use crate::exchange::Start;

/// The last thing a journal durably says about a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LastRecord {
    /// Nothing: the row was never started.
    None,
    /// Its intent was written before a create; no outcome followed (a crash, a
    /// `kill -9`): the create may have reached the server.
    Intent,
    /// Paid, by this batch or before it.
    Paid,
    /// Refused by the API: nothing was paid by that attempt.
    Failed,
    /// The outcome could not be established.
    Unknown,
    /// The outcome could not be established, and the API had said the id was
    /// taken before any create of the batch could arrive: the record proves
    /// nothing about what the id holds.
    UnknownIdTaken,
    /// A payout exists under the row's id but does not match the row.
    Conflict,
    /// A payout under the row's id matches what its answer carries, but nothing
    /// shows it was made for the row.
    Unverified,
}

/// Where a row's `shop_payment_id` comes from, which decides whether the id itself
/// proves that a payout under it pays this row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IdOrigin {
    /// Derived from a hash of the batch's content: a payout under it was made for
    /// this very content ([`Ownership::ContentId`]).
    Content,
    /// Written in the file, or derived from a batch id a person chose: it commits
    /// to nothing.
    Chosen,
}

/// What to do with a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Action {
    /// Write the intent durably, then create; a payout found under the id is the
    /// row's when this proves it (or this run's create may have made it).
    Create(Ownership),
    /// Look the payout up by its id, create only after "not found"; a payout found
    /// is the row's when this proves it.
    LookUpFirst(Ownership),
    /// Nothing: the row is settled (paid), or needs a person (conflict, unverified).
    Done,
}

impl Action {
    /// How the exactly-once machine starts for this action, if it runs at all.
    pub fn start(self) -> Option<Start> {
        match self {
            Action::Create(ownership) => Some(Start::Create(ownership)),
            Action::LookUpFirst(ownership) => Some(Start::LookUp(ownership)),
            Action::Done => None,
        }
    }
}

/// The next action for a row whose last durable record is `last` and whose id has
/// this `origin`.
///
/// A row that any earlier run may have sent is never created blindly: an intent
/// without an outcome, an unknown outcome and a refusal (which may have followed
/// a create of unknown outcome) are all looked up first, and the recorded intent
/// proves a payout found is the row's. A conflict or an unverified payout stays so
/// until a person settles it: deciding that a payout is the row's, or paying the
/// row under another id, is theirs to do.
pub fn next_action(last: LastRecord, origin: IdOrigin) -> Action {
    let by_id = match origin {
        IdOrigin::Content => Ownership::ContentId,
        IdOrigin::Chosen => Ownership::Unproven,
    };
    match last {
        LastRecord::None => Action::Create(by_id),
        LastRecord::UnknownIdTaken => Action::LookUpFirst(by_id),
        LastRecord::Intent | LastRecord::Unknown | LastRecord::Failed => {
            Action::LookUpFirst(Ownership::RecordedIntent)
        }
        LastRecord::Paid | LastRecord::Conflict | LastRecord::Unverified => Action::Done,
    }
}
