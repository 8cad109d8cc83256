//! The sandbox's ledger as its introspection routes show it, with every amount read
//! from its exact decimal text (never through `f64`).

use feennex_proto::prelude::{Currency, Decimal};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

/// The balance every sandbox shop opens with in USD, EUR and RUB.
pub const OPENING_BALANCE: i64 = feennex_sandbox::DEFAULT_BALANCE;

/// Reads a JSON number as the exact decimal its text says.
fn exact<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
    let raw = Box::<RawValue>::deserialize(deserializer)?;
    Decimal::from_str_exact(raw.get()).map_err(serde::de::Error::custom)
}

/// A wallet payout the sandbox applied.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct LedgerTransfer {
    /// The sandbox's id of the payout.
    pub id: u64,
    /// The shop that paid.
    pub shop_id: u64,
    /// The merchant's id of the payout.
    pub shop_payment_id: String,
    /// The wallet credited.
    pub payee_account: String,
    /// What the wallet received.
    #[serde(deserialize_with = "exact")]
    pub payee_amount: Decimal,
    /// The wallet's currency.
    pub payee_currency: Currency,
    /// What the shop paid.
    #[serde(deserialize_with = "exact")]
    pub write_off_amount: Decimal,
    /// The shop's currency.
    pub shop_currency: Currency,
}

/// A withdrawal the sandbox applied.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct LedgerWithdrawal {
    /// The sandbox's id of the withdrawal.
    pub id: u64,
    /// The merchant's id of the withdrawal.
    pub shop_payment_id: String,
    /// The account paid.
    pub account: String,
    /// The payway's alias.
    pub payway: String,
    /// What the payee receives.
    #[serde(deserialize_with = "exact")]
    pub payee_receive: Decimal,
    /// The payee's currency.
    pub ps_currency: Currency,
    /// What the shop pays.
    #[serde(deserialize_with = "exact")]
    pub shop_write_off: Decimal,
    /// The shop's currency.
    pub shop_currency: Currency,
    /// The status code.
    pub status: u8,
}

/// One balance of one shop.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct LedgerBalance {
    /// The shop.
    pub shop_id: u64,
    /// The currency.
    pub currency: Currency,
    /// Money the shop can spend.
    #[serde(deserialize_with = "exact")]
    pub available: Decimal,
    /// Money held for withdrawals that have not ended.
    #[serde(deserialize_with = "exact")]
    pub frozen: Decimal,
}

/// Everything the sandbox paid out, and its balances.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Ledger {
    /// Every applied wallet payout.
    pub transfers: Vec<LedgerTransfer>,
    /// Every applied withdrawal.
    pub withdrawals: Vec<LedgerWithdrawal>,
    /// Every balance.
    pub balances: Vec<LedgerBalance>,
}

impl Ledger {
    /// Reads the ledger of the sandbox at `base_url` through its sandbox-only routes.
    pub fn read(base_url: &str) -> Self {
        let read = |what: &str| crate::routes::introspect(base_url, what);
        Self {
            transfers: serde_json::from_str(&read("transfers")).unwrap(),
            withdrawals: serde_json::from_str(&read("withdrawals")).unwrap(),
            balances: serde_json::from_str(&read("balances")).unwrap(),
        }
    }

    /// The one wallet payout with this id; fails the test unless there is exactly one.
    pub fn the_transfer(&self, shop_payment_id: &str) -> &LedgerTransfer {
        let found: Vec<_> =
            self.transfers.iter().filter(|t| t.shop_payment_id == shop_payment_id).collect();
        assert_eq!(found.len(), 1, "transfers with id {shop_payment_id:?}: {:?}", self.transfers);
        found[0]
    }

    /// The one withdrawal with this id; fails the test unless there is exactly one.
    pub fn the_withdrawal(&self, shop_payment_id: &str) -> &LedgerWithdrawal {
        let found: Vec<_> =
            self.withdrawals.iter().filter(|w| w.shop_payment_id == shop_payment_id).collect();
        assert_eq!(
            found.len(),
            1,
            "withdrawals with id {shop_payment_id:?}: {:?}",
            self.withdrawals
        );
        found[0]
    }

    /// The balance of the default shop in `currency`.
    pub fn balance(&self, currency: Currency) -> &LedgerBalance {
        self.balances
            .iter()
            .find(|b| b.shop_id == feennex_sandbox::DEFAULT_SHOP_ID && b.currency == currency)
            .unwrap_or_else(|| panic!("no balance in {currency}: {:?}", self.balances))
    }

    /// Available money of the default shop in `currency`.
    pub fn available(&self, currency: Currency) -> Decimal {
        self.balance(currency).available
    }

    /// Checks that the ledger holds exactly these payouts (by id, each once) and
    /// that every balance is exact: available money is the opening balance less
    /// every write-off (a rejected withdrawal gives its money back), and frozen money
    /// is the write-off of the withdrawals that have not ended.
    pub fn assert_payouts_exactly(&self, transfers: &[&str], withdrawals: &[&str]) {
        let sorted = |mut ids: Vec<String>| {
            ids.sort_unstable();
            ids
        };
        let owned = |ids: &[&str]| ids.iter().map(|id| (*id).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            sorted(self.transfers.iter().map(|t| t.shop_payment_id.clone()).collect()),
            sorted(owned(transfers)),
            "the ledger's transfers"
        );
        assert_eq!(
            sorted(self.withdrawals.iter().map(|w| w.shop_payment_id.clone()).collect()),
            sorted(owned(withdrawals)),
            "the ledger's withdrawals"
        );
        for currency in [Currency::USD, Currency::EUR, Currency::RUB] {
            let in_currency = |w: &&LedgerWithdrawal| w.shop_currency == currency;
            let transferred: Decimal = self
                .transfers
                .iter()
                .filter(|t| t.shop_currency == currency)
                .map(|t| t.write_off_amount)
                .sum();
            let withdrawn: Decimal = self
                .withdrawals
                .iter()
                .filter(in_currency)
                .filter(|w| !matches!(w.status, REJECTED | MANUAL_CANCELED))
                .map(|w| w.shop_write_off)
                .sum();
            let frozen: Decimal = self
                .withdrawals
                .iter()
                .filter(in_currency)
                .filter(|w| !matches!(w.status, SUCCESS | REJECTED | MANUAL_CANCELED))
                .map(|w| w.shop_write_off)
                .sum();
            let balance = self.balance(currency);
            assert_eq!(
                balance.available,
                Decimal::from(OPENING_BALANCE) - transferred - withdrawn,
                "available in {currency}"
            );
            assert_eq!(balance.frozen, frozen, "frozen in {currency}");
        }
    }
}

/// Final withdrawal statuses (API spec, section 8).
const SUCCESS: u8 = 5;
const REJECTED: u8 = 6;
const MANUAL_CANCELED: u8 = 8;
