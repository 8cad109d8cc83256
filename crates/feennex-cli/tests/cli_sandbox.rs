//! `feennex sandbox` as a process: it prints its address, serves the API with the
//! given shops, balances and faults, and `sandbox complete` finishes a payment.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Output, Stdio};

use feennex_proto::SecretKey;
use serde_json::Value;

/// Kills the sandbox process when the test ends, pass or fail.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `feennex sandbox` on a free loopback port with `args`.
fn start(args: &[&str]) -> (Running, SocketAddr) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_feennex"))
        .args(["sandbox", "--listen", "127.0.0.1:0"])
        .args(args)
        .env_clear()
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let running = Running(child);
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let url =
        line.trim_end().strip_prefix("listening on http://").unwrap_or_else(|| panic!("{line:?}"));
    let addr: SocketAddr = url.parse().unwrap();
    assert_ne!(addr.port(), 0);
    (running, addr)
}

fn http(addr: SocketAddr, method: &str, path: &str, body: &str) -> Option<(u16, Value)> {
    let mut stream = TcpStream::connect(addr).unwrap();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut raw = String::new();
    let _ = stream.read_to_string(&mut raw);
    if raw.is_empty() {
        return None;
    }
    let status = raw[9..12].parse().unwrap();
    let body = &raw[raw.find("\r\n\r\n").unwrap() + 4..];
    Some((status, serde_json::from_str(body).unwrap()))
}

fn signed(fields: &[(&str, Value)], signed_names: &[&str], secret: &str) -> String {
    let texts: Vec<(&str, String)> = signed_names
        .iter()
        .map(|name| {
            let value = &fields.iter().find(|(n, _)| n == name).unwrap().1;
            let text = value.as_str().map_or_else(|| value.to_string(), str::to_owned);
            (*name, text)
        })
        .collect();
    let sign = feennex_proto::sign::sign(&texts, &SecretKey::new(secret));
    let mut object: serde_json::Map<String, Value> =
        fields.iter().map(|(n, v)| ((*n).to_owned(), v.clone())).collect();
    object.insert("sign".into(), Value::from(sign.to_string()));
    Value::Object(object).to_string()
}

fn feennex(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_feennex")).args(args).env_clear().output().unwrap()
}

#[test]
fn sandbox_serves_the_given_shop_and_balance_and_completes_a_bill() {
    let (_running, addr) = start(&["--shop", "5:cli-secret", "--balance", "840=100"]);
    let transfer = signed(
        &[
            ("amount", Value::from(60)),
            ("amount_type", Value::from("receive_amount")),
            ("payee_account", Value::from("201234567890")),
            ("payee_currency", Value::from(840)),
            ("shop_currency", Value::from(840)),
            ("shop_id", Value::from(5)),
            ("shop_payment_id", Value::from("cli-1")),
        ],
        &[
            "amount",
            "amount_type",
            "payee_account",
            "payee_currency",
            "shop_currency",
            "shop_id",
            "shop_payment_id",
        ],
        "cli-secret",
    );
    let (_, envelope) = http(addr, "POST", "/transfer/create", &transfer).unwrap();
    assert_eq!(envelope["error_code"], 0, "{envelope}");
    assert_eq!(envelope["data"]["balance"], 40.0);
    let (_, envelope) =
        http(addr, "POST", "/transfer/create", &transfer.replace("cli-1", "cli-2")).unwrap();
    assert_eq!(envelope["error_code"], 10, "the changed id no longer matches the sign");

    let bill = signed(
        &[
            ("payer_currency", Value::from(840)),
            ("shop_amount", Value::from(25)),
            ("shop_currency", Value::from(840)),
            ("shop_id", Value::from(5)),
            ("shop_order_id", Value::from("cli-order")),
        ],
        &["payer_currency", "shop_amount", "shop_currency", "shop_id", "shop_order_id"],
        "cli-secret",
    );
    let (_, envelope) = http(addr, "POST", "/bill/create", &bill).unwrap();
    let id = envelope["data"]["id"].as_u64().unwrap().to_string();
    let base_url = format!("http://{addr}");
    let output =
        feennex(&["sandbox", "complete", "--kind", "bill", "--id", &id, "--base-url", &base_url]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let payment: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(payment["status"], 2);
    let again = feennex(&[
        "sandbox",
        "complete",
        "--kind",
        "bill",
        "--id",
        &id,
        "--reject",
        "--base-url",
        &base_url,
    ]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("409"));

    let (_, balances) = http(addr, "GET", "/_sandbox/balances", "").unwrap();
    let balances = balances.as_array().unwrap();
    let available = |currency: u64| {
        let entry = balances.iter().find(|entry| entry["currency"] == currency);
        entry.map(|entry| entry["available"].clone())
    };
    // --balance set USD; the other currencies kept their opening balance.
    assert_eq!(available(840), Some(Value::from(65.0)), "{balances:?}");
    assert_eq!(available(643), Some(Value::from(1_000_000.0)), "{balances:?}");
    assert_eq!(available(978), Some(Value::from(1_000_000.0)), "{balances:?}");
}

#[test]
fn sandbox_faults_from_flags_break_api_calls_but_not_introspection() {
    let (_running, addr) =
        start(&["--fault", "drop-before=1", "--fault-seed", "9", "--fault-delay-ms", "10"]);
    let (status, faults) = http(addr, "GET", "/_sandbox/faults", "").unwrap();
    assert_eq!(status, 200);
    assert_eq!(faults["probabilities"]["drop-before"], 1.0);
    assert_eq!(faults["seed"], 9);
    assert_eq!(faults["delay_ms"], 10);
    assert!(http(addr, "POST", "/shop_balance", "{}").is_none());
}

#[test]
fn sandbox_refuses_bad_flags_with_exit_2_without_echoing_secrets() {
    for args in [
        &["sandbox", "--listen", "127.0.0.1:0", "--shop", "abc:hidden-secret"][..],
        &["sandbox", "--listen", "127.0.0.1:0", "--balance", "840"],
        &["sandbox", "--listen", "127.0.0.1:0", "--fault", "explode=1"],
        &["sandbox", "--listen", "127.0.0.1:0", "--header-timeout-ms", "0"],
    ] {
        let output = feennex(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.starts_with("error: "), "{stderr}");
        assert!(!stderr.contains("hidden-secret"));
    }
}

#[test]
fn sandbox_timeout_flags_close_silent_and_stalled_connections() {
    let (_running, addr) = start(&["--header-timeout-ms", "300", "--body-timeout-ms", "300"]);
    let silent = TcpStream::connect(addr).unwrap();
    let mut stalled = TcpStream::connect(addr).unwrap();
    write!(stalled, "POST /shop_balance HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 50\r\n\r\n{{")
        .unwrap();
    assert_eq!(http(addr, "GET", "/_sandbox/balances", "").map(|(status, _)| status), Some(200));
    for (name, mut stream) in [("silent", silent), ("stalled", stalled)] {
        // Far beyond the 300 ms asked for, and a sixth of the 30 s default: closed within
        // it means the flags were applied.
        stream.set_read_timeout(Some(std::time::Duration::from_secs(5))).unwrap();
        let mut buffer = [0u8; 64];
        let read = stream.read(&mut buffer);
        assert!(
            matches!(read, Ok(0))
                || read.as_ref().is_err_and(|e| e.kind() == std::io::ErrorKind::ConnectionReset),
            "{name} connection: {read:?}"
        );
    }
}

#[cfg(unix)]
#[test]
fn sandbox_stops_cleanly_on_sigterm() {
    let (mut running, addr) = start(&[]);
    assert!(http(addr, "GET", "/_sandbox/balances", "").is_some());
    let pid = running.0.id().to_string();
    let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(killed.success());
    let status = running.0.wait().unwrap();
    assert_eq!(status.code(), Some(0));
    assert!(TcpStream::connect(addr).is_err());
}
