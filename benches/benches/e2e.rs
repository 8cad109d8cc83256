//! transfer/create end to end over loopback, 32 requests in flight, against a
//! minimal server answering a canned envelope:
//! - `hyper_sdk`: the feennex-hyper client (signing, typed parsing, its driver);
//! - `hyper_transport`: the SDK's transport alone sending a pre-built request;
//! - `hyper_raw`: bare hyper sending the same pre-built bytes (the transport's floor);
//! - `reqwest`: what a user might write by hand instead (serde_json body, manual
//!   signing, parsing into a `serde_json::Value`).

use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use feennex_benches::concurrent::{RawSender, run_concurrently, runtime};
use feennex_benches::{
    SECRET, TRANSFER_CREATED_BODY, canned_server, merchant, sha256_hex, transfer_create,
};
use feennex_proto::transport::AsyncTransport;

/// Requests per measured iteration.
const BATCH: u64 = 256;

fn e2e_group(c: &mut Criterion) {
    let server_runtime = runtime();
    let address = canned_server::start(&server_runtime, TRANSFER_CREATED_BODY);
    let base_url = format!("http://{address}");
    let client_runtime = runtime();
    let mut group = c.benchmark_group("e2e");
    group.throughput(Throughput::Elements(BATCH));
    group.sample_size(20);

    let sdk = {
        let _guard = client_runtime.enter();
        feennex_hyper::Client::new(merchant(&base_url)).unwrap()
    };
    let create = Arc::new(transfer_create());
    group.bench_function("hyper_sdk", |b| {
        b.iter_custom(|iters| {
            let (sdk, create) = (sdk.clone(), create.clone());
            client_runtime.block_on(run_concurrently(iters * BATCH, move || {
                let (sdk, create) = (sdk.clone(), create.clone());
                async move {
                    let paid = sdk
                        .payout(feennex_proto::prelude::TransferCreate::clone(&create))
                        .await
                        .unwrap();
                    assert_eq!(paid.summary.id, 5_512_034);
                }
            }))
        })
    });

    // The SDK's transport alone, sending the same pre-built request: what the
    // transport adds to bare hyper, apart from the core's work.
    let prebuilt_for_transport = merchant(&base_url).build(&transfer_create()).unwrap();
    let transport = sdk.transport().clone();
    group.bench_function("hyper_transport", |b| {
        b.iter_custom(|iters| {
            let transport = transport.clone();
            let template = Arc::new(copy(&prebuilt_for_transport));
            client_runtime.block_on(run_concurrently(iters * BATCH, move || {
                let (transport, template) = (transport.clone(), template.clone());
                async move {
                    let response =
                        AsyncTransport::send(&transport, copy(&template), far_deadline())
                            .await
                            .unwrap();
                    assert_eq!(response.body().len(), TRANSFER_CREATED_BODY.len());
                }
            }))
        })
    });

    let raw = {
        let _guard = client_runtime.enter();
        RawSender::new(merchant(&base_url).build(&transfer_create()).unwrap())
    };
    group.bench_function("hyper_raw", |b| {
        b.iter_custom(|iters| {
            let raw = raw.clone();
            client_runtime.block_on(run_concurrently(iters * BATCH, move || {
                let raw = raw.clone();
                async move {
                    assert_eq!(raw.send().await, TRANSFER_CREATED_BODY.len());
                }
            }))
        })
    });

    let by_hand = reqwest::Client::builder().tcp_nodelay(true).build().unwrap();
    let url = format!("{base_url}/transfer/create");
    group.bench_function("reqwest", |b| {
        b.iter_custom(|iters| {
            let (by_hand, url) = (by_hand.clone(), url.clone());
            client_runtime.block_on(run_concurrently(iters * BATCH, move || {
                let (by_hand, url) = (by_hand.clone(), url.clone());
                async move {
                    let answer = hand_rolled_transfer_create(&by_hand, &url).await;
                    assert_eq!(answer["data"]["id"], 5_512_034);
                }
            }))
        })
    });
    group.finish();
}

/// A copy of a request with the same bytes.
fn copy(request: &feennex_proto::transport::Request) -> feennex_proto::transport::Request {
    let mut copy =
        hyper::Request::post(request.uri().clone()).body(request.body().clone()).unwrap();
    *copy.headers_mut() = request.headers().clone();
    copy
}

/// A transfer/create as a user might write it without the SDK.
async fn hand_rolled_transfer_create(client: &reqwest::Client, url: &str) -> serde_json::Value {
    let values = [
        "1250.75",
        "receive_amount",
        "201234567890",
        "840",
        "840",
        "112233",
        "batch-2026-11-21-row-000042",
    ];
    let string_to_sign = format!("{}{SECRET}", values.join(":"));
    let sign = String::from_utf8(sha256_hex(string_to_sign.as_bytes()).to_vec()).unwrap();
    let body = serde_json::json!({
        "amount": 1250.75,
        "amount_type": "receive_amount",
        "payee_account": "201234567890",
        "payee_currency": 840,
        "shop_currency": 840,
        "shop_id": 112233,
        "shop_payment_id": "batch-2026-11-21-row-000042",
        "description": "November payout",
        "sign": sign,
    });
    client.post(url).json(&body).send().await.unwrap().json().await.unwrap()
}

criterion_group!(benches, e2e_group);
criterion_main!(benches);

/// A deadline the bench never reaches: the transport alone is measured.
fn far_deadline() -> std::time::Instant {
    std::time::Instant::now() + std::time::Duration::from_secs(60)
}
