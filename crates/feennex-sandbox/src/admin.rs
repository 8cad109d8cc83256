//! Sandbox-only endpoints under `/_sandbox/`: introspection, fault control and
//! finishing payments. They are never faulted and need no signature.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use feennex_proto::prelude::Currency;
use http::StatusCode;
use serde::{Deserialize, Serialize};

use crate::app::App;
use crate::faults::{FaultConfig, FaultKind};
use crate::ledger::{Balance, PaymentKind};
use crate::reply::json_response;

/// Every sandbox-only route.
pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/_sandbox/faults", get(faults).post(set_faults))
        .route("/_sandbox/transfers", get(transfers))
        .route("/_sandbox/withdrawals", get(withdrawals))
        .route("/_sandbox/balances", get(balances))
        .route("/_sandbox/payments", get(payments))
        .route("/_sandbox/callbacks", get(callbacks))
        .route("/_sandbox/payments/{kind}/{id}/{action}", post(finish_payment))
        .route("/_sandbox/pay/{kind}/{id}", get(pay_page))
}

fn json<T: Serialize>(value: &T) -> Response {
    match serde_json::to_string(value) {
        Ok(text) => json_response(text),
        Err(error) => problem(StatusCode::INTERNAL_SERVER_ERROR, &error.to_string()),
    }
}

fn problem(status: StatusCode, message: &str) -> Response {
    let body = serde_json::json!({ "error": message }).to_string();
    (status, [(http::header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// The fault settings as `/_sandbox/faults` shows and takes them.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FaultSettings {
    #[serde(default)]
    probabilities: BTreeMap<FaultKind, f64>,
    #[serde(default)]
    seed: Option<u64>,
    #[serde(default)]
    delay_ms: Option<u64>,
    #[serde(default, skip_deserializing)]
    injected: BTreeMap<FaultKind, u64>,
    /// API requests received per path: what the injected faults fell on.
    #[serde(default, skip_deserializing)]
    requests: BTreeMap<String, u64>,
}

fn fault_settings(app: &App) -> FaultSettings {
    let faults = app.faults();
    let config = faults.config();
    FaultSettings {
        probabilities: config.probabilities.clone(),
        seed: Some(config.seed),
        delay_ms: Some(u64::try_from(config.delay.as_millis()).unwrap_or(u64::MAX)),
        injected: faults.injected().clone(),
        requests: faults.requests().clone(),
    }
}

async fn faults(State(app): State<Arc<App>>) -> Response {
    json(&fault_settings(&app))
}

/// Replaces the probabilities (kinds not given become 0); `seed` and `delay_ms`
/// keep their value when not given. The generator restarts from the seed.
async fn set_faults(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let settings: FaultSettings = match serde_json::from_slice(&body) {
        Ok(settings) => settings,
        Err(error) => return problem(StatusCode::BAD_REQUEST, &error.to_string()),
    };
    {
        let mut faults = app.faults();
        let current = faults.config().clone();
        let mut config = FaultConfig::none()
            .with_seed(settings.seed.unwrap_or(current.seed))
            .with_delay(settings.delay_ms.map_or(current.delay, Duration::from_millis));
        config.probabilities = settings.probabilities;
        if let Err(message) = config.validate() {
            return problem(StatusCode::BAD_REQUEST, &message);
        }
        faults.reconfigure(config);
    }
    json(&fault_settings(&app))
}

async fn transfers(State(app): State<Arc<App>>) -> Response {
    json(&app.ledger().transfers())
}

async fn withdrawals(State(app): State<Arc<App>>) -> Response {
    json(&app.ledger().withdrawals())
}

#[derive(Serialize)]
struct ShopBalance {
    shop_id: u64,
    currency: Currency,
    #[serde(flatten)]
    balance: Balance,
}

async fn balances(State(app): State<Arc<App>>) -> Response {
    let balances: Vec<ShopBalance> = app
        .ledger()
        .balances(None)
        .into_iter()
        .map(|(shop_id, currency, balance)| ShopBalance { shop_id, currency, balance })
        .collect();
    json(&balances)
}

async fn payments(State(app): State<Arc<App>>) -> Response {
    json(&app.ledger().payments())
}

async fn callbacks(State(app): State<Arc<App>>) -> Response {
    json(&app.ledger().callbacks)
}

/// `POST /_sandbox/payments/{bill|invoice}/{id}/{complete|reject}`: finishes a
/// waiting payment and starts delivering its callback.
async fn finish_payment(
    State(app): State<Arc<App>>,
    Path((kind, id, action)): Path<(String, String, String)>,
) -> Response {
    let Some(kind) = PaymentKind::parse(&kind) else {
        return problem(StatusCode::NOT_FOUND, "kind must be bill or invoice");
    };
    let Ok(id) = id.parse::<u64>() else {
        return problem(StatusCode::NOT_FOUND, "the id must be a number");
    };
    let paid = match action.as_str() {
        "complete" => true,
        "reject" => false,
        _ => return problem(StatusCode::NOT_FOUND, "the action must be complete or reject"),
    };
    let finished = app.ledger().finish_payment(kind, id, paid, crate::api::now_iso());
    let payment = match finished {
        Ok(payment) => payment,
        Err(message) if message.starts_with("no ") => {
            return problem(StatusCode::NOT_FOUND, &message);
        }
        Err(message) => return problem(StatusCode::CONFLICT, &message),
    };
    if let Some(url) = payment.callback_url.clone() {
        let fields = crate::callbacks::callback_fields(&app, &payment, paid);
        crate::callbacks::spawn_delivery(app.clone(), payment.clone(), url, fields);
    }
    json(&payment)
}

/// The page a payer is sent to: what is asked, and buttons to pay or refuse.
async fn pay_page(State(app): State<Arc<App>>, Path((kind, id)): Path<(String, u64)>) -> Response {
    let Some(kind) = PaymentKind::parse(&kind) else {
        return problem(StatusCode::NOT_FOUND, "kind must be bill or invoice");
    };
    let ledger = app.ledger();
    let Some(payment) = ledger.payments().iter().find(|p| p.kind == kind && p.id == id) else {
        return problem(StatusCode::NOT_FOUND, "no such payment");
    };
    let kind = kind.name();
    let order = escape(&payment.shop_order_id);
    let price = crate::money::python_text(payment.payer_price.0);
    let page = format!(
        "<!doctype html><html><head><title>Feennex sandbox: {kind} {id}</title></head><body>\
         <h1>Feennex sandbox</h1><p>{kind} {id}, order {order}: pay {price} ({currency}); status {status}.</p>\
         <form method=\"post\" action=\"/_sandbox/payments/{kind}/{id}/complete\"><button>Pay</button></form>\
         <form method=\"post\" action=\"/_sandbox/payments/{kind}/{id}/reject\"><button>Refuse</button></form>\
         </body></html>",
        currency = payment.payer_currency,
        status = payment.status,
    );
    Html(page).into_response()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
