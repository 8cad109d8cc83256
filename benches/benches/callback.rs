//! A realistic form-encoded payment callback verified end to end: sender check,
//! form decoding, signature over every non-empty field, typed notification.

use std::hint::black_box;
use std::net::IpAddr;

use criterion::{Criterion, criterion_group, criterion_main};
use feennex_benches::SECRET;
use feennex_proto::callback::{SenderCheck, verify_callback};
use feennex_proto::{SecretKey, sign::sign};

/// The fields of an invoice callback as Feennex sends them.
const FIELDS: [(&str, &str); 17] = [
    ("client_price", "1299.00"),
    ("created", "2026-11-21 10:15:42"),
    ("description", "Order 77812: 2 items"),
    ("email", "payer@example.com"),
    ("lang", "en"),
    ("payment_id", "98123311"),
    ("payway", "card_usd"),
    ("processed", "2026-11-21 10:16:03"),
    ("ps_currency", "840"),
    ("ps_data", r#"{"card":"4111****1111","rrn":"633012345678"}"#),
    ("shop_amount", "1250.00"),
    ("shop_currency", "840"),
    ("shop_id", "112233"),
    ("shop_order_id", "77812"),
    ("shop_refund", "1212.50"),
    ("status", "success"),
    ("user_ip", "203.0.113.7"),
];

fn callback_group(c: &mut Criterion) {
    let secret = SecretKey::new(SECRET);
    let signature = sign(&FIELDS, &secret);
    let mut body = form_urlencoded::Serializer::new(String::new());
    for (name, value) in FIELDS {
        body.append_pair(name, value);
    }
    body.append_pair("sign", signature.as_str());
    let body = body.finish();
    let sender: IpAddr = "87.98.145.206".parse().unwrap();
    let senders = SenderCheck::AllowList(vec!["87.98.145.206".parse().unwrap()]);
    verify_callback(
        body.as_bytes(),
        "application/x-www-form-urlencoded",
        sender,
        &secret,
        &senders,
    )
    .expect("the bench's callback verifies");

    let mut group = c.benchmark_group("callback");
    group.bench_function("verify_form", |b| {
        b.iter(|| {
            verify_callback(
                black_box(body.as_bytes()),
                "application/x-www-form-urlencoded",
                sender,
                &secret,
                &senders,
            )
            .unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, callback_group);
criterion_main!(benches);
