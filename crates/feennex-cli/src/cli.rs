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
    #[arg(long, global = true, env = "FEENNEX_BASE_URL", default_value = feennex_proto::request::DEFAULT_BASE_URL)]
    pub base_url: BaseUrl,
    /// Your shop id.
    #[arg(long, global = true, env = "FEENNEX_SHOP_ID")]
    pub shop_id: Option<ShopId>,
    /// File holding the secret key (instead of FEENNEX_SECRET_KEY).
    #[arg(long, global = true, value_name = "PATH")]
    pub secret_file: Option<PathBuf>,
    /// Seconds one attempt may take before it is given up (and, for a payout,
    /// reconciled by its status).
    #[arg(long, global = true, value_name = "SECONDS")]
    pub timeout: Option<crate::send::Seconds>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the signature of exactly the given fields.
    Sign(SignArgs),
    /// Payouts to Feennex wallets.
    #[command(subcommand)]
    Transfer(TransferCommand),
    /// Payments by Feennex wallet holders.
    #[command(subcommand)]
    Bill(crate::bill_command::BillCommand),
    /// Payments through other payment systems.
    #[command(subcommand)]
    Invoice(crate::invoice_command::InvoiceCommand),
    /// Payouts to external payment systems.
    #[command(subcommand)]
    Withdraw(crate::withdraw_command::WithdrawCommand),
    /// The shop's balances (shop_balance).
    Balance(crate::balance_command::BalanceArgs),
    /// Print the hosted pay page's address with its signed fields.
    PayUrl(crate::pay_url_command::PayUrlArgs),
    /// Callbacks Feennex sends about payments.
    #[command(subcommand)]
    Callback(crate::callback_command::CallbackCommand),
    /// Mass payouts to Feennex wallets from a CSV file.
    #[command(subcommand)]
    Payouts(PayoutsCommand),
    /// Pay a sample batch against an embedded sandbox with fault injection: no
    /// set-up needed.
    Demo(DemoArgs),
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

#[derive(Debug, Subcommand)]
pub enum PayoutsCommand {
    /// Pay every row of a CSV file exactly once; run it again to resume.
    ///
    /// Wallet payouts: payee_account, amount, payee_currency, shop_currency, and
    /// optionally amount_type (default receive_amount), shop_payment_id,
    /// description. Withdrawals: account, amount, payway, shop_currency, and
    /// optionally amount_type (default ps_amount), shop_payment_id,
    /// account_details. Rows without a shop_payment_id get
    /// batch-<batch id>-<record number>, the batch id being a hash of the file.
    ///
    /// Exit codes: 0 every row paid or already paid; 2 invalid input, or the
    /// journal refused; 3 some rows refused (or, with --dry-run, refused or a
    /// short balance); 4 some outcomes unknown (run again); 5 the report could
    /// not be written; 6 conflicts; 130 stopped (run again).
    Run(PayoutsRunArgs),
}

#[derive(Debug, Args)]
pub struct PayoutsRunArgs {
    /// The CSV file.
    pub file: PathBuf,
    /// The journal (default: FILE.journal beside the CSV).
    #[arg(long, value_name = "PATH")]
    pub journal: Option<PathBuf>,
    /// The report (default: FILE.report.csv beside the CSV).
    #[arg(long, value_name = "PATH")]
    pub report: Option<PathBuf>,
    /// Payouts in flight at once.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,
    /// Precalculate every row and compare with the balance; pay nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Report invalid rows and pay the others, instead of refusing to start.
    #[arg(long)]
    pub skip_invalid: bool,
    /// The batch's id, the basis of derived payout ids (default: a hash of the
    /// file). Give the journal's id to continue a batch whose file was edited.
    #[arg(long, value_name = "ID")]
    pub batch_id: Option<String>,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Where to write the sample batch, journal and report (default: a new
    /// directory under the system's temporary directory).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Seed of the sandbox's fault injection.
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
}
