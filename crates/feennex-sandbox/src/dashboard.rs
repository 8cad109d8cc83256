//! The dashboard at the sandbox's root: one page with its stylesheet and script,
//! embedded in the binary (it works offline), and a stream of server-sent events
//! that tells an open page to read `/_sandbox/state` again whenever something
//! changed. Everything it does goes through the JSON routes of [`crate::admin`].

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::Stream;
use http::header;

use crate::app::App;

const PAGE: &str = include_str!("assets/dashboard.html");
const SCRIPT: &str = include_str!("assets/dashboard.js");
const STYLE: &str = include_str!("assets/sandbox.css");

/// How often timed withdrawals are moved on while nobody asks about them.
const TICK: Duration = Duration::from_millis(250);

/// The dashboard's routes.
pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/", get(|| async { asset("text/html; charset=utf-8", PAGE) }))
        .route(
            "/_sandbox/assets/dashboard.js",
            get(|| async { asset("text/javascript; charset=utf-8", SCRIPT) }),
        )
        .route(
            "/_sandbox/assets/sandbox.css",
            get(|| async { asset("text/css; charset=utf-8", STYLE) }),
        )
        .route("/_sandbox/events", get(events))
}

fn asset(content_type: &'static str, text: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "no-cache")], text)
        .into_response()
}

/// `GET /_sandbox/events`: an event `change` with the revision at once, then one
/// each time the revision grows (several quick changes may come as one).
async fn events(State(app): State<Arc<App>>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let revisions = app.revisions();
    let stream =
        futures_util::stream::unfold((revisions, true), |(mut revisions, first)| async move {
            if !first && revisions.changed().await.is_err() {
                return None;
            }
            let revision = *revisions.borrow_and_update();
            let event = Event::default().event("change").data(revision.to_string());
            Some((Ok(event), (revisions, false)))
        });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// Moves timed withdrawals on while nobody asks about them, so that an open
/// dashboard sees them change; ends when the sandbox stops.
pub(crate) async fn tick(app: Arc<App>) {
    let mut shutdown = app.shutdown.clone();
    loop {
        tokio::select! {
            () = tokio::time::sleep(TICK) => drop(app.ledger()),
            _ = shutdown.changed() => return,
        }
    }
}
