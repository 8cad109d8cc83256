//! Soak: many payouts through the exactly-once clients (async and blocking) against
//! a sandbox that drops, delays, breaks and cuts answers. From the sandbox's own
//! ledger: nothing lost, nothing paid twice, the balance exact to the cent.
//!
//! A few hundred payouts by default; set `FEENNEX_SOAK_PAYOUTS=5000` for thousands.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use feennex_proto::exchange::RetryPolicy;
use feennex_proto::{
    Error, Merchant, SecretKey,
    prelude::{
        ClientOptions, Currency, Decimal, ShopId, ShopPaymentId, TransferAmountType, TransferCreate,
    },
};
use feennex_sandbox::{FaultConfig, FaultKind, Sandbox, SandboxConfig};

const DEFAULT_PAYOUTS: usize = 300;

fn payouts_wanted() -> usize {
    std::env::var("FEENNEX_SOAK_PAYOUTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(DEFAULT_PAYOUTS)
}

fn create(index: usize) -> TransferCreate {
    TransferCreate::builder()
        .amount(format!("{}.{:02}", 1 + index % 90, index % 100).parse().unwrap())
        .amount_type(if index.is_multiple_of(4) {
            TransferAmountType::WriteoffAmount
        } else {
            TransferAmountType::ReceiveAmount
        })
        .payee_account(format!("20{:010}", index).parse().unwrap())
        .payee_currency(if index.is_multiple_of(3) { Currency::EUR } else { Currency::USD })
        .shop_currency(Currency::USD)
        .shop_payment_id(ShopPaymentId::new(format!("soak-{index}")).unwrap())
        .build()
}

/// (payout id, write-off) of every payout, as the clients reported them.
type Paid = Arc<Mutex<HashMap<String, (u64, Decimal)>>>;

fn record(paid: &Paid, id: &ShopPaymentId, summary: feennex_proto::exchange::PayoutSummary) {
    let previous =
        paid.lock().unwrap().insert(id.as_str().to_owned(), (summary.id, summary.write_off));
    assert!(previous.is_none(), "{id} reported twice");
}

/// Retries that settle quickly on loopback.
fn options() -> ClientOptions {
    ClientOptions::default().payout_limits(6, 30).retry_policy(
        RetryPolicy::default()
            .with_attempt_timeout(Duration::from_millis(250))
            .with_total_timeout(Duration::from_secs(30))
            .with_backoff(Duration::from_millis(5), Duration::from_millis(100)),
    )
}

/// A payout whose outcome stayed unknown is asked about again until it settles.
fn must_settle<T>(mut attempt: impl FnMut(bool) -> Result<T, Error>) -> T {
    let mut resume = false;
    for _ in 0..5 {
        match attempt(resume) {
            Ok(outcome) => return outcome,
            Err(Error::PayoutUnresolved { .. }) => resume = true,
            Err(other) => panic!("a payout failed for good: {other}"),
        }
    }
    panic!("a payout stayed unresolved");
}

#[test]
fn payouts_under_mixed_faults_are_never_lost_or_doubled() {
    let faults = FaultConfig::none()
        .with(FaultKind::DropBefore, 0.05)
        .with(FaultKind::DropAfter, 0.05)
        .with(FaultKind::Delay, 0.03)
        .with(FaultKind::Http502, 0.05)
        .with(FaultKind::Garbage, 0.03)
        .with(FaultKind::Truncate, 0.03)
        .with_delay(Duration::from_millis(400))
        .with_seed(0x5eed);
    let mut config = SandboxConfig::default().with_faults(faults);
    config.transfer_fee_percent = "1.5".parse().unwrap();
    let sandbox = Sandbox::spawn(([127, 0, 0, 1], 0).into(), config).unwrap();
    let merchant = Merchant::new(
        ShopId::new(feennex_sandbox::DEFAULT_SHOP_ID).unwrap(),
        SecretKey::new(feennex_sandbox::DEFAULT_SECRET),
    )
    .with_base_url(sandbox.base_url().parse().unwrap());
    let total = payouts_wanted();
    let paid: Paid = Arc::default();

    // The first half through the async client, 16 at a time.
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let async_client = {
        let _inside = runtime.enter();
        feennex_hyper::Client::builder(merchant.clone()).options(options()).build().unwrap()
    };
    let limit = Arc::new(tokio::sync::Semaphore::new(16));
    runtime.block_on(async {
        let tasks: Vec<_> = (0..total / 2)
            .map(|index| {
                let (client, paid, limit) = (async_client.clone(), paid.clone(), limit.clone());
                tokio::spawn(async move {
                    let _permit = limit.acquire().await.unwrap();
                    let create = create(index);
                    let id = create.shop_payment_id.clone();
                    let mut resume = false;
                    let outcome = loop {
                        let result = if resume {
                            client.resume_payout(create.clone()).await
                        } else {
                            client.payout(create.clone()).await
                        };
                        match result {
                            Ok(outcome) => break outcome,
                            Err(Error::PayoutUnresolved { .. }) => resume = true,
                            Err(other) => panic!("{id}: {other}"),
                        }
                    };
                    record(&paid, &id, outcome.summary);
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
    });

    // The second half through the blocking client, on 8 threads.
    let blocking_client =
        feennex_blocking::Client::builder(merchant).options(options()).build().unwrap();
    let next = Arc::new(Mutex::new(total / 2..total));
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let (client, paid, next) = (blocking_client.clone(), paid.clone(), next.clone());
            std::thread::spawn(move || {
                while let Some(index) = next.lock().unwrap().next() {
                    let create = create(index);
                    let id = create.shop_payment_id.clone();
                    let outcome = must_settle(|resume| {
                        if resume {
                            client.resume_payout(create.clone())
                        } else {
                            client.payout(create.clone())
                        }
                    });
                    record(&paid, &id, outcome.summary);
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }

    let paid = paid.lock().unwrap();
    assert_eq!(paid.len(), total, "payouts lost");
    let ledger = feennex_tests::Ledger::read(sandbox.base_url());
    assert_eq!(
        ledger.transfers.len(),
        total,
        "the ledger has {} payouts for {total}",
        ledger.transfers.len()
    );
    let mut spent = Decimal::ZERO;
    let mut seen = BTreeMap::new();
    for transfer in &ledger.transfers {
        assert!(
            seen.insert(transfer.shop_payment_id.clone(), ()).is_none(),
            "{} paid twice",
            transfer.shop_payment_id
        );
        let (payout_id, write_off) = paid[&transfer.shop_payment_id];
        assert_eq!(payout_id, transfer.id, "{}", transfer.shop_payment_id);
        assert_eq!(write_off, transfer.write_off_amount, "{}", transfer.shop_payment_id);
        spent += transfer.write_off_amount;
    }
    assert_eq!(
        ledger.available(Currency::USD),
        Decimal::from(feennex_sandbox::DEFAULT_BALANCE) - spent
    );
    // The faults did happen, every kind of them.
    let faults: serde_json::Value =
        serde_json::from_str(&feennex_tests::introspect(sandbox.base_url(), "faults")).unwrap();
    for kind in ["drop-before", "drop-after", "delay", "http-502", "garbage", "truncate"] {
        let injected = faults["injected"][kind].as_u64().unwrap_or(0);
        assert!(injected > 0, "no {kind} fault was injected: {faults}");
    }
}
