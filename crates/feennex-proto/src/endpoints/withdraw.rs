//! Payouts to external payment systems: `withdraw/try`, `check_account`,
//! `withdraw/create`, `withdraw/status`, `withdraw/shop_payment_status`.
//!
//! Withdrawals are asynchronous: after a create, poll a status call until the
//! status [is final](crate::types::WithdrawStatus::is_final).

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::endpoints::invoice::account_fields;
use crate::endpoints::transfer::AccountFieldInfo;
use crate::lenient;
use crate::request::{BodyWriter, Endpoint};
use crate::retry::CallKind;
use crate::status::WithdrawStatus;
use crate::types::{
    Amount, Currency, Payway, ShopPaymentId, Timestamp, WithdrawAccount, WithdrawAmountType,
};

/// Payment-system specific details of the payee's account, sent unsigned as a
/// JSON object.
pub type AccountDetails = serde_json::Map<String, serde_json::Value>;

/// `withdraw/try`: precalculates a payout to an external payment system.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WithdrawTry {
    /// The amount, on the side `amount_type` names.
    pub amount: Amount,
    /// Whether `amount` is what the payee receives or what the shop pays.
    pub amount_type: WithdrawAmountType,
    /// The payment system, such as `card_usd`.
    pub payway: Payway,
    /// The currency debited from the shop.
    pub shop_currency: Currency,
}

impl WithdrawTry {
    /// A precalculation of a payout to a payment system.
    pub fn new(
        amount: Amount,
        amount_type: WithdrawAmountType,
        payway: Payway,
        shop_currency: Currency,
    ) -> Self {
        Self { amount, amount_type, payway, shop_currency }
    }
}

impl Endpoint for WithdrawTry {
    const PATH: &'static str = "withdraw/try";
    type Output = WithdrawQuote;
    const KIND: CallKind = CallKind::Idempotent;

    fn write_fields(&self, body: &mut BodyWriter) {
        body.signed_amount("amount", self.amount);
        body.signed_str("amount_type", self.amount_type.as_str());
        body.signed_str("payway", self.payway.as_str());
        body.signed_currency("shop_currency", self.shop_currency);
        body.shop_id();
    }
}

/// The precalculation of an external payout.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct WithdrawQuote {
    /// What the payee would receive, in `ps_currency`.
    #[serde(deserialize_with = "lenient::decimal")]
    pub payee_receive: Decimal,
    /// The payment system's currency.
    pub ps_currency: Currency,
    /// The shop's currency.
    pub shop_currency: Currency,
    /// What the shop would pay, fees included.
    #[serde(deserialize_with = "lenient::decimal")]
    pub shop_write_off: Decimal,
    /// Per account field, how to ask the payee for it.
    #[serde(default, deserialize_with = "account_fields")]
    pub account_info_config: BTreeMap<String, AccountFieldInfo>,
    /// Free-form information from the server.
    #[serde(default, deserialize_with = "lenient::object")]
    pub info: serde_json::Map<String, serde_json::Value>,
}

/// `check_account`: asks whether a payee account can receive, before paying out.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CheckAccount {
    /// The payee's account in the payment system.
    pub account: WithdrawAccount,
    /// The amount that would be paid out.
    pub amount: Amount,
    /// The payment system.
    pub payway: Payway,
    /// Payment-system specific details (not signed).
    pub account_details: Option<AccountDetails>,
}

impl CheckAccount {
    /// A check of a payee account before a payout.
    pub fn new(account: WithdrawAccount, amount: Amount, payway: Payway) -> Self {
        Self { account, amount, payway, account_details: None }
    }

    /// Payment-system specific details (not signed).
    pub fn account_details(mut self, account_details: AccountDetails) -> Self {
        self.account_details = Some(account_details);
        self
    }
}

impl Endpoint for CheckAccount {
    const PATH: &'static str = "check_account";
    type Output = AccountCheck;
    const KIND: CallKind = CallKind::Idempotent;

    fn write_fields(&self, body: &mut BodyWriter) {
        body.signed_str("account", self.account.as_str());
        body.signed_amount("amount", self.amount);
        body.signed_str("payway", self.payway.as_str());
        body.shop_id();
        body.unsigned_object("account_details", self.account_details.as_ref());
    }
}

/// The answer about a payee account.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct AccountCheck {
    /// Whether the account can receive.
    #[serde(deserialize_with = "lenient::flag")]
    pub result: bool,
    /// Whether the payment system verified the account.
    #[serde(default, deserialize_with = "lenient::optional_flag")]
    pub verified: Option<bool>,
    /// The payment system's own status text.
    #[serde(default, deserialize_with = "lenient::optional_string")]
    pub provider_status: Option<String>,
    /// What the payment system knows about the account (such as the holder's name).
    #[serde(default, deserialize_with = "lenient::object")]
    pub account_info: serde_json::Map<String, serde_json::Value>,
}

/// `withdraw/create`: pays out from the shop balance to an external system.
///
/// Asynchronous: the answer's status is usually not final yet.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct WithdrawCreate {
    /// The payee's account in the payment system.
    pub account: WithdrawAccount,
    /// The amount, on the side `amount_type` names.
    pub amount: Amount,
    /// Whether `amount` is what the payee receives or what the shop pays.
    pub amount_type: WithdrawAmountType,
    /// The payment system.
    pub payway: Payway,
    /// The currency debited from the shop.
    pub shop_currency: Currency,
    /// The merchant's id of this payout; also its idempotency key.
    pub shop_payment_id: ShopPaymentId,
    /// Payment-system specific details (not signed).
    pub account_details: Option<AccountDetails>,
}

impl WithdrawCreate {
    /// A payout to a payment system; send it with a client's `payout`, which makes it exactly once.
    pub fn new(
        account: WithdrawAccount,
        amount: Amount,
        amount_type: WithdrawAmountType,
        payway: Payway,
        shop_currency: Currency,
        shop_payment_id: ShopPaymentId,
    ) -> Self {
        Self {
            account,
            amount,
            amount_type,
            payway,
            shop_currency,
            shop_payment_id,
            account_details: None,
        }
    }

    /// Payment-system specific details (not signed).
    pub fn account_details(mut self, account_details: AccountDetails) -> Self {
        self.account_details = Some(account_details);
        self
    }
}

impl Endpoint for WithdrawCreate {
    const PATH: &'static str = "withdraw/create";
    type Output = Withdrawal;

    fn write_fields(&self, body: &mut BodyWriter) {
        body.signed_str("account", self.account.as_str());
        body.signed_amount("amount", self.amount);
        body.signed_str("amount_type", self.amount_type.as_str());
        body.signed_str("payway", self.payway.as_str());
        body.signed_currency("shop_currency", self.shop_currency);
        body.shop_id();
        body.signed_str("shop_payment_id", self.shop_payment_id.as_str());
        body.unsigned_object("account_details", self.account_details.as_ref());
    }

    fn shop_payment_id(&self) -> Option<&ShopPaymentId> {
        Some(&self.shop_payment_id)
    }
}

/// `withdraw/status`: a payout's status by Feennex's id.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WithdrawStatusById {
    /// The time of sending, from the caller's clock.
    pub now: Timestamp,
    /// Feennex's id of the payout.
    pub withdraw_id: u64,
}

impl WithdrawStatusById {
    /// The lookup of a payout by Feennex's id.
    pub fn new(now: Timestamp, withdraw_id: u64) -> Self {
        Self { now, withdraw_id }
    }
}

impl Endpoint for WithdrawStatusById {
    const PATH: &'static str = "withdraw/status";
    type Output = Withdrawal;
    const KIND: CallKind = CallKind::Idempotent;

    fn write_fields(&self, body: &mut BodyWriter) {
        body.signed_str("now", self.now.as_str());
        body.shop_id();
        body.signed_integer("withdraw_id", self.withdraw_id);
    }
}

/// `withdraw/shop_payment_status`: a payout's status by the merchant's id.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WithdrawShopPaymentStatus {
    /// The time of sending, from the caller's clock.
    pub now: Timestamp,
    /// The merchant's id of the payout.
    pub shop_payment_id: ShopPaymentId,
}

impl WithdrawShopPaymentStatus {
    /// The lookup of a payout by the merchant's id.
    pub fn new(now: Timestamp, shop_payment_id: ShopPaymentId) -> Self {
        Self { now, shop_payment_id }
    }
}

impl Endpoint for WithdrawShopPaymentStatus {
    const PATH: &'static str = "withdraw/shop_payment_status";
    type Output = Withdrawal;
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

/// An external payout, as created or looked up.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct Withdrawal {
    /// Feennex's id of the payout.
    #[serde(deserialize_with = "lenient::u64_from_number_or_string")]
    pub id: u64,
    /// Where the payout stands; poll until it is final.
    pub status: WithdrawStatus,
    /// What the payee receives, in `ps_currency`.
    #[serde(deserialize_with = "lenient::decimal")]
    pub payee_receive: Decimal,
    /// The payment system's currency.
    pub ps_currency: Currency,
    /// The shop's currency.
    pub shop_currency: Currency,
    /// What the shop pays, fees included.
    #[serde(deserialize_with = "lenient::decimal")]
    pub shop_write_off: Decimal,
    /// The merchant's id of the payout.
    #[serde(default, deserialize_with = "lenient::optional_string")]
    pub shop_payment_id: Option<String>,
    /// The shop balance after the payout (answered by create).
    #[serde(default, deserialize_with = "lenient::optional_decimal")]
    pub balance: Option<Decimal>,
}
