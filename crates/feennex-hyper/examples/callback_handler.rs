//! A merchant's callback handler in axum, run against the sandbox: verify the
//! callback (sender, signature, field set), recognise a repeat, check it against
//! the order, confirm it with the API's own record of the payment, act once, and
//! answer `OK` so that Feennex stops delivering it.
//!
//! ```sh
//! cargo run -p feennex-hyper --example callback_handler
//! ```
//!
//! It creates a bill, pays it through the sandbox, waits for the callback, then
//! replays the very same callback: the order is fulfilled once, and the replay is
//! answered `OK` without acting. It exits non-zero if any of that fails.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, header::CONTENT_TYPE};
use axum::routing::post;
use feennex_hyper::proto::callback::{
    CALLBACK_REPLY_OK, CallbackDelivery, CallbackStatus, ExpectedOrder, ReplayGuard, SenderCheck,
    verify_callback,
};
use feennex_hyper::proto::prelude::{BillCreate, PaymentUrls};
use feennex_hyper::{
    Client,
    prelude::{Currency, Merchant, SecretKey, ShopId, ShopOrderId},
};
use feennex_sandbox::{PaymentKind, Sandbox, SandboxConfig};

/// The merchant's side: its key, who may call, its orders and recent callbacks,
/// and a client to ask the API.
struct Shop {
    client: Client,
    secret: SecretKey,
    senders: SenderCheck,
    orders: Mutex<HashMap<String, Order>>,
    replays: Mutex<ReplayGuard>,
    last_body: Mutex<Option<(String, Bytes)>>,
}

struct Order {
    expected: ExpectedOrder,
    fulfilled: u32,
    repeats_seen: u32,
}

/// The handler: every early return that is not `OK` makes Feennex try again later.
async fn callback(
    State(shop): State<Arc<Shop>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, &'static str) {
    let content_type = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let notification =
        match verify_callback(&body, content_type, peer.ip(), &shop.secret, &shop.senders) {
            Ok(notification) => notification,
            Err(rejection) => {
                eprintln!("callback refused: {rejection}");
                return (StatusCode::FORBIDDEN, "refused");
            }
        };
    *shop.last_body.lock().unwrap() = Some((content_type.to_owned(), body));
    let delivery = shop.replays.lock().unwrap().observe(&notification);
    {
        let mut orders = shop.orders.lock().unwrap();
        let Some(order) = notification.shop_order_id().and_then(|id| orders.get_mut(id)) else {
            return (StatusCode::NOT_FOUND, "unknown order");
        };
        if delivery == CallbackDelivery::Repeat {
            order.repeats_seen += 1;
            return (StatusCode::OK, CALLBACK_REPLY_OK);
        }
        if let Err(mismatch) = notification.check_order(&order.expected) {
            eprintln!("callback does not match the order: {mismatch}");
            return (StatusCode::BAD_REQUEST, "mismatch");
        }
        if notification.status() != Some(CallbackStatus::Success) || order.fulfilled > 0 {
            return (StatusCode::OK, CALLBACK_REPLY_OK);
        }
    }
    // Trust, then verify: a signature over values whose field names are not
    // signed proves little, so ask the API before shipping anything.
    if let Err(error) = shop.client.confirm_callback(&notification).await {
        eprintln!("callback not confirmed by the API: {error}");
        return (StatusCode::SERVICE_UNAVAILABLE, "not confirmed");
    }
    // The durable guard: an order already fulfilled is never fulfilled again, even
    // after a restart that emptied the in-memory ReplayGuard.
    let mut orders = shop.orders.lock().unwrap();
    let order = notification.shop_order_id().and_then(|id| orders.get_mut(id));
    if let Some(order) = order.filter(|order| order.fulfilled == 0) {
        order.fulfilled += 1;
        println!("order {} paid and confirmed: shipping it", order.expected.shop_order_id);
    }
    (StatusCode::OK, CALLBACK_REPLY_OK)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::start(([127, 0, 0, 1], 0).into(), SandboxConfig::default()).await?;
    let shop_id = ShopId::new(feennex_sandbox::DEFAULT_SHOP_ID).ok_or("shop id")?;
    let merchant = Merchant::new(shop_id, SecretKey::new(feennex_sandbox::DEFAULT_SECRET))
        .with_base_url(sandbox.base_url().parse()?);
    let client = Client::new(merchant)?;
    let shop = Arc::new(Shop {
        client: client.clone(),
        secret: SecretKey::new(feennex_sandbox::DEFAULT_SECRET),
        // The sandbox calls from this machine; in production, name Feennex's addresses.
        senders: SenderCheck::AllowList(vec!["127.0.0.1".parse()?]),
        orders: Mutex::new(HashMap::new()),
        replays: Mutex::new(ReplayGuard::new(10_000)),
        last_body: Mutex::new(None),
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let callback_url = format!("http://{}/feennex/callback", listener.local_addr()?);
    let app = Router::new().route("/feennex/callback", post(callback)).with_state(shop.clone());
    tokio::spawn(async move {
        axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await
    });

    let order_id = ShopOrderId::new("order-1001")?;
    shop.orders.lock().unwrap().insert(
        order_id.as_str().to_owned(),
        Order {
            expected: ExpectedOrder {
                shop_id,
                shop_order_id: order_id.clone(),
                amount: "25.00".parse()?,
                currency: Currency::USD,
            },
            fulfilled: 0,
            repeats_seen: 0,
        },
    );
    let bill = client
        .call(
            &BillCreate::builder()
                .payer_currency(Currency::USD)
                .shop_amount("25".parse()?)
                .shop_currency(Currency::USD)
                .shop_order_id(order_id.clone())
                .description("Order 1001".to_owned())
                .urls(PaymentUrls::default().callback_url(callback_url.clone()))
                .build(),
        )
        .await?;
    println!("bill {} created; the payer would go to {}", bill.id, bill.url);

    let base_url = sandbox.base_url().to_owned();
    feennex_sandbox::finish_payment(&base_url, PaymentKind::Bill, bill.id, true).await?;
    let fulfilled = |shop: &Shop| shop.orders.lock().unwrap()[order_id.as_str()].fulfilled;
    for _ in 0..100 {
        if fulfilled(&shop) > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    if fulfilled(&shop) != 1 {
        return Err("the callback did not arrive".into());
    }

    // Someone replays the captured callback: answered OK, not acted on.
    let (content_type, body) = shop.last_body.lock().unwrap().clone().ok_or("no body")?;
    let replay = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<http_body_util::Full<Bytes>>()
        .request(
            http::Request::post(&callback_url)
                .header(CONTENT_TYPE, content_type)
                .body(http_body_util::Full::new(body))?,
        )
        .await?;
    let repeats = shop.orders.lock().unwrap()[order_id.as_str()].repeats_seen;
    if replay.status() != StatusCode::OK || repeats != 1 || fulfilled(&shop) != 1 {
        return Err("the replayed callback was not recognised".into());
    }
    println!("the replayed callback was recognised and answered OK; the order shipped once");
    Ok(())
}
