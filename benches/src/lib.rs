//! Shared fixtures of the feennex benches; the benches live in `benches/`.
#![forbid(unsafe_code)]

use sha2::{Digest, Sha256};

/// A 32-character secret, as shops get.
pub const SECRET: &str = "0123456789abcdef0123456789abcdef";

/// The signed fields of a typical `transfer/create`, in signing order.
pub const TRANSFER_CREATE_FIELDS: [(&str, &str); 7] = [
    ("amount", "1250.75"),
    ("amount_type", "receive_amount"),
    ("payee_account", "201234567890"),
    ("payee_currency", "840"),
    ("shop_currency", "840"),
    ("shop_id", "112233"),
    ("shop_payment_id", "batch-2026-11-21-row-000042"),
];

/// A successful `transfer/create` answer as the server sends it.
pub const TRANSFER_CREATED_BODY: &str = r#"{"data":{"balance":98749.25,"id":5512034,"payee_account":"201234567890","payee_amount":1250.75,"payee_currency":840,"shop":112233,"shop_currency":840,"write_off_amount":1288.27},"error_code":0,"message":"Ok","result":true}"#;

/// SHA-256 of the finished string-to-sign plus secret, then hex: what any signer
/// must at least do.
pub fn sha256_hex(bytes: &[u8]) -> [u8; 64] {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = Sha256::digest(bytes);
    let mut hex = [0u8; 64];
    for (pair, byte) in hex.chunks_exact_mut(2).zip(digest.iter()) {
        pair[0] = HEX[usize::from(byte >> 4)];
        pair[1] = HEX[usize::from(byte & 0x0f)];
    }
    hex
}

/// The typed request behind [`TRANSFER_CREATE_FIELDS`].
pub fn transfer_create() -> feennex_proto::TransferCreate {
    feennex_proto::TransferCreate::new(
        "1250.75".parse().unwrap(),
        feennex_proto::TransferAmountType::ReceiveAmount,
        "201234567890".parse().unwrap(),
        feennex_proto::Currency::USD,
        feennex_proto::Currency::USD,
        "batch-2026-11-21-row-000042".parse().unwrap(),
    )
    .description("November payout".to_owned())
}

/// The shop of the benches.
pub fn merchant(base_url: &str) -> feennex_proto::Merchant {
    feennex_proto::Merchant::new(
        feennex_proto::ShopId::new(112_233).unwrap(),
        feennex_proto::SecretKey::new(SECRET),
    )
    .with_base_url(base_url.parse().unwrap())
}

pub mod canned_server;
