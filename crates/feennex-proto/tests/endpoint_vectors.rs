//! Every endpoint's signed request against a stored vector: the string-to-sign,
//! the exact body, and a signature recomputed independently of the signer.

use feennex_proto::{
    Currency, Endpoint, Merchant, SecretKey, ShopId, TransferAmountType, TransferCreate,
    TransferStatus, TransferTry,
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
    check(&TransferTry {
        amount: "1.110".parse().unwrap(),
        amount_type: TransferAmountType::ReceiveAmount,
        payee_currency: Currency::EUR,
        shop_currency: Currency::USD,
    });
}

#[test]
fn transfer_create_matches_its_vector() {
    check(&TransferCreate {
        amount: "10.50".parse().unwrap(),
        amount_type: TransferAmountType::WriteoffAmount,
        payee_account: "user@example.com".parse().unwrap(),
        payee_currency: Currency::USD,
        shop_currency: Currency::EUR,
        shop_payment_id: "payout-\"1\"".parse().unwrap(),
        description: Some("Prize\nпервый".to_owned()),
    });
}

#[test]
fn transfer_status_matches_its_vector() {
    check(&TransferStatus {
        now: "2024-04-12T06:18:34.719Z".parse().unwrap(),
        shop_payment_id: "payout-1".parse().unwrap(),
    });
}
