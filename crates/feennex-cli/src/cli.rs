//! The command line: global configuration and one subcommand per job.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use feennex_proto::{
    Amount, BaseUrl, Currency, PayeeAccount, ShopId, ShopPaymentId, Timestamp, TransferAmountType,
};

/// Sign, inspect and send Feennex API requests.
///
/// The secret key is read from FEENNEX_SECRET_KEY or from --secret-file, never from a
/// flag value, which other users of the machine could see in the process list.
#[derive(Debug, Parser)]
#[command(name = "feennex", version)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Settings every subcommand shares.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// API base URL.
    #[arg(long, global = true, env = "FEENNEX_BASE_URL", default_value = feennex_proto::DEFAULT_BASE_URL)]
    pub base_url: BaseUrl,
    /// Your shop id.
    #[arg(long, global = true, env = "FEENNEX_SHOP_ID")]
    pub shop_id: Option<ShopId>,
    /// File holding the secret key (instead of FEENNEX_SECRET_KEY).
    #[arg(long, global = true, value_name = "PATH")]
    pub secret_file: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the signature of exactly the given fields.
    Sign(SignArgs),
    /// Payouts to Feennex wallets.
    #[command(subcommand)]
    Transfer(TransferCommand),
    /// Run a local Feennex sandbox, or drive a running one.
    Sandbox(crate::sandbox_command::SandboxArgs),
}

#[derive(Debug, Args)]
pub struct SignArgs {
    /// First print the string that is hashed (without the secret).
    #[arg(long)]
    pub explain: bool,
    /// Fields as NAME=VALUE, split at the first `=`.
    #[arg(value_name = "NAME=VALUE", required = true)]
    pub fields: Vec<String>,
}

/// Print the exact HTTP request instead of sending it.
#[derive(Debug, Args)]
pub struct DryRun {
    /// Print the exact HTTP request that would be sent, and send nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Subcommand)]
pub enum TransferCommand {
    /// Precalculate a wallet payout (transfer/try).
    Try(TransferTryArgs),
    /// Pay out to a Feennex wallet (transfer/create).
    Create(TransferCreateArgs),
    /// Look a wallet payout up by your id (transfer/shop_payment_status).
    Status(TransferStatusArgs),
}

#[derive(Debug, Args)]
pub struct TransferAmountArgs {
    /// The amount, in plain decimal form (10, 10.5).
    #[arg(long, allow_hyphen_values = true)]
    pub amount: Amount,
    /// receive_amount (what the wallet gets) or writeoff_amount (what the shop pays).
    #[arg(long, default_value = "receive_amount")]
    pub amount_type: TransferAmountType,
    /// Currency credited to the wallet (ISO 4217 numeric, such as 840).
    #[arg(long)]
    pub payee_currency: Currency,
    /// Currency debited from the shop (ISO 4217 numeric).
    #[arg(long)]
    pub shop_currency: Currency,
}

#[derive(Debug, Args)]
pub struct TransferTryArgs {
    #[command(flatten)]
    pub amount: TransferAmountArgs,
    #[command(flatten)]
    pub dry_run: DryRun,
}

#[derive(Debug, Args)]
pub struct TransferCreateArgs {
    #[command(flatten)]
    pub amount: TransferAmountArgs,
    /// The wallet: 20 followed by 10 digits, or its e-mail address.
    #[arg(long)]
    pub payee_account: PayeeAccount,
    /// Your id of this payout (1–255 characters); reuse it to retry safely.
    #[arg(long)]
    pub shop_payment_id: ShopPaymentId,
    /// A note for the payee.
    #[arg(long)]
    pub description: Option<String>,
    #[command(flatten)]
    pub dry_run: DryRun,
}

/// The `now` field: the current time unless given.
#[derive(Debug, Args)]
pub struct NowArg {
    /// Time of sending (RFC 3339); defaults to the current time.
    #[arg(long)]
    pub now: Option<Timestamp>,
}

#[derive(Debug, Args)]
pub struct TransferStatusArgs {
    /// Your id of the payout.
    #[arg(long)]
    pub shop_payment_id: ShopPaymentId,
    #[command(flatten)]
    pub now: NowArg,
    #[command(flatten)]
    pub dry_run: DryRun,
}
