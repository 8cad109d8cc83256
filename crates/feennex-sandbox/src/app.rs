//! The state shared by every request of one sandbox.

use std::collections::{BTreeSet, HashMap};
use std::net::IpAddr;
use std::ops::{Deref, DerefMut};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use feennex_proto::{
    SecretKey,
    prelude::{Currency, Decimal, ErrorCode},
};
use tokio::sync::watch;

use crate::config::{CallbackRetry, SandboxConfig, WithdrawalPace};
use crate::faults::Faults;
use crate::ledger::Ledger;
use crate::money::{Rates, Split, split};
use crate::payways::{InvoicePayway, WithdrawPayway};
use crate::reply::ApiFailure;

/// One running sandbox's configuration and state.
#[derive(Debug)]
pub(crate) struct App {
    pub(crate) secrets: HashMap<u64, SecretKey>,
    /// The payways of the shops that are not offered every configured one.
    offered_payways: HashMap<u64, BTreeSet<String>>,
    pub(crate) rates: Rates,
    pub(crate) transfer_fee_percent: Decimal,
    pub(crate) bill_fee_percent: Decimal,
    pub(crate) withdraw_payways: Vec<WithdrawPayway>,
    pub(crate) invoice_payways: Vec<InvoicePayway>,
    pub(crate) pace: WithdrawalPace,
    pub(crate) callback_retry: CallbackRetry,
    pub(crate) callback_source: Option<IpAddr>,
    pub(crate) base_url: String,
    ledger: Mutex<Ledger>,
    faults: Mutex<Faults>,
    /// A number that grows whenever the ledger or the faults change, for the
    /// dashboard's live updates.
    revision: watch::Sender<u64>,
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
            offered_payways: config
                .shops
                .iter()
                .filter_map(|shop| Some((shop.id, shop.payways.clone()?)))
                .collect(),
            ledger: Mutex::new(Ledger::new(&config.shops)),
            rates: Rates::new(config.rates_in_usd),
            transfer_fee_percent: config.transfer_fee_percent,
            bill_fee_percent: config.bill_fee_percent,
            withdraw_payways: config.withdraw_payways,
            invoice_payways: config.invoice_payways,
            pace: config.withdrawal_pace,
            callback_retry: config.callbacks,
            callback_source: config.callback_source,
            base_url,
            faults: Mutex::new(Faults::new(config.faults)),
            revision: watch::Sender::new(0),
            shutdown,
        })
    }

    /// The ledger, with timed withdrawals moved forward to the present. Whoever
    /// changes it through the guard announces a new revision when letting go.
    pub(crate) fn ledger(&self) -> LedgerGuard<'_> {
        // A panic while holding the lock cannot leave money half-moved: every
        // operation checks before it changes anything.
        let mut ledger = self.ledger.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let moved = ledger.advance_withdrawals(self.pace, Instant::now());
        LedgerGuard { ledger, revision: &self.revision, changed: moved }
    }

    pub(crate) fn faults(&self) -> MutexGuard<'_, Faults> {
        self.faults.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Announces a change that did not go through the ledger (fault settings and
    /// counts).
    pub(crate) fn announce_change(&self) {
        self.revision.send_modify(|revision| *revision += 1);
    }

    /// The current revision, and a receiver that wakes at each new one.
    pub(crate) fn revisions(&self) -> watch::Receiver<u64> {
        self.revision.subscribe()
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

    /// Whether the shop may use the payway.
    fn offers(&self, shop_id: u64, alias: &str) -> bool {
        self.offered_payways.get(&shop_id).is_none_or(|offered| offered.contains(alias))
    }

    /// A payout payway the shop may use, or error 3.
    pub(crate) fn withdraw_payway(
        &self,
        shop_id: u64,
        alias: &str,
    ) -> Result<&WithdrawPayway, ApiFailure> {
        self.withdraw_payways
            .iter()
            .find(|payway| payway.alias == alias && self.offers(shop_id, alias))
            .ok_or_else(|| payway_not_available(alias))
    }

    /// A payment payway the shop may use, with its place in the list, or error 3.
    pub(crate) fn invoice_payway(
        &self,
        shop_id: u64,
        alias: &str,
    ) -> Result<(usize, &InvoicePayway), ApiFailure> {
        self.invoice_payways
            .iter()
            .enumerate()
            .find(|(_, payway)| payway.alias == alias && self.offers(shop_id, alias))
            .ok_or_else(|| payway_not_available(alias))
    }

    /// Every payment payway the shop may use.
    pub(crate) fn invoice_payways_of(&self, shop_id: u64) -> impl Iterator<Item = &InvoicePayway> {
        self.invoice_payways.iter().filter(move |payway| self.offers(shop_id, &payway.alias))
    }
}

/// The locked ledger. Changing it through the guard (any `&mut` use, or
/// withdrawals moving on) announces a new revision when the guard is dropped.
pub(crate) struct LedgerGuard<'a> {
    ledger: MutexGuard<'a, Ledger>,
    revision: &'a watch::Sender<u64>,
    changed: bool,
}

impl Deref for LedgerGuard<'_> {
    type Target = Ledger;

    fn deref(&self) -> &Ledger {
        &self.ledger
    }
}

impl DerefMut for LedgerGuard<'_> {
    fn deref_mut(&mut self) -> &mut Ledger {
        self.changed = true;
        &mut self.ledger
    }
}

impl Drop for LedgerGuard<'_> {
    fn drop(&mut self) {
        if self.changed {
            self.revision.send_modify(|revision| *revision += 1);
        }
    }
}

/// Error 3 for a payway the sandbox does not offer the shop.
fn payway_not_available(alias: &str) -> ApiFailure {
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
