//! Payments through other payment systems: `invoice/try`, `invoice/create`.

use std::collections::BTreeMap;
use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::endpoints::bill::PaymentUrls;
use crate::endpoints::transfer::AccountFieldInfo;
use crate::lenient;
use crate::request::{BodyWriter, Endpoint};
use crate::retry::CallKind;
use crate::types::{Amount, Currency, Payway, ShopOrderId};

/// The signed part shared by `invoice/try` and `invoice/create`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct InvoiceTry {
    /// The amount to pay.
    pub amount: Amount,
    /// The currency of `amount`.
    pub currency: Currency,
    /// The payment system, such as `card_usd`.
    pub payway: Payway,
    /// The merchant's id of the order.
    pub shop_order_id: ShopOrderId,
}

impl InvoiceTry {
    /// A precalculation of a payment through a payment system.
    pub fn new(
        amount: Amount,
        currency: Currency,
        payway: Payway,
        shop_order_id: ShopOrderId,
    ) -> Self {
        Self { amount, currency, payway, shop_order_id }
    }
}

impl InvoiceTry {
    fn write_signed(&self, body: &mut BodyWriter) {
        body.signed_amount("amount", self.amount);
        body.signed_currency("currency", self.currency);
        body.signed_str("payway", self.payway.as_str());
        body.shop_id();
        body.signed_str("shop_order_id", self.shop_order_id.as_str());
    }
}

impl Endpoint for InvoiceTry {
    const PATH: &'static str = "invoice/try";
    type Output = InvoiceQuote;
    const KIND: CallKind = CallKind::Idempotent;

    fn write_fields(&self, body: &mut BodyWriter) {
        self.write_signed(body);
    }
}

/// The precalculation of a payment, and the extra fields the payer must supply.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct InvoiceQuote {
    /// Per add-on field (such as `email` or `phone`), how to ask the payer for it.
    #[serde(default, deserialize_with = "account_fields")]
    pub add_ons_config: BTreeMap<String, AccountFieldInfo>,
    /// What the payer pays, in `ps_currency`. The field must be present (an answer
    /// without it is an error); `None` only when the server sends `null`.
    #[serde(deserialize_with = "lenient::optional_decimal")]
    pub payer_price: Option<Decimal>,
    /// The payment system's currency.
    #[serde(default)]
    pub ps_currency: Option<Currency>,
    /// Feennex's id of the payment method.
    #[serde(default, deserialize_with = "lenient::optional_u64")]
    pub paymethod_id: Option<u64>,
    /// The payment method's name.
    #[serde(default, deserialize_with = "lenient::optional_string")]
    pub paymethod_name: Option<String>,
    /// Whether the payment is confirmed by hand.
    #[serde(default, deserialize_with = "lenient::optional_flag")]
    pub manual: Option<bool>,
    /// Free-form information from the server.
    #[serde(default, deserialize_with = "lenient::object")]
    pub info: serde_json::Map<String, serde_json::Value>,
}

/// A map of field descriptions; null or an empty list count as none.
pub(crate) fn account_fields<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<BTreeMap<String, AccountFieldInfo>, D::Error> {
    let object = lenient::object(deserializer)?;
    object
        .into_iter()
        .map(|(name, value)| {
            AccountFieldInfo::deserialize(value)
                .map(|info| (name, info))
                .map_err(serde::de::Error::custom)
        })
        .collect()
}

/// The add-on fields a payment system asks for (see
/// [`InvoiceQuote::add_ons_config`]), sent unsigned with `invoice/create`.
///
/// Names that the request itself uses are refused, so that no field can be sent
/// twice or override a signed one.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct AddOnFields(BTreeMap<String, String>);

/// Why an add-on field cannot be sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AddOnFieldError {
    /// The name is empty.
    #[error("an add-on field has an empty name")]
    EmptyName,
    /// The name is one of the request's own fields.
    #[error("{0:?} is a field of the request itself, not an add-on field")]
    Reserved(String),
    /// The name was given twice.
    #[error("the add-on field {0:?} is given more than once")]
    Duplicate(String),
}

/// The names `invoice/create` writes itself.
const INVOICE_FIELDS: [&str; 10] = [
    "amount",
    "callback_url",
    "currency",
    "description",
    "failed_url",
    "payway",
    "shop_id",
    "shop_order_id",
    "sign",
    "success_url",
];

impl AddOnFields {
    /// No add-on fields.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a field; refuses empty, reserved and repeated names.
    pub fn insert(
        &mut self,
        name: impl Into<String>,
        value: impl Into<String>,
    ) -> Result<(), AddOnFieldError> {
        let name = name.into();
        if name.is_empty() {
            return Err(AddOnFieldError::EmptyName);
        }
        if INVOICE_FIELDS.contains(&name.as_str()) {
            return Err(AddOnFieldError::Reserved(name));
        }
        if self.0.contains_key(&name) {
            return Err(AddOnFieldError::Duplicate(name));
        }
        self.0.insert(name, value.into());
        Ok(())
    }

    /// The fields, by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(name, value)| (name.as_str(), value.as_str()))
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl TryFrom<BTreeMap<String, String>> for AddOnFields {
    type Error = AddOnFieldError;

    fn try_from(fields: BTreeMap<String, String>) -> Result<Self, AddOnFieldError> {
        let mut checked = Self::new();
        for (name, value) in fields {
            checked.insert(name, value)?;
        }
        Ok(checked)
    }
}

impl fmt::Debug for AddOnFields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.0.iter()).finish()
    }
}

/// `invoice/create`: creates a payment through another payment system.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct InvoiceCreate {
    /// The signed fields, the same as the precalculation's.
    pub invoice: InvoiceTry,
    /// The add-on fields the payment system asked for (not signed).
    pub add_ons: AddOnFields,
    /// What is paid for (not signed).
    pub description: Option<String>,
    /// Return and callback URLs (not signed).
    pub urls: PaymentUrls,
}

impl InvoiceCreate {
    /// The payment its precalculation describes; the signed fields are the same.
    pub fn new(invoice: InvoiceTry) -> Self {
        Self { invoice, add_ons: Default::default(), description: None, urls: Default::default() }
    }

    /// The add-on fields the payment system asked for (not signed).
    pub fn add_ons(mut self, add_ons: AddOnFields) -> Self {
        self.add_ons = add_ons;
        self
    }

    /// What is paid for (not signed).
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Return and callback URLs (not signed).
    pub fn urls(mut self, urls: PaymentUrls) -> Self {
        self.urls = urls;
        self
    }
}

impl Endpoint for InvoiceCreate {
    const PATH: &'static str = "invoice/create";
    type Output = InvoiceCreated;

    fn write_fields(&self, body: &mut BodyWriter) {
        self.invoice.write_signed(body);
        body.unsigned_str("description", self.description.as_deref());
        self.urls.write(body);
        body.unsigned_fields(self.add_ons.iter());
    }
}

/// A created payment: send the payer to `url` with `method` and the form `data`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct InvoiceCreated {
    /// Feennex's id of the payment.
    #[serde(deserialize_with = "lenient::u64_from_number_or_string")]
    pub id: u64,
    /// How to send the payer to `url`.
    #[serde(default)]
    pub method: Option<FormMethod>,
    /// Where to send the payer (absent for offline methods).
    #[serde(default, deserialize_with = "lenient::optional_string")]
    pub url: Option<String>,
    /// The form fields to send to `url`, provider-specific (a host-to-host payway
    /// returns a `session_id`).
    #[serde(default, deserialize_with = "lenient::object")]
    pub data: serde_json::Map<String, serde_json::Value>,
}

/// How the payer's browser goes to the payment system.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FormMethod {
    /// A link or a `GET` form.
    Get,
    /// A `POST` form.
    Post,
    /// Another word, such as `OFFLINE`, kept as sent.
    Other(String),
}

impl<'de> Deserialize<'de> for FormMethod {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = lenient::string_from_string_or_number(deserializer)?;
        Ok(match text.to_ascii_uppercase().as_str() {
            "GET" => Self::Get,
            "POST" => Self::Post,
            _ => Self::Other(text),
        })
    }
}

impl Serialize for FormMethod {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Other(word) => word,
        })
    }
}
