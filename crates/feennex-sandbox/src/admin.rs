//! Sandbox-only endpoints under `/_sandbox/`: introspection, fault control,
//! finishing payments and sending their callbacks again. They are never faulted
//! and need no signature; the dashboard drives the sandbox through them.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use feennex_proto::prelude::Currency;
use http::StatusCode;
use serde::{Deserialize, Serialize};

use crate::app::App;
use crate::faults::{FaultConfig, FaultKind};
use crate::ledger::{Balance, Ledger, Payment, PaymentKind};
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
        .route("/_sandbox/callbacks/{kind}/{id}/resend", post(resend_callback))
        .route("/_sandbox/state", get(state))
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
    app.announce_change();
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

fn shop_balances(ledger: &Ledger) -> Vec<ShopBalance> {
    ledger
        .balances(None)
        .into_iter()
        .map(|(shop_id, currency, balance)| ShopBalance { shop_id, currency, balance })
        .collect()
}

async fn balances(State(app): State<Arc<App>>) -> Response {
    json(&shop_balances(&app.ledger()))
}

async fn payments(State(app): State<Arc<App>>) -> Response {
    json(&app.ledger().payments())
}

async fn callbacks(State(app): State<Arc<App>>) -> Response {
    json(&app.ledger().callbacks)
}

/// A payment kind and id from a route, or why the route names none.
fn payment_key(kind: &str, id: &str) -> Result<(PaymentKind, u64), &'static str> {
    let kind = PaymentKind::parse(kind).ok_or("kind must be bill or invoice")?;
    let id = id.parse().map_err(|_| "the id must be a number")?;
    Ok((kind, id))
}

/// `POST /_sandbox/payments/{bill|invoice}/{id}/{complete|reject}`: finishes a
/// waiting payment and starts delivering its callback.
async fn finish_payment(
    State(app): State<Arc<App>>,
    Path((kind, id, action)): Path<(String, String, String)>,
) -> Response {
    let (kind, id) = match payment_key(&kind, &id) {
        Ok(key) => key,
        Err(message) => return problem(StatusCode::NOT_FOUND, message),
    };
    let paid = match action.as_str() {
        "complete" => true,
        "reject" => false,
        _ => return problem(StatusCode::NOT_FOUND, "the action must be complete or reject"),
    };
    match crate::callbacks::finish(&app, kind, id, paid, None) {
        Ok(payment) => json(&payment),
        Err(message) if message.starts_with("no ") => problem(StatusCode::NOT_FOUND, &message),
        Err(message) => problem(StatusCode::CONFLICT, &message),
    }
}

/// `POST /_sandbox/callbacks/{bill|invoice}/{id}/resend`: delivers a final
/// payment's callback again, as a new delivery with its own attempts.
async fn resend_callback(
    State(app): State<Arc<App>>,
    Path((kind, id)): Path<(String, String)>,
) -> Response {
    let (kind, id) = match payment_key(&kind, &id) {
        Ok(key) => key,
        Err(message) => return problem(StatusCode::NOT_FOUND, message),
    };
    let Some(payment) = app.ledger().payment(kind, id).cloned() else {
        return problem(StatusCode::NOT_FOUND, &format!("no {} with id {id}", kind.name()));
    };
    if payment.is_waiting() {
        return problem(StatusCode::CONFLICT, "a waiting payment has no callback yet");
    }
    if !crate::callbacks::spawn_delivery(app.clone(), &payment) {
        return problem(StatusCode::CONFLICT, "the payment has no callback URL");
    }
    json(&payment)
}

/// A payment with its status's name, for people.
#[derive(Serialize)]
struct PaymentView<'a> {
    #[serde(flatten)]
    payment: &'a Payment,
    status_name: &'static str,
    waiting: bool,
    payer_page: String,
}

/// Everything the dashboard shows, read at one revision.
#[derive(Serialize)]
struct Snapshot<'a> {
    revision: u64,
    base_url: &'a str,
    shops: Vec<u64>,
    balances: Vec<ShopBalance>,
    payments: Vec<PaymentView<'a>>,
    transfers: &'a [crate::ledger::Transfer],
    withdrawals: Vec<crate::ledger::WithdrawalView>,
    callbacks: &'a [crate::ledger::CallbackAttempt],
    faults: FaultSettings,
}

/// `GET /_sandbox/state`: the whole state at one revision (a change made while
/// it is read shows in a later revision).
async fn state(State(app): State<Arc<App>>) -> Response {
    let faults = fault_settings(&app);
    let revision = *app.revisions().borrow();
    let ledger = app.ledger();
    let mut shops: Vec<u64> = app.secrets.keys().copied().collect();
    shops.sort_unstable();
    let payments = ledger
        .payments()
        .iter()
        .map(|payment| PaymentView {
            payment,
            status_name: payment.kind.status_name(payment.status),
            waiting: payment.is_waiting(),
            payer_page: crate::pay::payer_page_url(&app, payment.kind, payment.id),
        })
        .collect();
    json(&Snapshot {
        revision,
        base_url: &app.base_url,
        shops,
        balances: shop_balances(&ledger),
        payments,
        transfers: ledger.transfers(),
        withdrawals: ledger.withdrawals(),
        callbacks: &ledger.callbacks,
        faults,
    })
}
