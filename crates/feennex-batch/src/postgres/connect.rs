//! Connections to the database: TLS as the URL's `sslmode` says, a deadline on
//! connecting, TCP keepalives and a TCP user timeout (a link cut is noticed),
//! server-side statement and lock timeouts.

use std::str::FromStr;
use std::time::Duration;

use tokio_postgres::config::SslMode as DriverSslMode;
use tokio_postgres::{Client, Config, NoTls};

use super::health::{Health, database_message};
use super::tls::{MakeRustls, SslMode, split_settings};
use crate::store::StoreError;

/// Where the store is and how to reach it.
#[derive(Debug, Clone)]
pub(super) struct Target {
    config: Config,
    /// `None` for `sslmode=disable`.
    tls: Option<MakeRustls>,
}

impl Target {
    /// Reads `url` (a `postgres://` URL or key=value string). Its text never
    /// appears in an error: it may hold a password.
    pub(super) fn parse(url: &str, timeout: Duration) -> Result<Self, StoreError> {
        let (url, tls) = split_settings(url)?;
        let mut config = Config::from_str(&url)
            .map_err(|_| StoreError::Database("the store URL is not a PostgreSQL URL".into()))?;
        config.ssl_mode(match tls.mode {
            SslMode::Disable => DriverSslMode::Disable,
            SslMode::Prefer => DriverSslMode::Prefer,
            SslMode::Require | SslMode::VerifyCa | SslMode::VerifyFull => DriverSslMode::Require,
        });
        let tls = match tls.mode {
            SslMode::Disable => None,
            _ => Some(MakeRustls::new(&tls)?),
        };
        let millis = timeout.as_millis().max(1);
        let options = config.get_options().map(|given| format!("{given} ")).unwrap_or_default();
        // The kernel counts keepalive times in whole seconds, at least one.
        let idle = Duration::from_secs(timeout.as_secs().max(1));
        config
            .connect_timeout(timeout)
            .application_name("feennex-batch")
            .keepalives(true)
            .keepalives_idle(idle)
            .keepalives_interval(Duration::from_secs(1))
            .keepalives_retries(3)
            .tcp_user_timeout(timeout)
            // Statements are prepared once but planned for their values each time
            // (the outcome writers, whose one statement looks rows up by key, set
            // otherwise): a plan cached for any batch could scan every batch's
            // rows. No bitmap scans: when statistics make a batch's open rows look
            // rare (a batch registered after them, a table of paid ones), a claim
            // of a few rows would read every open row of the batch and sort them,
            // each time; the primary key gives them in order.
            .options(format!(
                "{options}-c statement_timeout={millis} -c lock_timeout={millis} -c idle_in_transaction_session_timeout={} -c plan_cache_mode=force_custom_plan -c enable_bitmapscan=off",
                millis * 4
            ));
        Ok(Self { config, tls })
    }

    /// A new connection, its task spawned on the runtime.
    pub(super) async fn connect(&self, health: &Health) -> Result<Client, StoreError> {
        let timeout = || {
            StoreError::Database(format!(
                "the database did not answer within {} s",
                health.timeout().as_secs_f64()
            ))
        };
        let failed = |error: tokio_postgres::Error| StoreError::Database(database_message(&error));
        let client = match &self.tls {
            None => {
                let connecting = self.config.connect(NoTls);
                let (client, connection) = tokio::time::timeout(health.timeout(), connecting)
                    .await
                    .map_err(|_| timeout())?
                    .map_err(failed)?;
                tokio::spawn(async move {
                    let _ = connection.await;
                });
                client
            }
            Some(tls) => {
                let connecting = self.config.connect(tls.clone());
                let (client, connection) = tokio::time::timeout(health.timeout(), connecting)
                    .await
                    .map_err(|_| timeout())?
                    .map_err(failed)?;
                tokio::spawn(async move {
                    let _ = connection.await;
                });
                client
            }
        };
        Ok(client)
    }
}
