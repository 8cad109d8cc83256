//! Payouts per second and their latency, against an embedded sandbox or another
//! one: a fixed number of payouts in flight, each with its own id, for a set time.

use std::sync::Arc;
use std::time::{Duration, Instant};

use feennex_proto::Merchant;
use feennex_sandbox::{Sandbox, SandboxConfig};

use super::{PayoutFigures, run_id, sample_transfer, sandbox_merchant};
use crate::exit::Failure;

/// Sends payouts with `concurrency` in flight for `budget` and reports their rate
/// and latency; `remote` is another sandbox's shop, `None` starts one here.
pub(super) fn measure(
    remote: Option<Merchant>,
    concurrency: u32,
    budget: Duration,
) -> Result<PayoutFigures, Failure> {
    let embedded = match remote {
        Some(_) => None,
        None => Some(
            Sandbox::spawn(([127, 0, 0, 1], 0).into(), SandboxConfig::default())
                .map_err(|error| Failure::Sandbox(format!("cannot start the sandbox: {error}")))?,
        ),
    };
    let (merchant, target) = match (remote, &embedded) {
        (Some(merchant), _) => {
            let target = merchant.base_url().to_string();
            (merchant, target)
        }
        (None, Some(sandbox)) => {
            let base_url =
                sandbox.base_url().parse().map_err(|error| Failure::Sandbox(format!("{error}")))?;
            (sandbox_merchant(base_url)?, format!("the embedded sandbox ({})", sandbox.base_url()))
        }
        (None, None) => unreachable!("a sandbox was started when none was given"),
    };
    let runtime = crate::send::runtime()?;
    let client = {
        let _inside = runtime.enter();
        feennex_hyper::Client::new(merchant)
            .map_err(|error| Failure::Input(format!("--base-url: {error}")))?
    };
    let prefix = Arc::new(run_id());
    let start = Instant::now();
    let deadline = start + budget;
    let outcomes = runtime.block_on(async {
        let workers: Vec<_> = (0..concurrency)
            .map(|worker| {
                let (client, prefix) = (client.clone(), prefix.clone());
                tokio::spawn(async move {
                    let mut latencies = Vec::new();
                    let mut failed = 0u64;
                    let mut last_error = None;
                    for sequence in 0u64.. {
                        if sequence > 0 && Instant::now() >= deadline {
                            break;
                        }
                        let id = format!("{prefix}-{worker}-{sequence}");
                        let transfer = sample_transfer(&id)?;
                        let sent = Instant::now();
                        match client.payout(transfer).await {
                            Ok(_) => latencies.push(sent.elapsed()),
                            Err(error) => {
                                failed += 1;
                                last_error = Some(error.chain());
                            }
                        }
                    }
                    Ok::<_, Failure>((latencies, failed, last_error))
                })
            })
            .collect();
        let mut outcomes = Vec::new();
        for worker in workers {
            outcomes.push(worker.await);
        }
        outcomes
    });
    let elapsed = start.elapsed();
    if let Some(sandbox) = embedded {
        sandbox.shutdown();
    }
    let mut latencies = Vec::new();
    let (mut failed, mut last_error) = (0u64, None);
    for outcome in outcomes {
        let (worker_latencies, worker_failed, worker_error) = outcome
            .map_err(|error| Failure::Transport(format!("a payout task failed: {error}")))??;
        latencies.extend(worker_latencies);
        failed += worker_failed;
        last_error = last_error.or(worker_error);
    }
    if latencies.is_empty() {
        let reason = last_error.unwrap_or_else(|| "no payout was sent".into());
        return Err(Failure::Transport(format!("no payout succeeded: {reason}")));
    }
    latencies.sort_unstable();
    let completed = latencies.len() as u64;
    Ok(PayoutFigures {
        target,
        concurrency,
        per_second: completed as f64 / elapsed.as_secs_f64(),
        p50_ms: percentile(&latencies, 50).as_secs_f64() * 1e3,
        p99_ms: percentile(&latencies, 99).as_secs_f64() * 1e3,
        completed,
        failed,
    })
}

/// The `percent`th percentile of sorted, non-empty values (nearest rank).
fn percentile(sorted: &[Duration], percent: usize) -> Duration {
    let rank = (sorted.len() * percent).div_ceil(100).max(1);
    sorted[rank - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_take_the_nearest_rank() {
        let values: Vec<Duration> = (1..=200).map(Duration::from_millis).collect();
        assert_eq!(percentile(&values, 50), Duration::from_millis(100));
        assert_eq!(percentile(&values, 99), Duration::from_millis(198));
        assert_eq!(percentile(&values[..1], 99), Duration::from_millis(1));
    }
}
