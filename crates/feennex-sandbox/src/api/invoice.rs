//! Payments through other payment systems: `invoice/try`, `invoice/create`.

use std::collections::BTreeMap;

use feennex_proto::prelude::{Currency, Decimal, ErrorCode};
use serde::Serialize;

use super::{FieldConfig, Text};
use crate::app::{App, check_limits, payway_not_available};
use crate::config::InvoicePayway;
use crate::ledger::{Payment, PaymentKind};
use crate::money::{Money, Split};
use crate::reply::ApiFailure;
use crate::request::{Call, MAX_ID_LEN};

const SIGNED: &[&str] = &["amount", "currency", "payway", "shop_id", "shop_order_id"];

struct Order {
    amount: Decimal,
    currency: Currency,
    payway: String,
    shop_order_id: String,
}

fn read_order(call: &mut Call<'_>) -> Order {
    Order {
        amount: call.amount("amount"),
        currency: call.currency("currency"),
        payway: call.text("payway", 64),
        shop_order_id: call.text("shop_order_id", MAX_ID_LEN),
    }
}

/// The payway, its index, and what the payer pays (limits are on the payer's price).
fn compute<'a>(
    app: &'a App,
    order: &Order,
) -> Result<(usize, &'a InvoicePayway, Split), ApiFailure> {
    let (index, payway) =
        app.invoice_payway(&order.payway).ok_or_else(|| payway_not_available(&order.payway))?;
    let rate = app.rate(order.currency, payway.currency)?;
    let split = app.split(order.amount, false, rate, payway.fee_percent)?;
    check_limits(split.write_off, payway.min, payway.max)?;
    Ok((index, payway, split))
}

fn add_on_config(name: &str) -> FieldConfig {
    match name {
        "email" => FieldConfig {
            label: Text { en: "E-mail", ru: "Электронная почта" },
            comment: Text { en: "For the receipt", ru: "Для чека" },
            example: "payer@example.com",
            regex: r"^[^@\s]+@[^@\s]+$",
        },
        _ => FieldConfig {
            label: Text { en: "Phone", ru: "Телефон" },
            comment: Text {
                en: "International format", ru: "Международный формат"
            },
            example: "+79001234567",
            regex: r"^\+?\d{10,15}$",
        },
    }
}

#[derive(Serialize)]
pub(crate) struct TryAnswer {
    add_ons_config: BTreeMap<String, FieldConfig>,
    info: BTreeMap<String, String>,
    manual: bool,
    payer_price: Money,
    paymethod_id: usize,
    paymethod_name: String,
    ps_currency: Currency,
}

pub(crate) fn try_invoice(app: &App, call: &mut Call<'_>) -> Result<TryAnswer, ApiFailure> {
    let order = read_order(call);
    call.authenticate(&app.secrets, SIGNED)?;
    let (index, payway, split) = compute(app, &order)?;
    Ok(TryAnswer {
        add_ons_config: payway
            .add_ons
            .iter()
            .map(|name| (name.clone(), add_on_config(name)))
            .collect(),
        info: BTreeMap::new(),
        manual: false,
        payer_price: Money(split.write_off),
        paymethod_id: index + 1,
        paymethod_name: payway.alias.clone(),
        ps_currency: payway.currency,
    })
}

#[derive(Serialize)]
pub(crate) struct CreateAnswer {
    data: BTreeMap<&'static str, String>,
    id: u64,
    method: String,
    url: String,
}

pub(crate) fn create(app: &App, call: &mut Call<'_>) -> Result<CreateAnswer, ApiFailure> {
    let order = read_order(call);
    let description = call.optional_text("description");
    let callback_url = call.optional_text("callback_url");
    call.optional_text("success_url");
    call.optional_text("failed_url");
    let mut extra = BTreeMap::new();
    for name in ["email", "phone"] {
        if let Some(value) = call.optional_text(name) {
            extra.insert(name.to_owned(), value);
        }
    }
    let shop_id = call.authenticate(&app.secrets, SIGNED)?;
    let (_, payway, split) = compute(app, &order)?;
    let missing: Vec<String> = payway
        .add_ons
        .iter()
        .filter(|name| !extra.contains_key(name.as_str()))
        .map(|name| format!("{name}=\"field required\""))
        .collect();
    if !missing.is_empty() {
        return Err(ApiFailure::new(
            ErrorCode::IncorrectRequestParam,
            format!("Incorrect values for parameters: {}", missing.join(", ")),
        ));
    }
    let payment = app.ledger().create_payment(Payment {
        kind: PaymentKind::Invoice,
        id: 0,
        shop_id,
        shop_order_id: order.shop_order_id,
        shop_amount: Money(order.amount),
        shop_currency: order.currency,
        shop_refund: Money(order.amount),
        payer_price: Money(split.write_off),
        payer_currency: payway.currency,
        payway: payway.alias.clone(),
        payer_account: None,
        description,
        callback_url,
        extra,
        created: super::now_iso(),
        processed: None,
        status: 0,
    })?;
    Ok(CreateAnswer {
        data: BTreeMap::from([("invoice_id", payment.id.to_string()), ("lang", "en".to_owned())]),
        id: payment.id,
        method: payway.method.clone(),
        url: super::bill::payment_url(app, PaymentKind::Invoice, payment.id),
    })
}
