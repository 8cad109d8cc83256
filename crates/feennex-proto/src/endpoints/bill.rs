//! Payments by Feennex wallet holders: `bill/create`, `bill/shop_order_status`.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::lenient;
use crate::request::{BodyWriter, Endpoint};
use crate::retry::CallKind;
use crate::status::BillStatus;
use crate::types::{Amount, Currency, ShopId, ShopOrderId, Timestamp};

/// Where the payer is sent back to and where Feennex reports the outcome; none
/// of them is signed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PaymentUrls {
    /// Where the payer lands after paying.
    pub success_url: Option<String>,
    /// Where the payer lands when the payment fails.
    pub failed_url: Option<String>,
    /// Where Feennex sends the callback.
    pub callback_url: Option<String>,
}

impl PaymentUrls {
    /// Where the payer lands after paying.
    pub fn success_url(mut self, success_url: impl Into<String>) -> Self {
        self.success_url = Some(success_url.into());
        self
    }

    /// Where the payer lands when the payment fails.
    pub fn failed_url(mut self, failed_url: impl Into<String>) -> Self {
        self.failed_url = Some(failed_url.into());
        self
    }

    /// Where Feennex sends the callback.
    pub fn callback_url(mut self, callback_url: impl Into<String>) -> Self {
        self.callback_url = Some(callback_url.into());
        self
    }
}

impl PaymentUrls {
    pub(crate) fn write(&self, body: &mut BodyWriter) {
        body.unsigned_str("success_url", self.success_url.as_deref());
        body.unsigned_str("failed_url", self.failed_url.as_deref());
        body.unsigned_str("callback_url", self.callback_url.as_deref());
    }
}

/// `bill/create`: asks a Feennex wallet holder to pay an order on Feennex's page.
///
/// Made by [`BillCreate::builder`], whose named setters keep the payer's and the
/// shop's currency from being swapped unseen.
#[derive(Debug, Clone, PartialEq, Eq, bon::Builder)]
#[non_exhaustive]
pub struct BillCreate {
    /// The currency the payer pays in.
    pub payer_currency: Currency,
    /// The amount the shop asks for.
    pub shop_amount: Amount,
    /// The currency of `shop_amount`.
    pub shop_currency: Currency,
    /// The merchant's id of the order.
    pub shop_order_id: ShopOrderId,
    /// What is paid for, shown to the payer (not signed).
    #[builder(into)]
    pub description: Option<String>,
    /// The payer's wallet, when known (not signed).
    #[builder(into)]
    pub payer_account: Option<String>,
    /// Return and callback URLs (not signed).
    #[builder(default)]
    pub urls: PaymentUrls,
}

impl Endpoint for BillCreate {
    const PATH: &'static str = "bill/create";
    type Output = Bill;

    fn write_fields(&self, body: &mut BodyWriter) {
        body.signed_currency("payer_currency", self.payer_currency);
        body.signed_amount("shop_amount", self.shop_amount);
        body.signed_currency("shop_currency", self.shop_currency);
        body.shop_id();
        body.signed_str("shop_order_id", self.shop_order_id.as_str());
        body.unsigned_str("description", self.description.as_deref());
        body.unsigned_str("payer_account", self.payer_account.as_deref());
        self.urls.write(body);
    }
}

/// A bill that was created: send the payer to `url`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct Bill {
    /// Feennex's id of the bill.
    #[serde(deserialize_with = "lenient::u64_from_number_or_string")]
    pub id: u64,
    /// The page the payer pays on.
    pub url: String,
    /// When it was created (RFC 1123 text, as sent).
    #[serde(default, deserialize_with = "lenient::optional_string")]
    pub created: Option<String>,
    /// How long the bill can be paid, in minutes.
    #[serde(default, deserialize_with = "lenient::optional_u64")]
    pub lifetime: Option<u64>,
    /// The payer's wallet, when known.
    #[serde(default, deserialize_with = "lenient::optional_string")]
    pub payer_account: Option<String>,
    /// The currency the payer pays in.
    #[serde(default)]
    pub payer_currency: Option<Currency>,
    /// What the payer pays.
    #[serde(default, deserialize_with = "lenient::optional_decimal")]
    pub payer_price: Option<Decimal>,
    /// The amount the shop asked for.
    #[serde(default, deserialize_with = "lenient::optional_decimal")]
    pub shop_amount: Option<Decimal>,
    /// The currency of `shop_amount`.
    #[serde(default)]
    pub shop_currency: Option<Currency>,
    /// The shop.
    #[serde(default)]
    pub shop_id: Option<ShopId>,
    /// The merchant's id of the order.
    #[serde(default, deserialize_with = "lenient::optional_string")]
    pub shop_order_id: Option<String>,
    /// What the shop receives after fees.
    #[serde(default, deserialize_with = "lenient::optional_decimal")]
    pub shop_refund: Option<Decimal>,
}

/// `bill/shop_order_status`: a bill's status by the merchant's order id.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct BillShopOrderStatus {
    /// The time of sending, from the caller's clock.
    pub now: Timestamp,
    /// The merchant's id of the order.
    pub shop_order_id: ShopOrderId,
}

impl BillShopOrderStatus {
    /// The lookup of a bill by the merchant's order id.
    pub fn new(now: Timestamp, shop_order_id: ShopOrderId) -> Self {
        Self { now, shop_order_id }
    }
}

impl Endpoint for BillShopOrderStatus {
    const PATH: &'static str = "bill/shop_order_status";
    type Output = BillState;
    const KIND: CallKind = CallKind::Idempotent;

    fn write_fields(&self, body: &mut BodyWriter) {
        body.signed_str("now", self.now.as_str());
        body.shop_id();
        body.signed_str("shop_order_id", self.shop_order_id.as_str());
    }
}

/// A bill found by its order id.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct BillState {
    /// Feennex's id of the bill.
    #[serde(deserialize_with = "lenient::u64_from_number_or_string")]
    pub id: u64,
    /// Where the bill stands.
    pub status: BillStatus,
    /// The merchant's id of the order.
    #[serde(default, deserialize_with = "lenient::optional_string")]
    pub shop_order_id: Option<String>,
    /// The amount the shop asked for.
    #[serde(default, deserialize_with = "lenient::optional_decimal")]
    pub shop_amount: Option<Decimal>,
    /// The currency of `shop_amount`.
    #[serde(default)]
    pub shop_currency: Option<Currency>,
    /// What the payer pays.
    #[serde(default, deserialize_with = "lenient::optional_decimal")]
    pub payer_price: Option<Decimal>,
    /// The currency the payer pays in.
    #[serde(default)]
    pub payer_currency: Option<Currency>,
    /// What the shop receives after fees.
    #[serde(default, deserialize_with = "lenient::optional_decimal")]
    pub shop_refund: Option<Decimal>,
    /// When it was created (as sent).
    #[serde(default, deserialize_with = "lenient::optional_string")]
    pub created: Option<String>,
}
