//! The dry run of a batch: every row precalculated with `transfer/try`, the
//! write-offs summed per currency and compared with the shop balance. No payout
//! is sent.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::Arc;
use std::time::SystemTime;

use feennex_hyper::Client;
use feennex_proto::{Currency, Decimal, Error, ShopBalance, Timestamp, TransferTry};
use tokio::sync::Semaphore;

use super::batch::PayoutRow;

/// A precalculated batch.
#[derive(Debug, Default)]
pub struct Plan {
    /// Write-offs per shop currency.
    pub write_offs: BTreeMap<Currency, Decimal>,
    /// Rows whose precalculation was refused, with why.
    pub refused: Vec<(u64, String)>,
}

/// Precalculates every row, `concurrency` at a time.
pub async fn precalculate(client: &Client, rows: &[PayoutRow], concurrency: usize) -> Plan {
    let limit = Arc::new(Semaphore::new(concurrency.max(1)));
    let tasks: Vec<_> = rows
        .iter()
        .map(|row| {
            let (client, limit) = (client.clone(), limit.clone());
            let quote = TransferTry::new(
                row.create.amount,
                row.create.amount_type,
                row.create.payee_currency,
                row.create.shop_currency,
            );
            let line = row.line;
            tokio::spawn(async move {
                let _permit = limit.acquire().await;
                (line, quote.shop_currency, client.send(&quote).await)
            })
        })
        .collect();
    let mut plan = Plan::default();
    for task in tasks {
        match task.await {
            Ok((_, currency, Ok(quote))) => {
                *plan.write_offs.entry(currency).or_default() += quote.write_off_amount;
            }
            Ok((line, _, Err(error))) => plan.refused.push((line, error.to_string())),
            Err(error) => plan.refused.push((0, error.to_string())),
        }
    }
    plan
}

/// The shop's available balance per currency.
pub async fn balances(client: &Client) -> Result<BTreeMap<Currency, Decimal>, Error> {
    let now = Timestamp::try_from(SystemTime::now())
        .map_err(|error| Error::InvalidInput { field: "now", reason: Box::new(error) })?;
    let answer = client.send(&ShopBalance::new(now)).await?;
    Ok(answer.balances.into_iter().map(|balance| (balance.currency, balance.available)).collect())
}

/// Prints the plan against the balances.
pub fn print(
    out: &mut dyn Write,
    rows: usize,
    plan: &Plan,
    balances: &BTreeMap<Currency, Decimal>,
) -> std::io::Result<()> {
    writeln!(out, "dry run: {rows} rows precalculated, nothing paid")?;
    for (line, reason) in &plan.refused {
        writeln!(out, "  line {line}: refused: {reason}")?;
    }
    for (currency, total) in &plan.write_offs {
        let available = balances.get(currency).copied().unwrap_or_default();
        let verdict = if available >= *total {
            "enough".to_owned()
        } else {
            format!("short by {}", *total - available)
        };
        let alpha = currency.alpha().unwrap_or("");
        writeln!(out, "  {currency} {alpha}: write-off {total}, available {available}: {verdict}")?;
    }
    Ok(())
}
