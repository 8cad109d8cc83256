//! Trust, then verify: a callback's signature proves little (see `SECURITY.md`),
//! so before acting on it, ask the API what it knows of the order and compare.
//!
//! The API has one status call by the merchant's order id, `bill/shop_order_status`
//! (spec section 5); there is none for invoices, so an invoice's callback cannot be
//! confirmed this way.

use std::time::{Instant, SystemTime};

use rust_decimal::Decimal;

use super::{CallbackStatus, Notification};
use crate::endpoints::{BillShopOrderStatus, BillState};
use crate::error::Error;
use crate::exchange::{Call, Exchange, Step};
use crate::status::BillStatus;
use crate::transport::Response;
use crate::types::{Currency, ShopId, ShopOrderId, Timestamp};

use super::said::{known, said};

/// Longest piece of a received value kept in a mismatch, in characters.
const VALUE_CHARS: usize = 64;

/// How a callback disagrees with the API's own record of the order, or with the
/// merchant asking. `callback` is the field's text (cut at 64 characters), or
/// `None` when it is missing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfirmationMismatch {
    /// The callback names another shop than the merchant's, or writes its id
    /// differently (`06` for `6`): the text must be the merchant's id exactly.
    #[error("shop_id: the callback says {}, the merchant is {merchant}", said(.callback))]
    ShopId {
        /// What the callback says.
        callback: Option<String>,
        /// The merchant's shop.
        merchant: ShopId,
    },
    /// The callback has no usable `shop_order_id`, or the API found another order.
    #[error("shop_order_id: the callback says {}, the API says {}", said(.callback), said(.api))]
    ShopOrderId {
        /// What the callback says.
        callback: Option<String>,
        /// What the API says.
        api: Option<String>,
    },
    /// Another payment.
    #[error("payment_id: the callback says {}, the API says {api}", said(.callback))]
    PaymentId {
        /// What the callback says.
        callback: Option<String>,
        /// The API's id of the payment.
        api: u64,
    },
    /// Another amount (compared as decimals).
    #[error("shop_amount: the callback says {}, the API says {}", said(.callback), known(.api))]
    Amount {
        /// What the callback says.
        callback: Option<String>,
        /// What the API says.
        api: Option<Decimal>,
    },
    /// Another currency.
    #[error("shop_currency: the callback says {}, the API says {}", said(.callback), known(.api))]
    Currency {
        /// What the callback says.
        callback: Option<String>,
        /// What the API says.
        api: Option<Currency>,
    },
    /// The status disagrees: a callback saying `success` needs a paid bill.
    #[error("status: the callback says {}, the API says {api}", said(.callback))]
    Status {
        /// What the callback says.
        callback: Option<String>,
        /// What the API says.
        api: BillStatus,
    },
}

impl ConfirmationMismatch {
    /// The callback field that disagrees, such as `shop_amount`.
    pub fn field(&self) -> &'static str {
        match self {
            Self::ShopId { .. } => "shop_id",
            Self::ShopOrderId { .. } => "shop_order_id",
            Self::PaymentId { .. } => "payment_id",
            Self::Amount { .. } => "shop_amount",
            Self::Currency { .. } => "shop_currency",
            Self::Status { .. } => "status",
        }
    }
}

/// Why a callback could not be confirmed: the lookup failed, or its answer
/// disagrees with the callback.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfirmError {
    /// The status lookup failed (for error 7, the API knows no bill of this order).
    #[error("the status lookup failed")]
    Lookup(#[source] Error),
    /// The API's record disagrees with the callback: do not act on it.
    #[error("the callback disagrees with the API: {0}")]
    Mismatch(ConfirmationMismatch),
}

impl From<ConfirmationMismatch> for ConfirmError {
    fn from(mismatch: ConfirmationMismatch) -> Self {
        ConfirmError::Mismatch(mismatch)
    }
}

/// The confirmation of a callback as one machine: the bill lookup of its order
/// (retried like any read), then the comparison. Made by
/// [`Session::confirm_callback`](crate::Session::confirm_callback).
#[derive(Debug)]
pub struct Confirmation {
    lookup: Call<BillShopOrderStatus>,
    shop_id: ShopId,
    notification: Notification,
}

impl Confirmation {
    pub(crate) fn new(
        lookup: Call<BillShopOrderStatus>,
        shop_id: ShopId,
        notification: Notification,
    ) -> Self {
        Self { lookup, shop_id, notification }
    }
}

impl Exchange for Confirmation {
    type Output = Result<BillState, ConfirmError>;

    fn poll(&mut self, now: Instant, wall: SystemTime, random: u64) -> Step<Self::Output> {
        match self.lookup.poll(now, wall, random) {
            Step::Send { request, deadline, role } => Step::Send { request, deadline, role },
            Step::Wait(wait) => Step::Wait(wait),
            Step::Done(Err(error)) => Step::Done(Err(ConfirmError::Lookup(error))),
            Step::Done(Ok(bill)) => {
                let agreed = self.notification.confirm(self.shop_id, &bill);
                Step::Done(agreed.map(|()| bill).map_err(Into::into))
            }
        }
    }

    fn receive(&mut self, now: Instant, outcome: Result<Response, Error>) {
        self.lookup.receive(now, outcome);
    }
}

impl Notification {
    /// The status lookup that confirms this callback: the bill of its
    /// `shop_order_id`, stamped with `wall` (the caller's clock). Send it, then
    /// compare its answer with [`Notification::confirm`].
    pub fn confirmation_lookup(
        &self,
        wall: SystemTime,
    ) -> Result<BillShopOrderStatus, ConfirmError> {
        let shop_order_id = self
            .shop_order_id()
            .and_then(|id| ShopOrderId::new(id).ok())
            .ok_or_else(|| ConfirmationMismatch::ShopOrderId {
                callback: self.shop_order_id().map(bounded),
                api: None,
            })?;
        let now = Timestamp::try_from(wall)
            .map_err(|error| ConfirmError::Lookup(Error::invalid("now", error)))?;
        Ok(BillShopOrderStatus::new(now, shop_order_id))
    }

    /// Compares the callback with the merchant asking (`shop_id`, whose key
    /// looked the bill up) and with the API's answer to
    /// [`Notification::confirmation_lookup`]: shop id (as text, exactly), order
    /// id, payment id, amount (as decimals), currency and status. `success` agrees
    /// only with a paid bill; `rejected` and `cancel` with a canceled or expired
    /// one; `hold` with a waiting one.
    pub fn confirm(&self, shop_id: ShopId, bill: &BillState) -> Result<(), ConfirmationMismatch> {
        let callback = |name: &str| self.field(name).map(bounded);
        if !self.is_of_shop(shop_id) {
            return Err(ConfirmationMismatch::ShopId {
                callback: callback("shop_id"),
                merchant: shop_id,
            });
        }
        if bill.shop_order_id.as_deref().is_some_and(|id| Some(id) != self.shop_order_id()) {
            return Err(ConfirmationMismatch::ShopOrderId {
                callback: callback("shop_order_id"),
                api: bill.shop_order_id.as_deref().map(bounded),
            });
        }
        if self.payment_id() != Some(bill.id.to_string().as_str()) {
            return Err(ConfirmationMismatch::PaymentId {
                callback: callback("payment_id"),
                api: bill.id,
            });
        }
        if bill.shop_amount.is_none() || self.shop_amount() != bill.shop_amount {
            return Err(ConfirmationMismatch::Amount {
                callback: callback("shop_amount"),
                api: bill.shop_amount,
            });
        }
        if bill.shop_currency.is_none() || self.shop_currency() != bill.shop_currency {
            return Err(ConfirmationMismatch::Currency {
                callback: callback("shop_currency"),
                api: bill.shop_currency,
            });
        }
        if !self.status().is_some_and(|status| agrees(&status, bill.status)) {
            return Err(ConfirmationMismatch::Status {
                callback: callback("status"),
                api: bill.status,
            });
        }
        Ok(())
    }
}

/// Whether a callback's status word says what the bill's status says.
fn agrees(callback: &CallbackStatus, bill: BillStatus) -> bool {
    match callback {
        CallbackStatus::Success => bill == BillStatus::Paid,
        CallbackStatus::Rejected | CallbackStatus::Cancel => {
            matches!(bill, BillStatus::Canceled | BillStatus::Expired)
        }
        CallbackStatus::Hold => bill == BillStatus::Waiting,
        CallbackStatus::Unknown(_) => false,
    }
}

fn bounded(text: &str) -> String {
    text.chars().take(VALUE_CHARS).collect()
}
