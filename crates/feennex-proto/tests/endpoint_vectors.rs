//! Every endpoint's signed request against a stored vector: the string-to-sign,
//! the exact body, and a signature recomputed independently of the signer.

use feennex_proto::{
    Merchant, SecretKey,
    endpoints::{AddOnFieldError, AddOnFields, Endpoint},
    prelude::{
        AccountDetails, BillCreate, BillShopOrderStatus, CheckAccount, Currency, InvoiceCreate,
        InvoiceTry, PaymentUrls, ShopBalance, ShopId, TransferAmountType, TransferCreate,
        TransferStatus, TransferTry, WithdrawAmountType, WithdrawCreate, WithdrawShopPaymentStatus,
        WithdrawStatusById, WithdrawTry,
    },
};
use serde_json::Value;
use sha2::{Digest, Sha256};

const SECRET: &str = "SecretKey01";

fn merchant() -> Merchant {
    Merchant::new(ShopId::new(6).unwrap(), SecretKey::new(SECRET))
        .with_base_url("http://127.0.0.1:9/api/".parse().unwrap())
}

fn check<E: Endpoint>(endpoint: &E) {
    let vectors: Value = serde_json::from_str(include_str!("data/request_vectors.json")).unwrap();
    let stored = &vectors["vectors"][E::PATH];
    let string_to_sign = stored["string_to_sign"].as_str().unwrap();
    let signature: String = Sha256::digest(format!("{string_to_sign}{SECRET}"))
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    let body = stored["body"].as_str().unwrap().replace("SIGN", &signature);

    let merchant = merchant();
    assert_eq!(merchant.string_to_sign(endpoint), string_to_sign, "{}", E::PATH);
    let request = merchant.build(endpoint).unwrap();
    assert_eq!(request.method(), "POST");
    assert_eq!(request.uri().to_string(), format!("http://127.0.0.1:9/api/{}", E::PATH));
    assert_eq!(request.headers()["content-type"], "application/json");
    assert_eq!(request.headers()["content-length"], body.len().to_string().as_str());
    assert_eq!(std::str::from_utf8(request.body()).unwrap(), body, "{}", E::PATH);
}

#[test]
fn transfer_try_matches_its_vector() {
    check(
        &TransferTry::builder()
            .amount("1.110".parse().unwrap())
            .amount_type(TransferAmountType::ReceiveAmount)
            .payee_currency(Currency::EUR)
            .shop_currency(Currency::USD)
            .build(),
    );
}

#[test]
fn transfer_create_matches_its_vector() {
    check(
        &TransferCreate::builder()
            .amount("10.50".parse().unwrap())
            .amount_type(TransferAmountType::WriteoffAmount)
            .payee_account("user@example.com".parse().unwrap())
            .payee_currency(Currency::USD)
            .shop_currency(Currency::EUR)
            .shop_payment_id("payout-\"1\"".parse().unwrap())
            .description("Prize\nпервый".to_owned())
            .build(),
    );
}

#[test]
fn transfer_status_matches_its_vector() {
    check(&TransferStatus::new(
        "2024-04-12T06:18:34.719Z".parse().unwrap(),
        "payout-1".parse().unwrap(),
    ));
}

const NOW: &str = "2024-04-12T06:18:34.719Z";

fn urls(success: Option<&str>, failed: Option<&str>, callback: Option<&str>) -> PaymentUrls {
    let mut urls = PaymentUrls::default();
    urls.success_url = success.map(str::to_owned);
    urls.failed_url = failed.map(str::to_owned);
    urls.callback_url = callback.map(str::to_owned);
    urls
}

fn details(json: &str) -> AccountDetails {
    serde_json::from_str(json).unwrap()
}

#[test]
fn bill_create_matches_its_vector() {
    check(
        &BillCreate::builder()
            .payer_currency(Currency::USD)
            .shop_amount("25.00".parse().unwrap())
            .shop_currency(Currency::USD)
            .shop_order_id("order-7".parse().unwrap())
            .description("Book".to_owned())
            .payer_account("201234567890".to_owned())
            .urls(urls(Some("https://shop.test/ok"), None, Some("https://shop.test/cb")))
            .build(),
    );
}

#[test]
fn bill_shop_order_status_matches_its_vector() {
    check(&BillShopOrderStatus::new(NOW.parse().unwrap(), "order-7".parse().unwrap()));
}

fn invoice(amount: &str, currency: Currency, payway: &str, order: &str) -> InvoiceTry {
    InvoiceTry::new(
        amount.parse().unwrap(),
        currency,
        payway.parse().unwrap(),
        order.parse().unwrap(),
    )
}

#[test]
fn invoice_try_matches_its_vector() {
    check(&invoice("500", Currency::USD, "card_usd", "99991"));
}

#[test]
fn invoice_create_matches_its_vector_with_add_ons_after_the_urls() {
    let mut add_ons = AddOnFields::new();
    add_ons.insert("phone", "+79990001122").unwrap();
    add_ons.insert("email", "a@b.co").unwrap();
    check(
        &InvoiceCreate::new(invoice("10.50", Currency::RUB, "qiwi_rub", "o/1 &2"))
            .add_ons(add_ons)
            .description("Заказ".to_owned())
            .urls(urls(None, Some("https://shop.test/fail"), None)),
    );
}

#[test]
fn withdraw_try_matches_its_vector() {
    check(&WithdrawTry::new(
        "100".parse().unwrap(),
        WithdrawAmountType::PsAmount,
        "card_rub".parse().unwrap(),
        Currency::RUB,
    ));
}

#[test]
fn check_account_matches_its_vector_with_unsigned_details() {
    check(
        &CheckAccount::new(
            "4111111111111111".parse().unwrap(),
            "100.25".parse().unwrap(),
            "card_rub".parse().unwrap(),
        )
        .account_details(details(r#"{"holder":"IVAN PETROV"}"#)),
    );
}

#[test]
fn withdraw_create_matches_its_vector_and_names_its_payment_id() {
    let create = WithdrawCreate::new(
        "79990001122".parse().unwrap(),
        "0.0100".parse().unwrap(),
        WithdrawAmountType::ShopAmount,
        "qiwi_rub".parse().unwrap(),
        Currency::RUB,
        "w-1".parse().unwrap(),
    )
    .account_details(details(r#"{"zip":101000,"city":"Moscow"}"#));
    check(&create);
    assert_eq!(create.shop_payment_id().map(|id| id.as_str()), Some("w-1"));
}

#[test]
fn withdraw_status_sends_the_id_as_a_json_number() {
    check(&WithdrawStatusById::new(NOW.parse().unwrap(), 4_294_967_296));
}

#[test]
fn withdraw_shop_payment_status_matches_its_vector_and_names_its_payment_id() {
    let status = WithdrawShopPaymentStatus::new(NOW.parse().unwrap(), "w-1".parse().unwrap());
    check(&status);
    assert_eq!(status.shop_payment_id().map(|id| id.as_str()), Some("w-1"));
}

#[test]
fn shop_balance_matches_its_vector() {
    check(&ShopBalance::new(NOW.parse().unwrap()));
}

#[test]
fn add_on_fields_cannot_shadow_the_request_fields() {
    let mut add_ons = AddOnFields::new();
    for reserved in ["amount", "sign", "shop_id", "callback_url"] {
        assert_eq!(
            add_ons.insert(reserved, "x"),
            Err(AddOnFieldError::Reserved(reserved.to_owned()))
        );
    }
    assert_eq!(add_ons.insert("", "x"), Err(AddOnFieldError::EmptyName));
    add_ons.insert("email", "a@b.co").unwrap();
    assert_eq!(add_ons.insert("email", "c@d.co"), Err(AddOnFieldError::Duplicate("email".into())));
    assert_eq!(add_ons.iter().collect::<Vec<_>>(), [("email", "a@b.co")]);
}

#[test]
fn add_on_names_and_values_are_escaped_as_json() {
    let mut add_ons = AddOnFields::new();
    add_ons.insert("say \"hi\"", "line\nbreak\\").unwrap();
    let create =
        InvoiceCreate::new(invoice("1", Currency::USD, "card_usd", "o-1")).add_ons(add_ons);
    let body: serde_json::Map<String, Value> =
        serde_json::from_slice(&merchant().body(&create)).unwrap();
    assert_eq!(body["say \"hi\""], "line\nbreak\\");
    assert_eq!(body.len(), 7);
}
