//! The hosted pay page: a form the payer's browser submits to Feennex. The core
//! only builds its address and signed fields; nothing is sent.

use std::fmt;
use std::str::FromStr;

use crate::endpoints::PaymentUrls;
use crate::request::{BaseUrl, Merchant};
use crate::sign::sign;
use crate::types::{Amount, Currency, Payway, ShopOrderId};

/// Where the hosted pay page lives (inferred from the engine's other brands).
pub const DEFAULT_PAY_PAGE_HOST: &str = "https://pay.feennex.com";

/// The language of the hosted pay page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum PayPageLang {
    /// English.
    #[default]
    En,
    /// Russian.
    Ru,
}

/// The text is not a pay page language.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a pay page language (expected en or ru)")]
pub struct PayPageLangError(String);

impl PayPageLang {
    /// The language as it appears in the path.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Ru => "ru",
        }
    }
}

impl FromStr for PayPageLang {
    type Err = PayPageLangError;

    fn from_str(text: &str) -> Result<Self, PayPageLangError> {
        match text {
            "en" => Ok(Self::En),
            "ru" => Ok(Self::Ru),
            other => Err(PayPageLangError(other.chars().take(20).collect())),
        }
    }
}

impl fmt::Display for PayPageLang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A payment on the hosted page: what the payer is asked to pay.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PayPage {
    /// The amount to pay.
    pub amount: Amount,
    /// The currency of `amount`.
    pub currency: Currency,
    /// The merchant's id of the order.
    pub shop_order_id: ShopOrderId,
    /// What is paid for (not signed).
    pub description: Option<String>,
    /// A payment system chosen in advance (not signed).
    pub payway: Option<Payway>,
    /// The payer's account, when known (not signed).
    pub payer_account: Option<String>,
    /// Return and callback URLs (not signed).
    pub urls: PaymentUrls,
}

impl PayPage {
    /// A payment of `amount` in `currency` for an order.
    pub fn new(amount: Amount, currency: Currency, shop_order_id: ShopOrderId) -> Self {
        Self {
            amount,
            currency,
            shop_order_id,
            description: None,
            payway: None,
            payer_account: None,
            urls: Default::default(),
        }
    }

    /// What is paid for (not signed).
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// A payment system chosen in advance (not signed).
    pub fn payway(mut self, payway: Payway) -> Self {
        self.payway = Some(payway);
        self
    }

    /// The payer's account, when known (not signed).
    pub fn payer_account(mut self, payer_account: impl Into<String>) -> Self {
        self.payer_account = Some(payer_account.into());
        self
    }

    /// Return and callback URLs (not signed).
    pub fn urls(mut self, urls: PaymentUrls) -> Self {
        self.urls = urls;
        self
    }
}

/// The form for the payer's browser: `POST` these fields to `action`, or open
/// [`url_with_query`](Self::url_with_query).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayPageForm {
    /// The page's address, such as `https://pay.feennex.com/en/pay`.
    pub action: String,
    /// The fields in the order they are best sent: signed ones by name, `sign`,
    /// then the unsigned ones that are set.
    pub fields: Vec<(&'static str, String)>,
}

impl PayPageForm {
    /// The page's address with every field as a query parameter, percent-encoded.
    pub fn url_with_query(&self) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (name, value) in &self.fields {
            query.append_pair(name, value);
        }
        format!("{}?{}", self.action, query.finish())
    }

    /// The value of a field.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(field, _)| *field == name).map(|(_, value)| value.as_str())
    }
}

impl Merchant {
    /// The address and signed fields of the hosted pay page for a payment.
    ///
    /// ```
    /// use feennex_proto::pay_page::{DEFAULT_PAY_PAGE_HOST, PayPage, PayPageLang};
    /// use feennex_proto::prelude::*;
    ///
    /// let merchant = Merchant::new(ShopId::new(5).unwrap(), SecretKey::new("SecretKey01"));
    /// let page = PayPage::new("10.00".parse()?, Currency::RUB, ShopOrderId::new("101")?)
    ///     .description("Order 101");
    /// let host = BaseUrl::new(DEFAULT_PAY_PAGE_HOST)?;
    /// let form = merchant.pay_page(&page, PayPageLang::Ru, &host);
    /// assert_eq!(form.action, "https://pay.feennex.com/ru/pay");
    /// assert_eq!(form.field("amount"), Some("10"));
    /// assert!(form.url_with_query().ends_with("&description=Order+101"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn pay_page(&self, page: &PayPage, lang: PayPageLang, host: &BaseUrl) -> PayPageForm {
        let signed: [(&'static str, String); 4] = [
            ("amount", page.amount.as_str().to_owned()),
            ("currency", page.currency.to_string()),
            ("shop_id", self.shop_id().to_string()),
            ("shop_order_id", page.shop_order_id.as_str().to_owned()),
        ];
        let signature = sign(&signed, self.secret());
        let mut fields: Vec<(&'static str, String)> = signed.into();
        fields.push(("sign", signature.as_str().to_owned()));
        let unsigned = [
            ("description", page.description.as_deref()),
            ("payway", page.payway.as_ref().map(Payway::as_str)),
            ("payer_account", page.payer_account.as_deref()),
            ("success_url", page.urls.success_url.as_deref()),
            ("failed_url", page.urls.failed_url.as_deref()),
            ("callback_url", page.urls.callback_url.as_deref()),
        ];
        fields.extend(
            unsigned.into_iter().filter_map(|(name, value)| Some((name, value?.to_owned()))),
        );
        PayPageForm { action: host.join(&format!("{}/pay", lang.as_str())), fields }
    }
}
