//! Serving connections: a tokio accept loop hands each connection to hyper's
//! HTTP/1 server, with the axum router as the service behind the fault injector.
//!
//! Connections are served here rather than by `axum::serve` because two faults must
//! kill a connection without answering; a service future that fails makes hyper
//! close the connection without writing a response, which is exactly that.

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::thread::JoinHandle;

use axum::Router;
use axum::body::Body;
use http::{Request, Response, StatusCode, header};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;
use tower::ServiceExt;

use crate::app::App;
use crate::config::{ReadTimeouts, SandboxConfig};
use crate::faults::FaultKind;

/// A running sandbox. It stops when [`Sandbox::shutdown`] is called or when it is
/// dropped.
pub struct Sandbox {
    local_addr: SocketAddr,
    base_url: String,
    shutdown: Option<watch::Sender<bool>>,
    thread: Option<JoinHandle<()>>,
}

impl fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sandbox").field("base_url", &self.base_url).finish_non_exhaustive()
    }
}

/// Why a sandbox could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// The configuration is inconsistent.
    #[error("invalid sandbox configuration: {0}")]
    Config(String),
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// The background runtime of [`Sandbox::spawn`] could not be built.
    #[error("cannot start the sandbox runtime: {0}")]
    Runtime(#[source] std::io::Error),
}

impl Sandbox {
    /// Starts a sandbox on `addr` inside the current tokio runtime (port 0 picks a
    /// free port; see [`Sandbox::base_url`]).
    pub async fn start(addr: SocketAddr, config: SandboxConfig) -> Result<Self, StartError> {
        config.validate().map_err(StartError::Config)?;
        let listener =
            TcpListener::bind(addr).await.map_err(|source| StartError::Bind { addr, source })?;
        let (sandbox, _task) = Self::launch_with_task(listener, config)?;
        Ok(sandbox)
    }

    /// Starts a sandbox on `addr` with its own tokio runtime on a background thread,
    /// for callers that are not async (blocking clients, command-line tools, tests).
    pub fn spawn(addr: SocketAddr, config: SandboxConfig) -> Result<Self, StartError> {
        config.validate().map_err(StartError::Config)?;
        let listener = std::net::TcpListener::bind(addr)
            .map_err(|source| StartError::Bind { addr, source })?;
        listener.set_nonblocking(true).map_err(|source| StartError::Bind { addr, source })?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("feennex-sandbox")
            .enable_all()
            .build()
            .map_err(StartError::Runtime)?;
        let listener = {
            let _guard = runtime.enter();
            TcpListener::from_std(listener).map_err(|source| StartError::Bind { addr, source })?
        };
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("feennex-sandbox".to_owned())
            .spawn(move || {
                runtime.block_on(async move {
                    let (sandbox, done) = match Self::launch_with_task(listener, config) {
                        Ok(pair) => pair,
                        Err(error) => {
                            let _ = ready_tx.send(Err(error));
                            return;
                        }
                    };
                    let _ = ready_tx.send(Ok(sandbox));
                    let _ = done.await;
                });
            })
            .map_err(StartError::Runtime)?;
        let mut sandbox = ready_rx.recv().map_err(|_| {
            StartError::Runtime(std::io::Error::other("the sandbox thread ended"))
        })??;
        sandbox.thread = Some(thread);
        Ok(sandbox)
    }

    fn launch_with_task(
        listener: TcpListener,
        config: SandboxConfig,
    ) -> Result<(Self, tokio::task::JoinHandle<()>), StartError> {
        let local_addr = listener.local_addr().map_err(|source| StartError::Bind {
            addr: SocketAddr::from(([0, 0, 0, 0], 0)),
            source,
        })?;
        let base_url = base_url_of(local_addr);
        let (shutdown_tx, shutdown_rx) = watch::channel(false);
        let timeouts = config.read_timeouts;
        let app = App::new(config, base_url.clone(), shutdown_rx.clone());
        let router = crate::api::routes().merge(crate::admin::routes()).with_state(app.clone());
        let task = tokio::spawn(accept_loop(listener, router, app, timeouts, shutdown_rx));
        let sandbox = Sandbox { local_addr, base_url, shutdown: Some(shutdown_tx), thread: None };
        Ok((sandbox, task))
    }

    /// The address the sandbox listens on, with the real port.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// `http://IP:PORT` of the sandbox, to use as the API base URL. When it listens
    /// on an unspecified address (`0.0.0.0`, `::`), the loopback address is given.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Stops accepting, closes every connection and stops callback deliveries. With
    /// [`Sandbox::spawn`], returns once the background thread has ended.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(true);
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.stop();
    }
}

fn base_url_of(addr: SocketAddr) -> String {
    let ip = match addr.ip() {
        ip if ip.is_unspecified() && ip.is_ipv4() => std::net::Ipv4Addr::LOCALHOST.into(),
        ip if ip.is_unspecified() => std::net::Ipv6Addr::LOCALHOST.into(),
        ip => ip,
    };
    format!("http://{}", SocketAddr::new(ip, addr.port()))
}

async fn accept_loop(
    listener: TcpListener,
    router: Router,
    app: Arc<App>,
    timeouts: ReadTimeouts,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let router = router.clone();
                    let app = app.clone();
                    connections.spawn(serve_connection(stream, router, app, timeouts));
                }
                // Out of file descriptors and the like: wait a little, keep serving.
                Err(_) => tokio::time::sleep(std::time::Duration::from_millis(20)).await,
            },
            _ = shutdown.changed() => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    connections.shutdown().await;
}

async fn serve_connection(
    stream: tokio::net::TcpStream,
    router: Router,
    app: Arc<App>,
    timeouts: ReadTimeouts,
) {
    let service = hyper::service::service_fn(move |request: Request<Incoming>| {
        let (router, app) = (router.clone(), app.clone());
        async move {
            match read_body(request, timeouts.body).await {
                Ok(request) => handle(router, app, request).await,
                Err(BodyError::TooLarge) => Ok(with_body(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "text/plain",
                    Body::from("the request body is too large"),
                )),
                Err(BodyError::SlowOrGone) => Err(DropConnection::SlowClient),
            }
        }
    });
    let _ = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(timeouts.headers)
        .serve_connection(TokioIo::new(stream), service)
        .await;
}

/// Largest request body the sandbox reads, as axum's default limit.
const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// Reads the whole body within `timeout`; a client too slow, or gone, loses its
/// connection.
async fn read_body(
    request: Request<Incoming>,
    timeout: std::time::Duration,
) -> Result<Request<Body>, BodyError> {
    let (parts, body) = request.into_parts();
    let limited = http_body_util::Limited::new(body, MAX_BODY_BYTES);
    match tokio::time::timeout(timeout, limited.collect()).await {
        Ok(Ok(collected)) => Ok(Request::from_parts(parts, Body::from(collected.to_bytes()))),
        Ok(Err(error)) if error.is::<http_body_util::LengthLimitError>() => {
            Err(BodyError::TooLarge)
        }
        Ok(Err(_)) | Err(_) => Err(BodyError::SlowOrGone),
    }
}

/// Why a request body was not read.
enum BodyError {
    /// It did not arrive in time, or the client went away.
    SlowOrGone,
    /// It is larger than [`MAX_BODY_BYTES`].
    TooLarge,
}

/// The error that makes hyper close a connection without answering.
#[derive(Debug)]
enum DropConnection {
    /// A fault asked for it.
    Fault,
    /// The client did not send its body in time.
    SlowClient,
}

impl fmt::Display for DropConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DropConnection::Fault => "connection dropped by fault injection",
            DropConnection::SlowClient => {
                "connection dropped: the request body did not arrive in time"
            }
        })
    }
}

impl std::error::Error for DropConnection {}

async fn handle(
    router: Router,
    app: Arc<App>,
    request: Request<Body>,
) -> Result<Response<Body>, DropConnection> {
    let fault = if request.uri().path().starts_with("/_sandbox/") {
        None
    } else {
        let mut faults = app.faults();
        faults.draw_for(request.uri().path()).map(|kind| (kind, faults.config().delay))
    };
    match fault {
        Some((FaultKind::DropBefore, _)) => return Err(DropConnection::Fault),
        Some((FaultKind::Http502, _)) => return Ok(bad_gateway()),
        _ => {}
    }
    let response = match router.oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    };
    match fault {
        None => Ok(response),
        Some((FaultKind::Delay, delay)) => {
            tokio::time::sleep(delay).await;
            Ok(response)
        }
        Some((FaultKind::Garbage, _)) => Ok(garbage()),
        Some((FaultKind::Truncate, _)) => Ok(truncated(response).await),
        Some(_) => Err(DropConnection::Fault),
    }
}

fn bad_gateway() -> Response<Body> {
    let page = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n\
                <center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n\
                </body>\r\n</html>\r\n";
    with_body(StatusCode::BAD_GATEWAY, "text/html", Body::from(page))
}

fn garbage() -> Response<Body> {
    let body = "\u{fffd}\u{0}sandbox garbage: this answer is not JSON }{";
    with_body(StatusCode::OK, "application/json", Body::from(body))
}

async fn truncated(response: Response<Body>) -> Response<Body> {
    let (parts, body) = response.into_parts();
    let bytes = body.collect().await.map(|c| c.to_bytes()).unwrap_or_default();
    let half = bytes.slice(..bytes.len() / 2);
    let mut response = Response::from_parts(parts, Body::from(half));
    response.headers_mut().remove(header::CONTENT_LENGTH);
    response
}

fn with_body(status: StatusCode, content_type: &'static str, body: Body) -> Response<Body> {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, header::HeaderValue::from_static(content_type));
    response
}
