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

/// The SHA-256 initial hash value (FIPS 180-4, 5.3.3).
pub const SHA256_INITIAL_STATE: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];

/// The string-to-sign of [`TRANSFER_CREATE_FIELDS`] followed by [`SECRET`]: the
/// exact bytes the signer hashes.
pub fn transfer_create_message() -> Vec<u8> {
    let values: Vec<&str> = TRANSFER_CREATE_FIELDS.iter().map(|(_, value)| *value).collect();
    format!("{}{SECRET}", values.join(":")).into_bytes()
}

/// `bytes` with SHA-256's padding (0x80, zeros, the bit length), cut into blocks.
pub fn padded_blocks(bytes: &[u8]) -> Vec<[u8; 64]> {
    let mut padded = bytes.to_vec();
    padded.push(0x80);
    while padded.len() % 64 != 56 {
        padded.push(0);
    }
    padded.extend_from_slice(&(bytes.len() as u64 * 8).to_be_bytes());
    padded.chunks_exact(64).map(|block| block.try_into().unwrap()).collect()
}

/// The true floor of signing: the compression function over already padded
/// blocks, with no buffering and no hex.
pub fn compress_floor(blocks: &[[u8; 64]]) -> [u32; 8] {
    let mut state = SHA256_INITIAL_STATE;
    sha2::block_api::compress256(&mut state, blocks);
    state
}

/// The typed request behind [`TRANSFER_CREATE_FIELDS`].
pub fn transfer_create() -> feennex_proto::prelude::TransferCreate {
    feennex_proto::prelude::TransferCreate::builder()
        .amount("1250.75".parse().unwrap())
        .amount_type(feennex_proto::prelude::TransferAmountType::ReceiveAmount)
        .payee_account("201234567890".parse().unwrap())
        .payee_currency(feennex_proto::prelude::Currency::USD)
        .shop_currency(feennex_proto::prelude::Currency::USD)
        .shop_payment_id("batch-2026-11-21-row-000042".parse().unwrap())
        .description("November payout".to_owned())
        .build()
}

/// The shop of the benches.
pub fn merchant(base_url: &str) -> feennex_proto::Merchant {
    feennex_proto::Merchant::new(
        feennex_proto::prelude::ShopId::new(112_233).unwrap(),
        feennex_proto::SecretKey::new(SECRET),
    )
    .with_base_url(base_url.parse().unwrap())
}

pub mod canned_server;
pub mod concurrent;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_compress_floor_hashes_the_signed_message() {
        let message = transfer_create_message();
        let blocks = padded_blocks(&message);
        assert_eq!(blocks.len(), 2, "the transfer/create message is two blocks");
        let digest: Vec<u8> =
            compress_floor(&blocks).iter().flat_map(|word| word.to_be_bytes()).collect();
        assert_eq!(digest, Sha256::digest(&message).to_vec());
        let secret = feennex_proto::SecretKey::new(SECRET);
        let signature = feennex_proto::sign::sign(&TRANSFER_CREATE_FIELDS, &secret);
        assert_eq!(signature.as_str().as_bytes(), sha256_hex(&message));
    }
}
