//! Each fault kind does what it says, over real sockets, and seeded runs repeat.

mod common;

use std::time::{Duration, Instant};

use common::{Reply, Shop, admin_post, available, introspect, spawn};
use feennex_sandbox::{FaultConfig, FaultKind, SandboxConfig};
use rust_decimal::Decimal;

fn with_fault(kind: FaultKind) -> SandboxConfig {
    SandboxConfig::default()
        .with_faults(FaultConfig::none().with(kind, 1.0).with_delay(Duration::from_millis(300)))
}

fn transfer_count(sandbox: &feennex_sandbox::Sandbox) -> usize {
    introspect(sandbox.local_addr(), "/_sandbox/transfers").as_array().unwrap().len()
}

#[test]
fn drop_before_closes_the_connection_and_applies_nothing() {
    let sandbox = spawn(with_fault(FaultKind::DropBefore));
    let shop = Shop::default_of(&sandbox);
    let before = available(sandbox.local_addr(), 1, 840);
    assert!(matches!(shop.transfer_create("10", "db-1"), Reply::Closed));
    assert_eq!(transfer_count(&sandbox), 0);
    assert_eq!(available(sandbox.local_addr(), 1, 840), before);
}

#[test]
fn drop_after_closes_the_connection_but_the_payout_is_applied() {
    let sandbox = spawn(with_fault(FaultKind::DropAfter));
    let shop = Shop::default_of(&sandbox);
    let before = available(sandbox.local_addr(), 1, 840);
    assert!(matches!(shop.transfer_create("10", "da-1"), Reply::Closed));
    let transfers = introspect(sandbox.local_addr(), "/_sandbox/transfers");
    assert_eq!(transfers.as_array().unwrap().len(), 1);
    assert_eq!(transfers[0]["shop_payment_id"], "da-1");
    assert_eq!(before - available(sandbox.local_addr(), 1, 840), Decimal::TEN);
}

#[test]
fn http_502_answers_an_html_page_and_applies_nothing() {
    let sandbox = spawn(with_fault(FaultKind::Http502));
    let shop = Shop::default_of(&sandbox);
    match shop.transfer_create("10", "bg-1") {
        Reply::Http { status, content_type, body, .. } => {
            assert_eq!(status, 502);
            assert!(content_type.starts_with("text/html"), "{content_type}");
            assert!(String::from_utf8_lossy(&body).contains("502 Bad Gateway"));
        }
        Reply::Closed => panic!("closed"),
    }
    assert_eq!(transfer_count(&sandbox), 0);
}

#[test]
fn garbage_answers_200_with_a_body_that_is_not_json_after_applying() {
    let sandbox = spawn(with_fault(FaultKind::Garbage));
    let shop = Shop::default_of(&sandbox);
    match shop.transfer_create("10", "gb-1") {
        Reply::Http { status, body, .. } => {
            assert_eq!(status, 200);
            assert!(!body.is_empty());
            assert!(serde_json::from_slice::<serde_json::Value>(&body).is_err());
        }
        Reply::Closed => panic!("closed"),
    }
    assert_eq!(transfer_count(&sandbox), 1);
}

#[test]
fn truncate_answers_the_first_half_of_the_real_envelope() {
    let sandbox = spawn(with_fault(FaultKind::Truncate));
    let shop = Shop::default_of(&sandbox);
    let reply = shop.transfer_create("10", "tr-1");
    let text = reply.body_text();
    assert!(text.starts_with(r#"{"data":{"balance":999990.0,"id":"#), "{text}");
    assert!(serde_json::from_str::<serde_json::Value>(&text).is_err());
    // The whole envelope this payout gets without the fault.
    let full = r#"{"data":{"balance":999990.0,"id":1001,"payee_account":"201234567890","payee_amount":10.0,"payee_currency":840,"shop":1,"shop_currency":840,"write_off_amount":10.0},"error_code":0,"message":"Ok","result":true}"#;
    assert_eq!(text, full[..full.len() / 2]);
    assert_eq!(transfer_count(&sandbox), 1);
}

#[test]
fn delay_answers_the_real_envelope_late() {
    let sandbox = spawn(with_fault(FaultKind::Delay));
    let shop = Shop::default_of(&sandbox);
    let started = Instant::now();
    let envelope = shop.transfer_create("10", "dl-1").envelope();
    // Lower bound only: the answer cannot come before the delay has passed.
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(envelope["error_code"], 0);
    assert_eq!(transfer_count(&sandbox), 1);
}

#[test]
fn sandbox_routes_are_never_faulted() {
    let sandbox = spawn(with_fault(FaultKind::DropBefore));
    let faults = introspect(sandbox.local_addr(), "/_sandbox/faults");
    assert_eq!(faults["probabilities"]["drop-before"], 1.0);
    assert_eq!(faults["delay_ms"], 300);
}

/// Which of 40 creates survive under the given seed.
fn survivors(seed: u64) -> Vec<bool> {
    let config = SandboxConfig::default()
        .with_faults(FaultConfig::none().with(FaultKind::DropBefore, 0.5).with_seed(seed));
    let sandbox = spawn(config);
    let shop = Shop::default_of(&sandbox);
    (0..40).map(|n| !matches!(shop.transfer_create("1", &format!("s{n}")), Reply::Closed)).collect()
}

#[test]
fn the_same_seed_breaks_the_same_requests() {
    let first = survivors(7);
    assert_eq!(first, survivors(7));
    assert_ne!(first, survivors(8));
    let broken = first.iter().filter(|ok| !**ok).count();
    assert!((5..35).contains(&broken), "{broken} of 40");
}

#[test]
fn faults_change_at_run_time_and_count_what_they_injected() {
    let sandbox = spawn(SandboxConfig::default());
    let shop = Shop::default_of(&sandbox);
    assert_eq!(shop.transfer_create("1", "rt-0").envelope()["error_code"], 0);
    let (status, settings) = admin_post(
        sandbox.local_addr(),
        "/_sandbox/faults",
        r#"{"probabilities": {"drop-after": 1.0}, "seed": 3, "delay_ms": 5}"#,
    );
    assert_eq!(status, 200);
    assert_eq!(settings["seed"], 3);
    assert!(matches!(shop.transfer_create("1", "rt-1"), Reply::Closed));
    assert!(matches!(shop.transfer_create("1", "rt-2"), Reply::Closed));
    let settings = introspect(sandbox.local_addr(), "/_sandbox/faults");
    assert_eq!(settings["injected"]["drop-after"], 2);
    assert_eq!(transfer_count(&sandbox), 3);
    let (status, _) =
        admin_post(sandbox.local_addr(), "/_sandbox/faults", r#"{"probabilities": {}}"#);
    assert_eq!(status, 200);
    assert_eq!(shop.transfer_create("1", "rt-3").envelope()["error_code"], 0);
}

#[test]
fn invalid_fault_settings_are_refused_and_change_nothing() {
    let sandbox = spawn(SandboxConfig::default());
    for body in
        [r#"{"probabilities": {"drop-after": 2}}"#, r#"{"probabilities": {"explode": 1}}"#, "x"]
    {
        let (status, answer) = admin_post(sandbox.local_addr(), "/_sandbox/faults", body);
        assert_eq!(status, 400, "{body}");
        assert!(answer["error"].is_string());
    }
    let settings = introspect(sandbox.local_addr(), "/_sandbox/faults");
    assert_eq!(settings["probabilities"], serde_json::json!({}));
}

/// Reads one answer with a `Content-Length` from a kept-alive connection; `None`
/// when the connection closes first.
fn read_one(stream: &mut std::net::TcpStream) -> Option<String> {
    use std::io::Read;
    let mut raw = Vec::new();
    let mut byte = [0u8; 1];
    while !raw.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(0) | Err(_) => return None,
            Ok(_) => raw.push(byte[0]),
        }
    }
    let head = String::from_utf8(raw).unwrap();
    let length: usize = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length: "))
        .unwrap()
        .parse()
        .unwrap();
    let mut body = vec![0; length];
    stream.read_exact(&mut body).unwrap();
    Some(String::from_utf8(body).unwrap())
}

#[test]
fn a_fault_on_a_kept_alive_connection_closes_it_after_earlier_answers() {
    use std::io::Write;
    let sandbox = spawn(SandboxConfig::default());
    let shop = Shop::default_of(&sandbox);
    let mut stream = std::net::TcpStream::connect(sandbox.local_addr()).unwrap();
    let mut send = |spid: &str| {
        let body = shop.body(
            "/transfer/create",
            &[
                ("amount", common::V::N("3")),
                ("amount_type", common::V::S("receive_amount")),
                ("payee_account", common::V::S("201234567890")),
                ("payee_currency", common::V::N("840")),
                ("shop_currency", common::V::N("840")),
                ("shop_payment_id", common::V::S(spid)),
            ],
        );
        let request = format!(
            "POST /transfer/create HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(request.as_bytes()).unwrap();
        read_one(&mut stream)
    };
    let first = send("ka-1").expect("an answer");
    assert!(first.contains(r#""error_code":0"#), "{first}");
    admin_post(sandbox.local_addr(), "/_sandbox/faults", r#"{"probabilities": {"drop-after": 1}}"#);
    assert_eq!(send("ka-2"), None);
    let transfers = introspect(sandbox.local_addr(), "/_sandbox/transfers");
    let ids: Vec<&str> = transfers
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["shop_payment_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["ka-1", "ka-2"]);
}
