//! Connections to the database: a deadline on connecting, TCP keepalives and a
//! TCP user timeout (a link cut is noticed), server-side statement and lock
//! timeouts.

use std::str::FromStr;
use std::time::Duration;

use tokio_postgres::{Client, Config, NoTls};

use super::health::{Health, database_message};
use crate::store::StoreError;

/// Where the store is and how to reach it.
#[derive(Debug, Clone)]
pub(super) struct Target {
    config: Config,
}

impl Target {
    /// Reads `url` (a `postgres://` URL or key=value string). Its text never
    /// appears in an error: it may hold a password.
    pub(super) fn parse(url: &str, timeout: Duration) -> Result<Self, StoreError> {
        let mut config = Config::from_str(url)
            .map_err(|_| StoreError::Database("the store URL is not a PostgreSQL URL".into()))?;
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
            .options(format!(
                "{options}-c statement_timeout={millis} -c lock_timeout={millis} -c idle_in_transaction_session_timeout={}",
                millis * 4
            ));
        Ok(Self { config })
    }

    /// A new connection, its task spawned on the runtime.
    pub(super) async fn connect(&self, health: &Health) -> Result<Client, StoreError> {
        let connecting = tokio::time::timeout(health.timeout(), self.config.connect(NoTls));
        let (client, connection) = match connecting.await {
            Ok(Ok(connected)) => connected,
            Ok(Err(error)) => return Err(StoreError::Database(database_message(&error))),
            Err(_) => {
                return Err(StoreError::Database(format!(
                    "the database did not answer within {} s",
                    health.timeout().as_secs_f64()
                )));
            }
        };
        tokio::spawn(async move {
            let _ = connection.await;
        });
        Ok(client)
    }
}
