//! The hosted pay page: its address and signed form fields, from the same
//! parameter reader as the operations.

use feennex_proto::Merchant;
use feennex_proto::endpoints::PaymentUrls;
use feennex_proto::pay_page::{DEFAULT_PAY_PAGE_HOST, PayPage, PayPageLang};
use feennex_proto::prelude::BaseUrl;
use serde::Serialize;
use serde_json::Value;

use crate::failure::Failure;
use crate::params::Params;

/// The pay page's address and the fields to post to it, in sending order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PayPageView {
    /// The page's address, such as `https://pay.feennex.com/en/pay`.
    pub action: String,
    /// The form's fields: the signed ones by name, `sign`, then the others set.
    pub fields: Vec<(String, String)>,
}

/// The pay page of an order: `params` holds `amount`, `currency`,
/// `shop_order_id` and optionally `description`, `payway`, `payer_account`,
/// `success_url`, `failed_url`, `callback_url`, `lang` (`en` or `ru`, default
/// `en`) and `host` (default the production page's host).
pub fn pay_page(merchant: &Merchant, params: &Value) -> Result<PayPageView, Failure> {
    let p = Params::new(params)?;
    let mut page =
        PayPage::new(p.amount("amount")?, p.parse("currency")?, p.parse("shop_order_id")?);
    if let Some(description) = p.text("description")? {
        page = page.description(description);
    }
    if let Some(payway) = p.text("payway")? {
        page = page.payway(payway.parse().map_err(|error| Failure::invalid("payway", error))?);
    }
    if let Some(account) = p.text("payer_account")? {
        page = page.payer_account(account);
    }
    let mut urls = PaymentUrls::default();
    if let Some(url) = p.text("success_url")? {
        urls = urls.success_url(url);
    }
    if let Some(url) = p.text("failed_url")? {
        urls = urls.failed_url(url);
    }
    if let Some(url) = p.text("callback_url")? {
        urls = urls.callback_url(url);
    }
    let lang: PayPageLang = match p.text("lang")? {
        Some(text) => text.parse().map_err(|error| Failure::invalid("lang", error))?,
        None => PayPageLang::En,
    };
    let host = p.text("host")?.unwrap_or_else(|| DEFAULT_PAY_PAGE_HOST.to_owned());
    let host = BaseUrl::new(&host).map_err(|error| Failure::invalid("host", error))?;
    p.finish("the pay page")?;
    let form = merchant.pay_page(&page.urls(urls), lang, &host);
    let fields = form.fields.into_iter().map(|(name, value)| (name.to_owned(), value)).collect();
    Ok(PayPageView { action: form.action, fields })
}
