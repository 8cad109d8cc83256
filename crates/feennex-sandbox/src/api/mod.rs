//! The Feennex API endpoints (spec sections 4 and 5).
//!
//! Each endpoint's list of signed fields (`SIGNED`, `CREATE_SIGNED`, ...) is written
//! here again from the spec, on purpose, instead of being taken from the core: an
//! emulator that shared the SDK's lists would accept the SDK's mistakes. The two
//! are kept equal by the tests that send every request of the core to the sandbox.

mod balance;
pub(crate) mod bill;
pub(crate) mod invoice;
mod transfer;
mod withdraw;

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::routing::post;
use serde::Serialize;

use crate::app::App;
use crate::reply::{ApiFailure, envelope_text, json_response};
use crate::request::Call;

/// Answers one API request body with the envelope text of its outcome.
type Handler = fn(&App, &[u8]) -> String;

/// Every API endpoint: its path and how it answers a body.
const ENDPOINTS: &[(&str, Handler)] = &[
    ("/transfer/try", |app, body| answer(body, |call| transfer::try_transfer(app, call))),
    ("/transfer/create", |app, body| answer(body, |call| transfer::create(app, call))),
    ("/transfer/shop_payment_status", |app, body| {
        answer(body, |call| transfer::shop_payment_status(app, call))
    }),
    ("/withdraw/try", |app, body| answer(body, |call| withdraw::try_withdraw(app, call))),
    ("/check_account", |app, body| answer(body, |call| withdraw::check_account(app, call))),
    ("/withdraw/create", |app, body| answer(body, |call| withdraw::create(app, call))),
    ("/withdraw/status", |app, body| answer(body, |call| withdraw::status(app, call))),
    ("/withdraw/shop_payment_status", |app, body| {
        answer(body, |call| withdraw::shop_payment_status(app, call))
    }),
    ("/shop_balance", |app, body| answer(body, |call| balance::shop_balance(app, call))),
    ("/bill/create", |app, body| answer(body, |call| bill::create(app, call))),
    ("/bill/shop_order_status", |app, body| {
        answer(body, |call| bill::shop_order_status(app, call))
    }),
    ("/invoice/try", |app, body| answer(body, |call| invoice::try_invoice(app, call))),
    ("/invoice/create", |app, body| answer(body, |call| invoice::create(app, call))),
];

/// Every API route.
pub(crate) fn routes() -> Router<Arc<App>> {
    ENDPOINTS.iter().fold(Router::new(), |router, &(path, handler)| {
        router.route(
            path,
            post(move |State(app): State<Arc<App>>, body: Bytes| async move {
                json_response(handler(&app, &body))
            }),
        )
    })
}

/// The envelope text the endpoint at `path` answers to `body`, exactly as the
/// server would send it; `None` for a path that is not an API endpoint.
pub(crate) fn answer_path(app: &App, path: &str, body: &[u8]) -> Option<String> {
    ENDPOINTS.iter().find(|(known, _)| *known == path).map(|(_, handler)| handler(app, body))
}

/// The paths of every API endpoint.
pub(crate) fn paths() -> impl Iterator<Item = &'static str> {
    ENDPOINTS.iter().map(|(path, _)| *path)
}

/// Reads the body and writes the handler's outcome as an envelope.
fn answer<T: Serialize>(
    body: &[u8],
    handler: impl FnOnce(&mut Call<'_>) -> Result<T, ApiFailure>,
) -> String {
    envelope_text(Call::parse(body).and_then(|mut call| handler(&mut call)))
}

/// A label or comment in English and Russian.
#[derive(Debug, Serialize)]
struct Text {
    en: &'static str,
    ru: &'static str,
}

/// How one account field should look, as `account_info_config` describes it.
#[derive(Debug, Serialize)]
struct FieldConfig {
    label: Text,
    comment: Text,
    example: &'static str,
    regex: &'static str,
}

/// The current time as the server writes `created`: RFC 1123 in GMT.
pub(crate) fn now_rfc1123() -> String {
    use time::format_description::well_known::Rfc2822;
    let text = time::OffsetDateTime::now_utc().format(&Rfc2822).unwrap_or_default();
    text.replace("+0000", "GMT")
}

/// The current time as callbacks write `created` and `processed`.
pub(crate) fn now_iso() -> String {
    use time::format_description::well_known::Rfc3339;
    time::OffsetDateTime::now_utc().format(&Rfc3339).unwrap_or_default()
}
