//! How a row's payout ends, as a batch records and reports it.

use crate::adoption::{Conflict, Unverified};
use crate::error::Error;
use crate::exchange::{PayoutOutcome, PayoutSummary};

/// How a row's payout ended.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Resolution {
    /// The payout the row asks for exists, and is the row's: adopted under the
    /// rule of [`adoption`](crate::adoption).
    Paid {
        /// Its common facts.
        summary: PayoutSummary,
        /// It existed before this run: adopted after "not unique" with no create
        /// of this run that could have made it.
        preexisting: bool,
    },
    /// A payout exists under the row's id but does not match it: not paid.
    Conflict(Conflict),
    /// A payout under the row's id matches what its answer carries, but nothing
    /// shows it was made for the row: not counted as paid.
    Unverified(Unverified),
    /// Refused: nothing was paid.
    Failed {
        /// The API's error code, when it answered with one.
        code: Option<i64>,
        /// Why.
        message: String,
    },
    /// Nobody knows yet whether it was paid: look it up again later.
    Unknown {
        /// Why.
        message: String,
        /// The API said the id was taken before any create of this run could
        /// arrive: what the id holds is not proven to be the row's.
        id_taken: bool,
    },
}

/// What the end of a row's exactly-once payout means for the row. The machine has
/// already applied the adoption rule: an outcome is a payout adopted as the row's.
pub fn settle<C, L>(result: &Result<PayoutOutcome<C, L>, Error>) -> Resolution {
    match result {
        Ok(outcome) => {
            Resolution::Paid { summary: outcome.summary, preexisting: outcome.preexisting }
        }
        Err(Error::Conflict(conflict)) => Resolution::Conflict(conflict.clone()),
        Err(Error::Unverified(unverified)) => Resolution::Unverified(unverified.clone()),
        Err(error @ Error::PayoutUnresolved { preexisting, .. }) => {
            Resolution::Unknown { message: error.chain(), id_taken: *preexisting }
        }
        Err(error) => Resolution::Failed {
            code: error.api_code().map(|code| code.code()),
            message: match error {
                Error::Api(api) => api.message.clone(),
                other => other.chain(),
            },
        },
    }
}
