//! What a row's last durable record means when a run starts or resumes.

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
    /// A payout exists under the row's id but does not match the row.
    Conflict,
}

/// What to do with a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Action {
    /// Write the intent durably, then create.
    Create,
    /// Look the payout up by its id; create only after "not found".
    LookUpFirst,
    /// Nothing: the row is settled (paid), or needs a person (conflict).
    Done,
}

/// The next action for a row whose last durable record is `last`.
///
/// A row that any earlier run may have sent is never created blindly: an intent
/// without an outcome, an unknown outcome and a refusal (which may have followed
/// a create of unknown outcome) are all looked up first. A conflict stays one until
/// a person settles it: paying the row under another id is their decision.
pub fn next_action(last: LastRecord) -> Action {
    match last {
        LastRecord::None => Action::Create,
        LastRecord::Intent | LastRecord::Unknown | LastRecord::Failed => Action::LookUpFirst,
        LastRecord::Paid | LastRecord::Conflict => Action::Done,
    }
}
