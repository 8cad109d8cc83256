//! Bills and invoices: payment URLs, completion through the sandbox-only route, and
//! signed callbacks delivered to a real listener until it answers `OK`.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::sync::mpsc;
use std::time::Duration;

use common::{Shop, V, admin_post, available, decimal, http, introspect, spawn};
use feennex_proto::SecretKey;
use feennex_sandbox::{CallbackRetry, DEFAULT_SECRET, SandboxConfig};
use rust_decimal::Decimal;

fn d(text: &str) -> Decimal {
    text.parse().unwrap()
}

const NOW: V<'static> = V::S("2026-01-01T00:00:00.000Z");

fn quick_callbacks() -> SandboxConfig {
    SandboxConfig::default().with_callbacks(CallbackRetry::new(
        Duration::from_millis(10),
        Duration::from_millis(40),
        6,
    ))
}

/// A shop's callback endpoint: answers the scripted replies in turn (the last one
/// forever) and passes on every body it receives.
fn callback_listener(replies: Vec<(u16, &'static str)>) -> (SocketAddr, mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        for (n, stream) in listener.incoming().enumerate() {
            let Ok(mut stream) = stream else { return };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut length = 0;
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                if line == "\r\n" || line.is_empty() {
                    break;
                }
                if let Some((name, value)) = line.split_once(':')
                    && name.eq_ignore_ascii_case("content-length")
                {
                    length = value.trim().parse().unwrap();
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            let (status, text) = replies[n.min(replies.len() - 1)];
            let answer = format!(
                "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
                text.len()
            );
            stream.write_all(answer.as_bytes()).unwrap();
            if sender.send(String::from_utf8(body).unwrap()).is_err() {
                return;
            }
        }
    });
    (addr, receiver)
}

fn form_fields(body: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(body.as_bytes()).into_owned().collect()
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no {name}"))
}

/// Checks a callback's signature the way a shop must: every non-empty field but `sign`.
fn signature_is_valid(fields: &[(String, String)], secret: &SecretKey) -> bool {
    let signed: Vec<(&str, &str)> = fields
        .iter()
        .filter(|(name, value)| name != "sign" && !value.is_empty())
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    feennex_proto::sign::verify(&signed, secret, field(fields, "sign"))
}

fn wait_for_delivery(addr: SocketAddr, attempts: usize) -> serde_json::Value {
    for _ in 0..2000 {
        let callbacks = introspect(addr, "/_sandbox/callbacks");
        if callbacks.as_array().unwrap().len() >= attempts {
            return callbacks;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    panic!("the callbacks were not delivered");
}

#[test]
fn completed_bill_delivers_a_signed_callback_again_until_answered_ok() {
    let (listener, bodies) = callback_listener(vec![(500, "error"), (200, "not ok"), (200, "OK")]);
    let sandbox = spawn(quick_callbacks());
    let shop = Shop::default_of(&sandbox);
    let callback_url = format!("http://{listener}/feennex/callback");
    let bill = shop.ok(
        "/bill/create",
        &[
            ("payer_currency", V::N("978")),
            ("shop_amount", V::N("107")),
            ("shop_currency", V::N("840")),
            ("shop_order_id", V::S("order-1")),
            ("description", V::S("Tea")),
            ("callback_url", V::S(&callback_url)),
        ],
    );
    // 107 USD at 1.07 USD per EUR: 100 EUR.
    assert_eq!(decimal(&bill["payer_price"]), d("100"));
    assert_eq!(bill["lifetime"], 43200);
    assert!(bill["created"].as_str().unwrap().ends_with("GMT"));
    let id = bill["id"].as_u64().unwrap();
    let url = bill["url"].as_str().unwrap();
    assert_eq!(url, format!("{}/_sandbox/pay/bill/{id}", sandbox.base_url()));
    let page = http(sandbox.local_addr(), "GET", &url[sandbox.base_url().len()..], b"");
    assert!(page.body_text().contains("order-1"));

    let status =
        shop.ok("/bill/shop_order_status", &[("now", NOW), ("shop_order_id", V::S("order-1"))]);
    assert_eq!(status["status"], 1);
    let before = available(sandbox.local_addr(), 1, 840);
    let (code, _) =
        admin_post(sandbox.local_addr(), &format!("/_sandbox/payments/bill/{id}/complete"), "");
    assert_eq!(code, 200);
    assert_eq!(available(sandbox.local_addr(), 1, 840) - before, d("107"));
    let status =
        shop.ok("/bill/shop_order_status", &[("now", NOW), ("shop_order_id", V::S("order-1"))]);
    assert_eq!(status["status"], 2);

    let received: Vec<String> =
        (0..3).map(|_| bodies.recv_timeout(Duration::from_secs(60)).unwrap()).collect();
    assert!(received.iter().all(|body| *body == received[0]));
    let fields = form_fields(&received[0]);
    assert!(signature_is_valid(&fields, &SecretKey::new(DEFAULT_SECRET)));
    assert!(!signature_is_valid(&fields, &SecretKey::new("another-secret")));
    assert_eq!(field(&fields, "status"), "success");
    assert_eq!(field(&fields, "shop_order_id"), "order-1");
    assert_eq!(field(&fields, "shop_id"), "1");
    assert_eq!(field(&fields, "payment_id"), id.to_string());
    assert_eq!(decimal(&serde_json::Value::from(field(&fields, "shop_amount"))), d("107"));
    assert_eq!(field(&fields, "shop_currency"), "840");
    assert_eq!(field(&fields, "description"), "Tea");
    assert_eq!(field(&fields, "payer_id"), "", "an empty field is sent but not signed");

    let attempts = wait_for_delivery(sandbox.local_addr(), 3);
    let attempts = attempts.as_array().unwrap();
    assert_eq!(attempts.len(), 3);
    let delivered: Vec<bool> = attempts.iter().map(|a| a["delivered"].as_bool().unwrap()).collect();
    assert_eq!(delivered, [false, false, true]);
    assert_eq!(attempts[0]["http_status"], 500);
    // Delivered: no fourth attempt comes.
    assert!(bodies.recv_timeout(Duration::from_millis(200)).is_err());
}

#[test]
fn a_finished_payment_cannot_be_finished_again() {
    let sandbox = spawn(quick_callbacks());
    let shop = Shop::default_of(&sandbox);
    let bill = shop.ok(
        "/bill/create",
        &[
            ("payer_currency", V::N("840")),
            ("shop_amount", V::N("5")),
            ("shop_currency", V::N("840")),
            ("shop_order_id", V::S("order-r")),
        ],
    );
    let id = bill["id"].as_u64().unwrap();
    let before = available(sandbox.local_addr(), 1, 840);
    let (code, payment) =
        admin_post(sandbox.local_addr(), &format!("/_sandbox/payments/bill/{id}/reject"), "");
    assert_eq!((code, payment["status"].as_u64()), (200, Some(3)));
    let (code, _) =
        admin_post(sandbox.local_addr(), &format!("/_sandbox/payments/bill/{id}/complete"), "");
    assert_eq!(code, 409);
    assert_eq!(available(sandbox.local_addr(), 1, 840), before);
    let (code, _) = admin_post(sandbox.local_addr(), "/_sandbox/payments/bill/1/complete", "");
    assert_eq!(code, 404);
    let again = shop.call(
        "/bill/create",
        &[
            ("payer_currency", V::N("840")),
            ("shop_amount", V::N("5")),
            ("shop_currency", V::N("840")),
            ("shop_order_id", V::S("order-r")),
        ],
    );
    assert_eq!(again["error_code"], 6);
    let unknown =
        shop.call("/bill/shop_order_status", &[("now", NOW), ("shop_order_id", V::S("none"))]);
    assert_eq!(unknown["error_code"], 7);
}

#[test]
fn invoice_try_and_create_agree_and_a_rejection_is_called_back() {
    let (listener, bodies) = callback_listener(vec![(200, "OK")]);
    let sandbox = spawn(quick_callbacks());
    let shop = Shop::default_of(&sandbox);
    let order = [
        ("amount", V::N("20")),
        ("currency", V::N("840")),
        ("payway", V::S("card_usd")),
        ("shop_order_id", V::S("inv-1")),
    ];
    let quote = shop.ok("/invoice/try", &order);
    // card_usd invoices: 3.5 % paid by the payer.
    assert_eq!(decimal(&quote["payer_price"]), d("20.7"));
    assert_eq!(quote["ps_currency"], 840);
    assert_eq!(quote["paymethod_name"], "card_usd");
    assert!(quote["add_ons_config"]["email"].is_object());

    let missing = shop.call("/invoice/create", &order);
    assert_eq!(missing["error_code"], 10);
    assert!(missing["message"].as_str().unwrap().contains("email"));

    let callback_url = format!("http://{listener}/cb");
    let mut fields = order.to_vec();
    fields.push(("email", V::S("payer@example.com")));
    fields.push(("callback_url", V::S(&callback_url)));
    let invoice = shop.ok("/invoice/create", &fields);
    assert_eq!(invoice["method"], "POST");
    let id = invoice["id"].as_u64().unwrap();
    assert_eq!(invoice["url"], format!("{}/_sandbox/pay/invoice/{id}", sandbox.base_url()));
    let payments = introspect(sandbox.local_addr(), "/_sandbox/payments");
    assert_eq!(decimal(&payments[0]["payer_price"]), decimal(&quote["payer_price"]));

    let (code, _) =
        admin_post(sandbox.local_addr(), &format!("/_sandbox/payments/invoice/{id}/reject"), "");
    assert_eq!(code, 200);
    let fields = form_fields(&bodies.recv_timeout(Duration::from_secs(60)).unwrap());
    assert!(signature_is_valid(&fields, &SecretKey::new(DEFAULT_SECRET)));
    assert_eq!(field(&fields, "status"), "rejected");
    assert_eq!(field(&fields, "email"), "payer@example.com");
    assert_eq!(field(&fields, "payway"), "card_usd");
    assert_eq!(decimal(&serde_json::Value::from(field(&fields, "client_price"))), d("20.7"));
}

#[test]
fn invoice_limits_and_unknown_payways_are_refused() {
    let sandbox = spawn(quick_callbacks());
    let shop = Shop::default_of(&sandbox);
    let try_amount = |amount: &str, payway: &str| {
        shop.call(
            "/invoice/try",
            &[
                ("amount", V::N(amount)),
                ("currency", V::N("643")),
                ("payway", V::S(payway)),
                ("shop_order_id", V::S("x")),
            ],
        )
    };
    assert_eq!(try_amount("50", "card_rub")["error_code"], 4);
    assert_eq!(try_amount("200000", "card_rub")["error_code"], 5);
    assert_eq!(try_amount("500", "card_rub")["error_code"], 0);
    assert_eq!(try_amount("500", "mystery")["error_code"], 3);
}

#[test]
fn undeliverable_callbacks_stop_after_the_configured_attempts() {
    // A port with nothing listening: every attempt fails to connect.
    let closed = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let config = SandboxConfig::default().with_callbacks(CallbackRetry::new(
        Duration::from_millis(1),
        Duration::from_millis(2),
        3,
    ));
    let sandbox = spawn(config);
    let shop = Shop::default_of(&sandbox);
    let callback_url = format!("http://{closed}/cb");
    let bill = shop.ok(
        "/bill/create",
        &[
            ("payer_currency", V::N("840")),
            ("shop_amount", V::N("5")),
            ("shop_currency", V::N("840")),
            ("shop_order_id", V::S("order-x")),
            ("callback_url", V::S(&callback_url)),
        ],
    );
    let id = bill["id"].as_u64().unwrap();
    admin_post(sandbox.local_addr(), &format!("/_sandbox/payments/bill/{id}/complete"), "");
    let attempts = wait_for_delivery(sandbox.local_addr(), 3);
    std::thread::sleep(Duration::from_millis(100));
    let attempts_later = introspect(sandbox.local_addr(), "/_sandbox/callbacks");
    assert_eq!(attempts, attempts_later);
    assert_eq!(attempts.as_array().unwrap().len(), 3);
    assert!(
        attempts
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["delivered"] == false && a["error"].is_string())
    );
}
