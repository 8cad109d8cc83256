//! The signer against its floors: SHA-256 and hex of the same bytes through the
//! `Digest` API (`sha256_only`), and the compression function alone over the same
//! bytes already padded (`compress_floor`).

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use feennex_benches::{
    SECRET, TRANSFER_CREATE_FIELDS, compress_floor, padded_blocks, sha256_hex,
    transfer_create_message,
};
use feennex_proto::{SecretKey, sign::sign};

fn sign_group(c: &mut Criterion) {
    let secret = SecretKey::new(SECRET);
    let message = transfer_create_message();
    let blocks = padded_blocks(&message);
    let mut group = c.benchmark_group("sign");
    group.bench_function("sha256_only", |b| b.iter(|| sha256_hex(black_box(&message))));
    group.bench_function("compress_floor", |b| b.iter(|| compress_floor(black_box(&blocks))));
    group.bench_function("sign_transfer_create", |b| {
        b.iter(|| sign(black_box(&TRANSFER_CREATE_FIELDS), black_box(&secret)))
    });
    for count in [4usize, 16, 64, 256] {
        let names: Vec<String> = (0..count).map(|i| format!("field_{i:03}")).collect();
        let values: Vec<String> = (0..count).map(|i| format!("value-{i:010}")).collect();
        // Reversed, so the signer has to sort: the general case.
        let fields: Vec<(&str, &str)> =
            names.iter().zip(&values).map(|(n, v)| (n.as_str(), v.as_str())).rev().collect();
        let bytes: usize = values.iter().map(|v| v.len() + 1).sum::<usize>() + SECRET.len();
        group.throughput(Throughput::Bytes(bytes as u64));
        group.bench_with_input(BenchmarkId::new("fields", count), &fields, |b, fields| {
            b.iter(|| sign(black_box(fields), black_box(&secret)))
        });
    }
    group.finish();
}

criterion_group!(benches, sign_group);
criterion_main!(benches);
