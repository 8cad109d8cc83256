//! A round trip through every endpoint of the API against a sandbox, with both
//! clients, checking real values: amounts to the cent, ids, statuses, and balances
//! that move by exactly the write-off.

use feennex_proto::{
    endpoints::{AddOnFields, FormMethod},
    prelude::{
        BillCreate, BillShopOrderStatus, BillStatus, CheckAccount, Currency, ErrorCode,
        InvoiceCreate, InvoiceTry, Payway, ShopBalance, ShopOrderId, TransferAmountType,
        TransferTry, WithdrawAccount, WithdrawAmountType, WithdrawStatus, WithdrawStatusById,
        WithdrawTry,
    },
};
use feennex_sandbox::{PaymentKind, SandboxConfig, WithdrawalPace};
use feennex_tests::{
    OPENING_BALANCE, Setup, TestClient, TestSandbox, amount, both_clients, decimal, now,
    transfer_create, transfer_status, withdraw_create, withdraw_status,
};

fn opening() -> feennex_proto::prelude::Decimal {
    feennex_proto::prelude::Decimal::from(OPENING_BALANCE)
}

fn available<C: TestClient>(client: &C, currency: Currency) -> feennex_proto::prelude::Decimal {
    let balances = client.call(&ShopBalance::new(now())).unwrap();
    balances.balances.iter().find(|b| b.currency == currency).unwrap().available
}

fn wallet_payout_endpoints_agree_to_the_cent<C: TestClient>() {
    let sandbox = TestSandbox::start();
    let client: C = sandbox.client(Setup::default());

    let quote = client
        .call(
            &TransferTry::builder()
                .amount(amount("1.11"))
                .amount_type(TransferAmountType::ReceiveAmount)
                .payee_currency(Currency::EUR)
                .shop_currency(Currency::USD)
                .build(),
        )
        .unwrap();
    assert_eq!((quote.payee_amount, quote.write_off_amount), (decimal("1.11"), decimal("1.19")));
    assert_eq!((quote.payee_currency, quote.shop_currency), (Currency::EUR, Currency::USD));

    let created = client.bare_call(&transfer_create("round-trip-1")).unwrap();
    assert_eq!(created.payee_amount, decimal("1.11"));
    assert_eq!(created.write_off_amount, decimal("1.19"));
    assert_eq!(created.balance, Some(opening() - decimal("1.19")));
    assert_eq!(created.payee_account, "201234567890");
    assert_eq!(created.shop.get(), feennex_sandbox::DEFAULT_SHOP_ID);

    let found = client.call(&transfer_status("round-trip-1")).unwrap();
    assert_eq!(found.id, created.id);
    assert_eq!(found.shop_payment_id, "round-trip-1");
    assert_eq!((found.receive_amount, found.write_off_amount), (decimal("1.11"), decimal("1.19")));

    let missing = client.call(&transfer_status("never-made")).unwrap_err();
    assert_eq!(missing.api_code(), Some(ErrorCode::OperationNotFound), "{missing}");

    assert_eq!(available(&client, Currency::USD), opening() - decimal("1.19"));
    assert_eq!(available(&client, Currency::EUR), opening());
    let ledger = sandbox.ledger();
    assert_eq!(ledger.the_transfer("round-trip-1").id, created.id);
    ledger.assert_payouts_exactly(&["round-trip-1"], &[]);
}

fn withdrawal_endpoints_follow_the_payout_to_success<C: TestClient>() {
    let config = SandboxConfig::default().with_withdrawal_pace(WithdrawalPace::PerStatusRequest);
    let sandbox = TestSandbox::with_config(config);
    let client: C = sandbox.client(Setup::default());
    let card_usd = Payway::new("card_usd").unwrap();

    let quote = client
        .call(&WithdrawTry::new(
            amount("100"),
            WithdrawAmountType::PsAmount,
            card_usd.clone(),
            Currency::USD,
        ))
        .unwrap();
    assert_eq!((quote.payee_receive, quote.shop_write_off), (decimal("100"), decimal("102")));
    assert_eq!((quote.ps_currency, quote.shop_currency), (Currency::USD, Currency::USD));

    let check = |account: &str| {
        client
            .call(&CheckAccount::new(
                WithdrawAccount::new(account).unwrap(),
                amount("100"),
                card_usd.clone(),
            ))
            .unwrap()
    };
    let good = check("4111111111111111");
    assert!(good.result);
    assert_eq!(good.verified, Some(true));
    let bad = check("12345");
    assert!(!bad.result);
    assert_eq!(bad.provider_status.as_deref(), Some("invalid"));

    let created = client.bare_call(&withdraw_create("withdraw-1")).unwrap();
    assert_eq!(created.status, WithdrawStatus::New);
    assert_eq!((created.payee_receive, created.shop_write_off), (decimal("100"), decimal("102")));
    assert_eq!(created.balance, Some(opening() - decimal("102")));
    let ledger = sandbox.ledger();
    assert_eq!(ledger.balance(Currency::USD).frozen, decimal("102"));
    ledger.assert_payouts_exactly(&[], &["withdraw-1"]);

    // The sandbox moves a withdrawal one step per status request.
    let by_id = client.call(&WithdrawStatusById::new(now(), created.id)).unwrap();
    assert_eq!((by_id.id, by_id.status), (created.id, WithdrawStatus::PsProcessing));
    let by_payment_id = client.call(&withdraw_status("withdraw-1")).unwrap();
    assert_eq!((by_payment_id.id, by_payment_id.status), (created.id, WithdrawStatus::Success));
    assert_eq!(by_payment_id.shop_payment_id.as_deref(), Some("withdraw-1"));
    assert_eq!(by_payment_id.shop_write_off, decimal("102"));

    let balances = client.call(&ShopBalance::new(now())).unwrap();
    let usd = balances.balances.iter().find(|b| b.currency == Currency::USD).unwrap();
    assert_eq!((usd.available, usd.frozen), (opening() - decimal("102"), Some(decimal("0"))));
    let ledger = sandbox.ledger();
    assert_eq!(ledger.the_withdrawal("withdraw-1").status, 5);
    ledger.assert_payouts_exactly(&[], &["withdraw-1"]);
}

fn payment_endpoints_create_look_up_and_credit<C: TestClient>() {
    let sandbox = TestSandbox::start();
    let client: C = sandbox.client(Setup::default());

    let bill = client
        .call(
            &BillCreate::builder()
                .payer_currency(Currency::EUR)
                .shop_amount(amount("25.5"))
                .shop_currency(Currency::USD)
                .shop_order_id(ShopOrderId::new("bill-1").unwrap())
                .description("a bill".to_owned())
                .build(),
        )
        .unwrap();
    // 25.5 USD at 1 / 1.07 EUR per USD is 23.8317..., rounded up to the cent.
    assert_eq!(bill.payer_price, Some(decimal("23.84")));
    assert_eq!(bill.shop_amount, Some(decimal("25.5")));
    assert!(bill.url.ends_with(&format!("/_sandbox/pay/bill/{}", bill.id)), "{}", bill.url);
    let status = |client: &C| {
        client.call(&BillShopOrderStatus::new(now(), ShopOrderId::new("bill-1").unwrap())).unwrap()
    };
    let waiting = status(&client);
    assert_eq!((waiting.id, waiting.status), (bill.id, BillStatus::Waiting));
    feennex_tests::finish_payment(sandbox.base_url(), PaymentKind::Bill, bill.id, true);
    assert_eq!(status(&client).status, BillStatus::Paid);
    assert_eq!(available(&client, Currency::USD), opening() + decimal("25.5"));

    let order = |payway: &str, value: &str, currency| {
        InvoiceTry::new(
            amount(value),
            currency,
            Payway::new(payway).unwrap(),
            ShopOrderId::new("invoice-1").unwrap(),
        )
    };
    let rub = client.call(&order("card_rub", "1000", Currency::RUB)).unwrap();
    assert_eq!(rub.payer_price, Some(decimal("1030")));
    assert_eq!(rub.ps_currency, Some(Currency::RUB));
    assert_eq!(rub.paymethod_name.as_deref(), Some("card_rub"));
    assert!(rub.add_ons_config.is_empty());
    let usd = client.call(&order("card_usd", "10", Currency::USD)).unwrap();
    assert_eq!(usd.payer_price, Some(decimal("10.35")));
    assert_eq!(usd.add_ons_config.keys().collect::<Vec<_>>(), ["email"]);

    let mut add_ons = AddOnFields::new();
    add_ons.insert("email", "payer@example.com").unwrap();
    let invoice = client
        .call(&InvoiceCreate::new(order("card_usd", "10", Currency::USD)).add_ons(add_ons))
        .unwrap();
    assert_eq!(invoice.method, Some(FormMethod::Post));
    let url = invoice.url.as_deref().unwrap();
    assert!(url.ends_with(&format!("/_sandbox/pay/invoice/{}", invoice.id)), "{url}");
    assert_eq!(invoice.data["invoice_id"], invoice.id.to_string());
    // Payments pay nothing out; only the completed bill moved money.
    let ledger = sandbox.ledger();
    assert!(ledger.transfers.is_empty() && ledger.withdrawals.is_empty(), "{ledger:?}");
    assert_eq!(ledger.available(Currency::USD), opening() + decimal("25.5"));
    assert_eq!(ledger.available(Currency::EUR), opening());
}

both_clients!(
    wallet_payout_endpoints_agree_to_the_cent,
    withdrawal_endpoints_follow_the_payout_to_success,
    payment_endpoints_create_look_up_and_credit,
);
