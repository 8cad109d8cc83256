//! The blocking client works from inside a tokio runtime's blocking section, on a
//! multi-threaded runtime and on a single-threaded one that also serves the sandbox.

use feennex_sandbox::{Sandbox, SandboxConfig};
use feennex_tests::{Ledger, Setup, decimal, merchant_at, transfer_create, transfer_status};

async fn payout_from_spawn_blocking() {
    let sandbox =
        Sandbox::start(([127, 0, 0, 1], 0).into(), SandboxConfig::default()).await.unwrap();
    let base_url = sandbox.base_url().to_owned();
    let client = feennex_blocking::Client::builder(merchant_at(&base_url))
        .options(Setup::default().options)
        .build()
        .unwrap();

    let (outcome, found, ledger) = tokio::task::spawn_blocking(move || {
        let outcome = client.payout(transfer_create("from-tokio")).unwrap();
        let found = client.call(&transfer_status("from-tokio")).unwrap();
        (outcome, found, Ledger::read(&base_url))
    })
    .await
    .unwrap();

    assert_eq!(outcome.summary.write_off, decimal("1.19"));
    assert_eq!(found.id, outcome.summary.id);
    assert_eq!(ledger.the_transfer("from-tokio").id, outcome.summary.id);
    ledger.assert_payouts_exactly(&["from-tokio"], &[]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blocking_client_pays_out_from_spawn_blocking_on_a_multi_threaded_runtime() {
    payout_from_spawn_blocking().await;
}

#[tokio::test(flavor = "current_thread")]
async fn blocking_client_pays_out_from_spawn_blocking_on_a_current_thread_runtime() {
    payout_from_spawn_blocking().await;
}
