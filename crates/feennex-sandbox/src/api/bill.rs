//! Payments by Feennex wallet holders: `bill/create`, `bill/shop_order_status`.

use std::collections::BTreeMap;

use feennex_proto::prelude::{Currency, ErrorCode};
use serde::Serialize;

use crate::app::App;
use crate::ledger::{Payment, PaymentKind};
use crate::money::Money;
use crate::reply::ApiFailure;
use crate::request::{Call, MAX_ID_LEN};

const CREATE_SIGNED: &[&str] =
    &["payer_currency", "shop_amount", "shop_currency", "shop_id", "shop_order_id"];
const STATUS_SIGNED: &[&str] = &["now", "shop_id", "shop_order_id"];

/// Minutes a bill may be paid in.
const LIFETIME_MINUTES: u32 = 43_200;

/// Where the payer of a payment is sent: the sandbox's own pay page.
pub(crate) fn payment_url(app: &App, kind: PaymentKind, id: u64) -> String {
    format!("{}/_sandbox/pay/{}/{id}", app.base_url, kind.name())
}

#[derive(Serialize)]
pub(crate) struct CreateAnswer {
    created: String,
    id: u64,
    lifetime: u32,
    payer_account: Option<String>,
    payer_currency: Currency,
    payer_price: Money,
    shop_amount: Money,
    shop_currency: Currency,
    shop_id: u64,
    shop_order_id: String,
    shop_refund: Money,
    url: String,
}

pub(crate) fn create(app: &App, call: &mut Call<'_>) -> Result<CreateAnswer, ApiFailure> {
    let payer_currency = call.currency("payer_currency");
    let shop_amount = call.amount("shop_amount");
    let shop_currency = call.currency("shop_currency");
    let shop_order_id = call.text("shop_order_id", MAX_ID_LEN);
    let description = call.optional_text("description");
    let payer_account = call.optional_text("payer_account");
    let callback_url = call.optional_text("callback_url");
    call.optional_text("success_url");
    call.optional_text("failed_url");
    let shop_id = call.authenticate(&app.secrets, CREATE_SIGNED)?;
    let rate = app.rate(shop_currency, payer_currency)?;
    let split = app.split(shop_amount, false, rate, app.bill_fee_percent)?;
    let created = super::now_rfc1123();
    let payment = app.ledger().create_payment(Payment {
        kind: PaymentKind::Bill,
        id: 0,
        shop_id,
        shop_order_id,
        shop_amount: Money(shop_amount),
        shop_currency,
        shop_refund: Money(shop_amount),
        payer_price: Money(split.write_off),
        payer_currency,
        payway: "feennex_wallet".to_owned(),
        payer_account,
        description,
        callback_url,
        extra: BTreeMap::new(),
        created: created.clone(),
        processed: None,
        status: 0,
    })?;
    Ok(CreateAnswer {
        created,
        url: payment_url(app, PaymentKind::Bill, payment.id),
        id: payment.id,
        lifetime: LIFETIME_MINUTES,
        payer_account: payment.payer_account,
        payer_currency,
        payer_price: payment.payer_price,
        shop_amount: payment.shop_amount,
        shop_currency,
        shop_id,
        shop_order_id: payment.shop_order_id,
        shop_refund: payment.shop_refund,
    })
}

#[derive(Serialize)]
pub(crate) struct StatusAnswer {
    created: String,
    id: u64,
    payer_currency: Currency,
    payer_price: Money,
    processed: Option<String>,
    shop_amount: Money,
    shop_currency: Currency,
    shop_order_id: String,
    shop_refund: Money,
    status: u8,
}

pub(crate) fn shop_order_status(
    app: &App,
    call: &mut Call<'_>,
) -> Result<StatusAnswer, ApiFailure> {
    call.text("now", 64);
    let shop_order_id = call.text("shop_order_id", MAX_ID_LEN);
    let shop_id = call.authenticate(&app.secrets, STATUS_SIGNED)?;
    let ledger = app.ledger();
    let bill =
        ledger.find_payment(PaymentKind::Bill, shop_id, &shop_order_id).ok_or_else(|| {
            ApiFailure::new(
                ErrorCode::OperationNotFound,
                format!("Bill (shop_order_id={shop_order_id}) wasn't found"),
            )
        })?;
    Ok(StatusAnswer {
        created: bill.created.clone(),
        id: bill.id,
        payer_currency: bill.payer_currency,
        payer_price: bill.payer_price,
        processed: bill.processed.clone(),
        shop_amount: bill.shop_amount,
        shop_currency: bill.shop_currency,
        shop_order_id: bill.shop_order_id.clone(),
        shop_refund: bill.shop_refund,
        status: bill.status,
    })
}
