//! The shop's balances: `shop_balance`.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::lenient;
use crate::request::{BodyWriter, Endpoint};
use crate::retry::CallKind;
use crate::types::{Currency, ShopId, Timestamp};

/// `shop_balance`: the shop's balance in each currency.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ShopBalance {
    /// The time of sending, from the caller's clock.
    pub now: Timestamp,
}

impl ShopBalance {
    /// The shop's balances at time `now`.
    pub fn new(now: Timestamp) -> Self {
        Self { now }
    }
}

impl Endpoint for ShopBalance {
    const PATH: &'static str = "shop_balance";
    type Output = ShopBalances;
    const KIND: CallKind = CallKind::Idempotent;

    fn write_fields(&self, body: &mut BodyWriter) {
        body.signed_str("now", self.now.as_str());
        body.shop_id();
    }
}

/// The shop's balances.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct ShopBalances {
    /// One entry per currency. Required: an answer without it is an error, never
    /// an empty list.
    pub balances: Vec<Balance>,
    /// The shop (sent as a number or a string).
    #[serde(default)]
    pub shop_id: Option<ShopId>,
}

/// The balance in one currency.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct Balance {
    /// The currency.
    pub currency: Currency,
    /// What can be paid out now.
    #[serde(deserialize_with = "lenient::decimal")]
    pub available: Decimal,
    /// Blocked.
    #[serde(default, deserialize_with = "lenient::optional_decimal")]
    pub frozen: Option<Decimal>,
    /// Held for payments in progress.
    #[serde(default, deserialize_with = "lenient::optional_decimal")]
    pub hold: Option<Decimal>,
    /// Kept back as a reserve (on some deployments).
    #[serde(default, deserialize_with = "lenient::optional_decimal")]
    pub rolling_reserve: Option<Decimal>,
}
