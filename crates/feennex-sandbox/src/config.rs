//! What a sandbox starts with: shops, money rules, timing and faults.
//!
//! Every default is written here and in the README, so that tests can compute the
//! expected write-offs by hand.

use std::collections::BTreeMap;
use std::time::Duration;

use feennex_proto::{
    SecretKey,
    prelude::{Currency, Decimal},
};

use crate::faults::FaultConfig;

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
/// [`InvoicePayway::defaults`], and no faults.
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
    /// Payout methods of `withdraw/*` and `check_account`.
    pub withdraw_payways: Vec<WithdrawPayway>,
    /// Payment methods of `invoice/*`.
    pub invoice_payways: Vec<InvoicePayway>,
    /// How fast withdrawals move from status to status.
    pub withdrawal_pace: WithdrawalPace,
    /// Faults injected into API answers.
    pub faults: FaultConfig,
    /// How callbacks of payments are delivered and re-delivered.
    pub callbacks: CallbackRetry,
    /// How long a client may take to send a request; slower connections are closed.
    pub read_timeouts: ReadTimeouts,
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

    /// Checks what the server relies on: unique shop ids, non-empty secrets,
    /// non-negative balances and fees, valid fault probabilities.
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

/// One shop: its id, its secret key and its opening balances.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ShopConfig {
    /// The `shop_id`.
    pub id: u64,
    /// The key requests are signed with, and callbacks are signed with.
    pub secret: SecretKey,
    /// Opening available balance per currency.
    pub balances: BTreeMap<Currency, Decimal>,
}

impl ShopConfig {
    /// A shop with [`DEFAULT_BALANCE`] in USD, EUR and RUB.
    pub fn new(id: u64, secret: SecretKey) -> Self {
        let balance = Decimal::from(DEFAULT_BALANCE);
        let balances = [Currency::USD, Currency::EUR, Currency::RUB]
            .into_iter()
            .map(|currency| (currency, balance))
            .collect();
        Self { id, secret, balances }
    }

    /// Replaces all opening balances.
    pub fn with_balances(mut self, balances: BTreeMap<Currency, Decimal>) -> Self {
        self.balances = balances;
        self
    }
}

/// What an account of a payway must look like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AccountFormat {
    /// A bank card number: 13 to 19 digits.
    Card,
    /// A phone number: an optional `+` and 10 to 15 digits.
    Phone,
}

impl AccountFormat {
    /// Whether the account has this format.
    pub fn accepts(self, account: &str) -> bool {
        let digits = |text: &str, range: std::ops::RangeInclusive<usize>| {
            range.contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit())
        };
        match self {
            AccountFormat::Card => digits(account, 13..=19),
            AccountFormat::Phone => digits(account.strip_prefix('+').unwrap_or(account), 10..=15),
        }
    }

    /// The documented pattern, as `account_info_config` shows it.
    pub fn regex(self) -> &'static str {
        match self {
            AccountFormat::Card => r"^\d{13,19}$",
            AccountFormat::Phone => r"^\+?\d{10,15}$",
        }
    }

    /// An example account.
    pub fn example(self) -> &'static str {
        match self {
            AccountFormat::Card => "4111111111111111",
            AccountFormat::Phone => "+79001234567",
        }
    }
}

/// A payout method of `withdraw/*`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct WithdrawPayway {
    /// The alias sent as `payway`.
    pub alias: String,
    /// The currency the payee receives (`ps_currency`).
    pub currency: Currency,
    /// Fee in percent, paid by the shop on top of what the payee receives.
    pub fee_percent: Decimal,
    /// Smallest amount the payee may receive (error 4 below it).
    pub min: Decimal,
    /// Largest amount the payee may receive (error 5 above it).
    pub max: Decimal,
    /// Format of the `account`.
    pub account: AccountFormat,
}

impl WithdrawPayway {
    /// `card_usd` (840, 2 %, 10 to 10 000), `card_eur` (978, 2 %, 10 to 10 000),
    /// `card_rub` (643, 1.5 %, 100 to 600 000), `qiwi_rub` (643, 2.5 %, 10 to 15 000,
    /// phone numbers).
    pub fn defaults() -> Vec<Self> {
        let payway = |alias: &str, currency, fee, min: i64, max: i64, account| WithdrawPayway {
            alias: alias.to_owned(),
            currency,
            fee_percent: fee,
            min: Decimal::from(min),
            max: Decimal::from(max),
            account,
        };
        vec![
            payway("card_usd", Currency::USD, Decimal::new(2, 0), 10, 10_000, AccountFormat::Card),
            payway("card_eur", Currency::EUR, Decimal::new(2, 0), 10, 10_000, AccountFormat::Card),
            payway(
                "card_rub",
                Currency::RUB,
                Decimal::new(15, 1),
                100,
                600_000,
                AccountFormat::Card,
            ),
            payway(
                "qiwi_rub",
                Currency::RUB,
                Decimal::new(25, 1),
                10,
                15_000,
                AccountFormat::Phone,
            ),
        ]
    }
}

/// A payment method of `invoice/*`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct InvoicePayway {
    /// The alias sent as `payway`.
    pub alias: String,
    /// The currency the payer pays in (`ps_currency`).
    pub currency: Currency,
    /// Fee in percent the payer pays on top of the shop's amount.
    pub fee_percent: Decimal,
    /// Smallest amount of a payment, in `currency` (error 4 below it).
    pub min: Decimal,
    /// Largest amount of a payment, in `currency` (error 5 above it).
    pub max: Decimal,
    /// Extra fields the payer must give in `invoice/create` (`email`, `phone`).
    pub add_ons: Vec<String>,
    /// How the payer is sent to `url`: `GET`, `POST`, ...
    pub method: String,
}

impl InvoicePayway {
    /// `card_rub` (643, 3 %, 100 to 100 000, POST), `card_usd` (840, 3.5 %, 1 to
    /// 5 000, POST, asks `email`), `qiwi_rub` (643, 4 %, 10 to 15 000, GET, asks
    /// `phone`).
    pub fn defaults() -> Vec<Self> {
        let payway = |alias: &str, currency, fee, min: i64, max: i64, add_ons: &[&str], method| {
            InvoicePayway {
                alias: alias.to_owned(),
                currency,
                fee_percent: fee,
                min: Decimal::from(min),
                max: Decimal::from(max),
                add_ons: add_ons.iter().map(|s| (*s).to_owned()).collect(),
                method: String::from(method),
            }
        };
        vec![
            payway("card_rub", Currency::RUB, Decimal::new(3, 0), 100, 100_000, &[], "POST"),
            payway("card_usd", Currency::USD, Decimal::new(35, 1), 1, 5_000, &["email"], "POST"),
            payway("qiwi_rub", Currency::RUB, Decimal::new(4, 0), 10, 15_000, &["phone"], "GET"),
        ]
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
