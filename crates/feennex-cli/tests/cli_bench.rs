//! `feennex bench` through the real binary: a short run prints sane, non-zero
//! figures as JSON, against the embedded sandbox and against a sandbox process,
//! and the production API is refused before anything is measured.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};

use serde_json::Value;

fn feennex() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_feennex"));
    command.env_clear();
    command
}

fn bench_json(extra: &[&str]) -> Value {
    let output =
        feennex().args(["bench", "--json", "--duration", "0.6"]).args(extra).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("[5/5] paying out"), "no progress shown: {stderr}");
    serde_json::from_slice(&output.stdout).unwrap()
}

fn number(figures: &Value, pointer: &str) -> f64 {
    figures.pointer(pointer).and_then(Value::as_f64).unwrap_or_else(|| panic!("{pointer}"))
}

/// Every rate is positive and below one per nanosecond, and the latencies are
/// ordered. (How the rates compare depends on the machine's load, so no test
/// asserts on it.)
fn assert_sane(figures: &Value) {
    for pointer in [
        "/sign/one_core_per_second",
        "/sign/one_core_sha256_per_second",
        "/sign/all_cores_per_second",
        "/sign/all_cores_sha256_per_second",
        "/build_per_second",
        "/parse_per_second",
        "/payouts/per_second",
    ] {
        let rate = number(figures, pointer);
        assert!(rate > 0.0 && rate < 1e9, "{pointer} = {rate}");
    }
    assert!(number(figures, "/cores") >= 1.0);
    // The test and the binary come from the same profile.
    let build = if cfg!(debug_assertions) { "debug" } else { "release" };
    assert_eq!(figures["build"], build);
    let (p50, p99) = (number(figures, "/payouts/p50_ms"), number(figures, "/payouts/p99_ms"));
    assert!(p50 > 0.0 && p50 <= p99, "p50 {p50} ms, p99 {p99} ms");
    assert!(number(figures, "/payouts/completed") >= 1.0);
    assert_eq!(number(figures, "/payouts/failed"), 0.0);
}

#[test]
fn a_short_run_against_the_embedded_sandbox_prints_sane_figures() {
    let figures = bench_json(&[]);
    assert_sane(&figures);
    let target = figures["payouts"]["target"].as_str().unwrap();
    assert!(target.starts_with("the embedded sandbox (http://127.0.0.1:"), "{target}");
    assert_eq!(figures["payouts"]["concurrency"], 32);
}

/// Kills the sandbox process when the test ends, pass or fail.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_short_run_against_a_sandbox_process_pays_there() {
    // Port 0: the README's own sandbox may be running on the default port.
    let mut child = feennex()
        .args(["sandbox", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let _running = Running(child);
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let Some(url) = line.trim_end().strip_prefix("listening on ") else {
        let mut why = String::new();
        let _ = stderr.read_to_string(&mut why);
        panic!("the sandbox did not start: {line:?}, stderr: {why}");
    };

    let figures = bench_json(&["--base-url", url, "--concurrency", "4"]);
    assert_sane(&figures);
    assert_eq!(figures["payouts"]["target"], url);
    assert_eq!(figures["payouts"]["concurrency"], 4);
}

#[test]
fn the_production_api_is_refused_before_measuring() {
    for (flag, environment) in
        [(Some("https://core.feennex.com"), None), (None, Some("https://CORE.feennex.com/"))]
    {
        let mut command = feennex();
        command.args(["bench", "--quick"]);
        if let Some(url) = flag {
            command.args(["--base-url", url]);
        }
        if let Some(url) = environment {
            command.env("FEENNEX_BASE_URL", url);
        }
        let output = command.output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("production API"), "{stderr}");
        assert!(!stderr.contains("[1/5]"), "measured before refusing: {stderr}");
        assert!(output.stdout.is_empty());
    }
}

#[test]
fn the_table_names_every_figure() {
    let output = feennex().args(["bench", "--duration", "0.3"]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let table = String::from_utf8(output.stdout).unwrap();
    for label in [
        "signatures per second",
        "SHA-256 of the same bytes per second",
        "signed requests built per second",
        "answers parsed per second",
        "payouts per second",
        "latency p50",
        "latency p99",
    ] {
        assert!(table.contains(label), "{label} missing from:\n{table}");
    }
    let first = table.lines().next().unwrap();
    if cfg!(debug_assertions) {
        assert!(first.ends_with(", debug build"), "{first}");
        assert!(table.contains("These are a debug build's figures"), "{table}");
        assert!(table.contains("cargo run --release -p feennex-cli -- bench"), "{table}");
    } else {
        assert!(first.ends_with(", release build") && !table.contains("debug"), "{table}");
    }
}
