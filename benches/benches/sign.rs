//! The signer against its floor: SHA-256 and hex of the same bytes.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use feennex_proto::{SecretKey, sign};
use sha2::{Digest, Sha256};

const SECRET: &str = "0123456789abcdef0123456789abcdef";

/// The signed fields of a typical `transfer/create`.
const TRANSFER_CREATE: [(&str, &str); 7] = [
    ("amount", "1250.75"),
    ("amount_type", "receive_amount"),
    ("payee_account", "201234567890"),
    ("payee_currency", "840"),
    ("shop_currency", "840"),
    ("shop_id", "112233"),
    ("shop_payment_id", "batch-2026-11-21-row-000042"),
];

/// SHA-256 of the finished string-to-sign plus secret, then hex: what any signer
/// must at least do.
fn sha256_hex(bytes: &[u8]) -> [u8; 64] {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = Sha256::digest(bytes);
    let mut hex = [0u8; 64];
    for (pair, byte) in hex.chunks_exact_mut(2).zip(digest.iter()) {
        pair[0] = HEX[usize::from(byte >> 4)];
        pair[1] = HEX[usize::from(byte & 0x0f)];
    }
    hex
}

fn sign_group(c: &mut Criterion) {
    let secret = SecretKey::new(SECRET);
    let joined = format!(
        "{}{SECRET}",
        TRANSFER_CREATE.iter().map(|(_, v)| *v).collect::<Vec<_>>().join(":")
    );
    let mut group = c.benchmark_group("sign");
    group.bench_function("sha256_only", |b| b.iter(|| sha256_hex(black_box(joined.as_bytes()))));
    group.bench_function("sign_transfer_create", |b| {
        b.iter(|| sign(black_box(&TRANSFER_CREATE), black_box(&secret)))
    });
    group.finish();
}

criterion_group!(benches, sign_group);
criterion_main!(benches);
