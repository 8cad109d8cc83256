//! Payouts to Feennex wallets: `transfer/try`, `transfer/create`,
//! `transfer/shop_payment_status`.

use std::collections::BTreeMap;

use feennex_proto::prelude::{Currency, Decimal, ErrorCode};
use serde::Serialize;

use super::{FieldConfig, Text};
use crate::app::App;
use crate::ledger::Transfer;
use crate::money::{Money, Split};
use crate::reply::ApiFailure;
use crate::request::{Call, MAX_ID_LEN};

const TRY_SIGNED: &[&str] =
    &["amount", "amount_type", "payee_currency", "shop_currency", "shop_id"];
const CREATE_SIGNED: &[&str] = &[
    "amount",
    "amount_type",
    "payee_account",
    "payee_currency",
    "shop_currency",
    "shop_id",
    "shop_payment_id",
];
const STATUS_SIGNED: &[&str] = &["now", "shop_id", "shop_payment_id"];
const AMOUNT_TYPES: &[&str] = &["receive_amount", "writeoff_amount"];

/// The documented wallet pattern: `20` and ten digits, or an e-mail address.
const WALLET_REGEX: &str = r"^20[\d]{10}$|^[^@\s]+@[^@\s]+\.[^@\s]+$";

/// The amounts and currencies common to `try` and `create`.
struct Amounts {
    amount: Decimal,
    is_write_off: bool,
    payee_currency: Currency,
    shop_currency: Currency,
}

fn read_amounts(call: &mut Call<'_>) -> Amounts {
    Amounts {
        amount: call.amount("amount"),
        is_write_off: call.choice("amount_type", AMOUNT_TYPES) == "writeoff_amount",
        payee_currency: call.currency("payee_currency"),
        shop_currency: call.currency("shop_currency"),
    }
}

fn compute(app: &App, amounts: &Amounts) -> Result<Split, ApiFailure> {
    let rate = app.rate(amounts.payee_currency, amounts.shop_currency)?;
    app.split(amounts.amount, amounts.is_write_off, rate, app.transfer_fee_percent)
}

/// Whether a payee is a wallet number or an e-mail address.
fn is_wallet(account: &str) -> bool {
    let wallet = account.len() == 12
        && account.starts_with("20")
        && account.bytes().all(|b| b.is_ascii_digit());
    let email = match account.split_once('@') {
        Some((user, domain)) => {
            !user.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !account.contains(char::is_whitespace)
        }
        None => false,
    };
    wallet || email
}

#[derive(Serialize)]
pub(crate) struct TryAnswer {
    account_info_config: BTreeMap<&'static str, FieldConfig>,
    info: BTreeMap<String, String>,
    payee_amount: Money,
    payee_currency: Currency,
    shop_currency: Currency,
    write_off_amount: Money,
}

pub(crate) fn try_transfer(app: &App, call: &mut Call<'_>) -> Result<TryAnswer, ApiFailure> {
    let amounts = read_amounts(call);
    call.authenticate(&app.secrets, TRY_SIGNED)?;
    let split = compute(app, &amounts)?;
    let wallet = FieldConfig {
        label: Text { en: "Wallet", ru: "Кошелёк" },
        comment: Text {
            en: "Feennex wallet number or e-mail",
            ru: "Номер кошелька Feennex или e-mail",
        },
        example: "201234567890",
        regex: WALLET_REGEX,
    };
    Ok(TryAnswer {
        account_info_config: BTreeMap::from([("payee_account", wallet)]),
        info: BTreeMap::new(),
        payee_amount: Money(split.receive),
        payee_currency: amounts.payee_currency,
        shop_currency: amounts.shop_currency,
        write_off_amount: Money(split.write_off),
    })
}

#[derive(Serialize)]
pub(crate) struct CreateAnswer {
    balance: Money,
    id: u64,
    payee_account: String,
    payee_amount: Money,
    payee_currency: Currency,
    shop: u64,
    shop_currency: Currency,
    write_off_amount: Money,
}

pub(crate) fn create(app: &App, call: &mut Call<'_>) -> Result<CreateAnswer, ApiFailure> {
    let amounts = read_amounts(call);
    let payee_account = call.text("payee_account", MAX_ID_LEN);
    let shop_payment_id = call.text("shop_payment_id", MAX_ID_LEN);
    let description = call.optional_text("description");
    let shop_id = call.authenticate(&app.secrets, CREATE_SIGNED)?;
    if !is_wallet(&payee_account) {
        return Err(ApiFailure::new(
            ErrorCode::IncorrectRequestParam,
            "Incorrect values for parameters: payee_account=\"not a wallet number (20 and ten digits) or an e-mail address\"",
        ));
    }
    let split = compute(app, &amounts)?;
    let transfer = Transfer {
        id: 0,
        shop_id,
        shop_payment_id,
        payee_account,
        payee_amount: Money(split.receive),
        payee_currency: amounts.payee_currency,
        write_off_amount: Money(split.write_off),
        shop_currency: amounts.shop_currency,
        description,
    };
    let (transfer, balance) = app.ledger().create_transfer(transfer)?;
    Ok(CreateAnswer {
        balance: Money(balance),
        id: transfer.id,
        payee_account: transfer.payee_account,
        payee_amount: transfer.payee_amount,
        payee_currency: transfer.payee_currency,
        shop: shop_id,
        shop_currency: transfer.shop_currency,
        write_off_amount: transfer.write_off_amount,
    })
}

#[derive(Serialize)]
pub(crate) struct StatusAnswer {
    id: u64,
    payee_currency: Currency,
    receive_amount: Money,
    shop_currency: Currency,
    shop_payment_id: String,
    write_off_amount: Money,
}

pub(crate) fn shop_payment_status(
    app: &App,
    call: &mut Call<'_>,
) -> Result<StatusAnswer, ApiFailure> {
    call.text("now", 64);
    let shop_payment_id = call.text("shop_payment_id", MAX_ID_LEN);
    let shop_id = call.authenticate(&app.secrets, STATUS_SIGNED)?;
    let ledger = app.ledger();
    let transfer = ledger.find_transfer(shop_id, &shop_payment_id).ok_or_else(|| {
        ApiFailure::new(
            ErrorCode::OperationNotFound,
            format!("Transfer (shop_payment_id={shop_payment_id}) wasn't found"),
        )
    })?;
    Ok(StatusAnswer {
        id: transfer.id,
        payee_currency: transfer.payee_currency,
        receive_amount: transfer.payee_amount,
        shop_currency: transfer.shop_currency,
        shop_payment_id: transfer.shop_payment_id.clone(),
        write_off_amount: transfer.write_off_amount,
    })
}

#[cfg(test)]
mod tests {
    use super::is_wallet;

    #[test]
    fn wallets_are_twenty_and_ten_digits_or_an_email() {
        for good in ["201234567890", "payee@example.com"] {
            assert!(is_wallet(good), "{good}");
        }
        for bad in
            ["2012345678901", "301234567890", "20123456789a", "a@b", "@x.com", "a b@x.com", ""]
        {
            assert!(!is_wallet(bad), "{bad}");
        }
    }
}
