//! What a sandbox starts with: shops, money rules, timing and faults.
//!
//! Every default is written here and in the README, so that tests can compute the
//! expected write-offs by hand.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;
use std::time::Duration;

use feennex_proto::{
    SecretKey,
    prelude::{Currency, Decimal},
};

use crate::faults::FaultConfig;
use crate::payways::{InvoicePayway, PaywayError, WithdrawPayway, payways_named};

/// Id of the shop that [`SandboxConfig::default`] creates.
pub const DEFAULT_SHOP_ID: u64 = 1;

/// Secret key of the shop that [`SandboxConfig::default`] creates.
pub const DEFAULT_SECRET: &str = "sandbox-secret";

/// Balance every shop gets in each of 840, 978 and 643 unless told otherwise.
pub const DEFAULT_BALANCE: i64 = 1_000_000;

/// The whole configuration of a sandbox.
///
/// `SandboxConfig::default()` is a working sandbox: shop [`DEFAULT_SHOP_ID`] with
/// secret [`DEFAULT_SECRET`] and [`DEFAULT_BALANCE`] in USD, EUR and RUB, no fees
/// on wallet transfers, the payways listed in [`WithdrawPayway::defaults`] and
/// [`InvoicePayway::defaults`], offered to every shop, callbacks sent from the
/// address the system picks, and no faults.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SandboxConfig {
    /// The shops that exist, each with its secret and opening balances.
    pub shops: Vec<ShopConfig>,
    /// Value of one unit of each currency in US dollars; a conversion between two
    /// currencies divides one value by the other. A currency missing here cannot be
    /// exchanged (error 16) except into itself.
    pub rates_in_usd: BTreeMap<Currency, Decimal>,
    /// Fee in percent on wallet transfers (`transfer/*`), default 0.
    pub transfer_fee_percent: Decimal,
    /// Fee in percent a bill payer pays on top of the shop's amount, default 0.
    pub bill_fee_percent: Decimal,
    /// Payout methods of `withdraw/*` and `check_account` (those a shop may use
    /// are in [`ShopConfig::payways`]).
    pub withdraw_payways: Vec<WithdrawPayway>,
    /// Payment methods of `invoice/*` and of the hosted pay page.
    pub invoice_payways: Vec<InvoicePayway>,
    /// How fast withdrawals move from status to status.
    pub withdrawal_pace: WithdrawalPace,
    /// Faults injected into API answers.
    pub faults: FaultConfig,
    /// How callbacks of payments are delivered and re-delivered.
    pub callbacks: CallbackRetry,
    /// How long a client may take to send a request; slower connections are closed.
    pub read_timeouts: ReadTimeouts,
    /// The local address callbacks are sent from; `None` lets the system pick one
    /// (127.0.0.1 for a shop on loopback). Another loopback address such as
    /// 127.0.0.2 lets a shop's sender allow-list be tested both ways.
    pub callback_source: Option<IpAddr>,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            shops: vec![ShopConfig::new(DEFAULT_SHOP_ID, SecretKey::new(DEFAULT_SECRET))],
            rates_in_usd: default_rates(),
            transfer_fee_percent: Decimal::ZERO,
            bill_fee_percent: Decimal::ZERO,
            withdraw_payways: WithdrawPayway::defaults(),
            invoice_payways: InvoicePayway::defaults(),
            withdrawal_pace: WithdrawalPace::default(),
            faults: FaultConfig::default(),
            callbacks: CallbackRetry::default(),
            read_timeouts: ReadTimeouts::default(),
            callback_source: None,
        }
    }
}

impl SandboxConfig {
    /// Replaces the shops.
    pub fn with_shops(mut self, shops: Vec<ShopConfig>) -> Self {
        self.shops = shops;
        self
    }

    /// Replaces the fault configuration.
    pub fn with_faults(mut self, faults: FaultConfig) -> Self {
        self.faults = faults;
        self
    }

    /// Replaces the withdrawal pace.
    pub fn with_withdrawal_pace(mut self, pace: WithdrawalPace) -> Self {
        self.withdrawal_pace = pace;
        self
    }

    /// Replaces the callback delivery timing.
    pub fn with_callbacks(mut self, callbacks: CallbackRetry) -> Self {
        self.callbacks = callbacks;
        self
    }

    /// Replaces the read timeouts.
    pub fn with_read_timeouts(mut self, timeouts: ReadTimeouts) -> Self {
        self.read_timeouts = timeouts;
        self
    }

    /// Sends callbacks from this local address (see [`SandboxConfig::callback_source`]).
    pub fn with_callback_source(mut self, address: IpAddr) -> Self {
        self.callback_source = Some(address);
        self
    }

    /// Offers payways by name from the catalogues ([`InvoicePayway::catalogue`],
    /// [`WithdrawPayway::catalogue`]): each `(None, name)` to every shop, each
    /// `(Some(id), name)` to shop `id` only. A shop named in none of them keeps
    /// the defaults; a shop named in some is offered exactly those. The payway
    /// lists become the catalogue's entries for the defaults and the names given
    /// (set payways of your own after this call). Without any choice nothing
    /// changes.
    pub fn with_payways<'a>(
        mut self,
        choices: impl IntoIterator<Item = (Option<u64>, &'a str)>,
    ) -> Result<Self, PaywayError> {
        let choices: Vec<(Option<u64>, &str)> = choices.into_iter().collect();
        if choices.is_empty() {
            return Ok(self);
        }
        if let Some(id) = choices
            .iter()
            .filter_map(|(shop, _)| *shop)
            .find(|id| !self.shops.iter().any(|shop| shop.id == *id))
        {
            return Err(PaywayError::NoSuchShop(id));
        }
        let defaults: Vec<String> = InvoicePayway::defaults()
            .into_iter()
            .map(|payway| payway.alias)
            .chain(WithdrawPayway::defaults().into_iter().map(|payway| payway.alias))
            .collect();
        let named = choices.iter().map(|(_, name)| *name);
        let (invoices, withdrawals) =
            payways_named(defaults.iter().map(String::as_str).chain(named))?;
        self.invoice_payways = invoices;
        self.withdraw_payways = withdrawals;
        for shop in &mut self.shops {
            let offered: BTreeSet<String> = choices
                .iter()
                .filter(|(for_shop, _)| for_shop.is_none_or(|id| id == shop.id))
                .map(|(_, name)| (*name).to_owned())
                .collect();
            shop.payways =
                Some(if offered.is_empty() { defaults.iter().cloned().collect() } else { offered });
        }
        Ok(self)
    }

    /// Checks what the server relies on: unique shop ids, non-empty secrets,
    /// non-negative balances and fees, payways that exist, a callback source
    /// address of this machine, valid fault probabilities.
    pub(crate) fn validate(&self) -> Result<(), String> {
        let mut seen = std::collections::BTreeSet::new();
        for shop in &self.shops {
            if !seen.insert(shop.id) {
                return Err(format!("shop {} is configured twice", shop.id));
            }
            if shop.secret.is_empty() {
                return Err(format!("shop {} has an empty secret", shop.id));
            }
            if let Some((currency, _)) = shop.balances.iter().find(|(_, v)| v.is_sign_negative()) {
                return Err(format!("shop {} has a negative balance in {currency}", shop.id));
            }
            let defined = |name: &str| {
                self.invoice_payways.iter().any(|payway| payway.alias == name)
                    || self.withdraw_payways.iter().any(|payway| payway.alias == name)
            };
            if let Some(name) = shop.payways.iter().flatten().find(|name| !defined(name)) {
                return Err(format!(
                    "shop {} is offered payway {name:?}, which is not configured",
                    shop.id
                ));
            }
        }
        if let Some(address) = self.callback_source
            && std::net::UdpSocket::bind((address, 0)).is_err()
        {
            return Err(format!(
                "callbacks cannot be sent from {address}: it is not an address of this machine"
            ));
        }
        if self.rates_in_usd.values().any(|rate| *rate <= Decimal::ZERO) {
            return Err("exchange rates must be positive".to_owned());
        }
        let fees = [self.transfer_fee_percent, self.bill_fee_percent]
            .into_iter()
            .chain(self.withdraw_payways.iter().map(|p| p.fee_percent))
            .chain(self.invoice_payways.iter().map(|p| p.fee_percent));
        if fees.into_iter().any(|fee| fee.is_sign_negative()) {
            return Err("fees must not be negative".to_owned());
        }
        if self.read_timeouts.headers.is_zero() || self.read_timeouts.body.is_zero() {
            return Err("read timeouts must be longer than zero".to_owned());
        }
        self.faults.validate()
    }
}

/// Default exchange rates, as the value of one unit in US dollars:
/// USD 1, EUR 1.07, RUB 0.011.
pub fn default_rates() -> BTreeMap<Currency, Decimal> {
    BTreeMap::from([
        (Currency::USD, Decimal::ONE),
        (Currency::EUR, Decimal::new(107, 2)),
        (Currency::RUB, Decimal::new(11, 3)),
    ])
}

/// One shop: its id, its secret key, its opening balances and its payways.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ShopConfig {
    /// The `shop_id`.
    pub id: u64,
    /// The key requests are signed with, and callbacks are signed with.
    pub secret: SecretKey,
    /// Opening available balance per currency.
    pub balances: BTreeMap<Currency, Decimal>,
    /// The payways the shop may use (their aliases); `None`: every configured one.
    /// Any other is answered with error 3.
    pub payways: Option<BTreeSet<String>>,
}

impl ShopConfig {
    /// A shop with [`DEFAULT_BALANCE`] in USD, EUR and RUB.
    pub fn new(id: u64, secret: SecretKey) -> Self {
        let balance = Decimal::from(DEFAULT_BALANCE);
        let balances = [Currency::USD, Currency::EUR, Currency::RUB]
            .into_iter()
            .map(|currency| (currency, balance))
            .collect();
        Self { id, secret, balances, payways: None }
    }

    /// Replaces all opening balances.
    pub fn with_balances(mut self, balances: BTreeMap<Currency, Decimal>) -> Self {
        self.balances = balances;
        self
    }

    /// Offers the shop only these payways (each must be configured).
    pub fn with_payways<S: Into<String>>(mut self, aliases: impl IntoIterator<Item = S>) -> Self {
        self.payways = Some(aliases.into_iter().map(Into::into).collect());
        self
    }
}

/// How withdrawals move from `New` to a final status.
///
/// The route depends on the account's last four characters, like test card numbers:
/// `0000` is rejected (New → PsProcessing → Rejected, funds return), `0004` passes
/// through PsProcessingError and `0009` through PsNetworkError before Success, any
/// other account goes New → PsProcessing → Success.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum WithdrawalPace {
    /// One step each time this much time has passed since creation (zero: final at once).
    Timed(Duration),
    /// One step each time a status call asks about the withdrawal; deterministic,
    /// for tests that want to see every status.
    PerStatusRequest,
}

impl Default for WithdrawalPace {
    /// One step per second.
    fn default() -> Self {
        WithdrawalPace::Timed(Duration::from_secs(1))
    }
}

/// How a payment's callback is delivered: again and again with a doubling pause
/// until the shop answers HTTP 200 with the body `OK`, at most `max_attempts` times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallbackRetry {
    /// Pause after the first failed attempt (doubles after each failure).
    pub first_delay: Duration,
    /// Longest pause between two attempts.
    pub max_delay: Duration,
    /// Attempts before giving up.
    pub max_attempts: u32,
    /// How long one attempt may take.
    pub attempt_timeout: Duration,
}

impl Default for CallbackRetry {
    /// 1 s, doubling up to 60 s, 10 attempts of at most 10 s each.
    fn default() -> Self {
        Self {
            first_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(60),
            max_attempts: 10,
            attempt_timeout: Duration::from_secs(10),
        }
    }
}

impl CallbackRetry {
    /// A retry policy with the given pauses and attempt count.
    pub fn new(first_delay: Duration, max_delay: Duration, max_attempts: u32) -> Self {
        Self { first_delay, max_delay, max_attempts, ..Self::default() }
    }
}

/// How long a client may take to send a request. A connection that has not sent
/// a complete request head within `headers` (counted from the connection, or from
/// the end of the previous answer: idle kept-alive connections included), or the
/// whole body within `body` after its head, is closed without an answer, so that
/// slow or stalled clients cannot hold the sandbox's connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReadTimeouts {
    /// Time allowed for the request line and headers.
    pub headers: Duration,
    /// Time allowed for the body once the headers are in.
    pub body: Duration,
}

impl Default for ReadTimeouts {
    /// 30 s for the headers, 30 s for the body. Longer than the blocking client
    /// keeps an idle connection (15 s), so that it drops its idle connections first.
    fn default() -> Self {
        Self { headers: Duration::from_secs(30), body: Duration::from_secs(30) }
    }
}

impl ReadTimeouts {
    /// These timeouts (each longer than zero).
    pub fn new(headers: Duration, body: Duration) -> Self {
        Self { headers, body }
    }
}
