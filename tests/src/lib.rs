//! Helpers of the cross-crate integration tests; the tests live in `tests/`.
#![forbid(unsafe_code)]

use feennex_proto::Decimal;
use serde::Deserialize;
use serde_json::value::RawValue;

/// A payout as the sandbox's ledger lists it, amounts exact.
#[derive(Debug, Clone)]
pub struct LedgerTransfer {
    /// The sandbox's payout id.
    pub id: u64,
    /// The merchant's id.
    pub shop_payment_id: String,
    /// What the shop paid.
    pub write_off_amount: Decimal,
    /// In which currency.
    pub shop_currency: u16,
}

/// Exact decimal from a JSON number's or string's raw text.
fn exact(raw: &RawValue) -> Decimal {
    raw.get().trim_matches('"').parse().unwrap_or_else(|_| panic!("not a decimal: {}", raw.get()))
}

/// Every transfer the sandbox applied.
pub fn sandbox_transfers(base_url: &str) -> Vec<LedgerTransfer> {
    #[derive(Deserialize)]
    struct Raw {
        id: u64,
        shop_payment_id: String,
        write_off_amount: Box<RawValue>,
        shop_currency: u16,
    }
    let text = feennex_sandbox::introspect(base_url, "transfers").unwrap();
    let raw: Vec<Raw> = serde_json::from_str(&text).unwrap();
    raw.into_iter()
        .map(|t| LedgerTransfer {
            id: t.id,
            shop_payment_id: t.shop_payment_id,
            write_off_amount: exact(&t.write_off_amount),
            shop_currency: t.shop_currency,
        })
        .collect()
}

/// The available balance of a shop in a currency, exact.
pub fn sandbox_available(base_url: &str, shop_id: u64, currency: u16) -> Decimal {
    #[derive(Deserialize)]
    struct Raw {
        shop_id: u64,
        currency: u16,
        available: Box<RawValue>,
    }
    let text = feennex_sandbox::introspect(base_url, "balances").unwrap();
    let raw: Vec<Raw> = serde_json::from_str(&text).unwrap();
    raw.iter()
        .find(|b| b.shop_id == shop_id && b.currency == currency)
        .map(|b| exact(&b.available))
        .unwrap_or_else(|| panic!("no balance for shop {shop_id} in {currency}: {text}"))
}
