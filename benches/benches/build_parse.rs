//! Building a whole signed request, and parsing an answer typed versus into a
//! `serde_json::Value`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use feennex_benches::{TRANSFER_CREATED_BODY, merchant, transfer_create};
use feennex_proto::{http::StatusCode, prelude::TransferCreate, response::parse_response};

fn build_group(c: &mut Criterion) {
    let merchant = merchant("https://core.feennex.com");
    let create = transfer_create();
    let mut group = c.benchmark_group("build");
    group.bench_function("transfer_create_request", |b| {
        b.iter(|| merchant.build(black_box(&create)).unwrap())
    });
    group.finish();
}

fn parse_group(c: &mut Criterion) {
    let body = TRANSFER_CREATED_BODY.as_bytes();
    let mut group = c.benchmark_group("parse");
    group.bench_function("transfer_create_response", |b| {
        b.iter(|| parse_response::<TransferCreate>(StatusCode::OK, black_box(body)).unwrap())
    });
    group.bench_function("serde_json_value", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(body)).unwrap())
    });
    group.finish();
}

criterion_group!(benches, build_group, parse_group);
criterion_main!(benches);
