//! The Feennex API endpoints (spec sections 4 and 5).

mod balance;
mod bill;
mod invoice;
mod transfer;
mod withdraw;

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use axum::routing::post;
use serde::Serialize;

use crate::app::App;
use crate::reply::{ApiFailure, envelope};
use crate::request::Call;

/// Every API route.
pub(crate) fn routes() -> Router<Arc<App>> {
    macro_rules! endpoint {
        ($handler:path) => {
            post(|State(app): State<Arc<App>>, body: Bytes| async move {
                answer(&body, |call| $handler(&app, call))
            })
        };
    }
    Router::new()
        .route("/transfer/try", endpoint!(transfer::try_transfer))
        .route("/transfer/create", endpoint!(transfer::create))
        .route("/transfer/shop_payment_status", endpoint!(transfer::shop_payment_status))
        .route("/withdraw/try", endpoint!(withdraw::try_withdraw))
        .route("/check_account", endpoint!(withdraw::check_account))
        .route("/withdraw/create", endpoint!(withdraw::create))
        .route("/withdraw/status", endpoint!(withdraw::status))
        .route("/withdraw/shop_payment_status", endpoint!(withdraw::shop_payment_status))
        .route("/shop_balance", endpoint!(balance::shop_balance))
        .route("/bill/create", endpoint!(bill::create))
        .route("/bill/shop_order_status", endpoint!(bill::shop_order_status))
        .route("/invoice/try", endpoint!(invoice::try_invoice))
        .route("/invoice/create", endpoint!(invoice::create))
}

/// Reads the body and answers the handler's outcome in an envelope.
fn answer<T: Serialize>(
    body: &[u8],
    handler: impl FnOnce(&mut Call<'_>) -> Result<T, ApiFailure>,
) -> Response {
    envelope(Call::parse(body).and_then(|mut call| handler(&mut call)))
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
fn now_rfc1123() -> String {
    use time::format_description::well_known::Rfc2822;
    let text = time::OffsetDateTime::now_utc().format(&Rfc2822).unwrap_or_default();
    text.replace("+0000", "GMT")
}

/// The current time as callbacks write `created` and `processed`.
pub(crate) fn now_iso() -> String {
    use time::format_description::well_known::Rfc3339;
    time::OffsetDateTime::now_utc().format(&Rfc3339).unwrap_or_default()
}
