//! `feennex bench`: how fast this machine signs, builds and parses requests and
//! pays out, for sizing a deployment.
//!
//! Signing is measured beside SHA-256 of the same bytes in the same run, timed in
//! alternating rounds, so the ratio holds on a busy machine too. Payouts go to
//! an embedded sandbox, or to another sandbox given with `--base-url`; the
//! production API is refused.

use std::hint::black_box;
use std::io::Write;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use clap::Args;
use feennex_proto::{
    Merchant, SecretKey,
    prelude::{
        Amount, BaseUrl, Currency, PayeeAccount, ShopId, ShopPaymentId, TransferAmountType,
        TransferCreate,
    },
    response::parse_response,
    sign::sign,
};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::exit::Failure;
use crate::flags::ShopArgs;

mod payouts;

/// The host of the production API, which is never benchmarked.
const PRODUCTION_HOST: &str = "core.feennex.com";

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Seconds to spend measuring in all, shared among the measurements.
    #[arg(long, value_name = "SECONDS", default_value = "6", value_parser = parse_seconds)]
    pub duration: Duration,
    /// A quick run of about one second (same as --duration 1).
    #[arg(long, conflicts_with = "duration")]
    pub quick: bool,
    /// Print the figures as one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Payouts in flight at once.
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub concurrency: u32,
    /// A running sandbox to pay out against, instead of an embedded one (never the
    /// production API).
    #[arg(long, env = "FEENNEX_BASE_URL", value_name = "URL", help_heading = "Connection")]
    pub base_url: Option<BaseUrl>,
    /// The shop on that sandbox (its default shop unless given).
    #[command(flatten)]
    pub shop: ShopArgs,
}

fn parse_seconds(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text.parse().map_err(|_| format!("{text:?} is not a number of seconds"))?;
    if !(0.1..=3600.0).contains(&seconds) {
        return Err("give between 0.1 and 3600 seconds".into());
    }
    Ok(Duration::from_secs_f64(seconds))
}

/// Everything one run measured.
#[derive(Debug, Serialize)]
struct Figures {
    /// `debug` or `release`: how this binary was built. Debug figures are many
    /// times below a release build's and size nothing.
    build: &'static str,
    cores: usize,
    sign: SignFigures,
    build_per_second: f64,
    parse_per_second: f64,
    payouts: PayoutFigures,
}

/// Signatures of a transfer/create's fields, and SHA-256 of the same bytes.
#[derive(Debug, Serialize)]
struct SignFigures {
    one_core_per_second: f64,
    one_core_sha256_per_second: f64,
    all_cores_per_second: f64,
    all_cores_sha256_per_second: f64,
}

#[derive(Debug, Serialize)]
struct PayoutFigures {
    target: String,
    concurrency: u32,
    per_second: f64,
    p50_ms: f64,
    p99_ms: f64,
    completed: u64,
    failed: u64,
}

/// The signed fields of a typical transfer/create, in signing order.
const FIELDS: [(&str, &str); 7] = [
    ("amount", "1250.75"),
    ("amount_type", "receive_amount"),
    ("payee_account", "201234567890"),
    ("payee_currency", "840"),
    ("shop_currency", "840"),
    ("shop_id", "112233"),
    ("shop_payment_id", "batch-2026-11-21-row-000042"),
];

/// How this binary was built, as the figures say it.
const BUILD: &str = if cfg!(debug_assertions) { "debug" } else { "release" };

/// A key of the usual length, used only for the offline measurements.
const BENCH_SECRET: &str = "0123456789abcdef0123456789abcdef";

/// A successful transfer/create answer, as parsed in the parsing measurement.
const CREATED_ANSWER: &[u8] = br#"{"data":{"balance":98749.25,"id":5512034,"payee_account":"201234567890","payee_amount":1250.75,"payee_currency":840,"shop":112233,"shop_currency":840,"write_off_amount":1288.27},"error_code":0,"message":"Ok","result":true}"#;

pub fn run(args: &BenchArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let total = if args.quick { Duration::from_secs(1) } else { args.duration };
    let remote = remote_sandbox(args)?;
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let share = |fraction: f64| total.mul_f64(fraction);

    progress(1, "signing on one core, beside SHA-256 of the same bytes");
    let (one_core, one_core_sha256) = alternating_rates(1, share(0.25));
    progress(2, &format!("signing on all {cores} cores"));
    let (all_cores, all_cores_sha256) = alternating_rates(cores, share(0.2));
    progress(3, "building signed requests");
    let build_per_second = build_rate(share(0.1))?;
    progress(4, "parsing answers");
    let parse_per_second = parse_rate(share(0.1))?;
    progress(5, "paying out");
    let payouts = payouts::measure(remote, args.concurrency, share(0.35))?;

    let figures = Figures {
        build: BUILD,
        cores,
        sign: SignFigures {
            one_core_per_second: one_core,
            one_core_sha256_per_second: one_core_sha256,
            all_cores_per_second: all_cores,
            all_cores_sha256_per_second: all_cores_sha256,
        },
        build_per_second,
        parse_per_second,
        payouts,
    };
    if args.json {
        let text = serde_json::to_string_pretty(&figures)
            .map_err(|error| Failure::Output(format!("cannot write JSON: {error}")))?;
        crate::output::print(out, format_args!("{text}"))
    } else {
        print_table(&figures, total, out)
    }
}

/// Where payouts go: `None` for the embedded sandbox, or the merchant on another
/// sandbox given with `--base-url` (or `FEENNEX_BASE_URL`). The production API is
/// refused.
fn remote_sandbox(args: &BenchArgs) -> Result<Option<Merchant>, Failure> {
    let Some(base_url) = &args.base_url else {
        return Ok(None);
    };
    if is_production(base_url) {
        return Err(Failure::Input(format!(
            "--base-url (or FEENNEX_BASE_URL): refusing to send benchmark payouts to the production API \
             ({PRODUCTION_HOST}); give a sandbox's URL, or none for an embedded sandbox"
        )));
    }
    let merchant = match args.shop.shop_id {
        Some(_) => crate::config::shop(&args.shop)?.with_base_url(base_url.clone()),
        None => sandbox_merchant(base_url.clone())?,
    };
    Ok(Some(merchant))
}

fn is_production(base_url: &BaseUrl) -> bool {
    let uri: Option<http::Uri> = base_url.as_str().parse().ok();
    uri.and_then(|uri| uri.host().map(|host| host.eq_ignore_ascii_case(PRODUCTION_HOST)))
        .unwrap_or(true)
}

/// The sandbox's default shop on `base_url`.
fn sandbox_merchant(base_url: BaseUrl) -> Result<Merchant, Failure> {
    let shop_id = ShopId::new(feennex_sandbox::DEFAULT_SHOP_ID)
        .ok_or_else(|| Failure::Input("the sandbox's shop id".into()))?;
    Ok(Merchant::new(shop_id, SecretKey::new(feennex_sandbox::DEFAULT_SECRET))
        .with_base_url(base_url))
}

fn progress(step: u32, what: &str) {
    eprintln!("[{step}/5] {what}...");
}

/// Signatures per second and SHA-256 digests (of the same bytes, with hex) per
/// second on `threads` threads, timed in alternating rounds until `budget` is
/// spent.
fn alternating_rates(threads: usize, budget: Duration) -> (f64, f64) {
    let secret = SecretKey::new(BENCH_SECRET);
    let values: Vec<&str> = FIELDS.iter().map(|(_, value)| *value).collect();
    let message = format!("{}{BENCH_SECRET}", values.join(":"));
    let sign_once = || {
        black_box(sign(black_box(&FIELDS), black_box(&secret)));
    };
    let sha256_once = || {
        black_box(sha256_hex(black_box(message.as_bytes())));
    };
    // Rounds long enough that starting threads weighs little.
    let round = Duration::from_millis(if threads > 1 { 40 } else { 10 });
    let batch = |operation: &(dyn Fn() + Sync)| iterations_for(round, operation);
    let (sign_batch, sha256_batch) = (batch(&sign_once), batch(&sha256_once));
    let (mut sign_time, mut sha256_time) = (Duration::ZERO, Duration::ZERO);
    let (mut signed, mut hashed) = (0u64, 0u64);
    let deadline = Instant::now() + budget;
    while signed == 0 || Instant::now() < deadline {
        sign_time += on_threads(threads, sign_batch, &sign_once);
        signed += sign_batch * threads as u64;
        sha256_time += on_threads(threads, sha256_batch, &sha256_once);
        hashed += sha256_batch * threads as u64;
    }
    (per_second(signed, sign_time), per_second(hashed, sha256_time))
}

/// SHA-256 of `bytes` as lowercase hex: the floor a signer is compared with.
fn sha256_hex(bytes: &[u8]) -> [u8; 64] {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut hex = [0u8; 64];
    for (pair, byte) in hex.chunks_exact_mut(2).zip(Sha256::digest(bytes)) {
        pair[0] = DIGITS[usize::from(byte >> 4)];
        pair[1] = DIGITS[usize::from(byte & 0x0f)];
    }
    hex
}

/// Runs `operation` `count` times on each of `threads` threads at once and gives
/// the wall time.
fn on_threads(threads: usize, count: u64, operation: &(dyn Fn() + Sync)) -> Duration {
    let start = Instant::now();
    if threads == 1 {
        (0..count).for_each(|_| operation());
    } else {
        std::thread::scope(|scope| {
            for _ in 0..threads {
                scope.spawn(|| (0..count).for_each(|_| operation()));
            }
        });
    }
    start.elapsed()
}

/// How many runs of `operation` take about `round`.
fn iterations_for(round: Duration, operation: &dyn Fn()) -> u64 {
    let mut count = 16u64;
    loop {
        let start = Instant::now();
        (0..count).for_each(|_| operation());
        let elapsed = start.elapsed();
        if elapsed >= round / 4 || count >= 1 << 32 {
            let per_run = elapsed.as_secs_f64() / count as f64;
            return ((round.as_secs_f64() / per_run.max(1e-12)) as u64).max(1);
        }
        count *= 2;
    }
}

fn per_second(count: u64, time: Duration) -> f64 {
    count as f64 / time.as_secs_f64().max(1e-9)
}

/// Operations per second of `operation` on this thread during `budget`.
fn rate(budget: Duration, mut operation: impl FnMut()) -> f64 {
    let start = Instant::now();
    let mut count = 0u64;
    while count == 0 || start.elapsed() < budget {
        for _ in 0..64 {
            operation();
        }
        count += 64;
    }
    per_second(count, start.elapsed())
}

fn build_rate(budget: Duration) -> Result<f64, Failure> {
    let base_url: BaseUrl =
        "http://127.0.0.1:9".parse().map_err(|error| Failure::Input(format!("{error}")))?;
    let merchant = sandbox_merchant(base_url)?;
    let create = sample_transfer("batch-2026-11-21-row-000042")?;
    merchant.build(&create).map_err(|error| Failure::Input(error.to_string()))?;
    Ok(rate(budget, || {
        let _ = black_box(merchant.build(black_box(&create)));
    }))
}

fn parse_rate(budget: Duration) -> Result<f64, Failure> {
    let parse =
        || parse_response::<TransferCreate>(http::StatusCode::OK, black_box(CREATED_ANSWER));
    parse().map_err(|error| Failure::Input(error.to_string()))?;
    Ok(rate(budget, || {
        let _ = black_box(parse());
    }))
}

/// A one-cent wallet payout in US dollars with the given id.
fn sample_transfer(shop_payment_id: &str) -> Result<TransferCreate, Failure> {
    let invalid = |error: &dyn std::fmt::Display| Failure::Input(error.to_string());
    let amount: Amount = "0.01".parse().map_err(|error| invalid(&error))?;
    Ok(TransferCreate::builder()
        .amount(amount)
        .amount_type(TransferAmountType::ReceiveAmount)
        .payee_account(PayeeAccount::new("201234567890").map_err(|error| invalid(&error))?)
        .payee_currency(Currency::USD)
        .shop_currency(Currency::USD)
        .shop_payment_id(ShopPaymentId::new(shop_payment_id).map_err(|error| invalid(&error))?)
        .build())
}

/// A prefix for this run's payout ids, so that runs against one sandbox do not
/// collide.
fn run_id() -> String {
    let micros = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_micros());
    format!("bench-{}-{micros}", std::process::id())
}

fn print_table(figures: &Figures, total: Duration, out: &mut dyn Write) -> Result<(), Failure> {
    let sign = &figures.sign;
    let payouts = &figures.payouts;
    let mut lines = vec![
        format!(
            "feennex bench: {:.1} s on {} cores, {} build",
            total.as_secs_f64(),
            figures.cores,
            figures.build
        ),
        String::new(),
        format!("{:<44} {:>12} {:>12}", "signing a transfer/create", "one core", "all cores"),
        format!(
            "{:<44} {:>12} {:>12}",
            "  signatures per second",
            si(sign.one_core_per_second),
            si(sign.all_cores_per_second)
        ),
        format!(
            "{:<44} {:>12} {:>12}",
            "  SHA-256 of the same bytes per second",
            si(sign.one_core_sha256_per_second),
            si(sign.all_cores_sha256_per_second)
        ),
        format!(
            "{:<44} {:>11.2}x {:>11.2}x",
            "  time of a signature / time of SHA-256",
            sign.one_core_sha256_per_second / sign.one_core_per_second,
            sign.all_cores_sha256_per_second / sign.all_cores_per_second
        ),
        format!("{:<44} {:>12}", "signed requests built per second", si(figures.build_per_second)),
        format!("{:<44} {:>12}", "answers parsed per second", si(figures.parse_per_second)),
        String::new(),
        format!("payouts to {} with {} in flight", payouts.target, payouts.concurrency),
        format!("{:<44} {:>12}", "  payouts per second", si(payouts.per_second)),
        format!("{:<44} {:>9.2} ms", "  latency p50", payouts.p50_ms),
        format!("{:<44} {:>9.2} ms", "  latency p99", payouts.p99_ms),
        format!("{:<44} {:>12}", "  completed", payouts.completed),
        format!("{:<44} {:>12}", "  failed", payouts.failed),
    ];
    if figures.build == "debug" {
        lines.extend([
            String::new(),
            "These are a debug build's figures, many times below a release build's. To size"
                .to_owned(),
            "a machine: cargo run --release -p feennex-cli -- bench".to_owned(),
        ]);
    }
    for line in lines {
        crate::output::print(out, format_args!("{line}"))?;
    }
    Ok(())
}

/// A rate with a unit prefix: 6.02 M, 310 k.
fn si(value: f64) -> String {
    if value >= 1e6 {
        format!("{:.2} M", value / 1e6)
    } else if value >= 1e3 {
        format!("{:.1} k", value / 1e3)
    } else {
        format!("{value:.0}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_floor_hashes_the_bytes_the_signer_signs() {
        let values: Vec<&str> = FIELDS.iter().map(|(_, value)| *value).collect();
        let message = format!("{}{BENCH_SECRET}", values.join(":"));
        let signature = sign(&FIELDS, &SecretKey::new(BENCH_SECRET));
        assert_eq!(&sha256_hex(message.as_bytes())[..], signature.as_str().as_bytes());
    }

    #[test]
    fn production_is_recognised_in_any_case() {
        assert!(is_production(&"https://core.feennex.com".parse().unwrap()));
        assert!(is_production(&"https://CORE.Feennex.com/api".parse().unwrap()));
        assert!(!is_production(&"http://127.0.0.1:8080".parse().unwrap()));
    }

    #[test]
    fn durations_are_checked() {
        assert_eq!(parse_seconds("0.5"), Ok(Duration::from_millis(500)));
        assert!(parse_seconds("0").is_err());
        assert!(parse_seconds("nan").is_err());
        assert!(parse_seconds("-1").is_err());
        assert!(parse_seconds("5000").is_err());
    }

    #[test]
    fn rates_read_with_a_unit() {
        assert_eq!(si(6_020_000.0), "6.02 M");
        assert_eq!(si(310_400.0), "310.4 k");
        assert_eq!(si(12.4), "12");
    }
}
