//! The `feennex` command against servers that answer badly: a one-line error and
//! exit 4 (no usable answer) or 3 (an API error, its code kept), never a panic,
//! within the timeouts.

use std::process::Command;
use std::time::{Duration, Instant};

use feennex_tests::{Reply, ScriptedServer};

fn deep(depth: usize) -> String {
    format!("{}{}", "[".repeat(depth), "]".repeat(depth))
}

fn balance_with(value: &str) -> String {
    format!(
        r#"{{"data":{{"balances":[{{"currency":840,"available":{value},"frozen":0,"hold":0}}]}},"error_code":0,"message":"Ok","result":true}}"#
    )
}

#[test]
fn every_hostile_answer_ends_in_a_short_error_with_its_causes_once() {
    let cases: Vec<(&str, Reply, i32, &str)> = vec![
        ("empty", Reply::Answer(200, String::new()), 4, "not a Feennex envelope"),
        ("html", Reply::Answer(502, "<html>Bad Gateway</html>".into()), 4, "HTTP 502"),
        ("truncated", Reply::Answer(200, balance_with("1")[..50].into()), 4, "ends before"),
        (
            "invalid utf-8",
            Reply::Bytes(200, vec![b'{', 0xff, 0xfe, b'}']),
            4,
            "not a Feennex envelope",
        ),
        ("wrong types", Reply::Answer(200, balance_with("\"many\"")), 4, "shop_balance"),
        ("out of range", Reply::Answer(200, balance_with("1e400")), 4, "shop_balance"),
        ("negative", Reply::Answer(200, balance_with("-3")), 4, "negative"),
        (
            "no balances",
            Reply::Answer(
                200,
                r#"{"data":{"shop_id":1},"error_code":0,"message":"Ok","result":true}"#.into(),
            ),
            4,
            "missing field `balances`",
        ),
        ("nested", Reply::Answer(200, balance_with(&deep(100_000))), 4, "shop_balance"),
        ("huge", Reply::Declared(50 * 1024 * 1024), 4, "larger than the limit"),
        (
            "dripped",
            Reply::Drip(balance_with("1").into_bytes(), Duration::from_millis(100)),
            4,
            "no answer within",
        ),
        (
            "unknown code",
            Reply::Answer(
                200,
                r#"{"data":null,"error_code":4711,"message":"Quota exceeded","result":false}"#
                    .into(),
            ),
            3,
            "4711",
        ),
    ];
    let runs: Vec<_> = cases
        .into_iter()
        .map(|(name, reply, code, needle)| {
            std::thread::spawn(move || {
                let server = ScriptedServer::start(move |_, _| reply.clone());
                let started = Instant::now();
                let output = Command::new(env!("CARGO_BIN_EXE_feennex"))
                    .args([
                        "balance",
                        "--base-url",
                        &server.base_url(),
                        "--shop-id",
                        "1",
                        "--timeout",
                        "1",
                    ])
                    .env_clear()
                    .env("FEENNEX_SECRET_KEY", "hostile-test-secret")
                    .output()
                    .unwrap();
                (name, code, needle, output, started.elapsed())
            })
        })
        .collect();
    for run in runs {
        let (name, code, needle, output, elapsed) = run.join().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(code), "{name}: {stderr}");
        // One line saying what failed, then each cause once on its own line.
        let lines: Vec<&str> = stderr.lines().collect();
        assert!(lines[0].starts_with("error: "), "{name}: {stderr}");
        assert!(
            lines[1..].iter().all(|line| line.starts_with("  caused by: ")),
            "{name}: {stderr}"
        );
        assert!(lines.len() <= 3, "{name}: {stderr}");
        let distinct: std::collections::BTreeSet<&str> = lines.iter().copied().collect();
        assert_eq!(distinct.len(), lines.len(), "{name}: a line repeats: {stderr}");
        assert!(stderr.contains(needle), "{name}: {needle:?} not in {stderr}");
        assert!(!stderr.contains("hostile-test-secret"), "{name}");
        assert!(output.stdout.is_empty(), "{name}");
        assert!(elapsed < Duration::from_secs(30), "{name} took {elapsed:?}");
    }
}
