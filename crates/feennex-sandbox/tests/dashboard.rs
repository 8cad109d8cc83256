//! The dashboard's server side: the embedded page and assets, the state it
//! draws, the events that keep it live, and the actions it takes (resending a
//! callback). Its behaviour in a browser is tested in `tests/browser`.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::{Shop, V, admin_post, callback_listener, http, introspect, spawn, spawn_default};
use feennex_sandbox::{CallbackRetry, FaultConfig, FaultKind, SandboxConfig};

#[test]
fn the_root_serves_the_dashboard_and_its_embedded_assets() {
    let sandbox = spawn_default();
    let page = http(sandbox.local_addr(), "GET", "/", b"");
    assert_eq!(page.status(), 200);
    let html = page.body_text();
    assert!(html.contains("<title>Feennex sandbox</title>"));
    for asset in ["/_sandbox/assets/dashboard.js", "/_sandbox/assets/sandbox.css"] {
        assert!(html.contains(asset), "{asset} is not linked");
        let answer = http(sandbox.local_addr(), "GET", asset, b"");
        assert_eq!(answer.status(), 200, "{asset}");
        assert!(answer.body_text().len() > 1000, "{asset} is served whole");
    }
    // Nothing is fetched from elsewhere: the dashboard works offline.
    assert!(!html.contains("https://"), "{html}");
    assert_eq!(sandbox.dashboard_url(), format!("{}/", sandbox.base_url()));
}

#[test]
fn the_state_has_every_record_with_status_names_and_payer_pages() {
    let sandbox = spawn_default();
    let shop = Shop::default_of(&sandbox);
    shop.transfer_create("2.5", "payout-1").envelope();
    shop.ok(
        "/bill/create",
        &[
            ("payer_currency", V::N("840")),
            ("shop_amount", V::N("7")),
            ("shop_currency", V::N("840")),
            ("shop_order_id", V::S("order-1")),
        ],
    );
    let state = introspect(sandbox.local_addr(), "/_sandbox/state");
    assert_eq!(state["base_url"], sandbox.base_url());
    assert_eq!(state["shops"], serde_json::json!([1]));
    assert_eq!(state["transfers"][0]["shop_payment_id"], "payout-1");
    let bill = &state["payments"][0];
    assert_eq!(
        (bill["status_name"].as_str(), bill["waiting"].as_bool()),
        (Some("Waiting"), Some(true))
    );
    assert_eq!(
        bill["payer_page"],
        format!("{}/_sandbox/pay/bill/{}", sandbox.base_url(), bill["id"])
    );
    assert_eq!(state["balances"].as_array().unwrap().len(), 3);
    assert!(state["faults"]["probabilities"].is_object());
    assert!(state["revision"].as_u64().unwrap() >= 2, "each change made a revision: {state}");
}

/// Reads server-sent events from `/_sandbox/events`: gives the data of each
/// `change` event.
struct Events(BufReader<TcpStream>);

impl Events {
    fn open(addr: std::net::SocketAddr) -> Self {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        write!(stream, "GET /_sandbox/events HTTP/1.1\r\nHost: {addr}\r\n\r\n").unwrap();
        let mut reader = BufReader::new(stream);
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        assert!(line.starts_with("HTTP/1.1 200"), "{line}");
        loop {
            line.clear();
            reader.read_line(&mut line).unwrap();
            if line.to_ascii_lowercase().starts_with("content-type:") {
                assert!(line.contains("text/event-stream"), "{line}");
            }
            if line == "\r\n" {
                return Self(reader);
            }
        }
    }

    /// The revision of the next `change` event (chunk sizes and comments skipped).
    fn next_revision(&mut self) -> u64 {
        let mut event = false;
        loop {
            let mut line = String::new();
            assert!(self.0.read_line(&mut line).unwrap() > 0, "the stream ended");
            let line = line.trim_end();
            if line == "event: change" {
                event = true;
            } else if let Some(data) = line.strip_prefix("data: ")
                && event
            {
                return data.parse().unwrap();
            }
        }
    }
}

#[test]
fn events_announce_each_change_with_a_growing_revision() {
    let sandbox = spawn_default();
    let shop = Shop::default_of(&sandbox);
    let mut events = Events::open(sandbox.local_addr());
    let first = events.next_revision();
    assert_eq!(first, introspect(sandbox.local_addr(), "/_sandbox/state")["revision"]);
    shop.transfer_create("1", "live-1").envelope();
    let second = events.next_revision();
    assert!(second > first, "{second} after {first}");
    assert_eq!(
        introspect(sandbox.local_addr(), "/_sandbox/state")["transfers"][0]["shop_payment_id"],
        "live-1"
    );
    // A change of the fault settings is a change too.
    admin_post(sandbox.local_addr(), "/_sandbox/faults", r#"{"probabilities": {"delay": 0.5}}"#);
    assert!(events.next_revision() > second);
}

#[test]
fn a_resend_delivers_the_callback_again_as_a_new_delivery() {
    let (listener, callbacks) = callback_listener(vec![(200, "OK")]);
    let config = SandboxConfig::default().with_callbacks(CallbackRetry::new(
        Duration::from_millis(10),
        Duration::from_millis(10),
        3,
    ));
    let sandbox = spawn(config);
    let shop = Shop::default_of(&sandbox);
    let callback = format!("http://{listener}/cb");
    let bill = shop.ok(
        "/bill/create",
        &[
            ("payer_currency", V::N("840")),
            ("shop_amount", V::N("9")),
            ("shop_currency", V::N("840")),
            ("shop_order_id", V::S("order-r")),
            ("callback_url", V::S(&callback)),
        ],
    );
    let resend = format!("/_sandbox/callbacks/bill/{}/resend", bill["id"]);
    let (status, refused) = admin_post(sandbox.local_addr(), &resend, "");
    assert_eq!(
        (status, refused["error"].as_str()),
        (409, Some("a waiting payment has no callback yet"))
    );

    admin_post(
        sandbox.local_addr(),
        &format!("/_sandbox/payments/bill/{}/complete", bill["id"]),
        "",
    );
    let first = callbacks.recv_timeout(Duration::from_secs(60)).unwrap().body;
    assert_eq!(admin_post(sandbox.local_addr(), &resend, "").0, 200);
    let second = callbacks.recv_timeout(Duration::from_secs(60)).unwrap().body;
    assert_eq!(first, second, "the same signed callback");

    let attempts = loop {
        let attempts = introspect(sandbox.local_addr(), "/_sandbox/callbacks");
        if attempts.as_array().unwrap().len() == 2 {
            break attempts;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let deliveries: Vec<(u64, u64)> = attempts
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["delivery"].as_u64().unwrap(), a["attempt"].as_u64().unwrap()))
        .collect();
    assert_eq!(deliveries, [(1, 1), (2, 1)]);
    assert_eq!(attempts[0]["answer"], "OK");
    assert_eq!(attempts[0]["http_status"], 200);
    assert!(attempts[0]["sent_at"].as_str().unwrap().contains('T'));
    assert!(attempts[0]["elapsed_ms"].is_u64());

    let (status, _) = admin_post(sandbox.local_addr(), "/_sandbox/callbacks/bill/1/resend", "");
    assert_eq!(status, 404);
    let (status, _) = admin_post(sandbox.local_addr(), "/_sandbox/callbacks/coupon/1/resend", "");
    assert_eq!(status, 404);
}

#[test]
fn faults_break_the_api_but_never_the_pages_or_the_dashboard() {
    let faults = FaultConfig::none().with(FaultKind::DropBefore, 1.0);
    let sandbox = spawn(SandboxConfig::default().with_faults(faults));
    let shop = Shop::default_of(&sandbox);
    assert!(matches!(shop.transfer_create("1", "x"), common::Reply::Closed));
    assert_eq!(http(sandbox.local_addr(), "GET", "/", b"").status(), 200);
    assert_eq!(http(sandbox.local_addr(), "GET", "/en/pay", b"").status(), 400);
    let state = introspect(sandbox.local_addr(), "/_sandbox/state");
    assert_eq!(state["faults"]["injected"]["drop-before"], 1);
}
