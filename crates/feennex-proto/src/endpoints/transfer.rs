//! Wallet payouts: `transfer/try`, `transfer/create`, `transfer/shop_payment_status`.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::lenient;
use crate::request::{BodyWriter, Endpoint};
use crate::retry::CallKind;
use crate::types::{
    Amount, Currency, PayeeAccount, ShopId, ShopPaymentId, Timestamp, TransferAmountType,
};

/// `transfer/try`: precalculates a payout to a Feennex wallet (optional step).
///
/// Made by [`TransferTry::builder`], whose named setters keep the two currencies
/// from being swapped unseen; `amount_type` defaults to `receive_amount`.
#[derive(Debug, Clone, PartialEq, Eq, bon::Builder)]
#[non_exhaustive]
pub struct TransferTry {
    /// The amount, in the currency `amount_type` names.
    pub amount: Amount,
    /// Whether `amount` is what the wallet receives or what the shop pays.
    #[builder(default = TransferAmountType::ReceiveAmount)]
    pub amount_type: TransferAmountType,
    /// The currency credited to the wallet.
    pub payee_currency: Currency,
    /// The currency debited from the shop.
    pub shop_currency: Currency,
}

impl Endpoint for TransferTry {
    const PATH: &'static str = "transfer/try";
    type Output = TransferQuote;
    const KIND: CallKind = CallKind::Idempotent;

    fn write_fields(&self, body: &mut BodyWriter) {
        body.signed_amount("amount", self.amount);
        body.signed_str("amount_type", self.amount_type.as_str());
        body.signed_currency("payee_currency", self.payee_currency);
        body.signed_currency("shop_currency", self.shop_currency);
        body.shop_id();
    }
}

/// The precalculation of a wallet payout.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct TransferQuote {
    /// What the wallet would receive.
    #[serde(deserialize_with = "lenient::decimal")]
    pub payee_amount: Decimal,
    /// The wallet's currency.
    pub payee_currency: Currency,
    /// The shop's currency.
    pub shop_currency: Currency,
    /// What the shop would pay, fees included.
    #[serde(deserialize_with = "lenient::decimal")]
    pub write_off_amount: Decimal,
    /// Per account field, how to ask the payee for it.
    #[serde(default)]
    pub account_info_config: BTreeMap<String, AccountFieldInfo>,
    /// Free-form information from the server.
    #[serde(default)]
    pub info: serde_json::Map<String, serde_json::Value>,
}

/// How to ask for one account field.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, Serialize)]
#[non_exhaustive]
pub struct AccountFieldInfo {
    /// The field's label.
    #[serde(default)]
    pub label: LocalizedText,
    /// A longer explanation.
    #[serde(default)]
    pub comment: LocalizedText,
    /// An example value.
    #[serde(default, deserialize_with = "optional_text")]
    pub example: Option<String>,
    /// The pattern a value must match.
    #[serde(default, deserialize_with = "optional_text")]
    pub regex: Option<String>,
}

/// A text in English and Russian.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, Serialize)]
#[non_exhaustive]
pub struct LocalizedText {
    /// English.
    #[serde(default)]
    pub en: Option<String>,
    /// Russian.
    #[serde(default)]
    pub ru: Option<String>,
}

fn optional_text<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    let value: Option<serde_json::Value> = Option::deserialize(deserializer)?;
    Ok(value.map(|value| match value {
        serde_json::Value::String(text) => text,
        other => other.to_string(),
    }))
}

/// `transfer/create`: pays out from the shop balance to a Feennex wallet.
///
/// Synchronous: an answer with an id means the money moved. Send it with a
/// client's `payout`, which makes it exactly once.
///
/// Made by [`TransferCreate::builder`]: every required value is named, so the
/// payee's and the shop's currency cannot be swapped unseen, and a missing one does
/// not compile. `amount_type` defaults to `receive_amount`.
///
/// ```
/// use feennex_proto::prelude::*;
/// let create = TransferCreate::builder()
///     .amount("25".parse()?)
///     .payee_account(PayeeAccount::new("201234567890")?)
///     .payee_currency(Currency::EUR)
///     .shop_currency(Currency::USD)
///     .shop_payment_id(ShopPaymentId::new("salary-alice")?)
///     .description("May")
///     .build();
/// assert_eq!(create.payee_currency, Currency::EUR);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Positional currencies, which could be swapped silently, do not compile:
///
/// ```compile_fail
/// use feennex_proto::prelude::*;
/// let create = TransferCreate::new(
///     "25".parse().unwrap(), TransferAmountType::ReceiveAmount,
///     PayeeAccount::new("201234567890").unwrap(),
///     Currency::USD, Currency::EUR, ShopPaymentId::new("salary-alice").unwrap(),
/// );
/// ```
///
/// Nor does a builder that lacks a currency:
///
/// ```compile_fail
/// use feennex_proto::prelude::*;
/// let create = TransferCreate::builder()
///     .amount("25".parse().unwrap())
///     .payee_account(PayeeAccount::new("201234567890").unwrap())
///     .payee_currency(Currency::EUR)
///     .shop_payment_id(ShopPaymentId::new("salary-alice").unwrap())
///     .build();
/// ```
#[derive(Debug, Clone, PartialEq, Eq, bon::Builder)]
#[non_exhaustive]
pub struct TransferCreate {
    /// The amount, in the currency `amount_type` names.
    pub amount: Amount,
    /// Whether `amount` is what the wallet receives or what the shop pays.
    #[builder(default = TransferAmountType::ReceiveAmount)]
    pub amount_type: TransferAmountType,
    /// The wallet that receives.
    pub payee_account: PayeeAccount,
    /// The currency credited to the wallet.
    pub payee_currency: Currency,
    /// The currency debited from the shop.
    pub shop_currency: Currency,
    /// The merchant's id of this payout; also its idempotency key.
    pub shop_payment_id: ShopPaymentId,
    /// A note for the payee (not signed).
    #[builder(into)]
    pub description: Option<String>,
}

impl Endpoint for TransferCreate {
    const PATH: &'static str = "transfer/create";
    type Output = TransferCreated;

    fn write_fields(&self, body: &mut BodyWriter) {
        body.signed_amount("amount", self.amount);
        body.signed_str("amount_type", self.amount_type.as_str());
        body.signed_str("payee_account", self.payee_account.as_str());
        body.signed_currency("payee_currency", self.payee_currency);
        body.signed_currency("shop_currency", self.shop_currency);
        body.shop_id();
        body.signed_str("shop_payment_id", self.shop_payment_id.as_str());
        body.unsigned_str("description", self.description.as_deref());
    }

    fn shop_payment_id(&self) -> Option<&ShopPaymentId> {
        Some(&self.shop_payment_id)
    }
}

/// A wallet payout that was made.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct TransferCreated {
    /// Feennex's id of the payout.
    #[serde(deserialize_with = "lenient::u64_from_number_or_string")]
    pub id: u64,
    /// The shop balance after the payout, in the shop currency.
    #[serde(default, deserialize_with = "lenient::optional_decimal")]
    pub balance: Option<Decimal>,
    /// The wallet that received (sometimes sent back as a number).
    #[serde(deserialize_with = "lenient::string_from_string_or_number")]
    pub payee_account: String,
    /// What the wallet received.
    #[serde(deserialize_with = "lenient::decimal")]
    pub payee_amount: Decimal,
    /// The wallet's currency.
    pub payee_currency: Currency,
    /// The shop.
    pub shop: ShopId,
    /// The shop's currency.
    pub shop_currency: Currency,
    /// What the shop paid.
    #[serde(deserialize_with = "lenient::decimal")]
    pub write_off_amount: Decimal,
}

/// `transfer/shop_payment_status`: looks a wallet payout up by the merchant's id.
///
/// Answered with error 7 ([`ErrorCode::OperationNotFound`](crate::error::ErrorCode)) when no
/// such payout exists.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TransferStatus {
    /// The time of sending, from the caller's clock.
    pub now: Timestamp,
    /// The merchant's id of the payout.
    pub shop_payment_id: ShopPaymentId,
}

impl TransferStatus {
    /// The lookup of a wallet payout by the merchant's id.
    pub fn new(now: Timestamp, shop_payment_id: ShopPaymentId) -> Self {
        Self { now, shop_payment_id }
    }
}

impl Endpoint for TransferStatus {
    const PATH: &'static str = "transfer/shop_payment_status";
    type Output = TransferPayout;
    const KIND: CallKind = CallKind::Idempotent;

    fn write_fields(&self, body: &mut BodyWriter) {
        body.signed_str("now", self.now.as_str());
        body.shop_id();
        body.signed_str("shop_payment_id", self.shop_payment_id.as_str());
    }

    fn shop_payment_id(&self) -> Option<&ShopPaymentId> {
        Some(&self.shop_payment_id)
    }
}

/// A wallet payout found by its merchant id.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct TransferPayout {
    /// Feennex's id of the payout.
    #[serde(deserialize_with = "lenient::u64_from_number_or_string")]
    pub id: u64,
    /// The merchant's id of the payout.
    #[serde(deserialize_with = "lenient::string_from_string_or_number")]
    pub shop_payment_id: String,
    /// What the wallet received (`receive_amount`, or `payee_amount` on some
    /// deployments).
    #[serde(alias = "payee_amount", deserialize_with = "lenient::decimal")]
    pub receive_amount: Decimal,
    /// The wallet's currency.
    pub payee_currency: Currency,
    /// The shop's currency.
    pub shop_currency: Currency,
    /// What the shop paid.
    #[serde(deserialize_with = "lenient::decimal")]
    pub write_off_amount: Decimal,
}
