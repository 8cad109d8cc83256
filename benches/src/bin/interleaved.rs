//! Ratios between operations, timed in alternating rounds inside one process.
//!
//! Criterion measures one bench after another, so on a shared machine two benches
//! can see different loads and their ratio drifts. Here every round times each
//! operation once, in a rotating order, so all of them see the same moments; the
//! median over rounds gives each operation's time, and the whole measurement is
//! repeated to show the spread of every ratio.
//!
//! Usage: `interleaved [--repeats N] [--rounds N] [--e2e] [--only OPERATION]
//! [--count N]` (release build). `--only` times one operation alone, to run under
//! a profiler; `--count` runs each operation exactly N times, untimed, for counters.

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use feennex_benches::concurrent::{RawSender, run_concurrently, runtime};
use feennex_benches::{
    SECRET, TRANSFER_CREATE_FIELDS, TRANSFER_CREATED_BODY, canned_server, compress_floor, merchant,
    padded_blocks, sha256_hex, transfer_create, transfer_create_message,
};
use feennex_proto::exchange::{Call, RetryPolicy};
use feennex_proto::transport::AsyncTransport;
use feennex_proto::{
    SecretKey, http::StatusCode, prelude::TransferCreate, response::parse_response, sign::sign,
};

/// One timed operation: `run(n)` performs it `n` times.
struct Operation {
    name: &'static str,
    run: Box<dyn FnMut(u64)>,
    /// Operations performed by one `run`, set so that a run lasts `round`.
    batch: u64,
    /// Threads started by a run, each performing it `n` times (0: none, the
    /// measuring thread performs it).
    threads: u64,
    /// How long one run should last: long enough that what a run starts (threads,
    /// tasks) weighs little beside the operations it times.
    round: Duration,
}

/// How long one operation's share of a round should last.
const ROUND_TARGET: Duration = Duration::from_micros(400);

/// A run of an operation that starts threads: 25 rounds' worth.
const THREADS_ROUND_TARGET: Duration = Duration::from_millis(10);

/// A run of an end-to-end operation: hundreds of requests, so that the tasks it
/// starts and the last requests' tail weigh little beside the steady flow.
const E2E_ROUND_TARGET: Duration = Duration::from_millis(60);

/// A ratio to report: `numerator / denominator` of time per operation, or its
/// inverse for throughput ratios.
struct Ratio {
    numerator: &'static str,
    denominator: &'static str,
    throughput: bool,
    goal: &'static str,
}

const fn time_ratio(
    numerator: &'static str,
    denominator: &'static str,
    goal: &'static str,
) -> Ratio {
    Ratio { numerator, denominator, throughput: false, goal }
}

const fn rate_ratio(
    numerator: &'static str,
    denominator: &'static str,
    goal: &'static str,
) -> Ratio {
    Ratio { numerator, denominator, throughput: true, goal }
}

const CPU_RATIOS: &[Ratio] = &[
    time_ratio("sign_transfer_create", "sha256_only", "<= 1.15"),
    time_ratio("sign_transfer_create", "compress_floor", "<= 1.6"),
    time_ratio("sha256_only", "compress_floor", ""),
    time_ratio("build_transfer_create_request", "sha256_only", "<= 4"),
    time_ratio("parse_transfer_create_response", "parse_serde_json_value", "<= 1"),
    time_ratio("sign_fields_16_reversed", "sign_fields_16_sorted", "< 2 (sort not dominant)"),
    time_ratio("sign_fields_16_shuffled", "sign_fields_16_sorted", "< 2 (sort not dominant)"),
    time_ratio("sign_fields_64_reversed", "sign_fields_64_sorted", "< 2 (sort not dominant)"),
    time_ratio("sign_fields_64_shuffled", "sign_fields_64_sorted", "< 2 (sort not dominant)"),
    rate_ratio("sign_two_cores", "sign_one_core", ">= 1.9"),
];

const E2E_RATIOS: &[Ratio] = &[
    rate_ratio("e2e_hyper_sdk", "e2e_hyper_raw", ">= 0.9"),
    rate_ratio("e2e_raw_with_deadline", "e2e_hyper_raw", ""),
    rate_ratio("e2e_build_and_transport", "e2e_hyper_raw", ""),
    rate_ratio("e2e_sdk_without_machine", "e2e_hyper_raw", ""),
    rate_ratio("e2e_single_call_machine", "e2e_hyper_raw", ""),
];

fn main() {
    let mut repeats = 5;
    let mut rounds = 200;
    let mut e2e = false;
    let mut only: Option<String> = None;
    let mut count: Option<u64> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut number = || args.next().and_then(|n| n.parse().ok()).unwrap_or_else(|| usage());
        match arg.as_str() {
            "--repeats" => repeats = number(),
            "--rounds" => rounds = number(),
            "--e2e" => e2e = true,
            "--only" => only = Some(args.next().unwrap_or_else(|| usage())),
            "--count" => count = Some(number() as u64),
            _ => usage(),
        }
    }
    let (mut operations, ratios) =
        if e2e { (e2e_operations(), E2E_RATIOS) } else { (cpu_operations(), CPU_RATIOS) };
    if let Some(only) = &only {
        // One operation alone, for a profiler; ratios need both sides.
        operations.retain(|operation| operation.name == only);
    }
    if let Some(count) = count {
        // Exactly `count` operations of each, untimed: for counters such as
        // `perf stat`, which need to know how many ran.
        operations.iter_mut().for_each(|operation| (operation.run)(count));
        return;
    }
    calibrate(&mut operations);
    let mut per_repeat: Vec<Vec<f64>> = Vec::new();
    for repeat in 0..repeats {
        let times = measure(&mut operations, rounds);
        eprintln!("repeat {}/{repeats} done", repeat + 1);
        per_repeat.push(times);
    }
    report(&operations, &per_repeat, ratios);
}

fn usage() -> ! {
    eprintln!(
        "usage: interleaved [--repeats N] [--rounds N] [--e2e] [--only OPERATION] [--count N]"
    );
    std::process::exit(2);
}

fn cpu_operations() -> Vec<Operation> {
    let secret = SecretKey::new(SECRET);
    let message = transfer_create_message();
    let blocks = padded_blocks(&message);
    let merchant = merchant("https://core.feennex.com");
    let create = transfer_create();
    let answer = TRANSFER_CREATED_BODY.as_bytes();
    let mut operations = vec![
        operation("sha256_only", move |n| {
            for _ in 0..n {
                black_box(sha256_hex(black_box(&message)));
            }
        }),
        operation("compress_floor", move |n| {
            for _ in 0..n {
                black_box(compress_floor(black_box(&blocks)));
            }
        }),
        operation("sign_transfer_create", {
            let secret = secret.clone();
            move |n| {
                for _ in 0..n {
                    black_box(sign(black_box(&TRANSFER_CREATE_FIELDS), black_box(&secret)));
                }
            }
        }),
        operation("build_transfer_create_request", move |n| {
            for _ in 0..n {
                black_box(merchant.build(black_box(&create)).unwrap());
            }
        }),
        operation("parse_transfer_create_response", move |n| {
            for _ in 0..n {
                black_box(parse_response::<TransferCreate>(StatusCode::OK, black_box(answer)))
                    .unwrap();
            }
        }),
        operation("parse_serde_json_value", move |n| {
            for _ in 0..n {
                black_box(serde_json::from_slice::<serde_json::Value>(black_box(answer))).unwrap();
            }
        }),
    ];
    for count in [16, 64] {
        for arrangement in ["sorted", "reversed", "shuffled"] {
            let fields = Arc::new(field_list(count, arrangement));
            let name: &'static str =
                Box::leak(format!("sign_fields_{count}_{arrangement}").into_boxed_str());
            let secret = secret.clone();
            operations.push(operation(name, move |n| {
                let fields: Vec<(&str, &str)> =
                    fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                for _ in 0..n {
                    black_box(sign(black_box(&fields), black_box(&secret)));
                }
            }));
        }
    }
    for (name, threads) in [("sign_one_core", 1u64), ("sign_two_cores", 2)] {
        let secret = secret.clone();
        let mut operation = operation(name, move |n| {
            std::thread::scope(|scope| {
                for _ in 0..threads {
                    scope.spawn(|| {
                        for _ in 0..n {
                            black_box(sign(black_box(&TRANSFER_CREATE_FIELDS), black_box(&secret)));
                        }
                    });
                }
            });
        });
        operation.threads = threads;
        operation.round = THREADS_ROUND_TARGET;
        operations.push(operation);
    }
    operations
}

/// `count` signed fields named so that their order is known, arranged as asked;
/// the shuffle is a fixed permutation, so runs compare.
fn field_list(count: usize, arrangement: &str) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> =
        (0..count).map(|i| (format!("field_{i:03}"), format!("value-{i:010}"))).collect();
    match arrangement {
        "reversed" => fields.reverse(),
        "shuffled" => {
            // A multiplicative permutation: i -> i * 37 mod count (37 is odd and
            // prime, so coprime with the powers of two used here).
            let original = fields.clone();
            for (i, slot) in fields.iter_mut().enumerate() {
                *slot = original[i * 37 % count].clone();
            }
        }
        _ => {}
    }
    fields
}

/// The end-to-end operations: bare hyper, then the SDK's layers added one at a
/// time, so that the cost of each shows in the ratios.
fn e2e_operations() -> Vec<Operation> {
    let server_runtime = Box::leak(Box::new(runtime()));
    let address = canned_server::start(server_runtime, TRANSFER_CREATED_BODY);
    let base_url = format!("http://{address}");
    let client_runtime = Arc::new(runtime());
    let (sdk, raw) = {
        let _inside = client_runtime.enter();
        let sdk = feennex_hyper::Client::new(merchant(&base_url)).unwrap();
        let raw = RawSender::new(merchant(&base_url).build(&transfer_create()).unwrap());
        (sdk, raw)
    };
    let create = Arc::new(transfer_create());
    let parts = SdkParts {
        shop: Arc::new(merchant(&base_url)),
        create: create.clone(),
        transport: Arc::new(sdk.transport().clone()),
    };
    let on_client = || client_runtime.clone();
    vec![
        e2e_operation("e2e_hyper_raw", on_client(), {
            let raw = raw.clone();
            move || {
                let raw = raw.clone();
                async move { assert_eq!(raw.send().await, TRANSFER_CREATED_BODY.len()) }
            }
        }),
        e2e_operation("e2e_raw_with_deadline", on_client(), {
            move || {
                let raw = raw.clone();
                async move {
                    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
                    let sent = tokio::time::timeout_at(deadline, raw.send()).await;
                    assert_eq!(sent.unwrap(), TRANSFER_CREATED_BODY.len());
                }
            }
        }),
        e2e_operation("e2e_build_and_transport", on_client(), {
            let parts = parts.clone();
            move || {
                let parts = parts.clone();
                async move {
                    let response = parts.build_and_send().await;
                    assert_eq!(response.body().len(), TRANSFER_CREATED_BODY.len());
                }
            }
        }),
        e2e_operation("e2e_sdk_without_machine", on_client(), {
            let parts = parts.clone();
            move || {
                let parts = parts.clone();
                async move {
                    let response = parts.build_and_send().await;
                    let created =
                        parse_response::<TransferCreate>(response.status(), response.body());
                    assert_eq!(created.unwrap().id, 5_512_034);
                }
            }
        }),
        e2e_operation("e2e_single_call_machine", on_client(), {
            let parts = parts.clone();
            move || {
                let parts = parts.clone();
                async move {
                    let SdkParts { shop, create, transport } = &parts;
                    let call = Call::new(shop, &**create, RetryPolicy::default());
                    let created = feennex_hyper::drive(call.unwrap(), &**transport).await;
                    assert_eq!(created.unwrap().id, 5_512_034);
                }
            }
        }),
        e2e_operation("e2e_hyper_sdk", on_client(), {
            move || {
                let (sdk, create) = (sdk.clone(), create.clone());
                async move {
                    let paid = sdk.payout(TransferCreate::clone(&create)).await.unwrap();
                    assert_eq!(paid.summary.id, 5_512_034);
                }
            }
        }),
    ]
}

/// What the SDK's layers are made of, to time them apart.
#[derive(Clone)]
struct SdkParts {
    shop: Arc<feennex_proto::Merchant>,
    create: Arc<TransferCreate>,
    transport: Arc<feennex_hyper::HyperTransport>,
}

impl SdkParts {
    /// The create built and signed, then sent through the SDK's transport.
    async fn build_and_send(&self) -> feennex_proto::transport::Response {
        let request = self.shop.build(&*self.create).unwrap();
        self.transport.send(request, far_deadline()).await.unwrap()
    }
}

/// A deadline no answer on loopback comes near.
fn far_deadline() -> Instant {
    Instant::now() + Duration::from_secs(30)
}

/// An end-to-end operation: `n` requests made by `request`, [`IN_FLIGHT`] at a
/// time, on `runtime`; its runs last [`E2E_ROUND_TARGET`].
///
/// [`IN_FLIGHT`]: feennex_benches::concurrent::IN_FLIGHT
fn e2e_operation<F, Fut>(
    name: &'static str,
    runtime: Arc<tokio::runtime::Runtime>,
    request: F,
) -> Operation
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    let run = move |n| {
        runtime.block_on(run_concurrently(n, request.clone()));
    };
    Operation { round: E2E_ROUND_TARGET, ..operation(name, run) }
}

fn operation(name: &'static str, run: impl FnMut(u64) + 'static) -> Operation {
    Operation { name, run: Box::new(run), batch: 1, threads: 0, round: ROUND_TARGET }
}

/// Sets each operation's batch so that one run lasts about its `round`: the
/// batch doubles until a run lasts long enough, then the fastest of three runs of
/// that batch sets the rate (a single slow run would otherwise shrink the batch).
fn calibrate(operations: &mut [Operation]) {
    for operation in operations {
        let target = operation.round;
        let mut n = 1;
        let mut time = |n: u64| {
            let start = Instant::now();
            (operation.run)(n);
            start.elapsed()
        };
        while time(n) < target / 4 {
            n *= 2;
        }
        let fastest = (0..3).map(|_| time(n)).min().unwrap_or(target);
        let per_run = fastest.as_secs_f64() / n as f64;
        operation.batch = ((target.as_secs_f64() / per_run) as u64).max(1);
    }
}

/// One repeat: `rounds` rounds, each timing every operation once, starting from a
/// different operation each round. Gives each operation's median nanoseconds per
/// operation.
fn measure(operations: &mut [Operation], rounds: usize) -> Vec<f64> {
    let mut samples: Vec<Vec<f64>> = vec![Vec::with_capacity(rounds); operations.len()];
    for round in 0..rounds {
        for offset in 0..operations.len() {
            let index = (round + offset) % operations.len();
            let operation = &mut operations[index];
            let start = Instant::now();
            (operation.run)(operation.batch);
            let nanos = start.elapsed().as_nanos() as f64;
            samples[index].push(nanos / (operation.batch * operation.threads.max(1)) as f64);
        }
    }
    samples.into_iter().map(median).collect()
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let middle = values.len() / 2;
    if values.len().is_multiple_of(2) {
        (values[middle - 1] + values[middle]) / 2.0
    } else {
        values[middle]
    }
}

fn report(operations: &[Operation], per_repeat: &[Vec<f64>], ratios: &[Ratio]) {
    let index = |name: &str| operations.iter().position(|o| o.name == name);
    println!("{:<34} {:>12} {:>22}", "operation", "ns/op", "(min-max over repeats)");
    for (i, operation) in operations.iter().enumerate() {
        let times: Vec<f64> = per_repeat.iter().map(|t| t[i]).collect();
        let (low, high) = spread(&times);
        println!(
            "{:<34} {:>12.1} {:>22}",
            operation.name,
            median(times),
            format!("({low:.1}-{high:.1})")
        );
    }
    println!();
    println!("{:<64} {:>7} {:>15}  goal", "ratio", "median", "(min-max)");
    for ratio in ratios {
        let (Some(n), Some(d)) = (index(ratio.numerator), index(ratio.denominator)) else {
            continue;
        };
        let values: Vec<f64> = per_repeat
            .iter()
            .map(|t| if ratio.throughput { t[d] / t[n] } else { t[n] / t[d] })
            .collect();
        let (low, high) = spread(&values);
        let label = if ratio.throughput {
            format!("{} / {} (rate)", ratio.numerator, ratio.denominator)
        } else {
            format!("{} / {}", ratio.numerator, ratio.denominator)
        };
        println!(
            "{label:<64} {:>7.3} {:>15}  {}",
            median(values),
            format!("({low:.3}-{high:.3})"),
            ratio.goal
        );
    }
}

fn spread(values: &[f64]) -> (f64, f64) {
    let low = values.iter().copied().fold(f64::INFINITY, f64::min);
    let high = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (low, high)
}
