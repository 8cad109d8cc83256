//! Whether the database still answers: every statement has a deadline on this
//! side (a frozen server enforces nothing), and the first failure makes the store
//! refuse everything after it, so a worker stops at once instead of waiting on
//! each call in turn.

use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use crate::store::StoreError;

/// The store's state, shared by the tasks that use its connections.
#[derive(Debug, Clone)]
pub(super) struct Health {
    broken: Arc<Mutex<Option<String>>>,
    /// Told when the store breaks, so a run can stop without waiting on anything.
    told: Arc<tokio::sync::watch::Sender<bool>>,
    timeout: Duration,
}

impl Health {
    /// Statements that take longer than `timeout` break the store.
    pub(super) fn new(timeout: Duration) -> Self {
        let (told, _) = tokio::sync::watch::channel(false);
        Self { broken: Arc::new(Mutex::new(None)), told: Arc::new(told), timeout }
    }

    /// Resolves with why once the store is broken.
    pub(super) async fn broken(&self) -> StoreError {
        let mut told = self.told.subscribe();
        let _ = told.wait_for(|broken| *broken).await;
        match self.check() {
            Err(error) => error,
            Ok(()) => StoreError::Database("the store stopped".into()),
        }
    }

    /// How long a statement may take.
    pub(super) fn timeout(&self) -> Duration {
        self.timeout
    }

    /// An error if the store is broken.
    pub(super) fn check(&self) -> Result<(), StoreError> {
        match &*self.broken.lock().unwrap_or_else(PoisonError::into_inner) {
            Some(why) => Err(StoreError::Database(why.clone())),
            None => Ok(()),
        }
    }

    /// Marks the store broken (the first reason stays) and gives the error.
    pub(super) fn fail(&self, why: String) -> StoreError {
        self.broken.lock().unwrap_or_else(PoisonError::into_inner).get_or_insert(why.clone());
        self.told.send_replace(true);
        StoreError::Database(why)
    }

    /// The answer to a statement, `doing` saying what it was for: a database error
    /// or no answer within the timeout breaks the store.
    pub(super) async fn answer<T>(
        &self,
        doing: &str,
        statement: impl Future<Output = Result<T, tokio_postgres::Error>>,
    ) -> Result<T, StoreError> {
        self.check()?;
        match tokio::time::timeout(self.timeout, statement).await {
            Ok(Ok(answer)) => Ok(answer),
            Ok(Err(error)) => Err(self.fail(format!("{doing}: {}", database_message(&error)))),
            Err(_) => Err(self.fail(format!(
                "{doing}: the database did not answer within {} s",
                self.timeout.as_secs_f64()
            ))),
        }
    }
}

/// Takes the transaction-scoped advisory lock `key`, waiting for whoever holds it
/// by asking again (each ask bounded), never by a wait a frozen server would
/// make endless.
pub(super) async fn advisory_lock(
    transaction: &tokio_postgres::Transaction<'_>,
    key: i64,
    health: &Health,
    doing: &str,
) -> Result<(), StoreError> {
    // Short waits: a worker waiting for another's registration starts paying
    // soon after it ends; an ask costs the server next to nothing.
    let mut wait = Duration::from_millis(5);
    while !try_advisory_lock(transaction, key, health, doing).await? {
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(Duration::from_millis(20));
    }
    Ok(())
}

/// Takes the transaction-scoped advisory lock `key` if no one holds it.
pub(super) async fn try_advisory_lock(
    transaction: &tokio_postgres::Transaction<'_>,
    key: i64,
    health: &Health,
    doing: &str,
) -> Result<bool, StoreError> {
    let asked = health
        .answer(doing, transaction.query_one("SELECT pg_try_advisory_xact_lock($1)", &[&key]))
        .await?;
    Ok(asked.get(0))
}

/// What a database error says. The text names no password: the connection
/// string is not in it.
pub(super) fn database_message(error: &tokio_postgres::Error) -> String {
    match error.as_db_error() {
        Some(db) => db.message().to_owned(),
        None => match std::error::Error::source(error) {
            Some(cause) => format!("{error}: {cause}"),
            None => error.to_string(),
        },
    }
}
