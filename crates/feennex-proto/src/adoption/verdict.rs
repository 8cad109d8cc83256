//! The rule: a payout found under an id is the request's only when every fact its
//! answer carries matches, and ownership is shown.

use super::intent::PayoutIntent;
use super::seen::SeenPayout;

/// What shows that a payout found under a `shop_payment_id` was made for this very
/// request. A create sent by the call itself shows it whatever this says; the
/// other proofs are the caller's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Ownership {
    /// Nothing but the call itself: a payout that existed before its first create
    /// could arrive is [`Unverified`].
    Unproven,
    /// The caller's durable record (a batch journal or store) holds this payout's
    /// intent with these same details, written before any create was sent.
    RecordedIntent,
    /// The id commits to the content it pays: it was derived from a hash of it.
    ContentId,
    /// The caller resumes an id it says is its own, created with these details:
    /// its own records are the proof.
    CallerResume,
}

impl Ownership {
    /// Whether it proves ownership by itself.
    pub fn is_proof(self) -> bool {
        self != Ownership::Unproven
    }
}

/// Which fact of a payout differs from what was asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConflictField {
    /// The merchant's id.
    ShopPaymentId,
    /// The amount, on the side the amount type names.
    Amount,
    /// The currency the payee receives.
    PayeeCurrency,
    /// The currency the shop pays in.
    ShopCurrency,
    /// The payee.
    Payee,
}

impl ConflictField {
    /// The name used in messages and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            ConflictField::ShopPaymentId => "shop_payment_id",
            ConflictField::Amount => "amount",
            ConflictField::PayeeCurrency => "payee_currency",
            ConflictField::ShopCurrency => "shop_currency",
            ConflictField::Payee => "payee",
        }
    }
}

/// A payout exists under the id but is not what was asked: nothing was paid for
/// this request, and it must not be created under this id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "payout {payout_id} under shop_payment_id {shop_payment_id:?} differs in {}: asked {asked}, found {found}",
    field.as_str()
)]
#[non_exhaustive]
pub struct Conflict {
    /// Feennex's id of the payout found.
    pub payout_id: u64,
    /// The id it was found under.
    pub shop_payment_id: String,
    /// The first fact that differs.
    pub field: ConflictField,
    /// What was asked.
    pub asked: String,
    /// What the payout has.
    pub found: String,
    /// The API's message when it refused a create of this call as not unique
    /// (error 6), which led to the lookup.
    pub not_unique: Option<String>,
}

/// A payout under the id matches every fact its answer carries, but it existed
/// before this call's create could arrive and nothing shows it was made for this
/// request: not success. Adopt it only by resuming, when your own records show the
/// id is yours with these details.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "payout {payout_id} under shop_payment_id {shop_payment_id:?} existed before this request and nothing shows it was made for it: {}",
    unverified_reason(not_compared)
)]
#[non_exhaustive]
pub struct Unverified {
    /// Feennex's id of the payout found.
    pub payout_id: u64,
    /// The id it was found under.
    pub shop_payment_id: String,
    /// What was asked that the answer does not carry, so that nothing compared it.
    pub not_compared: Vec<&'static str>,
    /// The API's message when it refused a create of this call as not unique
    /// (error 6), which led to the lookup.
    pub not_unique: Option<String>,
}

fn unverified_reason(not_compared: &[&'static str]) -> String {
    if not_compared.is_empty() {
        "every fact its answer carries matches, but another request with the same facts may have made it".to_owned()
    } else {
        format!(
            "its answer matches what it carries, but not {} (the answer does not carry it)",
            not_compared.join(", ")
        )
    }
}

impl NotAdopted {
    /// The same, with the API's "not unique" message that led to the lookup.
    pub(crate) fn after_not_unique(mut self, message: Option<&str>) -> Self {
        let slot = match &mut self {
            NotAdopted::Conflict(conflict) => &mut conflict.not_unique,
            NotAdopted::Unverified(unverified) => &mut unverified.not_unique,
        };
        *slot = message.map(str::to_owned);
        self
    }
}

/// Why a payout answer is not adopted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NotAdopted {
    /// A fact differs.
    #[error(transparent)]
    Conflict(Conflict),
    /// The facts match, ownership is not shown.
    #[error(transparent)]
    Unverified(Unverified),
}

impl PayoutIntent {
    /// Compares every fact `seen` carries with what was asked: the id, the amount
    /// as the amount type defines it (what the payee receives for `receive_amount`
    /// and `ps_amount`, the write-off for `writeoff_amount` and `shop_amount`), the
    /// currencies, and the payee. Amounts compare as numbers (`10.50` is `10.5`);
    /// the payee compares without regard to ASCII case (e-mail addresses).
    pub fn check(&self, seen: &SeenPayout) -> Result<(), Conflict> {
        let conflict = |field, asked: String, found: String| {
            Err(Conflict {
                payout_id: seen.payout_id,
                shop_payment_id: self.shop_payment_id().to_owned(),
                field,
                asked,
                found,
                not_unique: None,
            })
        };
        if let Some(found) =
            seen.shop_payment_id.as_ref().filter(|id| *id != self.shop_payment_id())
        {
            return conflict(
                ConflictField::ShopPaymentId,
                self.shop_payment_id().to_owned(),
                found.clone(),
            );
        }
        let (amount, on_payee_side, shop_currency) = match self {
            PayoutIntent::Transfer { amount, amount_type, shop_currency, .. } => {
                (*amount, amount_type == "receive_amount", *shop_currency)
            }
            PayoutIntent::Withdraw { amount, amount_type, shop_currency, .. } => {
                (*amount, amount_type == "ps_amount", *shop_currency)
            }
        };
        let found_amount = if on_payee_side { seen.payee_amount } else { seen.write_off };
        if found_amount != amount {
            let (asked, found) = (amount.normalize(), found_amount.normalize());
            return conflict(ConflictField::Amount, asked.to_string(), found.to_string());
        }
        if seen.shop_currency != shop_currency {
            return conflict(
                ConflictField::ShopCurrency,
                shop_currency.to_string(),
                seen.shop_currency.to_string(),
            );
        }
        if let PayoutIntent::Transfer { payee_currency, payee_account, .. } = self {
            if let Some(found) = seen.payee_currency.filter(|found| found != payee_currency) {
                return conflict(
                    ConflictField::PayeeCurrency,
                    payee_currency.to_string(),
                    found.to_string(),
                );
            }
            if let Some(found) = seen
                .payee
                .as_ref()
                .filter(|found| !found.trim().eq_ignore_ascii_case(payee_account))
            {
                return conflict(ConflictField::Payee, payee_account.clone(), found.clone());
            }
        }
        Ok(())
    }

    /// What was asked that `seen` does not carry, named as in the API.
    pub fn not_compared(&self, seen: &SeenPayout) -> Vec<&'static str> {
        match self {
            PayoutIntent::Transfer { .. } => {
                let mut missing = Vec::new();
                if seen.payee.is_none() {
                    missing.push("payee_account");
                }
                if seen.payee_currency.is_none() {
                    missing.push("payee_currency");
                }
                missing
            }
            // No withdrawal answer carries the account or the payway.
            PayoutIntent::Withdraw { .. } => vec!["account", "payway"],
        }
    }

    /// The one adoption rule: a payout described by `seen` is this request's only
    /// when every fact it carries matches ([`Conflict`] otherwise) and ownership is
    /// shown, by a create of this very call that may have made it
    /// (`made_by_this_call`) or by the caller's `ownership` ([`Unverified`]
    /// otherwise).
    pub fn adopt(
        &self,
        seen: &SeenPayout,
        made_by_this_call: bool,
        ownership: Ownership,
    ) -> Result<(), NotAdopted> {
        self.check(seen).map_err(NotAdopted::Conflict)?;
        if made_by_this_call || ownership.is_proof() {
            return Ok(());
        }
        Err(NotAdopted::Unverified(Unverified {
            payout_id: seen.payout_id,
            shop_payment_id: self.shop_payment_id().to_owned(),
            not_compared: self.not_compared(seen),
            not_unique: None,
        }))
    }
}
