//! Verifying callbacks: the core checks the sender, the body and the signature;
//! the merchant's order is compared as decimals by the core too.

use std::net::IpAddr;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

use feennex_proto::callback::{
    CallbackPolicy, ExpectedOrder, IpRange, SenderCheck, verify_callback_with,
};
use feennex_proto::{
    SecretKey,
    prelude::{Currency, Decimal, ShopId, ShopOrderId},
};

use crate::errors::{invalid, mismatch, rejection};
use crate::values::text_of;

/// The sender policy: an allow list, or a proxy in front that already checked.
/// There is no default: exactly one of the two must be given.
fn senders(
    py: Python<'_>,
    allow: Option<Vec<String>>,
    checked_upstream: bool,
) -> PyResult<SenderCheck> {
    match (allow, checked_upstream) {
        (Some(_), true) => {
            Err(invalid(py, "senders", "give either allow or checked_upstream=True"))
        }
        (None, false) => Err(invalid(
            py,
            "senders",
            "say who may send callbacks: allow=[addresses or ranges], or checked_upstream=True",
        )),
        (None, true) => Ok(SenderCheck::CheckedUpstream),
        (Some(list), false) => list
            .iter()
            .map(|text| text.parse::<IpRange>().map_err(|error| invalid(py, "allow", error)))
            .collect::<PyResult<Vec<_>>>()
            .map(SenderCheck::AllowList),
    }
}

/// Which fields a callback may carry: by default the documented ones, and those of
/// a payment are required; `allow_fields` adds names; `permissive` checks the
/// signature only (then confirm the payment with the API before acting).
#[derive(Debug, Default)]
pub struct FieldRule {
    /// Names accepted besides the documented callback fields.
    pub allow_fields: Vec<String>,
    /// Whether the field set is left unchecked.
    pub permissive: bool,
}

impl FieldRule {
    /// The core's policy; both given, or an empty name, raises `InvalidValue`
    /// naming the argument at fault.
    fn policy(&self, py: Python<'_>) -> PyResult<CallbackPolicy> {
        CallbackPolicy::from_rule(self.allow_fields.iter().map(String::as_str), self.permissive)
            .map_err(|error| invalid(py, error.argument(), error))
    }
}

/// Verifies a callback: the sender, the body (form or JSON), its signature in
/// constant time, and its field set. Raises `feennex.CallbackRejected` (with a
/// `reason`) when any check fails.
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
    secret: String,
    allow: Option<Vec<String>>,
    checked_upstream: bool,
    allow_fields: Vec<String>,
    permissive: bool,
) -> PyResult<Notification> {
    let fields = FieldRule { allow_fields, permissive };
    let secret = SecretKey::new(secret);
    verify_with(py, body, content_type, sender, &secret, allow, checked_upstream, &fields)
}

/// Verifies a callback with `secret`.
#[allow(clippy::too_many_arguments)]
pub fn verify_with(
    py: Python<'_>,
    body: &Bound<'_, PyBytes>,
    content_type: &str,
    sender: &str,
    secret: &SecretKey,
    allow: Option<Vec<String>>,
    checked_upstream: bool,
    fields: &FieldRule,
) -> PyResult<Notification> {
    let field_policy = fields.policy(py)?;
    let policy = senders(py, allow, checked_upstream)?;
    let sender: IpAddr = sender
        .trim()
        .parse()
        .map_err(|_| invalid(py, "sender", format!("{sender:?} is not an IP address")))?;
    let notification =
        verify_callback_with(body.as_bytes(), content_type, sender, secret, &policy, &field_policy)
            .map_err(|error| rejection(py, &error))?;
    Ok(Notification { inner: notification })
}

/// A callback whose signature was verified: every received field, and typed
/// views of the known ones (`None` when absent or unreadable).
#[pyclass(module = "feennex._native", frozen)]
#[derive(Debug)]
pub struct Notification {
    inner: feennex_proto::callback::Notification,
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
        let amount_text = text_of(amount, "amount")?;
        let amount: Decimal = amount_text.parse().map_err(|_| {
            invalid(py, "amount", format!("{amount_text:?} is not a decimal number"))
        })?;
        let currency: Currency = text_of(currency, "currency")?
            .parse()
            .map_err(|error| invalid(py, "currency", error))?;
        let order = ExpectedOrder {
            shop_id: ShopId::new(shop_id)
                .ok_or_else(|| invalid(py, "shop_id", "a shop id is a positive integer"))?,
            shop_order_id: ShopOrderId::new(shop_order_id)
                .map_err(|error| invalid(py, "shop_order_id", error))?,
            amount,
            currency,
        };
        self.inner.check_order(&order).map_err(|error| {
            use feennex_proto::callback::OrderMismatch as M;
            let field = match &error {
                M::ShopId { .. } => "shop_id",
                M::ShopOrderId { .. } => "shop_order_id",
                M::Amount { .. } => "shop_amount",
                M::Currency { .. } => "shop_currency",
                _ => "order",
            };
            mismatch(py, &error, field, self.inner.field(field))
        })
    }

    fn __repr__(&self) -> String {
        format!(
            "Notification(shop_order_id={:?}, status={:?})",
            self.inner.shop_order_id(),
            self.status()
        )
    }
}
