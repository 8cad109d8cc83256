//! A shop with its options: builds requests and makes the core's machines, all
//! through the shared layer (`feennex-ops`), the same layer as Node.js and C.

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use serde_json::{Value, json};

use feennex_ops::{CallbackInput, Operation};

use crate::callback::{Notification, rules};
use crate::errors::{invalid, raised};
use crate::machine::Exchange;
use crate::values::params;

/// A built request: method, URL, headers and body.
type Built<'py> = (String, String, Vec<(String, String)>, Bound<'py, PyBytes>);

/// The shop (id, key, base URL) and the options of every call. The key is kept
/// by the core, never shown; its `repr` says only the shop and the URL.
#[pyclass(module = "feennex._native", frozen)]
#[derive(Debug)]
pub struct Session {
    inner: feennex_ops::proto::Session,
}

/// Whole milliseconds of a positive number of seconds.
fn millis(py: Python<'_>, name: &str, seconds: f64) -> PyResult<u64> {
    let ms = (seconds * 1000.0).ceil();
    if !(1.0..1e15).contains(&ms) {
        return Err(invalid(py, name, format!("{seconds} is not a positive number of seconds")));
    }
    Ok(ms as u64)
}

/// The exchange of a machine, labelled for its `repr`.
fn exchange(operation: Operation, params: &Value, machine: feennex_ops::Machine) -> Exchange {
    let label = match params.get("shop_payment_id").and_then(Value::as_str) {
        Some(id) => format!("{} {id:?}", operation.name()),
        None => operation.name().to_owned(),
    };
    Exchange::new(machine, label)
}

fn operation(py: Python<'_>, endpoint: &str) -> PyResult<Operation> {
    Operation::from_name(endpoint).map_err(raised(py))
}

#[pymethods]
impl Session {
    #[new]
    #[pyo3(signature = (shop_id, secret, base_url = None, *, attempt_timeout = 30.0,
        total_timeout = 120.0, max_creates = 4, max_status_checks = 12, allow_plain_http = false,
        max_response_bytes = None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        shop_id: u64,
        secret: &str,
        base_url: Option<&str>,
        attempt_timeout: f64,
        total_timeout: f64,
        max_creates: u32,
        max_status_checks: u32,
        allow_plain_http: bool,
        max_response_bytes: Option<u64>,
    ) -> PyResult<Self> {
        let mut options = json!({
            "attempt_timeout_ms": millis(py, "attempt_timeout", attempt_timeout)?,
            "total_timeout_ms": millis(py, "total_timeout", total_timeout)?,
            "max_creates": max_creates,
            "max_status_checks": max_status_checks,
            "allow_plain_http": allow_plain_http,
        });
        if let Some(bytes) = max_response_bytes {
            options["max_response_bytes"] = bytes.into();
        }
        let merchant = feennex_ops::merchant(shop_id, secret, base_url).map_err(raised(py))?;
        let inner = feennex_ops::session(merchant, &options).map_err(raised(py))?;
        Ok(Self { inner })
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

    /// The largest answer a driver reads, in bytes.
    #[getter]
    fn max_response_bytes(&self) -> usize {
        feennex_ops::max_response_bytes(&self.inner)
    }

    /// The signed request of `endpoint` (its path) with these parameters.
    fn build<'py>(
        &self,
        py: Python<'py>,
        endpoint: &str,
        params: &Bound<'py, PyDict>,
    ) -> PyResult<Built<'py>> {
        let params = self::params(params)?;
        let request =
            operation(py, endpoint)?.build(self.inner.merchant(), &params).map_err(raised(py))?;
        let headers = request.headers.into_iter().collect();
        Ok((request.method, request.url, headers, PyBytes::new(py, request.body.as_bytes())))
    }

    /// The string-to-sign of a request, without the secret.
    fn string_to_sign(
        &self,
        py: Python<'_>,
        endpoint: &str,
        params: &Bound<'_, PyDict>,
    ) -> PyResult<String> {
        let params = self::params(params)?;
        operation(py, endpoint)?.string_to_sign(self.inner.merchant(), &params).map_err(raised(py))
    }

    /// One call with the retries its endpoint allows. Payout creates go through
    /// `payout`.
    fn call(
        &self,
        py: Python<'_>,
        endpoint: &str,
        params: &Bound<'_, PyDict>,
    ) -> PyResult<Exchange> {
        let params = self::params(params)?;
        let operation = operation(py, endpoint)?;
        let machine = operation.call(&self.inner, &params).map_err(raised(py))?;
        Ok(exchange(operation, &params, machine))
    }

    /// A payout made exactly once (`transfer/create` or `withdraw/create`); with
    /// `resume=True`, looked up first (for a payout whose earlier run ended
    /// without a known outcome).
    #[pyo3(signature = (endpoint, params, resume = false))]
    fn payout(
        &self,
        py: Python<'_>,
        endpoint: &str,
        params: &Bound<'_, PyDict>,
        resume: bool,
    ) -> PyResult<Exchange> {
        let params = self::params(params)?;
        let operation = operation(py, endpoint)?;
        let machine = operation.payout(&self.inner, &params, resume).map_err(raised(py))?;
        Ok(exchange(operation, &params, machine))
    }

    /// The hosted pay page: its address and signed form fields, in sending order.
    #[pyo3(signature = (params, lang = "en", host = feennex_ops::proto::pay_page::DEFAULT_PAY_PAGE_HOST))]
    fn pay_page(
        &self,
        py: Python<'_>,
        params: &Bound<'_, PyDict>,
        lang: &str,
        host: &str,
    ) -> PyResult<(String, Vec<(String, String)>)> {
        let mut params = self::params(params)?;
        params["lang"] = lang.into();
        params["host"] = host.into();
        let page = feennex_ops::pay_page(self.inner.merchant(), &params).map_err(raised(py))?;
        Ok((page.action, page.fields))
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
        let (senders, fields) = rules(&allow, checked_upstream, &allow_fields, permissive);
        let input = CallbackInput {
            body: body.as_bytes(),
            content_type,
            remote_ip: sender,
            senders,
            fields,
        };
        let notification =
            feennex_ops::verify_with_session(&self.inner, input).map_err(raised(py))?;
        Ok(Notification::new(notification))
    }

    fn __repr__(&self) -> String {
        format!("Session(shop_id={}, base_url={:?})", self.shop_id(), self.base_url())
    }
}
