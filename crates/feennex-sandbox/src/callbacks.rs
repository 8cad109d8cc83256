//! Delivery of payment callbacks: a signed `application/x-www-form-urlencoded` POST
//! to the payment's callback URL, repeated with a doubling pause until the shop
//! answers HTTP 200 with the body `OK`, at most a configured number of times.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{Request, header};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

use crate::app::App;
use crate::ledger::{CallbackAttempt, Payment, PaymentKind};
use crate::money::python_text;

/// Most bytes of a shop's answer that are read.
const MAX_ANSWER_BYTES: usize = 4096;

/// Most characters of a shop's answer that are kept with an attempt.
const KEPT_ANSWER_CHARS: usize = 200;

/// Finishes a waiting payment (paid or rejected) and starts delivering its
/// callback, as the engine does when the payer is done.
pub(crate) fn finish(
    app: &Arc<App>,
    kind: PaymentKind,
    id: u64,
    paid: bool,
    payer_ip: Option<String>,
) -> Result<Payment, String> {
    let payment = app.ledger().finish_payment(kind, id, paid, crate::api::now_iso(), payer_ip)?;
    spawn_delivery(app.clone(), &payment);
    Ok(payment)
}

/// The fields of a payment's callback, `sign` last; the signature covers every
/// other field whose value is not empty, with the shop's secret. Only a final
/// payment has a callback: `status` is `success` when it was paid and
/// `rejected` otherwise.
pub(crate) fn callback_fields(app: &App, payment: &Payment) -> Vec<(String, String)> {
    let paid = payment.is_paid();
    let mut fields: Vec<(String, String)> = vec![
        ("client_price".into(), python_text(payment.payer_price.0)),
        ("created".into(), payment.created.clone()),
        ("description".into(), payment.description.clone().unwrap_or_default()),
        ("lang".into(), payment.lang.into()),
        ("payer_id".into(), payment.payer_account.clone().unwrap_or_default()),
        ("payment_id".into(), payment.id.to_string()),
        ("payway".into(), payment.payway.clone()),
        ("processed".into(), payment.processed.clone().unwrap_or_default()),
        ("ps_currency".into(), payment.payer_currency.to_string()),
        (
            "ps_data".into(),
            format!(r#"{{"sandbox": true, "{}_id": {}}}"#, payment.kind.name(), payment.id),
        ),
        ("shop_amount".into(), python_text(payment.shop_amount.0)),
        ("shop_currency".into(), payment.shop_currency.to_string()),
        ("shop_id".into(), payment.shop_id.to_string()),
        ("shop_order_id".into(), payment.shop_order_id.clone()),
        ("shop_refund".into(), python_text(payment.shop_refund.0)),
        ("status".into(), if paid { "success" } else { "rejected" }.into()),
        ("user_ip".into(), payment.payer_ip.clone().unwrap_or_else(|| "127.0.0.1".into())),
    ];
    fields.extend(payment.extra.iter().map(|(name, value)| (name.clone(), value.clone())));
    fields.sort();
    let signed: Vec<&(String, String)> =
        fields.iter().filter(|(_, value)| !value.is_empty()).collect();
    let signed: Vec<(&str, &str)> = signed.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    let sign = app
        .secrets
        .get(&payment.shop_id)
        .map(|secret| feennex_proto::sign::sign(&signed, secret).to_string())
        .unwrap_or_default();
    fields.push(("sign".into(), sign));
    fields
}

/// Starts delivering a final payment's callback in the background, when it has a
/// callback URL (says whether it does); it stops when the sandbox does. Each
/// call is a new delivery, numbered, with its own attempts.
pub(crate) fn spawn_delivery(app: Arc<App>, payment: &Payment) -> bool {
    let Some(url) = payment.callback_url.clone() else { return false };
    let fields = callback_fields(&app, payment);
    let delivery = app.ledger().next_delivery(payment.kind, payment.id);
    let (kind, payment_id) = (payment.kind, payment.id);
    tokio::spawn(async move {
        let mut shutdown = app.shutdown.clone();
        let target = Target { kind, payment_id, delivery, url: &url };
        tokio::select! {
            () = deliver(&app, &target, &fields) => {}
            _ = shutdown.changed() => {}
        }
    });
    true
}

/// Which delivery of which payment's callback goes where.
struct Target<'a> {
    kind: PaymentKind,
    payment_id: u64,
    delivery: u32,
    url: &'a str,
}

async fn deliver(app: &App, target: &Target<'_>, fields: &[(String, String)]) {
    let retry = app.callback_retry;
    let body: String =
        form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish();
    let mut connector = HttpConnector::new();
    connector.set_local_address(app.callback_source);
    let client = Client::builder(TokioExecutor::new()).build::<_, Full<Bytes>>(connector);
    let mut pause = retry.first_delay;
    for attempt in 1..=retry.max_attempts.max(1) {
        let sent_at = crate::api::now_iso();
        let started = Instant::now();
        let outcome =
            tokio::time::timeout(retry.attempt_timeout, post(&client, target.url, &body)).await;
        let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let (http_status, answer, error, delivered) = match outcome {
            Ok(Ok((status, answer))) => {
                let delivered = status == 200 && answer.trim() == "OK";
                let kept = answer.chars().take(KEPT_ANSWER_CHARS).collect();
                (Some(status), Some(kept), None, delivered)
            }
            Ok(Err(error)) => (None, None, Some(error), false),
            Err(_) => (None, None, Some("timed out".to_owned()), false),
        };
        app.ledger().callbacks.push(CallbackAttempt {
            kind: target.kind,
            payment_id: target.payment_id,
            url: target.url.to_owned(),
            delivery: target.delivery,
            attempt,
            sent_at,
            elapsed_ms,
            http_status,
            answer,
            error,
            delivered,
            fields: fields.iter().cloned().collect(),
        });
        if delivered || attempt == retry.max_attempts {
            return;
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(retry.max_delay.max(Duration::from_millis(1)));
    }
}

type HttpClient = Client<HttpConnector, Full<Bytes>>;

/// One POST; gives the status and the start of the answer.
async fn post(client: &HttpClient, url: &str, body: &str) -> Result<(u16, String), String> {
    let uri: http::Uri = url.parse().map_err(|error| format!("bad callback URL: {error}"))?;
    if uri.scheme_str() != Some("http") {
        return Err("the sandbox delivers callbacks over plain http only".to_owned());
    }
    let request = Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Full::new(Bytes::from(body.to_owned())))
        .map_err(|error| error.to_string())?;
    let response = client.request(request).await.map_err(|error| error.to_string())?;
    let status = response.status().as_u16();
    let answer = http_body_util::Limited::new(response.into_body(), MAX_ANSWER_BYTES)
        .collect()
        .await
        .map(|collected| String::from_utf8_lossy(&collected.to_bytes()).into_owned())
        .unwrap_or_default();
    Ok((status, answer))
}
