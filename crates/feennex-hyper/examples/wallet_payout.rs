//! A wallet payout with the async client: precalculate, pay exactly once, look up.
//!
//! Runs against the API named by `FEENNEX_BASE_URL` (the sandbox, say) with the shop
//! in `FEENNEX_SHOP_ID` and its secret in `FEENNEX_SECRET_KEY`:
//!
//! ```sh
//! cargo run -p feennex-hyper --example wallet_payout
//! ```

use std::process::ExitCode;
use std::str::FromStr;
use std::time::SystemTime;

use feennex_hyper::proto::prelude::{TransferCreate, TransferStatus, TransferTry};
use feennex_hyper::{
    Client,
    prelude::{Currency, Merchant, SecretKey, ShopPaymentId, Timestamp, TransferAmountType},
};

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let base_url = setting("FEENNEX_BASE_URL")?;
    let shop_id = setting("FEENNEX_SHOP_ID")?;
    let secret = SecretKey::new(setting::<String>("FEENNEX_SECRET_KEY")?);
    let client = Client::new(Merchant::new(shop_id, secret).with_base_url(base_url))?;

    let quote = client
        .call(
            &TransferTry::builder()
                .amount("10.50".parse()?)
                .amount_type(TransferAmountType::ReceiveAmount)
                .payee_currency(Currency::USD)
                .shop_currency(Currency::USD)
                .build(),
        )
        .await?;
    println!("10.50 USD to a wallet costs the shop {} USD", quote.write_off_amount);

    // The id is the payout's idempotency key: choose it once, keep it on retries.
    let id = ShopPaymentId::new(format!("example-{}", Timestamp::try_from(SystemTime::now())?))?;
    let outcome = client
        .payout(
            TransferCreate::builder()
                .amount("10.50".parse()?)
                .amount_type(TransferAmountType::ReceiveAmount)
                .payee_account("201234567890".parse()?)
                .payee_currency(Currency::USD)
                .shop_currency(Currency::USD)
                .shop_payment_id(id.clone())
                .description("Example payout")
                .build(),
        )
        .await?;
    println!(
        "paid: payout {} for {} (reconciled: {})",
        outcome.summary.id, outcome.summary.write_off, outcome.reconciled
    );

    let now = Timestamp::try_from(SystemTime::now())?;
    let found = client.call(&TransferStatus::new(now, id)).await?;
    println!("status of {}: payout {} exists", found.shop_payment_id, found.id);
    Ok(())
}

/// A setting from the environment, parsed; an error names the variable.
fn setting<T: FromStr>(name: &str) -> Result<T, String>
where
    T::Err: std::fmt::Display,
{
    let text = std::env::var(name).map_err(|_| {
        format!("{name} is not set: this example needs FEENNEX_BASE_URL, FEENNEX_SHOP_ID and FEENNEX_SECRET_KEY")
    })?;
    text.parse().map_err(|error| format!("{name}: {error}"))
}
