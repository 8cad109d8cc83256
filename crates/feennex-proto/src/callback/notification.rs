//! A verified callback: typed views of the known fields over the text of every
//! received field.

use std::collections::BTreeMap;
use std::fmt;

use rust_decimal::Decimal;

use super::body::RawFields;
use super::said::said;
use crate::lenient::parse_decimal;
use crate::types::{Currency, ShopId, ShopOrderId};

/// A callback whose signature was verified. Every received field is kept, known
/// or not; the accessors give typed views and `None` when a field is absent or
/// does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    fields: RawFields,
}

/// The `status` of a paid order, as the callback words it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CallbackStatus {
    /// Paid: the order may be fulfilled.
    Success,
    /// Rejected by the payment system.
    Rejected,
    /// Held.
    Hold,
    /// Canceled.
    Cancel,
    /// Another word, kept as sent.
    Unknown(String),
}

impl CallbackStatus {
    /// The status a word names; the documented words are the only known ones.
    pub(crate) fn parse(text: &str) -> Self {
        match text {
            "success" => Self::Success,
            "rejected" => Self::Rejected,
            "hold" => Self::Hold,
            "cancel" => Self::Cancel,
            other => Self::Unknown(other.to_owned()),
        }
    }
}

/// What the merchant's own records say the order is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedOrder {
    /// The merchant's shop.
    pub shop_id: ShopId,
    /// The order's id.
    pub shop_order_id: ShopOrderId,
    /// The order's amount.
    pub amount: Decimal,
    /// The order's currency.
    pub currency: Currency,
}

/// How a callback differs from the merchant's order. `received` is the field's
/// text, or `None` when it is missing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OrderMismatch {
    /// Another shop's id, or the id written differently (`06` for `6`).
    #[error("shop_id is {}, expected {expected}", said(.received))]
    ShopId {
        /// The merchant's shop.
        expected: ShopId,
        /// What the callback says.
        received: Option<String>,
    },
    /// Another order.
    #[error("shop_order_id is {}, expected \"{}\"", said(.received), .expected.escape_debug())]
    ShopOrderId {
        /// The order's id.
        expected: String,
        /// What the callback says.
        received: Option<String>,
    },
    /// Another amount (compared as decimals: `10.0` equals `10.00`).
    #[error("shop_amount is {}, expected {expected}", said(.received))]
    Amount {
        /// The order's amount.
        expected: Decimal,
        /// What the callback says.
        received: Option<String>,
    },
    /// Another currency.
    #[error("shop_currency is {}, expected {expected}", said(.received))]
    Currency {
        /// The order's currency.
        expected: Currency,
        /// What the callback says.
        received: Option<String>,
    },
}

impl Notification {
    pub(crate) fn new(fields: RawFields) -> Self {
        Self { fields }
    }

    /// Every received field: its text, or `None` for a JSON `null`.
    pub fn fields(&self) -> &BTreeMap<String, Option<String>> {
        &self.fields
    }

    /// The text of a field; `None` when it is missing or `null`.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).and_then(Option::as_deref)
    }

    /// `shop_id`.
    pub fn shop_id(&self) -> Option<ShopId> {
        self.field("shop_id")?.parse().ok()
    }

    /// `shop_order_id`: the merchant's id of the order.
    pub fn shop_order_id(&self) -> Option<&str> {
        self.field("shop_order_id")
    }

    /// `shop_amount`: what the order was for, exactly.
    pub fn shop_amount(&self) -> Option<Decimal> {
        parse_decimal(self.field("shop_amount")?)
    }

    /// `shop_currency`.
    pub fn shop_currency(&self) -> Option<Currency> {
        self.field("shop_currency")?.parse().ok()
    }

    /// `shop_refund`: what the shop receives after fees.
    pub fn shop_refund(&self) -> Option<Decimal> {
        parse_decimal(self.field("shop_refund")?)
    }

    /// `client_price`: what the payer paid, in `ps_currency`.
    pub fn client_price(&self) -> Option<Decimal> {
        parse_decimal(self.field("client_price")?)
    }

    /// `ps_currency`: the payment system's currency.
    pub fn ps_currency(&self) -> Option<Currency> {
        self.field("ps_currency")?.parse().ok()
    }

    /// `status`.
    pub fn status(&self) -> Option<CallbackStatus> {
        self.field("status").map(CallbackStatus::parse)
    }

    /// `payment_id`: Feennex's id of the payment.
    pub fn payment_id(&self) -> Option<&str> {
        self.field("payment_id")
    }

    /// `payway`: the payment system used.
    pub fn payway(&self) -> Option<&str> {
        self.field("payway")
    }

    /// `created`, as sent.
    pub fn created(&self) -> Option<&str> {
        self.field("created")
    }

    /// `processed`, as sent.
    pub fn processed(&self) -> Option<&str> {
        self.field("processed")
    }

    /// `ps_data`: provider data, a JSON text.
    pub fn ps_data(&self) -> Option<&str> {
        self.field("ps_data")
    }

    /// Whether the callback is of this shop: its `shop_id` is the shop's id as
    /// text, exactly (`06` is not `6`).
    pub fn is_of_shop(&self, shop_id: ShopId) -> bool {
        self.field("shop_id") == Some(shop_id.to_string().as_str())
    }

    /// Checks the callback against the merchant's order: shop (its id as text,
    /// exactly), order id, amount (as decimals) and currency. The status is left to
    /// the caller.
    pub fn check_order(&self, order: &ExpectedOrder) -> Result<(), OrderMismatch> {
        let received = |name: &str| self.field(name).map(str::to_owned);
        if !self.is_of_shop(order.shop_id) {
            return Err(OrderMismatch::ShopId {
                expected: order.shop_id,
                received: received("shop_id"),
            });
        }
        if self.shop_order_id() != Some(order.shop_order_id.as_str()) {
            return Err(OrderMismatch::ShopOrderId {
                expected: order.shop_order_id.as_str().to_owned(),
                received: received("shop_order_id"),
            });
        }
        if self.shop_amount() != Some(order.amount) {
            return Err(OrderMismatch::Amount {
                expected: order.amount,
                received: received("shop_amount"),
            });
        }
        if self.shop_currency() != Some(order.currency) {
            return Err(OrderMismatch::Currency {
                expected: order.currency,
                received: received("shop_currency"),
            });
        }
        Ok(())
    }
}

impl fmt::Display for CallbackStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Success => "success",
            Self::Rejected => "rejected",
            Self::Hold => "hold",
            Self::Cancel => "cancel",
            Self::Unknown(other) => other,
        })
    }
}

impl serde::Serialize for Notification {
    /// Every received field, as a JSON object of texts (and `null`s).
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.fields.iter())
    }
}
