//! Amounts the API would refuse are refused before anything is sent, by one rule
//! for every command that takes an amount and for a batch's pre-check: greater
//! than zero, at most two decimal places, below 10^12. "Nothing was sent" is
//! checked on a real socket: the API base URL is a loopback listener that counts
//! the connections it is offered.

use std::net::TcpListener;
use std::process::{Command, Output};

const SECRET: &str = "cli-bounds-secret-41";

/// A loopback port that accepts connections and counts them, answering nothing.
struct CountingListener {
    listener: TcpListener,
}

impl CountingListener {
    fn new() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        Self { listener }
    }

    fn base_url(&self) -> String {
        format!("http://{}", self.listener.local_addr().unwrap())
    }

    /// How many connections were made so far (each is accepted and dropped).
    fn connections(&self) -> usize {
        std::iter::from_fn(|| self.listener.accept().ok()).count()
    }
}

fn feennex(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_feennex"))
        .args(args)
        .env_clear()
        .env("FEENNEX_SECRET_KEY", SECRET)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Every command that sends an amount, with `AMOUNT` where it goes.
const COMMANDS: &[&[&str]] = &[
    &["transfer", "try", "--amount", "AMOUNT", "--payee-currency", "840", "--shop-currency", "840"],
    &[
        "transfer",
        "create",
        "--amount",
        "AMOUNT",
        "--payee-currency",
        "840",
        "--shop-currency",
        "840",
        "--payee-account",
        "201234567890",
        "--shop-payment-id",
        "bounds-1",
    ],
    &[
        "withdraw",
        "try",
        "--amount",
        "AMOUNT",
        "--amount-type",
        "ps_amount",
        "--payway",
        "card_usd",
        "--shop-currency",
        "840",
    ],
    &[
        "withdraw",
        "check-account",
        "--account",
        "4111111111111111",
        "--amount",
        "AMOUNT",
        "--payway",
        "card_usd",
    ],
    &[
        "withdraw",
        "create",
        "--account",
        "4111111111111111",
        "--amount",
        "AMOUNT",
        "--amount-type",
        "ps_amount",
        "--payway",
        "card_usd",
        "--shop-currency",
        "840",
        "--shop-payment-id",
        "bounds-w-1",
    ],
    &[
        "invoice",
        "try",
        "--amount",
        "AMOUNT",
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
        "AMOUNT",
        "--currency",
        "840",
        "--payway",
        "card_usd",
        "--shop-order-id",
        "o-1",
    ],
    &[
        "bill",
        "create",
        "--payer-currency",
        "840",
        "--shop-amount",
        "AMOUNT",
        "--shop-currency",
        "840",
        "--shop-order-id",
        "o-1",
    ],
];

/// Amounts the API refuses, and what the refusal says.
const REFUSED: [(&str, &str); 4] = [
    ("-1", "the amount -1 is negative; it must be greater than zero"),
    ("1.111", "the amount has 3 decimal places; the API accepts at most 2"),
    ("999999999999999", "the amount must be less than 1000000000000, the API's limit"),
    ("0", "the amount must be greater than zero"),
];

fn with_amount(command: &[&str], amount: &str) -> Vec<String> {
    command.iter().map(|word| if *word == "AMOUNT" { amount } else { word }.to_owned()).collect()
}

#[test]
fn an_amount_the_api_refuses_exits_2_naming_the_flag_and_sends_nothing() {
    let api = CountingListener::new();
    let base_url = api.base_url();
    for command in COMMANDS {
        for (amount, reason) in REFUSED {
            let mut args = with_amount(command, amount);
            args.extend(["--shop-id", "6", "--base-url", &base_url].map(str::to_owned));
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let output = feennex(&args);
            let stderr = text(&output.stderr);
            assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
            assert!(output.stdout.is_empty(), "{args:?}");
            let flag =
                if command.contains(&"--shop-amount") { "--shop-amount" } else { "--amount" };
            assert!(
                stderr.starts_with(&format!("error: invalid value '{amount}' for '{flag} ")),
                "{args:?}: {stderr}"
            );
            assert!(stderr.contains(reason), "{args:?}: {stderr}");
        }
    }
    assert_eq!(api.connections(), 0, "a refused amount was sent");

    let output = feennex(&[
        "pay-url",
        "--amount",
        "1.111",
        "--currency",
        "840",
        "--shop-order-id",
        "o-1",
        "--shop-id",
        "6",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
}

#[test]
fn the_largest_amounts_within_the_limits_are_accepted() {
    for command in COMMANDS {
        for amount in ["999999999999.99", "0.01", "10.50"] {
            let mut args = with_amount(command, amount);
            args.extend(["--shop-id", "6", "--dry-run"].map(str::to_owned));
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let output = feennex(&args);
            assert!(output.status.success(), "{args:?}: {}", text(&output.stderr));
            let canonical = amount.trim_end_matches('0');
            assert!(text(&output.stdout).contains(canonical), "{args:?}");
        }
    }
}

#[test]
fn a_batch_pre_check_refuses_the_same_amounts_by_the_same_rule_and_sends_nothing() {
    let api = CountingListener::new();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("payouts.csv");
    let mut rows = String::from("payee_account,amount,payee_currency,shop_currency\n");
    rows.push_str("201234567890,10,840,840\n");
    for (amount, _) in REFUSED {
        rows.push_str(&format!("201234567890,{amount},840,840\n"));
    }
    std::fs::write(&csv, rows).unwrap();
    let output = feennex(&[
        "payouts",
        "run",
        csv.to_str().unwrap(),
        "--shop-id",
        "6",
        "--base-url",
        &api.base_url(),
    ]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    for (line, (_, reason)) in (3..).zip(REFUSED) {
        assert!(stderr.contains(&format!("line {line}: amount: {reason}")), "{line}: {stderr}");
    }
    assert!(stderr.contains("4 invalid row(s), nothing was sent"), "{stderr}");
    assert_eq!(api.connections(), 0, "the batch sent something");
}
