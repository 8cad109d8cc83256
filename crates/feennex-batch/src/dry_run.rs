//! A dry run: every row precalculated (`transfer/try`, `withdraw/try`), the
//! write-offs summed per currency and compared with the shop's balance. Nothing is
//! paid.

use std::collections::BTreeMap;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::SystemTime;

use feennex_proto::session::AsyncDriver;
use feennex_proto::{
    Error, Session,
    prelude::{Decimal, ShopBalance, Timestamp, TransferTry, WithdrawTry},
};

use crate::batch::{BatchError, BatchFile};
use crate::input::{Create, Row};
use crate::pool::{PoolError, RowHandler, for_each_row};

/// What a dry run found.
#[derive(Debug, Default, Clone, PartialEq)]
#[non_exhaustive]
pub struct DryRun {
    /// Rows precalculated.
    pub rows: u64,
    /// Rows the API refused, with their line and why.
    pub refused: Vec<(u64, String)>,
    /// What the shop would pay, per shop currency.
    pub write_offs: BTreeMap<u16, Decimal>,
    /// What the shop has available, per currency.
    pub available: BTreeMap<u16, Decimal>,
}

impl DryRun {
    /// The currencies whose balance is short, with by how much.
    pub fn shortfalls(&self) -> BTreeMap<u16, Decimal> {
        self.write_offs
            .iter()
            .filter_map(|(currency, total)| {
                let available = self.available.get(currency).copied().unwrap_or_default();
                (*total > available).then(|| (*currency, *total - available))
            })
            .collect()
    }

    /// Whether every row can be paid with the balance there is.
    pub fn is_payable(&self) -> bool {
        self.refused.is_empty() && self.shortfalls().is_empty()
    }
}

/// Precalculates every valid row, `concurrency` at a time, over `driver`, and asks
/// the balance. Must be called within a tokio runtime.
pub async fn dry_run<D: AsyncDriver>(
    session: Arc<Session>,
    driver: Arc<D>,
    batch: &BatchFile,
    concurrency: usize,
) -> Result<DryRun, DryRunError> {
    let quoter = Arc::new(Quoter {
        session: session.clone(),
        driver: driver.clone(),
        found: Mutex::new(DryRun::default()),
    });
    let stop = Arc::new(AtomicBool::new(false));
    match for_each_row(batch, concurrency, stop, quoter.clone()).await {
        Ok(()) => {}
        Err(PoolError::Batch(error)) => return Err(DryRunError::Batch(error)),
        Err(PoolError::Handler(never)) => match never {},
    }
    let now = Timestamp::try_from(SystemTime::now())
        .map_err(|error| Error::InvalidInput { field: "now", reason: Box::new(error) })?;
    let balances = driver.drive(session.call(&ShopBalance::new(now))?).await?;
    let mut found =
        std::mem::take(&mut *quoter.found.lock().unwrap_or_else(PoisonError::into_inner));
    found.available = balances
        .balances
        .into_iter()
        .map(|balance| (balance.currency.code(), balance.available))
        .collect();
    found.refused.sort();
    Ok(found)
}

/// A dry run could not finish.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DryRunError {
    /// The file could not be read again.
    #[error(transparent)]
    Batch(#[from] BatchError),
    /// The balance could not be asked.
    #[error("cannot read the balance: {}", .0.chain())]
    Balance(#[from] Error),
}

struct Quoter<D> {
    session: Arc<Session>,
    driver: Arc<D>,
    found: Mutex<DryRun>,
}

impl<D: AsyncDriver> RowHandler for Quoter<D> {
    type Error = std::convert::Infallible;

    async fn handle(&self, row: Row) -> Result<(), Self::Error> {
        let quote = match &row.create {
            Create::Transfer(create) => {
                let query = TransferTry::builder()
                    .amount(create.amount)
                    .amount_type(create.amount_type)
                    .payee_currency(create.payee_currency)
                    .shop_currency(create.shop_currency)
                    .build();
                match self.session.call(&query) {
                    Ok(prepared) => self
                        .driver
                        .drive(prepared)
                        .await
                        .map(|quote| (quote.write_off_amount, quote.shop_currency.code())),
                    Err(error) => Err(error),
                }
            }
            Create::Withdraw(create) => {
                let query = WithdrawTry::new(
                    create.amount,
                    create.amount_type,
                    create.payway.clone(),
                    create.shop_currency,
                );
                match self.session.call(&query) {
                    Ok(prepared) => self
                        .driver
                        .drive(prepared)
                        .await
                        .map(|quote| (quote.shop_write_off, quote.shop_currency.code())),
                    Err(error) => Err(error),
                }
            }
        };
        let mut found = self.found.lock().unwrap_or_else(PoisonError::into_inner);
        found.rows += 1;
        match quote {
            Ok((write_off, currency)) => {
                *found.write_offs.entry(currency).or_default() += write_off
            }
            Err(error) => {
                let message = match &error {
                    Error::Api(api) => api.message.clone(),
                    other => other.chain(),
                };
                found.refused.push((row.line, message));
            }
        }
        Ok(())
    }
}
