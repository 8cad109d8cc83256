//! Verifying callbacks through the shared layer: the core checks the sender, the
//! body, the signature and the field set; the merchant's order is compared as
//! decimals by the core too.

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

use feennex_ops::proto::callback::Notification as CoreNotification;
use feennex_ops::proto::prelude::{Currency, Decimal, ShopId};
use feennex_ops::{CallbackInput, FieldRule, SenderRule};

use crate::errors::raised;
use crate::values::text_of;

/// The sender rule and the field rule as the core takes them (it checks both).
pub fn rules<'a>(
    allow: &'a Option<Vec<String>>,
    checked_upstream: bool,
    allow_fields: &'a [String],
    permissive: bool,
) -> (SenderRule<'a>, FieldRule<'a>) {
    (
        SenderRule { allow: allow.as_deref(), checked_upstream },
        FieldRule { allow_fields, permissive },
    )
}

/// Verifies a callback with `secret` (a caller with a `Session` uses its
/// `verify_callback`, which needs no key): the sender, the body (form or JSON),
/// its signature in constant time, and its field set. Raises
/// `feennex.CallbackRejected` (with a `reason`) when any check fails.
#[pyfunction]
#[pyo3(signature = (
    body, content_type, sender, secret, *,
    allow = None, checked_upstream = false, allow_fields = Vec::new(), permissive = false
))]
#[allow(clippy::too_many_arguments)]
pub fn verify_callback(
    py: Python<'_>,
    body: &Bound<'_, PyBytes>,
    content_type: &str,
    sender: &str,
    secret: &str,
    allow: Option<Vec<String>>,
    checked_upstream: bool,
    allow_fields: Vec<String>,
    permissive: bool,
) -> PyResult<Notification> {
    let (senders, fields) = rules(&allow, checked_upstream, &allow_fields, permissive);
    let input =
        CallbackInput { body: body.as_bytes(), content_type, remote_ip: sender, senders, fields };
    let notification = feennex_ops::verify_with_secret(input, secret).map_err(raised(py))?;
    Ok(Notification::new(notification))
}

/// A callback whose signature was verified: every received field, and typed
/// views of the known ones (`None` when absent or unreadable).
#[pyclass(module = "feennex._native", frozen)]
#[derive(Debug)]
pub struct Notification {
    inner: CoreNotification,
}

impl Notification {
    pub fn new(inner: CoreNotification) -> Self {
        Self { inner }
    }
}

fn decimal<'py>(py: Python<'py>, value: Option<Decimal>) -> PyResult<Option<Bound<'py, PyAny>>> {
    let Some(value) = value else { return Ok(None) };
    let class = py.import("decimal")?.getattr("Decimal")?;
    class.call1((value.to_string(),)).map(Some)
}

#[pymethods]
impl Notification {
    /// Every received field: its text, or `None` for a JSON `null`.
    #[getter]
    fn fields<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        for (name, value) in self.inner.fields() {
            dict.set_item(name, value)?;
        }
        Ok(dict)
    }

    /// The text of a field.
    fn field(&self, name: &str) -> Option<String> {
        self.inner.field(name).map(str::to_owned)
    }

    #[getter]
    fn shop_id(&self) -> Option<u64> {
        self.inner.shop_id().map(ShopId::get)
    }

    #[getter]
    fn shop_order_id(&self) -> Option<String> {
        self.inner.shop_order_id().map(str::to_owned)
    }

    #[getter]
    fn shop_amount<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        decimal(py, self.inner.shop_amount())
    }

    #[getter]
    fn shop_currency(&self) -> Option<u16> {
        self.inner.shop_currency().map(Currency::code)
    }

    #[getter]
    fn shop_refund<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        decimal(py, self.inner.shop_refund())
    }

    #[getter]
    fn client_price<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        decimal(py, self.inner.client_price())
    }

    #[getter]
    fn ps_currency(&self) -> Option<u16> {
        self.inner.ps_currency().map(Currency::code)
    }

    /// `status` as sent: `success`, `rejected`, `hold`, `cancel` or another word.
    #[getter]
    fn status(&self) -> Option<String> {
        self.inner.status().map(|status| status.to_string())
    }

    #[getter]
    fn payment_id(&self) -> Option<String> {
        self.inner.payment_id().map(str::to_owned)
    }

    #[getter]
    fn payway(&self) -> Option<String> {
        self.inner.payway().map(str::to_owned)
    }

    /// Checks the callback against the merchant's order: shop, order id, amount
    /// (as decimals: `10.0` equals `10.00`) and currency. Raises
    /// `feennex.OrderMismatch` naming the field that differs.
    fn check_order(
        &self,
        py: Python<'_>,
        shop_id: u64,
        shop_order_id: &str,
        amount: &Bound<'_, PyAny>,
        currency: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let order = serde_json::json!({
            "shop_id": shop_id,
            "shop_order_id": shop_order_id,
            "amount": text_of(amount, "amount")?,
            "currency": text_of(currency, "currency")?,
        });
        feennex_ops::check_order(&self.inner, &order).map_err(raised(py))
    }

    fn __repr__(&self) -> String {
        format!(
            "Notification(shop_order_id={:?}, status={:?})",
            self.inner.shop_order_id(),
            self.status()
        )
    }
}
