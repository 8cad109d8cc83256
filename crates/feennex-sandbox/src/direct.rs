//! Answering API requests without a socket: the same endpoint code the server
//! runs, for fuzzing and property tests of request handling.

use std::sync::Arc;

use tokio::sync::watch;

use crate::app::App;
use crate::config::SandboxConfig;

/// A sandbox's API without the HTTP server: each request body goes straight to
/// the endpoint code the server runs and comes back as the envelope text it would
/// send (without injected faults).
#[doc(hidden)]
#[derive(Debug)]
pub struct DirectSandbox {
    app: Arc<App>,
    /// Held so that the state never sees a shutdown.
    _shutdown: watch::Sender<bool>,
}

impl DirectSandbox {
    /// A fresh sandbox state with `config`.
    pub fn new(config: SandboxConfig) -> Self {
        let (shutdown, receiver) = watch::channel(false);
        let app = App::new(config, "http://127.0.0.1:0".to_owned(), receiver);
        Self { app, _shutdown: shutdown }
    }

    /// The envelope text the endpoint at `path` (such as `/transfer/create`)
    /// answers to `body`; `None` when `path` is not an API endpoint.
    pub fn answer(&self, path: &str, body: &[u8]) -> Option<String> {
        crate::api::answer_path(&self.app, path, body)
    }

    /// The path of every API endpoint.
    pub fn paths() -> impl Iterator<Item = &'static str> {
        crate::api::paths()
    }
}
