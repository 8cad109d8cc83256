//! A shop with its options: builds requests and makes the core's machines.

use std::time::Duration;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

use feennex_proto::pay_page::{PayPage, PayPageLang};
use feennex_proto::prelude::*;
use feennex_proto::session::CallLabel;

use crate::callback::{FieldRule, Notification, verify_with};
use crate::endpoints::{AnyEndpoint, with_endpoint};
use crate::errors::{from_core, invalid};
use crate::machine::{Erased, Exchange};
use crate::values::{Params, amount};

/// A built request: method, URL, headers and body.
type Built<'py> = (String, String, Vec<(String, String)>, Bound<'py, PyBytes>);

/// The shop (id, key, base URL) and the options of every call. Its `repr` never
/// shows the key.
#[pyclass(module = "feennex._native", frozen)]
#[derive(Debug)]
pub struct Session {
    inner: feennex_proto::Session,
    /// The key again, for verifying callbacks (the merchant keeps its own copy
    /// for signing only).
    secret: SecretKey,
}

fn duration(py: Python<'_>, name: &str, seconds: f64) -> PyResult<Duration> {
    Duration::try_from_secs_f64(seconds)
        .ok()
        .filter(|duration| !duration.is_zero())
        .ok_or_else(|| invalid(py, name, format!("{seconds} is not a positive number of seconds")))
}

fn label(label: &CallLabel) -> String {
    match &label.shop_payment_id {
        Some(id) => format!("{} {id:?}", label.endpoint),
        None => label.endpoint.to_owned(),
    }
}

#[pymethods]
impl Session {
    #[new]
    #[pyo3(signature = (shop_id, secret, base_url = None, *, attempt_timeout = 30.0,
        total_timeout = 120.0, max_creates = 4, max_status_checks = 12, allow_plain_http = false))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        shop_id: u64,
        secret: String,
        base_url: Option<&str>,
        attempt_timeout: f64,
        total_timeout: f64,
        max_creates: u32,
        max_status_checks: u32,
        allow_plain_http: bool,
    ) -> PyResult<Self> {
        let shop = ShopId::new(shop_id)
            .ok_or_else(|| invalid(py, "shop_id", "a shop id is a positive integer"))?;
        if secret.is_empty() {
            return Err(invalid(py, "secret", "the secret key is empty"));
        }
        let secret = SecretKey::new(secret);
        let mut merchant = Merchant::new(shop, secret.clone());
        if let Some(url) = base_url {
            let url = BaseUrl::new(url).map_err(|error| invalid(py, "base_url", error))?;
            merchant = merchant.with_base_url(url);
        }
        let options = ClientOptions::default()
            .attempt_timeout(duration(py, "attempt_timeout", attempt_timeout)?)
            .total_timeout(duration(py, "total_timeout", total_timeout)?)
            .payout_limits(max_creates, max_status_checks)
            .allow_plain_http(allow_plain_http);
        let inner = feennex_proto::Session::new(merchant, options)
            .map_err(|error| invalid(py, "base_url", error))?;
        Ok(Self { inner, secret })
    }

    /// The shop id.
    #[getter]
    fn shop_id(&self) -> u64 {
        self.inner.merchant().shop_id().get()
    }

    /// The base URL.
    #[getter]
    fn base_url(&self) -> String {
        self.inner.merchant().base_url().to_string()
    }

    /// The signed request of `endpoint` (its path) with these parameters.
    fn build<'py>(
        &self,
        py: Python<'py>,
        endpoint: &str,
        params: Bound<'py, PyDict>,
    ) -> PyResult<Built<'py>> {
        let endpoint = AnyEndpoint::new(endpoint, params)?;
        let merchant = self.inner.merchant();
        let request = with_endpoint!(&endpoint, e => merchant.build(e))
            .map_err(|error| from_core(py, &error))?;
        let headers = request
            .headers()
            .iter()
            .map(|(name, value)| {
                (name.as_str().to_owned(), String::from_utf8_lossy(value.as_bytes()).into_owned())
            })
            .collect();
        Ok((
            request.method().as_str().to_owned(),
            request.uri().to_string(),
            headers,
            PyBytes::new(py, request.body()),
        ))
    }

    /// The string-to-sign of a request, without the secret.
    fn string_to_sign(&self, endpoint: &str, params: Bound<'_, PyDict>) -> PyResult<String> {
        let endpoint = AnyEndpoint::new(endpoint, params)?;
        let merchant = self.inner.merchant();
        Ok(with_endpoint!(&endpoint, e => merchant.string_to_sign(e)))
    }

    /// One call with the retries its endpoint allows. Payout creates go through
    /// `payout`.
    fn call(
        &self,
        py: Python<'_>,
        endpoint: &str,
        params: Bound<'_, PyDict>,
    ) -> PyResult<Exchange> {
        macro_rules! single {
            ($e:expr) => {{
                let prepared = self.inner.call($e).map_err(|error| from_core(py, &error))?;
                Exchange::new(Box::new(Erased(prepared.machine)), label(&prepared.label))
            }};
        }
        Ok(match AnyEndpoint::new(endpoint, params)? {
            AnyEndpoint::TransferTry(e) => single!(&e),
            AnyEndpoint::TransferStatus(e) => single!(&e),
            AnyEndpoint::BillCreate(e) => single!(&e),
            AnyEndpoint::BillShopOrderStatus(e) => single!(&e),
            AnyEndpoint::InvoiceTry(e) => single!(&e),
            AnyEndpoint::InvoiceCreate(e) => single!(&e),
            AnyEndpoint::WithdrawTry(e) => single!(&e),
            AnyEndpoint::CheckAccount(e) => single!(&e),
            AnyEndpoint::WithdrawStatusById(e) => single!(&e),
            AnyEndpoint::WithdrawShopPaymentStatus(e) => single!(&e),
            AnyEndpoint::ShopBalance(e) => single!(&e),
            AnyEndpoint::TransferCreate(_) | AnyEndpoint::WithdrawCreate(_) => {
                return Err(invalid(
                    py,
                    "endpoint",
                    format!("{endpoint} is a payout: make it exactly once with payout()"),
                ));
            }
        })
    }

    /// A payout made exactly once (`transfer/create` or `withdraw/create`); with
    /// `resume=True`, looked up first (for a payout whose earlier run ended
    /// without a known outcome).
    #[pyo3(signature = (endpoint, params, resume = false))]
    fn payout(
        &self,
        py: Python<'_>,
        endpoint: &str,
        params: Bound<'_, PyDict>,
        resume: bool,
    ) -> PyResult<Exchange> {
        macro_rules! payout {
            ($e:expr) => {{
                let prepared =
                    if resume { self.inner.resume_payout($e) } else { self.inner.payout($e) }
                        .map_err(|error| from_core(py, &error))?;
                Exchange::new(Box::new(Erased(prepared.machine)), label(&prepared.label))
            }};
        }
        Ok(match AnyEndpoint::new(endpoint, params)? {
            AnyEndpoint::TransferCreate(e) => payout!(e),
            AnyEndpoint::WithdrawCreate(e) => payout!(e),
            _ => {
                return Err(invalid(
                    py,
                    "endpoint",
                    format!("{endpoint} is not a payout: use transfer/create or withdraw/create"),
                ));
            }
        })
    }

    /// The hosted pay page: its address and signed form fields, in sending order.
    #[pyo3(signature = (params, lang = "en", host = feennex_proto::pay_page::DEFAULT_PAY_PAGE_HOST))]
    fn pay_page(
        &self,
        py: Python<'_>,
        params: Bound<'_, PyDict>,
        lang: &str,
        host: &str,
    ) -> PyResult<(String, Vec<(String, String)>)> {
        let lang: PayPageLang = lang.parse().map_err(|error| invalid(py, "lang", error))?;
        let host = BaseUrl::new(host).map_err(|error| invalid(py, "host", error))?;
        let mut p = Params::new(params);
        let raw_amount = p.raw("amount")?;
        let amount = match raw_amount {
            Some(value) => amount(&value, "amount")?,
            None => return Err(invalid(py, "amount", "this parameter is required")),
        };
        let mut page = PayPage::new(amount, p.parsed("currency")?, p.parsed("shop_order_id")?);
        if let Some(description) = p.optional("description")? {
            page = page.description(description);
        }
        if let Some(payway) = p.optional("payway")? {
            page = page.payway(payway.parse().map_err(|error| invalid(py, "payway", error))?);
        }
        if let Some(account) = p.optional("payer_account")? {
            page = page.payer_account(account);
        }
        let mut urls = feennex_proto::endpoints::PaymentUrls::default();
        if let Some(url) = p.optional("success_url")? {
            urls = urls.success_url(url);
        }
        if let Some(url) = p.optional("failed_url")? {
            urls = urls.failed_url(url);
        }
        if let Some(url) = p.optional("callback_url")? {
            urls = urls.callback_url(url);
        }
        p.finish()?;
        let form = self.inner.merchant().pay_page(&page.urls(urls), lang, &host);
        let fields =
            form.fields.into_iter().map(|(name, value)| (name.to_owned(), value)).collect();
        Ok((form.action, fields))
    }

    /// Verifies a callback with this shop's key (see `feennex.verify_callback`).
    #[pyo3(signature = (
        body, content_type, sender, *,
        allow = None, checked_upstream = false, allow_fields = Vec::new(), permissive = false
    ))]
    #[allow(clippy::too_many_arguments)]
    fn verify_callback(
        &self,
        py: Python<'_>,
        body: &Bound<'_, PyBytes>,
        content_type: &str,
        sender: &str,
        allow: Option<Vec<String>>,
        checked_upstream: bool,
        allow_fields: Vec<String>,
        permissive: bool,
    ) -> PyResult<Notification> {
        let fields = FieldRule { allow_fields, permissive };
        verify_with(py, body, content_type, sender, &self.secret, allow, checked_upstream, &fields)
    }

    fn __repr__(&self) -> String {
        format!("Session(shop_id={}, base_url={:?})", self.shop_id(), self.base_url())
    }
}
