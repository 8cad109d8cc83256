//! The shop's secret key never leaks: not through `Debug` or `Display` of any
//! public type that holds it, not in any error, not in `tracing` output at TRACE
//! level while both clients run payouts against a sandbox, and not in anything the
//! `feennex` binary prints, dry runs included.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use feennex_proto::exchange::{ExactlyOncePayout, PayoutLimits, RetryPolicy};
use feennex_proto::transport::AttemptTimedOut;
use feennex_proto::{
    Error, Merchant, SecretKey,
    prelude::{
        BaseUrl, ClientOptions, Currency, ShopId, ShopPaymentId, TransferAmountType, TransferCreate,
    },
};
use feennex_sandbox::{FaultConfig, FaultKind, Sandbox, SandboxConfig, ShopConfig};

/// A secret that cannot appear by chance.
const SECRET: &str = "sk-LEAK-CANARY-7f3e9a51c2";
/// A part of it long enough to be telling on its own.
const FRAGMENT: &str = "LEAK-CANARY";
const SHOP: u64 = 42;

fn assert_clean(what: &str, text: &str) {
    assert!(!text.contains(SECRET) && !text.contains(FRAGMENT), "{what} shows the secret: {text}");
}

fn debug_and_display_clean<T: std::fmt::Debug + std::fmt::Display>(what: &str, value: &T) {
    assert_clean(what, &format!("{value:?} {value:#?} {value}"));
}

fn merchant(base_url: &str) -> Merchant {
    Merchant::new(ShopId::new(SHOP).unwrap(), SecretKey::new(SECRET))
        .with_base_url(base_url.parse().unwrap())
}

fn sandbox(faults: FaultConfig) -> Sandbox {
    let config = SandboxConfig::default()
        .with_shops(vec![ShopConfig::new(SHOP, SecretKey::new(SECRET))])
        .with_faults(faults);
    Sandbox::spawn(([127, 0, 0, 1], 0).into(), config).unwrap()
}

fn transfer(id: &str) -> TransferCreate {
    TransferCreate::builder()
        .amount("10.50".parse().unwrap())
        .amount_type(TransferAmountType::ReceiveAmount)
        .payee_account("201234567890".parse().unwrap())
        .payee_currency(Currency::USD)
        .shop_currency(Currency::USD)
        .shop_payment_id(ShopPaymentId::new(id).unwrap())
        .description("secret test".to_owned())
        .build()
}

fn fast_options() -> ClientOptions {
    ClientOptions::default()
        .connect_timeout(Duration::from_millis(300))
        .attempt_timeout(Duration::from_millis(600))
        .total_timeout(Duration::from_secs(3))
}

#[test]
fn types_holding_the_key_never_format_it() {
    let key = SecretKey::new(SECRET);
    assert_clean("SecretKey", &format!("{key:?} {key:#?}"));
    let merchant = merchant("http://127.0.0.1:9");
    assert_clean("Merchant", &format!("{merchant:?} {merchant:#?}"));

    let blocking_builder = feennex_blocking::Client::builder(merchant.clone());
    assert_clean("blocking ClientBuilder", &format!("{blocking_builder:#?}"));
    let blocking = blocking_builder.build().unwrap();
    assert_clean("blocking Client", &format!("{blocking:?} {blocking:#?}"));
    let hyper_builder = feennex_hyper::Client::builder(merchant.clone());
    assert_clean("hyper ClientBuilder", &format!("{hyper_builder:#?}"));
    let hyper = hyper_builder.build().unwrap();
    assert_clean("hyper Client", &format!("{hyper:?} {hyper:#?}"));

    let machine = ExactlyOncePayout::new(
        &merchant,
        transfer("p-debug"),
        RetryPolicy::default(),
        PayoutLimits::default(),
    )
    .unwrap();
    assert_clean("ExactlyOncePayout", &format!("{machine:#?}"));
    let request = merchant.build(&transfer("p-debug")).unwrap();
    let body = String::from_utf8_lossy(request.body());
    assert_clean("signed request", &format!("{request:?} {body}"));
    assert!(body.contains("\"sign\""), "{body}");

    let config = SandboxConfig::default().with_shops(vec![ShopConfig::new(SHOP, key.clone())]);
    assert_clean("SandboxConfig", &format!("{config:#?}"));
    let direct = feennex_sandbox::DirectSandbox::new(config);
    assert_clean("DirectSandbox", &format!("{direct:#?}"));
}

#[test]
fn build_errors_never_show_the_key() {
    let remote = merchant("http://payments.example.com");
    let error = feennex_blocking::Client::new(remote.clone()).unwrap_err();
    debug_and_display_clean("blocking BuildError", &error);
    let error = feennex_hyper::Client::new(remote).unwrap_err();
    debug_and_display_clean("hyper BuildError", &error);
    assert!(error.to_string().contains("payments.example.com"), "{error}");
}

#[test]
fn api_transport_and_unresolved_errors_never_show_the_key() {
    let sandbox = sandbox(FaultConfig::none());
    // Another key for the same shop: the sandbox refuses the signature (error 10)
    // and shows the string-to-sign.
    let wrong = Merchant::new(ShopId::new(SHOP).unwrap(), SecretKey::new("another key"))
        .with_base_url(sandbox.base_url().parse().unwrap());
    let client = feennex_blocking::Client::new(wrong).unwrap();
    let error = client.payout(transfer("p-wrong-key")).unwrap_err();
    assert_eq!(error.api_code(), Some(feennex_proto::prelude::ErrorCode::IncorrectRequestParam));
    debug_and_display_clean("API error", &error);

    // Nobody listens: transport errors, then an unresolved payout.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let client =
        feennex_blocking::Client::builder(merchant(&url)).options(fast_options()).build().unwrap();
    let error = client.call(&feennex_proto::prelude::ShopBalance::new(now())).unwrap_err();
    debug_and_display_clean("transport error", &error);
    let error = client.resume_payout(transfer("p-unreachable")).unwrap_err();
    assert!(matches!(error, Error::PayoutUnresolved { .. }), "{error:?}");
    debug_and_display_clean("unresolved payout", &error);

    let timed_out = Error::transport(AttemptTimedOut(Duration::from_secs(1)));
    debug_and_display_clean("timeout", &timed_out);
    let invalid = "-1".parse::<feennex_proto::prelude::Amount>().unwrap_err();
    debug_and_display_clean("invalid amount", &invalid);
    let url_error = BaseUrl::new("ftp://x").unwrap_err();
    debug_and_display_clean("base url error", &url_error);
}

fn now() -> feennex_proto::prelude::Timestamp {
    feennex_proto::prelude::Timestamp::try_from(std::time::SystemTime::now()).unwrap()
}

/// A `tracing` writer into a shared buffer.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

#[test]
fn trace_logs_of_payouts_through_faults_never_show_the_key() {
    let faults = FaultConfig::none()
        .with(FaultKind::DropAfter, 0.2)
        .with(FaultKind::Http502, 0.2)
        .with(FaultKind::Garbage, 0.1)
        .with(FaultKind::Truncate, 0.1)
        .with_seed(11)
        .with_delay(Duration::from_millis(5));
    let sandbox = sandbox(faults);
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let options = ClientOptions::default().total_timeout(Duration::from_secs(20));
    tracing::subscriber::with_default(subscriber, || {
        let blocking = feennex_blocking::Client::builder(merchant(sandbox.base_url()))
            .options(options.clone())
            .build()
            .unwrap();
        for index in 0..6 {
            let _ = blocking.payout(transfer(&format!("blocking-{index}")));
        }
        let wrong = Merchant::new(ShopId::new(SHOP).unwrap(), SecretKey::new("another key"))
            .with_base_url(sandbox.base_url().parse().unwrap());
        let _ = feennex_blocking::Client::new(wrong).unwrap().payout(transfer("blocking-wrong"));

        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let hyper = feennex_hyper::Client::builder(merchant(sandbox.base_url()))
            .options(options.clone())
            .build()
            .unwrap();
        runtime.block_on(async {
            for index in 0..6 {
                let _ = hyper.payout(transfer(&format!("hyper-{index}"))).await;
            }
        });
    });
    let logs = captured.text();
    // The capture worked: the payouts were logged, failures included.
    assert!(logs.contains("transfer/create"), "{logs}");
    assert!(logs.contains("sending attempt"), "{logs}");
    let failures = ["attempt failed", "HTTP status that is not success"];
    assert!(failures.iter().any(|failure| logs.contains(failure)), "{logs}");
    // Payouts of unknown outcome were looked up and adopted, and said so.
    assert!(logs.contains("looking it up") && logs.contains("adopted"), "{logs}");
    assert!(logs.contains("TRACE") || logs.contains("DEBUG"), "{logs}");
    assert_clean("tracing output", &logs);
}

/// The `feennex` binary of this workspace, brought up to date first (cargo builds
/// it for the CLI's own tests, but not when only this package is tested).
fn feennex_binary() -> PathBuf {
    static BUILT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BUILT
        .get_or_init(|| {
            let exe = std::env::current_exe().unwrap();
            let profile_dir = exe.parent().and_then(Path::parent).unwrap();
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
            let mut build = Command::new(cargo);
            build.args(["build", "--quiet", "-p", "feennex-cli", "--bin", "feennex"]);
            if profile_dir.ends_with("release") {
                build.arg("--release");
            }
            let output = build.current_dir(env!("CARGO_MANIFEST_DIR")).output().unwrap();
            assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
            let binary = profile_dir.join(format!("feennex{}", std::env::consts::EXE_SUFFIX));
            assert!(binary.exists(), "no feennex binary at {}", binary.display());
            binary
        })
        .clone()
}

struct Cli {
    binary: PathBuf,
    dir: PathBuf,
    secret_file: PathBuf,
}

impl Cli {
    fn new(name: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("feennex-secrets-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let secret_file = dir.join("secret");
        std::fs::write(&secret_file, format!("{SECRET}\n")).unwrap();
        Self { binary: feennex_binary(), dir, secret_file }
    }

    /// Runs the binary with the key in the environment (or in a file) and logs at
    /// TRACE, and checks that neither output shows it.
    fn run(&self, args: &[&str], from_file: bool, stdin: &[u8]) -> Output {
        let mut command = Command::new(&self.binary);
        // Every level of every target: the logs are checked like the rest of the output.
        command.env_clear().env("FEENNEX_SHOP_ID", SHOP.to_string()).env("RUST_LOG", "trace");
        command.args(args);
        if from_file {
            command.arg("--secret-file").arg(&self.secret_file);
        } else {
            command.env("FEENNEX_SECRET_KEY", SECRET);
        }
        let mut child = command
            .current_dir(&self.dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let _ = child.stdin.take().unwrap().write_all(stdin);
        let output = child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_clean(&format!("stdout of {args:?}"), &stdout);
        assert_clean(&format!("stderr of {args:?}"), &stderr);
        output
    }
}

impl Drop for Cli {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

const NOW: &str = "2024-04-12T06:18:34.719Z";

/// Every command that signs, as a dry run against an address nobody serves.
fn dry_runs() -> Vec<Vec<&'static str>> {
    let commands: [&[&str]; 13] = [
        &[
            "transfer",
            "try",
            "--amount",
            "1.11",
            "--payee-currency",
            "978",
            "--shop-currency",
            "840",
        ],
        &[
            "transfer",
            "create",
            "--amount",
            "10.5",
            "--payee-currency",
            "840",
            "--shop-currency",
            "840",
            "--payee-account",
            "201234567890",
            "--shop-payment-id",
            "p-1",
        ],
        &["transfer", "status", "--shop-payment-id", "p-1", "--now", NOW],
        &[
            "bill",
            "create",
            "--payer-currency",
            "840",
            "--shop-amount",
            "25.00",
            "--shop-currency",
            "978",
            "--shop-order-id",
            "order-7",
        ],
        &["bill", "status", "--shop-order-id", "order-7", "--now", NOW],
        &[
            "invoice",
            "try",
            "--amount",
            "10",
            "--currency",
            "840",
            "--payway",
            "card_usd",
            "--shop-order-id",
            "o-1",
        ],
        &[
            "invoice",
            "create",
            "--amount",
            "10",
            "--currency",
            "840",
            "--payway",
            "card_usd",
            "--shop-order-id",
            "o-1",
        ],
        &[
            "withdraw",
            "try",
            "--amount",
            "100",
            "--amount-type",
            "ps_amount",
            "--payway",
            "card_rub",
            "--shop-currency",
            "643",
        ],
        &[
            "withdraw",
            "check-account",
            "--account",
            "4111111111111111",
            "--amount",
            "100.25",
            "--payway",
            "card_rub",
        ],
        &[
            "withdraw",
            "create",
            "--account",
            "79990001122",
            "--amount",
            "10",
            "--amount-type",
            "shop_amount",
            "--payway",
            "qiwi_rub",
            "--shop-currency",
            "643",
            "--shop-payment-id",
            "w-1",
        ],
        &["withdraw", "status", "--withdraw-id", "12", "--now", NOW],
        &["withdraw", "status", "--shop-payment-id", "w-1", "--now", NOW],
        &["balance", "--now", NOW],
    ];
    commands
        .iter()
        .map(|args| {
            let mut full = args.to_vec();
            full.extend_from_slice(&["--base-url", "http://127.0.0.1:9", "--dry-run"]);
            full
        })
        .collect()
}

#[test]
fn cli_dry_runs_and_offline_commands_never_print_the_key() {
    let cli = Cli::new("offline");
    for args in dry_runs() {
        for from_file in [false, true] {
            let output = cli.run(&args, from_file, b"");
            assert!(
                output.status.success(),
                "{args:?}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            assert!(String::from_utf8_lossy(&output.stdout).contains("\"sign\""), "{args:?}");
        }
    }
    let output = cli.run(&["sign", "--explain", "amount=10", "shop_id=42"], false, b"");
    assert!(output.status.success());
    let output = cli.run(
        &["pay-url", "--amount", "10.00", "--currency", "643", "--shop-order-id", "101"],
        true,
        b"",
    );
    assert!(output.status.success());

    // Callbacks: a good one, a forged one, a malformed one.
    let fields = [
        ("payment_id", "7"),
        ("shop_amount", "10.00"),
        ("shop_currency", "840"),
        ("shop_id", "42"),
        ("shop_order_id", "101"),
        ("status", "success"),
    ];
    let sign = feennex_proto::sign::sign(&fields, &SecretKey::new(SECRET));
    let good = format!(
        "payment_id=7&shop_amount=10.00&shop_currency=840&shop_id=42&shop_order_id=101\
         &status=success&sign={sign}"
    );
    let verify = [
        "callback",
        "verify",
        "--remote-ip",
        "87.98.145.206",
        "--allow-ip",
        "87.98.145.206",
        "--content-type",
        "application/x-www-form-urlencoded",
    ];
    let output = cli.run(&verify, false, good.as_bytes());
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let forged = good.replace("10.00", "1000.00");
    assert!(!cli.run(&verify, false, forged.as_bytes()).status.success());
    assert!(!cli.run(&verify, true, b"%FF=%FF").status.success());
    let unknown_field = good.replace("payment_id=7", "a00=7");
    assert!(!cli.run(&verify, false, unknown_field.as_bytes()).status.success());

    // Refusals before anything is sent.
    assert!(
        !cli.run(
            &[
                "transfer",
                "try",
                "--amount",
                "-1",
                "--payee-currency",
                "840",
                "--shop-currency",
                "840"
            ],
            false,
            b""
        )
        .status
        .success()
    );
    assert!(!cli.run(&["balance", "--base-url", "ftp://x"], true, b"").status.success());
    assert!(!cli.run(&["sign", "novalue"], false, b"").status.success());
    assert!(!cli.run(&["bogus-command"], false, b"").status.success());

    // A batch with a bad row is refused before anything is sent.
    std::fs::write(cli.dir.join("bad.csv"), "payee_account,amount\nx,-1\n").unwrap();
    let output = cli.run(
        &["payouts", "run", "bad.csv", "--dry-run", "--base-url", "http://127.0.0.1:9"],
        true,
        b"",
    );
    assert!(!output.status.success());
}

#[test]
fn cli_commands_against_a_sandbox_never_print_the_key() {
    let faults = FaultConfig::none().with(FaultKind::Http502, 0.2).with_seed(5);
    let sandbox = sandbox(faults);
    let cli = Cli::new("against-a-sandbox");
    let base = sandbox.base_url().to_owned();
    let with_base = |args: &[&'static str]| {
        let mut full: Vec<&str> = args.to_vec();
        full.extend_from_slice(&["--base-url", &base]);
        full.into_iter().map(str::to_owned).collect::<Vec<String>>()
    };
    let run = |args: Vec<String>, from_file: bool| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        cli.run(&args, from_file, b"")
    };
    let create = with_base(&[
        "transfer",
        "create",
        "--amount",
        "10.5",
        "--payee-currency",
        "840",
        "--shop-currency",
        "840",
        "--payee-account",
        "201234567890",
        "--shop-payment-id",
        "cli-1",
    ]);
    let output = run(create.clone(), false);
    let logs = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{logs}");
    // The logs were there to check: each attempt with its fields.
    assert!(logs.contains("sending attempt") && logs.contains("attempt=1"), "{logs}");
    assert!(
        logs.contains("shop_payment_id=\"cli-1\"") || logs.contains("shop_payment_id=cli-1"),
        "{logs}"
    );
    assert!(logs.contains("elapsed_ms="), "{logs}");
    // The same id again: error 6 or adoption, either way printed without the key.
    run(create, true);
    run(with_base(&["transfer", "status", "--shop-payment-id", "cli-1"]), false);
    run(with_base(&["transfer", "status", "--shop-payment-id", "missing"]), true);
    run(with_base(&["balance"]), false);
    run(
        with_base(&[
            "withdraw",
            "create",
            "--account",
            "4111111111111111",
            "--amount",
            "10",
            "--amount-type",
            "ps_amount",
            "--payway",
            "card_usd",
            "--shop-currency",
            "840",
            "--shop-payment-id",
            "w-9",
        ]),
        true,
    );
    let batch = "payee_account,amount,payee_currency,shop_currency,shop_payment_id\n\
                 201234567890,1.25,840,840,cli-b-1\n201234567890,2,840,840,cli-b-2\n";
    std::fs::write(cli.dir.join("batch.csv"), batch).unwrap();
    let output = run(with_base(&["payouts", "run", "batch.csv", "--dry-run"]), true);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let output = run(with_base(&["payouts", "run", "batch.csv"]), false);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    // The sandbox's own commands and the demo, with the key in the environment.
    run(with_base(&["sandbox", "complete", "--kind", "bill", "--id", "404"]), false);
    let demo = cli.dir.join("demo");
    let output = cli.run(&["demo", "--dir", demo.to_str().unwrap()], false, b"");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    // The shop is unknown to the sandbox under another id.
    let mut other_shop = with_base(&["balance"]);
    other_shop.extend(["--shop-id".to_owned(), "7".to_owned()]);
    assert!(!run(other_shop, false).status.success());
}
