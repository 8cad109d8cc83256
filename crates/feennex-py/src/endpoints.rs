//! Every endpoint by its path, made from a `dict` of Python values, and every
//! answer read by the core into its typed data (handed to Python as JSON text,
//! amounts as exact decimal strings).

use std::time::SystemTime;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

use feennex_proto::endpoints::{AddOnFields, PaymentUrls};
use feennex_proto::prelude::*;

use crate::errors::{from_core, invalid};
use crate::values::Params;

/// The endpoint paths the bindings know, in the API's order.
pub const ENDPOINTS: [&str; 12] = [
    "transfer/try",
    "transfer/create",
    "transfer/shop_payment_status",
    "bill/create",
    "bill/shop_order_status",
    "invoice/try",
    "invoice/create",
    "withdraw/try",
    "check_account",
    "withdraw/create",
    "withdraw/status",
    "withdraw/shop_payment_status",
];

/// One request of any endpoint.
#[derive(Debug)]
pub enum AnyEndpoint {
    TransferTry(TransferTry),
    TransferCreate(TransferCreate),
    TransferStatus(TransferStatus),
    BillCreate(BillCreate),
    BillShopOrderStatus(BillShopOrderStatus),
    InvoiceTry(InvoiceTry),
    InvoiceCreate(InvoiceCreate),
    WithdrawTry(WithdrawTry),
    CheckAccount(CheckAccount),
    WithdrawCreate(WithdrawCreate),
    WithdrawStatusById(WithdrawStatusById),
    WithdrawShopPaymentStatus(WithdrawShopPaymentStatus),
    ShopBalance(ShopBalance),
}

/// Runs `$body` with `$e` bound to the typed endpoint inside `$any`.
macro_rules! with_endpoint {
    ($any:expr, $e:ident => $body:expr) => {
        match $any {
            AnyEndpoint::TransferTry($e) => $body,
            AnyEndpoint::TransferCreate($e) => $body,
            AnyEndpoint::TransferStatus($e) => $body,
            AnyEndpoint::BillCreate($e) => $body,
            AnyEndpoint::BillShopOrderStatus($e) => $body,
            AnyEndpoint::InvoiceTry($e) => $body,
            AnyEndpoint::InvoiceCreate($e) => $body,
            AnyEndpoint::WithdrawTry($e) => $body,
            AnyEndpoint::CheckAccount($e) => $body,
            AnyEndpoint::WithdrawCreate($e) => $body,
            AnyEndpoint::WithdrawStatusById($e) => $body,
            AnyEndpoint::WithdrawShopPaymentStatus($e) => $body,
            AnyEndpoint::ShopBalance($e) => $body,
        }
    };
}
pub(crate) use with_endpoint;

/// The `now` of a lookup: the parameter when given (ISO 8601 text), else the
/// calendar clock.
fn now(params: &mut Params<'_>) -> PyResult<Timestamp> {
    match params.optional("now")? {
        Some(text) => text.parse().map_err(|error| invalid(params.py(), "now", error)),
        None => Timestamp::try_from(SystemTime::now())
            .map_err(|error| invalid(params.py(), "now", error)),
    }
}

fn urls(params: &mut Params<'_>) -> PyResult<PaymentUrls> {
    let mut urls = PaymentUrls::default();
    if let Some(url) = params.optional("success_url")? {
        urls = urls.success_url(url);
    }
    if let Some(url) = params.optional("failed_url")? {
        urls = urls.failed_url(url);
    }
    if let Some(url) = params.optional("callback_url")? {
        urls = urls.callback_url(url);
    }
    Ok(urls)
}

fn invoice_try(params: &mut Params<'_>) -> PyResult<InvoiceTry> {
    Ok(InvoiceTry::new(
        params.amount("amount")?,
        params.parsed("currency")?,
        params.parsed("payway")?,
        params.parsed("shop_order_id")?,
    ))
}

impl AnyEndpoint {
    /// The endpoint at `path`, from its parameters (API field names).
    pub fn new(path: &str, params: Bound<'_, PyDict>) -> PyResult<Self> {
        let py = params.py();
        let mut params = Params::new(params);
        let p = &mut params;
        let endpoint = match path {
            "transfer/try" => Self::TransferTry(
                TransferTry::builder()
                    .amount(p.amount("amount")?)
                    .amount_type(p.parsed("amount_type")?)
                    .payee_currency(p.parsed("payee_currency")?)
                    .shop_currency(p.parsed("shop_currency")?)
                    .build(),
            ),
            "transfer/create" => {
                let create = TransferCreate::builder()
                    .amount(p.amount("amount")?)
                    .amount_type(p.parsed("amount_type")?)
                    .payee_account(p.parsed("payee_account")?)
                    .payee_currency(p.parsed("payee_currency")?)
                    .shop_currency(p.parsed("shop_currency")?)
                    .shop_payment_id(p.parsed("shop_payment_id")?)
                    .maybe_description(p.optional("description")?)
                    .build();
                Self::TransferCreate(create)
            }
            "transfer/shop_payment_status" => {
                Self::TransferStatus(TransferStatus::new(now(p)?, p.parsed("shop_payment_id")?))
            }
            "bill/create" => {
                let bill = BillCreate::builder()
                    .payer_currency(p.parsed("payer_currency")?)
                    .shop_amount(p.amount("shop_amount")?)
                    .shop_currency(p.parsed("shop_currency")?)
                    .shop_order_id(p.parsed("shop_order_id")?)
                    .maybe_description(p.optional("description")?)
                    .maybe_payer_account(p.optional("payer_account")?)
                    .urls(urls(p)?)
                    .build();
                Self::BillCreate(bill)
            }
            "bill/shop_order_status" => Self::BillShopOrderStatus(BillShopOrderStatus::new(
                now(p)?,
                p.parsed("shop_order_id")?,
            )),
            "invoice/try" => Self::InvoiceTry(invoice_try(p)?),
            "invoice/create" => {
                let mut invoice = InvoiceCreate::new(invoice_try(p)?);
                let mut add_ons = AddOnFields::new();
                for (name, value) in p.texts("add_ons")? {
                    add_ons.insert(name, value).map_err(|error| invalid(py, "add_ons", error))?;
                }
                invoice = invoice.add_ons(add_ons);
                if let Some(description) = p.optional("description")? {
                    invoice = invoice.description(description);
                }
                Self::InvoiceCreate(invoice.urls(urls(p)?))
            }
            "withdraw/try" => Self::WithdrawTry(WithdrawTry::new(
                p.amount("amount")?,
                p.parsed("amount_type")?,
                p.parsed("payway")?,
                p.parsed("shop_currency")?,
            )),
            "check_account" => {
                let mut check = CheckAccount::new(
                    p.parsed("account")?,
                    p.amount("amount")?,
                    p.parsed("payway")?,
                );
                if let Some(details) = p.object("account_details")? {
                    check = check.account_details(details);
                }
                Self::CheckAccount(check)
            }
            "withdraw/create" => {
                let mut create = WithdrawCreate::new(
                    p.parsed("account")?,
                    p.amount("amount")?,
                    p.parsed("amount_type")?,
                    p.parsed("payway")?,
                    p.parsed("shop_currency")?,
                    p.parsed("shop_payment_id")?,
                );
                if let Some(details) = p.object("account_details")? {
                    create = create.account_details(details);
                }
                Self::WithdrawCreate(create)
            }
            "withdraw/status" => {
                Self::WithdrawStatusById(WithdrawStatusById::new(now(p)?, p.parsed("withdraw_id")?))
            }
            "withdraw/shop_payment_status" => Self::WithdrawShopPaymentStatus(
                WithdrawShopPaymentStatus::new(now(p)?, p.parsed("shop_payment_id")?),
            ),
            "shop_balance" => Self::ShopBalance(ShopBalance::new(now(p)?)),
            other => {
                let known = ENDPOINTS.join(", ");
                return Err(invalid(
                    py,
                    "endpoint",
                    format!("{other:?} is not an endpoint; known: {known}, shop_balance"),
                ));
            }
        };
        params.finish()?;
        Ok(endpoint)
    }
}

/// Reads an answer of `endpoint` (its path) from the HTTP status and body into the
/// typed data as JSON text; an error envelope raises `feennex.ApiError` with the
/// API's code, a body that is not an envelope `feennex.NotEnvelope`.
#[pyfunction(name = "parse_response")]
pub fn parse_answer(
    py: Python<'_>,
    endpoint: &str,
    status: u16,
    body: &Bound<'_, PyBytes>,
) -> PyResult<String> {
    let status = http::StatusCode::from_u16(status)
        .map_err(|_| invalid(py, "status", format!("{status} is not an HTTP status")))?;
    let body = body.as_bytes();
    macro_rules! parse {
        ($($path:literal => $endpoint:ty),* $(,)?) => {
            match endpoint {
                $($path => feennex_proto::response::parse_response::<$endpoint>(status, body)
                    .map(|output| json(&output)),)*
                other => return Err(invalid(py, "endpoint", format!("{other:?} is not an endpoint"))),
            }
        };
    }
    let parsed = parse! {
        "transfer/try" => TransferTry,
        "transfer/create" => TransferCreate,
        "transfer/shop_payment_status" => TransferStatus,
        "bill/create" => BillCreate,
        "bill/shop_order_status" => BillShopOrderStatus,
        "invoice/try" => InvoiceTry,
        "invoice/create" => InvoiceCreate,
        "withdraw/try" => WithdrawTry,
        "check_account" => CheckAccount,
        "withdraw/create" => WithdrawCreate,
        "withdraw/status" => WithdrawStatusById,
        "withdraw/shop_payment_status" => WithdrawShopPaymentStatus,
        "shop_balance" => ShopBalance,
    };
    parsed.map_err(|error| from_core(py, &error))
}

/// The JSON text of a typed answer (decimals as exact strings).
pub fn json<T: serde::Serialize>(output: &T) -> String {
    // The core's answer types serialize to plain JSON values: this cannot fail.
    serde_json::to_string(output).unwrap_or_else(|_| "null".to_owned())
}
