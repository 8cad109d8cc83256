//! Payouts to external systems: `withdraw/try`, `check_account`, `withdraw/create`,
//! `withdraw/status`, `withdraw/shop_payment_status`.

use std::collections::BTreeMap;

use feennex_proto::prelude::{Currency, Decimal};
use serde::Serialize;

use super::{FieldConfig, Text};
use crate::app::{App, check_limits, payway_not_available};
use crate::config::{AccountFormat, WithdrawPayway};
use crate::ledger::{WithdrawalKey, WithdrawalView};
use crate::money::{Money, Split};
use crate::reply::ApiFailure;
use crate::request::{Call, MAX_ID_LEN};

const TRY_SIGNED: &[&str] = &["amount", "amount_type", "payway", "shop_currency", "shop_id"];
const CHECK_SIGNED: &[&str] = &["account", "amount", "payway", "shop_id"];
const CREATE_SIGNED: &[&str] =
    &["account", "amount", "amount_type", "payway", "shop_currency", "shop_id", "shop_payment_id"];
const STATUS_SIGNED: &[&str] = &["now", "shop_id", "withdraw_id"];
const SHOP_PAYMENT_STATUS_SIGNED: &[&str] = &["now", "shop_id", "shop_payment_id"];
const AMOUNT_TYPES: &[&str] = &["ps_amount", "shop_amount"];

struct Amounts {
    amount: Decimal,
    is_write_off: bool,
    payway: String,
    shop_currency: Currency,
}

fn read_amounts(call: &mut Call<'_>) -> Amounts {
    Amounts {
        amount: call.amount("amount"),
        is_write_off: call.choice("amount_type", AMOUNT_TYPES) == "shop_amount",
        payway: call.text("payway", 64),
        shop_currency: call.currency("shop_currency"),
    }
}

/// The payway, the two sides of the payout, and the limits checked on what the
/// payee receives.
fn compute<'a>(app: &'a App, amounts: &Amounts) -> Result<(&'a WithdrawPayway, Split), ApiFailure> {
    let payway = app
        .withdraw_payway(&amounts.payway)
        .ok_or_else(|| payway_not_available(&amounts.payway))?;
    let rate = app.rate(payway.currency, amounts.shop_currency)?;
    let split = app.split(amounts.amount, amounts.is_write_off, rate, payway.fee_percent)?;
    check_limits(split.receive, payway.min, payway.max)?;
    Ok((payway, split))
}

fn account_config(format: AccountFormat) -> BTreeMap<&'static str, FieldConfig> {
    let (label, comment) = match format {
        AccountFormat::Card => (
            Text { en: "Card number", ru: "Номер карты" },
            Text { en: "13 to 19 digits", ru: "От 13 до 19 цифр" },
        ),
        AccountFormat::Phone => (
            Text { en: "Phone number", ru: "Номер телефона" },
            Text { en: "International format", ru: "Международный формат" },
        ),
    };
    let field = FieldConfig { label, comment, example: format.example(), regex: format.regex() };
    BTreeMap::from([("account", field)])
}

#[derive(Serialize)]
pub(crate) struct TryAnswer {
    account_info_config: BTreeMap<&'static str, FieldConfig>,
    info: BTreeMap<String, String>,
    payee_receive: Money,
    ps_currency: Currency,
    shop_currency: Currency,
    shop_write_off: Money,
}

pub(crate) fn try_withdraw(app: &App, call: &mut Call<'_>) -> Result<TryAnswer, ApiFailure> {
    let amounts = read_amounts(call);
    call.authenticate(&app.secrets, TRY_SIGNED)?;
    let (payway, split) = compute(app, &amounts)?;
    Ok(TryAnswer {
        account_info_config: account_config(payway.account),
        info: BTreeMap::new(),
        payee_receive: Money(split.receive),
        ps_currency: payway.currency,
        shop_currency: amounts.shop_currency,
        shop_write_off: Money(split.write_off),
    })
}

#[derive(Serialize)]
pub(crate) struct CheckAnswer {
    account_info: BTreeMap<&'static str, String>,
    provider_status: &'static str,
    result: bool,
    verified: bool,
}

pub(crate) fn check_account(app: &App, call: &mut Call<'_>) -> Result<CheckAnswer, ApiFailure> {
    let account = call.text("account", MAX_ID_LEN);
    let amount = call.amount("amount");
    let payway = call.text("payway", 64);
    call.optional_object("account_details");
    call.authenticate(&app.secrets, CHECK_SIGNED)?;
    let payway = app.withdraw_payway(&payway).ok_or_else(|| payway_not_available(&payway))?;
    check_limits(amount, payway.min, payway.max)?;
    let valid = payway.account.accepts(&account);
    Ok(CheckAnswer {
        account_info: BTreeMap::from([("account", account)]),
        provider_status: if valid { "valid" } else { "invalid" },
        result: valid,
        verified: valid,
    })
}

/// A withdrawal as `create` and the status calls answer it.
#[derive(Serialize)]
pub(crate) struct WithdrawalAnswer {
    #[serde(skip_serializing_if = "Option::is_none")]
    balance: Option<Money>,
    id: u64,
    payee_receive: Money,
    ps_currency: Currency,
    shop_currency: Currency,
    shop_payment_id: String,
    shop_write_off: Money,
    status: u8,
}

impl WithdrawalAnswer {
    fn new(view: WithdrawalView, balance: Option<Decimal>) -> Self {
        Self {
            balance: balance.map(Money),
            id: view.id,
            payee_receive: view.payee_receive,
            ps_currency: view.ps_currency,
            shop_currency: view.shop_currency,
            shop_payment_id: view.shop_payment_id,
            shop_write_off: view.shop_write_off,
            status: view.status,
        }
    }
}

pub(crate) fn create(app: &App, call: &mut Call<'_>) -> Result<WithdrawalAnswer, ApiFailure> {
    let account = call.text("account", MAX_ID_LEN);
    let amounts = read_amounts(call);
    let shop_payment_id = call.text("shop_payment_id", MAX_ID_LEN);
    call.optional_object("account_details");
    call.optional_text("description");
    let shop_id = call.authenticate(&app.secrets, CREATE_SIGNED)?;
    let (payway, split) = compute(app, &amounts)?;
    if !payway.account.accepts(&account) {
        return Err(ApiFailure::new(
            feennex_proto::prelude::ErrorCode::IncorrectRequestParam,
            format!(
                "Incorrect values for parameters: account=\"does not match {}\"",
                payway.account.regex()
            ),
        ));
    }
    let (view, balance) = app.ledger().create_withdrawal(
        shop_id,
        shop_payment_id,
        account,
        payway.alias.clone(),
        split.receive,
        payway.currency,
        split.write_off,
        amounts.shop_currency,
    )?;
    Ok(WithdrawalAnswer::new(view, Some(balance)))
}

pub(crate) fn status(app: &App, call: &mut Call<'_>) -> Result<WithdrawalAnswer, ApiFailure> {
    call.text("now", 64);
    let id = call.integer("withdraw_id");
    let shop_id = call.authenticate(&app.secrets, STATUS_SIGNED)?;
    let view = app.ledger().withdrawal_status(app.pace, shop_id, WithdrawalKey::Id(id))?;
    Ok(WithdrawalAnswer::new(view, None))
}

pub(crate) fn shop_payment_status(
    app: &App,
    call: &mut Call<'_>,
) -> Result<WithdrawalAnswer, ApiFailure> {
    call.text("now", 64);
    let shop_payment_id = call.text("shop_payment_id", MAX_ID_LEN);
    let shop_id = call.authenticate(&app.secrets, SHOP_PAYMENT_STATUS_SIGNED)?;
    let key = WithdrawalKey::ShopPaymentId(&shop_payment_id);
    let view = app.ledger().withdrawal_status(app.pace, shop_id, key)?;
    Ok(WithdrawalAnswer::new(view, None))
}
