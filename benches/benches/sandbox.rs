//! The sandbox's own throughput for transfer/create: 32 clients at once, each
//! payout unique, through the SDK's client over loopback.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use feennex_benches::{SECRET, merchant, transfer_create};
use feennex_proto::{
    SecretKey,
    prelude::{Currency, Decimal, ShopPaymentId},
};
use feennex_sandbox::{Sandbox, SandboxConfig, ShopConfig};

const CLIENTS: u64 = 32;
const BATCH: u64 = 256;

fn sandbox_group(c: &mut Criterion) {
    let balances = BTreeMap::from([(Currency::USD, Decimal::from(1_000_000_000_000_i64))]);
    let shop = ShopConfig::new(112_233, SecretKey::new(SECRET)).with_balances(balances);
    let sandbox =
        Sandbox::spawn(([127, 0, 0, 1], 0).into(), SandboxConfig::default().with_shops(vec![shop]))
            .unwrap();
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let client = {
        let _inside = runtime.enter();
        feennex_hyper::Client::new(merchant(sandbox.base_url())).unwrap()
    };
    let next_id = Arc::new(AtomicU64::new(0));

    let mut group = c.benchmark_group("sandbox");
    group.throughput(Throughput::Elements(BATCH));
    group.sample_size(10);
    group.bench_function("transfer_create_32_clients", |b| {
        b.iter_custom(|iters| {
            let remaining = Arc::new(AtomicU64::new(iters * BATCH));
            runtime.block_on(async {
                let start = Instant::now();
                let workers: Vec<_> = (0..CLIENTS)
                    .map(|_| {
                        let (client, remaining, next_id) =
                            (client.clone(), remaining.clone(), next_id.clone());
                        tokio::spawn(async move {
                            while remaining
                                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                                    left.checked_sub(1)
                                })
                                .is_ok()
                            {
                                let mut create = transfer_create();
                                create.amount = "1".parse().unwrap();
                                let id = next_id.fetch_add(1, Ordering::Relaxed);
                                create.shop_payment_id =
                                    ShopPaymentId::new(format!("bench-{id}")).unwrap();
                                let paid = client.payout(create).await.unwrap();
                                assert_eq!(paid.summary.write_off, Decimal::ONE);
                            }
                        })
                    })
                    .collect();
                for worker in workers {
                    worker.await.unwrap();
                }
                start.elapsed()
            })
        })
    });
    group.finish();
}

criterion_group!(benches, sandbox_group);
criterion_main!(benches);
