//! The payer's side: the hosted pay page at `/{lang}/pay`, and the pages that the
//! URLs of bills and invoices point to. Plain HTML forms that work without
//! scripts, in English or Russian; each answers GET and POST, since shops send
//! payers both ways.

mod hosted;
mod html;
mod payer;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::{ConnectInfo, Request};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use http::{StatusCode, header};

use crate::app::App;
use crate::ledger::PaymentKind;

/// The field a payer's button sets: `pay` or `decline`. Every other field is the
/// shop's.
const ACTION_FIELD: &str = "_sandbox_action";

/// The payer pages' routes.
pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/{lang}/pay", get(hosted::page).post(hosted::page))
        .route("/_sandbox/pay/{kind}/{id}", get(payer::page).post(payer::page))
}

/// Where the payer of a bill or an invoice is sent: the sandbox's own page.
pub(crate) fn payer_page_url(app: &App, kind: PaymentKind, id: u64) -> String {
    format!("{}{}", app.base_url, payer_page_path(kind, id))
}

fn payer_page_path(kind: PaymentKind, id: u64) -> String {
    format!("/_sandbox/pay/{}/{id}", kind.name())
}

/// The language of a payer's page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lang {
    En,
    Ru,
}

impl Lang {
    fn parse(text: &str) -> Option<Self> {
        match text {
            "en" => Some(Lang::En),
            "ru" => Some(Lang::Ru),
            _ => None,
        }
    }

    fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ru => "ru",
        }
    }
}

/// What the payer's browser sent: the form's fields (from the query of a GET,
/// or the body of a POST, or both), the button pressed, and where it came from.
#[derive(Debug)]
struct PayerForm {
    fields: BTreeMap<String, String>,
    action: Option<String>,
    ip: Option<String>,
}

impl PayerForm {
    /// Reads the request; a field given twice, a body that is not a URL-encoded
    /// form, or a choice that is not posted, is refused.
    async fn read(request: Request) -> Result<Self, String> {
        let (parts, body) = request.into_parts();
        let ip = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(peer)| peer.ip().to_canonical().to_string());
        let body = axum::body::to_bytes(body, usize::MAX)
            .await
            .map_err(|error| format!("the form could not be read: {error}"))?;
        if !body.is_empty() {
            let content_type = parts
                .headers
                .get(header::CONTENT_TYPE)
                .and_then(|value| value.to_str().ok())
                .unwrap_or_default();
            if !content_type.starts_with("application/x-www-form-urlencoded") {
                return Err(format!(
                    "the form must be sent as application/x-www-form-urlencoded, not {:?}",
                    content_type.chars().take(60).collect::<String>()
                ));
            }
        }
        let query = parts.uri.query().unwrap_or_default().as_bytes();
        let mut fields = BTreeMap::new();
        for (name, value) in form_urlencoded::parse(query).chain(form_urlencoded::parse(&body)) {
            if fields.insert(name.clone().into_owned(), value.into_owned()).is_some() {
                return Err(format!("the field {name} is given twice"));
            }
        }
        let action = fields.remove(ACTION_FIELD);
        // A link that is merely opened (or prefetched) must never pay.
        if action.is_some() && parts.method != http::Method::POST {
            return Err("Pay and Decline are sent with POST".to_owned());
        }
        Ok(Self { fields, action, ip })
    }
}

/// The payer's choice on a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Choice {
    Pay,
    Decline,
}

impl Choice {
    /// The button pressed, if any; another value is refused.
    fn of(action: Option<&str>) -> Result<Option<Self>, String> {
        match action {
            None => Ok(None),
            Some("pay") => Ok(Some(Choice::Pay)),
            Some("decline") => Ok(Some(Choice::Decline)),
            Some(other) => Err(format!(
                "{ACTION_FIELD} must be pay or decline, not {:?}",
                other.chars().take(20).collect::<String>()
            )),
        }
    }
}

/// Whether a return or callback URL is one a browser may be sent to.
fn is_web_url(url: &str) -> bool {
    url.parse::<http::Uri>().is_ok_and(|uri| {
        matches!(uri.scheme_str(), Some("http" | "https")) && uri.authority().is_some()
    })
}

/// Sends the payer on with a GET to `url` (already checked with [`is_web_url`]).
fn redirect(url: &str) -> Response {
    match http::HeaderValue::from_str(url) {
        Ok(location) => (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response(),
        Err(_) => {
            (StatusCode::BAD_REQUEST, "the return URL is not a valid header value").into_response()
        }
    }
}
