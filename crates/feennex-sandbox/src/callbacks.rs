//! Delivery of payment callbacks: a signed `application/x-www-form-urlencoded` POST
//! to the payment's callback URL, repeated with a doubling pause until the shop
//! answers HTTP 200 with the body `OK`, at most a configured number of times.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{Request, header};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

use crate::app::App;
use crate::ledger::{CallbackAttempt, Payment};
use crate::money::python_text;

/// Most bytes of a shop's answer that are read.
const MAX_ANSWER_BYTES: usize = 4096;

/// The fields of a payment's callback, `sign` last; the signature covers every
/// other field whose value is not empty, with the shop's secret.
pub(crate) fn callback_fields(app: &App, payment: &Payment, paid: bool) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = vec![
        ("client_price".into(), python_text(payment.payer_price.0)),
        ("created".into(), payment.created.clone()),
        ("description".into(), payment.description.clone().unwrap_or_default()),
        ("lang".into(), "en".into()),
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
        ("user_ip".into(), "127.0.0.1".into()),
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

/// Starts delivering a callback in the background; it stops when the sandbox does.
pub(crate) fn spawn_delivery(
    app: Arc<App>,
    payment: Payment,
    url: String,
    fields: Vec<(String, String)>,
) {
    tokio::spawn(async move {
        let mut shutdown = app.shutdown.clone();
        tokio::select! {
            () = deliver(&app, &payment, &url, &fields) => {}
            _ = shutdown.changed() => {}
        }
    });
}

async fn deliver(app: &App, payment: &Payment, url: &str, fields: &[(String, String)]) {
    let retry = app.callback_retry;
    let body: String =
        form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish();
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let mut pause = retry.first_delay;
    for attempt in 1..=retry.max_attempts.max(1) {
        let outcome = tokio::time::timeout(retry.attempt_timeout, post(&client, url, &body)).await;
        let (http_status, error, delivered) = match outcome {
            Ok(Ok((status, answer))) => {
                (Some(status), None, status == 200 && answer.trim() == "OK")
            }
            Ok(Err(error)) => (None, Some(error), false),
            Err(_) => (None, Some("timed out".to_owned()), false),
        };
        app.ledger().callbacks.push(CallbackAttempt {
            kind: payment.kind,
            payment_id: payment.id,
            url: url.to_owned(),
            attempt,
            http_status,
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

type HttpClient = Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>;

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
