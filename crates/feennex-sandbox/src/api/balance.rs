//! `shop_balance`: available, frozen and hold money per currency.

use feennex_proto::prelude::Currency;
use serde::Serialize;

use crate::app::App;
use crate::money::Money;
use crate::reply::ApiFailure;
use crate::request::Call;

const SIGNED: &[&str] = &["now", "shop_id"];

#[derive(Serialize)]
pub(crate) struct CurrencyBalance {
    available: Money,
    currency: Currency,
    frozen: Money,
    hold: Money,
}

#[derive(Serialize)]
pub(crate) struct BalanceAnswer {
    balances: Vec<CurrencyBalance>,
    shop_id: u64,
}

pub(crate) fn shop_balance(app: &App, call: &mut Call<'_>) -> Result<BalanceAnswer, ApiFailure> {
    call.text("now", 64);
    let shop_id = call.authenticate(&app.secrets, SIGNED)?;
    let balances = app
        .ledger()
        .balances(Some(shop_id))
        .into_iter()
        .map(|(_, currency, balance)| CurrencyBalance {
            available: balance.available,
            currency,
            frozen: balance.frozen,
            hold: balance.hold,
        })
        .collect();
    Ok(BalanceAnswer { balances, shop_id })
}
