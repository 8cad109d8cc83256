//! The state shared by every request of one sandbox.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use feennex_proto::{
    SecretKey,
    prelude::{Currency, Decimal, ErrorCode},
};
use tokio::sync::watch;

use crate::config::{CallbackRetry, InvoicePayway, SandboxConfig, WithdrawPayway, WithdrawalPace};
use crate::faults::Faults;
use crate::ledger::Ledger;
use crate::money::{Rates, Split, split};
use crate::reply::ApiFailure;

/// One running sandbox's configuration and state.
#[derive(Debug)]
pub(crate) struct App {
    pub(crate) secrets: HashMap<u64, SecretKey>,
    pub(crate) rates: Rates,
    pub(crate) transfer_fee_percent: Decimal,
    pub(crate) bill_fee_percent: Decimal,
    pub(crate) withdraw_payways: Vec<WithdrawPayway>,
    pub(crate) invoice_payways: Vec<InvoicePayway>,
    pub(crate) pace: WithdrawalPace,
    pub(crate) callback_retry: CallbackRetry,
    pub(crate) base_url: String,
    ledger: Mutex<Ledger>,
    faults: Mutex<Faults>,
    pub(crate) shutdown: watch::Receiver<bool>,
}

impl App {
    pub(crate) fn new(
        config: SandboxConfig,
        base_url: String,
        shutdown: watch::Receiver<bool>,
    ) -> Arc<Self> {
        Arc::new(Self {
            secrets: config.shops.iter().map(|shop| (shop.id, shop.secret.clone())).collect(),
            ledger: Mutex::new(Ledger::new(&config.shops)),
            rates: Rates::new(config.rates_in_usd),
            transfer_fee_percent: config.transfer_fee_percent,
            bill_fee_percent: config.bill_fee_percent,
            withdraw_payways: config.withdraw_payways,
            invoice_payways: config.invoice_payways,
            pace: config.withdrawal_pace,
            callback_retry: config.callbacks,
            base_url,
            faults: Mutex::new(Faults::new(config.faults)),
            shutdown,
        })
    }

    /// The ledger, with timed withdrawals moved forward to the present.
    pub(crate) fn ledger(&self) -> MutexGuard<'_, Ledger> {
        // A panic while holding the lock cannot leave money half-moved: every
        // operation checks before it changes anything.
        let mut ledger = self.ledger.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        ledger.advance_withdrawals(self.pace, Instant::now());
        ledger
    }

    pub(crate) fn faults(&self) -> MutexGuard<'_, Faults> {
        self.faults.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The value of one unit of `from` in `to`, or error 16.
    pub(crate) fn rate(&self, from: Currency, to: Currency) -> Result<Decimal, ApiFailure> {
        self.rates.rate(from, to).ok_or_else(|| {
            ApiFailure::new(
                ErrorCode::InvalidCurrencyExchange,
                format!("Currency exchange {from} -> {to} is not available"),
            )
        })
    }

    /// Both sides of an amount, refusing amounts that round to nothing.
    pub(crate) fn split(
        &self,
        amount: Decimal,
        amount_is_write_off: bool,
        rate: Decimal,
        fee_percent: Decimal,
    ) -> Result<Split, ApiFailure> {
        let parts = split(amount, amount_is_write_off, rate, fee_percent).ok_or_else(|| {
            ApiFailure::new(ErrorCode::AmountTooLarge, "Amount is too large to convert")
        })?;
        if parts.receive <= Decimal::ZERO || parts.write_off <= Decimal::ZERO {
            return Err(ApiFailure::new(
                ErrorCode::AmountTooSmall,
                "Payer price amount is too small, min: 0.01",
            ));
        }
        Ok(parts)
    }

    pub(crate) fn withdraw_payway(&self, alias: &str) -> Option<&WithdrawPayway> {
        self.withdraw_payways.iter().find(|payway| payway.alias == alias)
    }

    pub(crate) fn invoice_payway(&self, alias: &str) -> Option<(usize, &InvoicePayway)> {
        self.invoice_payways.iter().enumerate().find(|(_, payway)| payway.alias == alias)
    }
}

/// Error 3 for a payway the sandbox does not offer.
pub(crate) fn payway_not_available(alias: &str) -> ApiFailure {
    ApiFailure::new(
        ErrorCode::PaywayNotAvailable,
        format!("Payway (alias = {alias}) is not available for shop"),
    )
}

/// Errors 4 and 5 for an amount outside a payway's limits.
pub(crate) fn check_limits(amount: Decimal, min: Decimal, max: Decimal) -> Result<(), ApiFailure> {
    use crate::money::python_text;
    if amount < min {
        Err(ApiFailure::new(
            ErrorCode::AmountTooSmall,
            format!("Payer price amount is too small, min: {}", python_text(min)),
        ))
    } else if amount > max {
        Err(ApiFailure::new(
            ErrorCode::AmountTooLarge,
            format!("Payer price amount is too large, max: {}", python_text(max)),
        ))
    } else {
        Ok(())
    }
}
