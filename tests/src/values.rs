//! Requests used across the tests, built from plain text.

use std::time::SystemTime;

use feennex_proto::prelude::{
    Amount, Currency, Decimal, PayeeAccount, Payway, ShopPaymentId, Timestamp, TransferAmountType,
    TransferCreate, TransferStatus, WithdrawAccount, WithdrawAmountType, WithdrawCreate,
    WithdrawShopPaymentStatus,
};

/// An amount from its text.
pub fn amount(text: &str) -> Amount {
    text.parse().unwrap()
}

/// An exact decimal from its text.
pub fn decimal(text: &str) -> Decimal {
    Decimal::from_str_exact(text).unwrap()
}

/// The current time as the `now` field.
pub fn now() -> Timestamp {
    let millis = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap().as_millis();
    Timestamp::from_unix_millis(i64::try_from(millis).unwrap()).unwrap()
}

/// A wallet payout of 1.11 EUR received, paid in USD (1.19 USD at the sandbox's
/// rate of 1.07, rounded up to the cent).
pub fn transfer_create(shop_payment_id: &str) -> TransferCreate {
    TransferCreate::builder()
        .amount(amount("1.11"))
        .amount_type(TransferAmountType::ReceiveAmount)
        .payee_account(PayeeAccount::new("201234567890").unwrap())
        .payee_currency(Currency::EUR)
        .shop_currency(Currency::USD)
        .shop_payment_id(ShopPaymentId::new(shop_payment_id).unwrap())
        .description("integration test".to_owned())
        .build()
}

/// The lookup of a wallet payout.
pub fn transfer_status(shop_payment_id: &str) -> TransferStatus {
    TransferStatus::new(now(), ShopPaymentId::new(shop_payment_id).unwrap())
}

/// A withdrawal of 100 USD received on a card, paid in USD (102 with the
/// sandbox's 2 % fee of `card_usd`).
pub fn withdraw_create(shop_payment_id: &str) -> WithdrawCreate {
    WithdrawCreate::new(
        WithdrawAccount::new("4111111111111111").unwrap(),
        amount("100"),
        WithdrawAmountType::PsAmount,
        Payway::new("card_usd").unwrap(),
        Currency::USD,
        ShopPaymentId::new(shop_payment_id).unwrap(),
    )
}

/// The lookup of a withdrawal by the merchant's id.
pub fn withdraw_status(shop_payment_id: &str) -> WithdrawShopPaymentStatus {
    WithdrawShopPaymentStatus::new(now(), ShopPaymentId::new(shop_payment_id).unwrap())
}
